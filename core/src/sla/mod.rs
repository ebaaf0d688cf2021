//! SLA timers on business calendars.
//!
//! - [`SlaPolicy`]: targets per (tier, priority, channel) for first response
//!   and resolution, each bound to a [`BusinessCalendar`](crate::calendar::BusinessCalendar),
//!   with the framework's defaults built in.
//! - [`sla_status`]: a ticket's timers at `now` from its event log (created,
//!   first_response, paused, resumed, escalated, priority_changed, resolved,
//!   reopened), as a pure function; [`sla_status_batch`] for many tickets.
//!
//! # Examples
//! ```
//! use chrono::{TimeDelta, TimeZone, Utc};
//! use opsbrain::sla::{sla_status, SlaEvent, SlaPolicy, TimerState};
//! use opsbrain::{Channel, Priority, Tier};
//! let t0 = Utc.with_ymd_and_hms(2026, 12, 1, 10, 0, 0).unwrap();
//! let log = [
//!     SlaEvent::Created { at: t0, tier: Tier::new(1)?, priority: Priority::Medium, channel: Channel::Email },
//!     SlaEvent::FirstResponse { at: t0 + TimeDelta::minutes(20) },
//! ];
//! let s = sla_status(&SlaPolicy::builtin(), &log, t0 + TimeDelta::hours(1))?;
//! let fr = s.first_response.unwrap();
//! assert_eq!((fr.state, fr.elapsed_secs), (TimerState::Met, 1200));
//! # Ok::<(), opsbrain::Error>(())
//! ```

mod policy;
mod timer;

pub use policy::{MAX_TARGETS, Metric, SlaPolicy, SlaPolicyBuilder, SlaTarget};
pub use timer::{
    MAX_EVENTS, MetricStatus, SlaEvent, SlaStatus, TimerState, WarningCrossing, sla_status,
    sla_status_batch,
};

#[cfg(test)]
mod tests;
