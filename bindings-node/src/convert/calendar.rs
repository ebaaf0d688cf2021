//! Conversions for `crate::calendar`: instants, durations, pauses and the
//! calendar spec object.
//!
//! As in the parent module, every argument arrives as an `Unknown`: a wrong
//! type is `invalid_type`, a bad value of the right type `invalid_input`.
//!
//! - An instant is a JS `Date` (an invalid one is `invalid_input`) or an
//!   ISO-8601 string with an offset (`Z` or `+hh:mm`); a string without one
//!   is `invalid_input` saying the offset is missing, since the binding will
//!   not guess a time zone.
//! - A duration is a finite number of seconds. It is handed to the core with
//!   its fraction (nanosecond precision), and the core drops sub-second
//!   parts: a fraction is truncated toward zero, while any negative value,
//!   even `-0.5`, stays negative for the core to refuse. Values beyond
//!   chrono's range saturate (the core refuses those anyway).
//! - The spec object `{timeZone, weekly, holidays?, holidayRule?}` is read key
//!   by key (unknown keys are `invalid_input`) and handed to
//!   `BusinessCalendar::new`, which owns the validation.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeDelta, Utc};
use napi::bindgen_prelude::{FromNapiValue, JsObjectValue, Unknown};
use napi::{Env, JsDate, JsValue, ValueType};
use opsbrain::calendar::{BusinessCalendar, HolidayRule, Pause};
use opsbrain::{Error, ErrorKind, Result};

use super::cache::{
    self as conv, Bad, is_nullish, is_plain_object, named, napi_bad, string_item, value_type,
    wrong_type,
};
use super::napi_failure;
use crate::errors::from_napi;

/// How an instant argument reads in messages.
const INSTANT: &str = "a Date or an ISO-8601 string with an offset";

/// An example instant for messages.
const EXAMPLE: &str = "\"2026-11-30T09:00:00Z\" or \"2026-11-30T09:00:00-05:00\"";

/// Date-times without an offset, recognised to say that the offset is missing.
const NAIVE_FORMATS: [&str; 4] = [
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
];

/// The keys of the spec object, in JS spelling.
const SPEC_KEYS: &[&str] = &["timeZone", "weekly", "holidays", "holidayRule"];

/// The keys of `weekly`, Monday first (the order of `BusinessCalendar::new`).
const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

// ---------------------------------------------------------------- instants

fn invalid(rest: String) -> Bad {
    (ErrorKind::InvalidInput, rest)
}

/// An instant from a JS `Date`'s milliseconds since the epoch.
fn date_millis(ms: f64) -> std::result::Result<DateTime<Utc>, Bad> {
    if !ms.is_finite() {
        return Err(invalid("is an invalid Date".to_owned()));
    }
    // JS Dates hold integral milliseconds within ±8.64e15: the cast is exact.
    DateTime::from_timestamp_millis(ms.trunc() as i64)
        .ok_or_else(|| invalid(format!("is out of range ({ms} ms since the epoch)")))
}

/// An instant from an ISO-8601 string with an offset.
fn parse_instant(s: &str) -> std::result::Result<DateTime<Utc>, Bad> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s).or_else(|_| s.parse::<DateTime<FixedOffset>>()) {
        return Ok(t.with_timezone(&Utc));
    }
    let naive = NAIVE_FORMATS
        .iter()
        .any(|f| NaiveDateTime::parse_from_str(s, f).is_ok());
    if naive || s.parse::<NaiveDate>().is_ok() {
        return Err(invalid(format!(
            "{s:?} has no UTC offset (the offset is missing): add `Z` or `+hh:mm`, as in {EXAMPLE}"
        )));
    }
    Err(invalid(format!(
        "{s:?} is not an ISO-8601 instant with an offset, such as {EXAMPLE}"
    )))
}

fn instant_item(v: &Unknown<'_>) -> std::result::Result<DateTime<Utc>, Bad> {
    match value_type(v)? {
        ValueType::String => parse_instant(&string_item(v)?),
        ValueType::Object if v.is_date().map_err(|e| napi_bad(&e))? => {
            let date = JsDate::from_unknown(*v).map_err(|e| napi_bad(&e))?;
            date_millis(date.value_of().map_err(|e| napi_bad(&e))?)
        }
        _ => Err(wrong_type(INSTANT, v)),
    }
}

