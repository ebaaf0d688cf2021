//! Typed readers of single JS values. Every message starts with the
//! argument path (`tickets[3].events[0].at`); a wrong type is
//! `invalid_type`, a bad value of the right type `invalid_input`.
//! Numbers are never cast lossily: NaN, ±Infinity, fractions where an
//! integer is needed, negatives into unsigned and integers beyond 2^53 - 1
//! (use a `BigInt`) are errors.

use chrono::{DateTime, TimeDelta, Utc};
use napi::bindgen_prelude::{
    BigInt, ClassInstance, Either, FromNapiValue, TypedArray, TypedArrayType, Unknown,
};
use napi::{Env, JsDate, JsValue, ValueType};
use opsbrain::{Error, ErrorKind, Result};

/// 2^53 - 1, the largest integer a JS number holds exactly with its neighbours.
pub const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

/// A JS argument that should be an instance of the class `T`.
pub type Class<'a, T> = Either<ClassInstance<'a, T>, Unknown<'a>>;

/// The type of `v` for messages: `typeof`, refined (`null`, `array`,
/// `Date`, `Float64Array`, ...).
pub fn kind(v: &Unknown<'_>) -> String {
    match v.get_type() {
        Ok(ValueType::Null) => "null".into(),
        Ok(ValueType::Undefined) => "undefined".into(),
        Ok(ValueType::Boolean) => "boolean".into(),
        Ok(ValueType::Number) => "number".into(),
        Ok(ValueType::String) => "string".into(),
        Ok(ValueType::Symbol) => "symbol".into(),
        Ok(ValueType::BigInt) => "bigint".into(),
        Ok(ValueType::Function) => "function".into(),
        Ok(ValueType::Object) if v.is_array().unwrap_or(false) => "array".into(),
        Ok(ValueType::Object) if v.is_date().unwrap_or(false) => "Date".into(),
        Ok(ValueType::Object) => match typed_array(v) {
            Some(t) => format!("{}Array", t.as_ref()),
            None => "object".into(),
        },
        _ => "unknown".into(),
    }
}

/// The element type of a typed array, `None` for any other value.
pub fn typed_array(v: &Unknown<'_>) -> Option<TypedArrayType> {
    if !v.is_typedarray().unwrap_or(false) {
        return None;
    }
    TypedArray::from_unknown(*v)
        .ok()
        .map(|t| t.typed_array_type)
}

/// `invalid_type`: `{path} must be {expected}, got {kind}`.
pub fn wrong(path: &str, expected: &str, v: &Unknown<'_>) -> Error {
    Error::new(
        ErrorKind::InvalidType,
        format!("{path} must be {expected}, got {}", kind(v)),
    )
}

/// `invalid_input`: `{path} {rest}`.
pub fn bad(path: &str, rest: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::InvalidInput, format!("{path} {rest}"))
}

/// Maps a napi failure while reading `path` to `invalid_type`.
pub fn napi_err(path: &str) -> impl Fn(napi::Error) -> Error + '_ {
    move |e| {
        Error::new(
            ErrorKind::InvalidType,
            format!("{path} could not be read: {}", e.reason),
        )
    }
}

/// Whether `v` is `undefined` or `null` (an optional argument left out).
pub fn is_nullish(v: &Unknown<'_>) -> bool {
    matches!(v.get_type(), Ok(ValueType::Undefined | ValueType::Null))
}

fn typed<T: FromNapiValue>(
    path: &str,
    v: &Unknown<'_>,
    ty: ValueType,
    expected: &str,
) -> Result<T> {
    if v.get_type().map_err(napi_err(path))? != ty {
        return Err(wrong(path, expected, v));
    }
    T::from_unknown(*v).map_err(napi_err(path))
}

/// A string.
pub fn string(path: &str, v: &Unknown<'_>) -> Result<String> {
    typed(path, v, ValueType::String, "a string")
}

/// A boolean.
pub fn boolean(path: &str, v: &Unknown<'_>) -> Result<bool> {
    typed(path, v, ValueType::Boolean, "a boolean")
}

/// A finite number.
pub fn number(path: &str, v: &Unknown<'_>) -> Result<f64> {
    let x: f64 = typed(path, v, ValueType::Number, "a number")?;
    if x.is_finite() {
        Ok(x)
    } else {
        Err(bad(path, format_args!("must be a finite number, got {x}")))
    }
}

/// A non-negative integer: a safe-integer number or a `BigInt` below 2^64.
pub fn uint(path: &str, v: &Unknown<'_>) -> Result<u64> {
    match v.get_type().map_err(napi_err(path))? {
        ValueType::BigInt => match BigInt::from_unknown(*v).map_err(napi_err(path))?.get_u64() {
            (false, x, true) => Ok(x),
            (true, _, _) => Err(bad(path, "must be non-negative, got a negative bigint")),
            _ => Err(bad(path, "must be below 2^64, got a larger bigint")),
        },
        ValueType::Number => whole(path, f64::from_unknown(*v).map_err(napi_err(path))?),
        _ => Err(wrong(path, "a non-negative integer", v)),
    }
}

