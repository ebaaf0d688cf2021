//! Input and output types of the HPA calculator (serde, snake_case).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A pod's phase (Kubernetes `PodPhase`).
///
/// # Examples
/// ```
/// use opsbrain::capacity::hpa::PodPhase;
/// let p: PodPhase = serde_json::from_str(r#""pending""#).unwrap();
/// assert_eq!(p, PodPhase::Pending);
/// assert_eq!(PodPhase::default(), PodPhase::Running);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PodPhase {
    /// Not yet running on a node: counted as unready.
    Pending,
    /// Running (the default).
    #[default]
    Running,
    /// Terminated successfully: treated like a running pod, as Kubernetes does.
    Succeeded,
    /// Terminated with failure: ignored.
    Failed,
    /// State unknown: treated like a running pod, as Kubernetes does.
    Unknown,
}

/// One pod selected by the autoscaler.
///
/// `requests` and `usage` are keyed by resource name (`"cpu"`, `"memory"`)
/// for resource metrics and by metric name for pods metrics; a metric the
/// pod has no `usage` entry for is a missing metric. CPU values are
/// millicores, other values are in their own unit (bytes, requests per
/// second); see the module docs for the milli-value conversion.
///
/// # Examples
/// ```
/// use opsbrain::capacity::hpa::{Pod, PodPhase};
/// let pod: Pod = serde_json::from_str(
///     r#"{"name": "web-1", "requests": {"cpu": 500}, "usage": {"cpu": 420}}"#,
/// ).unwrap();
/// assert_eq!((pod.phase, pod.ready, pod.deleting), (PodPhase::Running, Some(true), false));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pod {
    /// Pod name (unique).
    pub name: String,
    /// Phase (default `running`).
    #[serde(default)]
    pub phase: PodPhase,
    /// Status of the pod's Ready condition (default true); `null` means the
    /// pod has no Ready condition (unready for CPU).
    #[serde(default = "some_true")]
    pub ready: Option<bool>,
    /// Whether the pod has a deletion timestamp (ignored if so).
    #[serde(default)]
    pub deleting: bool,
    /// Whether the pod is still within the CPU initialization period. When
    /// absent it is computed from `start_time` and `now` (and is false when
    /// `start_time` is absent too).
    #[serde(default)]
    pub recently_started: Option<bool>,
    /// When the pod started.
    #[serde(deserialize_with = "crate::input::optional_instant", default)]
    pub start_time: Option<DateTime<Utc>>,
    /// When the Ready condition last changed.
    #[serde(deserialize_with = "crate::input::optional_instant", default)]
    pub ready_transition_time: Option<DateTime<Utc>>,
    /// Requests summed over the pod's containers, per resource.
    #[serde(default)]
    pub requests: std::collections::BTreeMap<String, f64>,
    /// Current usage per resource or pods-metric name.
    #[serde(default)]
    pub usage: std::collections::BTreeMap<String, f64>,
}

fn some_true() -> Option<bool> {
    Some(true)
}

/// A metric target: exactly one of the three fields.
///
/// # Examples
/// ```
/// use opsbrain::capacity::hpa::MetricTarget;
/// let t: MetricTarget = serde_json::from_str(r#"{"average_utilization": 60}"#).unwrap();
/// assert_eq!((t.average_utilization, t.value), (Some(60), None));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricTarget {
    /// Average utilization, in percent of the request (resource metrics).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub average_utilization: Option<i32>,
    /// Average value per pod.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub average_value: Option<f64>,
    /// Total value (object and external metrics).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
}

