//! The per-metric streaming detector: baseline, residual scale, raw score,
//! anomaly likelihood and suppression, all updated in O(1) per point.

use std::collections::VecDeque;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::config::StreamConfig;
use crate::error::{Error, ErrorKind, Result};

/// The format version [`StreamDetector::to_json`] writes and
/// [`StreamDetector::from_json`] reads.
pub const STREAM_FORMAT_VERSION: u32 = 1;

/// Gaussian upper tail `Q(z) = P(Z > z)`, from a Chebyshev fit of `erfc`
/// (relative error below 1.2e-7).
pub(crate) fn gaussian_tail(z: f64) -> f64 {
    let x = z / std::f64::consts::SQRT_2;
    let a = x.abs();
    let t = 1.0 / (1.0 + 0.5 * a);
    let poly = -a * a - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let erfc = t * poly.exp();
    0.5 * if x >= 0.0 { erfc } else { 2.0 - erfc }
}

/// `ln Q(z)`, accurate far into the tail (asymptotic series past z = 5).
pub(crate) fn ln_gaussian_tail(z: f64) -> f64 {
    if z < 5.0 {
        gaussian_tail(z).ln()
    } else {
        let r = 1.0 / (z * z);
        -0.5 * z * z - z.ln() - 0.5 * std::f64::consts::TAU.ln() + (1.0 - r + 3.0 * r * r).ln()
    }
}

/// The tail probability whose log-scaled anomaly score is 1.
pub(crate) const LN_TAIL_AT_ONE: f64 = -46.051_701_859_880_914; // ln(1e-20)

/// The weight of the newest point in an exponentially weighted mean with
/// half-life `h` (in points).
fn alpha(h: f64) -> f64 {
    1.0 - 0.5f64.powf(1.0 / h)
}

/// What the detector says about one point.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct StreamPoint {
    /// The point's instant.
    #[serde(deserialize_with = "crate::input::instant")]
    pub at: DateTime<Utc>,
    /// The reported score in `[0, 1]`: the anomaly score, or 0 during the
    /// warm-up and the suppression after a detection.
    pub score: f64,
    /// The anomaly score before suppression, in `[0, 1]` (the log-scaled
    /// likelihood, or the raw score when the likelihood is off; 0 during
    /// the warm-up).
    pub anomaly: f64,
    /// The raw score in `[0, 1]`: how unusual the residual is.
    pub raw: f64,
    /// The baseline's expectation for the value.
    pub expected: f64,
}

/// The running statistics of one metric.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct State {
    /// Points seen.
    n: u64,
    /// The last point's instant.
    #[serde(default, deserialize_with = "crate::input::optional_instant")]
    last_at: Option<DateTime<Utc>>,
    /// Deseasonalised level.
    level: f64,
    /// The slow level and its mean absolute residual.
    slow_level: f64,
    slow_deviation: f64,
    /// Seasonal offsets and how often each slot was seen.
    offsets: Vec<f64>,
    visits: Vec<u64>,
    /// Mean absolute residual.
    deviation: f64,
    /// Smallest and largest values seen.
    low: f64,
    high: f64,
    /// The last `short_window` raw scores and their sum.
    recent: VecDeque<f64>,
    recent_sum: f64,
    /// Long-term mean and variance of the short-term means.
    long_mean: f64,
    long_var: f64,
    /// Points still to suppress.
    suppress_left: usize,
}

