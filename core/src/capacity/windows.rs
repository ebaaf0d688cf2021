//! Maintenance windows: see the [`crate::capacity`] docs for the model and its rules.

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc};
use linfa::DatasetBase;
use linfa::prelude::*;
use linfa_clustering::KMeans;
use ndarray::Array2;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::series::{DAY_SECS, Series, check_step, gap_steps, prepare};
use crate::error::{Error, Result};

/// Most windows returned.
pub const MAX_WINDOWS: usize = 1_000;

/// Most complete days considered (10 years; the regime search compares
/// every pair of days).
pub const MAX_WINDOW_DAYS: usize = 3_660;

/// Most regimes that can be requested.
pub const MAX_REGIMES: usize = 8;

/// Parameters of [`maintenance_windows`]; every field has a default.
///
/// # Examples
/// ```
/// use opsbrain::capacity::WindowParams;
/// let p: WindowParams = serde_json::from_str(r#"{"length_secs": 3600}"#)?;
/// assert_eq!(p.count, 3);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct WindowParams {
    /// Window length (default 2 hours; at least one step, at most one day).
    #[serde(rename = "length_secs", with = "crate::serde_secs")]
    pub length: TimeDelta,
    /// How many windows (default 3, at most [`MAX_WINDOWS`]).
    pub count: usize,
    /// Number of regimes; `None` (default) chooses 1 to 3 by silhouette.
    pub regimes: Option<usize>,
    /// Seed of the KMeans initialisation (default 0).
    pub seed: u64,
    /// Longest run of NaN that is filled (default 3 hours).
    #[serde(rename = "max_gap_secs", with = "crate::serde_secs")]
    pub max_gap: TimeDelta,
    /// Offset of local time from UTC, for day boundaries and weekdays
    /// (default 0; at most 18 hours either way).
    pub utc_offset_secs: i32,
}

impl Default for WindowParams {
    fn default() -> Self {
        WindowParams {
            length: TimeDelta::hours(2),
            count: 3,
            regimes: None,
            seed: 0,
            max_gap: TimeDelta::hours(3),
            utc_offset_secs: 0,
        }
    }
}

/// A day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum DayOfWeek {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl DayOfWeek {
    const ALL: [DayOfWeek; 7] = [
        DayOfWeek::Monday,
        DayOfWeek::Tuesday,
        DayOfWeek::Wednesday,
        DayOfWeek::Thursday,
        DayOfWeek::Friday,
        DayOfWeek::Saturday,
        DayOfWeek::Sunday,
    ];
}

/// What a regime looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegimeLabel {
    /// Mostly Monday to Friday.
    Weekday,
    /// Mostly Saturday and Sunday.
    Weekend,
    /// The usual regime of no weekday: odd days such as public holidays.
    HolidayLike,
    /// Neither.
    Mixed,
    /// The only regime.
    All,
}

/// A low-usage stretch of a regime's average day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DailyWindow {
    /// Start, in seconds after local midnight (may wrap past midnight).
    pub start_secs: i64,
    /// Mean load over the window.
    pub expected_load: f64,
    /// Highest load in the window.
    pub max_load: f64,
}

/// A usage regime found among the days.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Regime {
    /// Number, 0 for the busiest.
    pub id: usize,
    /// What the regime looks like.
    pub label: RegimeLabel,
    /// Days in the regime.
    pub days: usize,
    /// Days per weekday, Monday first.
    pub weekday_days: [usize; 7],
    /// Mean load over its days.
    pub mean_load: f64,
    /// Its quietest windows, ranked.
    pub windows: Vec<DailyWindow>,
}

/// The regime of one day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DayRegime {
    /// Local date.
    pub date: NaiveDate,
    /// Regime id.
    pub regime: usize,
}

/// A ranked window of the weekly profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MaintenanceWindow {
    /// 1 for the quietest.
    pub rank: usize,
    /// Local weekday of the start.
    pub weekday: DayOfWeek,
    /// Start, in seconds after local midnight.
    pub start_secs: i64,
    /// The next start after the history.
    #[serde(deserialize_with = "crate::input::instant")]
    pub next_start: DateTime<Utc>,
    /// The next end after the history.
    #[serde(deserialize_with = "crate::input::instant")]
    pub next_end: DateTime<Utc>,
    /// Mean load over the window.
    pub expected_load: f64,
    /// Highest load in the window.
    pub max_load: f64,
    /// The regime the start weekday's profile comes from.
    pub regime: usize,
}

