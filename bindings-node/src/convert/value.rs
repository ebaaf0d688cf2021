//! The one bounded reader from JS values to serde values, and the one
//! writer back.
//!
//! Reading ([`arg`], [`read`]): objects' keys go from camelCase to
//! snake_case (a key with `_` is refused, naming its JS spelling), except
//! under the keys a [`Shape`] lists as data; `Date`s become RFC 3339
//! strings; `BigInt`s exact integers (or their decimal string past 64
//! bits); numbers must be finite, and integral ones up to 2^53 - 1 become
//! JSON integers (larger or fractional ones stay floats, which an integer
//! field refuses). Nesting is bounded by [`MAX_DEPTH`] and the number of
//! values read by [`MAX_VALUES`], both `limit_exceeded`; an array is
//! refused by its `length` before any element is read, so a sparse array
//! costs only what it holds within the bound.
//!
//! Writing ([`result`]): serde JSON to JS, keys snake_case to camelCase,
//! instants as `Date`s and number lists as typed arrays where the result's
//! [`Shape`] says so.

use std::fmt::Write as _;

use chrono::{DateTime, SecondsFormat, Utc};
use napi::bindgen_prelude::{
    BigInt, Float64Array, Float64ArraySlice, FromNapiValue, JsObjectValue, Object, ToNapiValue,
    TypedArrayType, Unknown,
};
use napi::{Env, JsValue, ValueType};
use opsbrain::{Error, ErrorKind, Result};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Number, Value};

use super::scalar::{self, bad, is_nullish, napi_err, wrong};

/// Deepest nesting read from one argument (cyclic objects end here too).
pub const MAX_DEPTH: usize = 64;

/// Most JS values (array elements, object properties, scalars) read from
/// one argument; an array whose `length` alone is larger is refused unread.
pub const MAX_VALUES: usize = 10_000_000;

/// How the keys of a family's requests and results are spelled and typed.
/// Key names are snake_case; `""` is the value itself.
#[derive(Debug, Clone, Copy, Default)]
pub struct Shape {
    /// Keys holding instants (`Date` in JS).
    pub instants: &'static [&'static str],
    /// Objects whose own keys are data (kept as given; values as usual).
    pub data_maps: &'static [&'static str],
    /// Values whose keys are data at every depth (table rows).
    pub raw: &'static [&'static str],
    /// Number lists written as `Float64Array`.
    pub floats: &'static [&'static str],
    /// Integers written as `BigInt`.
    pub bigints: &'static [&'static str],
}

impl Shape {
    /// No renaming exceptions, no typed values.
    pub const PLAIN: Shape = Shape {
        instants: &[],
        data_maps: &[],
        raw: &[],
        floats: &[],
        bigints: &[],
    };

    /// How the keys under the (snake_case) key `name` are spelled.
    fn under(&self, name: &str) -> Keys {
        if self.raw.contains(&name) {
            Keys::Raw
        } else if self.data_maps.contains(&name) {
            Keys::Data
        } else {
            Keys::Camel
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keys {
    Camel,
    Data,
    Raw,
}

/// An RFC 3339 instant, as the core's serde form.
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// The core's snake_case name of a JS camelCase key.
pub fn snake(path: &str, key: &str) -> Result<String> {
    if key.contains('_') {
        return Err(bad(
            path,
            format_args!(
                "has the unknown key {key:?}; in JS it is spelled {:?}",
                camel(key)
            ),
        ));
    }
    let mut out = String::with_capacity(key.len() + 4);
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    Ok(out)
}

/// The camelCase spelling of a snake_case name.
pub fn camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        match c {
            '_' if !out.is_empty() => upper = true,
            c if upper => {
                out.push(c.to_ascii_uppercase());
                upper = false;
            }
            c => out.push(c),
        }
    }
    out
}

/// A serde message with its `` `snake_name` `` spans in camelCase.
fn camel_ticks(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    for (i, part) in message.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        if i % 2 == 1 {
            out.push_str(&camel(part));
        } else {
            out.push_str(part);
        }
    }
    out
}

struct Reader<'s> {
    shape: &'s Shape,
    values: usize,
}

