//! Conversions for `crate::kpi`: records, rules and options in, series as
//! `Float64Array`s, serde results out.
//!
//! Objects are plain JS objects in camelCase; each is read into a
//! `serde_json::Value` with snake_case keys ([`cache::snake_key`](super::cache::snake_key),
//! which refuses the snake_case spelling), every `Date` as an RFC 3339
//! string (strings pass through: the core parses and checks instants), then
//! deserialised into the core type; serde's shape errors are
//! `invalid_input` naming the element (`tickets[i]`).
//!
//! Results go the other way: the core result's serde JSON, keys in
//! camelCase, with the strings under [`INSTANT_KEYS`] as `Date`s.

use chrono::SecondsFormat;
use napi::bindgen_prelude::{
    Float64ArraySlice, FromNapiValue, JsObjectValue, Object, TypedArray, TypedArrayType, Unknown,
};
use napi::{Env, JsValue, ValueType};
use opsbrain::{Error, ErrorKind, Result};
use serde_json::{Map, Value};

use super::cache::{
    is_nullish, is_plain_object, json_value, named, shaped, snake_key, value_type, wrong_type,
};
use super::calendar::instant;
use super::napi_failure;

/// The snake_case keys whose values are instants in KPI results.
pub const INSTANT_KEYS: [&str; 4] = ["fired_at", "clears_at", "window_start", "window_end"];

/// A serde parser of a core type, e.g. `serde_json::from_value::<TicketRecord>`.
pub type Parse<T> = fn(Value) -> serde_json::Result<T>;

/// Deepest nesting read from JS (a ticket's events are two levels down);
/// also guards against cyclic objects.
const MAX_DEPTH: usize = 8;

/// A JS value as snake_case JSON (`None` for `undefined`).
fn json(name: &str, v: &Unknown<'_>, depth: usize) -> Result<Option<Value>> {
    if depth > MAX_DEPTH {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!("{name} is nested more than {MAX_DEPTH} levels deep (or is cyclic)"),
        ));
    }
    if is_nullish(v) {
        let ty = named(name, value_type(v))?;
        return Ok((ty == ValueType::Null).then_some(Value::Null));
    }
    if v.is_date().map_err(napi_failure(name))? {
        let t = instant(name, v)?;
        return Ok(Some(Value::String(
            t.to_rfc3339_opts(SecondsFormat::AutoSi, true),
        )));
    }
    if v.is_array().map_err(napi_failure(name))? {
        let obj = v.coerce_to_object().map_err(napi_failure(name))?;
        let len = obj.get_array_length().map_err(napi_failure(name))?;
        let mut out = Vec::with_capacity((len as usize).min(1 << 16));
        for i in 0..len {
            let at = format!("{name}[{i}]");
            let el: Unknown<'_> = obj.get_element(i).map_err(napi_failure(&at))?;
            out.push(json(&at, &el, depth + 1)?.unwrap_or(Value::Null));
        }
        return Ok(Some(Value::Array(out)));
    }
    if is_plain_object(name, v)? {
        let obj = v.coerce_to_object().map_err(napi_failure(name))?;
        let mut map = Map::new();
        for key in Object::keys(&obj).map_err(napi_failure(name))? {
            let snake = named(name, snake_key(&key))?;
            let value: Unknown<'_> = obj.get_named_property(&key).map_err(napi_failure(name))?;
            if let Some(value) = json(&format!("{name}.{key}"), &value, depth + 1)? {
                map.insert(snake, value);
            }
        }
        return Ok(Some(Value::Object(map)));
    }
    named(name, json_value(v))
}

/// Whether `v` is `undefined` or `null` (an argument left out).
pub fn nullish(v: &Unknown<'_>) -> bool {
    is_nullish(v)
}

/// Whether `v` is an array or a typed array (latency samples).
pub fn is_list(v: &Unknown<'_>) -> bool {
    v.is_array().unwrap_or(false) || v.is_typedarray().unwrap_or(false)
}

/// One serde-shaped object (options, targets).
///
/// # Errors
/// `invalid_type` for a non-object; as [`records`] otherwise.
pub fn object<T>(name: &str, v: &Unknown<'_>, parse: Parse<T>) -> Result<T> {
    if !is_plain_object(name, v)? || v.is_date().map_err(napi_failure(name))? {
        return named(name, Err(wrong_type("an object", v)));
    }
    shaped(name, json(name, v, 0)?.unwrap_or(Value::Null), parse)
}

/// An optional serde-shaped object (`undefined`/`null`: the default).
///
/// # Errors
/// As [`object`].
pub fn optional<T: Default>(name: &str, v: Option<&Unknown<'_>>, parse: Parse<T>) -> Result<T> {
    match v.filter(|v| !is_nullish(v)) {
        None => Ok(T::default()),
        Some(v) => object(name, v, parse),
    }
}

/// A JS array of serde-shaped objects, each named `{name}[i]`.
///
/// # Errors
/// `invalid_type` for a non-array, a non-object element or a value of the
/// wrong type; `invalid_input` for a key in snake_case, an instant without
/// an offset or a shape error (naming the element).
pub fn records<T>(name: &str, v: &Unknown<'_>, parse: Parse<T>) -> Result<Vec<T>> {
    if !v.is_array().map_err(napi_failure(name))? {
        return named(name, Err(wrong_type("an array of objects", v)));
    }
    let obj = v.coerce_to_object().map_err(napi_failure(name))?;
    let len = obj.get_array_length().map_err(napi_failure(name))?;
    let mut out = Vec::with_capacity((len as usize).min(1 << 16));
    for i in 0..len {
        let at = format!("{name}[{i}]");
        let el: Unknown<'_> = obj.get_element(i).map_err(napi_failure(&at))?;
        out.push(object(&at, &el, parse)?);
    }
    Ok(out)
}

/// A series of numbers: a `Float64Array` (copied) or an array of numbers.
///
/// # Errors
/// `invalid_type` for another type or a non-number element.
pub fn floats(name: &str, v: &Unknown<'_>) -> Result<Vec<f64>> {
    if v.is_typedarray().map_err(napi_failure(name))? {
        let kind = TypedArray::from_unknown(*v)
            .map_err(napi_failure(name))?
            .typed_array_type;
        if kind == TypedArrayType::Float64 {
            return Ok(Float64ArraySlice::from_unknown(*v)
                .map_err(napi_failure(name))?
                .to_vec());
        }
        return named(
            name,
            Err(wrong_type("a Float64Array or an array of numbers", v)),
        );
    }
    if !v.is_array().map_err(napi_failure(name))? {
        return named(
            name,
            Err(wrong_type("a Float64Array or an array of numbers", v)),
        );
    }
    let obj = v.coerce_to_object().map_err(napi_failure(name))?;
    let len = obj.get_array_length().map_err(napi_failure(name))?;
    let mut out = Vec::with_capacity((len as usize).min(1 << 16));
    for i in 0..len {
        let at = format!("{name}[{i}]");
        let el: Unknown<'_> = obj.get_element(i).map_err(napi_failure(&at))?;
        if named(&at, value_type(&el))? != ValueType::Number {
            return named(at, Err(wrong_type("a number", &el)));
        }
        out.push(f64::from_unknown(el).map_err(napi_failure(&at))?);
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
