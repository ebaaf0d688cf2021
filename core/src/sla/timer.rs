//! SLA timers computed from a ticket's event log.

use crate::par::*;
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::policy::{Metric, SlaPolicy};
use crate::calendar::{BusinessCalendar, Pause};
use crate::error::{Error, Result};
use crate::types::{Channel, Priority, Tier};

/// Most events in one ticket's log.
pub const MAX_EVENTS: usize = 100_000;

/// One entry of a ticket's event log. Serde form: `{"type": "created", "at":
/// "2026-11-30T09:00:00Z", "tier": 1, "priority": "high", "channel": "chat"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive] // new event kinds are added without a major release
pub enum SlaEvent {
    /// The ticket was opened (exactly once, first).
    Created {
        /// When.
        #[serde(deserialize_with = "crate::input::instant")]
        at: DateTime<Utc>,
        /// Initial tier.
        tier: Tier,
        /// Initial priority.
        priority: Priority,
        /// Channel (default email).
        #[serde(default)]
        channel: Channel,
    },
    /// The first response was sent (stops the first-response timer).
    FirstResponse {
        /// When.
        #[serde(deserialize_with = "crate::input::instant")]
        at: DateTime<Utc>,
    },
    /// Waiting on the customer: both clocks stop.
    Paused {
        /// When.
        #[serde(deserialize_with = "crate::input::instant")]
        at: DateTime<Utc>,
    },
    /// The clocks run again.
    Resumed {
        /// When.
        #[serde(deserialize_with = "crate::input::instant")]
        at: DateTime<Utc>,
    },
    /// Moved to another tier (re-targets running timers).
    Escalated {
        /// When.
        #[serde(deserialize_with = "crate::input::instant")]
        at: DateTime<Utc>,
        /// New tier.
        tier: Tier,
    },
    /// Priority changed (re-targets running timers, keeping elapsed time).
    PriorityChanged {
        /// When.
        #[serde(deserialize_with = "crate::input::instant")]
        at: DateTime<Utc>,
        /// New priority.
        priority: Priority,
    },
    /// Resolved (stops the resolution timer).
    Resolved {
        /// When.
        #[serde(deserialize_with = "crate::input::instant")]
        at: DateTime<Utc>,
    },
    /// Reopened (the resolution timer runs again from where it stopped).
    Reopened {
        /// When.
        #[serde(deserialize_with = "crate::input::instant")]
        at: DateTime<Utc>,
    },
}

impl SlaEvent {
    /// When the event happened.
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            SlaEvent::Created { at, .. }
            | SlaEvent::FirstResponse { at }
            | SlaEvent::Paused { at }
            | SlaEvent::Resumed { at }
            | SlaEvent::Escalated { at, .. }
            | SlaEvent::PriorityChanged { at, .. }
            | SlaEvent::Resolved { at }
            | SlaEvent::Reopened { at } => *at,
        }
    }
}

/// Where a timer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimerState {
    /// Counting, within target.
    Running,
    /// Stopped by a pause, within target.
    Paused,
    /// Stopped within target.
    Met,
    /// Past target (stopped late or still running).
    Breached,
}

/// A warning threshold crossed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WarningCrossing {
    /// Percent of the target.
    pub percent: f64,
    /// When it was crossed.
    #[serde(deserialize_with = "crate::input::instant")]
    pub at: DateTime<Utc>,
}

/// One metric's timer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MetricStatus {
    /// Which metric.
    pub metric: Metric,
    /// The target in effect now, seconds of business time.
    pub target_secs: i64,
    /// The calendar the current target runs on.
    pub calendar: String,
    /// Business time elapsed (kept across re-targeting).
    pub elapsed_secs: i64,
    /// `target - elapsed` (negative once breached).
    pub remaining_secs: i64,
    /// `elapsed / target * 100`.
    pub percent_used: f64,
    /// Running, paused, met or breached.
    pub state: TimerState,
    /// When the timer was stopped (first response or resolution), if it was.
    #[serde(default, deserialize_with = "crate::input::optional_instant")]
    pub met_at: Option<DateTime<Utc>>,
    /// When the target was or will be exceeded: the actual instant once
    /// breached; predicted from `now` while running (assuming no further
    /// pause); `None` while paused or once met.
    #[serde(default, deserialize_with = "crate::input::optional_instant")]
    pub breach_at: Option<DateTime<Utc>>,
    /// Warning thresholds crossed so far, in order.
    pub warnings: Vec<WarningCrossing>,
}

/// Both timers of a ticket at `now`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SlaStatus {
    /// Current tier.
    pub tier: Tier,
    /// Current priority.
    pub priority: Priority,
    /// Channel.
    pub channel: Channel,
    /// First-response timer (`None` when no target matches).
    pub first_response: Option<MetricStatus>,
    /// Resolution timer (`None` when no target matches).
    pub resolution: Option<MetricStatus>,
}

