//! Capacity planning: threshold scaling, the Kubernetes HPA replica
//! calculator, forecasts and maintenance windows.
//!
//! - [`scaling`]: threshold recommendations per resource (the framework's
//!   cpu 70/30 %, memory 80/40 %, requests 1000/200 per second) with
//!   hysteresis, [`replica_recommendation`].
//! - [`hpa`]: one reconciliation of the Kubernetes Horizontal Pod
//!   Autoscaler as a pure function, [`hpa_desired_replicas`].

pub mod hpa;
pub mod scaling;

pub use hpa::{HpaDecision, HpaRequest, hpa_desired_replicas};
pub use scaling::{
    ReplicaRecommendation, ReplicaRequest, ResourceDecision, ResourceThresholds, ScaleAction,
    ThresholdPolicy, replica_recommendation,
};
