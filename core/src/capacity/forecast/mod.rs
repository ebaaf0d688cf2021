//! Forecasts: see the [`crate::capacity`] docs for the model and its rules.

mod methods;
mod optim;
mod plan;
#[cfg(test)]
mod tests;

use crate::par::*;
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::series::{MAX_FORECAST_STEPS, MAX_HORIZON_DAYS, Prepared, Series, gap_steps, prepare};
use crate::error::{Error, Result};
use methods::Fit;
pub use plan::{Crossing, ForecastBound, Peak, ScalingPolicy, ScalingSchedule, ScalingStep};

/// A forecasting method.
///
/// # Examples
/// ```
/// use opsbrain::capacity::Method;
/// let m: Method = serde_json::from_str("\"holt_winters_weekly\"")?;
/// assert_eq!(m, Method::HoltWintersWeekly);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Method {
    /// Rolling-origin cross-validation: the best candidate averaged with
    /// MSTL (the default; see the [module docs](crate::capacity)).
    #[default]
    Auto,
    /// The value one day earlier.
    SeasonalNaiveDaily,
    /// The value one week earlier.
    SeasonalNaiveWeekly,
    /// Holt-Winters additive with a daily season.
    HoltWintersDaily,
    /// Holt-Winters additive with a weekly season.
    HoltWintersWeekly,
    /// Daily + weekly decomposition, AR(1) of the seasonally adjusted rest.
    Mstl,
    /// Holt-Winters additive with a damped trend (damping fitted) and a
    /// daily season.
    HoltWintersDampedDaily,
    /// Holt-Winters additive with a damped trend (damping fitted) and a
    /// weekly season.
    HoltWintersDampedWeekly,
}

impl Method {
    /// Every concrete method, in the order [`Method::Auto`] tries them (ties
    /// go to the earlier one).
    pub const CANDIDATES: [Method; 7] = [
        Method::SeasonalNaiveDaily,
        Method::SeasonalNaiveWeekly,
        Method::HoltWintersDaily,
        Method::HoltWintersWeekly,
        Method::Mstl,
        Method::HoltWintersDampedDaily,
        Method::HoltWintersDampedWeekly,
    ];

    /// The snake_case name.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(opsbrain::capacity::Method::Mstl.name(), "mstl");
    /// ```
    pub const fn name(self) -> &'static str {
        match self {
            Method::Auto => "auto",
            Method::SeasonalNaiveDaily => "seasonal_naive_daily",
            Method::SeasonalNaiveWeekly => "seasonal_naive_weekly",
            Method::HoltWintersDaily => "holt_winters_daily",
            Method::HoltWintersWeekly => "holt_winters_weekly",
            Method::Mstl => "mstl",
            Method::HoltWintersDampedDaily => "holt_winters_damped_daily",
            Method::HoltWintersDampedWeekly => "holt_winters_damped_weekly",
        }
    }

    /// Points of history the method needs at `day` steps per day.
    fn needs(self, day: usize) -> usize {
        match self {
            Method::SeasonalNaiveDaily => day + 1,
            Method::SeasonalNaiveWeekly => 7 * day + 1,
            Method::HoltWintersDaily | Method::HoltWintersDampedDaily => 2 * day,
            Method::HoltWintersWeekly | Method::HoltWintersDampedWeekly | Method::Mstl => 14 * day,
            Method::Auto => 3 * day,
        }
    }

    fn fit(self, y: &[f64], day: usize, h: usize) -> Fit {
        match self {
            Method::SeasonalNaiveDaily => methods::seasonal_naive(y, day, h),
            Method::SeasonalNaiveWeekly => methods::seasonal_naive(y, 7 * day, h),
            Method::HoltWintersDaily => methods::holt_winters(y, day, h, false),
            Method::HoltWintersWeekly => methods::holt_winters(y, 7 * day, h, false),
            Method::HoltWintersDampedDaily => methods::holt_winters(y, day, h, true),
            Method::HoltWintersDampedWeekly => methods::holt_winters(y, 7 * day, h, true),
            Method::Mstl | Method::Auto => methods::mstl(y, day, 7 * day, h),
        }
    }
}

