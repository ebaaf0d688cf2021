//! SLA timers on business calendars.
//!
//! - [`SlaPolicy`]: targets per (tier, priority, channel) for first response
//!   and resolution, each bound to a [`BusinessCalendar`](crate::calendar::BusinessCalendar),
//!   with the framework's defaults built in.
//! - [`sla_status`]: a ticket's timers at `now` from its event log (created,
//!   first_response, paused, resumed, escalated, priority_changed, resolved,
//!   reopened), as a pure function; [`sla_status_batch`] for many tickets.

mod policy;
mod timer;

pub use policy::{MAX_TARGETS, Metric, SlaPolicy, SlaTarget};
pub use timer::{
    MAX_EVENTS, MetricStatus, SlaEvent, SlaStatus, TimerState, WarningCrossing, sla_status,
    sla_status_batch,
};

#[cfg(test)]
mod tests;
