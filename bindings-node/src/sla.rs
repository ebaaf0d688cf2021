//! `opsbrain::sla` and `opsbrain::escalation` for Node: the `SlaPolicy` and
//! `EscalationPolicy` classes and the functions `slaStatus`,
//! `slaStatusBatch`, `escalationTimeline` and `escalationRate`.
//!
//! Events are plain objects in camelCase (`{type: 'created', at, tier,
//! priority, channel?}`), instants `Date`s or ISO-8601 strings with an
//! offset. Results are the core results' serde form with camelCase keys and
//! instants (`at`, `metAt`, `breachAt`) as `Date`s. Conversions are in
//! `crate::convert::sla`; errors go through `crate::errors`.

use napi::Env;
use napi::bindgen_prelude::{ClassInstance, Either, Unknown};
use napi_derive::napi;
use opsbrain::classify::ClassificationTable;
use opsbrain::escalation::{self as esc, EscalationEvent};
use opsbrain::sla::{self as core, SlaEvent};
use opsbrain::{Error, ErrorKind};

use crate::classify::{Channel, Priority};
use crate::convert::calendar::instant;
use crate::convert::sla as conv;
use crate::convert::{self, StrArg};
use crate::errors::{self, run};

// ---------------------------------------------------------------- TS types
//
// The structs below declare TypeScript interfaces only: events are read and
// results written by `convert::sla` through serde.

/// `created`: the ticket was opened (exactly once, first).
#[napi(object, object_from_js = false, object_to_js = false)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct SlaCreatedEvent {
    #[napi(js_name = "type", ts_type = "'created'")]
    pub kind: String,
    #[napi(ts_type = "Date | string")]
    pub at: String,
    /// Initial tier, 1 to 4.
    pub tier: u32,
    /// Initial priority.
    pub priority: Priority,
    /// Channel (default `'email'`).
    pub channel: Option<Channel>,
}

/// An event with only an instant: `first_response` stops the first-response
/// timer, `paused`/`resumed` stop and restart both clocks, `resolved` stops
/// the resolution timer and `reopened` restarts it.
#[napi(object, object_from_js = false, object_to_js = false)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct SlaInstantEvent {
    #[napi(
        js_name = "type",
        ts_type = "'first_response' | 'paused' | 'resumed' | 'resolved' | 'reopened'"
    )]
    pub kind: String,
    #[napi(ts_type = "Date | string")]
    pub at: String,
}

/// `escalated`: the ticket moved to another tier.
#[napi(object, object_from_js = false, object_to_js = false)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct EscalatedEvent {
    #[napi(js_name = "type", ts_type = "'escalated'")]
    pub kind: String,
    #[napi(ts_type = "Date | string")]
    pub at: String,
    /// New tier.
    pub tier: u32,
}

/// `priority_changed`: re-targets running SLA timers, keeping elapsed time.
#[napi(object, object_from_js = false, object_to_js = false)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct PriorityChangedEvent {
    #[napi(js_name = "type", ts_type = "'priority_changed'")]
    pub kind: String,
    #[napi(ts_type = "Date | string")]
    pub at: String,
    /// New priority.
    pub priority: Priority,
}

/// `created` for an escalation timeline.
#[napi(object, object_from_js = false, object_to_js = false)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct EscalationCreatedEvent {
    #[napi(js_name = "type", ts_type = "'created'")]
    pub kind: String,
    #[napi(ts_type = "Date | string")]
    pub at: String,
    /// Initial tier, 1 to 4.
    pub tier: u32,
    /// Initial priority.
    pub priority: Priority,
    /// Issue type, for `critical_immediate` with a classification table.
    pub issue_type: Option<String>,
}

/// `acknowledged`: someone took the ticket.
#[napi(object, object_from_js = false, object_to_js = false)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct AcknowledgedEvent {
    #[napi(js_name = "type", ts_type = "'acknowledged'")]
    pub kind: String,
    #[napi(ts_type = "Date | string")]
    pub at: String,
    /// Who.
    pub by: Option<String>,
}

/// `resolved` / `reopened` for an escalation timeline.
#[napi(object, object_from_js = false, object_to_js = false)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct LifecycleEvent {
    #[napi(js_name = "type", ts_type = "'resolved' | 'reopened'")]
    pub kind: String,
    #[napi(ts_type = "Date | string")]
    pub at: String,
}

