//! Replaying a policy over a ticket's events: what fired, where the ticket
//! stands now, and what fires next.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::event::EscalationEvent;
use super::policy::{EscalationPolicy, StopOn};
use super::replay::Run;
use crate::classify::ClassificationTable;
use crate::error::{Error, Result};
use crate::types::{Priority, Tier};

/// Most events in one call.
pub const MAX_EVENTS: usize = 100_000;

/// Most fired escalations in one timeline.
pub const MAX_TIMELINE_ENTRIES: usize = 10_000;

/// Why an escalation fired. Serialises as a snake_case string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EscalationReason {
    /// A level's delay elapsed (first pass through the levels).
    Level,
    /// A level's delay elapsed during a repeat pass.
    Repeat,
    /// A critical ticket jumped straight to its tier's level at creation.
    CriticalImmediate,
    /// An SLA warning matched an SLA-risk rule.
    SlaWarning,
    /// Someone escalated the ticket by hand (an `escalated` event).
    Manual,
}

impl EscalationReason {
    /// The snake_case name (the serde form).
    pub const fn as_str(self) -> &'static str {
        match self {
            EscalationReason::Level => "level",
            EscalationReason::Repeat => "repeat",
            EscalationReason::CriticalImmediate => "critical_immediate",
            EscalationReason::SlaWarning => "sla_warning",
            EscalationReason::Manual => "manual",
        }
    }
}

/// An escalation that fired.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct FiredEscalation {
    /// When it fired.
    #[serde(deserialize_with = "crate::input::instant")]
    pub at: DateTime<Utc>,
    /// The level notified, if any (a manual or SLA escalation past the last
    /// level, or after the ladder ran out, notifies none).
    pub level: Option<String>,
    /// The ticket's tier once it fired (never lower than before).
    pub tier: Tier,
    /// Why it fired.
    pub reason: EscalationReason,
}

/// The next escalation that would fire after `now` if nothing changes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct PendingEscalation {
    /// When it would fire (strictly after `now`).
    #[serde(deserialize_with = "crate::input::instant")]
    pub at: DateTime<Utc>,
    /// The level it would notify.
    pub level: String,
    /// The ticket's tier once it fired.
    pub tier: Tier,
}

/// The result of [`escalation_timeline`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct EscalationTimeline {
    /// The tier of the `created` event.
    pub initial_tier: Tier,
    /// Escalations that fired at or before `now`, in time order.
    pub fired: Vec<FiredEscalation>,
    /// The ticket's tier now.
    pub current_tier: Tier,
    /// The last level notified, if any.
    pub current_level: Option<String>,
    /// The next escalation after `now`; `None` when stopped, when the
    /// levels and repeats are used up, or while the ticket is paused and the
    /// next level follows pauses (its time is known once the ticket resumes).
    pub next: Option<PendingEscalation>,
    /// Whether an acknowledgement or resolution (per the policy's `stop_on`)
    /// stopped escalation and no reopening restarted it.
    pub stopped: bool,
    /// The event that stopped escalation.
    pub stop_reason: Option<StopOn>,
}

impl EscalationTimeline {
    /// Whether the timeline moved the ticket above its initial tier.
    pub fn escalated(&self) -> bool {
        self.current_tier > self.initial_tier
    }

    /// The timeline's JSON form.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a timeline always serialises to JSON")
    }
}

/// Options of [`escalation_timeline_with`]; the default uses no
/// classification table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct TimelineOptions {
    /// Look issue types up in the built-in classification table (for
    /// `critical_immediate`).
    pub use_builtin_table: bool,
}

/// [`escalation_timeline`] with its table chosen by `options`.
///
/// # Errors
/// As [`escalation_timeline`].
pub fn escalation_timeline_with(
    policy: &EscalationPolicy,
    events: &[EscalationEvent],
    now: DateTime<Utc>,
    options: &TimelineOptions,
) -> Result<EscalationTimeline> {
    let table = options
        .use_builtin_table
        .then(|| crate::classify::default_router().table());
    escalation_timeline(policy, events, now, table)
}

