//! `opsbrain.EscalationPolicy`, `escalation_timeline`, `escalation_rate`:
//! thin wrappers over `opsbrain::escalation`.

use opsbrain::escalation::{
    self as esc, EscalationEvent, EscalationPolicy, EscalationRate, EscalationTimeline,
};
use opsbrain::limits::MAX_BATCH_TICKETS;
use opsbrain::sla::MAX_EVENTS;
use pyo3::prelude::*;

use crate::compute::compute_py;
use crate::convert::{Data, Opt, Shape, instant, instants, opt, records};
use crate::errors::Res;
use crate::types::PyClassificationTable;
use crate::value_class;

/// Instants in escalation timelines.
const SHAPE: Shape = instants(&["at", "met_at", "breach_at"]);

value_class! {
    /// Time-based escalation over the tier ladder (levels with delays, repeats,
    /// stop conditions, critical-immediate and SLA rules).
    ///
    /// ``EscalationPolicy.from_json`` (or ``from_toml``) reads ``{"levels":
    /// [{"name", "tier", "delay_secs"?}], "repeat"?, "repeat_delay_secs"?,
    /// "stop_on"?: ["acknowledged", "resolved"], "critical_immediate"?: true,
    /// "sla_rules"?: [{"metric": "first_response", "at_percent": 75,
    /// "escalate_to_tier": 2}]}``: tiers never decrease along ``levels``,
    /// each delay counts from the ticket's creation.
    PyEscalationPolicy(EscalationPolicy) as "EscalationPolicy", toml
}

/// The escalation timeline of a ticket at `now`: what fired, the current
/// tier and level, and what fires next. `table` (a ClassificationTable)
/// gives critical issue types their tier.
#[pyfunction]
#[pyo3(signature = (policy, events, now, table = None))]
pub fn escalation_timeline<'py>(
    py: Python<'py>,
    policy: &Bound<'py, PyAny>,
    events: &Bound<'py, PyAny>,
    now: &Bound<'py, PyAny>,
    table: Opt<'_, 'py>,
) -> Res<Bound<'py, PyAny>> {
    let policy = PyEscalationPolicy::arg(policy, "policy")?;
    let table = opt(table, |t| PyClassificationTable::arg(t, "table"))?;
    let events: Vec<EscalationEvent> = records(events, "events", MAX_EVENTS, 64)?;
    let now = instant(now, "now")?;
    compute_py(py, SHAPE, || {
        esc::escalation_timeline(&policy, &events, now, table.as_ref())
    })
}

/// The escalation rate of a list of timelines (as returned by
/// `escalation_timeline`), against the framework's 15 % / 10 %.
#[pyfunction]
pub fn escalation_rate(timelines: &Bound<'_, PyAny>) -> Res<Data<EscalationRate>> {
    let t: Vec<EscalationTimeline> =
        records(timelines, "timelines", MAX_BATCH_TICKETS, MAX_EVENTS)?;
    Ok(Data(esc::escalation_rate(&t)))
}
