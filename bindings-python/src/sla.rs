//! `opsbrain.SlaPolicy`, `sla_status`, `EscalationPolicy`,
//! `escalation_timeline`: thin wrappers over `opsbrain::sla` and
//! `opsbrain::escalation`.

use opsbrain::ErrorKind;
use opsbrain::escalation::{self as esc, EscalationEvent, EscalationPolicy, EscalationTimeline};
use opsbrain::sla::{self, SlaEvent, SlaPolicy};
use pyo3::prelude::*;

use crate::calendar::instant;
use crate::classify::PyClassificationTable;
use crate::convert::{from_py, instance, str_arg, to_py_dict, to_py_with_instants};
use crate::errors::{BindError, bind_error, compute};

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PySlaPolicy>()?;
    m.add_class::<PyEscalationPolicy>()?;
    m.add_function(wrap_pyfunction!(sla_status, m)?)?;
    m.add_function(wrap_pyfunction!(sla_status_batch, m)?)?;
    m.add_function(wrap_pyfunction!(escalation_timeline, m)?)?;
    m.add_function(wrap_pyfunction!(escalation_rate, m)?)?;
    Ok(())
}

fn py_err(e: PyErr) -> BindError {
    bind_error(ErrorKind::InvalidInput, e.to_string())
}

/// SLA targets per (tier, priority, channel) on business calendars;
/// ``SlaPolicy()`` is the framework's built-in policy.
#[pyclass(name = "SlaPolicy", module = "opsbrain._native", frozen, eq)]
#[derive(Debug, Clone, PartialEq)]
pub struct PySlaPolicy(SlaPolicy);

#[pymethods]
impl PySlaPolicy {
    #[new]
    fn new() -> Self {
        PySlaPolicy(SlaPolicy::builtin())
    }
    /// The framework's policy.
    #[staticmethod]
    fn builtin() -> Self {
        Self::new()
    }
    /// Parses and validates a JSON policy.
    #[staticmethod]
    fn from_json(text: &Bound<'_, PyAny>) -> Result<Self, BindError> {
        Ok(PySlaPolicy(SlaPolicy::from_json(&str_arg(text, "text")?)?))
    }
    /// Parses and validates a TOML policy.
    #[staticmethod]
    fn from_toml(text: &Bound<'_, PyAny>) -> Result<Self, BindError> {
        Ok(PySlaPolicy(SlaPolicy::from_toml(&str_arg(text, "text")?)?))
    }
    /// The policy as JSON.
    fn to_json(&self) -> String {
        self.0.to_json()
    }
    /// The policy as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_dict(py, &self.0)
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((
            slf.get_type().getattr("from_json")?,
            (slf.get().0.to_json(),),
        ))
    }
    fn __repr__(&self) -> String {
        format!("SlaPolicy({} targets)", self.0.targets().len())
    }
}

fn sla_policy(obj: &Bound<'_, PyAny>) -> Result<SlaPolicy, BindError> {
    Ok(instance::<PySlaPolicy>(obj, "policy")?.get().0.clone())
}

fn events<T: serde::de::DeserializeOwned>(
    obj: &Bound<'_, PyAny>,
    what: &str,
) -> Result<Vec<T>, BindError> {
    let list = obj.try_iter().map_err(|_| {
        bind_error(
            ErrorKind::InvalidType,
            format!("{what} must be a list of event dicts"),
        )
    })?;
    let mut out = Vec::new();
    for (i, item) in list.enumerate() {
        if i >= sla::MAX_EVENTS {
            return Err(bind_error(
                ErrorKind::LimitExceeded,
                format!("more than {} {what}", sla::MAX_EVENTS),
            ));
        }
        out.push(from_py(&item.map_err(py_err)?, &format!("{what}[{i}]"))?);
    }
    Ok(out)
}

/// A ticket's SLA timers at `now` from its event log: a list of dicts like
/// ``{"type": "created", "at": datetime, "tier": 1, "priority": "high",
/// "channel": "chat"}`` (``at`` an aware datetime or an ISO string with an
/// offset). Returns a dict; instants are aware UTC datetimes.
#[pyfunction]
fn sla_status<'py>(
    py: Python<'py>,
    policy: &Bound<'py, PyAny>,
    events: &Bound<'py, PyAny>,
    now: &Bound<'py, PyAny>,
) -> Result<Bound<'py, PyAny>, BindError> {
    let (policy, events, now) = (
        sla_policy(policy)?,
        self::events::<SlaEvent>(events, "events")?,
        instant(now, "now")?,
    );
    let out = compute(py, || sla::sla_status(&policy, &events, now))?;
    to_py_with_instants(py, &out).map_err(py_err)
}