/// What to forecast and what to derive from it.
///
/// Every field has a default (`{}` in JSON is a valid configuration).
///
/// # Examples
/// ```
/// use opsbrain::capacity::ForecastParams;
/// let p: ForecastParams = serde_json::from_str(r#"{"horizon_secs": 86400, "thresholds": [0.7]}"#)?;
/// assert_eq!(p.level, 0.95);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ForecastParams {
    /// The method (default [`Method::Auto`]).
    pub method: Method,
    /// How far ahead (default 7 days; at most 35 days).
    #[serde(rename = "horizon_secs", with = "crate::serde_secs")]
    pub horizon: TimeDelta,
    /// Coverage of the prediction intervals, in (0, 1) (default 0.95).
    pub level: f64,
    /// Longest run of NaN that is filled (default 3 hours).
    #[serde(rename = "max_gap_secs", with = "crate::serde_secs")]
    pub max_gap: TimeDelta,
    /// Thresholds (in the metric's units, e.g. 0.7 for 70% CPU) whose first
    /// crossing is reported.
    pub thresholds: Vec<f64>,
    /// Turns the forecast into a replica schedule when given.
    pub scaling: Option<ScalingPolicy>,
    /// Lowest value the metric can take (default 0: histories are never
    /// negative); the mean and both interval bounds are clipped to it.
    pub lower: f64,
    /// Highest value the metric can take, e.g. 1 or 100 for a utilisation
    /// (default none); the mean and both interval bounds are clipped to it.
    pub upper: Option<f64>,
}

impl Default for ForecastParams {
    fn default() -> Self {
        ForecastParams {
            method: Method::Auto,
            horizon: TimeDelta::days(7),
            level: 0.95,
            max_gap: TimeDelta::hours(3),
            thresholds: Vec::new(),
            scaling: None,
            lower: 0.0,
            upper: None,
        }
    }
}

/// Rolling-origin error of one candidate of [`Method::Auto`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Validation {
    /// The candidate.
    pub method: Method,
    /// Mean absolute error over the held-out windows (each window's mean
    /// absolute error, averaged over windows).
    pub mae: f64,
    /// Held-out windows the candidate was scored on (the same for every
    /// candidate: the windows where all of them fit).
    #[serde(default)]
    pub windows: usize,
}

/// Something about a forecast worth a second look.
///
/// # Examples
/// ```
/// use chrono::{TimeDelta, TimeZone, Utc};
/// use opsbrain::capacity::{forecast, ForecastParams, Method, Series};
/// // A utilisation (percent) climbing 1 point per 6 hours for a week.
/// let cpu: Vec<f64> = (0..28).map(|t| 40.0 + t as f64).collect();
/// let start = Utc.with_ymd_and_hms(2026, 1, 5, 0, 0, 0).unwrap();
/// let params = ForecastParams {
///     method: Method::HoltWintersDaily,
///     horizon: TimeDelta::days(14),
///     upper: Some(100.0),
///     ..Default::default()
/// };
/// let f = forecast(&Series::new(&cpu, start, TimeDelta::hours(6)), &params)?;
/// assert!(f.mean.iter().all(|&v| v <= 100.0));
/// assert_eq!(f.warnings[0].code, "beyond_history");
/// # Ok::<(), opsbrain::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ForecastWarning {
    /// What happened: `"beyond_history"` when the point forecast leaves the
    /// range seen in the history by more than a quarter of that range.
    pub code: String,
    /// A sentence naming the values involved.
    pub message: String,
}

/// Fitted parameters: Holt-Winters' `alpha`, `beta`, `gamma`; MSTL's `phi`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Smoothing {
    /// Level smoothing.
    pub alpha: Option<f64>,
    /// Trend smoothing (error-correction form, `beta < alpha`).
    pub beta: Option<f64>,
    /// Season smoothing (`gamma < 1 - alpha`).
    pub gamma: Option<f64>,
    /// Autoregression of the seasonally adjusted series around its recent
    /// mean.
    pub phi: Option<f64>,
    /// Damping of the trend (the damped Holt-Winters methods).
    #[serde(default)]
    pub damping: Option<f64>,
}

