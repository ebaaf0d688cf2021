//! `opsbrain.SlaPolicy`, `sla_status`, `sla_status_batch`: thin wrappers
//! over `opsbrain::sla`.

use opsbrain::limits::MAX_BATCH_TICKETS;
use opsbrain::sla::{self, MAX_EVENTS, SlaEvent};
use pyo3::prelude::*;

use crate::compute::compute_py;
use crate::convert::{Shape, instant, instants, records, seq};
use crate::errors::Res;
use crate::types::PySlaPolicy;

/// Instants in SLA and escalation results.
pub const SHAPE: Shape = instants(&["at", "met_at", "breach_at"]);

/// A ticket's event log: event dicts, each read as it arrives.
pub fn events(obj: &Bound<'_, PyAny>, path: impl std::fmt::Display) -> Res<Vec<SlaEvent>> {
    records(obj, path, MAX_EVENTS, 64)
}

/// A ticket's SLA timers at `now` from its event log: a list of dicts like
/// ``{"type": "created", "at": datetime, "tier": 1, "priority": "high",
/// "channel": "chat"}`` (``at`` an aware datetime or an ISO string with an
/// offset). Returns a dict; instants are aware UTC datetimes.
#[pyfunction]
pub fn sla_status<'py>(
    py: Python<'py>,
    policy: &Bound<'py, PyAny>,
    events: &Bound<'py, PyAny>,
    now: &Bound<'py, PyAny>,
) -> Res<Bound<'py, PyAny>> {
    let policy = PySlaPolicy::arg(policy, "policy")?;
    let (events, now) = (self::events(events, "events")?, instant(now, "now")?);
    compute_py(py, SHAPE, || sla::sla_status(&policy, &events, now))
}

/// `sla_status` for a list of event logs, in parallel.
#[pyfunction]
pub fn sla_status_batch<'py>(
    py: Python<'py>,
    policy: &Bound<'py, PyAny>,
    tickets: &Bound<'py, PyAny>,
    now: &Bound<'py, PyAny>,
) -> Res<Bound<'py, PyAny>> {
    let policy = PySlaPolicy::arg(policy, "policy")?;
    let all = seq(tickets, "tickets", MAX_BATCH_TICKETS, |t, at| events(t, at))?;
    let now = instant(now, "now")?;
    compute_py(py, SHAPE, || sla::sla_status_batch(&policy, &all, now))
}
