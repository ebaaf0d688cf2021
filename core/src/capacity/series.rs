//! A metric history at a regular step, its validation and the handling of
//! NaN gaps, shared by forecasts and maintenance windows.

use chrono::{DateTime, TimeDelta, Utc};

use crate::error::{Error, Result};
use crate::validate::check_instant;

/// Most points in one history (10 million: about 19 years at 1 minute).
pub const MAX_SERIES_LEN: usize = 10_000_000;

/// The largest value a history may hold (1e150): forecasts and maintenance
/// windows square values and sum the squares, which stays finite below
/// this (a Holt-Winters forecast of values near 1e307 came out as 0).
pub const MAX_SERIES_VALUE: f64 = 1e150;

/// Most points in one forecast.
pub const MAX_FORECAST_STEPS: usize = 100_000;

/// Longest forecast horizon (35 days).
pub const MAX_HORIZON_DAYS: i64 = 35;

/// Shortest step (60 s); longer steps must divide a day.
pub const MIN_STEP_SECS: i64 = 60;

/// Seconds in the daily season.
pub(crate) const DAY_SECS: i64 = 86_400;

/// A metric history: `values[i]` was observed at `start + i * step`.
///
/// Values are usage (CPU fraction, requests/s, bytes): finite and not
/// negative. `NaN` marks a missing observation; see [`Series`] handling in
/// [`forecast`](super::forecast()) and [`maintenance_windows`](super::maintenance_windows).
///
/// # Examples
/// ```
/// use chrono::{TimeDelta, TimeZone, Utc};
/// use opsbrain::capacity::Series;
/// let values = [1.0, 2.0, 3.0];
/// let s = Series::new(&values, Utc.with_ymd_and_hms(2026, 1, 5, 0, 0, 0).unwrap(), TimeDelta::hours(1));
/// assert_eq!(s.values.len(), 3);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Series<'a> {
    /// Observations, oldest first; `NaN` for a missing one.
    pub values: &'a [f64],
    /// Instant of `values[0]`.
    pub start: DateTime<Utc>,
    /// Time between consecutive observations.
    pub step: TimeDelta,
}

impl<'a> Series<'a> {
    /// A history of `values` starting at `start`, one every `step`.
    ///
    /// # Examples
    /// ```
    /// use chrono::{TimeDelta, TimeZone, Utc};
    /// use opsbrain::capacity::Series;
    /// let s = Series::new(&[0.5], Utc.with_ymd_and_hms(2026, 1, 5, 0, 0, 0).unwrap(), TimeDelta::minutes(5));
    /// assert_eq!(s.step.num_seconds(), 300);
    /// ```
    pub fn new(values: &'a [f64], start: DateTime<Utc>, step: TimeDelta) -> Self {
        Series {
            values,
            start,
            step,
        }
    }
}

/// The options of a series request as the bindings take them, in one
/// object: the series' `start` (an instant) and `step_secs` (whole
/// seconds) beside the parameters `P` ([`ForecastParams`](super::ForecastParams)
/// or [`WindowParams`](super::WindowParams)).
///
/// # Examples
/// ```
/// use opsbrain::capacity::{ForecastParams, SeriesOptions};
/// let v = serde_json::json!({"start": "2026-01-05T00:00:00Z", "step_secs": 3600, "level": 0.9});
/// let o = SeriesOptions::<ForecastParams>::from_value(&v, "options")?;
/// assert_eq!((o.step.num_seconds(), o.params.level), (3600, 0.9));
/// let e = SeriesOptions::<ForecastParams>::from_value(&serde_json::json!({"step_secs": 60}), "options")
///     .unwrap_err();
/// assert_eq!((e.code(), e.message.as_str()), ("missing_key", "options: missing field `start`"));
/// # Ok::<(), opsbrain::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesOptions<P> {
    /// Instant of the first value.
    pub start: DateTime<Utc>,
    /// Time between values.
    pub step: TimeDelta,
    /// The request's parameters.
    pub params: P,
}

