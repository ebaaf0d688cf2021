//! Capacity planning: threshold scaling, the Kubernetes HPA replica
//! calculator, forecasts and maintenance windows.
//!
//! - [`ThresholdPolicy`]: threshold recommendations per resource (the framework's
//!   cpu 70/30 %, memory 80/40 %, requests 1000/200 per second) with
//!   hysteresis, [`replica_recommendation`].
//! - [`hpa`]: one reconciliation of the Kubernetes Horizontal Pod
//!   Autoscaler as a pure function, [`hpa_desired_replicas`].
//! - [`forecast()`]: a 7-day (configurable) forecast of a metric history
//!   ([`Series`]) with prediction intervals: seasonal naive (daily, weekly),
//!   Holt-Winters additive (fitted, optionally with a damped trend), an
//!   MSTL-style daily + weekly decomposition, or a combination chosen by
//!   rolling-origin cross-validation; optional bounds; with the peak,
//!   threshold crossings, a proactive replica schedule and warnings.
//! - [`maintenance_windows`]: days segmented into usage regimes (KMeans),
//!   then the quietest windows of the weekly profile, ranked.
//!
//! ## Threshold scaling
//!
//! Threshold scaling recommendations with hysteresis.
//!
//! The framework's CapacityPlanner scales on thresholds: cpu up at 70 % and
//! down at 30 %, memory 80 / 40 %, requests per second 1000 / 200. Applied
//! naively, a metric hovering at a threshold flaps between "scale up" and
//! "hold" at every sample. Here each resource runs a Schmitt trigger over its
//! recent samples (oldest first):
//!
//! - from **hold**, the state becomes **up** when the last `sustain` samples
//!   are all `>= scale_up`, **down** when they are all `<= scale_down`;
//! - **up** is left only when a sample falls below `scale_up - band`
//!   (to down if the last `sustain` samples are all `<= scale_down`, else to
//!   hold);
//! - **down** is left only when a sample rises above `scale_down + band`
//!   (to up if the last `sustain` samples are all `>= scale_up`, else to
//!   hold).
//!
//! The state after the last sample is the resource's action. Replicas move
//! the metric towards the middle of its band, `mid = (scale_up +
//! scale_down) / 2`, assuming load spreads evenly over replicas:
//! up gives `max(current + 1, ceil(current * value / mid))`, down gives
//! `min(current - 1, ceil(current * value / mid))` (never below 0). Resources
//! are combined conservatively: any resource that wants more replicas wins
//! (the largest), the replica count goes down only when every resource says
//! down (to the largest of their counts, so no resource is pushed above its
//! mid), and otherwise it holds. The result is clamped to
//! `[min_replicas, max_replicas]`.
//!
//! The trigger is monotone in the samples, so more demand never gives fewer
//! replicas (a property test checks this).
//!
//! ## Forecasts
//!
//! Forecasts of a metric history with prediction intervals, and what
//! follows from them: the peak, threshold crossings and a proactive scaling
//! schedule.
//!
//! ### Methods
//! - [`Method::SeasonalNaiveDaily`] / [`Method::SeasonalNaiveWeekly`]: the
//!   value one day / one week earlier.
//! - [`Method::HoltWintersDaily`] / [`Method::HoltWintersWeekly`]:
//!   Holt-Winters additive (level, trend, season of a day / a week) in
//!   error-correction form, alpha, beta and gamma fitted by Nelder-Mead on
//!   the sum of squared one-step errors, initial states from the first two
//!   seasons (Hyndman & Athanasopoulos, *Forecasting: principles and
//!   practice*).
//! - [`Method::HoltWintersDampedDaily`] / [`Method::HoltWintersDampedWeekly`]:
//!   the same with a damped trend, `phi` fitted in [0.8, 0.98] with the
//!   other parameters, so that a trend flattens out over the horizon
//!   instead of running on (ETS(A,Ad,A)).
//! - [`Method::Mstl`]: daily + weekly decomposition in the spirit of MSTL
//!   (moving-average trend, per-phase medians over the last 28 days / 6
//!   weeks, two passes); the seasonally adjusted rest is forecast as an
//!   AR(1) decaying to its mean over the last week.
//! - [`Method::Auto`]: rolling-origin cross-validation. With 3 weeks of
//!   history or more, the four weeks before the end are held out one at a
//!   time (each forecast from the history before it); with less, the seven
//!   days of the last week (a history of 3 days at least). Every candidate
//!   that fits the most recent window is scored by its mean absolute error,
//!   averaged over the windows where all of them fit
//!   ([`Forecast::validation`]). The forecast is the average of the best
//!   candidate and MSTL (the runner-up when the best is MSTL or MSTL needs
//!   more history), both refitted on the whole history
//!   ([`Forecast::components`]). Averaging with a robust anchor beat
//!   picking the best alone: on the older weekly origins of two long NAB
//!   series (ambient temperature, NYC taxi; the last eight weeks of every
//!   series were kept for evaluation) mean MASE was 0.946 for the best
//!   alone, 0.906 for the best two, 0.934 for MSTL alone and 0.888 for the
//!   best with MSTL.
//!
//! ### Prediction intervals
//! From the variance `sigma^2` of each method's in-sample one-step errors,
//! scaled by horizon with the method's own formula (seasonal naive:
//! `sigma^2 (k + 1)`, `k` whole seasons ahead; Holt-Winters: the ETS(A,A,A)
//! formula of Hyndman et al. 2008; MSTL: the AR(1)'s
//! `sigma^2 (1 - phi^(2h)) / (1 - phi^2)`), with normal quantiles at `level`.
//! Under [`Method::Auto`] the intervals are empirical instead: the
//! quantile of the averaged forecast's absolute errors over the held-out
//! windows at `1 - (1 - level) * 0.4` (0.98 for a 95% interval: a few
//! windows understate the tail, and the series drifts after the last of
//! them), widened beyond the window length in proportion to the components'
//! model standard deviations.
//!
//! The mean and both bounds are clipped to `[lower, upper]`
//! ([`ForecastParams::lower`], default 0: usage is never negative;
//! [`ForecastParams::upper`], default none; 1 or 100 for a utilisation). A
//! point forecast that leaves the history's range by more than a quarter
//! of that range (before clipping) adds a `beyond_history`
//! [`ForecastWarning`].
//!
//! ### Input handling
//! - NaN marks a missing point. Runs of at most `max_gap_secs` (default 3
//!   hours) are filled (linear interpolation inside the history, the
//!   nearest value at either end) and counted in [`Forecast::filled_gaps`];
//!   a longer run is an `invalid_input` error naming its indices.
//! - A constant history forecasts that constant with zero-width intervals.
//! - Empty history, negative or infinite values, a step that is not whole
//!   seconds, shorter than 60 s or not dividing a day, and a history shorter
//!   than the method needs (the message names the needed length) are
//!   `invalid_input`; a horizon beyond 35 days or 100,000 points is
//!   `limit_exceeded`.
//!
//! ## Maintenance windows
//!
//! Maintenance windows: the quietest stretches of the weekly usage profile,
//! after days have been segmented into usage regimes.
//!
//! 1. The history (NaN gaps handled as for forecasts) is cut into complete
//!    local days (`utc_offset_secs` sets local time; `start` must fall on
//!    the step grid counted from local midnight).
//! 2. Each day becomes a profile of up to 24 bins, divided by the overall
//!    mean, and linfa-clustering's KMeans (seeded ChaCha8, 10 runs) groups
//!    the days into regimes. With `regimes` unset, 2 and 3 clusters are
//!    tried and the one with the best mean silhouette is kept, or a single
//!    regime when no silhouette reaches 0.25 (no clear structure).
//!    Regimes are numbered by mean load, busiest first, and labelled
//!    `weekend` (60% or more of their days are Saturdays or Sundays),
//!    `holiday_like` (the most common regime of no weekday: odd days such as
//!    public holidays), `weekday` (40% or less weekend days), `mixed`, or
//!    `all` when there is one regime.
//! 3. The weekly profile takes, for each weekday, the mean of that weekday's
//!    days *in its most common regime*, so a quiet holiday Monday does not
//!    pull down the Monday profile.
//! 4. Every start in the weekly profile (wrapping around Sunday to Monday)
//!    is scored by the mean load over the requested length; the lowest,
//!    non-overlapping ones are returned, ranked, with their expected (mean)
//!    and highest load and their next occurrence after the history.
//!
//! # Examples
//! ```
//! use std::collections::BTreeMap;
//! use opsbrain::capacity::{replica_recommendation, ReplicaRequest, ScaleAction, ThresholdPolicy};
//! let quiet = ReplicaRequest {
//!     current_replicas: 6, min_replicas: 2, max_replicas: 12,
//!     metrics: BTreeMap::from([("cpu".to_owned(), vec![0.12, 0.10, 0.15])]),
//! };
//! let rec = replica_recommendation(&quiet, &ThresholdPolicy::builtin())?;
//! assert_eq!(rec.action, ScaleAction::ScaleDown);
//! assert!(rec.desired_replicas < 6 && rec.desired_replicas >= 2);
//! # Ok::<(), opsbrain::Error>(())
//! ```

mod forecast;
pub mod hpa;
mod scaling;
mod series;
mod windows;

pub use forecast::{
    Crossing, Forecast, ForecastBound, ForecastParams, ForecastWarning, Method, Peak,
    ScalingPolicy, ScalingSchedule, ScalingStep, Smoothing, Validation, forecast,
};
pub use hpa::{HpaDecision, HpaRequest, hpa_desired_replicas};
pub use scaling::{
    MAX_REPLICAS, MAX_RESOURCES, MAX_SAMPLES, ReplicaRecommendation, ReplicaRequest,
    ResourceDecision, ResourceThresholds, ScaleAction, ThresholdPolicy, replica_recommendation,
};
pub use series::{
    MAX_FORECAST_STEPS, MAX_HORIZON_DAYS, MAX_SERIES_LEN, MAX_SERIES_VALUE, MIN_STEP_SECS, Series,
    SeriesOptions,
};
pub use windows::{
    DailyWindow, DayOfWeek, DayRegime, MAX_REGIMES, MAX_WINDOW_DAYS, MAX_WINDOWS,
    MaintenanceWindow, MaintenanceWindows, Regime, RegimeLabel, WindowParams, maintenance_windows,
};