/// A number as a non-negative safe integer.
pub fn whole(path: &str, x: f64) -> Result<u64> {
    if x.is_finite() && x >= 0.0 && x.trunc() == x && x <= MAX_SAFE {
        // Exact: an integer in [0, 2^53).
        Ok(x as u64)
    } else {
        Err(bad(
            path,
            format_args!(
                "must be a non-negative integer up to 2^53 - 1 (a bigint beyond), got {x}"
            ),
        ))
    }
}

/// A non-negative integer that fits a `u32`.
pub fn u32_(path: &str, v: &Unknown<'_>) -> Result<u32> {
    let x = uint(path, v)?;
    u32::try_from(x).map_err(|_| bad(path, format_args!("must be at most {}, got {x}", u32::MAX)))
}

/// A `usize` count.
pub fn count(path: &str, v: &Unknown<'_>) -> Result<usize> {
    let x = uint(path, v)?;
    usize::try_from(x).map_err(|_| bad(path, "is too large"))
}

/// Checks the years rule on an instant (the core's).
pub fn in_years(path: &str, t: DateTime<Utc>) -> Result<DateTime<Utc>> {
    opsbrain::input::check_years(t, path)
}

/// An ISO-8601 string with an offset as an instant (the core's parser,
/// which says when the offset is missing), in years 1 to 9999.
pub fn parse_instant(path: &str, s: &str) -> Result<DateTime<Utc>> {
    in_years(
        path,
        opsbrain::input::parse_instant(s).map_err(|e| e.at(path))?,
    )
}

/// A `Date` (an invalid one is refused) as an instant, unchecked for years.
fn date_value(path: &str, v: &Unknown<'_>) -> Result<DateTime<Utc>> {
    let ms = JsDate::from_unknown(*v)
        .and_then(|d| d.value_of())
        .map_err(napi_err(path))?;
    if !ms.is_finite() {
        return Err(bad(path, "is an invalid Date"));
    }
    // JS Dates hold integral milliseconds within ±8.64e15: the cast is exact.
    DateTime::from_timestamp_millis(ms.trunc() as i64)
        .ok_or_else(|| bad(path, format_args!("is out of range ({ms} ms)")))
}

/// An instant: a `Date` or an ISO-8601 string with an offset, in years 1 to 9999.
pub fn instant(path: &str, v: &Unknown<'_>) -> Result<DateTime<Utc>> {
    match v.get_type().map_err(napi_err(path))? {
        ValueType::String => parse_instant(path, &string(path, v)?),
        ValueType::Object if v.is_date().map_err(napi_err(path))? => {
            in_years(path, date_value(path, v)?)
        }
        _ => Err(wrong(
            path,
            "a Date or an ISO-8601 string with an offset",
            v,
        )),
    }
}

/// An instant as a JS `Date`.
pub fn date<'e>(env: &'e Env, path: &str, t: DateTime<Utc>) -> Result<Unknown<'e>> {
    let t = in_years(path, t)?;
    // Milliseconds of years 1..=9999 are far below 2^53: exact.
    env.create_date(t.timestamp_millis() as f64)
        .map(|d| d.to_unknown())
        .map_err(|e| bad(path, format_args!("could not be created: {}", e.reason)))
}

/// Seconds as a duration: its fraction is kept to the nanosecond and
/// values beyond chrono's range saturate (the core refuses them).
pub fn secs_of(x: f64) -> TimeDelta {
    let saturated = if x < 0.0 {
        TimeDelta::MIN
    } else {
        TimeDelta::MAX
    };
    let whole = x.trunc();
    // Saturating casts; `try_seconds` refuses what chrono cannot hold.
    let Some(s) = TimeDelta::try_seconds(whole as i64) else {
        return saturated;
    };
    let nanos = TimeDelta::nanoseconds(((x - whole) * 1e9) as i64);
    s.checked_add(&nanos).unwrap_or(saturated)
}

/// An instance of the binding class `T` (its JS name `class`).
pub fn class<'b, T>(path: &str, class: &str, arg: &'b Class<'_, T>) -> Result<&'b T> {
    match arg {
        Either::A(instance) => Ok(instance),
        Either::B(other) => Err(wrong(path, &format!("a {class}"), other)),
    }
}

/// An optional instance of `T`: `undefined`/`null` is `None`.
pub fn opt_class<'b, T>(
    path: &str,
    name: &str,
    arg: &'b Option<Class<'_, T>>,
) -> Result<Option<&'b T>> {
    match arg {
        None => Ok(None),
        Some(Either::B(v)) if is_nullish(v) => Ok(None),
        Some(a) => class(path, name, a).map(Some),
    }
}