fn too_many(path: &str) -> Error {
    Error::new(
        ErrorKind::LimitExceeded,
        format!("{path} holds more than {MAX_VALUES} values"),
    )
}

impl Reader<'_> {
    fn tick(&mut self, path: &str, n: usize) -> Result<()> {
        self.values = self.values.saturating_add(n);
        if self.values > MAX_VALUES {
            return Err(too_many(path));
        }
        Ok(())
    }

    fn number(&self, path: &str, x: f64) -> Result<Value> {
        if !x.is_finite() {
            return Err(bad(path, format_args!("must be a finite number, got {x}")));
        }
        if x.trunc() == x && x.abs() <= scalar::MAX_SAFE {
            // Exact: an integer within the safe range.
            return Ok(Value::Number(Number::from(x as i64)));
        }
        Number::from_f64(x)
            .map(Value::Number)
            .ok_or_else(|| bad(path, "must be a finite number"))
    }

    /// `v` as JSON, `None` for `undefined`.
    fn read(
        &mut self,
        path: &mut String,
        v: &Unknown<'_>,
        depth: usize,
        keys: Keys,
        instant: bool,
    ) -> Result<Option<Value>> {
        if depth > MAX_DEPTH {
            return Err(Error::new(
                ErrorKind::LimitExceeded,
                format!("{path} is nested more than {MAX_DEPTH} levels deep (or is cyclic)"),
            ));
        }
        self.tick(path, 1)?;
        let ty = v.get_type().map_err(napi_err(path))?;
        if instant
            && !matches!(
                ty,
                ValueType::String | ValueType::Object | ValueType::Null | ValueType::Undefined
            )
        {
            return Err(wrong(
                path,
                "a Date or an ISO-8601 string with an offset",
                v,
            ));
        }
        let value = match ty {
            ValueType::Undefined => return Ok(None),
            ValueType::Null => Value::Null,
            ValueType::Boolean => Value::Bool(scalar::boolean(path, v)?),
            ValueType::String if instant => {
                // Checked here for the friendly message and the years rule.
                let text = scalar::string(path, v)?;
                scalar::parse_instant(path, &text)?;
                Value::String(text)
            }
            ValueType::String => Value::String(scalar::string(path, v)?),
            ValueType::Number => {
                let x = f64::from_unknown(*v).map_err(napi_err(path))?;
                self.number(path, x)?
            }
            ValueType::BigInt => {
                let b = BigInt::from_unknown(*v).map_err(napi_err(path))?;
                match (b.get_i64(), b.get_u64()) {
                    ((x, true), _) => Value::Number(Number::from(x)),
                    (_, (false, x, true)) => Value::Number(Number::from(x)),
                    _ => {
                        let text = v
                            .coerce_to_string()
                            .and_then(|s| s.into_utf8())
                            .and_then(|s| s.into_owned())
                            .map_err(napi_err(path))?;
                        Value::String(text)
                    }
                }
            }
            ValueType::Object if v.is_date().map_err(napi_err(path))? => {
                Value::String(rfc3339(scalar::instant(path, v)?))
            }
            ValueType::Object if v.is_array().map_err(napi_err(path))? => {
                self.array(path, v, depth, keys, instant)?
            }
            ValueType::Object => match scalar::typed_array(v) {
                Some(t) => self.typed(path, v, t)?,
                None => self.object(path, v, depth, keys)?,
            },
            _ => return Err(wrong(path, "a JSON-like value", v)),
        };
        Ok(Some(value))
    }

    fn array(
        &mut self,
        path: &mut String,
        v: &Unknown<'_>,
        depth: usize,
        keys: Keys,
        instant: bool,
    ) -> Result<Value> {
        let obj = v.coerce_to_object().map_err(napi_err(path))?;
        let len = obj.get_array_length().map_err(napi_err(path))? as usize;
        self.tick(path, len)?;
        self.values -= len;
        let mut out = Vec::with_capacity(len.min(1 << 16));
        let base = path.len();
        for i in 0..len {
            let _ = write!(path, "[{i}]");
            // `len <= MAX_VALUES < 2^32`: the index fits.
            let el: Unknown<'_> = obj.get_element(i as u32).map_err(napi_err(path))?;
            let read = self.read(path, &el, depth + 1, keys, instant)?;
            out.push(read.unwrap_or(Value::Null));
            path.truncate(base);
        }
        Ok(Value::Array(out))
    }

    fn typed(&mut self, path: &str, v: &Unknown<'_>, t: TypedArrayType) -> Result<Value> {
        let nums: Vec<Value> = match t {
            TypedArrayType::Float64 => {
                let s = Float64ArraySlice::from_unknown(*v).map_err(napi_err(path))?;
                self.tick(path, s.len())?;
                s.iter()
                    .enumerate()
                    .map(|(i, &x)| self.number(&format!("{path}[{i}]"), x))
                    .collect::<Result<_>>()?
            }
            _ => return Err(wrong(path, "a JSON-like value", v)),
        };
        Ok(Value::Array(nums))
    }

    fn object(
        &mut self,
        path: &mut String,
        v: &Unknown<'_>,
        depth: usize,
        keys: Keys,
    ) -> Result<Value> {
        let obj = v.coerce_to_object().map_err(napi_err(path))?;
        let names = Object::keys(&obj).map_err(napi_err(path))?;
        self.tick(path, names.len())?;
        self.values -= names.len();
        let mut map = Map::new();
        let base = path.len();
        for key in names {
            let (name, inner) = match keys {
                Keys::Camel => {
                    let name = snake(path, &key)?;
                    let inner = self.shape.under(&name);
                    (name, inner)
                }
                Keys::Data => (key.clone(), Keys::Camel),
                Keys::Raw => (key.clone(), Keys::Raw),
            };
            if base == 0 {
                path.push_str(&key);
            } else {
                let _ = write!(path, ".{key}");
            }
            let value: Unknown<'_> = obj.get_named_property(&key).map_err(napi_err(path))?;
            let instant = keys != Keys::Raw && self.shape.instants.contains(&name.as_str());
            if let Some(value) = self.read(path, &value, depth + 1, inner, instant)? {
                map.insert(name, value);
            }
            path.truncate(base);
        }
        Ok(Value::Object(map))
    }
}

