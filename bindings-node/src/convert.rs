//! Every conversion between JS values and core types.
//!
//! Arguments arrive as `Either<String, Unknown>` or `Unknown` rather than as
//! `String` or `serde_json::Value`, so that napi never rejects one itself
//! (its errors carry napi codes such as `StringExpected`); wrong types become
//! core errors here (`invalid_type`, `missing_key`, `invalid_input`).
//!
//! Tickets are read key by key into a `serde_json::Value` and handed to the
//! core's `TryFrom<&serde_json::Value> for Ticket`, which owns the rules and
//! the error codes. JS spells the error-code key `errorCodes`; that is the one
//! key renamed, and the snake_case spelling is refused.
//!
//! The cache module's conversions (trace columns, options objects, camelCase
//! to snake_case keys for serde) are in the submodule [`cache`]; the calendar
//! module's (instants, durations, pauses, the spec object) in [`calendar`];
//! the sla module's (event logs in, serde results with `Date`s out) in
//! [`sla`]; the anomaly module's (data matrices, forest options, anomaly
//! sets) in [`anomaly`].

use napi::bindgen_prelude::{ClassInstance, Either, JsObjectValue, Object, Unknown};
use napi::{JsValue, ValueType};
use opsbrain::{Error, ErrorKind, Result};
use serde_json::{Map, Value};

use crate::errors::from_napi;

pub mod anomaly;
pub mod cache;
pub mod calendar;
pub mod sla;
pub mod column;
pub mod scalar;
pub mod value;

/// A JS argument that should be a string.
pub type StrArg<'a> = Either<String, Unknown<'a>>;

/// A JS argument that should be an instance of the binding class `T`, or
/// `undefined`/`null`.
pub type ClassArg<'a, T> = Option<Either<ClassInstance<'a, T>, Unknown<'a>>>;

/// The `typeof`-style name of a JS value, for error messages.
fn js_type(value: &Unknown<'_>) -> &'static str {
    match value.get_type() {
        Ok(ValueType::Undefined) => "undefined",
        Ok(ValueType::Null) => "null",
        Ok(ValueType::Boolean) => "boolean",
        Ok(ValueType::Number) => "number",
        Ok(ValueType::String) => "string",
        Ok(ValueType::Symbol) => "symbol",
        Ok(ValueType::Object) if value.is_array().unwrap_or(false) => "array",
        Ok(ValueType::Object) => "object",
        Ok(ValueType::Function) => "function",
        Ok(ValueType::BigInt) => "bigint",
        _ => "unknown",
    }
}

fn napi_failure(what: &str) -> impl Fn(napi::Error) -> Error + '_ {
    move |e| from_napi(ErrorKind::InvalidType, what, &e)
}

/// A required string argument.
///
/// # Errors
/// `invalid_type` when `value` is not a string.
pub fn string(name: &str, value: StrArg<'_>) -> Result<String> {
    match value {
        Either::A(s) => Ok(s),
        Either::B(other) => Err(Error::new(
            ErrorKind::InvalidType,
            format!("{name} must be a string, got {}", js_type(&other)),
        )),
    }
}

/// An optional instance of a binding class (`undefined`/`null` = not given).
///
/// # Errors
/// `invalid_type` for any other value.
pub fn class_arg<'a, T: 'a, R>(
    name: &str,
    class: &str,
    arg: ClassArg<'a, T>,
    get: impl FnOnce(&T) -> R,
) -> opsbrain::Result<Option<R>> {
    match arg {
        None => Ok(None),
        Some(Either::A(instance)) => Ok(Some(get(&instance))),
        Some(Either::B(_)) => Err(Error::new(
            ErrorKind::InvalidType,
            format!("{name} must be a {class}, or undefined for the built-in one"),
        )),
    }
}

// ---------------------------------------------------------------- results

fn napi_out(e: &napi::Error) -> Error {
    from_napi(ErrorKind::InvalidInput, "creating the result", e)
}

/// A core result (serde JSON) as a JS value: keys in camelCase, RFC 3339
/// strings under one of `instant_keys` (snake_case, or in an array under
/// one) as `Date`s. The one JSON-to-JS conversion of the serde-shaped
/// families (sla, kpi, ops).
///
/// # Errors
/// `invalid_input` if serialising or creating a JS value fails (it should
/// not); `limit_exceeded` for an array longer than `u32::MAX`.
pub fn json_result<'e>(
    env: &'e napi::Env,
    value: serde_json::Result<Value>,
    instant_keys: &[&str],
) -> Result<Unknown<'e>> {
    to_js(env, &value?, false, instant_keys)
}

fn to_js<'e>(
    env: &'e napi::Env,
    v: &Value,
    is_instant: bool,
    keys: &[&str],
) -> Result<Unknown<'e>> {
    use napi::bindgen_prelude::ToNapiValue as _;
    match v {
        Value::String(s) if is_instant => {
            let t = chrono::DateTime::parse_from_rfc3339(s)
                .map_err(|e| Error::new(ErrorKind::InvalidInput, format!("{s:?}: {e}")))?;
            Ok(calendar::date(env, t.with_timezone(&chrono::Utc))?.to_unknown())
        }
        Value::Array(list) => {
            let len = u32::try_from(list.len())
                .map_err(|_| Error::new(ErrorKind::LimitExceeded, "result array too long"))?;
            let mut arr = env.create_array(len).map_err(|e| napi_out(&e))?;
            for (i, el) in (0..len).zip(list) {
                arr.set(i, to_js(env, el, is_instant, keys)?)
                    .map_err(|e| napi_out(&e))?;
            }
            Ok(arr.to_unknown())
        }
        Value::Object(map) => {
            let mut obj = Object::new(env).map_err(|e| napi_out(&e))?;
            for (k, el) in map {
                let is_instant = keys.contains(&k.as_str());
                obj.set(cache::camel(k), to_js(env, el, is_instant, keys)?)
                    .map_err(|e| napi_out(&e))?;
            }
            Ok(obj.to_unknown())
        }
        other => other.clone().into_unknown(env).map_err(|e| napi_out(&e)),
    }
}

