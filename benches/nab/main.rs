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
    println!(
        "| detector | standard | low FP | low FN | standard on KnownCause+Traffic (tuning) | standard on AWSCloudwatch (check) |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    let gauss: Vec<Vec<f64>> = series.iter().map(|s| gaussian::scores(&s.values)).collect();
    print_row(
        "windowed Gaussian (ours, as NAB describes it)",
        &series,
        &gauss,
    );
    Ok(())
}
