//! What follows from a forecast: the peak, threshold crossings and a
//! proactive replica schedule.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::Forecast;
use crate::error::{Error, Result};

/// The highest point forecast and when it comes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Peak {
    /// Instant of the peak (the first one on ties).
    #[serde(deserialize_with = "crate::input::instant")]
    pub at: DateTime<Utc>,
    /// Its point forecast.
    pub mean: f64,
    /// The upper interval bound at that instant.
    pub upper: f64,
    /// The highest upper bound over the whole horizon.
    pub max_upper: f64,
}

/// When a threshold is first reached (`value >= threshold`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Crossing {
    /// The threshold, in the metric's units.
    pub threshold: f64,
    /// First instant the point forecast reaches it; `None` within the horizon.
    #[serde(default, deserialize_with = "crate::input::optional_instant")]
    pub at: Option<DateTime<Utc>>,
    /// Time from the last observation to `at`.
    #[serde(rename = "after_secs", with = "opt_secs")]
    pub after: Option<TimeDelta>,
    /// First instant the upper bound reaches it (the earliest plausible
    /// crossing); `None` within the horizon.
    #[serde(default, deserialize_with = "crate::input::optional_instant")]
    pub upper_at: Option<DateTime<Utc>>,
    /// Time from the last observation to `upper_at`.
    #[serde(rename = "upper_after_secs", with = "opt_secs")]
    pub upper_after: Option<TimeDelta>,
}

mod opt_secs {
    use chrono::TimeDelta;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(d: &Option<TimeDelta>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_some(&d.num_seconds()),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<TimeDelta>, D::Error> {
        Option::<i64>::deserialize(d)?
            .map(|s| {
                TimeDelta::try_seconds(s)
                    .ok_or_else(|| serde::de::Error::custom(format!("{s} s is out of range")))
            })
            .transpose()
    }
}

/// Which forecast curve a plan follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ForecastBound {
    /// The point forecast.
    Mean,
    /// The upper interval bound (the default: provision for the plausible high).
    #[default]
    Upper,
}

/// How forecast demand becomes replicas: `ceil(demand / (capacity_per_replica
/// * target_utilization))`, clamped to `[min_replicas, max_replicas]`;
/// scale-ups start `lead_secs` early and scale-downs wait until the demand
/// has stayed lower for `cooldown_secs`.
///
/// # Examples
/// ```
/// use opsbrain::capacity::ScalingPolicy;
/// let p: ScalingPolicy = serde_json::from_str(r#"{"capacity_per_replica": 100}"#)?;
/// assert_eq!(p.target_utilization, 0.7);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScalingPolicy {
    /// Demand one replica serves at 100% (in the metric's units).
    pub capacity_per_replica: f64,
    /// Utilization to plan for, in (0, 1] (default 0.7, the framework's CPU
    /// scale-up threshold).
    #[serde(default = "default_target")]
    pub target_utilization: f64,
    /// Fewest replicas (default 1).
    #[serde(default = "default_min")]
    pub min_replicas: u32,
    /// Most replicas (default 100).
    #[serde(default = "default_max")]
    pub max_replicas: u32,
    /// The curve to provision for (default `upper`).
    #[serde(default)]
    pub bound: ForecastBound,
    /// How early a scale-up starts (default 15 minutes).
    #[serde(
        default = "default_lead",
        rename = "lead_secs",
        with = "crate::serde_secs"
    )]
    pub lead: TimeDelta,
    /// How long demand must stay lower before a scale-down (default 1 hour).
    #[serde(
        default = "default_cooldown",
        rename = "cooldown_secs",
        with = "crate::serde_secs"
    )]
    pub cooldown: TimeDelta,
}

fn default_target() -> f64 {
    0.7
}
fn default_min() -> u32 {
    1
}
fn default_max() -> u32 {
    100
}
fn default_lead() -> TimeDelta {
    TimeDelta::minutes(15)
}
fn default_cooldown() -> TimeDelta {
    TimeDelta::hours(1)
}

impl ScalingPolicy {
    pub(crate) fn check(&self) -> Result<()> {
        let bad = |m: String| Err(Error::invalid_config(m));
        if !(self.capacity_per_replica.is_finite() && self.capacity_per_replica > 0.0) {
            return bad(format!(
                "scaling.capacity_per_replica must be positive, got {}",
                self.capacity_per_replica
            ));
        }
        if !(self.target_utilization > 0.0 && self.target_utilization <= 1.0) {
            return bad(format!(
                "scaling.target_utilization must be in (0, 1], got {}",
                self.target_utilization
            ));
        }
        if self.min_replicas > self.max_replicas {
            return bad(format!(
                "scaling.min_replicas ({}) is greater than scaling.max_replicas ({})",
                self.min_replicas, self.max_replicas
            ));
        }
        if self.lead < TimeDelta::zero() || self.cooldown < TimeDelta::zero() {
            return bad("scaling.lead_secs and scaling.cooldown_secs must not be negative".into());
        }
        if self.lead > TimeDelta::days(35) || self.cooldown > TimeDelta::days(35) {
            return Err(Error::limit(
                "scaling.lead_secs and scaling.cooldown_secs must be at most 35 days",
            ));
        }
        Ok(())
    }
}

/// One change of the replica count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ScalingStep {
    /// From this instant on...
    #[serde(deserialize_with = "crate::input::instant")]
    pub at: DateTime<Utc>,
    /// ...run this many replicas.
    pub replicas: u32,
}