/// A streaming anomaly detector for one metric: feed it `(instant, value)`
/// points in time order with [`update`](Self::update); each gets a score
/// computed from that point and the ones before it only.
///
/// Per point: the baseline (an exponentially weighted level plus an
/// optional hour-of-day or hour-of-week offset) predicts the value; the
/// residual over the robust scale (the weighted mean absolute residual,
/// times 1.25 as for a Gaussian) is a z-score, and the raw score is
/// `1 - 2 Q(z)` (1 for a value beyond the range seen by more than
/// `range_tolerance`). The anomaly likelihood compares the mean of the last
/// `short_window` raw scores with their long-term mean and variance: the
/// Gaussian tail `Q` of that gap, reported as `ln(Q) / ln(1e-20)` clamped to
/// `[0, 1]`. After a score reaches `detect_level`, the next
/// `suppress_points` scores are reported as 0.
///
/// The state is a few hundred numbers at most (see
/// [`state_bytes`](Self::state_bytes)) and round-trips through versioned
/// JSON.
///
/// # Examples
/// ```
/// use chrono::{TimeDelta, TimeZone, Utc};
/// use opsbrain::anomaly::stream::{StreamConfig, StreamDetector};
///
/// let mut d = StreamDetector::new(StreamConfig::default())?;
/// let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
/// let mut scores = Vec::new();
/// for i in 0..600 {
///     let value = if i == 500 { 90.0 } else { 50.0 + (i % 7) as f64 };
///     scores.push(d.update(t0 + TimeDelta::minutes(5 * i), value)?.score);
/// }
/// let top = (0..600).max_by(|&a, &b| scores[a].total_cmp(&scores[b])).unwrap();
/// assert_eq!(top, 500);
/// let back = StreamDetector::from_json(&d.to_json())?;
/// assert_eq!(back, d);
/// # Ok::<(), opsbrain::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreamDetector {
    format_version: u32,
    config: StreamConfig,
    state: State,
}

