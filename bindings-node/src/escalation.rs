//! `opsbrain::escalation` for Node: the `EscalationPolicy` class,
//! `escalationTimeline` and `escalationRate`.

use napi::Env;
use napi::bindgen_prelude::Unknown;
use napi_derive::napi;
use opsbrain::escalation::{self as core, EscalationEvent, EscalationTimeline, TimelineOptions};

use crate::convert::scalar::{self, Class};
use crate::convert::value::{self, Shape};
use crate::errors::{self, run};

const SHAPE: Shape = Shape {
    instants: &["at", "met_at", "breach_at"],
    ..Shape::PLAIN
};

/// Escalation levels, timing rules and stop conditions.
#[napi]
#[derive(Debug, Clone)]
pub struct EscalationPolicy {
    inner: core::EscalationPolicy,
}

#[napi]
impl EscalationPolicy {
    /// Parses and validates a JSON policy.
    #[napi(factory, ts_args_type = "text: string")]
    pub fn from_json(text: Unknown<'_>) -> errors::Result<Self> {
        run(|| {
            core::EscalationPolicy::from_json(&scalar::string("text", &text)?)
                .map(|inner| Self { inner })
        })
    }

    /// Parses and validates a TOML policy.
    #[napi(factory, ts_args_type = "text: string")]
    pub fn from_toml(text: Unknown<'_>) -> errors::Result<Self> {
        run(|| {
            core::EscalationPolicy::from_toml(&scalar::string("text", &text)?)
                .map(|inner| Self { inner })
        })
    }

    /// The policy as JSON.
    #[napi]
    pub fn to_json(&self) -> String {
        self.inner.to_json()
    }
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
    run(|| {
        let policy = scalar::class("policy", "EscalationPolicy", &policy)?;
        let events: Vec<EscalationEvent> = value::items("events", &events, &SHAPE, true)?;
        let now = scalar::instant("now", &now)?;
        let options: TimelineOptions = value::opt("options", options.as_ref(), &SHAPE)?;
        let timeline = core::escalation_timeline_with(&policy.inner, &events, now, &options)?;
        value::result(env, &timeline, &SHAPE)
    })
}

/// The share of timelines that escalated, against the framework's target.
#[napi(
    ts_args_type = "timelines: Array<EscalationTimeline>",
    ts_return_type = "EscalationRate"
)]
pub fn escalation_rate<'e>(env: &'e Env, timelines: Unknown<'_>) -> errors::Result<Unknown<'e>> {
    run(|| {
        let timelines: Vec<EscalationTimeline> =
            value::items("timelines", &timelines, &SHAPE, true)?;
        value::result(env, &core::escalation_rate(&timelines), &SHAPE)
    })
}
