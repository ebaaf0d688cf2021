//! The Kubernetes Horizontal Pod Autoscaler's replica calculation, as a
//! pure function.
//!
//! [`hpa_desired_replicas`] reproduces one reconciliation of the HPA
//! controller (`pkg/controller/podautoscaler`, `horizontal.go` and
//! `replica_calculator.go` of Kubernetes 1.34, with per-direction
//! tolerances): pods are grouped into ready, unready (pending, or for CPU
//! not ready / still in the CPU initialization period without a full
//! metric window since becoming ready), missing-metric and ignored
//! (deleting, failed); each metric proposes a replica count (resource
//! utilization and average value, pods, object and external metrics with
//! value and average-value targets), with the tolerance check, the
//! rebalancing of missing pods (their request, or the target, on a scale
//! down; 0 on a scale up) and unready pods (0 on a scale up), and the
//! re-check that the direction did not flip; the largest proposal wins;
//! then the legacy normalization (300 s downscale stabilization, scale-up
//! limit `max(2 * current, 4)`, min/max) or, with `behavior`, the
//! per-direction stabilization windows and the Pods/Percent rate limits
//! with `selectPolicy` Max/Min/Disabled.
//!
//! The controller's memory is explicit: the call takes `now`, the past
//! recommendations and scale events, and returns them updated.
//!
//! **Quantities.** CPU values (usage, requests, `average_value` targets)
//! are millicores, which are Kubernetes' milli-values as they are. Every
//! other value is given in its own unit (bytes, requests per second, queue
//! length) and converted to the milli-value Kubernetes computes with
//! (`x * 1000`, rounded up as `Quantity.MilliValue` does), so integer
//! averages and percentages truncate exactly where Kubernetes' do; averages
//! are reported back in the same unit.
//!
//! **Not modelled:** `ContainerResource` metrics, label selectors (give the
//! selected pods), readings of pods that are not in `pods` (superfluous
//! metrics), and pod-level requests; a pod with neither `start_time` nor
//! `recently_started` is taken as started long ago (Kubernetes counts a pod
//! without a start time as unready for CPU).
//!
//! # Examples
//! Two pods at 90% of their CPU request against a 60% target: the controller
//! asks for `ceil(2 * 90 / 60) = 3` replicas.
//! ```
//! use opsbrain::capacity::{hpa_desired_replicas, HpaRequest};
//! let req: HpaRequest = opsbrain::input::from_body(r#"{
//!     "current_replicas": 2, "max_replicas": 5, "now": "2026-12-01T12:00:00Z",
//!     "metrics": [{"type": "resource", "name": "cpu", "target": {"average_utilization": 60}}],
//!     "pods": [{"name": "web-1", "requests": {"cpu": 500}, "usage": {"cpu": 450}},
//!              {"name": "web-2", "requests": {"cpu": 500}, "usage": {"cpu": 450}}]}"#)?;
//! assert_eq!(hpa_desired_replicas(&req)?.desired_replicas, 3);
//! # Ok::<(), opsbrain::Error>(())
//! ```

mod calc;
mod check;
mod decide;
mod normalize;
mod types;

// The shared imports of the submodules (each reads them with `use super::*`).
use chrono::TimeDelta;

pub use types::{
    Behavior, HpaDecision, HpaRequest, MetricOutcome, MetricSpec, MetricTarget, Pod, PodPhase,
    PolicyType, ScaleEvent, ScalingPolicy, ScalingRules, SelectPolicy, TimedRecommendation,
};

use crate::error::{Error, Result};
use crate::validate::check_instant;
use calc::{Clock, Proposal, Tolerances};
use normalize::{Events, Rules};

pub use check::*;
pub use decide::*;

#[cfg(test)]
mod tests;