/// `sla_warning`: an SLA timer crossed `percent` of its target.
#[napi(object, object_from_js = false, object_to_js = false)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct SlaWarningEvent {
    #[napi(js_name = "type", ts_type = "'sla_warning'")]
    pub kind: String,
    #[napi(ts_type = "Date | string")]
    pub at: String,
    #[napi(ts_type = "'first_response' | 'resolution'")]
    pub metric: String,
    /// Percent of the target.
    pub percent: f64,
}

/// A warning threshold crossed.
#[napi(object, object_from_js = false, object_to_js = false)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct WarningCrossing {
    /// Percent of the target.
    pub percent: f64,
    /// When it was crossed.
    #[napi(ts_type = "Date")]
    pub at: String,
}

/// One SLA timer.
#[napi(object, object_from_js = false, object_to_js = false)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct MetricStatus {
    #[napi(ts_type = "'first_response' | 'resolution'")]
    pub metric: String,
    /// The target in effect now, seconds of business time.
    pub target_secs: f64,
    /// The calendar the current target runs on.
    pub calendar: String,
    /// Business time elapsed, seconds.
    pub elapsed_secs: f64,
    /// `targetSecs - elapsedSecs` (negative once breached).
    pub remaining_secs: f64,
    /// `elapsedSecs / targetSecs * 100`.
    pub percent_used: f64,
    #[napi(ts_type = "'running' | 'paused' | 'met' | 'breached'")]
    pub state: String,
    /// When the timer was stopped, if it was.
    #[napi(ts_type = "Date | null")]
    pub met_at: String,
    /// When the target was or will be exceeded; `null` while paused or once met.
    #[napi(ts_type = "Date | null")]
    pub breach_at: String,
    /// Warning thresholds crossed so far, in order.
    #[napi(ts_type = "Array<WarningCrossing>")]
    pub warnings: String,
}

/// Both SLA timers of a ticket at `now`.
#[napi(object, object_from_js = false, object_to_js = false)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct SlaStatus {
    /// Current tier.
    pub tier: u32,
    /// Current priority.
    pub priority: Priority,
    /// Channel.
    pub channel: Channel,
    /// `null` when no target matches.
    #[napi(ts_type = "MetricStatus | null")]
    pub first_response: String,
    /// `null` when no target matches.
    #[napi(ts_type = "MetricStatus | null")]
    pub resolution: String,
}

/// An escalation that fired.
#[napi(object, object_from_js = false, object_to_js = false)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct FiredEscalation {
    #[napi(ts_type = "Date")]
    pub at: String,
    /// The level notified, if any.
    #[napi(ts_type = "string | null")]
    pub level: String,
    /// The tier once it fired.
    pub tier: u32,
    #[napi(ts_type = "'level' | 'repeat' | 'critical_immediate' | 'sla_warning' | 'manual'")]
    pub reason: String,
}

/// The next escalation after `now` if nothing changes.
#[napi(object, object_from_js = false, object_to_js = false)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct PendingEscalation {
    #[napi(ts_type = "Date")]
    pub at: String,
    pub level: String,
    pub tier: u32,
}

/// A ticket's escalation timeline at `now`.
#[napi(object, object_from_js = false, object_to_js = false)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct EscalationTimeline {
    pub initial_tier: u32,
    /// Escalations fired at or before `now`, in time order.
    #[napi(ts_type = "Array<FiredEscalation>")]
    pub fired: String,
    pub current_tier: u32,
    #[napi(ts_type = "string | null")]
    pub current_level: String,
    /// `null` when stopped or when the levels and repeats are used up.
    #[napi(ts_type = "PendingEscalation | null")]
    pub next: String,
    pub stopped: bool,
    #[napi(ts_type = "'acknowledged' | 'resolved' | null")]
    pub stop_reason: String,
}

/// The escalation rate against the KPI (<15 %, target <10 %).
#[napi(object, object_from_js = false, object_to_js = false)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct EscalationRate {
    pub tickets: u32,
    pub escalated: u32,
    /// `escalated / tickets`, in [0, 1].
    pub rate: f64,
    pub meets_threshold: bool,
    pub meets_target: bool,
}

/// Options of `escalationTimeline`.
#[napi(object, object_from_js = false, object_to_js = false)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct EscalationTimelineOptions {
    /// Use the built-in classification table (for `critical_immediate` by
    /// issue type).
    pub use_builtin_table: Option<bool>,
}

// ---------------------------------------------------------------- classes

