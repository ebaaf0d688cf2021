//! Capacity planning: threshold scaling, the Kubernetes HPA replica
//! calculator, forecasts and maintenance windows.
//!
//! - [`forecast()`]: a 7-day (configurable) forecast of a metric history
//!   ([`Series`]) with prediction intervals: seasonal naive (daily, weekly),
//!   Holt-Winters additive (fitted), an MSTL-style daily + weekly
//!   decomposition, or the best of them by holdout error; with the peak,
//!   threshold crossings and a proactive replica schedule.
//! - [`maintenance_windows`]: days segmented into usage regimes (KMeans),
//!   then the quietest windows of the weekly profile, ranked.

pub mod forecast;
mod series;
pub mod windows;

pub use forecast::{
    Crossing, Forecast, ForecastBound, ForecastParams, Method, Peak, ScalingPolicy,
    ScalingSchedule, ScalingStep, Smoothing, Validation, forecast,
};
pub use series::{MAX_FORECAST_STEPS, MAX_HORIZON_DAYS, MAX_SERIES_LEN, MIN_STEP_SECS, Series};
pub use windows::{
    DailyWindow, DayOfWeek, DayRegime, MaintenanceWindow, MaintenanceWindows, Regime, RegimeLabel,
    WindowParams, maintenance_windows,
};
