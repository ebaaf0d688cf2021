//! Conversions for `crate::cache`: trace columns, numbers, option objects,
//! serde-shaped arguments and the core's results.
//!
//! As in the parent module, every argument arrives as an `Unknown` and a
//! wrong type becomes `invalid_type` here (a bad value of the right type,
//! such as `-1` for a key, is `invalid_input`).
//!
//! Columns: keys are `u64`. A `BigUint64Array` of keys is read in place
//! ([`Keys::View`]); every other column, and keys given any other way, are
//! copied. Reading a plain array or an options object can run JS (getters,
//! proxies), and JS could detach the keys' buffer, so callers take the keys
//! view **last**, after every other argument has been converted.
//!
//! Serde-shaped arguments (`metrics`, `rules`): JS spells keys in camelCase,
//! the core's serde names are snake_case. [`snake_key`] converts each key,
//! refusing the snake_case spelling, and serde's own messages get their
//! `` `field` `` names back in camelCase ([`camel_ticks`]).

use std::collections::BTreeMap;
use std::fmt::{self, Display};
use std::ops::Deref;

use napi::bindgen_prelude::{
    BigInt, BigUint64Array, BigUint64ArraySlice, Float64Array, Float64ArraySlice, FromNapiValue,
    JsObjectValue, Object, TypedArray, TypedArrayType, Uint8ArraySlice, Uint32ArraySlice, Unknown,
};
use napi::{JsValue, ValueType};
use opsbrain::cache::{self as core, policy};
use opsbrain::{Error, ErrorKind, Result};
use serde_json::{Map, Number, Value};

use super::{js_type, napi_failure};
use crate::cache as js;

/// A conversion failure not yet naming its value: the kind and the rest of
/// the message (`"must be a number, got string"`).
pub(super) type Bad = (ErrorKind, String);

/// Names the value a [`Bad`] is about: `"{name} {rest}"`.
pub(super) fn named<T>(name: impl Display, r: std::result::Result<T, Bad>) -> Result<T> {
    r.map_err(|(kind, rest)| Error::new(kind, format!("{name} {rest}")))
}

/// What a JS value is, for messages: `typeof`, refined for arrays and typed arrays.
fn describe(v: &Unknown<'_>) -> String {
    match typed_kind(v) {
        Ok(Some(kind)) => format!("{}Array", kind.as_ref()),
        _ => js_type(v).to_owned(),
    }
}

pub(super) fn wrong_type(expected: &str, got: &Unknown<'_>) -> Bad {
    (
        ErrorKind::InvalidType,
        format!("must be {expected}, got {}", describe(got)),
    )
}

pub(super) fn napi_bad(e: &napi::Error) -> Bad {
    (
        ErrorKind::InvalidType,
        format!("could not be read: {}", e.reason),
    )
}

/// The element type of a typed array, or `None` for any other value.
fn typed_kind(v: &Unknown<'_>) -> napi::Result<Option<TypedArrayType>> {
    if !v.is_typedarray()? {
        return Ok(None);
    }
    Ok(Some(TypedArray::from_unknown(*v)?.typed_array_type))
}

pub(super) fn value_type(v: &Unknown<'_>) -> std::result::Result<ValueType, Bad> {
    v.get_type().map_err(|e| napi_bad(&e))
}

/// Whether `v` is `undefined` or `null` (an option left out).
pub(super) fn is_nullish(v: &Unknown<'_>) -> bool {
    matches!(v.get_type(), Ok(ValueType::Undefined | ValueType::Null))
}

// ---------------------------------------------------------------- scalars

/// 2^64, exactly representable as an `f64`.
const TWO_POW_64: f64 = 18_446_744_073_709_551_616.0;

fn u64_of_f64(x: f64) -> std::result::Result<u64, Bad> {
    if x.is_finite() && x >= 0.0 && x.trunc() == x && x < TWO_POW_64 {
        // Exact: `x` is an integer in [0, 2^64).
        Ok(x as u64)
    } else {
        Err((
            ErrorKind::InvalidInput,
            format!("must be a non-negative integer below 2^64, got {x}"),
        ))
    }
}