/// Replays `policy` over a ticket's `events` up to `now`.
///
/// Semantics:
/// - Levels fire in order: the first at creation plus its delay, each next one
///   its delay after the previous one fired. After the last level, `repeat`
///   more passes follow; a pass's first level fires `repeat_delay` after the
///   last level (its own delay does not apply to repeats).
/// - A fired level raises the tier to the level's tier; the tier never goes
///   down. [`FiredEscalation::tier`] is the ticket's tier after firing.
/// - A *jump* to tier `T` at instant `t` notifies, at `t`, the first level of
///   the current pass not yet passed whose tier is at least `T` (else the last
///   level), raises the tier to at least `T`, and continues the levels after
///   it. Once the levels are used up a jump notifies no level.
/// - `critical_immediate`: a critical `created` event jumps at creation to the
///   tier of its issue type in `table` (an issue type the table does not list,
///   no issue type or no table: the event's own tier).
/// - `sla_warning`: the highest `escalate_to_tier` among the rules of that
///   metric with `at_percent <= percent`; jumps when above the current tier
///   and escalation is not stopped.
/// - `escalated` (manual) always counts as a fired escalation: above the
///   current tier it jumps (even when stopped, so a reopening continues
///   after it); otherwise it is recorded with the tier unchanged and no level.
/// - `acknowledged` / `resolved` stop escalation when listed in `stop_on`.
/// - `reopened` restarts a stopped policy from the level after the last one
///   notified, that level's delay counting from the reopening (the next pass's
///   `repeat_delay` if the last level was notified; the first level's delay if
///   none was). Passes already used are not given back, so the ladder is
///   finite. Reopening a ticket that is not stopped changes nothing.
/// - A level with a `calendar` counts its wait (its delay, or `repeat_delay`
///   when it starts a repeat pass) in that calendar's open time, from the
///   instant its wait starts; a wait of zero fires at that instant even when
///   the calendar is closed. A level without one counts wall-clock time.
/// - A level with `follow_pauses` counts its wait only outside `paused` ..
///   `resumed` spans; while the ticket is paused it does not fire, and a wait
///   that started during a pause (or used up exactly at the pause) fires no
///   earlier than the resumption. Other levels ignore pauses.
/// - Events apply before escalations due at the same instant (an
///   acknowledgement at the instant a level is due prevents it).
///
/// # Examples
/// ```
/// use chrono::{TimeDelta, TimeZone, Utc};
/// use opsbrain::escalation::{escalation_timeline, EscalationEvent, EscalationPolicy};
/// use opsbrain::{Priority, Tier};
/// let policy = EscalationPolicy::from_json(r#"{"levels": [
///     {"name": "user_support", "tier": 1},
///     {"name": "technical", "tier": 2, "delay_secs": 1800},
///     {"name": "sysadmin", "tier": 3, "delay_secs": 3600}]}"#)?;
/// let t0 = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
/// let events = [EscalationEvent::Created {
///     at: t0, tier: Tier::new(1)?, priority: Priority::High, issue_type: None,
/// }];
/// let tl = escalation_timeline(&policy, &events, t0 + TimeDelta::minutes(45), None)?;
/// assert_eq!(tl.fired.len(), 2);
/// assert_eq!(tl.current_tier.get(), 2);
/// assert_eq!(tl.current_level.as_deref(), Some("technical"));
/// let next = tl.next.unwrap();
/// assert_eq!((next.level.as_str(), next.at), ("sysadmin", t0 + TimeDelta::minutes(90)));
/// # Ok::<(), opsbrain::Error>(())
/// ```
///
/// # Errors
/// `invalid_input` when `events` is empty, does not start with exactly one
/// `created` event, is out of time order, has an event after `now` or an SLA
/// warning with a negative or non-finite percent (the message names the
/// index), a `paused` event while paused or a `resumed` event while not
/// paused (naming the index); `limit_exceeded` past [`MAX_EVENTS`] events,
/// [`MAX_TIMELINE_ENTRIES`] fired escalations or a level calendar that
/// leaves its delay unfinished for [`MAX_SEARCH_DAYS`](crate::calendar::MAX_SEARCH_DAYS)
/// days (naming the level's calendar); `invalid_input` when holidays leave
/// no open time for such a delay is reported the same way.
pub fn escalation_timeline(
    policy: &EscalationPolicy,
    events: &[EscalationEvent],
    now: DateTime<Utc>,
    table: Option<&ClassificationTable>,
) -> Result<EscalationTimeline> {
    check_events(events, now)?;
    let Some(EscalationEvent::Created {
        at: created,
        tier,
        priority,
        issue_type,
    }) = events.first()
    else {
        return Err(Error::invalid_input(
            "events[0]: the first event must be \"created\"",
        ));
    };
    let mut run = Run {
        policy,
        fired: Vec::new(),
        tier: *tier,
        level: None,
        last: None,
        cursor: None,
        stopped: None,
        paused: false,
    };
    run.cursor = Some(run.start(0, 0, *created));
    if policy.critical_immediate() && *priority == Priority::Critical {
        let target = table
            .zip(issue_type.as_deref())
            .and_then(|(t, ty)| t.get(ty))
            .map_or(*tier, |c| c.tier());
        run.jump(target, *created, EscalationReason::CriticalImmediate)?;
    }
    for event in &events[1..] {
        let at = event.at();
        run.fire_until(at, false)?;
        match event {
            EscalationEvent::Created { .. } => {}
            EscalationEvent::Acknowledged { .. } => {
                if policy.stops_on(StopOn::Acknowledged) && run.stopped.is_none() {
                    run.stopped = Some(StopOn::Acknowledged);
                }
            }
            EscalationEvent::Resolved { .. } => {
                if policy.stops_on(StopOn::Resolved) {
                    run.stopped = Some(StopOn::Resolved);
                }
            }
            EscalationEvent::Reopened { .. } => {
                if run.stopped.take().is_some() {
                    run.cursor = match run.last {
                        Some((pass, idx)) => run.after(pass, idx, at),
                        None => Some(run.start(0, 0, at)),
                    };
                }
            }
            EscalationEvent::Escalated { tier, .. } => {
                if *tier > run.tier {
                    run.jump(*tier, at, EscalationReason::Manual)?;
                } else {
                    run.push(at, None, EscalationReason::Manual)?;
                }
            }
            EscalationEvent::SlaWarning {
                metric, percent, ..
            } => {
                let target = policy
                    .sla_rules()
                    .iter()
                    .filter(|r| r.metric == *metric && r.at_percent <= *percent)
                    .map(|r| r.escalate_to_tier)
                    .max();
                if let Some(t) = target.filter(|t| *t > run.tier && run.stopped.is_none()) {
                    run.jump(t, at, EscalationReason::SlaWarning)?;
                }
            }
            EscalationEvent::Paused { .. } => run.pause(at)?,
            EscalationEvent::Resumed { .. } => run.resume(at),
        }
    }
    run.fire_until(now, true)?;
    let due = match run.stopped {
        None => run.due()?,
        Some(_) => None,
    };
    let next = run.cursor.zip(due).map(|(c, at)| {
        let level = &policy.levels()[c.idx];
        PendingEscalation {
            at,
            level: level.name.clone(),
            tier: run.tier.max(level.tier),
        }
    });
    Ok(EscalationTimeline {
        initial_tier: *tier,
        fired: run.fired,
        current_tier: run.tier,
        current_level: run.level,
        next,
        stopped: run.stopped.is_some(),
        stop_reason: run.stopped,
    })
}

