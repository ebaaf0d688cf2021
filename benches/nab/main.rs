//! The Numenta Anomaly Benchmark on our detectors:
//! `cargo run --release -p opsbrain-benches --bin nab -- /work/shared/data/nab`
//! (the folder holding `data/` and `labels/`; nothing is copied into the
//! repository). Prints the normalised scores of each detector under the
//! three profiles, beside the published figures, and the streamed alert
//! episodes of the two temperature failure series.

mod gaussian;
mod score;

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDateTime, Utc};
use opsbrain::anomaly::stream::{
    EpisodeConfig, Episodes, Seasonality, StreamConfig, StreamDetector,
};
use score::{Labelled, PROFILES, score_corpus};

type Failure = Box<dyn std::error::Error>;

/// One NAB series.
struct Series {
    /// `realKnownCause/nyc_taxi.csv`.
    name: String,
    at: Vec<DateTime<Utc>>,
    values: Vec<f64>,
    labelled: Labelled,
}

const FOLDERS: [&str; 3] = ["realAWSCloudwatch", "realKnownCause", "realTraffic"];

fn instant(text: &str) -> Result<DateTime<Utc>, Failure> {
    let t = NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%d %H:%M:%S%.f")
        .map_err(|e| format!("bad timestamp {text:?}: {e}"))?;
    Ok(t.and_utc())
}

fn load(root: &Path) -> Result<Vec<Series>, Failure> {
    let windows: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(
        root.join("labels/combined_windows.json"),
    )?)?;
    let mut out = Vec::new();
    for folder in FOLDERS {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("data").join(folder))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "csv"))
            .collect();
        files.sort();
        for path in files {
            let file = path
                .file_name()
                .and_then(|f| f.to_str())
                .unwrap_or_default();
            let name = format!("{folder}/{file}");
            let text = std::fs::read_to_string(&path)?;
            let (mut at, mut values) = (Vec::new(), Vec::new());
            for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
                let (t, v) = line
                    .split_once(',')
                    .ok_or_else(|| format!("{name}: bad line {line:?}"))?;
                at.push(instant(t)?);
                values.push(v.trim().parse::<f64>()?);
            }
            let mut wins = Vec::new();
            for w in windows
                .get(&name)
                .and_then(|w| w.as_array())
                .ok_or_else(|| format!("{name}: no windows in the labels"))?
            {
                let (Some(a), Some(b)) = (
                    w.get(0).and_then(|v| v.as_str()),
                    w.get(1).and_then(|v| v.as_str()),
                ) else {
                    return Err(format!("{name}: bad window {w}").into());
                };
                let (a, b) = (instant(a)?, instant(b)?);
                let l = at.partition_point(|t| *t < a);
                let r = at.partition_point(|t| *t <= b);
                if r == 0 || l >= r {
                    return Err(format!("{name}: window {w} holds no row").into());
                }
                wins.push((l, r - 1));
            }
            out.push(Series {
                labelled: Labelled {
                    rows: values.len(),
                    windows: wins,
                },
                name,
                at,
                values,
            });
        }
    }
    Ok(out)
}

/// Normalised scores under the three profiles, on the series `keep` selects.
fn table_row(series: &[Series], scores: &[Vec<f64>], keep: impl Fn(&str) -> bool) -> [f64; 3] {
    let (mut lab, mut sc) = (Vec::new(), Vec::new());
    for (s, v) in series.iter().zip(scores) {
        if keep(&s.name) {
            lab.push(s.labelled.clone());
            sc.push(v.clone());
        }
    }
    PROFILES.map(|p| score_corpus(&lab, &sc, p).normalised)
}

fn print_row(name: &str, series: &[Series], scores: &[Vec<f64>]) {
    let all = table_row(series, scores, |_| true);
    let tune = table_row(series, scores, |n| !n.starts_with("realAWSCloudwatch"));
    let check = table_row(series, scores, |n| n.starts_with("realAWSCloudwatch"));
    println!(
        "| {name} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} |",
        all[0], all[1], all[2], tune[0], check[0]
    );
}

