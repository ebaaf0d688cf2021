//! Reading requests, configurations and instants: the one loader every entry
//! point and both bindings use.
//!
//! - [`from_value`] reads a request type from a `serde_json::Value` (what the
//!   Python and Node bindings build from their arguments). Errors are coded
//!   by what went wrong and name the path of the bad value
//!   (`tickets[3].events[0].at: ...`): `missing_key` for a missing field,
//!   `invalid_type` for a value of the wrong type (a non-object where an
//!   object goes says "must be an object"), `invalid_input` for an unknown
//!   key, an unknown variant, a bad value or a null where a value is
//!   required. Both bindings read every request through it, so one mistake
//!   gets one code in Rust, Python and Node.
//! - [`from_json`] and `from_toml` (with the `toml` feature) read
//!   human-written configuration text:
//!   size checked first ([`limits::MAX_CONFIG_BYTES`]), then parsed; every
//!   failure is `parse_error` with the path of the bad value in the message.
//! - [`parse_instant`] reads an RFC 3339 instant; a date-time without a UTC
//!   offset gets a message saying so (instead of chrono's "premature end of
//!   input"). The same message is given wherever a request's instant lacks
//!   its offset.
//!
//! # Examples
//! One reader for a service's request bodies, with opsbrain's codes and paths:
//! ```
//! use opsbrain::classify::Ticket;
//! let e = opsbrain::input::from_body::<Vec<Ticket>>(r#"[{"subject": "ok"}, {"subjet": "typo"}]"#)
//!     .unwrap_err();
//! assert_eq!(e.code(), "invalid_input");
//! assert!(e.message.starts_with("[1].subjet: unknown field"), "{}", e.message);
//! let at = opsbrain::input::parse_instant("2026-11-30T09:00:00+01:00")?;
//! assert_eq!(at.to_rfc3339(), "2026-11-30T08:00:00+00:00");
//! # Ok::<(), opsbrain::Error>(())
//! ```

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, Utc};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{Error, ErrorKind, Result};
#[cfg(doc)]
use crate::limits;
use crate::validate::check_config_size;

/// Reads a `T` from a JSON value, naming the path of the first bad value.
///
/// # Examples
/// ```
/// use opsbrain::classify::Ticket;
/// let t: Ticket = opsbrain::input::from_value(&serde_json::json!({"subject": "Site down"}))?;
/// assert_eq!(t.subject, "Site down");
///
/// let e = opsbrain::input::from_value::<Ticket>(&serde_json::json!({"subject": "x", "chanel": "chat"}))
///     .unwrap_err();
/// assert_eq!(e.code(), "invalid_input");
/// assert!(e.message.starts_with("chanel: unknown field"), "{}", e.message);
/// # Ok::<(), opsbrain::Error>(())
/// ```
///
/// # Errors
/// `missing_key`, `invalid_type` or `invalid_input` (see the module docs),
/// the message starting with the path of the bad value.
pub fn from_value<T: DeserializeOwned>(value: &Value) -> Result<T> {
    from_value_at(value, "")
}

/// [`from_value`] for a value found at `at` (an argument name or a path
/// such as `tickets[3]`), which prefixes the path in every error.
///
/// # Examples
/// ```
/// use opsbrain::classify::Ticket;
/// let e = opsbrain::input::from_value_at::<Ticket>(&serde_json::json!({"body": "x"}), "tickets[3]")
///     .unwrap_err();
/// assert_eq!((e.code(), e.message.as_str()), ("missing_key", "tickets[3]: missing field `subject`"));
/// let e = opsbrain::input::from_value_at::<Ticket>(&serde_json::json!(7), "tickets[0]").unwrap_err();
/// assert_eq!(e.code(), "invalid_type");
/// assert!(e.message.starts_with("tickets[0] must be an object, got integer `7`"), "{}", e.message);
/// ```
///
/// # Errors
/// As [`from_value`].
pub fn from_value_at<T: DeserializeOwned>(value: &Value, at: &str) -> Result<T> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let inner_path = e.path().to_string();
        let path = match inner_path.as_str() {
            "." | "" => at.to_owned(),
            p if at.is_empty() => p.to_owned(),
            p if p.starts_with('[') => format!("{at}{p}"),
            p => format!("{at}.{p}"),
        };
        let message = e.into_inner().to_string();
        if let Some(got) = message
            .strip_prefix("invalid type: ")
            .and_then(|m| m.split_once(", expected struct"))
            .map(|(got, _)| got)
        {
            let what = if path.is_empty() {
                "the value"
            } else {
                path.as_str()
            };
            return Error::new(
                ErrorKind::InvalidType,
                format!("{what} must be an object, got {got}"),
            );
        }
        // A null where a value is required reads as a missing value.
        let kind = if message.starts_with("missing field") {
            ErrorKind::MissingKey
        } else if message.starts_with("invalid type") && !message.starts_with("invalid type: null")
        {
            ErrorKind::InvalidType
        } else {
            ErrorKind::InvalidInput
        };
        let bad = pointer(value, &inner_path);
        let (path, message) = match offset_field(bad, &message) {
            // An internally tagged record (an SLA event) is reported at the
            // record: name the field whose instant lacks its offset.
            Some((key, hint)) => (format!("{path}.{key}"), hint),
            None => (path, instant_hint(bad, message)),
        };
        located(kind, &path, message)
    })
}