/// SLA targets per (tier, priority, channel) for first response and
/// resolution, each on a business calendar. `new SlaPolicy()` is the
/// built-in policy.
///
/// @example
/// ```js
/// const { SlaPolicy, slaStatus } = require('opsbrain')
/// const s = slaStatus(new SlaPolicy(), [
///   { type: 'created', at: '2026-11-30T09:00:00Z', tier: 1, priority: 'high', channel: 'chat' },
/// ], '2026-11-30T09:12:00Z')
/// s.firstResponse.state // 'running'
/// ```
#[napi]
#[derive(Debug, Clone)]
pub struct SlaPolicy {
    inner: core::SlaPolicy,
}

#[napi]
impl SlaPolicy {
    /// The built-in policy.
    #[napi(constructor)]
    pub fn new() -> Self {
        Self::builtin()
    }

    /// The framework's built-in policy.
    #[napi(factory)]
    pub fn builtin() -> Self {
        SlaPolicy {
            inner: core::SlaPolicy::builtin(),
        }
    }

    /// Parses and validates a JSON policy. Throws `.code` `'parse_error'`
    /// or `'invalid_config'`.
    #[napi(factory, ts_args_type = "text: string")]
    pub fn from_json(text: StrArg<'_>) -> errors::Result<Self> {
        run(|| {
            core::SlaPolicy::from_json(&convert::string("text", text)?).map(|inner| Self { inner })
        })
    }

    /// Parses and validates a TOML policy (same keys as `fromJson`).
    #[napi(factory, ts_args_type = "text: string")]
    pub fn from_toml(text: StrArg<'_>) -> errors::Result<Self> {
        run(|| {
            core::SlaPolicy::from_toml(&convert::string("text", text)?).map(|inner| Self { inner })
        })
    }

    /// The policy as JSON; `fromJson` reads it back.
    #[napi]
    pub fn to_json(&self) -> errors::Result<String> {
        run(|| Ok(self.inner.to_json()))
    }
}

impl Default for SlaPolicy {
    fn default() -> Self {
        Self::builtin()
    }
}

/// Escalation levels with delays, repeats, stop conditions and SLA-risk
/// rules. Build one with `fromJson` or `fromToml`.
#[napi]
#[derive(Debug, Clone)]
pub struct EscalationPolicy {
    inner: esc::EscalationPolicy,
}

#[napi]
impl EscalationPolicy {
    /// Parses and validates a JSON policy. Throws `.code` `'parse_error'`
    /// or `'invalid_config'`.
    #[napi(factory, ts_args_type = "text: string")]
    pub fn from_json(text: StrArg<'_>) -> errors::Result<Self> {
        run(|| {
            esc::EscalationPolicy::from_json(&convert::string("text", text)?)
                .map(|inner| Self { inner })
        })
    }

    /// Parses and validates a TOML policy (same keys as `fromJson`).
    #[napi(factory, ts_args_type = "text: string")]
    pub fn from_toml(text: StrArg<'_>) -> errors::Result<Self> {
        run(|| {
            esc::EscalationPolicy::from_toml(&convert::string("text", text)?)
                .map(|inner| Self { inner })
        })
    }

    /// The policy as JSON; `fromJson` reads it back.
    #[napi]
    pub fn to_json(&self) -> errors::Result<String> {
        run(|| Ok(self.inner.to_json()))
    }
}

/// A required binding-class argument.
type Class<'a, T> = Either<ClassInstance<'a, T>, Unknown<'a>>;

fn class<'a, 'b, T>(name: &str, class: &str, arg: &'b Class<'a, T>) -> opsbrain::Result<&'b T> {
    match arg {
        Either::A(instance) => Ok(instance),
        Either::B(_) => Err(Error::new(
            ErrorKind::InvalidType,
            format!("{name} must be a {class}"),
        )),
    }
}

// ---------------------------------------------------------------- functions

/// A ticket's SLA timers at `now` from its event log.
///
/// Throws `.code` `'invalid_type'` for an argument of the wrong type,
/// `'invalid_input'` for a bad event (naming `events[i]`), an instant
/// without an offset, or a log the core refuses (not starting with one
/// `created`, out of order, after `now`, ...), `'limit_exceeded'` past the
/// core's bounds.
///
/// @example
/// ```js
/// const s = slaStatus(SlaPolicy.builtin(), [
///   { type: 'created', at: new Date('2026-11-30T09:00:00Z'), tier: 1, priority: 'high' },
///   { type: 'first_response', at: '2026-11-30T09:10:00Z' },
/// ], '2026-11-30T12:00:00Z')
/// s.firstResponse.metAt // Date 2026-11-30T09:10:00.000Z
/// ```
#[napi(
    ts_args_type = "policy: SlaPolicy, events: Array<SlaCreatedEvent | SlaInstantEvent | EscalatedEvent | PriorityChangedEvent>, now: Date | string",
    ts_return_type = "SlaStatus"
)]
pub fn sla_status<'env>(
    env: &'env Env,
    policy: Class<'_, SlaPolicy>,
    events: Unknown<'_>,
    now: Unknown<'_>,
) -> errors::Result<Unknown<'env>> {
    run(|| {
        let policy = class("policy", "SlaPolicy", &policy)?;
        let events = conv::items("events", &events, serde_json::from_value::<SlaEvent>)?;
        let now = instant("now", &now)?;
        let status = core::sla_status(&policy.inner, &events, now)?;
        conv::result(env, serde_json::to_value(status))
    })
}

