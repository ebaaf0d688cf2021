//! Node binding of the core's scaling decisions, in the JS namespace
//! `capacity`: threshold recommendations with hysteresis
//! (`capacity.replicaRecommendation`) and one reconciliation of the
//! Kubernetes HPA (`capacity.hpaDesiredReplicas`).
//!
//! ```js
//! const { capacity } = require('opsbrain')
//! capacity.replicaRecommendation({ currentReplicas: 4, maxReplicas: 10, metrics: { cpu: [0.72, 0.68] } })
//! ```
//!
//! Requests are plain objects in camelCase, read here into the core's
//! snake_case serde form (the key spelling is checked by
//! `convert::cache::snake_key`): `Date`s (or ISO strings with an offset)
//! become RFC 3339 instants, `Float64Array`s become arrays. The keys of the
//! maps whose keys are names (`metrics` of a replica request, the policy's
//! resources, a pod's `requests` and `usage`) are kept as given. Results
//! are the core's serde form with camelCase keys and `Date`s under `at`
//! (`convert::sla::result`). Both calls are cheap (linear in pods and
//! history), so they have no `...Async` variant.

use chrono::SecondsFormat;
use napi::bindgen_prelude::{Float64Array, FromNapiValue, JsObjectValue, Object, Unknown};
use napi::{Env, JsValue, ValueType};
use napi_derive::napi;
use opsbrain::capacity::{
    self as core, HpaRequest, ReplicaRequest, ResourceThresholds, ThresholdPolicy,
};
use opsbrain::{Error, ErrorKind, Result};
use serde_json::{Map, Number, Value};

use crate::convert::cache::{camel, snake_key};
use crate::convert::calendar::instant;
use crate::convert::sla::result;
use crate::errors::{self, from_napi, run};

/// Deepest nesting read (requests are at most five levels deep); also
/// guards against cyclic objects.
const MAX_DEPTH: usize = 16;

fn failure(name: &str) -> impl Fn(napi::Error) -> Error + '_ {
    move |e| from_napi(ErrorKind::InvalidType, name, &e)
}

fn type_error(name: &str, what: &str) -> Error {
    Error::new(ErrorKind::InvalidType, format!("{name} must be {what}"))
}

/// A JS value as JSON (`None` for `undefined`). Object keys become
/// snake_case, except directly under a key listed in `name_maps`.
fn read(
    name: &str,
    v: &Unknown<'_>,
    name_maps: &[&str],
    keep_keys: bool,
    depth: usize,
) -> Result<Option<Value>> {
    if depth > MAX_DEPTH {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!("{name} is nested more than {MAX_DEPTH} levels deep (or is cyclic)"),
        ));
    }
    Ok(Some(match v.get_type().map_err(failure(name))? {
        ValueType::Undefined => return Ok(None),
        ValueType::Null => Value::Null,
        ValueType::Boolean => Value::Bool(bool::from_unknown(*v).map_err(failure(name))?),
        ValueType::String => Value::String(String::from_unknown(*v).map_err(failure(name))?),
        ValueType::Number => {
            let x = f64::from_unknown(*v).map_err(failure(name))?;
            const SAFE: f64 = 9_007_199_254_740_992.0; // 2^53
            if x.trunc() == x && x.abs() <= SAFE {
                Value::Number(Number::from(x as i64))
            } else {
                Value::Number(Number::from_f64(x).ok_or_else(|| {
                    Error::new(
                        ErrorKind::InvalidInput,
                        format!("{name} must be a finite number, got {x}"),
                    )
                })?)
            }
        }
        ValueType::Object if v.is_date().map_err(failure(name))? => {
            Value::String(instant(name, v)?.to_rfc3339_opts(SecondsFormat::AutoSi, true))
        }
        ValueType::Object if v.is_typedarray().map_err(failure(name))? => {
            let a = Float64Array::from_unknown(*v)
                .map_err(|_| type_error(name, "a Float64Array or an array of numbers"))?;
            let mut out = Vec::with_capacity(a.len());
            for (i, &x) in a.iter().enumerate() {
                out.push(Value::Number(Number::from_f64(x).ok_or_else(|| {
                    Error::new(
                        ErrorKind::InvalidInput,
                        format!("{name}[{i}] must be a finite number, got {x}"),
                    )
                })?));
            }
            Value::Array(out)
        }
        ValueType::Object if v.is_array().map_err(failure(name))? => {
            let obj = v.coerce_to_object().map_err(failure(name))?;
            let len = obj.get_array_length().map_err(failure(name))?;
            let mut out = Vec::with_capacity((len as usize).min(1 << 12));
            for i in 0..len {
                let at = format!("{name}[{i}]");
                let el: Unknown<'_> = obj.get_element(i).map_err(failure(&at))?;
                out.push(read(&at, &el, name_maps, false, depth + 1)?.unwrap_or(Value::Null));
            }
            Value::Array(out)
        }
        ValueType::Object => {
            let obj = v.coerce_to_object().map_err(failure(name))?;
            let mut map = Map::new();
            for key in Object::keys(&obj).map_err(failure(name))? {
                let out_key = if keep_keys {
                    key.clone()
                } else {
                    snake_key(&key).map_err(|(kind, m)| Error::new(kind, format!("{name} {m}")))?
                };
                let child: Unknown<'_> = obj.get_named_property(&key).map_err(failure(name))?;
                let at = format!("{name}.{key}");
                let is_map = !keep_keys && name_maps.contains(&out_key.as_str());
                if let Some(value) = read(&at, &child, name_maps, is_map, depth + 1)? {
                    map.insert(out_key, value);
                }
            }
            Value::Object(map)
        }
        _ => {
            return Err(type_error(
                name,
                "plain data (objects, arrays, numbers, strings, Dates)",
            ));
        }
    }))
}

