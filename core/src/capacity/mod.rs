//! Capacity planning: threshold scaling, the Kubernetes HPA replica
//! calculator, forecasts and maintenance windows.
//!
//! - [`scaling`]: threshold recommendations per resource (the framework's
//!   cpu 70/30 %, memory 80/40 %, requests 1000/200 per second) with
//!   hysteresis, [`replica_recommendation`].
//! - [`hpa`]: one reconciliation of the Kubernetes Horizontal Pod
//!   Autoscaler as a pure function, [`hpa_desired_replicas`].
//! - [`forecast()`]: a 7-day (configurable) forecast of a metric history
//!   ([`Series`]) with prediction intervals: seasonal naive (daily, weekly),
//!   Holt-Winters additive (fitted), an MSTL-style daily + weekly
//!   decomposition, or the best of them by holdout error; with the peak,
//!   threshold crossings and a proactive replica schedule.
//! - [`maintenance_windows`]: days segmented into usage regimes (KMeans),
//!   then the quietest windows of the weekly profile, ranked.

pub mod forecast;
pub mod hpa;
pub mod scaling;
mod series;
pub mod windows;

pub use forecast::{
    Crossing, Forecast, ForecastBound, ForecastParams, Method, Peak, ScalingPolicy,
    ScalingSchedule, ScalingStep, Smoothing, Validation, forecast,
};
pub use hpa::{HpaDecision, HpaRequest, hpa_desired_replicas};
pub use scaling::{
    ReplicaRecommendation, ReplicaRequest, ResourceDecision, ResourceThresholds, ScaleAction,
    ThresholdPolicy, replica_recommendation,
};
pub use series::{MAX_FORECAST_STEPS, MAX_HORIZON_DAYS, MAX_SERIES_LEN, MIN_STEP_SECS, Series};
pub use windows::{
    DailyWindow, DayOfWeek, DayRegime, MaintenanceWindow, MaintenanceWindows, Regime, RegimeLabel,
    WindowParams, maintenance_windows,
};