/// The result of [`maintenance_windows`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MaintenanceWindows {
    /// Ranked windows of the weekly profile.
    pub windows: Vec<MaintenanceWindow>,
    /// The regimes, busiest first.
    pub regimes: Vec<Regime>,
    /// The regime of every complete day.
    pub days: Vec<DayRegime>,
    /// The weekly profile (Monday 00:00 local first, one value per step).
    pub weekly_profile: Vec<f64>,
    /// Missing points of the history that were filled.
    pub filled_gaps: usize,
}

/// Finds the quietest windows of the weekly profile (see the
/// [module docs](crate::capacity)).
///
/// # Examples
/// ```
/// use chrono::{TimeDelta, TimeZone, Utc};
/// use opsbrain::capacity::{maintenance_windows, Series, WindowParams};
/// // Four weeks, hourly: busy 08-20 on weekdays, quiet at weekends,
/// // quietest at 03:00-05:00 every day.
/// let load: Vec<f64> = (0..28 * 24)
///     .map(|t| {
///         let (day, hour) = (t / 24 % 7, t % 24); // the series starts on a Monday
///         let base = if day < 5 && (8..20).contains(&hour) { 100.0 } else { 20.0 };
///         if (3..5).contains(&hour) { base - 15.0 } else { base }
///     })
///     .collect();
/// let start = Utc.with_ymd_and_hms(2026, 1, 5, 0, 0, 0).unwrap();
/// let w = maintenance_windows(&Series::new(&load, start, TimeDelta::hours(1)), &WindowParams::default())?;
/// assert_eq!(w.windows[0].start_secs, 3 * 3600);
/// assert_eq!(w.windows[0].expected_load, 5.0);
/// assert_eq!(w.regimes.len(), 2);
/// # Ok::<(), opsbrain::Error>(())
/// ```
///
/// # Errors
/// `invalid_input` for bad history (as for forecasts), a start off the step
/// grid, or fewer than 7 complete days; `invalid_config` for bad parameters;
/// `limit_exceeded` past [`MAX_WINDOWS`] or [`MAX_REGIMES`].
pub fn maintenance_windows(
    history: &Series<'_>,
    params: &WindowParams,
) -> Result<MaintenanceWindows> {
    let step = check_step(history.step)?;
    check_params(params, step)?;
    let p = prepare(history, gap_steps(params.max_gap, step)?)?;
    let offset = i64::from(params.utc_offset_secs);
    let local0 = history.start.timestamp() + offset;
    let into_day = local0.rem_euclid(DAY_SECS);
    if into_day % step != 0 {
        return Err(Error::invalid_input(format!(
            "start is {into_day} s after local midnight, not a multiple of the {step} s step"
        )));
    }
    let day = p.day;
    let first = usize::try_from(((DAY_SECS - into_day) % DAY_SECS) / step).unwrap_or(0);
    let ndays = p.y.len().saturating_sub(first) / day;
    if ndays < 7 {
        return Err(Error::invalid_input(format!(
            "maintenance windows need at least 7 complete local days of history \
             ({} points from the first midnight at {step} s), but there are {ndays}",
            7 * day
        )));
    }
    if ndays > MAX_WINDOW_DAYS {
        return Err(Error::limit(format!(
            "the history covers {ndays} days; at most {MAX_WINDOW_DAYS} are allowed \
             (pass the most recent part)"
        )));
    }
    let first_date = local_date(local0 + first as i64 * step);
    let days: Vec<&[f64]> = (0..ndays)
        .map(|d| &p.y[first + d * day..first + (d + 1) * day])
        .collect();
    let weekday: Vec<usize> = (0..ndays)
        .map(|d| {
            (first_date + TimeDelta::days(d as i64))
                .weekday()
                .num_days_from_monday() as usize
        })
        .collect();
    let labels = cluster_days(&days, params)?;
    let k = labels.iter().max().map_or(1, |m| m + 1);

    // Regimes: counts, loads, relabel busiest first.
    let mean_of = |r: usize| {
        let (s, c) = days
            .iter()
            .zip(&labels)
            .filter(|(_, l)| **l == r)
            .fold((0.0, 0usize), |(s, c), (d, _)| {
                (s + d.iter().sum::<f64>(), c + day)
            });
        if c == 0 { 0.0 } else { s / c as f64 }
    };
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&a, &b| mean_of(b).total_cmp(&mean_of(a)).then(a.cmp(&b)));
    let mut rename = vec![0; k];
    for (new, &old) in order.iter().enumerate() {
        rename[old] = new;
    }
    let labels: Vec<usize> = labels.iter().map(|&l| rename[l]).collect();
    let mut counts = vec![[0usize; 7]; k];
    for (d, &l) in labels.iter().enumerate() {
        counts[l][weekday[d]] += 1;
    }
    // The usual regime of each weekday (ties: the busier regime).
    let usual: Vec<usize> = (0..7)
        .map(|w| (0..k).fold(0, |b, r| if counts[r][w] > counts[b][w] { r } else { b }))
        .collect();
    let length_steps = usize::try_from(params.length.num_seconds() / step).unwrap_or(1);
    let regimes: Vec<Regime> = (0..k)
        .map(|r| {
            let members: Vec<&[f64]> = days
                .iter()
                .zip(&labels)
                .filter(|(_, l)| **l == r)
                .map(|(d, _)| *d)
                .collect();
            let profile = mean_profile(&members, day);
            let total: usize = counts[r].iter().sum();
            let weekend = counts[r][5] + counts[r][6];
            let label = if k == 1 {
                RegimeLabel::All
            } else if weekend * 10 >= total * 6 {
                RegimeLabel::Weekend
            } else if !usual.contains(&r) {
                RegimeLabel::HolidayLike
            } else if weekend * 10 <= total * 4 {
                RegimeLabel::Weekday
            } else {
                RegimeLabel::Mixed
            };
            let windows = lowest_windows(&profile, length_steps, params.count)
                .into_iter()
                .map(|(s, mean, max)| DailyWindow {
                    start_secs: s as i64 * step,
                    expected_load: mean,
                    max_load: max,
                })
                .collect();
            Regime {
                id: r,
                label,
                days: total,
                weekday_days: counts[r],
                mean_load: profile.iter().sum::<f64>() / day as f64,
                windows,
            }
        })
        .collect();
    let mut weekly_profile = Vec::with_capacity(7 * day);
    for (w, &regime) in usual.iter().enumerate() {
        let members: Vec<&[f64]> = (0..ndays)
            .filter(|&d| weekday[d] == w && labels[d] == regime)
            .map(|d| days[d])
            .collect();
        weekly_profile.extend(mean_profile(&members, day));
    }
    // The next occurrence of each window after the last observation.
    let end_local = local0 + p.y.len() as i64 * step;
    let week_pos = |s: i64| {
        let d = s.div_euclid(DAY_SECS);
        (d + 3).rem_euclid(7) * DAY_SECS + s.rem_euclid(DAY_SECS)
    };
    let windows = lowest_windows(&weekly_profile, length_steps, params.count)
        .into_iter()
        .enumerate()
        .map(|(i, (s, mean, max))| {
            let q = s as i64 * step;
            let next_local = end_local + (q - week_pos(end_local)).rem_euclid(7 * DAY_SECS);
            let next_start = utc(next_local - offset);
            MaintenanceWindow {
                rank: i + 1,
                weekday: DayOfWeek::ALL[s / day],
                start_secs: q % DAY_SECS,
                next_start,
                next_end: next_start + params.length,
                expected_load: mean,
                max_load: max,
                regime: usual[s / day],
            }
        })
        .collect();
    Ok(MaintenanceWindows {
        windows,
        regimes,
        days: (0..ndays)
            .map(|d| DayRegime {
                date: first_date + TimeDelta::days(d as i64),
                regime: labels[d],
            })
            .collect(),
        weekly_profile,
        filled_gaps: p.filled,
    })
}

