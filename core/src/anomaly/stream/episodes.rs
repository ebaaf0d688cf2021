//! Alerts as episodes: runs of anomalous points merged into one alert.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::detector::StreamPoint;
use crate::error::{Error, Result};
use crate::types::Priority;

/// How points become episodes. Every field has a default.
///
/// # Examples
/// ```
/// use opsbrain::anomaly::stream::EpisodeConfig;
/// let c = EpisodeConfig::from_json(r#"{"merge_gap_secs": 600}"#)?;
/// assert_eq!(c.merge_gap.num_minutes(), 10);
/// assert_eq!(EpisodeConfig::from_json(r#"{"open_level": 0}"#).unwrap_err().code(), "invalid_config");
/// # Ok::<(), opsbrain::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct EpisodeConfig {
    /// Anomaly score (before suppression) at or above which a point is
    /// anomalous.
    pub open_level: f64,
    /// An anomalous point within this time of the episode's last anomalous
    /// point extends it; a longer quiet time closes it.
    #[serde(rename = "merge_gap_secs", with = "crate::serde_secs")]
    pub merge_gap: TimeDelta,
    /// After an episode closes, anomalous points within this time of its end
    /// open no new episode (they are counted as de-duplicated).
    #[serde(rename = "cooldown_secs", with = "crate::serde_secs")]
    pub cooldown: TimeDelta,
    /// Peak scores at which the severity becomes medium, high and critical
    /// (below the first: low).
    pub severity: [f64; 3],
}

impl Default for EpisodeConfig {
    fn default() -> Self {
        EpisodeConfig {
            open_level: 0.4,
            merge_gap: TimeDelta::hours(1),
            cooldown: TimeDelta::hours(6),
            severity: [0.5, 0.7, 0.9],
        }
    }
}

impl EpisodeConfig {
    /// Checks every field.
    ///
    /// # Examples
    /// ```
    /// use opsbrain::anomaly::stream::EpisodeConfig;
    /// let mut c = EpisodeConfig::default();
    /// c.severity = [0.9, 0.8, 0.95];
    /// assert!(c.validate().unwrap_err().message.starts_with("severity:"));
    /// ```
    ///
    /// # Errors
    /// `invalid_config` naming the field: a level outside `(0, 1]`, a
    /// negative duration, severity bounds not increasing within `(0, 1]`.
    pub fn validate(&self) -> Result<()> {
        if !(self.open_level > 0.0 && self.open_level <= 1.0) {
            return Err(Error::invalid_config(format!(
                "must be in (0, 1], got {}",
                self.open_level
            ))
            .at("open_level"));
        }
        if self.merge_gap < TimeDelta::zero() {
            return Err(Error::invalid_config("must not be negative").at("merge_gap_secs"));
        }
        if self.cooldown < TimeDelta::zero() {
            return Err(Error::invalid_config("must not be negative").at("cooldown_secs"));
        }
        let [a, b, c] = self.severity;
        if !(a > 0.0 && a <= b && b <= c && c <= 1.0) {
            return Err(Error::invalid_config(format!(
                "must be increasing within (0, 1], got {:?}",
                self.severity
            ))
            .at("severity"));
        }
        Ok(())
    }

    /// Reads a configuration from JSON (any subset of the fields; durations
    /// in seconds) and validates it.
    ///
    /// # Errors
    /// `parse_error` for malformed JSON, unknown keys or wrong types;
    /// `invalid_config` as [`validate`](Self::validate).
    pub fn from_json(text: &str) -> Result<Self> {
        let c: EpisodeConfig = crate::input::from_json(text)?;
        c.validate()?;
        Ok(c)
    }
}

/// One alert: a run of anomalous points of one metric.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Episode {
    /// The metric's name.
    pub metric: String,
    /// First anomalous point.
    #[serde(deserialize_with = "crate::input::instant")]
    pub start: DateTime<Utc>,
    /// Last anomalous point.
    #[serde(deserialize_with = "crate::input::instant")]
    pub end: DateTime<Utc>,
    /// The point with the highest anomaly score (the first of equals).
    #[serde(deserialize_with = "crate::input::instant")]
    pub peak_at: DateTime<Utc>,
    /// That score.
    pub peak_score: f64,
    /// Anomalous points in the episode.
    pub points: usize,
    /// From the peak score ([`EpisodeConfig::severity`]).
    pub severity: Priority,
    /// The input column that raised it, for a group of several columns
    /// streamed together ([`ProactiveMonitor::detect_stream`](crate::anomaly::ProactiveMonitor::detect_stream)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
}