/// Reads `v` as serde JSON per `shape` (`undefined` reads as `null`).
pub fn read(path: &str, v: &Unknown<'_>, shape: &Shape) -> Result<Value> {
    let mut reader = Reader { shape, values: 0 };
    let mut p = path.to_owned();
    let instant = shape.instants.contains(&"");
    Ok(reader
        .read(&mut p, v, 0, shape.under(""), instant)?
        .unwrap_or(Value::Null))
}

/// Deserialises serde JSON into a core type with the core's one reader
/// ([`opsbrain::input::from_value_at`]: codes by cause, the path of the bad
/// value), field names in the message spelled in camelCase.
pub fn parse<T: DeserializeOwned>(path: &str, value: Value) -> Result<T> {
    camel_errors(path, opsbrain::input::from_value_at(&value, path))
}

/// A core result with the field names in its error message in camelCase.
fn camel_errors<T>(path: &str, r: Result<T>) -> Result<T> {
    r.map_err(|e| Error::new(e.kind, camel_message(path, &e.message)))
}

/// An optional JS argument read by a core reader `f` (`undefined`/`null`
/// read as `null`), for options the core splits itself.
pub fn with<T>(
    path: &str,
    v: Option<&Unknown<'_>>,
    shape: &Shape,
    f: impl FnOnce(&Value, &str) -> Result<T>,
) -> Result<T> {
    let value = match v {
        Some(v) => read(path, v, shape)?,
        None => Value::Null,
    };
    camel_errors(path, f(&value, path))
}