fn check_params(params: &WindowParams, step: i64) -> Result<()> {
    let len = params.length.num_seconds();
    if len < step || len > DAY_SECS || len % step != 0 {
        return Err(Error::invalid_config(format!(
            "length_secs must be a multiple of the {step} s step between one step and one day, got {len}"
        )));
    }
    if params.count == 0 {
        return Err(Error::invalid_config("count must be at least 1"));
    }
    if params.count > MAX_WINDOWS {
        return Err(Error::limit(format!(
            "count is {}; at most {MAX_WINDOWS} windows are allowed",
            params.count
        )));
    }
    match params.regimes {
        Some(0) => return Err(Error::invalid_config("regimes must be at least 1")),
        Some(r) if r > MAX_REGIMES => {
            return Err(Error::limit(format!(
                "regimes is {r}; at most {MAX_REGIMES} are allowed"
            )));
        }
        _ => {}
    }
    if params.utc_offset_secs.unsigned_abs() > 18 * 3600 {
        return Err(Error::invalid_config(format!(
            "utc_offset_secs must be within 18 hours, got {}",
            params.utc_offset_secs
        )));
    }
    Ok(())
}

fn utc(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
}

fn local_date(secs: i64) -> NaiveDate {
    utc(secs).date_naive()
}

fn mean_profile(members: &[&[f64]], day: usize) -> Vec<f64> {
    let mut out = vec![0.0; day];
    for d in members {
        for (o, v) in out.iter_mut().zip(d.iter()) {
            *o += v;
        }
    }
    let c = members.len().max(1) as f64;
    out.iter_mut().for_each(|v| *v /= c);
    out
}