impl StreamDetector {
    /// A detector with no history.
    ///
    /// # Errors
    /// `invalid_config` when the configuration does not validate.
    pub fn new(config: StreamConfig) -> Result<Self> {
        config.validate()?;
        let slots = config.seasonality.slots();
        Ok(StreamDetector {
            format_version: STREAM_FORMAT_VERSION,
            state: State {
                n: 0,
                last_at: None,
                level: 0.0,
                slow_level: 0.0,
                slow_deviation: 0.0,
                offsets: vec![0.0; slots],
                visits: vec![0; slots],
                deviation: 0.0,
                low: 0.0,
                high: 0.0,
                recent: VecDeque::with_capacity(config.short_window),
                recent_sum: 0.0,
                long_mean: 0.0,
                long_var: 0.0,
                suppress_left: 0,
            },
            config,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &StreamConfig {
        &self.config
    }

    /// Points seen so far.
    pub fn points(&self) -> u64 {
        self.state.n
    }

    /// Scores one point and folds it into the statistics.
    ///
    /// # Errors
    /// `invalid_input` for a value that is not finite or whose magnitude is
    /// above [`MAX_STREAM_VALUE`](super::MAX_STREAM_VALUE), or an instant
    /// before the previous point's (the state is then unchanged).
    pub fn update(&mut self, at: DateTime<Utc>, value: f64) -> Result<StreamPoint> {
        if !value.is_finite() {
            return Err(Error::invalid_input(format!(
                "value at {at} must be finite, got {value}"
            )));
        }
        if value.abs() > super::MAX_STREAM_VALUE {
            return Err(Error::invalid_input(format!(
                "value at {at} is {value:e}; magnitudes above {:e} are not supported",
                super::MAX_STREAM_VALUE
            )));
        }
        if let Some(last) = self.state.last_at
            && at < last
        {
            return Err(Error::invalid_input(format!(
                "instant {at} is before the previous point's {last}"
            )));
        }
        let c = &self.config;
        let s = &mut self.state;
        let slot = c.seasonality.slot(at.timestamp());
        let first = s.n == 0;
        if first {
            s.level = value;
            s.slow_level = value;
            s.low = value;
            s.high = value;
        }
        let seen = s.n as f64 + 1.0;

        // Raw score from the residual against the baseline.
        let offset = if s.visits[slot] >= c.seasonal_min_visits {
            s.offsets[slot]
        } else {
            0.0
        };
        let expected = s.level + offset;
        let residual = value - expected;
        let range = s.high - s.low;
        let floor = 1e-9 + 1e-3 * range;
        let z = residual.abs() / (1.25 * s.deviation + floor);
        let slow_residual = value - s.slow_level - offset;
        let slow_z = match c.slow_half_life {
            Some(_) => slow_residual.abs() / (1.25 * s.slow_deviation + floor),
            None => 0.0,
        };
        let mut raw = if first {
            0.0
        } else {
            1.0 - 2.0 * gaussian_tail((z.max(slow_z) - c.z_floor).max(0.0))
        };
        if let Some(tol) = c.range_tolerance
            && !first
            && (value > s.high + tol * range || value < s.low - tol * range)
        {
            raw = 1.0;
        }
        raw = raw.clamp(0.0, 1.0);

        // Anomaly likelihood: the short-term mean of raw scores against
        // their long-term distribution (taken before this point joins it).
        if s.recent.len() == c.short_window {
            s.recent_sum -= s.recent.pop_front().unwrap_or(0.0);
        }
        s.recent.push_back(raw);
        s.recent_sum += raw;
        let short = s.recent_sum / s.recent.len() as f64;
        let anomaly = if c.likelihood {
            let sd = s.long_var.sqrt().max(0.01);
            (ln_gaussian_tail((short - s.long_mean) / sd) / LN_TAIL_AT_ONE).clamp(0.0, 1.0)
        } else {
            raw
        };
        let long_a = alpha(c.long_half_life).max(1.0 / seen);
        let gap = short - s.long_mean;
        s.long_mean += long_a * gap;
        s.long_var = (1.0 - long_a) * (s.long_var + long_a * gap * gap);

        // Fold the value into the baseline and the scale.
        let dev_a = alpha(c.deviation_half_life).max(1.0 / seen);
        if !first {
            s.deviation += dev_a * (residual.abs() - s.deviation);
        }
        if let Some(h) = c.slow_half_life {
            if !first {
                s.slow_deviation += dev_a * (slow_residual.abs() - s.slow_deviation);
            }
            let slow_a = alpha(h).max(1.0 / seen);
            s.slow_level += slow_a * (value - offset - s.slow_level);
        }
        let level_a = alpha(c.level_half_life).max(1.0 / seen);
        s.level += level_a * (value - offset - s.level);
        if c.seasonality.slots() > 1 {
            s.visits[slot] += 1;
            let season_a = alpha(c.seasonal_half_life).max(1.0 / s.visits[slot] as f64);
            s.offsets[slot] += season_a * (value - s.level - s.offsets[slot]);
        }
        s.low = s.low.min(value);
        s.high = s.high.max(value);
        s.n += 1;
        s.last_at = Some(at);

        // Warm-up and suppression.
        let warming = s.n <= c.warmup as u64;
        let anomaly = if warming { 0.0 } else { anomaly };
        let score = if warming || s.suppress_left > 0 {
            s.suppress_left = s.suppress_left.saturating_sub(1);
            0.0
        } else {
            if anomaly >= c.detect_level {
                s.suppress_left = c.suppress_points;
            }
            anomaly
        };
        Ok(StreamPoint {
            at,
            score,
            anomaly,
            raw,
            expected,
        })
    }

    /// Scores a run of points in order (see [`update`](Self::update)).
    ///
    /// # Examples
    /// ```
    /// use chrono::{TimeDelta, TimeZone, Utc};
    /// use opsbrain::anomaly::stream::{StreamConfig, StreamDetector};
    /// let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// let at: Vec<_> = (0..10).map(|i| t0 + TimeDelta::minutes(i)).collect();
    /// let mut d = StreamDetector::new(StreamConfig::default())?;
    /// let points = d.update_many(&at, &[1.0; 10])?;
    /// assert_eq!(points.len(), 10);
    /// assert_eq!(d.update_many(&at, &[1.0; 3]).unwrap_err().code(), "dimension_mismatch");
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    ///
    /// # Errors
    /// `limit_exceeded` for more than [`MAX_BATCH_POINTS`](super::MAX_BATCH_POINTS)
    /// points; `dimension_mismatch` when the lengths differ; otherwise as
    /// [`update`](Self::update), the points before the bad one staying
    /// folded in.
    pub fn update_many(
        &mut self,
        at: &[DateTime<Utc>],
        values: &[f64],
    ) -> Result<Vec<StreamPoint>> {
        if values.len() > super::MAX_BATCH_POINTS {
            return Err(Error::new(
                ErrorKind::LimitExceeded,
                format!("more than {} points in one call", super::MAX_BATCH_POINTS),
            ));
        }
        if at.len() != values.len() {
            return Err(Error::new(
                ErrorKind::DimensionMismatch,
                format!("{} instants for {} values", at.len(), values.len()),
            ));
        }
        at.iter()
            .zip(values)
            .enumerate()
            .map(|(i, (t, v))| {
                self.update(*t, *v)
                    .map_err(|e| e.at(format!("values[{i}]")))
            })
            .collect()
    }

    /// Bytes the detector holds (the struct and its buffers).
    ///
    /// # Examples
    /// ```
    /// use opsbrain::anomaly::stream::{Seasonality, StreamConfig, StreamDetector};
    /// let mut c = StreamConfig::default();
    /// c.seasonality = Seasonality::HourOfWeek;
    /// assert!(StreamDetector::new(c)?.state_bytes() < 64 * 1024);
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    pub fn state_bytes(&self) -> usize {
        std::mem::size_of::<Self>()
            + self.state.offsets.capacity() * std::mem::size_of::<f64>()
            + self.state.visits.capacity() * std::mem::size_of::<u64>()
            + self.state.recent.capacity() * std::mem::size_of::<f64>()
    }

    /// The detector (configuration and state) as JSON with
    /// `"format_version"`.
    ///
    /// # Examples
    /// ```
    /// use opsbrain::anomaly::stream::{StreamConfig, StreamDetector};
    /// let d = StreamDetector::new(StreamConfig::default())?;
    /// assert!(d.to_json().contains("\"format_version\":1"));
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    pub fn to_json(&self) -> String {
        // Every field is a number, a string or a list of them, all finite.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Loads [`to_json`](Self::to_json) output, strictly: unknown keys are
    /// errors, the configuration is validated and the state checked.
    ///
    /// # Examples
    /// ```
    /// use opsbrain::anomaly::stream::StreamDetector;
    /// assert_eq!(StreamDetector::from_json("{\"format_version\": 9}").unwrap_err().code(), "unsupported_version");
    /// assert_eq!(StreamDetector::from_json("[").unwrap_err().code(), "parse_error");
    /// ```
    ///
    /// # Errors
    /// `parse_error` for malformed JSON, an unknown key or a wrong type;
    /// `unsupported_version` for a format version other than
    /// [`STREAM_FORMAT_VERSION`]; `invalid_config` for a bad configuration;
    /// `invalid_input` for an inconsistent state.
    pub fn from_json(text: &str) -> Result<Self> {
        let value: serde_json::Value = crate::input::from_json(text)?;
        match value.get("format_version").and_then(|v| v.as_u64()) {
            Some(v) if v == u64::from(STREAM_FORMAT_VERSION) => {}
            other => {
                return Err(Error::new(
                    ErrorKind::UnsupportedVersion,
                    format!(
                        "stream detector format_version {other:?} is not {STREAM_FORMAT_VERSION}"
                    ),
                ));
            }
        }
        let d: StreamDetector = crate::input::from_json(text)?;
        d.config.validate().map_err(|e| e.at("config"))?;
        let s = &d.state;
        let slots = d.config.seasonality.slots();
        // What values within MAX_STREAM_VALUE can produce: levels, bounds
        // and deviations within a few times the bound, the recent window's
        // sum within the window times it, the variance finite.
        let bound = 4.0 * super::MAX_STREAM_VALUE;
        let first_order = [
            s.level,
            s.deviation,
            s.slow_level,
            s.slow_deviation,
            s.low,
            s.high,
            s.long_mean,
        ];
        let numbers = first_order
            .iter()
            .chain(&s.offsets)
            .chain(&s.recent)
            .all(|v| v.abs() <= bound)
            && s.recent_sum.abs() <= bound * d.config.short_window as f64
            && s.long_var.is_finite();
        if s.offsets.len() != slots
            || s.visits.len() != slots
            || s.recent.len() > d.config.short_window
            || !numbers
            || s.deviation < 0.0
            || s.slow_deviation < 0.0
            || s.long_var < 0.0
            || s.low > s.high
            || s.suppress_left > d.config.suppress_points
        {
            return Err(Error::invalid_input(
                "corrupt stream detector state: lengths, ranges or values do not fit the configuration",
            ));
        }
        Ok(d)
    }
}