/// A forecast with intervals and what follows from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Forecast {
    /// The method used (never `auto`): under `auto`, the candidate with the
    /// lowest rolling-origin error, whose forecast is averaged with a
    /// second one (see `components`).
    pub method: Method,
    /// Instant of `mean[0]`: one step after the last observation.
    #[serde(deserialize_with = "crate::input::instant")]
    pub start: DateTime<Utc>,
    /// Time between forecast points (the history's step).
    #[serde(rename = "step_secs", with = "crate::serde_secs")]
    pub step: TimeDelta,
    /// Point forecasts.
    pub mean: Vec<f64>,
    /// Lower bounds of the prediction intervals.
    pub lower: Vec<f64>,
    /// Upper bounds of the prediction intervals.
    pub upper: Vec<f64>,
    /// Interval coverage.
    pub level: f64,
    /// Root mean square of the in-sample one-step errors.
    pub sigma: f64,
    /// Fitted smoothing parameters, for the smoothing methods.
    pub smoothing: Option<Smoothing>,
    /// Rolling-origin errors of the candidates when the method was `auto`.
    pub validation: Vec<Validation>,
    /// The methods whose forecasts were averaged, `method` first: under
    /// `auto` the candidate with the lowest rolling-origin error and MSTL
    /// (or the runner-up when the best is MSTL or MSTL needs more history;
    /// one method when only one fits), otherwise `[method]`.
    #[serde(default)]
    pub components: Vec<Method>,
    /// Warnings (see [`ForecastWarning`]).
    #[serde(default)]
    pub warnings: Vec<ForecastWarning>,
    /// Missing points of the history that were filled.
    pub filled_gaps: usize,
    /// The highest point forecast.
    pub peak: Peak,
    /// One entry per requested threshold, in the order given.
    pub crossings: Vec<Crossing>,
    /// The replica schedule, when a scaling policy was given.
    pub schedule: Option<ScalingSchedule>,
}

