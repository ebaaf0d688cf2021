//! The ticket events an escalation timeline is computed from.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::policy::SlaMetric;
use crate::types::{Priority, Tier};

/// One event in a ticket's life, tagged by `"type"`.
///
/// JSON forms:
/// ```json
/// {"type": "created", "at": "2026-03-02T09:00:00Z", "tier": 1, "priority": "high", "issue_type": "api_errors"}
/// {"type": "acknowledged", "at": "...", "by": "alice"}
/// {"type": "resolved", "at": "..."}
/// {"type": "reopened", "at": "..."}
/// {"type": "escalated", "at": "...", "tier": 3}
/// {"type": "sla_warning", "at": "...", "metric": "first_response", "percent": 75}
/// {"type": "paused", "at": "..."}
/// {"type": "resumed", "at": "..."}
/// ```
/// `issue_type` and `by` are optional. `sla_warning` events are what the SLA
/// timers emit when a target crosses a warning threshold; this module reads
/// them as plain events and does not depend on the SLA module. `paused` and
/// `resumed` (waiting on the customer, as in the SLA events) hold back the
/// delays of levels with `follow_pauses`; they must alternate, starting with
/// `paused`.
///
/// # Examples
/// ```
/// use opsbrain::escalation::EscalationEvent;
/// let e: EscalationEvent = serde_json::from_str(
///     r#"{"type": "escalated", "at": "2026-03-02T09:30:00Z", "tier": 3}"#,
/// )?;
/// assert!(matches!(e, EscalationEvent::Escalated { .. }));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive] // new event kinds are added without a major release
pub enum EscalationEvent {
    /// The ticket was opened, at its own tier and priority.
    Created {
        /// When.
        #[serde(deserialize_with = "crate::input::instant")]
        at: DateTime<Utc>,
        /// The ticket's tier at creation.
        tier: Tier,
        /// The ticket's priority.
        priority: Priority,
        /// The issue type, looked up in the classification table if one is given.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        issue_type: Option<String>,
    },
    /// Someone acknowledged the ticket.
    Acknowledged {
        /// When.
        #[serde(deserialize_with = "crate::input::instant")]
        at: DateTime<Utc>,
        /// Who, if known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        by: Option<String>,
    },
    /// The ticket was resolved.
    Resolved {
        /// When.
        #[serde(deserialize_with = "crate::input::instant")]
        at: DateTime<Utc>,
    },
    /// A resolved (or acknowledged) ticket was reopened.
    Reopened {
        /// When.
        #[serde(deserialize_with = "crate::input::instant")]
        at: DateTime<Utc>,
    },
    /// Someone escalated the ticket by hand to `tier`.
    Escalated {
        /// When.
        #[serde(deserialize_with = "crate::input::instant")]
        at: DateTime<Utc>,
        /// The tier escalated to.
        tier: Tier,
    },
    /// An SLA timer crossed a warning threshold: `percent` of the target for
    /// `metric` has been used (above 100 after the breach).
    SlaWarning {
        /// When.
        #[serde(deserialize_with = "crate::input::instant")]
        at: DateTime<Utc>,
        /// The SLA metric.
        metric: SlaMetric,
        /// Percentage of the target used.
        percent: f64,
    },
    /// The ticket was paused (levels with `follow_pauses` stop their delays).
    ///
    /// ```
    /// use opsbrain::escalation::EscalationEvent;
    /// let e: EscalationEvent = serde_json::from_str(r#"{"type": "paused", "at": "2026-03-02T09:30:00Z"}"#)?;
    /// assert_eq!(e.kind(), "paused");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    Paused {
        /// When.
        #[serde(deserialize_with = "crate::input::instant")]
        at: DateTime<Utc>,
    },
    /// A paused ticket was resumed.
    ///
    /// ```
    /// use opsbrain::escalation::EscalationEvent;
    /// let e: EscalationEvent = serde_json::from_str(r#"{"type": "resumed", "at": "2026-03-02T10:30:00Z"}"#)?;
    /// assert_eq!(e.kind(), "resumed");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    Resumed {
        /// When.
        #[serde(deserialize_with = "crate::input::instant")]
        at: DateTime<Utc>,
    },
}

impl EscalationEvent {
    /// When the event happened.
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            EscalationEvent::Created { at, .. }
            | EscalationEvent::Acknowledged { at, .. }
            | EscalationEvent::Resolved { at }
            | EscalationEvent::Reopened { at }
            | EscalationEvent::Paused { at }
            | EscalationEvent::Resumed { at }
            | EscalationEvent::Escalated { at, .. }
            | EscalationEvent::SlaWarning { at, .. } => *at,
        }
    }

    /// The snake_case `"type"` tag.
    pub fn kind(&self) -> &'static str {
        match self {
            EscalationEvent::Created { .. } => "created",
            EscalationEvent::Acknowledged { .. } => "acknowledged",
            EscalationEvent::Resolved { .. } => "resolved",
            EscalationEvent::Reopened { .. } => "reopened",
            EscalationEvent::Escalated { .. } => "escalated",
            EscalationEvent::SlaWarning { .. } => "sla_warning",
            EscalationEvent::Paused { .. } => "paused",
            EscalationEvent::Resumed { .. } => "resumed",
        }
    }
}

/// The warnings an SLA timer crossed, as `sla_warning` events in time order,
/// ready to merge into a ticket's escalation events (so that SLA-risk rules
/// can fire).
///
/// # Examples
/// ```
/// use chrono::{TimeDelta, TimeZone, Utc};
/// use opsbrain::escalation::sla_warning_events;
/// use opsbrain::sla::{sla_status, SlaEvent, SlaPolicy};
/// use opsbrain::{Channel, Priority, Tier};
/// let t0 = Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).unwrap();
/// let log = [SlaEvent::Created { at: t0, tier: Tier::new(1)?, priority: Priority::High, channel: Channel::Chat }];
/// let status = sla_status(&SlaPolicy::builtin(), &log, t0 + TimeDelta::minutes(20))?;
/// let events = sla_warning_events(&status);
/// assert_eq!(events.len(), 4); // 50, 75, 90 and 100 % of the 15-minute first response
/// assert_eq!(events[3].at(), t0 + TimeDelta::minutes(15));
/// # Ok::<(), opsbrain::Error>(())
/// ```
pub fn sla_warning_events(status: &crate::sla::SlaStatus) -> Vec<EscalationEvent> {
    use crate::sla::Metric;
    let mut out: Vec<EscalationEvent> = [&status.first_response, &status.resolution]
        .into_iter()
        .flatten()
        .flat_map(|m| {
            let metric = match m.metric {
                Metric::FirstResponse => SlaMetric::FirstResponse,
                Metric::Resolution => SlaMetric::Resolution,
            };
            m.warnings.iter().map(move |w| EscalationEvent::SlaWarning {
                at: w.at,
                metric,
                percent: w.percent,
            })
        })
        .collect();
    out.sort_by_key(EscalationEvent::at);
    out
}