fn u64_of_bigint(b: &BigInt) -> std::result::Result<u64, Bad> {
    match b.get_u64() {
        (false, v, true) => Ok(v),
        (true, _, _) => Err((
            ErrorKind::InvalidInput,
            "must be a non-negative integer, got a negative bigint".to_owned(),
        )),
        _ => Err((
            ErrorKind::InvalidInput,
            "must be below 2^64, got a larger bigint".to_owned(),
        )),
    }
}

fn f64_item(v: &Unknown<'_>) -> std::result::Result<f64, Bad> {
    match value_type(v)? {
        ValueType::Number => f64::from_unknown(*v).map_err(|e| napi_bad(&e)),
        _ => Err(wrong_type("a number", v)),
    }
}

fn u64_item(v: &Unknown<'_>) -> std::result::Result<u64, Bad> {
    match value_type(v)? {
        ValueType::Number => u64_of_f64(f64::from_unknown(*v).map_err(|e| napi_bad(&e))?),
        ValueType::BigInt => u64_of_bigint(&BigInt::from_unknown(*v).map_err(|e| napi_bad(&e))?),
        _ => Err(wrong_type("a non-negative integer (number or bigint)", v)),
    }
}

fn u32_of_f64(x: f64) -> std::result::Result<u32, Bad> {
    if x.is_finite() && x >= 0.0 && x.trunc() == x && x <= f64::from(u32::MAX) {
        // Exact: `x` is an integer in [0, 2^32).
        Ok(x as u32)
    } else {
        Err((
            ErrorKind::InvalidInput,
            format!("must be an integer in [0, 2^32), got {x}"),
        ))
    }
}

fn u32_item(v: &Unknown<'_>) -> std::result::Result<u32, Bad> {
    match value_type(v)? {
        ValueType::Number => u32_of_f64(f64::from_unknown(*v).map_err(|e| napi_bad(&e))?),
        _ => Err(wrong_type("an integer in [0, 2^32)", v)),
    }
}

fn bool_item(v: &Unknown<'_>) -> std::result::Result<bool, Bad> {
    match value_type(v)? {
        ValueType::Boolean => bool::from_unknown(*v).map_err(|e| napi_bad(&e)),
        _ => Err(wrong_type("a boolean", v)),
    }
}

pub(super) fn string_item(v: &Unknown<'_>) -> std::result::Result<String, Bad> {
    match value_type(v)? {
        ValueType::String => String::from_unknown(*v).map_err(|e| napi_bad(&e)),
        _ => Err(wrong_type("a string", v)),
    }
}

/// A number argument.
///
/// # Errors
/// `invalid_type` for anything but a number (NaN is a number: the core judges it).
pub fn number(name: &str, v: &Unknown<'_>) -> Result<f64> {
    named(name, f64_item(v))
}

/// A non-negative integer argument, as a number or a bigint.
///
/// # Errors
/// `invalid_type` for another type; `invalid_input` for a negative,
/// fractional or too large value.
pub fn uint(name: &str, v: &Unknown<'_>) -> Result<u64> {
    named(name, u64_item(v))
}

/// A boolean argument.
///
/// # Errors
/// `invalid_type` for anything but a boolean.
pub fn boolean(name: &str, v: &Unknown<'_>) -> Result<bool> {
    named(name, bool_item(v))
}

/// A string argument.
///
/// # Errors
/// `invalid_type` for anything but a string.
pub fn string(name: &str, v: &Unknown<'_>) -> Result<String> {
    named(name, string_item(v))
}

/// A `u64` as a `usize` (saturating: the core refuses the huge values anyway).
pub fn usize_of(v: u64) -> usize {
    usize::try_from(v).unwrap_or(usize::MAX)
}

/// A count for JS: counts stay far below 2^53, so the number is exact.
pub fn count(v: u64) -> f64 {
    v as f64
}

// ---------------------------------------------------------------- columns