/// One metric of the autoscaler, with its current readings.
///
/// # Examples
/// ```
/// use opsbrain::capacity::hpa::MetricSpec;
/// let m: MetricSpec = serde_json::from_str(
///     r#"{"type": "external", "name": "queue_length", "target": {"average_value": 30}, "current": [120]}"#,
/// ).unwrap();
/// assert_eq!(m.name(), "queue_length");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum MetricSpec {
    /// A resource of the pods (`cpu`, `memory`): readings are the pods'
    /// `usage[name]`, requests their `requests[name]`.
    Resource {
        /// Resource name.
        name: String,
        /// `average_utilization` or `average_value`.
        target: MetricTarget,
        /// When the readings were taken (default `now`); with
        /// `window_secs`, decides whether a recently started pod's CPU
        /// sample covers a full window since it became ready.
        #[serde(deserialize_with = "crate::input::optional_instant", default)]
        timestamp: Option<DateTime<Utc>>,
        /// Length of the readings' window in seconds (default 60).
        #[serde(default)]
        window_secs: Option<i64>,
    },
    /// A custom per-pod metric: readings are the pods' `usage[name]`.
    Pods {
        /// Metric name.
        name: String,
        /// `average_value`.
        target: MetricTarget,
    },
    /// A metric of another object (an Ingress' requests per second).
    Object {
        /// Metric name.
        name: String,
        /// `value` or `average_value`.
        target: MetricTarget,
        /// The reading.
        current: f64,
    },
    /// A metric from outside the cluster (a queue length); the readings
    /// are summed.
    External {
        /// Metric name.
        name: String,
        /// `value` or `average_value`.
        target: MetricTarget,
        /// The readings (summed).
        current: Vec<f64>,
    },
}

impl MetricSpec {
    /// The metric's name.
    pub fn name(&self) -> &str {
        match self {
            MetricSpec::Resource { name, .. }
            | MetricSpec::Pods { name, .. }
            | MetricSpec::Object { name, .. }
            | MetricSpec::External { name, .. } => name,
        }
    }
}

/// How a rate-limit policy counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyType {
    /// A number of pods per period.
    Pods,
    /// A percentage of the replicas at the start of the period.
    Percent,
}

/// One rate-limit policy (`HPAScalingPolicy`).
///
/// # Examples
/// ```
/// use opsbrain::capacity::hpa::{PolicyType, ScalingPolicy};
/// let p: ScalingPolicy = serde_json::from_str(r#"{"type": "percent", "value": 50, "period_secs": 60}"#).unwrap();
/// assert_eq!(p.kind, PolicyType::Percent);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScalingPolicy {
    /// `pods` or `percent`.
    #[serde(rename = "type")]
    pub kind: PolicyType,
    /// Pods or percent (> 0).
    pub value: i32,
    /// Period in seconds (1 to 1800).
    pub period_secs: i32,
}

/// Which policy applies when several do (`selectPolicy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SelectPolicy {
    /// The policy allowing the largest change (default).
    #[default]
    Max,
    /// The policy allowing the smallest change.
    Min,
    /// No scaling in this direction.
    Disabled,
}

/// Rules of one direction (`HPAScalingRules`); absent fields take the
/// Kubernetes defaults.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ScalingRules {
    /// Stabilization window in seconds (0 to 3600). Default: 0 for scale
    /// up, the controller's downscale window (300) for scale down.
    #[serde(default)]
    pub stabilization_window_secs: Option<i32>,
    /// Default `max`.
    #[serde(default)]
    pub select_policy: Option<SelectPolicy>,
    /// Default: scale up 4 pods or 100 % per 15 s; scale down 100 % per 15 s.
    #[serde(default)]
    pub policies: Option<Vec<ScalingPolicy>>,
    /// Tolerance of this direction (default: the request's `tolerance`).
    #[serde(default)]
    pub tolerance: Option<f64>,
}

/// `spec.behavior`.
///
/// # Examples
/// ```
/// use opsbrain::capacity::hpa::{Behavior, SelectPolicy};
/// let b: Behavior = serde_json::from_str(r#"{"scale_down": {"select_policy": "disabled"}}"#).unwrap();
/// assert_eq!(b.scale_down.and_then(|r| r.select_policy), Some(SelectPolicy::Disabled));
/// assert!(b.scale_up.is_none()); // Kubernetes' defaults apply
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Behavior {
    /// Scale-up rules.
    #[serde(default)]
    pub scale_up: Option<ScalingRules>,
    /// Scale-down rules.
    #[serde(default)]
    pub scale_down: Option<ScalingRules>,
}

