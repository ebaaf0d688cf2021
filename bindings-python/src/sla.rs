//! `opsbrain.SlaPolicy`, `sla_status`, `sla_status_batch`: thin wrappers
//! over `opsbrain::sla`.

use opsbrain::limits::MAX_BATCH_TICKETS;
use opsbrain::sla::{self, MAX_EVENTS, SlaEvent, SlaPolicy};
use pyo3::prelude::*;

use crate::compute::compute_py;
use crate::convert::{Shape, instant, instants, records, seq};
use crate::errors::Res;
use crate::{getters, json_form, value_class};

/// Instants in SLA and escalation results.
pub const SHAPE: Shape = instants(&["at", "met_at", "breach_at"]);

json_form!(core: SlaPolicy);

value_class! {
    /// SLA targets per (tier, priority, channel) on business calendars;
    /// ``SlaPolicy()`` is the framework's built-in policy.
    ///
    /// ``SlaPolicy.from_json`` (or ``from_toml``) reads ``{"calendars":
    /// {name: calendar}, "targets": [...], "warning_percents": [50, 75, 90,
    /// 100]}``; a calendar is as ``BusinessCalendar.from_json`` reads it
    /// (``{"time_zone", "weekly": {"mon": [["09:00", "17:00"]], ...},
    /// "holidays": ["2026-12-25"], "holiday_rule"}``); a target is ``{"tier"?,
    /// "priority"?, "channel"?, "first_response_secs"?, "resolution_secs"?,
    /// "calendar"}``, and for each metric the first target matching the
    /// ticket and defining that metric wins. ``to_json()`` shows the built-in
    /// policy in this form.
    PySlaPolicy(SlaPolicy) as "SlaPolicy", new = builtin, toml
}

getters!(PySlaPolicy {} repr |v| format!("SlaPolicy({} targets)", v.targets().len()));

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
    let (policy, events, now) = (
        PySlaPolicy::arg(policy, "policy")?,
        self::events(events, "events")?,
        instant(now, "now")?,
    );
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
