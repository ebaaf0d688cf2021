//! `opsbrain::sla` for Node: the `SlaPolicy` class, `slaStatus` and
//! `slaStatusBatch`. Events are plain camelCase objects; instants `Date`s
//! or ISO-8601 strings with an offset; results carry `Date`s.

use napi::Env;
use napi::bindgen_prelude::Unknown;
use napi_derive::napi;
use opsbrain::sla::{self as core, SlaEvent};

use crate::convert::scalar::{self, Class};
use crate::convert::value;
use crate::errors;
use crate::task;
use crate::types::{SLA_SHAPE, SlaPolicy};

/// Both SLA timers of a ticket at `now`, from its event log.
#[napi(
    ts_args_type = "policy: SlaPolicy, events: Array<SlaCreatedEvent | SlaInstantEvent | EscalatedEvent | PriorityChangedEvent>, now: Instant",
    ts_return_type = "SlaStatus"
)]
pub fn sla_status<'e>(
    env: &'e Env,
    policy: Class<'_, SlaPolicy>,
    events: Unknown<'_>,
    now: Unknown<'_>,
) -> errors::Result<Unknown<'e>> {
    task::reply(env, &SLA_SHAPE, || {
        let policy = scalar::class("policy", "SlaPolicy", &policy)?;
        let events: Vec<SlaEvent> = value::items("events", &events, &SLA_SHAPE, true)?;
        let now = scalar::instant("now", &now)?;
        core::sla_status(&policy.inner, &events, now)
    })
}

/// `slaStatus` for many tickets (one event log each), in parallel.
#[napi(
    ts_args_type = "policy: SlaPolicy, tickets: Array<Array<SlaCreatedEvent | SlaInstantEvent | EscalatedEvent | PriorityChangedEvent>>, now: Instant",
    ts_return_type = "Array<SlaStatus>"
)]
pub fn sla_status_batch<'e>(
    env: &'e Env,
    policy: Class<'_, SlaPolicy>,
    tickets: Unknown<'_>,
    now: Unknown<'_>,
) -> errors::Result<Unknown<'e>> {
    task::reply(env, &SLA_SHAPE, || {
        let policy = scalar::class("policy", "SlaPolicy", &policy)?;
        let logs: Vec<Vec<SlaEvent>> = value::items("tickets", &tickets, &SLA_SHAPE, false)?;
        let now = scalar::instant("now", &now)?;
        core::sla_status_batch(&policy.inner, &logs, now)
    })
}