/// A past unstabilized recommendation (the controller's memory).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimedRecommendation {
    /// When it was made.
    #[serde(deserialize_with = "crate::input::instant")]
    pub at: DateTime<Utc>,
    /// Replicas recommended.
    pub replicas: i32,
}

/// A past scale event (replicas added, or removed, at `at`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScaleEvent {
    /// When it happened.
    #[serde(deserialize_with = "crate::input::instant")]
    pub at: DateTime<Utc>,
    /// Replicas added (scale-up list) or removed (scale-down list), > 0.
    pub change: i32,
    /// Older than the longest policy period when last stored (its slot
    /// is reused by the next event).
    #[serde(default)]
    pub outdated: bool,
}

/// Everything one reconciliation of the autoscaler looks at.
///
/// # Examples
/// ```
/// use opsbrain::capacity::{hpa_desired_replicas, HpaRequest};
/// // An external queue: 300 messages, 50 per replica wanted, 2 replicas now.
/// let req: HpaRequest = serde_json::from_str(r#"{
///     "current_replicas": 2, "max_replicas": 20, "now": "2026-01-01T00:00:00Z",
///     "metrics": [{"type": "external", "name": "queue", "target": {"average_value": 50}, "current": [300]}]
/// }"#).unwrap();
/// let d = hpa_desired_replicas(&req)?;
/// assert_eq!(d.metric_replicas, Some(6));
/// assert_eq!((d.desired_replicas, d.limited_by.as_deref()), (4, Some("ScaleUpLimit")));
/// # Ok::<(), opsbrain::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HpaRequest {
    /// The target's `spec.replicas`.
    pub current_replicas: i32,
    /// The target's `status.replicas` (default `current_replicas`), used
    /// by object and external metrics with an `average_value` target.
    #[serde(default)]
    pub status_replicas: Option<i32>,
    /// `spec.minReplicas` (default 1).
    #[serde(default)]
    pub min_replicas: Option<i32>,
    /// `spec.maxReplicas`.
    pub max_replicas: i32,
    /// `spec.metrics` with their readings.
    pub metrics: Vec<MetricSpec>,
    /// Pods matched by the target's selector.
    #[serde(default)]
    pub pods: Vec<Pod>,
    /// `spec.behavior`; absent: the legacy normalization.
    #[serde(default)]
    pub behavior: Option<Behavior>,
    /// The current time.
    #[serde(deserialize_with = "crate::input::instant")]
    pub now: DateTime<Utc>,
    /// Unstabilized recommendations of earlier reconciliations.
    #[serde(default)]
    pub recommendations: Vec<TimedRecommendation>,
    /// Earlier scale-up events (used with `behavior`).
    #[serde(default)]
    pub scale_up_events: Vec<ScaleEvent>,
    /// Earlier scale-down events (used with `behavior`).
    #[serde(default)]
    pub scale_down_events: Vec<ScaleEvent>,
    /// `--horizontal-pod-autoscaler-tolerance` (default 0.1).
    #[serde(default)]
    pub tolerance: Option<f64>,
    /// `--horizontal-pod-autoscaler-cpu-initialization-period` (default 300 s).
    #[serde(default)]
    pub cpu_initialization_period_secs: Option<i64>,
    /// `--horizontal-pod-autoscaler-initial-readiness-delay` (default 30 s).
    #[serde(default)]
    pub delay_of_initial_readiness_status_secs: Option<i64>,
    /// `--horizontal-pod-autoscaler-downscale-stabilization` (default 300 s).
    #[serde(default)]
    pub downscale_stabilization_secs: Option<i64>,
}