/// The `count` lowest-mean circular windows of `len` points that do not
/// overlap: `(start, mean, max)`, quietest first (ties: earlier start).
fn lowest_windows(profile: &[f64], len: usize, count: usize) -> Vec<(usize, f64, f64)> {
    let n = profile.len();
    let len = len.clamp(1, n);
    let at = |i: usize| profile[i % n];
    let mut sum: f64 = (0..len).map(at).sum();
    let mut scored = Vec::with_capacity(n);
    for s in 0..n {
        if s > 0 {
            sum += at(s + len - 1) - at(s - 1);
        }
        scored.push((s, sum / len as f64));
    }
    scored.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    let mut taken = vec![false; n];
    let mut out = Vec::new();
    for (s, _) in scored {
        if out.len() == count {
            break;
        }
        if (0..len).any(|i| taken[(s + i) % n]) {
            continue;
        }
        (0..len).for_each(|i| taken[(s + i) % n] = true);
        let max = (0..len).map(|i| at(s + i)).fold(f64::MIN, f64::max);
        // The mean again, exactly (the running sum drifts by rounding).
        let exact = (0..len).map(|i| at(s + i)).sum::<f64>() / len as f64;
        out.push((s, exact, max));
    }
    out
}

/// Day features: up to 24 bins per day, divided by the overall mean.
fn features(days: &[&[f64]], day: usize) -> Array2<f64> {
    let bins = gcd(day, 24);
    let per = day / bins;
    let total: f64 = days.iter().map(|d| d.iter().sum::<f64>()).sum();
    let mean = total / (days.len() * day) as f64;
    let scale = if mean > 0.0 { 1.0 / mean } else { 0.0 };
    Array2::from_shape_fn((days.len(), bins), |(d, b)| {
        days[d][b * per..(b + 1) * per].iter().sum::<f64>() / per as f64 * scale
    })
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// Cluster labels per day (0-based, unordered).
fn cluster_days(days: &[&[f64]], params: &WindowParams) -> Result<Vec<usize>> {
    let x = features(days, days[0].len());
    let mut distinct: Vec<Vec<u64>> = x
        .rows()
        .into_iter()
        .map(|r| r.iter().map(|v| v.to_bits()).collect())
        .collect();
    distinct.sort_unstable();
    distinct.dedup();
    let fit = |k: usize| -> Result<Vec<usize>> {
        if k == 1 {
            return Ok(vec![0; days.len()]);
        }
        let ds = DatasetBase::from(x.clone());
        let model = KMeans::params_with_rng(k, ChaCha8Rng::seed_from_u64(params.seed))
            .n_runs(10)
            .max_n_iterations(300)
            .tolerance(1e-9)
            .fit(&ds)
            .map_err(|e| Error::invalid_input(format!("KMeans failed: {e}")))?;
        Ok(model.predict(&x).to_vec())
    };
    match params.regimes {
        Some(k) => {
            if k > distinct.len() {
                return Err(Error::invalid_input(format!(
                    "{k} regimes were requested but the history has only {} distinct day profiles",
                    distinct.len()
                )));
            }
            fit(k)
        }
        None => {
            let mut best = (0.25, vec![0; days.len()]);
            for k in 2..=3 {
                if k > distinct.len() || days.len() < 2 * k {
                    break;
                }
                let labels = fit(k)?;
                let s = silhouette(&x, &labels, k);
                if s > best.0 {
                    best = (s, labels);
                }
            }
            Ok(best.1)
        }
    }
}

/// Mean silhouette (Euclidean); points alone in their cluster count 0.
fn silhouette(x: &Array2<f64>, labels: &[usize], k: usize) -> f64 {
    let n = x.nrows();
    let dist = |a: usize, b: usize| {
        x.row(a)
            .iter()
            .zip(x.row(b).iter())
            .map(|(p, q)| (p - q).powi(2))
            .sum::<f64>()
            .sqrt()
    };
    let mut total = 0.0;
    for i in 0..n {
        let mut sums = vec![0.0; k];
        let mut counts = vec![0usize; k];
        for j in 0..n {
            if j != i {
                sums[labels[j]] += dist(i, j);
                counts[labels[j]] += 1;
            }
        }
        let own = labels[i];
        if counts[own] == 0 {
            continue;
        }
        let a = sums[own] / counts[own] as f64;
        let b = (0..k)
            .filter(|&c| c != own && counts[c] > 0)
            .map(|c| sums[c] / counts[c] as f64)
            .fold(f64::INFINITY, f64::min);
        if b.is_finite() && a.max(b) > 0.0 {
            total += (b - a) / a.max(b);
        }
    }
    total / n as f64
}

#[cfg(test)]
mod tests;