/// Forecasts `history` (see the [module docs](crate::capacity) for the methods,
/// intervals and input handling).
///
/// # Examples
/// ```
/// use chrono::{TimeDelta, TimeZone, Utc};
/// use opsbrain::capacity::{forecast, ForecastParams, Method, Series};
/// // Three weeks of hourly CPU with a daily cycle peaking at 0.6.
/// let cpu: Vec<f64> = (0..21 * 24)
///     .map(|t| 0.4 + 0.2 * (std::f64::consts::TAU * (t % 24) as f64 / 24.0).sin())
///     .collect();
/// let start = Utc.with_ymd_and_hms(2026, 1, 5, 0, 0, 0).unwrap();
/// let params = ForecastParams { thresholds: vec![0.7], ..Default::default() };
/// let f = forecast(&Series::new(&cpu, start, TimeDelta::hours(1)), &params)?;
/// assert_eq!(f.mean.len(), 7 * 24);
/// assert!((f.peak.mean - 0.6).abs() < 1e-9);
/// assert_eq!(f.crossings[0].at, None); // 70% is never reached
/// # Ok::<(), opsbrain::Error>(())
/// ```
///
/// # Errors
/// `invalid_input` for bad history (see the module docs), `invalid_config`
/// for bad parameters, `limit_exceeded` for a horizon past the limits.
pub fn forecast(history: &Series<'_>, params: &ForecastParams) -> Result<Forecast> {
    if !(params.level > 0.0 && params.level < 1.0) {
        return Err(Error::invalid_config(format!(
            "level must be in (0, 1), got {}",
            params.level
        )));
    }
    for (i, t) in params.thresholds.iter().enumerate() {
        if !t.is_finite() {
            return Err(Error::invalid_config(format!(
                "thresholds[{i}] must be a finite number"
            )));
        }
    }
    if params.thresholds.len() > 1000 {
        return Err(Error::limit("at most 1000 thresholds are allowed"));
    }
    if let Some(s) = &params.scaling {
        s.check()?;
    }
    if !params.lower.is_finite() {
        return Err(Error::invalid_config(format!(
            "lower must be a finite number, got {}",
            params.lower
        )));
    }
    if let Some(u) = params.upper
        && !(u.is_finite() && u > params.lower)
    {
        return Err(Error::invalid_config(format!(
            "upper must be a finite number above lower ({}), got {u}",
            params.lower
        )));
    }
    let step_secs = super::series::check_step(history.step)?;
    let h = horizon_steps(params.horizon, step_secs)?;
    let p = prepare(history, gap_steps(params.max_gap, step_secs)?)?;
    let bounds = (params.lower, params.upper.unwrap_or(f64::INFINITY));
    let c = choose_and_fit(&p, params.method, h, params.level, bounds)?;
    let n = p.y.len();
    let start = history.start + history.step * i32::try_from(n).unwrap_or(i32::MAX);
    super::series::check_instant_after(start, history.step, h)?;
    let clip = |v: f64| v.clamp(bounds.0, bounds.1);
    let mean: Vec<f64> = c.mean.iter().map(|&v| clip(v)).collect();
    let lower = c
        .mean
        .iter()
        .zip(&c.half)
        .map(|(m, w)| clip(m - w))
        .collect();
    let upper = c
        .mean
        .iter()
        .zip(&c.half)
        .map(|(m, w)| clip(m + w))
        .collect();
    let fit = &c.fit;
    let smoothing = (fit.alpha.is_some() || fit.phi.is_some()).then_some(Smoothing {
        alpha: fit.alpha,
        beta: fit.beta,
        gamma: fit.gamma,
        phi: fit.phi,
        damping: fit.damping,
    });
    let mut out = Forecast {
        method: c.method,
        start,
        step: history.step,
        mean,
        lower,
        upper,
        level: params.level,
        sigma: fit.sigma,
        smoothing,
        validation: c.validation,
        components: c.components,
        warnings: beyond_history(&p.y, &c.mean).into_iter().collect(),
        filled_gaps: p.filled,
        peak: Peak::default(),
        crossings: Vec::new(),
        schedule: None,
    };
    out.peak = out.find_peak();
    out.crossings = params.thresholds.iter().map(|&t| out.crossing(t)).collect();
    out.schedule = params.scaling.as_ref().map(|s| out.scaling_schedule(s));
    Ok(out)
}

/// Share of the history's range the point forecast may leave it by before
/// [`ForecastWarning`] `beyond_history` is raised.
const BEYOND_HISTORY_MARGIN: f64 = 0.25;

fn beyond_history(y: &[f64], mean: &[f64]) -> Option<ForecastWarning> {
    let (lo, hi) = y
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    let (flo, fhi) = mean
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    let margin = BEYOND_HISTORY_MARGIN * (hi - lo);
    let (above, below) = (fhi > hi + margin, flo < lo - margin);
    (above || below).then(|| ForecastWarning {
        code: "beyond_history".into(),
        message: format!(
            "the point forecast runs from {flo} to {fhi}, beyond the history's range {lo} to {hi} \
             by more than {}% of it (before clipping to the bounds)",
            BEYOND_HISTORY_MARGIN * 100.0
        ),
    })
}

fn horizon_steps(horizon: TimeDelta, step_secs: i64) -> Result<usize> {
    let secs = horizon.num_seconds();
    if secs < step_secs {
        return Err(Error::invalid_config(format!(
            "horizon_secs must be at least one step ({step_secs} s), got {secs}"
        )));
    }
    if secs > MAX_HORIZON_DAYS * 86_400 {
        return Err(Error::limit(format!(
            "horizon_secs is {secs}; at most {MAX_HORIZON_DAYS} days are allowed"
        )));
    }
    let h = usize::try_from((secs + step_secs - 1) / step_secs).unwrap_or(usize::MAX);
    if h > MAX_FORECAST_STEPS {
        return Err(Error::limit(format!(
            "the horizon is {h} steps; at most {MAX_FORECAST_STEPS} are allowed"
        )));
    }
    Ok(h)
}

