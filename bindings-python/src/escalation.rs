//! `opsbrain.EscalationPolicy`, `escalation_timeline`, `escalation_rate`:
//! thin wrappers over `opsbrain::escalation`.

use opsbrain::escalation::{self as esc, EscalationEvent, EscalationPolicy, EscalationTimeline};
use opsbrain::limits::MAX_BATCH_TICKETS;
use opsbrain::sla::MAX_EVENTS;
use pyo3::prelude::*;

use crate::classify::PyClassificationTable;
use crate::compute::compute;
use crate::convert::{Opt, PLAIN, Shape, given, instance, instant, records, to_py};
use crate::errors::Res;
use crate::{json_form, value_class};

/// Registers the family.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    crate::add!(m; PyEscalationPolicy; escalation_timeline, escalation_rate)
}

/// Instants in escalation timelines.
const SHAPE: Shape = Shape::of(&["at", "met_at", "breach_at"], &[], &[]);

json_form!(core: EscalationPolicy);

value_class! {
    /// Time-based escalation over the tier ladder (levels with delays, repeats,
    /// stop conditions, critical-immediate and SLA rules).
    PyEscalationPolicy(EscalationPolicy) as "EscalationPolicy", toml
}

#[pymethods]
impl PyEscalationPolicy {
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
    table: Opt<'_, 'py>,
) -> Res<Bound<'py, PyAny>> {
    let policy = instance::<PyEscalationPolicy>(policy, "policy")?
        .get()
        .0
        .clone();
    let table = match given(table) {
        Some(t) => Some(
            instance::<PyClassificationTable>(t, "table")?
                .get()
                .0
                .clone(),
        ),
        None => None,
    };
    let events: Vec<EscalationEvent> = records(events, "events", MAX_EVENTS, 64)?;
    let now = instant(now, "now")?;
    let out = compute(py, || {
        esc::escalation_timeline(&policy, &events, now, table.as_ref())
    })?;
    to_py(py, &out, SHAPE)
}

/// The escalation rate of a list of timelines (as returned by
/// `escalation_timeline`), against the framework's 15 % / 10 %.
#[pyfunction]
fn escalation_rate<'py>(py: Python<'py>, timelines: &Bound<'py, PyAny>) -> Res<Bound<'py, PyAny>> {
    let timelines: Vec<EscalationTimeline> =
        records(timelines, "timelines", MAX_BATCH_TICKETS, MAX_EVENTS)?;
    let out = compute(py, || Ok(esc::escalation_rate(&timelines)))?;
    to_py(py, &out, PLAIN)
}