/// A request object as the core's serde value of type `T`; serde's shape
/// errors are `invalid_input` naming `name`.
fn request<T>(
    name: &str,
    v: &Unknown<'_>,
    name_maps: &[&str],
    top_is_map: bool,
    parse: fn(Value) -> serde_json::Result<T>,
) -> Result<T> {
    if v.get_type().map_err(failure(name))? != ValueType::Object
        || v.is_array().map_err(failure(name))?
    {
        return Err(type_error(name, "an object"));
    }
    let value = read(name, v, name_maps, top_is_map, 0)?.unwrap_or(Value::Null);
    parse(value).map_err(|e| {
        Error::new(
            ErrorKind::InvalidInput,
            format!("{name}: {}", camel_ticks(&e.to_string())),
        )
    })
}

/// A serde message with its `` `snake_name` `` spans in camelCase.
fn camel_ticks(message: &str) -> String {
    message
        .split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                camel(part)
            } else {
                part.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("`")
}

/// Threshold scaling recommendation with hysteresis: each resource runs a
/// Schmitt trigger over its samples (up at `scaleUp`, left below
/// `scaleUp - band`; down at `scaleDown`, left above `scaleDown + band`),
/// any resource up wins, down needs all. `policy` maps resource names to
/// thresholds; default the framework's cpu 0.70/0.30, memory 0.80/0.40,
/// requests 1000/200 per second per replica.
///
/// Throws `.code` `'invalid_config'` for `minReplicas > maxReplicas` or a
/// bad policy; `'invalid_input'` for an unknown resource, no or empty
/// samples, a negative or non-finite sample; `'invalid_type'` for a wrong
/// argument type.
///
/// @example
/// ```js
/// const rec = capacity.replicaRecommendation({ currentReplicas: 4, maxReplicas: 10, metrics: { cpu: [0.55, 0.72, 0.68] } })
/// rec.action           // 'scale_up'
/// rec.desiredReplicas  // 6
/// ```
#[napi(
    namespace = "capacity",
    ts_args_type = "request: ReplicaRequest, policy?: Record<string, ThresholdRule> | null",
    ts_return_type = "ReplicaRecommendation"
)]
pub fn replica_recommendation<'env>(
    env: &'env Env,
    request: Unknown<'_>,
    policy: Option<Unknown<'_>>,
) -> errors::Result<Unknown<'env>> {
    run(|| {
        let req: ReplicaRequest = self::request(
            "request",
            &request,
            &["metrics"],
            false,
            serde_json::from_value::<ReplicaRequest>,
        )?;
        let policy = match policy
            .filter(|p| !matches!(p.get_type(), Ok(ValueType::Undefined | ValueType::Null)))
        {
            Some(p) => {
                ThresholdPolicy::try_from(self::request::<
                    std::collections::BTreeMap<String, ResourceThresholds>,
                >(
                    "policy", &p, &[], true, serde_json::from_value
                )?)?
            }
            None => ThresholdPolicy::builtin(),
        };
        result(
            env,
            serde_json::to_value(core::replica_recommendation(&req, &policy)?),
        )
    })
}

/// One reconciliation of the Kubernetes Horizontal Pod Autoscaler, as a
/// pure function: pods grouped as Kubernetes does, each metric's proposal
/// with tolerance and the rebalancing of missing and unready pods, the
/// largest proposal, then the 300 s downscale stabilization and the
/// `max(2 x current, 4)` scale-up limit, or with `behavior` its windows and
/// rate-limit policies. Pass `recommendations`, `scaleUpEvents` and
/// `scaleDownEvents` of the result to the next call.
///
/// Throws `.code` `'invalid_config'` for `minReplicas > maxReplicas` or a
/// bad target, tolerance or policy; `'invalid_input'` for a negative value,
/// a duplicate pod, an instant without an offset, or when no metric can be
/// computed; `'limit_exceeded'` past the documented bounds.
///
/// @example
/// ```js
/// const d = capacity.hpaDesiredReplicas({
///   currentReplicas: 3, maxReplicas: 10, now: new Date('2026-01-01T00:00:00Z'),
///   metrics: [{ type: 'resource', name: 'cpu', target: { averageUtilization: 30 } }],
///   pods: [300, 500, 700].map((cpu, i) => ({ name: `p${i}`, requests: { cpu: 1000 }, usage: { cpu } })),
/// })
/// d.desiredReplicas          // 5
/// d.metrics[0].utilization   // 50
/// ```
#[napi(
    namespace = "capacity",
    ts_args_type = "request: HpaRequest",
    ts_return_type = "HpaDecision"
)]
pub fn hpa_desired_replicas<'env>(
    env: &'env Env,
    request: Unknown<'_>,
) -> errors::Result<Unknown<'env>> {
    run(|| {
        let req: HpaRequest = self::request(
            "request",
            &request,
            &["requests", "usage"],
            false,
            serde_json::from_value::<HpaRequest>,
        )?;
        result(env, serde_json::to_value(core::hpa_desired_replicas(&req)?))
    })
}