impl<P: serde::de::DeserializeOwned> SeriesOptions<P> {
    /// Reads the options at path `at`. A bad parameter value is
    /// `invalid_config` (as the core's parameter checks say it); an unknown
    /// key stays `invalid_input`.
    ///
    /// # Errors
    /// The one reader's codes ([`crate::input::from_value_at`]).
    pub fn from_value(value: &serde_json::Value, at: &str) -> Result<Self> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Spec {
            #[serde(deserialize_with = "crate::input::instant")]
            start: DateTime<Utc>,
            step_secs: i64,
        }
        let (spec, params): (Spec, P) = crate::input::split_at(value, at, &["start", "step_secs"])
            .map_err(crate::input::as_config)?;
        let step = TimeDelta::try_seconds(spec.step_secs).ok_or_else(|| {
            let path = if at.is_empty() {
                "step_secs".to_owned()
            } else {
                format!("{at}.step_secs")
            };
            Error::invalid_input(format!("{path} is out of range: {}", spec.step_secs))
        })?;
        Ok(SeriesOptions {
            start: spec.start,
            step,
            params,
        })
    }
}

/// A validated history with its gaps filled.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    pub y: Vec<f64>,
    /// Steps per day.
    pub day: usize,
    /// Steps per week.
    pub week: usize,
    pub step_secs: i64,
    /// Observations that were NaN and got filled.
    pub filled: usize,
}

/// Checks a step: whole seconds, at least [`MIN_STEP_SECS`], dividing a day.
pub(crate) fn check_step(step: TimeDelta) -> Result<i64> {
    let secs = step.num_seconds();
    if step.subsec_nanos() != 0 || secs < MIN_STEP_SECS {
        return Err(Error::invalid_input(format!(
            "step must be a whole number of seconds, at least {MIN_STEP_SECS} s; got {step}"
        )));
    }
    if DAY_SECS % secs != 0 {
        return Err(Error::invalid_input(format!(
            "step of {secs} s does not divide the daily season of {DAY_SECS} s \
             (use e.g. 60, 300, 900, 1800 or 3600 s)"
        )));
    }
    Ok(secs)
}

/// Checks a gap bound and turns it into steps (at least 0).
pub(crate) fn gap_steps(max_gap: TimeDelta, step_secs: i64) -> Result<usize> {
    if max_gap < TimeDelta::zero() {
        return Err(Error::invalid_config(format!(
            "max_gap_secs must not be negative, got {}",
            max_gap.num_seconds()
        )));
    }
    Ok(usize::try_from(max_gap.num_seconds() / step_secs).unwrap_or(usize::MAX))
}