fn too_short(method: Method, p: &Prepared) -> Error {
    let need = method.needs(p.day);
    Error::invalid_input(format!(
        "{} needs a history of at least {need} points ({:.1} days at {} s) but it has {}",
        method.name(),
        (need as f64 * p.step_secs as f64) / 86_400.0,
        p.step_secs,
        p.y.len()
    ))
}

/// The forecast before clipping: its mean, the half-widths of its
/// intervals and where they came from.
struct Chosen {
    method: Method,
    components: Vec<Method>,
    fit: Fit,
    mean: Vec<f64>,
    half: Vec<f64>,
    validation: Vec<Validation>,
}

/// Held-out windows (rolling origins) [`Method::Auto`] scores candidates
/// on: four weeks, or, with less than three weeks of history, the seven
/// days of the last week (every weekday once).
const CV_WEEKS: usize = 4;
const CV_DAYS: usize = 7;
/// Under `auto` the interval is the empirical quantile of the absolute
/// rolling-origin errors at `1 - (1 - level) * CV_TAIL_SHARE` (0.98 for a
/// 95% interval): the errors come from a few windows only, and errors
/// after an origin are larger than before it as the series drifts.
const CV_TAIL_SHARE: f64 = 0.4;

fn choose_and_fit(
    p: &Prepared,
    method: Method,
    h: usize,
    level: f64,
    (lo, hi): (f64, f64),
) -> Result<Chosen> {
    let n = p.y.len();
    if n < method.needs(p.day) {
        return Err(too_short(method, p));
    }
    let z = optim::normal_quantile(0.5 + level / 2.0);
    if method != Method::Auto {
        let fit = method.fit(&p.y, p.day, h);
        let half = fit.var.iter().map(|v| z * v.max(0.0).sqrt()).collect();
        return Ok(Chosen {
            method,
            components: vec![method],
            mean: fit.mean.clone(),
            half,
            fit,
            validation: Vec::new(),
        });
    }
    let hold = if n >= 3 * p.week { p.week } else { p.day };
    // Every candidate that fits the most recent window is scored on the
    // same windows: those where all of them fit.
    let first = n.saturating_sub(hold);
    let eligible: Vec<usize> = (0..Method::CANDIDATES.len())
        .filter(|&c| first >= Method::CANDIDATES[c].needs(p.day))
        .collect();
    let need = eligible
        .iter()
        .map(|&c| Method::CANDIDATES[c].needs(p.day))
        .max()
        .unwrap_or(usize::MAX);
    let windows = if hold == p.week { CV_WEEKS } else { CV_DAYS };
    let origins: Vec<usize> = (1..=windows)
        .filter_map(|k| n.checked_sub(k * hold))
        .filter(|&o| o >= need)
        .collect();
    let jobs: Vec<(usize, usize)> = eligible
        .iter()
        .flat_map(|&c| (0..origins.len()).map(move |w| (c, w)))
        .collect();
    let fits: Vec<Vec<f64>> = jobs
        .par_iter()
        .map(|&(c, w)| {
            let o = origins[w];
            let f = Method::CANDIDATES[c].fit(&p.y[..o], p.day, hold).mean;
            f.into_iter().map(|v| v.clamp(lo, hi)).collect()
        })
        .collect();
    // held[c][w]: candidate c's forecast of window w, when it fits there.
    let mut held: Vec<Vec<Option<&[f64]>>> =
        vec![vec![None; origins.len()]; Method::CANDIDATES.len()];
    for (&(c, w), f) in jobs.iter().zip(&fits) {
        held[c][w] = Some(f);
    }
    let mae = |w: usize, f: &[f64]| {
        let o = origins[w];
        f.iter()
            .zip(&p.y[o..o + hold])
            .map(|(f, y)| (f - y).abs())
            .sum::<f64>()
            / hold as f64
    };
    let mut validation: Vec<(usize, Validation)> = held
        .iter()
        .enumerate()
        .filter_map(|(c, ws)| {
            let errs: Vec<f64> = ws
                .iter()
                .enumerate()
                .filter_map(|(w, f)| f.map(|f| mae(w, f)))
                .collect();
            (!errs.is_empty()).then(|| {
                let v = Validation {
                    method: Method::CANDIDATES[c],
                    mae: errs.iter().sum::<f64>() / errs.len() as f64,
                    windows: errs.len(),
                };
                (c, v)
            })
        })
        .collect();
    let mut ranked: Vec<usize> = (0..validation.len()).collect();
    // Stable: ties keep the candidates' order.
    ranked.sort_by(|&a, &b| validation[a].1.mae.total_cmp(&validation[b].1.mae));
    // The best candidate, averaged with MSTL (the anchor), or with the
    // runner-up when the best is MSTL or MSTL does not fit.
    let order: Vec<usize> = ranked.iter().map(|&i| validation[i].0).collect();
    let anchor = Method::CANDIDATES.iter().position(|&m| m == Method::Mstl);
    let picked: Vec<usize> = match (order.first(), anchor) {
        (None, _) => return Err(too_short(Method::Auto, p)),
        (Some(&best), Some(a)) if best != a && order.contains(&a) => vec![best, a],
        _ => order.iter().take(2).copied().collect(),
    };
    let components: Vec<Method> = picked.iter().map(|&c| Method::CANDIDATES[c]).collect();
    let full: Vec<Fit> = components
        .par_iter()
        .map(|m| m.fit(&p.y, p.day, h))
        .collect();
    let k = full.len() as f64;
    let mean: Vec<f64> = (0..h)
        .map(|i| full.iter().map(|f| f.mean[i]).sum::<f64>() / k)
        .collect();
    let var: Vec<f64> = (0..h)
        .map(|i| full.iter().map(|f| f.var[i].max(0.0)).sum::<f64>() / k)
        .collect();
    // Absolute errors of the averaged forecast on the windows where every
    // component fits.
    let mut errors: Vec<f64> = Vec::new();
    for w in 0..origins.len() {
        let fs: Option<Vec<&[f64]>> = picked.iter().map(|&c| held[c][w]).collect();
        if let Some(fs) = fs {
            let o = origins[w];
            errors.extend((0..hold).map(|j| {
                let f = fs.iter().map(|f| f[j]).sum::<f64>() / k;
                (p.y[o + j] - f).abs()
            }));
        }
    }
    let half: Vec<f64> = if errors.is_empty() {
        var.iter().map(|v| z * v.sqrt()).collect()
    } else {
        let q = quantile(&mut errors, 1.0 - (1.0 - level) * CV_TAIL_SHARE);
        let base = var[(hold - 1).min(h - 1)];
        (0..h)
            .map(|i| {
                if i < hold || base <= 0.0 {
                    q
                } else {
                    q * (var[i] / base).sqrt()
                }
            })
            .collect()
    };
    let mut full = full;
    let fit = full.swap_remove(0);
    validation.sort_by_key(|(c, _)| *c);
    Ok(Chosen {
        method: components[0],
        components,
        fit,
        mean,
        half,
        validation: validation.into_iter().map(|(_, v)| v).collect(),
    })
}

/// Linear-interpolation quantile (numpy's default) of `x` at `q` in [0, 1].
fn quantile(x: &mut [f64], q: f64) -> f64 {
    x.sort_by(f64::total_cmp);
    let pos = q.clamp(0.0, 1.0) * (x.len() - 1) as f64;
    let (i, frac) = (pos.floor() as usize, pos.fract());
    match x.get(i + 1) {
        Some(next) => x[i] + frac * (next - x[i]),
        None => x[i],
    }
}