/// The elements of a plain JS array, each converted by `item`; errors name
/// the element (`keys[3] must be ...`).
fn array_items<'e, T>(
    name: &str,
    list: &Unknown<'e>,
    item: impl Fn(&Unknown<'e>) -> std::result::Result<T, Bad>,
) -> Result<Vec<T>> {
    let obj = list.coerce_to_object().map_err(napi_failure(name))?;
    let len = obj.get_array_length().map_err(napi_failure(name))?;
    // The length is the caller's claim: a sparse array can say 2^32 - 1, so
    // the vector grows with the elements actually read.
    let mut out = Vec::with_capacity((len as usize).min(1 << 16));
    for i in 0..len {
        let r = match obj.get_element::<Unknown<'e>>(i) {
            Ok(el) => item(&el),
            Err(e) => Err(napi_bad(&e)),
        };
        out.push(named(format_args!("{name}[{i}]"), r)?);
    }
    Ok(out)
}

/// A column of integers: its name, whether a `Float64Array` is accepted,
/// and how the accepted types read in messages.
struct ColumnSpec {
    name: &'static str,
    floats: bool,
    expected: &'static str,
}

fn not_a_column<T>(spec: &ColumnSpec, v: &Unknown<'_>) -> Result<T> {
    named(spec.name, Err(wrong_type(spec.expected, v)))
}

/// Errors of a typed array element, naming it.
fn element<T>(name: &str, i: usize, r: std::result::Result<T, Bad>) -> Result<T> {
    named(format_args!("{name}[{i}]"), r)
}

/// A column of non-negative integers, copied: a `BigUint64Array`,
/// `Uint32Array`, `Float64Array` of integral values (if `spec.floats`), or an
/// array of numbers and bigints.
fn u64_column(spec: &ColumnSpec, v: &Unknown<'_>) -> Result<Vec<u64>> {
    let name = spec.name;
    match typed_kind(v).map_err(napi_failure(name))? {
        Some(TypedArrayType::BigUint64) => Ok(BigUint64ArraySlice::from_unknown(*v)
            .map_err(napi_failure(name))?
            .to_vec()),
        Some(TypedArrayType::Uint32) => Ok(Uint32ArraySlice::from_unknown(*v)
            .map_err(napi_failure(name))?
            .iter()
            .map(|&x| u64::from(x))
            .collect()),
        Some(TypedArrayType::Float64) if spec.floats => Float64ArraySlice::from_unknown(*v)
            .map_err(napi_failure(name))?
            .iter()
            .enumerate()
            .map(|(i, &x)| element(name, i, u64_of_f64(x)))
            .collect(),
        Some(_) => not_a_column(spec, v),
        None if v.is_array().map_err(napi_failure(name))? => array_items(name, v, u64_item),
        None => not_a_column(spec, v),
    }
}

const KEYS: ColumnSpec = ColumnSpec {
    name: "keys",
    floats: false,
    expected: "a BigUint64Array, Uint32Array or array of non-negative integers",
};

/// Trace keys: a view of a `BigUint64Array`, or the copied keys.
pub enum Keys<'e> {
    /// The `BigUint64Array`'s own memory.
    View(BigUint64ArraySlice<'e>),
    /// Keys converted from another array.
    Owned(Vec<u64>),
}

impl fmt::Debug for Keys<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let how = match self {
            Keys::View(_) => "View",
            Keys::Owned(_) => "Owned",
        };
        write!(f, "Keys::{how}(len {})", self.len())
    }
}

impl Deref for Keys<'_> {
    type Target = [u64];
    fn deref(&self) -> &[u64] {
        match self {
            Keys::View(s) => s,
            Keys::Owned(v) => v,
        }
    }
}

/// Trace keys, without a copy for a `BigUint64Array`. Take this view after
/// every other argument is converted (see the module docs).
///
/// # Errors
/// `invalid_type` for another type (element errors name the index);
/// `invalid_input` for a negative, fractional or too large key. An empty
/// array is returned as is: the core refuses it.
pub fn keys<'e>(v: &Unknown<'e>) -> Result<Keys<'e>> {
    match typed_kind(v).map_err(napi_failure(KEYS.name))? {
        Some(TypedArrayType::BigUint64) => Ok(Keys::View(
            BigUint64ArraySlice::from_unknown(*v).map_err(napi_failure(KEYS.name))?,
        )),
        _ => u64_column(&KEYS, v).map(Keys::Owned),
    }
}