/// `slaStatus` for many tickets (one event array each), in input order.
/// Errors name `tickets[i][j]`.
#[napi(
    ts_args_type = "policy: SlaPolicy, tickets: Array<Array<SlaCreatedEvent | SlaInstantEvent | EscalatedEvent | PriorityChangedEvent>>, now: Date | string",
    ts_return_type = "Array<SlaStatus>"
)]
pub fn sla_status_batch<'env>(
    env: &'env Env,
    policy: Class<'_, SlaPolicy>,
    tickets: Unknown<'_>,
    now: Unknown<'_>,
) -> errors::Result<Unknown<'env>> {
    run(|| {
        let policy = class("policy", "SlaPolicy", &policy)?;
        let tickets = conv::nested_items("tickets", &tickets, serde_json::from_value::<SlaEvent>)?;
        let now = instant("now", &now)?;
        let list = core::sla_status_batch(&policy.inner, &tickets, now)?;
        conv::result(env, serde_json::to_value(list))
    })
}

/// A ticket's escalation timeline at `now` from its event log: the
/// escalations fired, the current tier and level, and the next one due.
///
/// `options.useBuiltinTable`: look up the built-in classification table
/// (for `critical_immediate` by issue type).
///
/// Throws as `slaStatus`.
///
/// @example
/// ```js
/// const policy = EscalationPolicy.fromJson(JSON.stringify({ levels: [
///   { name: 'user_support', tier: 1 }, { name: 'technical', tier: 2, delay_secs: 1800 }] }))
/// const tl = escalationTimeline(policy, [
///   { type: 'created', at: '2026-11-30T09:00:00Z', tier: 1, priority: 'high' },
/// ], '2026-11-30T09:40:00Z')
/// tl.currentLevel // 'technical'
/// ```
#[napi(
    ts_args_type = "policy: EscalationPolicy, events: Array<EscalationCreatedEvent | AcknowledgedEvent | LifecycleEvent | EscalatedEvent | SlaWarningEvent>, now: Date | string, options?: EscalationTimelineOptions | null",
    ts_return_type = "EscalationTimeline"
)]
pub fn escalation_timeline<'env>(
    env: &'env Env,
    policy: Class<'_, EscalationPolicy>,
    events: Unknown<'_>,
    now: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> errors::Result<Unknown<'env>> {
    run(|| {
        let policy = class("policy", "EscalationPolicy", &policy)?;
        let events = conv::items("events", &events, serde_json::from_value::<EscalationEvent>)?;
        let now = instant("now", &now)?;
        let opts = convert::cache::options("options", options.as_ref(), &["useBuiltinTable"])?;
        let use_table = match opts.get("useBuiltinTable") {
            Some(v) => convert::cache::boolean("options.useBuiltinTable", v)?,
            None => false,
        };
        let table = use_table.then(ClassificationTable::builtin);
        let timeline = esc::escalation_timeline(&policy.inner, &events, now, table.as_ref())?;
        conv::result(env, serde_json::to_value(timeline))
    })
}

/// The escalation rate over timelines as returned by `escalationTimeline`:
/// a ticket counts as escalated when its current tier is above its initial
/// tier.
///
/// @example
/// ```js
/// escalationRate([tl1, tl2]) // { tickets: 2, escalated: 1, rate: 0.5, meetsThreshold: false, meetsTarget: false }
/// ```
#[napi(
    ts_args_type = "timelines: Array<EscalationTimeline>",
    ts_return_type = "EscalationRate"
)]
pub fn escalation_rate<'env>(
    env: &'env Env,
    timelines: Unknown<'_>,
) -> errors::Result<Unknown<'env>> {
    run(|| {
        let timelines = conv::items(
            "timelines",
            &timelines,
            serde_json::from_value::<esc::EscalationTimeline>,
        )?;
        conv::result(env, serde_json::to_value(esc::escalation_rate(&timelines)))
    })
}