fn check_events(events: &[EscalationEvent], now: DateTime<Utc>) -> Result<()> {
    crate::validate::check_instant(now, "now")?;
    for (i, e) in events.iter().enumerate() {
        crate::validate::check_instant(e.at(), &format!("events[{i}].at"))?;
    }
    if events.len() > MAX_EVENTS {
        return Err(Error::limit(format!(
            "events: {} events; at most {MAX_EVENTS} are allowed",
            events.len()
        )));
    }
    let Some(first) = events.first() else {
        return Err(Error::invalid_input(
            "events: at least the \"created\" event is required",
        ));
    };
    if !matches!(first, EscalationEvent::Created { .. }) {
        return Err(Error::invalid_input(format!(
            "events[0]: the first event must be \"created\", got {:?}",
            first.kind()
        )));
    }
    let mut paused_at: Option<usize> = None;
    for (i, e) in events.iter().enumerate() {
        match (e, paused_at) {
            (EscalationEvent::Paused { .. }, Some(j)) => {
                return Err(Error::invalid_input(format!(
                    "events[{i}]: \"paused\" while already paused (since events[{j}])"
                )));
            }
            (EscalationEvent::Paused { .. }, None) => paused_at = Some(i),
            (EscalationEvent::Resumed { .. }, None) => {
                return Err(Error::invalid_input(format!(
                    "events[{i}]: \"resumed\" while not paused"
                )));
            }
            (EscalationEvent::Resumed { .. }, Some(_)) => paused_at = None,
            _ => {}
        }
        if i > 0 && matches!(e, EscalationEvent::Created { .. }) {
            return Err(Error::invalid_input(format!(
                "events[{i}]: a second \"created\" event (only events[0] may be one)"
            )));
        }
        if i > 0 && e.at() < events[i - 1].at() {
            return Err(Error::invalid_input(format!(
                "events[{i}]: at {} is before events[{}] at {}; events must be in time order",
                e.at(),
                i - 1,
                events[i - 1].at()
            )));
        }
        if e.at() > now {
            return Err(Error::invalid_input(format!(
                "events[{i}]: at {} is after now ({now})",
                e.at()
            )));
        }
        if let EscalationEvent::SlaWarning { percent, .. } = e
            && (!percent.is_finite() || *percent < 0.0)
        {
            return Err(Error::invalid_input(format!(
                "events[{i}].percent: {percent} must be a finite number at least 0"
            )));
        }
    }
    Ok(())
}