/// Trace keys, copied (for work off the JS thread).
///
/// # Errors
/// As [`keys`].
pub fn keys_owned(v: &Unknown<'_>) -> Result<Vec<u64>> {
    u64_column(&KEYS, v)
}

/// Cache sizes or capacities: as keys, and also a `Float64Array`.
///
/// # Errors
/// As [`keys`], naming `name`.
pub fn sizes(name: &'static str, v: &Unknown<'_>) -> Result<Vec<u64>> {
    let spec = ColumnSpec {
        name,
        floats: true,
        expected: "an array of non-negative integers, a Float64Array or a BigUint64Array",
    };
    u64_column(&spec, v)
}

/// Timestamps in seconds: a `Float64Array` or an array of numbers.
///
/// # Errors
/// `invalid_type` for another type or a non-number element.
pub fn timestamps(v: &Unknown<'_>) -> Result<Vec<f64>> {
    const NAME: &str = "timestamps";
    match typed_kind(v).map_err(napi_failure(NAME))? {
        Some(TypedArrayType::Float64) => Ok(Float64ArraySlice::from_unknown(*v)
            .map_err(napi_failure(NAME))?
            .to_vec()),
        None if v.is_array().map_err(napi_failure(NAME))? => array_items(NAME, v, f64_item),
        _ => named(
            NAME,
            Err(wrong_type("a Float64Array or an array of numbers", v)),
        ),
    }
}

/// Write flags: a `Uint8Array` (non-zero = write) or an array of booleans.
///
/// # Errors
/// `invalid_type` for another type or a non-boolean element.
pub fn writes(v: &Unknown<'_>) -> Result<Vec<bool>> {
    const NAME: &str = "writes";
    match typed_kind(v).map_err(napi_failure(NAME))? {
        Some(TypedArrayType::Uint8) => Ok(Uint8ArraySlice::from_unknown(*v)
            .map_err(napi_failure(NAME))?
            .iter()
            .map(|&b| b != 0)
            .collect()),
        None if v.is_array().map_err(napi_failure(NAME))? => array_items(NAME, v, bool_item),
        _ => named(
            NAME,
            Err(wrong_type("a Uint8Array or an array of booleans", v)),
        ),
    }
}

/// Pattern ids: a `Uint32Array` or an array of integers in [0, 2^32).
///
/// # Errors
/// `invalid_type` for another type or a non-number element; `invalid_input`
/// for a number out of range.
pub fn patterns(v: &Unknown<'_>) -> Result<Vec<u32>> {
    const NAME: &str = "patterns";
    match typed_kind(v).map_err(napi_failure(NAME))? {
        Some(TypedArrayType::Uint32) => Ok(Uint32ArraySlice::from_unknown(*v)
            .map_err(napi_failure(NAME))?
            .to_vec()),
        None if v.is_array().map_err(napi_failure(NAME))? => array_items(NAME, v, u32_item),
        _ => named(
            NAME,
            Err(wrong_type("a Uint32Array or an array of integers", v)),
        ),
    }
}

/// A list of strings.
///
/// # Errors
/// `invalid_type` for a non-array or a non-string element.
pub fn strings(name: &str, v: &Unknown<'_>) -> Result<Vec<String>> {
    if !v.is_array().map_err(napi_failure(name))? {
        return named(name, Err(wrong_type("an array of strings", v)));
    }
    array_items(name, v, string_item)
}

/// Policies to simulate: a name, an array of names, or nothing for all four.
///
/// # Errors
/// `invalid_type` for another type; `invalid_input` for an unknown name.
pub fn policies(v: Option<&Unknown<'_>>) -> Result<Vec<policy::Policy>> {
    const NAME: &str = "policies";
    let Some(v) = v.filter(|v| !is_nullish(v)) else {
        return Ok(policy::Policy::ALL.to_vec());
    };
    let names = match value_type(v) {
        Ok(ValueType::String) => vec![string(NAME, v)?],
        _ if v.is_array().map_err(napi_failure(NAME))? => strings(NAME, v)?,
        _ => {
            return named(
                NAME,
                Err(wrong_type("a policy name or an array of policy names", v)),
            );
        }
    };
    names.iter().map(|n| n.parse()).collect()
}

// ---------------------------------------------------------------- options