/// The event log, validated and folded.
struct Log {
    created: DateTime<Utc>,
    channel: Channel,
    /// (from, tier, priority), starting at `created`.
    epochs: Vec<(DateTime<Utc>, Tier, Priority)>,
    /// Pauses; an open pause ends at `now`.
    pauses: Vec<Pause>,
    paused_now: bool,
    first_response: Option<DateTime<Utc>>,
    /// Resolved..reopened spans; an open one ends at `now`.
    resolved: Vec<Pause>,
    resolved_now: bool,
}

fn fold(events: &[SlaEvent], now: DateTime<Utc>) -> Result<Log> {
    crate::validate::check_instant(now, "now")?;
    if events.len() > MAX_EVENTS {
        return Err(Error::limit(format!(
            "{} events; at most {MAX_EVENTS} are allowed",
            events.len()
        )));
    }
    let Some(SlaEvent::Created {
        at,
        tier,
        priority,
        channel,
    }) = events.first()
    else {
        return Err(Error::invalid_input("the first event must be \"created\""));
    };
    let mut log = Log {
        created: *at,
        channel: *channel,
        epochs: vec![(*at, *tier, *priority)],
        pauses: Vec::new(),
        paused_now: false,
        first_response: None,
        resolved: Vec::new(),
        resolved_now: false,
    };
    let (mut pause_start, mut resolved_at) = (None, None);
    for (i, e) in events.iter().enumerate() {
        let at = e.at();
        let bad = |what: &str| Error::invalid_input(format!("events[{i}] ({at}): {what}"));
        if at > now {
            return Err(bad("is after now"));
        }
        if i > 0 && at < events[i - 1].at() {
            return Err(bad(
                "is earlier than the event before it (events must be in time order)",
            ));
        }
        let (_, tier, priority) = log.epochs[log.epochs.len() - 1];
        match e {
            SlaEvent::Created { .. } if i > 0 => return Err(bad("a second \"created\"")),
            SlaEvent::Created { .. } => {}
            SlaEvent::FirstResponse { .. } => {
                if log.first_response.is_none() {
                    log.first_response = Some(at);
                }
            }
            SlaEvent::Paused { .. } => {
                if pause_start.is_some() {
                    return Err(bad("paused while already paused"));
                }
                pause_start = Some(at);
            }
            SlaEvent::Resumed { .. } => match pause_start.take() {
                Some(s) => log.pauses.push((s, at)),
                None => return Err(bad("resumed while not paused")),
            },
            SlaEvent::Escalated { tier: t, .. } => log.epochs.push((at, *t, priority)),
            SlaEvent::PriorityChanged { priority: p, .. } => log.epochs.push((at, tier, *p)),
            SlaEvent::Resolved { .. } => {
                if resolved_at.is_some() {
                    return Err(bad("resolved while already resolved"));
                }
                resolved_at = Some(at);
            }
            SlaEvent::Reopened { .. } => match resolved_at.take() {
                Some(s) => log.resolved.push((s, at)),
                None => return Err(bad("reopened while not resolved")),
            },
        }
    }
    if let Some(s) = pause_start {
        log.pauses.push((s, now));
        log.paused_now = true;
    }
    if let Some(s) = resolved_at {
        log.resolved.push((s, now));
        log.resolved_now = true;
    }
    Ok(log)
}

/// One span of constant target: from, to, target secs, calendar name, calendar.
type Epoch<'p> = (
    DateTime<Utc>,
    DateTime<Utc>,
    i64,
    &'p str,
    &'p BusinessCalendar,
);

