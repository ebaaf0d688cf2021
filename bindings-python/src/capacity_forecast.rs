//! `opsbrain.capacity`: forecasts and maintenance windows, thin wrappers over
//! `opsbrain::capacity` (registered by lib.rs).

use std::borrow::Cow;

use chrono::TimeDelta;
use numpy::{AllowTypeChange, IntoPyArray, PyArrayLike1};
use opsbrain::ErrorKind;
use opsbrain::capacity::{self as core, ForecastParams, Series, WindowParams};
use pyo3::prelude::*;
use pyo3::types::{PyDate, PyDelta, PyDict, PyList};
use serde_json::Value;

use crate::calendar::instant;
use crate::convert::{json_to_py, py_to_json, type_name};
use crate::errors::{BindError, bind_error, compute};

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(forecast, m)?)?;
    m.add_function(wrap_pyfunction!(maintenance_windows, m)?)
}

/// A float64 series (other dtypes and lists are converted by numpy; a
/// contiguous float64 array is borrowed without a copy).
fn series_arg<'py>(
    obj: &Bound<'py, PyAny>,
) -> Result<PyArrayLike1<'py, f64, AllowTypeChange>, BindError> {
    obj.extract::<PyArrayLike1<'py, f64, AllowTypeChange>>()
        .map_err(|e| {
            bind_error(
                ErrorKind::InvalidType,
                format!(
                    "values must be a 1-D array of numbers, not {} ({e})",
                    type_name(obj)
                ),
            )
        })
}

fn duration(obj: &Bound<'_, PyAny>, name: &str) -> Result<TimeDelta, BindError> {
    if obj.cast::<PyDelta>().is_err() {
        return Err(bind_error(
            ErrorKind::InvalidType,
            format!(
                "{name} must be a datetime.timedelta, not {}",
                type_name(obj)
            ),
        ));
    }
    obj.extract::<TimeDelta>()
        .map_err(|e| bind_error(ErrorKind::InvalidInput, format!("{name}: {e}")))
}

fn secs(obj: Option<&Bound<'_, PyAny>>, name: &str) -> Result<Option<i64>, BindError> {
    obj.filter(|o| !o.is_none())
        .map(|o| duration(o, name).map(|d| d.num_seconds()))
        .transpose()
}

/// Keys whose values become `datetime` (instants) or `date` in results.
const INSTANTS: [&str; 5] = ["start", "at", "upper_at", "next_start", "next_end"];
/// Keys whose lists become float64 numpy arrays.
const ARRAYS: [&str; 4] = ["mean", "lower", "upper", "weekly_profile"];

/// The serde form of a result as Python data: instants as aware UTC
/// datetimes, dates as `date`, the forecast curves as numpy arrays.
fn result<'py, T: serde::Serialize>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    let v = serde_json::to_value(value).map_err(|e| PyErr::from(BindError(e.into())))?;
    convert(py, &v, None)
}

fn convert<'py>(py: Python<'py>, v: &Value, key: Option<&str>) -> PyResult<Bound<'py, PyAny>> {
    match (v, key) {
        (Value::String(s), Some(k)) if INSTANTS.contains(&k) => {
            match chrono::DateTime::parse_from_rfc3339(s) {
                Ok(t) => Ok(t.with_timezone(&chrono::Utc).into_pyobject(py)?.into_any()),
                Err(_) => json_to_py(py, v),
            }
        }
        (Value::String(s), Some("date")) => {
            match chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                Ok(d) => {
                    use chrono::Datelike;
                    Ok(PyDate::new(py, d.year(), d.month() as u8, d.day() as u8)?.into_any())
                }
                Err(_) => json_to_py(py, v),
            }
        }
        (Value::Array(a), Some(k)) if ARRAYS.contains(&k) => {
            let xs: Vec<f64> = a.iter().map(|x| x.as_f64().unwrap_or(f64::NAN)).collect();
            Ok(xs.into_pyarray(py).into_any())
        }
        (Value::Array(a), _) => {
            let items = a
                .iter()
                .map(|x| convert(py, x, None))
                .collect::<PyResult<Vec<_>>>()?;
            Ok(PyList::new(py, items)?.into_any())
        }
        (Value::Object(o), _) => {
            let d = PyDict::new(py);
            for (k, x) in o {
                d.set_item(k, convert(py, x, Some(k))?)?;
            }
            Ok(d.into_any())
        }
        _ => json_to_py(py, v),
    }
}

fn values_slice<'a>(a: &'a PyArrayLike1<'_, f64, AllowTypeChange>) -> Cow<'a, [f64]> {
    match a.as_slice() {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => Cow::Owned(a.as_array().to_vec()),
    }
}

