//! Threshold scaling: see the [`crate::capacity`] docs for the model and its rules.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::validate::check_name;

/// Most resources in one policy or request.
pub const MAX_RESOURCES: usize = 64;
/// Most samples per resource in one request.
pub const MAX_SAMPLES: usize = 1_000_000;
/// Largest replica count accepted (`i32::MAX`, as in Kubernetes).
pub const MAX_REPLICAS: u32 = i32::MAX as u32;
/// Largest `sustain` accepted.
const MAX_SUSTAIN: u32 = 10_000;

/// A scaling action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScaleAction {
    /// Fewer replicas.
    ScaleDown,
    /// Keep the replica count.
    Hold,
    /// More replicas.
    ScaleUp,
}

/// Thresholds of one resource, in the unit of its samples.
///
/// # Examples
/// ```
/// use opsbrain::capacity::ResourceThresholds;
/// let t = ResourceThresholds { scale_up: 0.7, scale_down: 0.3, band: 0.05, sustain: 1 };
/// assert!(t.check("cpu").is_ok());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceThresholds {
    /// Scale up at or above this value.
    pub scale_up: f64,
    /// Scale down at or below this value.
    pub scale_down: f64,
    /// Hysteresis: an up state lasts until a sample drops below
    /// `scale_up - band`, a down state until one rises above
    /// `scale_down + band`. At least 0 and less than half the gap between
    /// the thresholds.
    #[serde(default)]
    pub band: f64,
    /// Consecutive samples beyond a threshold needed to enter a state (>= 1).
    #[serde(default = "one")]
    pub sustain: u32,
}

fn one() -> u32 {
    1
}

impl ResourceThresholds {
    /// Validates the thresholds of `resource`.
    ///
    /// # Errors
    /// `invalid_config` naming the resource for a non-finite or negative
    /// value, `scale_down >= scale_up`, a band outside `[0, (scale_up -
    /// scale_down) / 2)` or `sustain` outside `1..=10000`.
    pub fn check(&self, resource: &str) -> Result<()> {
        let bad = |m: String| {
            Err(Error::invalid_config(format!(
                "thresholds of {resource:?}: {m}"
            )))
        };
        let (up, down, band) = (self.scale_up, self.scale_down, self.band);
        if ![up, down, band].iter().all(|v| v.is_finite() && *v >= 0.0) {
            return bad(format!(
                "scale_up {up}, scale_down {down} and band {band} must be finite and >= 0"
            ));
        }
        if down >= up {
            return bad(format!("scale_down {down} must be below scale_up {up}"));
        }
        if band >= (up - down) / 2.0 {
            return bad(format!(
                "band {band} must be less than half the gap between the thresholds ({})",
                (up - down) / 2.0
            ));
        }
        if self.sustain == 0 || self.sustain > MAX_SUSTAIN {
            return bad(format!(
                "sustain must be in 1..={MAX_SUSTAIN}, got {}",
                self.sustain
            ));
        }
        Ok(())
    }

    /// The middle of the band, which scaling aims for.
    pub fn mid(&self) -> f64 {
        (self.scale_up + self.scale_down) / 2.0
    }
}

/// Thresholds per resource name.
///
/// Built in (the framework's CapacityPlanner): `cpu` and `memory` as
/// utilization fractions (up 0.70 / down 0.30 and 0.80 / 0.40, band 0.05),
/// `requests` as requests per second per replica (up 1000 / down 200,
/// band 50); `sustain` 1.
///
/// # Examples
/// ```
/// use opsbrain::capacity::ThresholdPolicy;
/// let p = ThresholdPolicy::builtin();
/// assert_eq!(p.get("cpu").map(|t| t.scale_up), Some(0.7));
/// let p = ThresholdPolicy::from_json(r#"{"gpu": {"scale_up": 0.9, "scale_down": 0.5}}"#)?;
/// assert_eq!(p.get("gpu").map(|t| t.band), Some(0.0));
/// # Ok::<(), opsbrain::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "BTreeMap<String, ResourceThresholds>")]
#[serde(into = "BTreeMap<String, ResourceThresholds>")]
pub struct ThresholdPolicy {
    resources: BTreeMap<String, ResourceThresholds>,
}

