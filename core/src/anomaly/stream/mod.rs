//! Streaming anomaly detection for operational metrics, one point at a
//! time: [`StreamDetector`] scores each `(instant, value)` point from that
//! point and the ones before it only (causal), in O(1) time and a few
//! kilobytes of state per metric, and [`Episodes`] turns the scores into
//! alerts (one per anomalous episode, with a peak, a severity, merging and a
//! cooldown).
//!
//! How a point is scored (all settings in [`StreamConfig`]):
//! 1. **Baseline**: an exponentially weighted level, plus an hour-of-week
//!    (by default) or hour-of-day offset per [`Seasonality`], predicts the
//!    value; a slot's offset is used once the slot has seen
//!    `seasonal_min_visits` points (24: two weeks of 5-minute data for
//!    hour-of-week), the level alone before that.
//! 2. **Robust residual statistics**: the residual divided by the weighted
//!    mean absolute residual (times 1.25, its Gaussian ratio to the standard
//!    deviation) is a z-score; the raw score is `1 - 2 Q(z)`, or 1 for a
//!    value beyond the range seen so far by more than `range_tolerance`.
//! 3. **Anomaly likelihood**, as HTM's post-processing does it: the mean of
//!    the last `short_window` raw scores against the long-term mean and
//!    variance of those means; the Gaussian tail `Q` of the gap, reported
//!    on a log scale, `ln(Q) / ln(1e-20)` clamped to `[0, 1]` (0.25 is a tail of
//!    1e-5; the default `detect_level`, 0.18, one of about 2.5e-4).
//! 4. **Suppression**: after a score reaches `detect_level`, the next
//!    `suppress_points` scores are reported as 0, so one incident raises one
//!    detection.
//!
//! The defaults were chosen on the Numenta Anomaly Benchmark (see
//! `benches/nab`); the detector's state and configuration round-trip
//! through versioned JSON ([`StreamDetector::to_json`]).
//!
//! # Example
//! ```
//! use chrono::{TimeDelta, TimeZone, Utc};
//! use opsbrain::anomaly::stream::{StreamConfig, StreamDetector};
//!
//! let mut d = StreamDetector::new(StreamConfig::default())?;
//! let t0 = Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap();
//! let mut flagged = Vec::new();
//! for i in 0..2000 {
//!     let value = if i >= 1500 { 80.0 } else { 40.0 + (i % 9) as f64 }; // a level shift
//!     let p = d.update(t0 + TimeDelta::minutes(i), value)?;
//!     if p.score >= d.config().detect_level {
//!         flagged.push(i);
//!     }
//! }
//! // One detection, as the shift starts; the suppression hides the rest.
//! assert_eq!(flagged.len(), 1);
//! assert!((1500..1503).contains(&flagged[0]), "{flagged:?}");
//! # Ok::<(), opsbrain::Error>(())
//! ```

mod config;
mod detector;
mod episodes;

/// Most points one [`StreamDetector::update_many`] call takes (bindings
/// read their arrays up to this bound).
pub const MAX_BATCH_POINTS: usize = 10_000_000;

/// Largest magnitude of a value [`StreamDetector::update`] reads (1e150, as
/// capacity histories): the detector's running variance squares its values,
/// so larger ones would overflow to infinite expectations and scores.
///
/// # Examples
/// ```
/// use chrono::{TimeZone, Utc};
/// use opsbrain::anomaly::stream::{StreamConfig, StreamDetector, MAX_STREAM_VALUE};
/// let mut d = StreamDetector::new(StreamConfig::default())?;
/// let at = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
/// assert!(d.update(at, MAX_STREAM_VALUE).is_ok());
/// assert_eq!(d.update(at, 1e300).unwrap_err().code(), "invalid_input");
/// # Ok::<(), opsbrain::Error>(())
/// ```
pub const MAX_STREAM_VALUE: f64 = 1e150;

pub use config::{MAX_SHORT_WINDOW, Seasonality, StreamConfig};
pub use detector::{STREAM_FORMAT_VERSION, StreamDetector, StreamPoint};
pub use episodes::{Episode, EpisodeConfig, Episodes};

#[cfg(test)]
mod tests;
