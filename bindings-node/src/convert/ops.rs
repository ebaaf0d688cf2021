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

use napi::bindgen_prelude::{Function, JsObjectValue, Object, Unknown};
use napi::{Env, ValueType};
use opsbrain::{Error, ErrorKind, Result};
use serde_json::Value;

use super::cache::{named, value_type, wrong_type};
use super::napi_failure;

/// The snake_case keys whose values are instants in ops results
/// (a timeframe's `since` and `until`).
pub const INSTANT_KEYS: [&str; 2] = ["since", "until"];

pub use super::Parse;

/// The snake_case keys of maps whose own keys are data (kept as given).
const DATA_MAPS: [&str; 1] = ["table_rows"];

/// Deepest nesting read from a JS argument (a report or metrics object is
/// three levels deep; rows one or two); past it, or for a cyclic object,
/// `limit_exceeded`.
pub const MAX_DEPTH: usize = 32;

/// How ops reads its object arguments.
const SHAPE: super::ArgShape = super::ArgShape {
    max_depth: MAX_DEPTH,
    data_maps: &DATA_MAPS,
};

/// One camelCase object of a core serde type (see [`super::arg_object`]).
///
/// # Errors
/// As [`super::arg_object`].
pub fn object<T>(name: &str, v: &Unknown<'_>, parse: Parse<T>) -> Result<T> {
    super::arg_object(name, v, parse, SHAPE)
}

/// An optional camelCase object (`undefined`/`null`: the default).
///
/// # Errors
/// As [`super::arg_object`].
pub fn optional<T: Default>(name: &str, v: Option<&Unknown<'_>>, parse: Parse<T>) -> Result<T> {
    super::arg_optional(name, v, parse, SHAPE)
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
    super::arg_data(what, v, SHAPE)
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
