//! Conversions for `crate::sla`: event logs in, serde results out.
//!
//! Events (and the timelines `escalationRate` reads back) are plain JS
//! objects in camelCase. Each is read into a `serde_json::Value` with its
//! keys in snake_case ([`cache::snake_key`](super::cache::snake_key), which
//! refuses the snake_case spelling) and its instants as RFC 3339 strings,
//! then deserialised into the core type; serde's shape errors are
//! `invalid_input` naming the element (`events[i]`).
//!
//! An instant is a value under one of the keys [`INSTANT_KEYS`]: a `Date` or
//! an ISO-8601 string with an offset, read by
//! [`calendar::instant`](super::calendar::instant) (a string without an
//! offset is `invalid_input`). `null` stays `null` (`metAt`, `breachAt`).
//!
//! Results go the other way: the core result's serde JSON, keys in camelCase,
//! with the strings under [`INSTANT_KEYS`] as `Date`s.

use chrono::{DateTime, SecondsFormat, Utc};
use napi::bindgen_prelude::{JsObjectValue, Object, Unknown};
use napi::{Env, JsValue, ValueType};
use opsbrain::{Error, ErrorKind, Result};
use serde_json::{Map, Value};

use super::cache::{
    is_nullish, is_plain_object, json_value, named, shaped, snake_key, value_type, wrong_type,
};
use super::calendar::instant;
use super::napi_failure;

/// The snake_case keys whose values are instants.
pub const INSTANT_KEYS: [&str; 3] = ["at", "met_at", "breach_at"];

/// A serde parser of a core type, e.g. `serde_json::from_value::<SlaEvent>`.
pub type Parse<T> = fn(Value) -> serde_json::Result<T>;

/// Deepest nesting read from JS (events are flat, timelines two levels);
/// also guards against cyclic objects.
const MAX_DEPTH: usize = 8;

fn too_deep(name: &str) -> Error {
    Error::new(
        ErrorKind::InvalidInput,
        format!("{name} is nested more than {MAX_DEPTH} levels deep (or is cyclic)"),
    )
}

/// An instant as the core's serde form.
fn rfc3339(t: DateTime<Utc>) -> Value {
    Value::String(t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
}

/// A JS value as snake_case JSON (`None` for `undefined`).
fn json(name: &str, v: &Unknown<'_>, is_instant: bool, depth: usize) -> Result<Option<Value>> {
    if depth > MAX_DEPTH {
        return Err(too_deep(name));
    }
    if is_nullish(v) {
        let ty = named(name, value_type(v))?;
        return Ok((ty == ValueType::Null).then_some(Value::Null));
    }
    if is_instant {
        return instant(name, v).map(rfc3339).map(Some);
    }
    if v.is_array().map_err(napi_failure(name))? {
        let obj = v.coerce_to_object().map_err(napi_failure(name))?;
        let len = obj.get_array_length().map_err(napi_failure(name))?;
        let mut out = Vec::with_capacity((len as usize).min(1 << 10));
        for i in 0..len {
            let at = format!("{name}[{i}]");
            let el: Unknown<'_> = obj.get_element(i).map_err(napi_failure(&at))?;
            out.push(json(&at, &el, false, depth + 1)?.unwrap_or(Value::Null));
        }
        return Ok(Some(Value::Array(out)));
    }
    if is_plain_object(name, v)? && !v.is_date().map_err(napi_failure(name))? {
        return object(name, v, depth).map(Some);
    }
    named(name, json_value(v))
}

/// A plain object with snake_case keys.
fn object(name: &str, v: &Unknown<'_>, depth: usize) -> Result<Value> {
    let obj = v.coerce_to_object().map_err(napi_failure(name))?;
    let mut map = Map::new();
    for key in Object::keys(&obj).map_err(napi_failure(name))? {
        let snake = named(name, snake_key(&key))?;
        let value: Unknown<'_> = obj.get_named_property(&key).map_err(napi_failure(name))?;
        let at = format!("{name}.{key}");
        let is_instant = INSTANT_KEYS.contains(&snake.as_str());
        if let Some(value) = json(&at, &value, is_instant, depth + 1)? {
            map.insert(snake, value);
        }
    }
    Ok(Value::Object(map))
}

/// One serde-shaped object (an event, a timeline).
fn item<T>(name: &str, v: &Unknown<'_>, parse: Parse<T>) -> Result<T> {
    if !is_plain_object(name, v)? || v.is_date().map_err(napi_failure(name))? {
        return named(name, Err(wrong_type("an object", v)));
    }
    shaped(name, object(name, v, 0)?, parse)
}

/// A JS array of serde-shaped objects, each named `{name}[i]`.
///
/// # Errors
/// `invalid_type` for a non-array, a non-object element or a value of the
/// wrong type; `invalid_input` for a key in snake_case, an instant without
/// an offset or a shape error (naming the element).
pub fn items<T>(name: &str, v: &Unknown<'_>, parse: Parse<T>) -> Result<Vec<T>> {
    if !v.is_array().map_err(napi_failure(name))? {
        return named(name, Err(wrong_type("an array of objects", v)));
    }
    let obj = v.coerce_to_object().map_err(napi_failure(name))?;
    let len = obj.get_array_length().map_err(napi_failure(name))?;
    let mut out = Vec::with_capacity((len as usize).min(1 << 10));
    for i in 0..len {
        let at = format!("{name}[{i}]");
        let el: Unknown<'_> = obj.get_element(i).map_err(napi_failure(&at))?;
        out.push(item(&at, &el, parse)?);
    }
    Ok(out)
}

/// A JS array of event arrays (one per ticket), each named `{name}[i]`.
///
/// # Errors
/// As [`items`], for the outer array and each ticket's.
pub fn nested_items<T>(name: &str, v: &Unknown<'_>, parse: Parse<T>) -> Result<Vec<Vec<T>>> {
    if !v.is_array().map_err(napi_failure(name))? {
        return named(name, Err(wrong_type("an array of event arrays", v)));
    }
    let obj = v.coerce_to_object().map_err(napi_failure(name))?;
    let len = obj.get_array_length().map_err(napi_failure(name))?;
    let mut out = Vec::with_capacity((len as usize).min(1 << 10));
    for i in 0..len {
        let at = format!("{name}[{i}]");
        let el: Unknown<'_> = obj.get_element(i).map_err(napi_failure(&at))?;
        out.push(items(&at, &el, parse)?);
    }
    Ok(out)
}

/// A core result as a JS value: camelCase keys, [`INSTANT_KEYS`] as `Date`s
/// (see [`super::json_result`]).
///
/// # Errors
/// `invalid_input` if serialising or creating a JS value fails (it should not).
pub fn result(env: &Env, value: serde_json::Result<Value>) -> Result<Unknown<'_>> {
    super::json_result(env, value, &INSTANT_KEYS)
}