/// A core message with the snake_case names in its path (after `root`) and
/// in its `` `quoted` `` spans in camelCase.
fn camel_message(root: &str, message: &str) -> String {
    let (head, rest) = match message.strip_prefix(root) {
        Some(rest) => (root, rest),
        None => ("", message),
    };
    let cut = rest
        .find(": ")
        .into_iter()
        .chain(rest.find(" must be"))
        .min()
        .unwrap_or(0);
    let (tail_path, text) = rest.split_at(cut);
    let tail_path: String = tail_path
        .split('.')
        .map(|seg| match seg.find('[') {
            Some(i) => format!("{}{}", camel(&seg[..i]), &seg[i..]),
            None => camel(seg),
        })
        .collect::<Vec<_>>()
        .join(".");
    format!("{head}{tail_path}{}", camel_ticks(text))
}

/// A JS argument as the core request type `T`.
pub fn arg<T: DeserializeOwned>(path: &str, v: &Unknown<'_>, shape: &Shape) -> Result<T> {
    parse(path, read(path, v, shape)?)
}

/// An optional argument: `undefined`/`null` (or absent) is `T::default()`.
pub fn opt<T: DeserializeOwned + Default>(
    path: &str,
    v: Option<&Unknown<'_>>,
    shape: &Shape,
) -> Result<T> {
    match v.filter(|v| !is_nullish(v)) {
        None => Ok(T::default()),
        Some(v) => arg(path, v, shape),
    }
}

/// A plain object argument (not an array, `Date` or typed array).
pub fn object<T: DeserializeOwned>(path: &str, v: &Unknown<'_>, shape: &Shape) -> Result<T> {
    let is_obj = v.get_type().map_err(napi_err(path))? == ValueType::Object
        && !v.is_array().map_err(napi_err(path))?
        && !v.is_date().map_err(napi_err(path))?
        && scalar::typed_array(v).is_none();
    if !is_obj {
        return Err(wrong(path, "an object", v));
    }
    arg(path, v, shape)
}

/// An array argument deserialised element by element, so that a shape
/// error names the element (`events[3]: unknown field ...`); with
/// `objects`, every element must be an object (serde would also take a
/// struct as a positional list).
pub fn items<T: DeserializeOwned>(
    path: &str,
    v: &Unknown<'_>,
    shape: &Shape,
    objects: bool,
) -> Result<Vec<T>> {
    if !v.is_array().map_err(napi_err(path))? {
        return Err(wrong(path, "an array", v));
    }
    let Value::Array(list) = read(path, v, shape)? else {
        return Err(wrong(path, "an array", v));
    };
    list.into_iter()
        .enumerate()
        .map(|(i, el)| {
            let at = format!("{path}[{i}]");
            match &el {
                Value::Array(_) if objects => Err(Error::new(
                    ErrorKind::InvalidType,
                    format!("{at} must be an object, got array"),
                )),
                _ => parse(&at, el),
            }
        })
        .collect()
}

// ---------------------------------------------------------------- writing

fn napi_out(e: &napi::Error) -> Error {
    Error::new(
        ErrorKind::InvalidInput,
        format!("creating the result failed: {}", e.reason),
    )
}

fn numbers(list: &[Value]) -> Vec<f64> {
    list.iter()
        .map(|x| x.as_f64().unwrap_or(f64::NAN))
        .collect()
}

fn write_in<'e>(
    env: &'e Env,
    v: &Value,
    key: &str,
    keys: Keys,
    shape: &Shape,
) -> Result<Unknown<'e>> {
    let typed = keys == Keys::Camel;
    match v {
        Value::String(s) if typed && shape.instants.contains(&key) => {
            let t = DateTime::parse_from_rfc3339(s).map_err(|_| {
                bad(
                    &camel(key),
                    format_args!("{s:?} is outside years 1 to 9999"),
                )
            })?;
            scalar::date(env, &camel(key), t.with_timezone(&Utc))
        }
        Value::Number(n) if typed && shape.bigints.contains(&key) => match n.as_u64() {
            Some(x) => BigInt::from(x).into_unknown(env).map_err(|e| napi_out(&e)),
            None => v.clone().into_unknown(env).map_err(|e| napi_out(&e)),
        },
        Value::Array(list) if typed && shape.floats.contains(&key) => {
            Float64Array::new(numbers(list))
                .into_unknown(env)
                .map_err(|e| napi_out(&e))
        }
        Value::Array(list) => {
            let len = u32::try_from(list.len())
                .map_err(|_| Error::new(ErrorKind::LimitExceeded, "result array too long"))?;
            let mut arr = env.create_array(len).map_err(|e| napi_out(&e))?;
            for (i, el) in (0..len).zip(list) {
                arr.set(i, write_in(env, el, key, keys, shape)?)
                    .map_err(|e| napi_out(&e))?;
            }
            Ok(arr.to_unknown())
        }
        Value::Object(map) => {
            let mut obj = Object::new(env).map_err(|e| napi_out(&e))?;
            for (k, el) in map {
                let (name, inner) = match keys {
                    Keys::Camel => (camel(k), shape.under(k)),
                    Keys::Data => (k.clone(), Keys::Camel),
                    Keys::Raw => (k.clone(), Keys::Raw),
                };
                obj.set(name, write_in(env, el, k, inner, shape)?)
                    .map_err(|e| napi_out(&e))?;
            }
            Ok(obj.to_unknown())
        }
        other => other.clone().into_unknown(env).map_err(|e| napi_out(&e)),
    }
}

