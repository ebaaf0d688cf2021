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
/// ```
/// `issue_type` and `by` are optional. `sla_warning` events are what the SLA
/// timers emit when a target crosses a warning threshold; this module reads
/// them as plain events and does not depend on the SLA module.
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
pub enum EscalationEvent {
    /// The ticket was opened, at its own tier and priority.
    Created {
        /// When.
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
        at: DateTime<Utc>,
        /// Who, if known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        by: Option<String>,
    },
    /// The ticket was resolved.
    Resolved {
        /// When.
        at: DateTime<Utc>,
    },
    /// A resolved (or acknowledged) ticket was reopened.
    Reopened {
        /// When.
        at: DateTime<Utc>,
    },
    /// Someone escalated the ticket by hand to `tier`.
    Escalated {
        /// When.
        at: DateTime<Utc>,
        /// The tier escalated to.
        tier: Tier,
    },
    /// An SLA timer crossed a warning threshold: `percent` of the target for
    /// `metric` has been used (above 100 after the breach).
    SlaWarning {
        /// When.
        at: DateTime<Utc>,
        /// The SLA metric.
        metric: SlaMetric,
        /// Percentage of the target used.
        percent: f64,
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
        }
    }
}