/// `sla_status` for a list of event logs, in parallel.
#[pyfunction]
fn sla_status_batch<'py>(
    py: Python<'py>,
    policy: &Bound<'py, PyAny>,
    tickets: &Bound<'py, PyAny>,
    now: &Bound<'py, PyAny>,
) -> Result<Bound<'py, PyAny>, BindError> {
    let policy = sla_policy(policy)?;
    let iter = tickets.try_iter().map_err(|_| {
        bind_error(
            ErrorKind::InvalidType,
            "tickets must be a list of event lists",
        )
    })?;
    let mut all = Vec::new();
    for (i, t) in iter.enumerate() {
        all.push(events::<SlaEvent>(
            &t.map_err(py_err)?,
            &format!("tickets[{i}]"),
        )?);
    }
    let now = instant(now, "now")?;
    let out = compute(py, || sla::sla_status_batch(&policy, &all, now))?;
    to_py_with_instants(py, &out).map_err(py_err)
}

/// Time-based escalation over the tier ladder (levels with delays, repeats,
/// stop conditions, critical-immediate and SLA rules).
#[pyclass(name = "EscalationPolicy", module = "opsbrain._native", frozen, eq)]
#[derive(Debug, Clone, PartialEq)]
pub struct PyEscalationPolicy(EscalationPolicy);

#[pymethods]
impl PyEscalationPolicy {
    /// Parses and validates a JSON policy.
    #[staticmethod]
    fn from_json(text: &Bound<'_, PyAny>) -> Result<Self, BindError> {
        Ok(PyEscalationPolicy(EscalationPolicy::from_json(&str_arg(
            text, "text",
        )?)?))
    }
    /// Parses and validates a TOML policy.
    #[staticmethod]
    fn from_toml(text: &Bound<'_, PyAny>) -> Result<Self, BindError> {
        Ok(PyEscalationPolicy(EscalationPolicy::from_toml(&str_arg(
            text, "text",
        )?)?))
    }
    /// The policy as JSON.
    fn to_json(&self) -> String {
        self.0.to_json()
    }
    /// The policy as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_dict(py, &self.0)
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((
            slf.get_type().getattr("from_json")?,
            (slf.get().0.to_json(),),
        ))
    }
    fn __repr__(&self) -> String {
        format!("EscalationPolicy.from_json('{}')", self.0.to_json())
    }
}

/// The escalation timeline of a ticket at `now`: what fired, the current
/// tier and level, and what fires next. `table` (a ClassificationTable)
/// gives critical issue types their tier.
#[pyfunction]
#[pyo3(signature = (policy, events, now, table = None))]
fn escalation_timeline<'py>(
    py: Python<'py>,
    policy: &Bound<'py, PyAny>,
    events: &Bound<'py, PyAny>,
    now: &Bound<'py, PyAny>,
    table: Option<&Bound<'py, PyAny>>,
) -> Result<Bound<'py, PyAny>, BindError> {
    let policy = instance::<PyEscalationPolicy>(policy, "policy")?
        .get()
        .0
        .clone();
    let table = match table.filter(|t| !t.is_none()) {
        Some(t) => Some(
            instance::<PyClassificationTable>(t, "table")?
                .get()
                .0
                .clone(),
        ),
        None => None,
    };
    let events = self::events::<EscalationEvent>(events, "events")?;
    let now = instant(now, "now")?;
    let out = compute(py, || {
        esc::escalation_timeline(&policy, &events, now, table.as_ref())
    })?;
    to_py_with_instants(py, &out).map_err(py_err)
}

/// The escalation rate of a list of timelines (as returned by
/// `escalation_timeline`), against the framework's 15 % / 10 %.
#[pyfunction]
fn escalation_rate<'py>(
    py: Python<'py>,
    timelines: &Bound<'py, PyAny>,
) -> Result<Bound<'py, PyAny>, BindError> {
    let timelines: Vec<EscalationTimeline> = events(timelines, "timelines")?;
    to_py_dict(py, &esc::escalation_rate(&timelines)).map_err(py_err)
}
