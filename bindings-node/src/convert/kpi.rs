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

use napi::bindgen_prelude::{
    Float64ArraySlice, FromNapiValue, JsObjectValue, TypedArray, TypedArrayType, Unknown,
};
use napi::{Env, JsValue, ValueType};
use opsbrain::Result;
use serde_json::Value;

use super::cache::{is_nullish, named, value_type, wrong_type};
use super::napi_failure;

/// The snake_case keys whose values are instants in KPI results.
pub const INSTANT_KEYS: [&str; 4] = ["fired_at", "clears_at", "window_start", "window_end"];

pub use super::Parse;

/// Deepest nesting read from JS (a ticket's events are two levels down);
/// also guards against cyclic objects.
const MAX_DEPTH: usize = 8;

/// How kpi reads its object arguments.
const SHAPE: super::ArgShape = super::ArgShape {
    max_depth: MAX_DEPTH,
    data_maps: &[],
};

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
    super::arg_object(name, v, parse, SHAPE)
}

/// An optional serde-shaped object (`undefined`/`null`: the default).
///
/// # Errors
/// As [`object`].
pub fn optional<T: Default>(name: &str, v: Option<&Unknown<'_>>, parse: Parse<T>) -> Result<T> {
    super::arg_optional(name, v, parse, SHAPE)
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