/// Reads one object (at path `at`) into two types: its `keys` into `K`, the
/// rest into `T`. For options that carry values beside a parameter type
/// (a series' `start` and `step_secs` beside a forecast's parameters, a
/// thread count beside a forest's), each part keeps the one reader's codes
/// and paths; an unknown key is an error of `T`.
///
/// # Examples
/// ```
/// use opsbrain::anomaly::IsolationForestParams;
/// let v = serde_json::json!({"n_estimators": 10, "n_jobs": 2});
/// let (jobs, p): (std::collections::BTreeMap<String, i64>, IsolationForestParams) =
///     opsbrain::input::split_at(&v, "options", &["n_jobs"])?;
/// assert_eq!((jobs["n_jobs"], p.n_estimators), (2, 10));
/// let e = opsbrain::input::split_at::<serde_json::Value, IsolationForestParams>(&serde_json::json!(3), "options", &[])
///     .unwrap_err();
/// assert_eq!(e.code(), "invalid_type");
/// # Ok::<(), opsbrain::Error>(())
/// ```
///
/// # Errors
/// As [`from_value_at`]; a non-object is `invalid_type`.
pub fn split_at<K: DeserializeOwned, T: DeserializeOwned>(
    value: &Value,
    at: &str,
    keys: &[&str],
) -> Result<(K, T)> {
    let Value::Object(map) = value else {
        let got = match value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            _ => "an array",
        };
        return Err(Error::new(
            ErrorKind::InvalidType,
            format!("{at} must be an object, got {got}"),
        ));
    };
    let (taken, rest): (serde_json::Map<_, _>, serde_json::Map<_, _>) = map
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .partition(|(k, _)| keys.contains(&k.as_str()));
    Ok((
        from_value_at(&Value::Object(taken), at)?,
        from_value_at(&Value::Object(rest), at)?,
    ))
}

/// Checks the dates rule every entry point applies (instants in the years
/// 1 to 9999), for bindings that build instants themselves.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// let t = Utc.with_ymd_and_hms(2026, 1, 5, 0, 0, 0).unwrap();
/// assert_eq!(opsbrain::input::check_years(t, "now")?, t);
/// let far = Utc.with_ymd_and_hms(10_000, 1, 1, 0, 0, 0).unwrap();
/// assert_eq!(opsbrain::input::check_years(far, "now").unwrap_err().code(), "invalid_input");
/// # Ok::<(), opsbrain::Error>(())
/// ```
///
/// # Errors
/// `invalid_input` naming `path`.
pub fn check_years(t: DateTime<Utc>, path: &str) -> Result<DateTime<Utc>> {
    crate::validate::check_instant(t, path).map(|()| t)
}

/// A parameter reader's error as a configuration error: a bad value is
/// `invalid_config` (as the parameter checks say it); an unknown key, a
/// missing key and a wrong type keep their codes.
#[cfg(any(feature = "anomaly", feature = "capacity"))]
pub(crate) fn as_config(e: Error) -> Error {
    match e.kind {
        ErrorKind::InvalidInput if !e.message.contains("unknown field") => {
            Error::new(ErrorKind::InvalidConfig, e.message)
        }
        _ => e,
    }
}