/// Forecasts a metric history (`values[i]` observed at `start + i * step`)
/// with prediction intervals; returns a dict with `method`, `start`,
/// `step_secs`, `mean` / `lower` / `upper` (numpy arrays), `level`, `sigma`,
/// `smoothing`, `validation`, `filled_gaps`, `peak`, `crossings` (one per
/// threshold) and `schedule` (when `scaling` is given: a dict with
/// `capacity_per_replica` and optionally `target_utilization`,
/// `min_replicas`, `max_replicas`, `bound`, `lead_secs`, `cooldown_secs`).
#[pyfunction]
#[pyo3(signature = (values, *, start, step, horizon = None, method = "auto", level = 0.95, max_gap = None, thresholds = None, scaling = None))]
#[allow(clippy::too_many_arguments)]
fn forecast<'py>(
    py: Python<'py>,
    values: &Bound<'py, PyAny>,
    start: &Bound<'py, PyAny>,
    step: &Bound<'py, PyAny>,
    horizon: Option<&Bound<'py, PyAny>>,
    method: &str,
    level: f64,
    max_gap: Option<&Bound<'py, PyAny>>,
    thresholds: Option<&Bound<'py, PyAny>>,
    scaling: Option<&Bound<'py, PyAny>>,
) -> Result<Bound<'py, PyAny>, BindError> {
    let values = series_arg(values)?;
    let start = instant(start, "start")?;
    let step = duration(step, "step")?;
    let mut params = serde_json::Map::new();
    params.insert("method".into(), Value::from(method));
    params.insert("level".into(), Value::from(level));
    if let Some(h) = secs(horizon, "horizon")? {
        params.insert("horizon_secs".into(), Value::from(h));
    }
    if let Some(g) = secs(max_gap, "max_gap")? {
        params.insert("max_gap_secs".into(), Value::from(g));
    }
    if let Some(t) = thresholds.filter(|t| !t.is_none()) {
        params.insert("thresholds".into(), py_to_json(t, "thresholds")?);
    }
    if let Some(s) = scaling.filter(|s| !s.is_none()) {
        params.insert("scaling".into(), py_to_json(s, "scaling")?);
    }
    let params: ForecastParams = serde_json::from_value(Value::Object(params)).map_err(|e| {
        bind_error(
            ErrorKind::InvalidConfig,
            format!("forecast parameters: {e}"),
        )
    })?;
    let v = values_slice(&values);
    let out = compute(py, || {
        core::forecast(&Series::new(&v, start, step), &params)
    })?;
    result(py, &out).map_err(|e| bind_error(ErrorKind::InvalidInput, e.to_string()))
}

/// The quietest windows of `length` in the weekly usage profile, after
/// segmenting days into regimes with KMeans; returns a dict with `windows`
/// (ranked), `regimes`, `days`, `weekly_profile` (numpy) and `filled_gaps`.
#[pyfunction]
#[pyo3(signature = (values, *, start, step, length = None, count = 3, regimes = None, seed = 0, max_gap = None, utc_offset = None))]
#[allow(clippy::too_many_arguments)]
fn maintenance_windows<'py>(
    py: Python<'py>,
    values: &Bound<'py, PyAny>,
    start: &Bound<'py, PyAny>,
    step: &Bound<'py, PyAny>,
    length: Option<&Bound<'py, PyAny>>,
    count: usize,
    regimes: Option<usize>,
    seed: u64,
    max_gap: Option<&Bound<'py, PyAny>>,
    utc_offset: Option<&Bound<'py, PyAny>>,
) -> Result<Bound<'py, PyAny>, BindError> {
    let values = series_arg(values)?;
    let start = instant(start, "start")?;
    let step = duration(step, "step")?;
    let mut params = WindowParams {
        count,
        regimes,
        seed,
        ..WindowParams::default()
    };
    if let Some(l) = length.filter(|o| !o.is_none()) {
        params.length = duration(l, "length")?;
    }
    if let Some(g) = max_gap.filter(|o| !o.is_none()) {
        params.max_gap = duration(g, "max_gap")?;
    }
    if let Some(o) = secs(utc_offset, "utc_offset")? {
        params.utc_offset_secs = i32::try_from(o).map_err(|_| {
            bind_error(
                ErrorKind::InvalidConfig,
                "utc_offset must be within 18 hours",
            )
        })?;
    }
    let v = values_slice(&values);
    let out = compute(py, || {
        core::maintenance_windows(&Series::new(&v, start, step), &params)
    })?;
    result(py, &out).map_err(|e| bind_error(ErrorKind::InvalidInput, e.to_string()))
}
