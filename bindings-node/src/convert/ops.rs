//! Conversions for `crate::ops`: metrics, checks, options and reports in
//! (camelCase objects), PostgreSQL rows and plans in (PostgreSQL's own
//! names, untouched), serde results out (camelCase keys, instants as
//! `Date`s).
//!
//! Objects of opsbrain's own shapes are read into a `serde_json::Value` with
//! snake_case keys ([`snake_key`], which refuses the snake_case spelling),
//! `Date`s as RFC 3339 strings, then deserialised into the core type;
//! serde's shape errors are `invalid_input` naming the argument. The one map
//! whose keys are data, `options.tableRows` (`"schema.table"` to a row
//! count), keeps its keys as given.
//!
//! Statistics rows are read with their keys as given (they are column names)
//! and handed to the core's `pg_rows`, which owns the messages (`statements[3]:
//! missing column ...`). node-postgres returns `bigint` and `numeric` columns
//! as strings, which the core accepts; a `BigInt` is passed on as its decimal
//! string, so a 64-bit `queryid` keeps every digit.
//!
//! Every reader is depth-bounded ([`MAX_DEPTH`]): a hostile deep or cyclic
//! object gets `limit_exceeded`, never a stack overflow. A plan object is
//! turned into JSON text by the engine's own `JSON.stringify` (whose stack
//! overflow is a catchable `RangeError`, and whose cycle check a `TypeError`)
//! and parsed by the core, so it gets the core's nesting limit too.

use chrono::SecondsFormat;
use napi::bindgen_prelude::{Function, JsObjectValue, Object, Unknown};
use napi::{Env, JsValue, ValueType};
use opsbrain::{Error, ErrorKind, Result};
use serde_json::{Map, Value};

use super::cache::{
    is_nullish, is_plain_object, json_value, named, shaped, snake_key, value_type, wrong_type,
};
use super::calendar::instant;
use super::napi_failure;

/// The snake_case keys whose values are instants in ops results
/// (a timeframe's `since` and `until`).
pub const INSTANT_KEYS: [&str; 2] = ["since", "until"];

/// A serde parser of a core type, e.g. `serde_json::from_value::<PerfMetrics>`.
pub type Parse<T> = fn(Value) -> serde_json::Result<T>;

/// The snake_case keys of maps whose own keys are data (kept as given).
const DATA_MAPS: [&str; 1] = ["table_rows"];

/// Deepest nesting read from a JS argument (a report or metrics object is
/// three levels deep; rows one or two); past it, or for a cyclic object,
/// `limit_exceeded`.
pub const MAX_DEPTH: usize = 32;

/// How the keys of an object are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keys {
    /// camelCase in JS, snake_case for serde.
    Camel,
    /// As given (column names, table names).
    AsGiven,
}

/// A JS value as JSON (`None` for `undefined`).
fn json(name: &str, v: &Unknown<'_>, depth: usize, keys: Keys) -> Result<Option<Value>> {
    if depth > MAX_DEPTH {
        return Err(Error::new(
            ErrorKind::LimitExceeded,
            format!("{name} is nested more than {MAX_DEPTH} levels deep (or is cyclic)"),
        ));
    }
    if is_nullish(v) {
        let ty = named(name, value_type(v))?;
        return Ok((ty == ValueType::Null).then_some(Value::Null));
    }
    match named(name, value_type(v))? {
        ValueType::BigInt => {
            // ToString of a BigInt is its decimal digits (never throws).
            let text = v
                .coerce_to_string()
                .and_then(|s| s.into_utf8())
                .and_then(|s| s.into_owned())
                .map_err(napi_failure(name))?;
            return Ok(Some(Value::String(text)));
        }
        ValueType::Object => {}
        _ => return named(name, json_value(v)),
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
            out.push(json(&at, &el, depth + 1, keys)?.unwrap_or(Value::Null));
        }
        return Ok(Some(Value::Array(out)));
    }
    if is_plain_object(name, v)? {
        let obj = v.coerce_to_object().map_err(napi_failure(name))?;
        let mut map = Map::new();
        for key in Object::keys(&obj).map_err(napi_failure(name))? {
            let (out_key, inner) = match keys {
                Keys::Camel => {
                    let snake = named(name, snake_key(&key))?;
                    let inner = if DATA_MAPS.contains(&snake.as_str()) {
                        Keys::AsGiven
                    } else {
                        Keys::Camel
                    };
                    (snake, inner)
                }
                Keys::AsGiven => (key.clone(), Keys::AsGiven),
            };
            let at = format!("{name}.{key}");
            let value: Unknown<'_> = obj.get_named_property(&key).map_err(napi_failure(&at))?;
            if let Some(value) = json(&at, &value, depth + 1, inner)? {
                map.insert(out_key, value);
            }
        }
        return Ok(Some(Value::Object(map)));
    }
    // Typed arrays and other exotic objects.
    named(name, json_value(v))
}