fn main() -> Result<(), Failure> {
    let root = std::env::args()
        .nth(1)
        .ok_or("usage: nab DATA_DIR (the folder holding data/ and labels/)")?;
    let series = load(Path::new(&root))?;
    let windows: usize = series.iter().map(|s| s.labelled.windows.len()).sum();
    println!(
        "{} series, {} rows, {} windows",
        series.len(),
        series.iter().map(|s| s.values.len()).sum::<usize>(),
        windows
    );
    println!();
    let [a, b, c] = PROFILES.map(|p| p.name);
    println!(
        "| detector | {a} | {b} | {c} | standard on KnownCause+Traffic (tuning) | standard on AWSCloudwatch (check) |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    let gauss: Vec<Vec<f64>> = series.iter().map(|s| gaussian::scores(&s.values)).collect();
    print_row(
        "windowed Gaussian (ours, as NAB describes it)",
        &series,
        &gauss,
    );
    if let Ok(text) = std::env::var("NAB_DEBUG") {
        let config = StreamConfig::from_json(&text)?;
        for s in series.iter().filter(|s| !s.name.starts_with("realAWS")) {
            debug(&config, s);
        }
    }
    for (name, config) in variants() {
        let scores: Vec<Vec<f64>> = series
            .iter()
            .map(|s| stream(&config, s))
            .collect::<Result<_, _>>()?;
        print_row(&name, &series, &scores);
    }
    println!();
    for seasonality in [
        Seasonality::None,
        Seasonality::HourOfDay,
        Seasonality::HourOfWeek,
    ] {
        let mut c = StreamConfig::default();
        c.seasonality = seasonality;
        let mut d = StreamDetector::new(c)?;
        let s = &series[0];
        d.update_many(&monotone(&s.at), &s.values)?;
        println!(
            "per-metric state with {seasonality:?}: {} bytes in memory, {} bytes of JSON",
            d.state_bytes(),
            d.to_json().len()
        );
    }
    println!();
    episodes(&series)?;
    Ok(())
}

/// The detector with its defaults, then one row per part taken away.
fn variants() -> Vec<(String, StreamConfig)> {
    let base = StreamConfig::default();
    let mut out = vec![("stream (defaults)".to_owned(), base.clone())];
    let mut add = |name: &str, edit: &dyn Fn(&mut StreamConfig)| {
        let mut c = base.clone();
        edit(&mut c);
        out.push((name.to_owned(), c));
    };
    add("  - likelihood (raw score)", &|c| c.likelihood = false);
    add("  - suppression", &|c| c.suppress_points = 0);
    add("  - range rule", &|c| c.range_tolerance = None);
    add("  - z floor (0)", &|c| c.z_floor = 0.0);
    add("  + slow baseline (half-life 500)", &|c| {
        c.slow_half_life = Some(500.0)
    });
    add("  - seasonal offsets (level only)", &|c| {
        c.seasonality = Seasonality::None
    });
    add("  hour-of-day instead of hour-of-week", &|c| {
        c.seasonality = Seasonality::HourOfDay
    });
    add("  seasonal offsets used from the first visit", &|c| {
        c.seasonal_min_visits = 1
    });
    if let Ok(extra) = std::env::var("NAB_EXTRA") {
        // Tuning: NAB_EXTRA='{"level_half_life": 20};{...}' adds rows.
        for (k, text) in extra.split(';').enumerate() {
            if let Ok(c) = StreamConfig::from_json(text) {
                out.push((format!("extra {k}: {text}"), c));
            }
        }
    }
    out
}

/// The instants as the detector takes them: machine_temperature_system_failure
/// has one timestamp earlier than its predecessor (a clock step back); the
/// detector refuses to go back in time, so that row is fed at the previous
/// instant.
fn monotone(at: &[DateTime<Utc>]) -> Vec<DateTime<Utc>> {
    let mut last = DateTime::<Utc>::MIN_UTC;
    at.iter()
        .map(|t| {
            last = last.max(*t);
            last
        })
        .collect()
}

fn stream(config: &StreamConfig, s: &Series) -> Result<Vec<f64>, Failure> {
    let mut d = StreamDetector::new(config.clone())?;
    Ok(d.update_many(&monotone(&s.at), &s.values)?
        .iter()
        .map(|p| p.score)
        .collect())
}

/// Streamed alert episodes for the two temperature failure series.
fn episodes(series: &[Series]) -> Result<(), Failure> {
    println!(
        "| series | episodes | inside a window | outside | first in each window (rows from window start / width) |"
    );
    println!("|---|---:|---:|---:|---|");
    for s in series
        .iter()
        .filter(|s| s.name.contains("temperature_system_failure"))
    {
        let mut d = StreamDetector::new(StreamConfig::default())?;
        let mut e = Episodes::new(&s.name, EpisodeConfig::default())?;
        let mut found = Vec::new();
        for (t, v) in monotone(&s.at).iter().zip(&s.values) {
            let p = d.update(*t, *v)?;
            found.extend(e.push(&p));
        }
        found.extend(e.finish());
        let window_of = |t: &DateTime<Utc>| {
            s.labelled
                .windows
                .iter()
                .position(|&(l, r)| *t >= s.at[l] && *t <= s.at[r])
        };
        let inside = found
            .iter()
            .filter(|e| window_of(&e.start).is_some())
            .count();
        let mut firsts = Vec::new();
        for (w, &(l, r)) in s.labelled.windows.iter().enumerate() {
            let first = found.iter().find(|e| window_of(&e.start) == Some(w));
            firsts.push(match first {
                Some(e) => format!(
                    "{}/{}",
                    s.at.partition_point(|t| *t < e.start) - l,
                    r - l + 1
                ),
                None => "missed".to_owned(),
            });
        }
        println!(
            "| {} | {} | {} | {} | {} |",
            s.name,
            found.len(),
            inside,
            found.len() - inside,
            firsts.join(", ")
        );
        for e in &found {
            println!(
                "    {} .. {} peak {} at {} ({:?}, {} points){}",
                e.start,
                e.end,
                format_args!("{:.3}", e.peak_score),
                e.peak_at,
                e.severity,
                e.points,
                if window_of(&e.start).is_some() {
                    " [in window]"
                } else {
                    ""
                }
            );
        }
        println!("    de-duplicated points: {}", e.deduplicated());
    }
    Ok(())
}

/// Tuning aid: NAB_DEBUG=1 prints, per series, the highest anomaly after the
/// warm-up and where it is.
fn debug(config: &StreamConfig, s: &Series) {
    let Ok(mut d) = StreamDetector::new(config.clone()) else {
        return;
    };
    let Ok(p) = d.update_many(&monotone(&s.at), &s.values) else {
        return;
    };
    let w = config.warmup;
    let top = (w..p.len())
        .max_by(|&a, &b| p[a].anomaly.total_cmp(&p[b].anomaly))
        .unwrap_or(0);
    let mean_raw = p.iter().map(|p| p.raw).sum::<f64>() / p.len() as f64;
    let mut peaks: Vec<(usize, f64)> = p
        .iter()
        .enumerate()
        .filter(|(_, p)| p.score >= 0.3)
        .map(|(i, p)| (i, (p.score * 100.0).round() / 100.0))
        .collect();
    peaks.sort_by(|a, b| b.1.total_cmp(&a.1));
    peaks.truncate(8);
    eprintln!(
        "{:50} top {:.3} at {} windows {:?} mean raw {:.3} peaks {:?}",
        s.name, p[top].anomaly, top, s.labelled.windows, mean_raw, peaks
    );
}