/// The properties of an options object, checked against the allowed keys.
/// `undefined` and `null` properties count as absent.
pub struct Options<'e> {
    name: &'static str,
    fields: Vec<(String, Unknown<'e>)>,
}

impl fmt::Debug for Options<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keys: Vec<&str> = self.fields.iter().map(|(k, _)| k.as_str()).collect();
        f.debug_struct("Options")
            .field("name", &self.name)
            .field("keys", &keys)
            .finish()
    }
}

/// Whether `v` is a plain (non-array) object.
pub(super) fn is_plain_object(name: &str, v: &Unknown<'_>) -> Result<bool> {
    let ty = v.get_type().map_err(napi_failure(name))?;
    Ok(ty == ValueType::Object
        && !v.is_array().map_err(napi_failure(name))?
        && typed_kind(v).map_err(napi_failure(name))?.is_none())
}

/// Reads an options object (`undefined`/`null`: no options).
///
/// # Errors
/// `invalid_type` for a non-object; `invalid_input` for a key not in `allowed`.
pub fn options<'e>(
    name: &'static str,
    v: Option<&Unknown<'e>>,
    allowed: &[&str],
) -> Result<Options<'e>> {
    let mut fields = Vec::new();
    let Some(v) = v.filter(|v| !is_nullish(v)) else {
        return Ok(Options { name, fields });
    };
    if !is_plain_object(name, v)? {
        return named(name, Err(wrong_type("an object", v)));
    }
    let obj = v.coerce_to_object().map_err(napi_failure(name))?;
    for key in Object::keys(&obj).map_err(napi_failure(name))? {
        if !allowed.contains(&key.as_str()) {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!(
                    "{name}: unknown key {key:?}; expected {}",
                    allowed.join(", ")
                ),
            ));
        }
        let value: Unknown<'e> = obj.get_named_property(&key).map_err(napi_failure(name))?;
        if !is_nullish(&value) {
            fields.push((key, value));
        }
    }
    Ok(Options { name, fields })
}

impl<'e> Options<'e> {
    /// The value of `key`, if given.
    pub fn get(&self, key: &str) -> Option<&Unknown<'e>> {
        self.fields.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// A required value.
    ///
    /// # Errors
    /// `missing_key` when absent.
    pub fn require(&self, key: &str) -> Result<&Unknown<'e>> {
        self.get(key).ok_or_else(|| {
            Error::new(
                ErrorKind::MissingKey,
                format!("{}: {key} is required", self.name),
            )
        })
    }

    /// An optional number.
    ///
    /// # Errors
    /// As [`number`].
    pub fn number(&self, key: &str) -> Result<Option<f64>> {
        self.get(key)
            .map(|v| number(&format!("{}.{key}", self.name), v))
            .transpose()
    }

    /// An optional non-negative integer.
    ///
    /// # Errors
    /// As [`uint`].
    pub fn uint(&self, key: &str) -> Result<Option<u64>> {
        self.get(key)
            .map(|v| uint(&format!("{}.{key}", self.name), v))
            .transpose()
    }
}

/// SHARDS sampling from `{rate?, maxKeys?}`.
///
/// # Errors
/// `invalid_input` unless exactly one is given; as [`number`]/[`uint`] for
/// their values.
pub fn sampling(opts: &Options<'_>) -> Result<core::Sampling> {
    match (opts.number("rate")?, opts.uint("maxKeys")?) {
        (Some(rate), None) => Ok(core::Sampling::Rate(rate)),
        (None, Some(max_keys)) => Ok(core::Sampling::MaxKeys(usize_of(max_keys))),
        _ => Err(Error::new(
            ErrorKind::InvalidInput,
            "give exactly one of options.rate or options.maxKeys",
        )),
    }
}

// ---------------------------------------------------------------- serde-shaped