fn metric_status(
    policy: &SlaPolicy,
    log: &Log,
    metric: Metric,
    now: DateTime<Utc>,
) -> Result<Option<MetricStatus>> {
    let (_, tier, priority) = log.epochs[log.epochs.len() - 1];
    let Some((target, cal_name, cal)) = policy.resolve(metric, tier, priority, log.channel) else {
        return Ok(None);
    };
    // When the clock stops for good (so far).
    let (stopped_at, mut pauses) = match metric {
        Metric::FirstResponse => (log.first_response, log.pauses.clone()),
        Metric::Resolution => {
            let mut p = log.pauses.clone();
            // Time while resolved does not count; a still-resolved ticket stops at resolution.
            let closed = log.resolved.len() - usize::from(log.resolved_now);
            p.extend_from_slice(&log.resolved[..closed]);
            (
                log.resolved_now
                    .then(|| log.resolved[log.resolved.len() - 1].0),
                p,
            )
        }
    };
    pauses.sort();
    let end = stopped_at.unwrap_or(now);
    let mut epochs: Vec<Epoch<'_>> = Vec::with_capacity(log.epochs.len());
    for (k, &(from, t, p)) in log.epochs.iter().enumerate() {
        let to = log.epochs.get(k + 1).map_or(end, |e| e.0).min(end);
        let (secs, name, c) = policy
            .resolve(metric, t, p, log.channel)
            .unwrap_or((target, cal_name, cal));
        epochs.push((from, to.max(from), secs, name, c));
    }
    let mut elapsed = 0i64;
    for &(from, to, _, _, c) in &epochs {
        if from < to {
            elapsed += c.elapsed(from, to, &pauses)?.num_seconds();
        }
    }
    // The current target took effect at the last change of (target, calendar).
    let since = epochs
        .iter()
        .rev()
        .take_while(|e| e.2 == target && e.3 == cal_name)
        .last()
        .map_or(log.created, |e| e.0);
    let crossing = |amount: i64| -> Result<Option<DateTime<Utc>>> {
        let mut cum = 0i64;
        for &(from, to, _, _, c) in &epochs {
            if from >= to {
                continue;
            }
            let here = c.elapsed(from, to, &pauses)?.num_seconds();
            if cum + here >= amount {
                return Ok(Some(
                    c.add(from, TimeDelta::seconds(amount - cum), &pauses)?
                        .max(since),
                ));
            }
            cum += here;
        }
        Ok(None)
    };
    let state = match stopped_at {
        Some(_) if elapsed <= target => TimerState::Met,
        Some(_) => TimerState::Breached,
        None if elapsed >= target => TimerState::Breached,
        None if log.paused_now => TimerState::Paused,
        None => TimerState::Running,
    };
    let breach_at = match state {
        TimerState::Breached => crossing(target)?,
        TimerState::Running => Some(cal.add(now, TimeDelta::seconds(target - elapsed), &[])?),
        TimerState::Paused | TimerState::Met => None,
    };
    let mut warnings = Vec::new();
    for &percent in policy.warning_percents() {
        let amount = ((percent / 100.0) * target as f64).ceil().max(1.0) as i64;
        if amount > elapsed {
            break;
        }
        if let Some(at) = crossing(amount)? {
            warnings.push(WarningCrossing { percent, at });
        }
    }
    Ok(Some(MetricStatus {
        metric,
        target_secs: target,
        calendar: cal_name.to_owned(),
        elapsed_secs: elapsed,
        remaining_secs: target - elapsed,
        percent_used: elapsed as f64 / target as f64 * 100.0,
        state,
        met_at: stopped_at,
        breach_at,
        warnings,
    }))
}

/// A ticket's SLA timers at `now`, from its event log: for each metric the
/// business time elapsed (on the calendar of the target in effect at each
/// moment; pauses and resolved spans stop the clock), the remaining time,
/// percent used, state, breach instant and the warnings crossed. A priority
/// change or escalation re-targets the running timers and keeps the time
/// already elapsed; a warning or breach caused by re-targeting is dated at
/// the re-targeting.
///
/// # Examples
/// ```
/// use chrono::{TimeZone, Utc};
/// use opsbrain::sla::{sla_status, SlaEvent, SlaPolicy, TimerState};
/// use opsbrain::{Channel, Priority, Tier};
/// let t0 = Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).unwrap();
/// let events = [SlaEvent::Created { at: t0, tier: Tier::new(1)?, priority: Priority::High, channel: Channel::Chat }];
/// let s = sla_status(&SlaPolicy::builtin(), &events, t0 + chrono::TimeDelta::minutes(12))?;
/// let fr = s.first_response.unwrap();
/// assert_eq!((fr.target_secs, fr.elapsed_secs, fr.state), (900, 720, TimerState::Running));
/// assert_eq!(fr.warnings.len(), 2); // 50% and 75% crossed
/// # Ok::<(), opsbrain::Error>(())
/// ```
///
/// # Errors
/// `invalid_input` when the log does not start with one `created`, events
/// are out of time order or after `now`, or a pause/resume or
/// resolve/reopen is out of turn (naming the event); `limit_exceeded` past
/// [`MAX_EVENTS`] or the calendars' search bound.
pub fn sla_status(
    policy: &SlaPolicy,
    events: &[SlaEvent],
    now: DateTime<Utc>,
) -> Result<SlaStatus> {
    let log = fold(events, now)?;
    let (_, tier, priority) = log.epochs[log.epochs.len() - 1];
    Ok(SlaStatus {
        tier,
        priority,
        channel: log.channel,
        first_response: metric_status(policy, &log, Metric::FirstResponse, now)?,
        resolution: metric_status(policy, &log, Metric::Resolution, now)?,
    })
}

/// [`sla_status`] for many tickets, in parallel; the output keeps the input
/// order and does not depend on the number of threads.
///
/// # Errors
/// The first bad ticket's error, prefixed with `tickets[i]`.
pub fn sla_status_batch(
    policy: &SlaPolicy,
    tickets: &[Vec<SlaEvent>],
    now: DateTime<Utc>,
) -> Result<Vec<SlaStatus>> {
    if tickets.len() > crate::limits::MAX_BATCH_TICKETS {
        return Err(Error::limit(format!(
            "{} tickets in one batch; at most {} are allowed",
            tickets.len(),
            crate::limits::MAX_BATCH_TICKETS
        )));
    }
    tickets
        .par_iter()
        .enumerate()
        .map(|(i, t)| sla_status(policy, t, now).map_err(|e| e.at(format!("tickets[{i}]"))))
        .collect()
}