/// The outcome for one metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MetricOutcome {
    /// The metric's name.
    pub name: String,
    /// Its type (`resource`, `pods`, `object`, `external`).
    #[serde(rename = "type")]
    pub kind: String,
    /// Replicas it proposes (`None` when it could not be computed).
    pub replicas: Option<i32>,
    /// Current utilization in percent of the requests (resource
    /// utilization targets; integer, truncated as in Kubernetes).
    pub utilization: Option<i32>,
    /// Current average value (per pod) in the metric's unit.
    pub average_value: Option<f64>,
    /// Current total value (object and external `value` targets).
    pub value: Option<f64>,
    /// Pods counted as ready (pod-based metrics).
    pub ready_pods: Option<usize>,
    /// Unready pods (pending, or not yet ready for CPU), by name.
    pub unready_pods: Vec<String>,
    /// Pods without a reading, by name.
    pub missing_pods: Vec<String>,
    /// Deleting or failed pods, by name.
    pub ignored_pods: Vec<String>,
    /// Why it could not be computed.
    pub error: Option<String>,
}

/// The autoscaler's decision.
///
/// # Examples
/// ```
/// use opsbrain::capacity::{hpa_desired_replicas, HpaRequest};
/// let mut req: HpaRequest = serde_json::from_str(r#"{
///     "current_replicas": 4, "max_replicas": 20, "now": "2026-01-01T00:00:00Z",
///     "metrics": [{"type": "external", "name": "queue", "target": {"average_value": 50}, "current": [50]}]
/// }"#).unwrap();
/// // 50 messages need one replica, but a recommendation of 6 made two
/// // minutes ago is still inside the 300 s downscale window.
/// req.recommendations = serde_json::from_str(r#"[{"at": "2025-12-31T23:58:00Z", "replicas": 6}]"#).unwrap();
/// let d = hpa_desired_replicas(&req)?;
/// assert_eq!((d.metric_replicas, d.desired_replicas), (Some(1), 6));
/// assert_eq!(d.able_to_scale.as_deref(), Some("ScaleDownStabilized"));
/// assert_eq!(d.recommendations.len(), 2); // pass these to the next call
/// # Ok::<(), opsbrain::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct HpaDecision {
    /// Replicas to scale to (equal to `current_replicas` when not scaling).
    pub desired_replicas: i32,
    /// The target's current replicas.
    pub current_replicas: i32,
    /// Whether the target is rescaled.
    pub rescale: bool,
    /// The largest proposal over the metrics, before normalization
    /// (`None` when metrics were not consulted).
    pub metric_replicas: Option<i32>,
    /// The metric that gave it (Kubernetes' wording, e.g. `"cpu resource
    /// utilization (percentage of request)"`).
    pub metric: Option<String>,
    /// Each metric's outcome, in spec order.
    pub metrics: Vec<MetricOutcome>,
    /// Why it rescales (Kubernetes' event reason text), if it does.
    pub rescale_reason: Option<String>,
    /// ScalingActive: `"ValidMetricFound"`, or `"ScalingDisabled"` when the
    /// target has 0 replicas and `min_replicas > 0`.
    pub scaling_active: String,
    /// AbleToScale: `"ReadyForNewScale"`, `"ScaleDownStabilized"` or
    /// `"ScaleUpStabilized"` (`None` when normalization did not run).
    pub able_to_scale: Option<String>,
    /// ScalingLimited reason: `"DesiredWithinRange"`, `"ScaleUpLimit"`,
    /// `"ScaleDownLimit"`, `"TooManyReplicas"` or `"TooFewReplicas"`
    /// (`None` when normalization did not run).
    pub limited_by: Option<String>,
    /// Whether that condition changed the count.
    pub scaling_limited: bool,
    /// The recommendation history to pass to the next call.
    pub recommendations: Vec<TimedRecommendation>,
    /// The scale-up events to pass to the next call.
    pub scale_up_events: Vec<ScaleEvent>,
    /// The scale-down events to pass to the next call.
    pub scale_down_events: Vec<ScaleEvent>,
}