/// A core result as a JS value per `shape`.
pub fn result<'e, T: Serialize>(env: &'e Env, value: &T, shape: &Shape) -> Result<Unknown<'e>> {
    write_in(env, &serde_json::to_value(value)?, "", Keys::Camel, shape)
}

/// A JSON text argument: a string as given, an object or array through
/// `JSON.stringify` (for documents deeper than [`MAX_DEPTH`], such as plans).
pub fn json_text(path: &str, v: &Unknown<'_>) -> Result<String> {
    match v.get_type().map_err(napi_err(path))? {
        ValueType::String => return scalar::string(path, v),
        ValueType::Object => {}
        _ => return Err(wrong(path, "a JSON string, an object or an array", v)),
    }
    let json: Object<'_> = Env::from_raw(v.value().env)
        .get_global()
        .and_then(|g| g.get_named_property("JSON"))
        .map_err(napi_err(path))?;
    let stringify: napi::bindgen_prelude::Function<'_, Unknown<'_>, Unknown<'_>> = json
        .get_named_property("stringify")
        .map_err(napi_err(path))?;
    // `call` clears a thrown exception and returns it as the error.
    let out = stringify.call(*v).map_err(|e| {
        let (kind, why) = if e.reason.starts_with("RangeError") {
            (ErrorKind::LimitExceeded, "too deep or too large")
        } else if e.reason.contains("circular") {
            (ErrorKind::InvalidInput, "the object is cyclic")
        } else {
            (ErrorKind::InvalidInput, "JSON.stringify failed")
        };
        Error::new(kind, format!("{path}: {why} ({})", e.reason))
    })?;
    scalar::string(path, &out)
}

/// The named properties of a plain object (`None` when absent, `undefined`
/// or `null`; all `None` for a nullish object), refusing any other key.
pub fn fields<'e>(
    path: &str,
    v: Option<&Unknown<'e>>,
    names: &[&str],
) -> Result<Vec<Option<Unknown<'e>>>> {
    let Some(v) = v.filter(|v| !is_nullish(v)) else {
        return Ok(vec![None; names.len()]);
    };
    if v.get_type().map_err(napi_err(path))? != ValueType::Object
        || v.is_array().map_err(napi_err(path))?
    {
        return Err(wrong(path, "an object", v));
    }
    let obj = v.coerce_to_object().map_err(napi_err(path))?;
    for key in Object::keys(&obj).map_err(napi_err(path))? {
        if !names.contains(&key.as_str()) {
            return Err(bad(
                path,
                format_args!("has the unknown key {key:?}; expected {}", names.join(", ")),
            ));
        }
    }
    names
        .iter()
        .map(|n| {
            let el: Unknown<'e> = obj.get_named_property(n).map_err(napi_err(path))?;
            Ok((!is_nullish(&el)).then_some(el))
        })
        .collect()
}

/// A required field read by [`fields`].
pub fn required<'e>(path: &str, v: &Option<Unknown<'e>>) -> Result<Unknown<'e>> {
    v.ok_or_else(|| Error::new(ErrorKind::MissingKey, format!("{path} is required")))
}