/// A proactive replica schedule over the forecast horizon.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ScalingSchedule {
    /// Change points, the first at the forecast start.
    pub steps: Vec<ScalingStep>,
    /// The most replicas scheduled.
    pub peak_replicas: u32,
    /// Whether demand needed more than `max_replicas` at some point.
    pub capped: bool,
}

impl Forecast {
    fn at(&self, i: usize) -> DateTime<Utc> {
        self.start + self.step * i32::try_from(i).unwrap_or(i32::MAX)
    }

    pub(super) fn find_peak(&self) -> Peak {
        let i = self
            .mean
            .iter()
            .enumerate()
            .fold(0, |b, (i, &v)| if v > self.mean[b] { i } else { b });
        Peak {
            at: self.at(i),
            mean: self.mean[i],
            upper: self.upper[i],
            max_upper: self.upper.iter().copied().fold(0.0, f64::max),
        }
    }

    /// When `threshold` is first reached by the point forecast and by the
    /// upper bound (times counted from the last observation, one step before
    /// [`Forecast::start`]).
    ///
    /// # Examples
    /// ```
    /// use chrono::{TimeDelta, TimeZone, Utc};
    /// use opsbrain::capacity::{forecast, ForecastParams, Method, Series};
    /// let disk: Vec<f64> = (0..48).map(|t| 0.5 + 0.005 * t as f64).collect();
    /// let start = Utc.with_ymd_and_hms(2026, 1, 5, 0, 0, 0).unwrap();
    /// let params = ForecastParams { method: Method::HoltWintersDaily, ..Default::default() };
    /// let f = forecast(&Series::new(&disk, start, TimeDelta::hours(1)), &params)?;
    /// let c = f.crossing(0.75);
    /// assert!(c.upper_at <= c.at && c.at.is_some());
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    pub fn crossing(&self, threshold: f64) -> Crossing {
        let first = |v: &[f64]| v.iter().position(|&x| x >= threshold);
        let since = |i: usize| self.step * i32::try_from(i + 1).unwrap_or(i32::MAX);
        let (m, u) = (first(&self.mean), first(&self.upper));
        Crossing {
            threshold,
            at: m.map(|i| self.at(i)),
            after: m.map(since),
            upper_at: u.map(|i| self.at(i)),
            upper_after: u.map(since),
        }
    }

    /// The replica schedule for `policy` (see [`ScalingPolicy`]).
    ///
    /// # Examples
    /// ```
    /// use chrono::{TimeDelta, TimeZone, Utc};
    /// use opsbrain::capacity::{forecast, ForecastParams, Method, ScalingPolicy, Series};
    /// let rps: Vec<f64> = (0..48).map(|t| if t % 24 < 12 { 100.0 } else { 500.0 }).collect();
    /// let start = Utc.with_ymd_and_hms(2026, 1, 5, 0, 0, 0).unwrap();
    /// let params = ForecastParams { method: Method::SeasonalNaiveDaily, ..Default::default() };
    /// let f = forecast(&Series::new(&rps, start, TimeDelta::hours(1)), &params)?;
    /// let policy: ScalingPolicy = serde_json::from_str(r#"{"capacity_per_replica": 100, "bound": "mean"}"#)?;
    /// let s = f.scaling_schedule(&policy);
    /// assert_eq!(s.peak_replicas, 8); // ceil(500 / (100 * 0.7))
    /// assert_eq!(s.steps[0].replicas, 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn scaling_schedule(&self, policy: &ScalingPolicy) -> ScalingSchedule {
        let curve = match policy.bound {
            ForecastBound::Mean => &self.mean,
            ForecastBound::Upper => &self.upper,
        };
        let per = policy.capacity_per_replica * policy.target_utilization;
        let mut capped = false;
        let need: Vec<u32> = curve
            .iter()
            .map(|&d| {
                let r = (d / per).ceil();
                if r > f64::from(policy.max_replicas) {
                    capped = true;
                }
                (r.clamp(0.0, u32::MAX as f64) as u32)
                    .clamp(policy.min_replicas, policy.max_replicas)
            })
            .collect();
        let step = self.step.num_seconds().max(1);
        let lead = usize::try_from((policy.lead.num_seconds() + step - 1) / step).unwrap_or(0);
        let cool = usize::try_from((policy.cooldown.num_seconds() + step - 1) / step).unwrap_or(0);
        let n = need.len();
        let mut steps: Vec<ScalingStep> = Vec::new();
        // Sliding maximum of need[i - cool ..= i + lead] (a monotone deque of
        // indices, so the schedule costs O(n) whatever the windows).
        let mut window: std::collections::VecDeque<usize> = std::collections::VecDeque::new();
        let mut next = 0;
        for i in 0..n {
            let hi = (i + lead).min(n - 1);
            while next <= hi {
                while window.back().is_some_and(|&j| need[j] <= need[next]) {
                    window.pop_back();
                }
                window.push_back(next);
                next += 1;
            }
            while window.front().is_some_and(|&j| j + cool < i) {
                window.pop_front();
            }
            let r = window.front().map_or(policy.min_replicas, |&j| need[j]);
            if steps.last().is_none_or(|s| s.replicas != r) {
                steps.push(ScalingStep {
                    at: self.at(i),
                    replicas: r,
                });
            }
        }
        let peak_replicas = steps.iter().map(|s| s.replicas).max().unwrap_or(0);
        ScalingSchedule {
            steps,
            peak_replicas,
            capped,
        }
    }
}
