//! The streaming detector's configuration: every default lives here.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Longest short-term window of the anomaly likelihood, in points.
pub const MAX_SHORT_WINDOW: usize = 256;

/// Which calendar slots the seasonal baseline keeps (UTC).
///
/// # Examples
/// ```
/// use opsbrain::anomaly::stream::Seasonality;
/// assert_eq!(Seasonality::HourOfWeek.slots(), 168);
/// assert_eq!(serde_json::to_string(&Seasonality::HourOfDay)?, "\"hour_of_day\"");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Seasonality {
    /// No seasonal profile: the baseline is the level alone.
    None,
    /// One offset per hour of the day (24 slots).
    HourOfDay,
    /// One offset per hour of the week, Monday 00:00 UTC first (168 slots).
    HourOfWeek,
}

impl Seasonality {
    /// How many offsets the profile keeps.
    pub const fn slots(self) -> usize {
        match self {
            Seasonality::None => 1,
            Seasonality::HourOfDay => 24,
            Seasonality::HourOfWeek => 168,
        }
    }

    /// The slot of an instant given as seconds since the Unix epoch.
    pub(crate) fn slot(self, secs: i64) -> usize {
        let hours = secs.div_euclid(3600);
        match self {
            Seasonality::None => 0,
            Seasonality::HourOfDay => hours.rem_euclid(24) as usize,
            // 1970-01-01 was a Thursday: Monday 00:00 is 72 hours earlier.
            Seasonality::HourOfWeek => (hours + 72).rem_euclid(168) as usize,
        }
    }
}

/// The streaming detector's settings. Every field has a default
/// ([`StreamConfig::default`]); JSON may give any subset, and an unknown key
/// is an error. Half-lives are in points (an exponentially weighted mean
/// with half-life `h` weighs the point `h` steps back half as much as the
/// newest).
///
/// # Examples
/// ```
/// use opsbrain::anomaly::stream::StreamConfig;
/// let c = StreamConfig::from_json(r#"{"suppress_points": 50}"#)?;
/// assert_eq!(c.suppress_points, 50);
/// assert_eq!(c.warmup, StreamConfig::default().warmup);
/// let e = StreamConfig::from_json(r#"{"detect_level": 2.0}"#).unwrap_err();
/// assert_eq!(e.code(), "invalid_config");
/// assert!(e.message.starts_with("detect_level:"), "{}", e.message);
/// # Ok::<(), opsbrain::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct StreamConfig {
    /// Points scored 0 while the statistics settle.
    pub warmup: usize,
    /// Half-life of the baseline level.
    pub level_half_life: f64,
    /// Half-life of a second, slow level with its own scale; the raw score
    /// is the larger of the two baselines' (drifts show against the slow
    /// one). `None` keeps one baseline.
    pub slow_half_life: Option<f64>,
    /// The seasonal profile added to the level.
    pub seasonality: Seasonality,
    /// Half-life of each seasonal offset, in visits of its slot.
    pub seasonal_half_life: f64,
    /// Points a slot must have seen before its offset is used (until then
    /// the baseline is the level alone).
    pub seasonal_min_visits: u64,
    /// Half-life of the mean absolute residual (the robust scale).
    pub deviation_half_life: f64,
    /// Residual z-scores up to this are normal (raw score 0); the raw score
    /// is `1 - 2 Q(z - z_floor)` above it.
    pub z_floor: f64,
    /// Whether the score is the anomaly likelihood of the recent raw scores
    /// (true) or the raw score itself (false).
    pub likelihood: bool,
    /// Points in the likelihood's short-term mean.
    pub short_window: usize,
    /// Half-life of the long-term mean and variance of raw scores.
    pub long_half_life: f64,
    /// A value beyond the range seen so far by more than this share of the
    /// range gets the highest raw score; `None` turns the rule off.
    pub range_tolerance: Option<f64>,
    /// Score at or above which a detection starts the suppression.
    pub detect_level: f64,
    /// Points after a detection whose score is reported as 0 (0: none).
    pub suppress_points: usize,
}