impl ThresholdPolicy {
    /// The framework's thresholds (see the type docs).
    pub fn builtin() -> Self {
        let t = |scale_up, scale_down, band| ResourceThresholds {
            scale_up,
            scale_down,
            band,
            sustain: 1,
        };
        ThresholdPolicy {
            resources: BTreeMap::from([
                ("cpu".to_owned(), t(0.70, 0.30, 0.05)),
                ("memory".to_owned(), t(0.80, 0.40, 0.05)),
                ("requests".to_owned(), t(1000.0, 200.0, 50.0)),
            ]),
        }
    }

    /// Parses and validates a JSON policy (`{"cpu": {"scale_up": ..}, ..}`).
    ///
    /// # Errors
    /// `parse_error` for malformed JSON; `invalid_config` as
    /// [`ResourceThresholds::check`], for a blank name or more than
    /// [`MAX_RESOURCES`] resources.
    pub fn from_json(text: &str) -> Result<Self> {
        let raw: BTreeMap<String, ResourceThresholds> = crate::input::from_json(text)?;
        Self::try_from(raw)
    }

    /// Reads and validates a policy given as a value at path `at` (`null`:
    /// the built-in one), for the bindings.
    ///
    /// # Errors
    /// The one reader's codes ([`crate::input::from_value_at`]);
    /// `invalid_config` as [`from_json`](Self::from_json).
    ///
    /// # Examples
    /// ```
    /// use opsbrain::capacity::ThresholdPolicy;
    /// let null = serde_json::Value::Null;
    /// assert_eq!(ThresholdPolicy::from_value(&null, "policy")?, ThresholdPolicy::builtin());
    /// let bad = serde_json::json!({"cpu": {"scale_up": 0.2, "scale_down": 0.5}});
    /// assert_eq!(ThresholdPolicy::from_value(&bad, "policy").unwrap_err().code(), "invalid_config");
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    pub fn from_value(value: &serde_json::Value, at: &str) -> Result<Self> {
        if value.is_null() {
            return Ok(Self::builtin());
        }
        let raw: BTreeMap<String, ResourceThresholds> = crate::input::from_value_at(value, at)?;
        Self::try_from(raw)
    }

    /// The policy as JSON (resources in name order).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a threshold policy always serialises to JSON")
    }

    /// The thresholds of a resource.
    pub fn get(&self, resource: &str) -> Option<&ResourceThresholds> {
        self.resources.get(resource)
    }
}

impl Default for ThresholdPolicy {
    fn default() -> Self {
        Self::builtin()
    }
}

impl TryFrom<BTreeMap<String, ResourceThresholds>> for ThresholdPolicy {
    type Error = Error;
    fn try_from(resources: BTreeMap<String, ResourceThresholds>) -> Result<Self> {
        if resources.len() > MAX_RESOURCES {
            return Err(Error::invalid_config(format!(
                "{} resources; at most {MAX_RESOURCES} are allowed",
                resources.len()
            )));
        }
        for (name, t) in &resources {
            check_name("resource name", name)?;
            t.check(name)?;
        }
        Ok(ThresholdPolicy { resources })
    }
}

impl From<ThresholdPolicy> for BTreeMap<String, ResourceThresholds> {
    fn from(p: ThresholdPolicy) -> Self {
        p.resources
    }
}

/// What to decide on: the current size, its bounds and recent samples.
///
/// # Examples
/// ```
/// use opsbrain::capacity::ReplicaRequest;
/// let r: ReplicaRequest = serde_json::from_str(
///     r#"{"current_replicas": 3, "max_replicas": 12, "metrics": {"cpu": [0.4, 0.75]}}"#,
/// ).unwrap();
/// assert_eq!(r.min_replicas, 1);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplicaRequest {
    /// Replicas now.
    pub current_replicas: u32,
    /// Lower bound (default 1).
    #[serde(default = "one")]
    pub min_replicas: u32,
    /// Upper bound (>= `min_replicas`).
    pub max_replicas: u32,
    /// Samples per resource, oldest first, in the unit of the thresholds
    /// (a per-replica average: utilization fraction, requests per second).
    pub metrics: BTreeMap<String, Vec<f64>>,
}

/// The decision of one resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ResourceDecision {
    /// Resource name.
    pub resource: String,
    /// Its state after the last sample.
    pub action: ScaleAction,
    /// The last sample.
    pub value: f64,
    /// Replicas this resource asks for (before the bounds).
    pub desired_replicas: u32,
}