/// The core's snake_case name of a JS camelCase key.
///
/// # Errors
/// `invalid_input` for a key with an underscore: JS spells keys in camelCase.
pub fn snake_key(key: &str) -> std::result::Result<String, Bad> {
    if key.contains('_') {
        return Err((
            ErrorKind::InvalidInput,
            format!(
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
    message
        .split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                camel(part)
            } else {
                part.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("`")
}

/// A JS property value as JSON (`None` for `undefined`). Integral numbers
/// up to 2^53 become JSON integers, so that integer fields deserialise.
pub(super) fn json_value(v: &Unknown<'_>) -> std::result::Result<Option<Value>, Bad> {
    match value_type(v)? {
        ValueType::Undefined => Ok(None),
        ValueType::Number => {
            let x = f64_item(v)?;
            const SAFE: f64 = 9_007_199_254_740_992.0; // 2^53
            if x.trunc() == x && x.abs() <= SAFE {
                // Exact: an integer within the safe range.
                return Ok(Some(Value::Number(Number::from(x as i64))));
            }
            Number::from_f64(x).map(Value::Number).map(Some).ok_or((
                ErrorKind::InvalidInput,
                format!("must be a finite number, got {x}"),
            ))
        }
        _ => Value::from_unknown(*v).map(Some).map_err(|e| napi_bad(&e)),
    }
}

/// A plain object with its keys in snake_case, for serde.
fn snake_object(what: &str, v: &Unknown<'_>) -> Result<Value> {
    if !is_plain_object(what, v)? {
        return named(what, Err(wrong_type("an object", v)));
    }
    let obj = v.coerce_to_object().map_err(napi_failure(what))?;
    let mut map = Map::new();
    for key in Object::keys(&obj).map_err(napi_failure(what))? {
        let snake = named(what, snake_key(&key))?;
        let value: Unknown<'_> = obj.get_named_property(&key).map_err(napi_failure(what))?;
        if let Some(value) = named(format_args!("{what}.{key}"), json_value(&value))? {
            map.insert(snake, value);
        }
    }
    Ok(Value::Object(map))
}

/// Deserialises a snake_case JSON value; serde's shape errors (missing or
/// unknown field, wrong type) become `invalid_input` naming `what`, with
/// field names in camelCase.
pub(super) fn shaped<T>(
    what: &str,
    v: Value,
    parse: fn(Value) -> serde_json::Result<T>,
) -> Result<T> {
    parse(v).map_err(|e| {
        Error::new(
            ErrorKind::InvalidInput,
            format!("{what}: {}", camel_ticks(&e.to_string())),
        )
    })
}

/// Cache metrics: an array of `{cacheType, hitRatio, accessFrequency,
/// writeRatio, requests?}`.
///
/// # Errors
/// `invalid_type` for a non-array or a non-object element; `invalid_input`
/// for a shape error (naming `metrics[i]`).
pub fn metrics(v: &Unknown<'_>) -> Result<Vec<core::CacheTypeMetrics>> {
    const NAME: &str = "metrics";
    if !v.is_array().map_err(napi_failure(NAME))? {
        return named(NAME, Err(wrong_type("an array of metric objects", v)));
    }
    let obj = v.coerce_to_object().map_err(napi_failure(NAME))?;
    let len = obj.get_array_length().map_err(napi_failure(NAME))?;
    let mut out = Vec::with_capacity((len as usize).min(1 << 10));
    for i in 0..len {
        let at = format!("{NAME}[{i}]");
        let item: Unknown<'_> = obj.get_element(i).map_err(napi_failure(&at))?;
        let value = snake_object(&at, &item)?;
        out.push(shaped(
            &at,
            value,
            serde_json::from_value::<core::CacheTypeMetrics>,
        )?);
    }
    Ok(out)
}

/// Adjustment rules `{minHitRatio?, ...}` (`undefined`/`null`: the defaults).
///
/// # Errors
/// `invalid_type` for a non-object; `invalid_input` for a shape error.
pub fn rules(v: Option<&Unknown<'_>>) -> Result<core::AdjustmentRules> {
    match v.filter(|v| !is_nullish(v)) {
        None => Ok(core::AdjustmentRules::default()),
        Some(v) => shaped(
            "rules",
            snake_object("rules", v)?,
            serde_json::from_value::<core::AdjustmentRules>,
        ),
    }
}

// ---------------------------------------------------------------- results

/// Values as a `Float64Array`.
pub fn float64s(values: impl IntoIterator<Item = f64>) -> Float64Array {
    Float64Array::new(values.into_iter().collect())
}

/// Keys as a `BigUint64Array`.
pub fn big_uint64s(values: Vec<u64>) -> BigUint64Array {
    BigUint64Array::new(values)
}

impl From<policy::Policy> for js::Policy {
    fn from(p: policy::Policy) -> Self {
        match p {
            policy::Policy::Lru => js::Policy::Lru,
            policy::Policy::Fifo => js::Policy::Fifo,
            policy::Policy::Lfu => js::Policy::Lfu,
            policy::Policy::WTinyLfu => js::Policy::WTinyLfu,
        }
    }
}

impl From<core::CacheStrategy> for js::CacheStrategy {
    fn from(s: core::CacheStrategy) -> Self {
        match s {
            core::CacheStrategy::WriteThrough => js::CacheStrategy::WriteThrough,
            core::CacheStrategy::LazyLoading => js::CacheStrategy::LazyLoading,
            core::CacheStrategy::RefreshAhead => js::CacheStrategy::RefreshAhead,
            core::CacheStrategy::CacheAside => js::CacheStrategy::CacheAside,
        }
    }
}

impl From<core::Knee> for js::Knee {
    fn from(k: core::Knee) -> Self {
        js::Knee {
            size: count(k.size),
            hit_ratio: k.hit_ratio,
        }
    }
}

impl From<policy::PolicyResult> for js::PolicyResult {
    fn from(r: policy::PolicyResult) -> Self {
        js::PolicyResult {
            policy: r.policy.into(),
            capacity: count(r.capacity),
            accesses: count(r.accesses),
            hits: count(r.hits),
            hit_ratio: r.hit_ratio,
        }
    }
}

impl From<core::GapStats> for js::GapStats {
    fn from(g: core::GapStats) -> Self {
        js::GapStats {
            count: count(g.count),
            mean_secs: g.mean_secs,
            p50_secs: g.p50_secs,
            p90_secs: g.p90_secs,
            p99_secs: g.p99_secs,
            histogram: g
                .histogram
                .into_iter()
                .map(|(upper, n)| (upper, count(n)))
                .collect(),
        }
    }
}

impl From<core::PatternStats> for js::PatternStats {
    fn from(p: core::PatternStats) -> Self {
        js::PatternStats {
            pattern: p.pattern,
            accesses: count(p.accesses),
            distinct_keys: count(p.distinct_keys),
            write_ratio: p.write_ratio,
            access_frequency: p.access_frequency,
            gaps: p.gaps.map(Into::into),
            recommended_ttl_secs: p.recommended_ttl_secs,
        }
    }
}

impl From<core::WarmCandidate> for js::WarmCandidate {
    fn from(c: core::WarmCandidate) -> Self {
        js::WarmCandidate {
            key: BigInt::from(c.key),
            rate_per_sec: c.rate_per_sec,
            expected_requests: c.expected_requests,
            probability: c.probability,
        }
    }
}

impl From<core::StrategyEntry> for js::StrategyEntry {
    fn from(e: core::StrategyEntry) -> Self {
        js::StrategyEntry {
            ttl_secs: count(e.ttl_secs),
            strategy: e.strategy.into(),
        }
    }
}

impl From<core::Adjustment> for js::Adjustment {
    fn from(a: core::Adjustment) -> Self {
        js::Adjustment {
            cache_type: a.cache_type,
            before: a.before.into(),
            after: a.after.into(),
            reasons: a.reasons,
        }
    }
}

/// A strategy table as a JS record `{[cacheType]: {ttlSecs, strategy}}`.
pub fn table_record(t: &core::StrategyTable) -> BTreeMap<String, js::StrategyEntry> {
    t.iter().map(|(k, e)| (k.to_owned(), (*e).into())).collect()
}

impl From<core::CachePlan> for js::CachePlan {
    fn from(p: core::CachePlan) -> Self {
        js::CachePlan {
            overall_hit_ratio: p.overall_hit_ratio,
            optimization_needed: p.optimization_needed,
            table: table_record(&p.table),
            adjustments: p.adjustments.into_iter().map(Into::into).collect(),
        }
    }
}

/// Converts each item of a list.
pub fn list<T, U: From<T>>(items: Vec<T>) -> Vec<U> {
    items.into_iter().map(U::from).collect()
}
