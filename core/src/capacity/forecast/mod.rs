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
pub enum Method {
    /// Choose by holdout error (the default).
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
}

impl Method {
    /// Every concrete method, in the order [`Method::Auto`] tries them (ties
    /// go to the earlier one).
    pub const CANDIDATES: [Method; 5] = [
        Method::SeasonalNaiveDaily,
        Method::SeasonalNaiveWeekly,
        Method::HoltWintersDaily,
        Method::HoltWintersWeekly,
        Method::Mstl,
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
        }
    }

    /// Points of history the method needs at `day` steps per day.
    fn needs(self, day: usize) -> usize {
        match self {
            Method::SeasonalNaiveDaily => day + 1,
            Method::SeasonalNaiveWeekly => 7 * day + 1,
            Method::HoltWintersDaily => 2 * day,
            Method::HoltWintersWeekly | Method::Mstl => 14 * day,
            Method::Auto => 3 * day,
        }
    }

    fn fit(self, y: &[f64], day: usize, h: usize) -> Fit {
        match self {
            Method::SeasonalNaiveDaily => methods::seasonal_naive(y, day, h),
            Method::SeasonalNaiveWeekly => methods::seasonal_naive(y, 7 * day, h),
            Method::HoltWintersDaily => methods::holt_winters(y, day, h),
            Method::HoltWintersWeekly => methods::holt_winters(y, 7 * day, h),
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
        }
    }
}

/// Holdout error of one candidate of [`Method::Auto`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Validation {
    /// The candidate.
    pub method: Method,
    /// Mean absolute error on the held-out part.
    pub mae: f64,
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
}

/// A forecast with intervals and what follows from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Forecast {
    /// The method used (never `auto`).
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
    /// Holdout errors of the candidates when the method was `auto`.
    pub validation: Vec<Validation>,
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
    let step_secs = super::series::check_step(history.step)?;
    let h = horizon_steps(params.horizon, step_secs)?;
    let p = prepare(history, gap_steps(params.max_gap, step_secs)?)?;
    let (method, fit, validation) = choose_and_fit(&p, params.method, h)?;
    let n = p.y.len();
    let start = history.start + history.step * i32::try_from(n).unwrap_or(i32::MAX);
    super::series::check_instant_after(start, history.step, h)?;
    let z = optim::normal_quantile(0.5 + params.level / 2.0);
    let mean: Vec<f64> = fit.mean.iter().map(|v| v.max(0.0)).collect();
    let half: Vec<f64> = fit.var.iter().map(|v| z * v.max(0.0).sqrt()).collect();
    let lower = fit
        .mean
        .iter()
        .zip(&half)
        .map(|(m, w)| (m - w).max(0.0))
        .collect();
    let upper = fit
        .mean
        .iter()
        .zip(&half)
        .map(|(m, w)| (m + w).max(0.0))
        .collect();
    let smoothing = (fit.alpha.is_some() || fit.phi.is_some()).then_some(Smoothing {
        alpha: fit.alpha,
        beta: fit.beta,
        gamma: fit.gamma,
        phi: fit.phi,
    });
    let mut out = Forecast {
        method,
        start,
        step: history.step,
        mean,
        lower,
        upper,
        level: params.level,
        sigma: fit.sigma,
        smoothing,
        validation,
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

fn choose_and_fit(
    p: &Prepared,
    method: Method,
    h: usize,
) -> Result<(Method, Fit, Vec<Validation>)> {
    let n = p.y.len();
    if n < method.needs(p.day) {
        return Err(too_short(method, p));
    }
    if method != Method::Auto {
        return Ok((method, method.fit(&p.y, p.day, h), Vec::new()));
    }
    let hold = if n >= 3 * p.week { p.week } else { p.day };
    let (train, test) = p.y.split_at(n - hold);
    let validation: Vec<Validation> = Method::CANDIDATES
        .par_iter()
        .filter(|m| train.len() >= m.needs(p.day))
        .map(|&m| {
            let fit = m.fit(train, p.day, hold);
            let mae = fit
                .mean
                .iter()
                .zip(test)
                .map(|(f, y)| (f.max(0.0) - y).abs())
                .sum::<f64>()
                / hold as f64;
            Validation { method: m, mae }
        })
        .collect();
    let best = validation
        .iter()
        .fold(None::<&Validation>, |b, v| match b {
            Some(b) if b.mae <= v.mae => Some(b),
            _ => Some(v),
        })
        .map(|v| v.method)
        .ok_or_else(|| too_short(Method::Auto, p))?;
    Ok((best, best.fit(&p.y, p.day, h), validation))
}