/// A threshold recommendation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ReplicaRecommendation {
    /// What to do overall (after the bounds: `hold` when they cancel the move).
    pub action: ScaleAction,
    /// Recommended replicas, within `[min_replicas, max_replicas]`.
    pub desired_replicas: u32,
    /// The resource that decided the count (`None` when holding).
    pub driver: Option<String>,
    /// `"min_replicas"` or `"max_replicas"` when a bound changed the count.
    pub limited_by: Option<String>,
    /// Each resource's decision, in name order.
    pub resources: Vec<ResourceDecision>,
}

/// The trigger's state after the last sample (see the module docs).
fn trigger(samples: &[f64], t: &ResourceThresholds) -> ScaleAction {
    let n = t.sustain as usize;
    // Length of the current run of samples >= scale_up / <= scale_down.
    let (mut run_up, mut run_down) = (0usize, 0usize);
    let mut state = ScaleAction::Hold;
    for &x in samples {
        run_up = if x >= t.scale_up { run_up + 1 } else { 0 };
        run_down = if x <= t.scale_down { run_down + 1 } else { 0 };
        let enter = if run_up >= n {
            ScaleAction::ScaleUp
        } else if run_down >= n {
            ScaleAction::ScaleDown
        } else {
            ScaleAction::Hold
        };
        state = match state {
            ScaleAction::ScaleUp if x >= t.scale_up - t.band => ScaleAction::ScaleUp,
            ScaleAction::ScaleDown if x <= t.scale_down + t.band => ScaleAction::ScaleDown,
            _ => enter,
        };
    }
    state
}

/// `ceil(current * value / mid)` as replicas, saturating at [`MAX_REPLICAS`].
fn proportional(current: u32, value: f64, mid: f64) -> u32 {
    let r = (f64::from(current) * value / mid).ceil();
    if r >= f64::from(MAX_REPLICAS) {
        MAX_REPLICAS
    } else if r > 0.0 {
        r as u32
    } else {
        0
    }
}