/// When the bad value is a record (not one of serde's own shape errors:
/// serde reports the fields of an internally tagged record, such as an SLA
/// event, at the record) with a field whose own check gives this mistake
/// (a priority, channel, tier or instant), that field and the message.
fn offset_field(bad: Option<&Value>, message: &str) -> Option<(String, String)> {
    let record = bad?.as_object()?;
    // An unknown key of a tagged record: name it, as serde does for others.
    if let Some(key) = message
        .strip_prefix("unknown field `")
        .and_then(|m| m.split_once('`'))
        .map(|(k, _)| k)
        .filter(|k| record.contains_key(*k))
    {
        return Some((key.to_owned(), message.to_owned()));
    }
    const SERDE_OWN: [&str; 5] = [
        "unknown field",
        "unknown variant",
        "missing",
        "invalid type",
        "invalid length",
    ];
    if SERDE_OWN.iter().any(|p| message.starts_with(p)) {
        return None;
    }
    // An instant that only lacks its offset, whichever parser reported it.
    let naive = record.iter().find_map(|(k, v)| {
        let s = v.as_str().filter(|s| lacks_offset(s))?;
        Some((
            k.clone(),
            instant_hint(Some(&Value::String(s.to_owned())), String::new()),
        ))
    });
    naive.or_else(|| {
        record.iter().find_map(|(k, v)| {
            let own = match v {
                Value::String(s) => [
                    s.parse::<crate::Priority>().err(),
                    s.parse::<crate::Channel>().err(),
                    parse_instant(s).err(),
                ]
                .into_iter()
                .flatten()
                .find(|e| e.message == message),
                Value::Number(n) => n.as_i64().and_then(|n| crate::Tier::new(n).err()),
                _ => None,
            };
            own.filter(|e| e.message == message)
                .map(|e| (k.clone(), e.message))
        })
    })
}

/// Deserialises an instant with [`parse_instant`]'s reading and messages
/// (for `#[serde(deserialize_with = "...")]`): a date-time without its
/// UTC offset is named as such, through serde as through every entry point.
///
/// # Examples
/// ```
/// #[derive(serde::Deserialize)]
/// struct Body {
///     #[serde(deserialize_with = "opsbrain::input::instant")]
///     at: chrono::DateTime<chrono::Utc>,
/// }
/// let e = serde_json::from_str::<Body>(r#"{"at": "2026-11-30T09:00:00"}"#).err().unwrap();
/// assert!(e.to_string().contains("has no UTC offset"), "{e}");
/// ```
///
/// # Errors
/// As [`parse_instant`], as the deserializer's error.
pub fn instant<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<DateTime<Utc>, D::Error> {
    struct Instant;
    impl serde::de::Visitor<'_> for Instant {
        type Value = DateTime<Utc>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an RFC 3339 instant with a UTC offset")
        }
        fn visit_str<E: serde::de::Error>(self, s: &str) -> std::result::Result<DateTime<Utc>, E> {
            parse_instant(s).map_err(|e| E::custom(e.message))
        }
    }
    d.deserialize_str(Instant)
}

/// [`instant`] for an optional instant (`null` or absent is `None`; pair it
/// with `#[serde(default)]`).
///
/// # Examples
/// ```
/// #[derive(serde::Deserialize)]
/// struct Body {
///     #[serde(default, deserialize_with = "opsbrain::input::optional_instant")]
///     since: Option<chrono::DateTime<chrono::Utc>>,
/// }
/// assert!(serde_json::from_str::<Body>("{}").unwrap().since.is_none());
/// assert!(serde_json::from_str::<Body>(r#"{"since": "2026-11-30"}"#).is_err());
/// ```
///
/// # Errors
/// As [`instant`].
pub fn optional_instant<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<DateTime<Utc>>, D::Error> {
    #[derive(serde::Deserialize)]
    struct Wrap(#[serde(deserialize_with = "instant")] DateTime<Utc>);
    Ok(<Option<Wrap> as serde::Deserialize>::deserialize(d)?.map(|w| w.0))
}

/// Reads a `T` from JSON configuration text (size-checked, then parsed),
/// naming the path of the first bad value.
///
/// # Examples
/// ```
/// use opsbrain::escalation::EscalationPolicy;
/// let e = opsbrain::input::from_json::<serde_json::Value>("{\"levels\": ").unwrap_err();
/// assert_eq!(e.code(), "parse_error");
/// ```
///
/// # Errors
/// `limit_exceeded` past [`limits::MAX_CONFIG_BYTES`]; `parse_error`
/// otherwise.
pub fn from_json<T: DeserializeOwned>(text: &str) -> Result<T> {
    check_config_size(text)?;
    let mut de = serde_json::Deserializer::from_str(text);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        // A syntax error has no meaningful path: the text stops being JSON.
        let path = if inner.is_data() { path.as_str() } else { "" };
        located(
            ErrorKind::ParseError,
            path,
            format!("invalid JSON: {inner}"),
        )
    })?;
    de.end()
        .map_err(|e| Error::new(ErrorKind::ParseError, format!("invalid JSON: {e}")))?;
    Ok(value)
}