/// One camelCase object of a core serde type.
///
/// # Errors
/// `invalid_type` for a non-object; `invalid_input` for a key in
/// snake_case, a non-finite number or a shape error (unknown or missing
/// key, wrong type); `limit_exceeded` when nested past [`MAX_DEPTH`].
pub fn object<T>(name: &str, v: &Unknown<'_>, parse: Parse<T>) -> Result<T> {
    if !is_plain_object(name, v)? || v.is_date().map_err(napi_failure(name))? {
        return named(name, Err(wrong_type("an object", v)));
    }
    let value = json(name, v, 0, Keys::Camel)?.unwrap_or(Value::Null);
    shaped(name, value, parse)
}

/// An optional camelCase object (`undefined`/`null`: the default).
///
/// # Errors
/// As [`object`].
pub fn optional<T: Default>(name: &str, v: Option<&Unknown<'_>>, parse: Parse<T>) -> Result<T> {
    match v.filter(|v| !is_nullish(v)) {
        None => Ok(T::default()),
        Some(v) => object(name, v, parse),
    }
}

/// Statistics rows as node-postgres returns them (`result.rows`), as JSON
/// for the core's `pg_rows`, which reads them (and owns the messages:
/// `missing_key` for a missing column, `invalid_input` for a non-list, a
/// non-object row or a bad value). `undefined` is `null`.
///
/// # Errors
/// `limit_exceeded` when a value is nested past [`MAX_DEPTH`];
/// `invalid_input` for a non-finite number.
pub fn rows(what: &str, v: &Unknown<'_>) -> Result<Value> {
    Ok(json(what, v, 0, Keys::AsGiven)?.unwrap_or(Value::Null))
}

/// An `EXPLAIN (FORMAT JSON)` plan as JSON text: a string as given; an
/// object or array through `JSON.stringify`.
///
/// # Errors
/// `invalid_type` for any other type; `limit_exceeded` when `JSON.stringify`
/// runs out of stack (a hostile deep object) or string length;
/// `invalid_input` for a cyclic object or a value it cannot serialise (a
/// `BigInt`, a throwing `toJSON`).
pub fn plan_text(env: &Env, v: &Unknown<'_>) -> Result<String> {
    const NAME: &str = "plan";
    match named(NAME, value_type(v))? {
        ValueType::String => return named(NAME, super::cache::string_item(v)),
        ValueType::Object => {}
        _ => {
            return named(
                NAME,
                Err(wrong_type(
                    "a string (EXPLAIN's JSON text), an object or an array",
                    v,
                )),
            );
        }
    }
    let global = env.get_global().map_err(napi_failure(NAME))?;
    let json_obj: Object<'_> = global
        .get_named_property("JSON")
        .map_err(napi_failure(NAME))?;
    let stringify: Function<'_, Unknown<'_>, Unknown<'_>> = json_obj
        .get_named_property("stringify")
        .map_err(napi_failure(NAME))?;
    // `call` clears a thrown exception and returns it as the error, whose
    // reason is the exception's `String(err)` ("RangeError: ...").
    let out = stringify.call(*v).map_err(|e| {
        let reason = e.reason.clone();
        if reason.starts_with("RangeError") {
            Error::new(
                ErrorKind::LimitExceeded,
                format!("{NAME}: too deeply nested or too large to serialise ({reason})"),
            )
        } else if reason.contains("circular") {
            Error::new(
                ErrorKind::InvalidInput,
                format!("{NAME}: the object is cyclic, so it is not a plan ({reason})"),
            )
        } else {
            Error::new(
                ErrorKind::InvalidInput,
                format!("{NAME}: JSON.stringify failed ({reason})"),
            )
        }
    })?;
    match named(NAME, value_type(&out))? {
        ValueType::String => named(NAME, super::cache::string_item(&out)),
        _ => named(NAME, Err(wrong_type("JSON-serialisable", v))),
    }
}

/// A core result as a JS value: camelCase keys, [`INSTANT_KEYS`] as `Date`s
/// (see [`super::json_result`]).
///
/// # Errors
/// `invalid_input` if serialising or creating a JS value fails (it should not).
pub fn result(env: &Env, value: serde_json::Result<Value>) -> Result<Unknown<'_>> {
    super::json_result(env, value, &INSTANT_KEYS)
}