/// Recommends a replica count from threshold rules with hysteresis (see the
/// module docs for the rules).
///
/// # Examples
/// ```
/// use std::collections::BTreeMap;
/// use opsbrain::capacity::{replica_recommendation, ReplicaRequest, ScaleAction, ThresholdPolicy};
/// let req = ReplicaRequest {
///     current_replicas: 4,
///     min_replicas: 2,
///     max_replicas: 10,
///     // cpu crossed 70 %, then hovered just under it: still scale up.
///     metrics: BTreeMap::from([("cpu".to_owned(), vec![0.55, 0.72, 0.68])]),
/// };
/// let rec = replica_recommendation(&req, &ThresholdPolicy::builtin())?;
/// assert_eq!(rec.action, ScaleAction::ScaleUp);
/// assert_eq!(rec.desired_replicas, 6); // ceil(4 * 0.68 / 0.50)
/// # Ok::<(), opsbrain::Error>(())
/// ```
///
/// # Errors
/// `invalid_config` for `min_replicas > max_replicas` or bounds over
/// [`MAX_REPLICAS`]; `invalid_input` for no metrics, an unknown resource, an
/// empty sample list or a negative or non-finite sample (NaN gaps must be
/// removed or filled by the caller); `limit_exceeded` for more than
/// [`MAX_RESOURCES`] resources or [`MAX_SAMPLES`] samples of one resource.
pub fn replica_recommendation(
    req: &ReplicaRequest,
    policy: &ThresholdPolicy,
) -> Result<ReplicaRecommendation> {
    if req.min_replicas > req.max_replicas {
        return Err(Error::invalid_config(format!(
            "min_replicas {} is greater than max_replicas {}",
            req.min_replicas, req.max_replicas
        )));
    }
    if req.max_replicas > MAX_REPLICAS || req.current_replicas > MAX_REPLICAS {
        return Err(Error::invalid_config(format!(
            "replica counts must be at most {MAX_REPLICAS}"
        )));
    }
    if req.metrics.is_empty() {
        return Err(Error::invalid_input(
            "metrics: give samples of at least one resource",
        ));
    }
    if req.metrics.len() > MAX_RESOURCES {
        return Err(Error::limit(format!(
            "metrics: {} resources; at most {MAX_RESOURCES} are allowed",
            req.metrics.len()
        )));
    }
    let current = req.current_replicas;
    let mut resources = Vec::with_capacity(req.metrics.len());
    for (name, samples) in &req.metrics {
        let t = policy.get(name).ok_or_else(|| {
            Error::invalid_input(format!("metrics: no thresholds for resource {name:?}"))
        })?;
        if samples.len() > MAX_SAMPLES {
            return Err(Error::limit(format!(
                "metrics[{name:?}]: {} samples; at most {MAX_SAMPLES} are allowed",
                samples.len()
            )));
        }
        let Some(&value) = samples.last() else {
            return Err(Error::invalid_input(format!(
                "metrics[{name:?}]: no samples"
            )));
        };
        if let Some((i, x)) = samples
            .iter()
            .enumerate()
            .find(|(_, x)| !x.is_finite() || **x < 0.0)
        {
            return Err(Error::invalid_input(format!(
                "metrics[{name:?}][{i}]: {x} is not a finite value >= 0"
            )));
        }
        let action = trigger(samples, t);
        let p = proportional(current, value, t.mid());
        let desired_replicas = match action {
            ScaleAction::ScaleUp => p.max(current.saturating_add(1)),
            ScaleAction::ScaleDown => p.min(current.saturating_sub(1)),
            ScaleAction::Hold => current,
        };
        resources.push(ResourceDecision {
            resource: name.clone(),
            action,
            value,
            desired_replicas,
        });
    }
    let pick = |want: ScaleAction| {
        resources
            .iter()
            .filter(|r| r.action == want)
            .max_by_key(|r| r.desired_replicas)
    };
    let (wanted, driver) = if let Some(r) = pick(ScaleAction::ScaleUp) {
        (r.desired_replicas, Some(r.resource.clone()))
    } else if let Some(r) = pick(ScaleAction::ScaleDown)
        .filter(|_| resources.iter().all(|r| r.action == ScaleAction::ScaleDown))
    {
        (r.desired_replicas, Some(r.resource.clone()))
    } else {
        (current, None)
    };
    let desired_replicas = wanted.clamp(req.min_replicas, req.max_replicas);
    let limited_by = if wanted < req.min_replicas {
        Some("min_replicas".to_owned())
    } else if wanted > req.max_replicas {
        Some("max_replicas".to_owned())
    } else {
        None
    };
    let action = match desired_replicas.cmp(&current) {
        std::cmp::Ordering::Greater => ScaleAction::ScaleUp,
        std::cmp::Ordering::Less => ScaleAction::ScaleDown,
        std::cmp::Ordering::Equal => ScaleAction::Hold,
    };
    Ok(ReplicaRecommendation {
        action,
        desired_replicas,
        driver: driver.filter(|_| action != ScaleAction::Hold),
        limited_by,
        resources,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn req(current: u32, metrics: &[(&str, &[f64])]) -> ReplicaRequest {
        ReplicaRequest {
            current_replicas: current,
            min_replicas: 1,
            max_replicas: 100,
            metrics: metrics
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.to_vec()))
                .collect(),
        }
    }

    fn rec(r: &ReplicaRequest) -> ReplicaRecommendation {
        replica_recommendation(r, &ThresholdPolicy::builtin()).expect("valid request")
    }

    #[test]
    fn hovering_at_the_threshold_does_not_flap() {
        let cpu = ThresholdPolicy::builtin().get("cpu").copied().expect("cpu");
        let hover = [0.69, 0.71, 0.69, 0.71, 0.69];
        let states: Vec<_> = (1..=hover.len())
            .map(|n| trigger(&hover[..n], &cpu))
            .collect();
        // Without the band this would alternate hold / up.
        assert_eq!(states[0], ScaleAction::Hold);
        assert!(states[1..].iter().all(|s| *s == ScaleAction::ScaleUp));
        // Leaving needs a drop below 0.65.
        assert_eq!(trigger(&[0.71, 0.64], &cpu), ScaleAction::Hold);
        assert_eq!(trigger(&[0.71, 0.25], &cpu), ScaleAction::ScaleDown);
    }

    #[test]
    fn sustain_needs_consecutive_samples() {
        let t = ResourceThresholds {
            scale_up: 0.7,
            scale_down: 0.3,
            band: 0.0,
            sustain: 3,
        };
        assert_eq!(trigger(&[0.8, 0.8, 0.5, 0.8], &t), ScaleAction::Hold);
        assert_eq!(trigger(&[0.5, 0.8, 0.8, 0.8], &t), ScaleAction::ScaleUp);
        assert_eq!(trigger(&[0.1, 0.2, 0.3], &t), ScaleAction::ScaleDown);
    }

    #[test]
    fn any_resource_up_wins_and_down_needs_all() {
        let r = rec(&req(10, &[("cpu", &[0.2]), ("memory", &[0.9])]));
        assert_eq!(r.action, ScaleAction::ScaleUp);
        assert_eq!(r.driver.as_deref(), Some("memory"));
        assert_eq!(r.desired_replicas, 15); // ceil(10 * 0.9 / 0.6)
        let r = rec(&req(10, &[("cpu", &[0.2]), ("memory", &[0.5])]));
        assert_eq!((r.action, r.desired_replicas), (ScaleAction::Hold, 10));
        let r = rec(&req(10, &[("cpu", &[0.2]), ("memory", &[0.3])]));
        // cpu wants ceil(10*0.2/0.5)=4, memory ceil(10*0.3/0.6)=5: keep 5.
        assert_eq!((r.action, r.desired_replicas), (ScaleAction::ScaleDown, 5));
        assert_eq!(r.driver.as_deref(), Some("memory"));
    }

    #[test]
    fn bounds_and_bad_input() {
        let mut r = req(3, &[("requests", &[5000.0])]);
        r.max_replicas = 8;
        let out = rec(&r);
        assert_eq!(out.desired_replicas, 8);
        assert_eq!(out.limited_by.as_deref(), Some("max_replicas"));
        r.min_replicas = 9;
        let err = replica_recommendation(&r, &ThresholdPolicy::builtin()).unwrap_err();
        assert_eq!(err.code(), "invalid_config");
        for bad in [f64::NAN, -1.0, f64::INFINITY] {
            let r = req(3, &[("cpu", &[0.5, bad])]);
            let err = replica_recommendation(&r, &ThresholdPolicy::builtin()).unwrap_err();
            assert_eq!(err.code(), "invalid_input", "{bad}");
        }
        let r = req(3, &[("disk", &[0.5])]);
        let err = replica_recommendation(&r, &ThresholdPolicy::builtin()).unwrap_err();
        assert!(err.message.contains("disk"), "{err}");
        let bad = ThresholdPolicy::from_json(r#"{"cpu": {"scale_up": 0.3, "scale_down": 0.7}}"#);
        assert_eq!(bad.unwrap_err().code(), "invalid_config");
        let bad = ThresholdPolicy::from_json(
            r#"{"cpu": {"scale_up": 0.7, "scale_down": 0.3, "band": 0.2}}"#,
        );
        assert_eq!(bad.unwrap_err().code(), "invalid_config");
    }

    #[test]
    fn policy_json_round_trip() {
        let p = ThresholdPolicy::builtin();
        assert_eq!(
            ThresholdPolicy::from_json(&p.to_json()).expect("round trip"),
            p
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// More demand (every sample of every resource at least as high)
        /// never gives fewer replicas.
        #[test]
        fn more_demand_never_fewer_replicas(
            current in 0u32..50,
            cpu in proptest::collection::vec((0.0f64..1.2, 0.0f64..0.3), 1..12),
            mem in proptest::collection::vec((0.0f64..1.2, 0.0f64..0.3), 1..12),
            sustain in 1u32..4,
        ) {
            let mut policy = ThresholdPolicy::builtin();
            for t in policy.resources.values_mut() {
                t.sustain = sustain;
            }
            let low = req(current, &[
                ("cpu", &cpu.iter().map(|p| p.0).collect::<Vec<_>>()),
                ("memory", &mem.iter().map(|p| p.0).collect::<Vec<_>>()),
            ]);
            let high = req(current, &[
                ("cpu", &cpu.iter().map(|p| p.0 + p.1).collect::<Vec<_>>()),
                ("memory", &mem.iter().map(|p| p.0 + p.1).collect::<Vec<_>>()),
            ]);
            let a = replica_recommendation(&low, &policy).expect("valid");
            let b = replica_recommendation(&high, &policy).expect("valid");
            prop_assert!(b.desired_replicas >= a.desired_replicas, "{a:?} vs {b:?}");
        }
    }
}