/// Validates `s` and fills NaN gaps of at most `max_gap_steps` points:
/// interior gaps by linear interpolation between their neighbours, a gap at
/// either end with the nearest observed value.
pub(crate) fn prepare(s: &Series<'_>, max_gap_steps: usize) -> Result<Prepared> {
    let step_secs = check_step(s.step)?;
    check_instant(s.start, "start")?;
    let n = s.values.len();
    if n == 0 {
        return Err(Error::invalid_input("the history is empty"));
    }
    if n > MAX_SERIES_LEN {
        return Err(Error::limit(format!(
            "the history has {n} points; at most {MAX_SERIES_LEN} are allowed"
        )));
    }
    let span = i64::try_from(n)
        .ok()
        .and_then(|n| n.checked_mul(step_secs))
        .and_then(TimeDelta::try_seconds)
        .and_then(|d| s.start.checked_add_signed(d))
        .ok_or_else(|| Error::invalid_input("the history ends after year 9999"))?;
    check_instant(span, "the end of the history")?;
    for (i, &v) in s.values.iter().enumerate() {
        if v.is_infinite() {
            return Err(Error::invalid_input(format!("values[{i}] is infinite")));
        }
        if v < 0.0 {
            return Err(Error::invalid_input(format!(
                "values[{i}] = {v} is negative: usage cannot be negative"
            )));
        }
        if v > MAX_SERIES_VALUE {
            return Err(Error::invalid_input(format!(
                "values[{i}] = {v:e} is above {MAX_SERIES_VALUE:e}, the largest value supported"
            )));
        }
    }
    let mut y = s.values.to_vec();
    let mut filled = 0;
    let mut i = 0;
    while i < n {
        if !y[i].is_nan() {
            i += 1;
            continue;
        }
        let j = (i..n).find(|&j| !y[j].is_nan()).unwrap_or(n);
        let len = j - i;
        if i == 0 && j == n {
            return Err(Error::invalid_input("every value of the history is NaN"));
        }
        if len > max_gap_steps {
            return Err(Error::invalid_input(format!(
                "values[{i}..{j}]: a gap of {len} missing points is longer than \
                 max_gap_secs allows ({max_gap_steps} points); fill or trim it"
            )));
        }
        match (i.checked_sub(1).map(|p| y[p]), (j < n).then(|| y[j])) {
            (Some(a), Some(b)) => {
                for (k, slot) in y[i..j].iter_mut().enumerate() {
                    let w = (k + 1) as f64 / (len + 1) as f64;
                    *slot = a + (b - a) * w;
                }
            }
            (Some(v), None) | (None, Some(v)) => y[i..j].fill(v),
            (None, None) => unreachable!("handled above"),
        }
        filled += len;
        i = j;
    }
    let day = usize::try_from(DAY_SECS / step_secs).unwrap_or(1);
    Ok(Prepared {
        y,
        day,
        week: 7 * day,
        step_secs,
        filled,
    })
}

/// Checks that the instant `h` steps after `start` is still supported.
pub(crate) fn check_instant_after(start: DateTime<Utc>, step: TimeDelta, h: usize) -> Result<()> {
    let end = i32::try_from(h)
        .ok()
        .and_then(|h| step.checked_mul(h))
        .and_then(|d| start.checked_add_signed(d))
        .ok_or_else(|| Error::invalid_input("the forecast ends after year 9999"))?;
    check_instant(end, "the end of the forecast")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 5, 0, 0, 0).unwrap()
    }

    #[test]
    fn fills_short_gaps_and_refuses_long_ones() {
        let v = [f64::NAN, 1.0, f64::NAN, f64::NAN, 4.0, f64::NAN];
        let p = prepare(&Series::new(&v, t0(), TimeDelta::hours(1)), 2).unwrap();
        assert_eq!(p.y, vec![1.0, 1.0, 2.0, 3.0, 4.0, 4.0]);
        assert_eq!(p.filled, 4);
        let err = prepare(&Series::new(&v, t0(), TimeDelta::hours(1)), 1).unwrap_err();
        assert_eq!(err.code(), "invalid_input");
        assert!(err.message.contains("values[2..4]"), "{}", err.message);
    }

    #[test]
    fn bad_input_is_named() {
        let h = TimeDelta::hours(1);
        assert!(prepare(&Series::new(&[], t0(), h), 0).is_err());
        let e = prepare(&Series::new(&[1.0, -2.0], t0(), h), 0).unwrap_err();
        assert!(e.message.contains("values[1]"));
        let e = prepare(&Series::new(&[1.0], t0(), TimeDelta::seconds(7 * 60)), 0).unwrap_err();
        assert!(e.message.contains("does not divide"), "{}", e.message);
        let e = prepare(&Series::new(&[1.0, 1e307], t0(), h), 0).unwrap_err();
        assert!(e.to_string().contains("values[1]"), "{e}");
        assert!(prepare(&Series::new(&[1.0, MAX_SERIES_VALUE], t0(), h), 0).is_ok());
        let e = prepare(&Series::new(&[f64::NAN; 3], t0(), h), 5).unwrap_err();
        assert!(e.message.contains("NaN"));
    }
}
