//! `opsbrain::escalation` for Node: the `EscalationPolicy` class,
//! `escalationTimeline` and `escalationRate`.

use napi::Env;
use napi::bindgen_prelude::Unknown;
use napi_derive::napi;
use opsbrain::escalation::{self as core, EscalationEvent, EscalationTimeline, TimelineOptions};

use crate::convert::scalar::{self, Class};
use crate::convert::value;
use crate::errors;
use crate::task;
use crate::types::{SLA_SHAPE, class};

class! {
    "Escalation levels, timing rules and stop conditions."
    #[napi()]
    pub struct EscalationPolicy(core::EscalationPolicy);
    "Parses and validates a JSON policy."
    fn from_json;
    "Parses and validates a TOML policy."
    fn from_toml;
    "The policy as JSON."
    fn to_json;
}

/// The escalations a ticket's events trigger up to `now`.
#[napi(
    ts_args_type = "policy: EscalationPolicy, events: Array<EscalationCreatedEvent | AcknowledgedEvent | LifecycleEvent | EscalatedEvent | SlaWarningEvent>, now: Instant, options?: EscalationTimelineOptions | null",
    ts_return_type = "EscalationTimeline"
)]
pub fn escalation_timeline<'e>(
    env: &'e Env,
    policy: Class<'_, EscalationPolicy>,
    events: Unknown<'_>,
    now: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> errors::Result<Unknown<'e>> {
    task::reply(env, &SLA_SHAPE, || {
        let policy = scalar::class("policy", "EscalationPolicy", &policy)?;
        let events: Vec<EscalationEvent> = value::items("events", &events, &SLA_SHAPE, true)?;
        let now = scalar::instant("now", &now)?;
        let options: TimelineOptions = value::opt("options", options.as_ref(), &SLA_SHAPE)?;
        let timeline = core::escalation_timeline_with(&policy.inner, &events, now, &options)?;
        Ok(timeline)
    })
}

/// The share of timelines that escalated, against the framework's target.
#[napi(
    ts_args_type = "timelines: Array<EscalationTimeline>",
    ts_return_type = "EscalationRate"
)]
pub fn escalation_rate<'e>(env: &'e Env, timelines: Unknown<'_>) -> errors::Result<Unknown<'e>> {
    task::reply(env, &SLA_SHAPE, || {
        let timelines: Vec<EscalationTimeline> =
            value::items("timelines", &timelines, &SLA_SHAPE, true)?;
        Ok(core::escalation_rate(&timelines))
    })
}
