//! The escalation rate of a set of tickets, against the framework's KPI.

use serde::{Deserialize, Serialize};

use super::timeline::EscalationTimeline;

/// The framework's escalation-rate threshold: below 15 %.
pub const ESCALATION_RATE_THRESHOLD: f64 = 0.15;

/// The framework's escalation-rate target: below 10 %.
pub const ESCALATION_RATE_TARGET: f64 = 0.10;

/// How many tickets escalated, against the framework's KPI
/// ("Escalation Rate: <15% (Target: <10%)").
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EscalationRate {
    /// Tickets counted.
    pub tickets: usize,
    /// Tickets whose timeline moved them above their initial tier.
    pub escalated: usize,
    /// `escalated / tickets`, a fraction in [0, 1]; 0 when there are no tickets.
    pub rate: f64,
    /// `rate` is below [`ESCALATION_RATE_THRESHOLD`].
    pub meets_threshold: bool,
    /// `rate` is below [`ESCALATION_RATE_TARGET`].
    pub meets_target: bool,
}

/// The escalation rate over ticket timelines: a ticket counts as escalated
/// when its current tier is above its initial tier
/// ([`EscalationTimeline::escalated`]). A level or manual escalation that
/// stays at the initial tier does not count.
///
/// # Examples
/// ```
/// use chrono::{TimeZone, Utc};
/// use opsbrain::escalation::{escalation_rate, escalation_timeline, EscalationEvent, EscalationPolicy};
/// use opsbrain::{Priority, Tier};
/// let policy = EscalationPolicy::from_json(r#"{"levels": [{"name": "l1", "tier": 1}]}"#)?;
/// let t0 = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
/// let created = EscalationEvent::Created { at: t0, tier: Tier::new(1)?, priority: Priority::Low, issue_type: None };
/// let manual = EscalationEvent::Escalated { at: t0, tier: Tier::new(2)? };
/// let calm = escalation_timeline(&policy, &[created.clone()], t0, None)?;
/// let hot = escalation_timeline(&policy, &[created, manual], t0, None)?;
/// let r = escalation_rate(&[calm.clone(), calm.clone(), calm, hot]);
/// assert_eq!((r.tickets, r.escalated, r.rate), (4, 1, 0.25));
/// assert!(!r.meets_threshold && !r.meets_target);
/// # Ok::<(), opsbrain::Error>(())
/// ```
pub fn escalation_rate(timelines: &[EscalationTimeline]) -> EscalationRate {
    let tickets = timelines.len();
    let escalated = timelines.iter().filter(|t| t.escalated()).count();
    let rate = if tickets == 0 {
        0.0
    } else {
        escalated as f64 / tickets as f64
    };
    EscalationRate {
        tickets,
        escalated,
        rate,
        meets_threshold: rate < ESCALATION_RATE_THRESHOLD,
        meets_target: rate < ESCALATION_RATE_TARGET,
    }
}