/// Turns one metric's scored points into episodes: feed every point with
/// [`push`](Self::push), which returns an episode once it is closed; call
/// [`finish`](Self::finish) at the end of the stream.
///
/// # Examples
/// ```
/// use chrono::{TimeDelta, TimeZone, Utc};
/// use opsbrain::anomaly::stream::{EpisodeConfig, Episodes, StreamConfig, StreamDetector};
///
/// let mut d = StreamDetector::new(StreamConfig::default())?;
/// let mut e = Episodes::new("latency_ms", EpisodeConfig::default())?;
/// let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
/// let mut found = Vec::new();
/// for i in 0..1000 {
///     let value = if (700..710).contains(&i) { 400.0 } else { 100.0 + (i % 5) as f64 };
///     let p = d.update(t0 + TimeDelta::minutes(5 * i), value)?;
///     found.extend(e.push(&p));
/// }
/// found.extend(e.finish());
/// assert_eq!(found.len(), 1);
/// let start = (found[0].start - t0).num_minutes() / 5;
/// assert!((700..703).contains(&start), "{start}");
/// assert_eq!(found[0].metric, "latency_ms");
/// # Ok::<(), opsbrain::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Episodes {
    metric: String,
    config: EpisodeConfig,
    open: Option<Episode>,
    /// The end of the last closed episode.
    #[serde(default, deserialize_with = "crate::input::optional_instant")]
    last_end: Option<DateTime<Utc>>,
    /// Anomalous points dropped in cooldowns.
    deduplicated: u64,
}

impl Episodes {
    /// A tracker for metric `metric`.
    ///
    /// # Errors
    /// `invalid_config` when the configuration does not validate.
    pub fn new(metric: impl Into<String>, config: EpisodeConfig) -> Result<Self> {
        config.validate()?;
        Ok(Episodes {
            metric: metric.into(),
            config,
            open: None,
            last_end: None,
            deduplicated: 0,
        })
    }

    fn severity(bounds: [f64; 3], score: f64) -> Priority {
        let [m, h, c] = bounds;
        if score >= c {
            Priority::Critical
        } else if score >= h {
            Priority::High
        } else if score >= m {
            Priority::Medium
        } else {
            Priority::Low
        }
    }

    /// Takes one scored point (points in time order); returns the episode
    /// this point closes, if any.
    pub fn push(&mut self, p: &StreamPoint) -> Option<Episode> {
        let mut done = None;
        if let Some(open) = &self.open
            && p.at - open.end > self.config.merge_gap
        {
            self.last_end = Some(open.end);
            done = self.open.take();
        }
        if p.anomaly < self.config.open_level {
            return done;
        }
        if let Some(open) = &mut self.open {
            open.end = p.at;
            open.points += 1;
            if p.anomaly > open.peak_score {
                open.peak_score = p.anomaly;
                open.peak_at = p.at;
            }
            open.severity = Self::severity(self.config.severity, open.peak_score);
            return done;
        }
        if let Some(end) = self.last_end
            && p.at - end <= self.config.cooldown
        {
            self.deduplicated += 1;
            return done;
        }
        self.open = Some(Episode {
            metric: self.metric.clone(),
            start: p.at,
            end: p.at,
            peak_at: p.at,
            peak_score: p.anomaly,
            points: 1,
            severity: Self::severity(self.config.severity, p.anomaly),
            column: None,
        });
        done
    }

    /// Closes the open episode, if any (at the end of a stream).
    pub fn finish(&mut self) -> Option<Episode> {
        let done = self.open.take();
        if let Some(e) = &done {
            self.last_end = Some(e.end);
        }
        done
    }

    /// The tracker (configuration, open episode, cooldown) as JSON.
    ///
    /// # Examples
    /// ```
    /// use opsbrain::anomaly::stream::{EpisodeConfig, Episodes};
    /// let e = Episodes::new("cpu", EpisodeConfig::default())?;
    /// assert_eq!(Episodes::from_json(&e.to_json())?, e);
    /// assert_eq!(Episodes::from_json("{\"metric\": 1}").unwrap_err().code(), "parse_error");
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Loads [`to_json`](Self::to_json) output strictly (unknown keys are
    /// errors) and validates the configuration.
    ///
    /// # Errors
    /// `parse_error` for malformed JSON, unknown keys or wrong types;
    /// `invalid_config` (at `config`) as [`EpisodeConfig::validate`].
    pub fn from_json(text: &str) -> Result<Self> {
        let e: Episodes = crate::input::from_json(text)?;
        e.config.validate().map_err(|err| err.at("config"))?;
        Ok(e)
    }

    /// Anomalous points dropped so far because they fell in the cooldown
    /// after an episode (de-duplicated alerts).
    pub fn deduplicated(&self) -> u64 {
        self.deduplicated
    }
}