/// Reads a request of type `T` from a JSON body (an HTTP request's, a
/// queue message's) with the codes of every entry point: `parse_error` only
/// when the text is not JSON; a bad value inside it gets the code and
/// message [`from_value`] gives, naming its path. Use it instead of
/// `serde_json::from_str`, whose errors carry no opsbrain code.
///
/// # Examples
/// ```
/// use opsbrain::classify::Ticket;
/// let t: Ticket = opsbrain::input::from_body(r#"{"subject": "Site down"}"#)?;
/// assert_eq!(t.subject, "Site down");
/// let e = opsbrain::input::from_body::<Ticket>(r#"{"subject": "x", "channel": "fax"}"#).unwrap_err();
/// assert_eq!(e.code(), "invalid_input");
/// assert!(e.message.starts_with("channel: unknown channel \"fax\""), "{}", e.message);
/// assert_eq!(opsbrain::input::from_body::<Ticket>("{").unwrap_err().code(), "parse_error");
/// # Ok::<(), opsbrain::Error>(())
/// ```
///
/// # Errors
/// `limit_exceeded` past [`limits::MAX_REQUEST_BYTES`] (checked before
/// parsing); `parse_error` for text that is not JSON; otherwise as
/// [`from_value`].
pub fn from_body<T: DeserializeOwned>(text: &str) -> Result<T> {
    if text.len() > crate::limits::MAX_REQUEST_BYTES {
        return Err(Error::limit(format!(
            "request body is {} bytes; at most {} are allowed",
            text.len(),
            crate::limits::MAX_REQUEST_BYTES
        )));
    }
    let value: Value = serde_json::from_str(text)
        .map_err(|e| Error::new(ErrorKind::ParseError, format!("invalid JSON: {e}")))?;
    from_value(&value)
}

/// A core value with one JSON form, the same in every language: what
/// `to_json` writes, `from_json` reads back (validated). Bindings build
/// their `fromJson`/`to_json` methods on it.
///
/// # Examples
/// ```
/// use opsbrain::classify::{Route, RuleSet};
/// use opsbrain::input::JsonForm;
/// fn round_trip<T: JsonForm + PartialEq + std::fmt::Debug>(v: T) {
///     assert_eq!(T::from_json(&v.to_json()).unwrap(), v);
/// }
/// round_trip(RuleSet::builtin());
/// round_trip(opsbrain::classify::ClassificationTable::builtin().classify("api_errors"));
/// ```
pub trait JsonForm: Sized {
    /// Reads (and validates) the JSON form.
    ///
    /// # Errors
    /// `parse_error` for text that is not the JSON form; the type's own
    /// validation errors.
    fn from_json(text: &str) -> Result<Self>;
    /// Writes the JSON form.
    fn to_json(&self) -> String;
}

/// [`JsonForm`] through the type's own `from_json`/`to_json` (`own:`, for
/// types that validate), or through serde and [`from_json`] (`serde:`).
#[cfg(any(feature = "anomaly", feature = "cache", feature = "classify"))]
macro_rules! json_form {
    (own: $($t:ty),*) => {$(
        impl JsonForm for $t {
            fn from_json(text: &str) -> Result<Self> {
                <$t>::from_json(text)
            }
            fn to_json(&self) -> String {
                <$t>::to_json(self)
            }
        }
    )*};
    (serde: $($t:ty),*) => {$(
        impl JsonForm for $t {
            fn from_json(text: &str) -> Result<Self> {
                from_json(text)
            }
            fn to_json(&self) -> String {
                serde_json::to_string(self).expect("a result always serialises to JSON")
            }
        }
    )*};
}