// ------------------------------------------------------- serde-shaped arguments

/// A serde parser of a core type, e.g. `serde_json::from_value::<PerfMetrics>`.
pub type Parse<T> = fn(Value) -> serde_json::Result<T>;

/// How a family reads JS object arguments into serde JSON.
#[derive(Debug, Clone, Copy)]
pub struct ArgShape {
    /// Deepest nesting read; past it (or for a cyclic object)
    /// `limit_exceeded`.
    pub max_depth: usize,
    /// The snake_case keys of maps whose own keys are data (kept as given).
    pub data_maps: &'static [&'static str],
}

/// How the keys of an object are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keys {
    /// camelCase in JS, snake_case for serde.
    Camel,
    /// As given (column names, table names).
    AsGiven,
}

/// A JS value as JSON (`None` for `undefined`): objects' keys per `keys`,
/// `Date`s as RFC 3339 strings, `BigInt`s as their decimal strings. The one
/// reader of serde-shaped arguments (kpi, ops).
fn arg_value(
    name: &str,
    v: &Unknown<'_>,
    depth: usize,
    keys: Keys,
    shape: ArgShape,
) -> Result<Option<Value>> {
    if depth > shape.max_depth {
        return Err(Error::new(
            ErrorKind::LimitExceeded,
            format!(
                "{name} is nested more than {} levels deep (or is cyclic)",
                shape.max_depth
            ),
        ));
    }
    if cache::is_nullish(v) {
        let ty = cache::named(name, cache::value_type(v))?;
        return Ok((ty == ValueType::Null).then_some(Value::Null));
    }
    match cache::named(name, cache::value_type(v))? {
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
        _ => return cache::named(name, cache::json_value(v)),
    }
    if v.is_date().map_err(napi_failure(name))? {
        let t = calendar::instant(name, v)?;
        return Ok(Some(Value::String(
            t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
        )));
    }
    if v.is_array().map_err(napi_failure(name))? {
        let obj = v.coerce_to_object().map_err(napi_failure(name))?;
        let len = obj.get_array_length().map_err(napi_failure(name))?;
        let mut out = Vec::with_capacity((len as usize).min(1 << 16));
        for i in 0..len {
            let at = format!("{name}[{i}]");
            let el: Unknown<'_> = obj.get_element(i).map_err(napi_failure(&at))?;
            out.push(arg_value(&at, &el, depth + 1, keys, shape)?.unwrap_or(Value::Null));
        }
        return Ok(Some(Value::Array(out)));
    }
    if cache::is_plain_object(name, v)? {
        let obj = v.coerce_to_object().map_err(napi_failure(name))?;
        let mut map = Map::new();
        for key in Object::keys(&obj).map_err(napi_failure(name))? {
            let (out_key, inner) = match keys {
                Keys::Camel => {
                    let snake = cache::named(name, cache::snake_key(&key))?;
                    let inner = if shape.data_maps.contains(&snake.as_str()) {
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
            if let Some(value) = arg_value(&at, &value, depth + 1, inner, shape)? {
                map.insert(out_key, value);
            }
        }
        return Ok(Some(Value::Object(map)));
    }
    // Typed arrays and other exotic objects.
    cache::named(name, cache::json_value(v))
}

/// A JS value as JSON with its keys as given (rows whose keys are data);
/// `undefined` is `null`.
///
/// # Errors
/// `limit_exceeded` past `shape.max_depth`; `invalid_input` for a
/// non-finite number.
pub fn arg_data(name: &str, v: &Unknown<'_>, shape: ArgShape) -> Result<Value> {
    Ok(arg_value(name, v, 0, Keys::AsGiven, shape)?.unwrap_or(Value::Null))
}

/// One camelCase object of a core serde type.
///
/// # Errors
/// `invalid_type` for a non-object; `invalid_input` for a key in
/// snake_case, a non-finite number or a shape error (unknown or missing
/// key, wrong type); `limit_exceeded` past `shape.max_depth`.
pub fn arg_object<T>(name: &str, v: &Unknown<'_>, parse: Parse<T>, shape: ArgShape) -> Result<T> {
    if !cache::is_plain_object(name, v)? || v.is_date().map_err(napi_failure(name))? {
        return cache::named(name, Err(cache::wrong_type("an object", v)));
    }
    let value = arg_value(name, v, 0, Keys::Camel, shape)?.unwrap_or(Value::Null);
    cache::shaped(name, value, parse)
}

/// An optional camelCase object (`undefined`/`null`: the default).
///
/// # Errors
/// As [`arg_object`].
pub fn arg_optional<T: Default>(
    name: &str,
    v: Option<&Unknown<'_>>,
    parse: Parse<T>,
    shape: ArgShape,
) -> Result<T> {
    match v.filter(|v| !cache::is_nullish(v)) {
        None => Ok(T::default()),
        Some(v) => arg_object(name, v, parse, shape),
    }
}
