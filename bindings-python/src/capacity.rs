//! `opsbrain.capacity`: threshold scaling, the HPA calculator, forecasts and
//! maintenance windows; thin wrappers over `opsbrain::capacity`. Requests
//! and options are read into the core's serde types (defaults and checks
//! are the core's); series are float64 columns.

use opsbrain::capacity::MAX_SAMPLES;
use opsbrain::capacity::hpa::{MAX_HISTORY, MAX_PODS};
use opsbrain::capacity::{
    self as core, HpaRequest, MAX_SERIES_LEN, ReplicaRequest, Series, SeriesOptions,
    ThresholdPolicy,
};
use pyo3::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::compute::compute_py;
use crate::convert::{Opt, Shape, arg, column, fields_value, given, instants, value};
use crate::errors::Res;

/// Instants in scaling decisions.
const DECISIONS: Shape = instants(&["at"]);

/// Forecast and window results: instants, dates and numpy curves.
const SERIES: Shape = Shape(
    &["start", "at", "upper_at", "next_start", "next_end"],
    &["date"],
    &["mean", "lower", "upper", "weekly_profile"],
);

/// `forecast` and `maintenance_windows`: the values column and the
/// options (series start and step included) the core reads.
fn on_series<'py, P: DeserializeOwned + Sync, T: Send + Serialize>(
    py: Python<'py>,
    values: &Bound<'py, PyAny>,
    fields: &[(&str, Opt<'_, 'py>)],
    max: usize,
    run: impl FnOnce(&Series<'_>, &P) -> opsbrain::Result<T> + Send,
) -> Res<Bound<'py, PyAny>> {
    let values = column::<f64>(values, "values", MAX_SERIES_LEN)?;
    let o = SeriesOptions::<P>::from_value(&fields_value(fields, max)?, "")?;
    let v = values.values();
    compute_py(py, SERIES, || {
        run(&Series::new(&v, o.start, o.step), &o.params)
    })
}

/// Threshold scaling recommendation with hysteresis.
///
/// ``request``: ``current_replicas``, ``max_replicas``, optional
/// ``min_replicas`` (1) and ``metrics`` (resource name -> samples, oldest
/// first). ``policy``: resource name -> ``{scale_up, scale_down, band?,
/// sustain?}``; default the framework's cpu/memory/requests thresholds.
/// Returns ``{action, desired_replicas, driver, limited_by, resources}``.
#[pyfunction]
#[pyo3(signature = (request, policy = None))]
pub fn replica_recommendation<'py>(
    py: Python<'py>,
    request: &Bound<'py, PyAny>,
    policy: Opt<'_, 'py>,
) -> Res<Bound<'py, PyAny>> {
    let req: ReplicaRequest = arg(request, "request", MAX_SAMPLES)?;
    let policy = given(policy).map_or(Ok(serde_json::Value::Null), |p| value(p, "policy", 64))?;
    let policy = ThresholdPolicy::from_value(&policy, "policy")?;
    compute_py(py, DECISIONS, || {
        core::replica_recommendation(&req, &policy)
    })
}

/// One reconciliation of the Kubernetes Horizontal Pod Autoscaler.
///
/// ``request`` holds ``current_replicas``, ``max_replicas``, ``metrics``,
/// ``pods``, ``now`` and optionally ``min_replicas``, ``behavior``,
/// ``recommendations``, ``scale_up_events``, ``scale_down_events``,
/// ``tolerance`` and the controller's durations. Returns the decision:
/// ``desired_replicas``, per-metric outcomes (utilization, pod groups),
/// the conditions that limited it, and the updated history to pass to the
/// next call.
#[pyfunction]
pub fn hpa_desired_replicas<'py>(
    py: Python<'py>,
    request: &Bound<'py, PyAny>,
) -> Res<Bound<'py, PyAny>> {
    let req: HpaRequest = arg(request, "request", MAX_PODS.max(MAX_HISTORY))?;
    compute_py(py, DECISIONS, || core::hpa_desired_replicas(&req))
}

/// Forecasts a metric history (`values[i]` observed at `start + i * step`)
/// with prediction intervals; returns a dict with `method`, `start`,
/// `step_secs`, `mean` / `lower` / `upper` (numpy arrays), `level`, `sigma`,
/// `smoothing`, `validation`, `components`, `warnings`, `filled_gaps`,
/// `peak`, `crossings` (one per threshold) and `schedule` (when `scaling` is
/// given: a dict with `capacity_per_replica` and optionally
/// `target_utilization`, `min_replicas`, `max_replicas`, `bound`,
/// `lead_secs`, `cooldown_secs`). `lower` (default 0) and `upper` bound the
/// mean and the intervals.
#[pyfunction]
#[pyo3(signature = (values, *, start, step, horizon = None, method = None, level = None, max_gap = None, thresholds = None, scaling = None, lower = None, upper = None))]
pub fn forecast<'py>(
    py: Python<'py>,
    values: &Bound<'py, PyAny>,
    start: &Bound<'py, PyAny>,
    step: &Bound<'py, PyAny>,
    horizon: Opt<'_, 'py>,
    method: Opt<'_, 'py>,
    level: Opt<'_, 'py>,
    max_gap: Opt<'_, 'py>,
    thresholds: Opt<'_, 'py>,
    scaling: Opt<'_, 'py>,
    lower: Opt<'_, 'py>,
    upper: Opt<'_, 'py>,
) -> Res<Bound<'py, PyAny>> {
    let fields = [
        ("start", Some(start)),
        ("step_secs", Some(step)),
        ("method", method),
        ("level", level),
        ("horizon_secs", horizon),
        ("max_gap_secs", max_gap),
        ("thresholds", thresholds),
        ("scaling", scaling),
        ("lower", lower),
        ("upper", upper),
    ];
    on_series(py, values, &fields, MAX_SERIES_LEN, core::forecast)
}

/// The quietest windows of `length` in the weekly usage profile, after
/// segmenting days into regimes with KMeans; returns a dict with `windows`
/// (ranked), `regimes`, `days`, `weekly_profile` (numpy) and `filled_gaps`.
#[pyfunction]
#[pyo3(signature = (values, *, start, step, length = None, count = None, regimes = None, seed = None, max_gap = None, utc_offset = None))]
pub fn maintenance_windows<'py>(
    py: Python<'py>,
    values: &Bound<'py, PyAny>,
    start: &Bound<'py, PyAny>,
    step: &Bound<'py, PyAny>,
    length: Opt<'_, 'py>,
    count: Opt<'_, 'py>,
    regimes: Opt<'_, 'py>,
    seed: Opt<'_, 'py>,
    max_gap: Opt<'_, 'py>,
    utc_offset: Opt<'_, 'py>,
) -> Res<Bound<'py, PyAny>> {
    let fields = [
        ("start", Some(start)),
        ("step_secs", Some(step)),
        ("length_secs", length),
        ("count", count),
        ("regimes", regimes),
        ("seed", seed),
        ("max_gap_secs", max_gap),
        ("utc_offset_secs", utc_offset),
    ];
    on_series(py, values, &fields, 64, core::maintenance_windows)
}
