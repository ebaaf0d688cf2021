//! Escalation: time-based policies over the framework's tier ladder, and the
//! timelines they produce from a ticket's events.
//!
//! The ladder: tier 1 user support, 2 technical issues and integrations, 3
//! system administration, 4 executive escalation. An [`EscalationPolicy`]
//! names ordered levels (each a tier and a delay), how often to repeat them,
//! which events stop escalation, and the framework's rules: critical tickets
//! jump straight to their tier, and SLA warnings can escalate.
//! [`escalation_timeline`] replays a policy over a ticket's
//! [`EscalationEvent`]s up to `now` (an argument: the module reads no clock)
//! and reports what fired, the current tier and what fires next.
//! [`escalation_rate`] measures a batch against the framework's KPI
//! (below 15 %, target below 10 %).
//!
//! SLA warnings arrive as `sla_warning` events (emitted by the SLA timers);
//! this module does not depend on the SLA module.
//!
//! # Examples
//! ```
//! use chrono::{TimeDelta, TimeZone, Utc};
//! use opsbrain::classify::ClassificationTable;
//! use opsbrain::escalation::{escalation_timeline, EscalationEvent, EscalationPolicy};
//! use opsbrain::{Priority, Tier};
//! let policy = EscalationPolicy::from_json(r#"{"levels": [
//!     {"name": "user_support", "tier": 1},
//!     {"name": "technical", "tier": 2, "delay_secs": 1800},
//!     {"name": "sysadmin", "tier": 3, "delay_secs": 900},
//!     {"name": "executive", "tier": 4, "delay_secs": 1800}]}"#)?;
//! let t0 = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
//! // A critical data leak, filed at tier 1: the framework's table says tier 4.
//! let events = [EscalationEvent::Created {
//!     at: t0, tier: Tier::new(1)?, priority: Priority::Critical,
//!     issue_type: Some("data_leak".into()),
//! }];
//! let table = ClassificationTable::builtin();
//! let tl = escalation_timeline(&policy, &events, t0, Some(&table))?;
//! assert_eq!(tl.current_tier.get(), 4);
//! assert_eq!(tl.current_level.as_deref(), Some("executive"));
//! assert!(tl.next.is_none());
//! # Ok::<(), opsbrain::Error>(())
//! ```

mod config;
mod event;
mod policy;
mod rate;
mod replay;
mod timeline;

pub use event::{EscalationEvent, sla_warning_events};
pub use policy::{
    EscalationLevel, EscalationPolicy, MAX_DELAY_SECS, MAX_LEVELS, MAX_REPEAT, MAX_SLA_PERCENT,
    MAX_SLA_RULES, SlaMetric, SlaRule, StopOn,
};
pub use rate::{
    ESCALATION_RATE_TARGET, ESCALATION_RATE_THRESHOLD, EscalationRate, escalation_rate,
};
pub use timeline::{
    EscalationReason, EscalationTimeline, FiredEscalation, MAX_EVENTS, MAX_TIMELINE_ENTRIES,
    PendingEscalation, TimelineOptions, escalation_timeline, escalation_timeline_with,
};

#[cfg(test)]
mod tests;