/// An instant argument: a `Date` or an ISO-8601 string with an offset.
///
/// # Errors
/// `invalid_type` for another type; `invalid_input` for an invalid `Date`,
/// a string without an offset or one that is not an instant.
pub fn instant(name: &str, v: &Unknown<'_>) -> Result<DateTime<Utc>> {
    named(name, instant_item(v))
}

// ---------------------------------------------------------------- durations

/// A duration in seconds, as a `TimeDelta` keeping the fraction (see the
/// module docs).
///
/// # Errors
/// `invalid_type` for a non-number; `invalid_input` for NaN or ±Infinity.
pub fn duration_secs(name: &str, v: &Unknown<'_>) -> Result<TimeDelta> {
    let x = conv::number(name, v)?;
    if !x.is_finite() {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!("{name} must be a finite number of seconds, got {x}"),
        ));
    }
    let saturated = if x < 0.0 {
        TimeDelta::MIN
    } else {
        TimeDelta::MAX
    };
    let whole = x.trunc();
    // Saturating casts; `try_seconds` refuses what chrono cannot hold.
    let Some(secs) = TimeDelta::try_seconds(whole as i64) else {
        return Ok(saturated);
    };
    let nanos = TimeDelta::nanoseconds(((x - whole) * 1e9) as i64);
    Ok(secs.checked_add(&nanos).unwrap_or(saturated))
}

// ---------------------------------------------------------------- lists

/// The elements of a JS array, each converted by `item` with its name
/// (`{name}[i]`).
fn list<'e, T>(
    name: &str,
    v: &Unknown<'e>,
    expected: &str,
    item: impl Fn(&str, &Unknown<'e>) -> Result<T>,
) -> Result<Vec<T>> {
    if !v.is_array().map_err(napi_failure(name))? {
        return named(name, Err(wrong_type(expected, v)));
    }
    let obj = v.coerce_to_object().map_err(napi_failure(name))?;
    let len = obj.get_array_length().map_err(napi_failure(name))?;
    // The length is the caller's claim (a sparse array can say 2^32 - 1).
    let mut out = Vec::with_capacity((len as usize).min(1 << 16));
    for i in 0..len {
        let at = format!("{name}[{i}]");
        let el: Unknown<'e> = obj.get_element(i).map_err(napi_failure(&at))?;
        out.push(item(&at, &el)?);
    }
    Ok(out)
}

/// A two-element array `[a, b]`, each converted by `item`.
fn pair<'e, T>(
    name: &str,
    v: &Unknown<'e>,
    expected: &str,
    item: impl Fn(&str, &Unknown<'e>) -> Result<T>,
) -> Result<(T, T)> {
    if !v.is_array().map_err(napi_failure(name))? {
        return named(name, Err(wrong_type(expected, v)));
    }
    let obj = v.coerce_to_object().map_err(napi_failure(name))?;
    let len = obj.get_array_length().map_err(napi_failure(name))?;
    if len != 2 {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!("{name} must be {expected}, got {len} element(s)"),
        ));
    }
    let get = |i: u32| {
        let at = format!("{name}[{i}]");
        let el: Unknown<'e> = obj.get_element(i).map_err(napi_failure(&at))?;
        item(&at, &el)
    };
    Ok((get(0)?, get(1)?))
}

/// Pauses: an array of `[start, end]` pairs of instants (`undefined`/`null`:
/// none).
///
/// # Errors
/// `invalid_type` for a non-array or a non-instant; `invalid_input` for a
/// pair that is not of two elements or a bad instant.
pub fn pauses(v: Option<&Unknown<'_>>) -> Result<Vec<Pause>> {
    match v.filter(|v| !is_nullish(v)) {
        None => Ok(Vec::new()),
        Some(v) => list("pauses", v, "an array of [start, end] pairs", |at, p| {
            pair(at, p, "a [start, end] pair", instant)
        }),
    }
}

// ---------------------------------------------------------------- results


/// An instant as a JS `Date`.
///
/// # Errors
/// `invalid_input` if napi fails to create the `Date` (it should not).
pub fn date(env: &Env, t: DateTime<Utc>) -> Result<JsDate<'_>> {
    // Milliseconds since the epoch are far below 2^53: exact.
    env.create_date(t.timestamp_millis() as f64)
        .map_err(|e| from_napi(ErrorKind::InvalidInput, "creating the result Date", &e))
}

/// A duration as seconds for JS (spans are at most ten years: exact).
pub fn seconds(d: TimeDelta) -> f64 {
    d.num_seconds() as f64
}