impl Default for StreamConfig {
    /// The defaults, chosen on NAB's realKnownCause and realTraffic series
    /// (see `benches/nab`).
    fn default() -> Self {
        StreamConfig {
            warmup: 150,
            level_half_life: 10.0,
            slow_half_life: None,
            seasonality: Seasonality::HourOfWeek,
            seasonal_half_life: 16.0,
            seasonal_min_visits: 24,
            deviation_half_life: 200.0,
            z_floor: 2.75,
            likelihood: true,
            short_window: 5,
            long_half_life: 2000.0,
            range_tolerance: Some(0.0),
            detect_level: 0.18,
            suppress_points: 100,
        }
    }
}

fn half_life(name: &str, h: f64) -> Result<()> {
    if (1.0..=1e9).contains(&h) {
        Ok(())
    } else {
        Err(
            Error::invalid_config(format!("must be a half-life in [1, 1e9] points, got {h}"))
                .at(name),
        )
    }
}

impl StreamConfig {
    /// Checks every field.
    ///
    /// # Examples
    /// ```
    /// use opsbrain::anomaly::stream::StreamConfig;
    /// let mut c = StreamConfig::default();
    /// c.validate()?;
    /// c.short_window = 0;
    /// let e = c.validate().unwrap_err();
    /// assert_eq!(e.code(), "invalid_config");
    /// assert!(e.message.starts_with("short_window:"), "{}", e.message);
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    ///
    /// # Errors
    /// `invalid_config` naming the field: a half-life outside `[1, 1e9]`, a
    /// short window outside `1..=`[`MAX_SHORT_WINDOW`], a tolerance that is
    /// negative or not finite, a detection level outside `(0, 1]`.
    pub fn validate(&self) -> Result<()> {
        half_life("level_half_life", self.level_half_life)?;
        half_life("seasonal_half_life", self.seasonal_half_life)?;
        if let Some(h) = self.slow_half_life {
            half_life("slow_half_life", h)?;
        }
        half_life("deviation_half_life", self.deviation_half_life)?;
        half_life("long_half_life", self.long_half_life)?;
        if !(self.z_floor.is_finite() && self.z_floor >= 0.0) {
            return Err(Error::invalid_config(format!(
                "must be finite and >= 0, got {}",
                self.z_floor
            ))
            .at("z_floor"));
        }
        if self.short_window == 0 || self.short_window > MAX_SHORT_WINDOW {
            return Err(Error::invalid_config(format!(
                "must be in 1..={MAX_SHORT_WINDOW}, got {}",
                self.short_window
            ))
            .at("short_window"));
        }
        if let Some(t) = self.range_tolerance
            && !(t.is_finite() && t >= 0.0)
        {
            return Err(
                Error::invalid_config(format!("must be finite and >= 0, got {t}"))
                    .at("range_tolerance"),
            );
        }
        if !(self.detect_level > 0.0 && self.detect_level <= 1.0) {
            return Err(Error::invalid_config(format!(
                "must be in (0, 1], got {}",
                self.detect_level
            ))
            .at("detect_level"));
        }
        Ok(())
    }

    /// Reads a configuration from JSON (any subset of the fields) and
    /// validates it.
    ///
    /// # Examples
    /// ```
    /// use opsbrain::anomaly::stream::{Seasonality, StreamConfig};
    /// let c = StreamConfig::from_json(r#"{"seasonality": "hour_of_week"}"#)?;
    /// assert_eq!(c.seasonality, Seasonality::HourOfWeek);
    /// assert_eq!(StreamConfig::from_json(r#"{"warmpu": 5}"#).unwrap_err().code(), "parse_error");
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    ///
    /// # Errors
    /// `parse_error` for malformed JSON, an unknown key or a value of the
    /// wrong type (with its path); `invalid_config` as [`validate`](Self::validate).
    pub fn from_json(text: &str) -> Result<Self> {
        let c: StreamConfig = crate::input::from_json(text)?;
        c.validate()?;
        Ok(c)
    }

    /// The configuration as JSON (every field).
    ///
    /// # Examples
    /// ```
    /// use opsbrain::anomaly::stream::StreamConfig;
    /// let c = StreamConfig::default();
    /// assert_eq!(StreamConfig::from_json(&c.to_json())?, c);
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}