#[cfg(feature = "anomaly")]
json_form!(own:
    crate::anomaly::IsolationForest,
    crate::anomaly::FittedGroup,
    crate::anomaly::ProactiveMonitor,
    crate::anomaly::stream::StreamDetector,
    crate::anomaly::stream::Episodes
);
#[cfg(feature = "anomaly")]
json_form!(serde: crate::anomaly::GroupAnomalies);
#[cfg(feature = "cache")]
json_form!(own: crate::cache::MissRatioCurve, crate::cache::StrategyTable);
#[cfg(feature = "classify")]
json_form!(own: crate::classify::ClassificationTable, crate::classify::RuleSet);
#[cfg(feature = "classify")]
json_form!(serde:
    crate::classify::Router,
    crate::classify::Route,
    crate::classify::Routing
);
#[cfg(feature = "ops")]
json_form!(own: crate::ops::KnowledgeBase);
#[cfg(feature = "sla")]
json_form!(own:
    crate::calendar::BusinessCalendar,
    crate::escalation::EscalationPolicy,
    crate::sla::SlaPolicy
);

/// Reads a `T` from TOML configuration text (size-checked, then parsed),
/// naming the path of the first bad value.
///
/// # Examples
/// ```
/// let v: toml::Table = opsbrain::input::from_toml("a = 1")?;
/// assert_eq!(v["a"].as_integer(), Some(1));
/// # Ok::<(), opsbrain::Error>(())
/// ```
///
/// # Errors
/// `limit_exceeded` past [`limits::MAX_CONFIG_BYTES`]; `parse_error`
/// otherwise.
#[cfg(feature = "toml")]
#[cfg_attr(docsrs, doc(cfg(feature = "toml")))]
pub fn from_toml<T: DeserializeOwned>(text: &str) -> Result<T> {
    check_config_size(text)?;
    let de = toml::Deserializer::parse(text)
        .map_err(|e| Error::new(ErrorKind::ParseError, format!("invalid TOML: {e}")))?;
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        located(
            ErrorKind::ParseError,
            &path,
            format!("invalid TOML: {}", e.into_inner()),
        )
    })
}

/// Reads an RFC 3339 instant (`2026-01-05T09:00:00Z`,
/// `2026-01-05T10:00:00+01:00`) as UTC.
///
/// # Examples
/// ```
/// let t = opsbrain::input::parse_instant("2026-01-05T10:00:00+01:00")?;
/// assert_eq!(t.to_rfc3339(), "2026-01-05T09:00:00+00:00");
///
/// let e = opsbrain::input::parse_instant("2026-01-05T09:00:00").unwrap_err();
/// assert_eq!(e.code(), "invalid_input");
/// assert!(e.message.contains("no UTC offset"), "{}", e.message);
/// # Ok::<(), opsbrain::Error>(())
/// ```
///
/// # Errors
/// `invalid_input` for anything else, saying when only the offset is
/// missing.
pub fn parse_instant(text: &str) -> Result<DateTime<Utc>> {
    if let Ok(t) =
        DateTime::parse_from_rfc3339(text).or_else(|_| text.parse::<DateTime<FixedOffset>>())
    {
        return Ok(t.with_timezone(&Utc));
    }
    let message = instant_hint(
        Some(&Value::String(text.to_owned())),
        format!("{text:?} is not an ISO-8601 instant with an offset, such as {EXAMPLE}"),
    );
    Err(Error::new(ErrorKind::InvalidInput, message))
}

/// How an instant is written.
const EXAMPLE: &str = "\"2026-11-30T09:00:00Z\" or \"2026-11-30T09:00:00-05:00\"";

/// Whether `text` is a date or date-time that only lacks its UTC offset.
fn lacks_offset(text: &str) -> bool {
    const NAIVE: [&str; 4] = [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ];
    let t = text.trim();
    NAIVE
        .iter()
        .any(|f| NaiveDateTime::parse_from_str(t, f).is_ok())
        || t.parse::<NaiveDate>().is_ok()
}

/// Replaces a parse message with the missing-offset explanation when the bad
/// value is a date-time without an offset.
fn instant_hint(bad: Option<&Value>, message: String) -> String {
    match bad {
        Some(Value::String(s)) if lacks_offset(s) => format!(
            "{s:?} has no UTC offset (the offset is missing): add `Z` or `+hh:mm`, as in {EXAMPLE}"
        ),
        _ => message,
    }
}

/// The value at a serde_path_to_error path (`a.b[2].c`), when it exists.
fn pointer<'v>(root: &'v Value, path: &str) -> Option<&'v Value> {
    if path == "." || path.is_empty() {
        return Some(root);
    }
    let mut cur = root;
    for part in path.split('.') {
        let (key, rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            cur = cur.get(key)?;
        }
        for index in rest.split('[').filter(|s| !s.is_empty()) {
            cur = cur.get(index.strip_suffix(']')?.parse::<usize>().ok()?)?;
        }
    }
    Some(cur)
}

