//! `opsbrain.capacity` (scaling decisions): thin wrappers over
//! `opsbrain::capacity::{scaling, hpa}`. Requests and results are plain
//! dicts in the core's serde form; instants are aware `datetime`s (or RFC
//! 3339 strings) on input and aware UTC `datetime`s under `at` on output.

use opsbrain::capacity::{self as core, HpaRequest, ReplicaRequest, ThresholdPolicy};
use pyo3::prelude::*;

use crate::convert::{from_py, to_py_with_instants};
use crate::errors::{BindError, bind_error, compute};

fn to_py_err(e: PyErr) -> BindError {
    bind_error(opsbrain::ErrorKind::InvalidInput, e.to_string())
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(replica_recommendation, m)?)?;
    m.add_function(wrap_pyfunction!(hpa_desired_replicas, m)?)?;
    Ok(())
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
fn replica_recommendation<'py>(
    py: Python<'py>,
    request: &Bound<'py, PyAny>,
    policy: Option<&Bound<'py, PyAny>>,
) -> Result<Bound<'py, PyAny>, BindError> {
    let req: ReplicaRequest = from_py(request, "request")?;
    let policy = match policy.filter(|p| !p.is_none()) {
        Some(p) => {
            let raw: std::collections::BTreeMap<String, core::ResourceThresholds> =
                from_py(p, "policy")?;
            ThresholdPolicy::try_from(raw)?
        }
        None => ThresholdPolicy::builtin(),
    };
    let rec = compute(py, || core::replica_recommendation(&req, &policy))?;
    to_py_with_instants(py, &rec).map_err(to_py_err)
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
fn hpa_desired_replicas<'py>(
    py: Python<'py>,
    request: &Bound<'py, PyAny>,
) -> Result<Bound<'py, PyAny>, BindError> {
    let req: HpaRequest = from_py(request, "request")?;
    let decision = compute(py, || core::hpa_desired_replicas(&req))?;
    to_py_with_instants(py, &decision).map_err(to_py_err)
}