fn located(kind: ErrorKind, path: &str, message: String) -> Error {
    if path.is_empty() || path == "." {
        Error::new(kind, message)
    } else {
        Error::new(kind, format!("{path}: {message}"))
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Event {
        at: DateTime<Utc>,
        #[serde(default)]
        channel: Option<String>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Ticket {
        events: Vec<Event>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Batch {
        tickets: Vec<Ticket>,
        count: u32,
    }

    fn err(v: Value) -> Error {
        from_value::<Batch>(&v).unwrap_err()
    }

    #[test]
    fn paths_and_codes() {
        let ok = json!({"at": "2026-01-05T09:00:00Z"});
        let e = err(
            json!({"count": 1, "tickets": [{"events": [ok]}, {"events": [
            {"at": "2026-01-05T09:00:00Z", "chanel": "chat"}]}]}),
        );
        assert_eq!(e.code(), "invalid_input");
        assert!(
            e.message
                .starts_with("tickets[1].events[0].chanel: unknown field `chanel`"),
            "{}",
            e.message
        );
        let e = err(json!({"count": 1, "tickets": [{"events": [{"channel": "x"}]}]}));
        assert_eq!(
            (e.code(), e.message.as_str()),
            ("missing_key", "tickets[0].events[0]: missing field `at`")
        );
        let e = err(json!({"count": 1.5, "tickets": []}));
        assert_eq!(e.code(), "invalid_type");
        assert!(
            e.message
                .starts_with("count: invalid type: floating point `1.5`")
        );
        let e = err(json!({"count": -1, "tickets": []}));
        assert_eq!(e.code(), "invalid_input");
        assert!(e.message.starts_with("count: invalid value: integer `-1`"));
    }

    #[cfg(feature = "sla")]
    #[test]
    fn missing_offset_inside_a_tagged_record_names_the_field() {
        let e = from_value_at::<Vec<crate::sla::SlaEvent>>(
            &json!([{"type": "created", "at": "2026-11-02T09:00:00", "tier": 1, "priority": "high"}]),
            "events",
        )
        .unwrap_err();
        assert_eq!(e.code(), "invalid_input");
        assert!(
            e.message
                .starts_with("events[0].at: \"2026-11-02T09:00:00\" has no UTC offset"),
            "{}",
            e.message
        );
    }

    #[test]
    fn missing_offset_is_named() {
        for bad in ["2026-01-05T09:00:00", "2026-01-05 09:00:00", "2026-01-05"] {
            let e = err(json!({"count": 1, "tickets": [{"events": [{"at": bad}]}]}));
            assert_eq!(e.code(), "invalid_input", "{bad}");
            assert!(
                e.message.starts_with("tickets[0].events[0].at: ")
                    && e.message.contains("has no UTC offset"),
                "{bad}: {}",
                e.message
            );
            assert!(
                parse_instant(bad)
                    .unwrap_err()
                    .message
                    .contains("no UTC offset")
            );
        }
        let e = parse_instant("yesterday").unwrap_err();
        assert_eq!(e.code(), "invalid_input");
        assert!(!e.message.contains("missing"), "{}", e.message);
        assert_eq!(
            parse_instant("2026-01-05T10:00:00+01:00")
                .unwrap()
                .to_rfc3339(),
            "2026-01-05T09:00:00+00:00"
        );
    }

    #[test]
    fn config_text_is_size_checked_and_located() {
        let big = " ".repeat(crate::limits::MAX_CONFIG_BYTES + 1);
        assert_eq!(
            from_json::<Value>(&big).unwrap_err().code(),
            "limit_exceeded"
        );
        let e =
            from_json::<Batch>(r#"{"count": 1, "tickets": [{"events": [], "x": 1}]}"#).unwrap_err();
        assert_eq!(e.code(), "parse_error");
        assert!(
            e.message
                .starts_with("tickets[0].x: invalid JSON: unknown field `x`"),
            "{}",
            e.message
        );
        assert_eq!(
            from_json::<Value>("{} {}").unwrap_err().code(),
            "parse_error"
        );
    }

    #[cfg(feature = "toml")]
    #[test]
    fn toml_text_is_located() {
        let e = from_toml::<Batch>("count = 1\n[[tickets]]\nevents = 3\n").unwrap_err();
        assert_eq!(e.code(), "parse_error");
        assert!(
            e.message.starts_with("tickets[0].events: invalid TOML"),
            "{}",
            e.message
        );
    }
}
