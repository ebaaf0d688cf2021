//! Python objects to serde values and back; numpy columns without copies.
//!
//! This layer knows Python and numpy, never a family. Everything a user hands
//! in is read here, bounded while it is read: a list or tuple is checked
//! against its true length and read by index (a lying `__len__` or
//! `__iter__` is never consulted), any other iterable is consumed lazily and
//! refused at one element past its limit; nesting is bounded by
//! [`MAX_DEPTH`]; numbers are never cast lossily (an integer must be an
//! integer, in range; a float must not be NaN where a number is required);
//! numpy scalars and pandas timestamps are accepted wherever their Python
//! counterparts are. Argument paths (`tickets[3].events[0].at`) are only
//! formatted when an error names them.

use std::borrow::Cow;
use std::fmt::{self, Display};

use chrono::{DateTime, Datelike, NaiveDateTime, TimeDelta, Utc};
use numpy::{
    IntoPyArray, PyArray1, PyArrayDescrMethods, PyArrayMethods, PyReadonlyArray1, PyUntypedArray,
    PyUntypedArrayMethods,
};
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDate, PyDateTime, PyDelta, PyDict, PyFloat, PyInt, PyList,
    PyString, PyTuple, PyTzInfo,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Number, Value};

use crate::errors::{BindError, Res};
use crate::{coded, fail};

/// Deepest nesting accepted in any argument (`limit_exceeded` past it).
pub const MAX_DEPTH: usize = 64;

/// Most elements read from an iterator or generator whose length is not
/// known in advance (lists, tuples and numpy arrays give their true length
/// and are held to the documented limits): an endless iterator costs at
/// most this much time and memory. Longer data goes as a list or array.
pub const MAX_STREAMED: usize = 1_000_000;

/// Largest integer a float carries exactly (2^53).
const EXACT_F64: f64 = 9_007_199_254_740_992.0;

/// A path below another (an index or a key), formatted only when an error
/// names it.
struct Sub<'a>(&'a dyn Display, Result<usize, &'a str>);

impl Display for Sub<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.1 {
            Ok(i) => write!(f, "{}[{i}]", self.0),
            Err(key) => write!(f, "{}[{key:?}]", self.0),
        }
    }
}

/// The Python type name of `obj`, for error messages.
pub fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map_or_else(|_| "object".to_owned(), |n| n.to_string())
}

fn wrong_type(path: impl Display, expected: &str, obj: &Bound<'_, PyAny>) -> BindError {
    coded!(
        InvalidType,
        "{path} must be {expected}, not {}",
        type_name(obj)
    )
}

/// An optional argument (absent and `None` are the same: see [`given`]).
pub type Opt<'a, 'py> = Option<&'a Bound<'py, PyAny>>;

/// `obj` unless it is absent or `None`.
pub fn given<'a, 'py>(obj: Option<&'a Bound<'py, PyAny>>) -> Option<&'a Bound<'py, PyAny>> {
    obj.filter(|o| !o.is_none())
}

/// An optional argument read by `read` (absent or `None` gives `None`).
pub fn opt<'a, 'py, T>(
    obj: Opt<'a, 'py>,
    read: impl FnOnce(&'a Bound<'py, PyAny>) -> Res<T>,
) -> Res<Option<T>> {
    given(obj).map(read).transpose()
}

/// What kind of numpy scalar an object is.
#[derive(PartialEq, Clone, Copy)]
enum Kind {
    Bool,
    Int,
    Float,
    Datetime,
    Timedelta,
    Other,
}

/// The kind of a numpy scalar (`None` for anything not from numpy).
fn numpy_kind(obj: &Bound<'_, PyAny>) -> Option<Kind> {
    let numpy = obj.get_type().module().ok()?;
    if numpy.to_cow().ok()? != "numpy" {
        return None;
    }
    let name = type_name(obj);
    let has = |attr: &str| name != "ndarray" && obj.hasattr(attr).unwrap_or(false);
    Some(match name.as_str() {
        "bool" | "bool_" => Kind::Bool,
        "datetime64" => Kind::Datetime,
        "timedelta64" => Kind::Timedelta,
        _ if has("__index__") => Kind::Int,
        _ if has("__float__") => Kind::Float,
        _ => Kind::Other,
    })
}

/// The scalar kind of a Python or numpy object (`Other` for the rest).
fn kind(obj: &Bound<'_, PyAny>) -> Kind {
    if obj.cast::<PyBool>().is_ok() {
        Kind::Bool
    } else if obj.cast::<PyInt>().is_ok() {
        Kind::Int
    } else if obj.cast::<PyFloat>().is_ok() {
        Kind::Float
    } else if obj.cast::<PyDateTime>().is_ok() {
        Kind::Datetime
    } else if obj.cast::<PyDelta>().is_ok() {
        Kind::Timedelta
    } else {
        numpy_kind(obj).unwrap_or(Kind::Other)
    }
}

/// Whether `obj` is a float (a Python or numpy float), as opposed to an
/// integer: scikit-learn reads `max_samples=10` as a count and
/// `max_samples=1.0` as a fraction.
pub fn is_float(obj: &Bound<'_, PyAny>) -> bool {
    kind(obj) == Kind::Float
}

/// A `str` (or subclass); a lone surrogate is `invalid_input`.
pub fn string(obj: &Bound<'_, PyAny>, path: impl Display) -> Res<String> {
    let s = obj
        .cast::<PyString>()
        .map_err(|_| wrong_type(&path, "str", obj))?;
    s.to_cow().map(Cow::into_owned).map_err(|_| {
        coded!(
            InvalidInput,
            "{path}: the string is not valid Unicode (a lone surrogate)"
        )
    })
}

/// A `bool` or `numpy.bool_`.
pub fn boolean(obj: &Bound<'_, PyAny>, path: impl Display) -> Res<bool> {
    match kind(obj) {
        Kind::Bool => Ok(obj.is_truthy()?),
        _ => Err(wrong_type(path, "a bool", obj)),
    }
}

/// A Python `int`, a numpy integer, or an integral float (carried exactly),
/// in the range of `i64` or `u64`; never a bool.
fn integer(obj: &Bound<'_, PyAny>, path: impl Display) -> Res<i128> {
    let exact = |i: &Bound<'_, PyAny>| -> Res<i128> {
        match i.extract::<i128>() {
            Ok(v) if i64::try_from(v).is_ok() || u64::try_from(v).is_ok() => Ok(v),
            _ => fail!(
                InvalidInput,
                "{path}: {i} is out of the 64-bit integer range"
            ),
        }
    };
    let f: f64 = match kind(obj) {
        Kind::Int if obj.cast::<PyInt>().is_ok() => return exact(obj),
        Kind::Int => return exact(&obj.call_method0("__index__")?),
        Kind::Float => obj.call_method0("__float__")?.extract()?,
        _ => return Err(wrong_type(path, "an integer", obj)),
    };
    if f.fract() != 0.0 || !f.is_finite() {
        fail!(InvalidInput, "{path}: {f} is not an integer");
    }
    if f.abs() > EXACT_F64 {
        fail!(
            InvalidInput,
            "{path}: {f} is too large to be an exact integer; pass an int"
        );
    }
    Ok(f as i128)
}

/// An integer argument of type `T`, exact and in range.
pub fn int<T: TryFrom<i128>>(obj: &Bound<'_, PyAny>, path: impl Display) -> Res<T> {
    let v = integer(obj, &path)?;
    T::try_from(v).map_err(|_| {
        let hint = if v < 0 {
            " (it must not be negative)"
        } else {
            ""
        };
        coded!(InvalidInput, "{path}: {v} is out of range{hint}")
    })
}

/// A float (or int, or numpy number), NaN allowed only when `nan_ok`.
fn number(obj: &Bound<'_, PyAny>, path: impl Display, nan_ok: bool) -> Res<f64> {
    let f = match kind(obj) {
        Kind::Float => match obj.cast::<PyFloat>() {
            Ok(f) => f.value(),
            Err(_) => obj.call_method0("__float__")?.extract()?,
        },
        Kind::Int => match integer(obj, &path)? {
            v if v.unsigned_abs() as f64 <= EXACT_F64 => v as f64,
            _ => fail!(
                InvalidInput,
                "{path}: {obj} is too large to be an exact float"
            ),
        },
        _ => return Err(wrong_type(path, "a number", obj)),
    };
    if f.is_nan() && !nan_ok {
        fail!(InvalidInput, "{path}: NaN is not a number here");
    }
    Ok(f)
}

/// A float argument (an int, float or numpy number; not NaN).
pub fn float(obj: &Bound<'_, PyAny>, path: impl Display) -> Res<f64> {
    number(obj, path, false)
}

/// A numpy datetime64/timedelta64 as the Python object of microsecond
/// precision (`datetime`/`timedelta`, or an int when out of their range).
fn numpy_item<'py>(obj: &Bound<'py, PyAny>, unit: &str) -> Res<Bound<'py, PyAny>> {
    Ok(obj.call_method1("astype", (unit,))?.call_method0("item")?)
}

/// An aware `datetime` (pandas `Timestamp` included) or a `numpy.datetime64`
/// (UTC by convention) as a UTC instant, exact to the microsecond.
pub fn instant(obj: &Bound<'_, PyAny>, path: impl Display) -> Res<DateTime<Utc>> {
    let py = obj.py();
    if obj.cast::<PyDateTime>().is_err() {
        if numpy_kind(obj) != Some(Kind::Datetime) {
            return Err(wrong_type(path, "an aware datetime", obj));
        }
        let item = numpy_item(obj, "datetime64[us]")?;
        if item.cast::<PyDateTime>().is_err() {
            fail!(
                InvalidInput,
                "{path}: {obj} is NaT or outside the supported years 1 to 9999"
            );
        }
        return Ok(item.extract::<NaiveDateTime>()?.and_utc());
    }
    if let Ok(t) = obj.extract::<DateTime<Utc>>() {
        return Ok(t); // the common case: tzinfo=timezone.utc
    }
    let offset = obj.call_method0("utcoffset");
    if offset.as_ref().is_ok_and(|o| o.is_none()) {
        fail!(
            InvalidInput,
            "{path} is a naive datetime: give a timezone-aware one (tzinfo=datetime.timezone.utc, or .tz_localize('UTC') for pandas)"
        );
    }
    let utc = offset.and_then(|_| obj.call_method1("astimezone", (PyTzInfo::utc(py)?,)));
    utc.and_then(|t| t.extract::<DateTime<Utc>>()).map_err(|e| {
        coded!(
            InvalidInput,
            "{path}: {obj} is not a usable datetime in the years 1 to 9999 ({e})"
        )
    })
}

/// A `timedelta` (pandas `Timedelta` included) or `numpy.timedelta64`.
pub fn duration(obj: &Bound<'_, PyAny>, path: impl Display) -> Res<TimeDelta> {
    let obj = match numpy_kind(obj) {
        Some(Kind::Timedelta) => numpy_item(obj, "timedelta64[us]")?,
        _ => obj.clone(),
    };
    if obj.cast::<PyDelta>().is_err() {
        return Err(wrong_type(path, "a datetime.timedelta", &obj));
    }
    obj.extract::<TimeDelta>()
        .map_err(|e| coded!(InvalidInput, "{path}: {e}"))
}

fn too_many(path: impl Display, max: usize) -> BindError {
    coded!(LimitExceeded, "{path} has more than {max} elements")
}

/// Calls `f` on each element of `obj` (with its index) as it arrives,
/// refusing the element after the `max`-th (`limit_exceeded`). A list or
/// tuple (subclasses too) is checked against its true length first and
/// read by index; any other iterable is consumed lazily, at most
/// `min(max, MAX_STREAMED)` elements plus one. Strings, bytes and mappings
/// are not sequences here.
fn each<'py>(
    obj: &Bound<'py, PyAny>,
    path: &dyn Display,
    what: &str,
    max: usize,
    mut f: impl FnMut(Bound<'py, PyAny>, usize) -> Res<()>,
) -> Res<()> {
    if obj.cast::<PyString>().is_ok()
        || obj.cast::<PyBytes>().is_ok()
        || obj.cast::<PyByteArray>().is_ok()
        || obj.cast::<PyDict>().is_ok()
    {
        return Err(wrong_type(path, what, obj));
    }
    if let Ok(l) = obj.cast::<PyList>() {
        // By index, so user code run by `f` may shrink or grow the list.
        for (i, item) in l.iter().enumerate() {
            if i >= max {
                return Err(too_many(path, max));
            }
            f(item, i)?;
        }
        return Ok(());
    }
    if let Ok(t) = obj.cast::<PyTuple>() {
        if t.len() > max {
            return Err(too_many(path, max));
        }
        return t.iter().enumerate().try_for_each(|(i, item)| f(item, i));
    }
    let known = obj.cast::<PyUntypedArray>().ok().map(|a| a.len());
    if known.is_some_and(|n| n > max) {
        return Err(too_many(path, max));
    }
    let limit = if known.is_some() {
        max
    } else {
        max.min(MAX_STREAMED)
    };
    let iter = obj.try_iter().map_err(|_| wrong_type(path, what, obj))?;
    for (i, item) in iter.enumerate() {
        if i >= limit && limit < max {
            fail!(
                LimitExceeded,
                "{path} is an iterator of more than {MAX_STREAMED} elements: pass a list or a numpy array for more (at most {max})"
            );
        } else if i >= limit {
            return Err(too_many(path, max));
        }
        f(item?, i)?;
    }
    Ok(())
}

/// The elements of an iterable, each read by `f` (given its path), at most
/// `max` of them (see [`MAX_STREAMED`] for iterators).
pub fn seq<'py, T>(
    obj: &Bound<'py, PyAny>,
    path: impl Display,
    max: usize,
    mut f: impl FnMut(&Bound<'py, PyAny>, &dyn Display) -> Res<T>,
) -> Res<Vec<T>> {
    let mut out = Vec::new();
    each(
        obj,
        &path,
        "a list (or another iterable)",
        max,
        |item, i| {
            out.push(f(&item, &Sub(&path, Ok(i)))?);
            Ok(())
        },
    )?;
    Ok(out)
}

/// Reads plain Python data (dicts with str keys, lists, tuples and other
/// iterables, str, int, float, bool, None, datetimes, durations as seconds,
/// numpy scalars) into JSON, so the core validates it exactly as JSON from
/// Rust or Node. Every sequence and mapping holds at most `max` elements.
pub fn value(obj: &Bound<'_, PyAny>, path: impl Display, max: usize) -> Res<Value> {
    read(obj, &path, max, 0)
}

fn read(obj: &Bound<'_, PyAny>, path: &dyn Display, max: usize, depth: usize) -> Res<Value> {
    if depth > MAX_DEPTH {
        fail!(
            LimitExceeded,
            "{path}: nested deeper than {MAX_DEPTH} levels"
        );
    }
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if obj.cast::<PyString>().is_ok() {
        return Ok(Value::String(string(obj, path)?));
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        if d.len() > max {
            fail!(LimitExceeded, "{path} has more than {max} keys");
        }
        let mut map = Map::new();
        // A snapshot of the items: user code run while reading the values
        // may change the dict without upsetting this loop.
        for item in d.items().iter() {
            let (k, v): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract()?;
            let key = string(&k, format_args!("{path} key"))?;
            let child = read(&v, &Sub(path, Err(&key)), max, depth + 1)?;
            map.insert(key, child);
        }
        return Ok(Value::Object(map));
    }
    if obj.cast::<PyList>().is_err() {
        match kind(obj) {
            Kind::Bool => return Ok(Value::Bool(boolean(obj, path)?)),
            Kind::Int => {
                let v = integer(obj, path)?;
                return Ok(i64::try_from(v).map_or_else(|_| Value::from(v as u64), Value::from));
            }
            Kind::Float => {
                let f = float(obj, path)?;
                if f.fract() == 0.0 && f.abs() <= EXACT_F64 {
                    // An integral float is an exact integer (a CSAT of 3.0
                    // from a pandas column with NaN is the integer 3).
                    return Ok(Value::from(f as i64));
                }
                let n = Number::from_f64(f);
                return n
                    .map(Value::Number)
                    .ok_or_else(|| coded!(InvalidInput, "{path}: {f} is not a finite number"));
            }
            Kind::Datetime => {
                let t = instant(obj, path)?;
                let text = t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
                return Ok(Value::String(text));
            }
            Kind::Timedelta => return secs_value(obj, path),
            Kind::Other if obj.cast::<PyDate>().is_ok() => {
                return Ok(Value::String(obj.call_method0("isoformat")?.extract()?));
            }
            Kind::Other => {}
        }
    }
    let mut out = Vec::new();
    let what = "JSON-like data (dict, list, str, number, ...)";
    each(obj, path, what, max, |item, i| {
        out.push(read(&item, &Sub(path, Ok(i)), max, depth + 1)?);
        Ok(())
    })?;
    Ok(Value::Array(out))
}

/// A duration as the core's serde form has it: seconds, whole when exact.
fn secs_value(obj: &Bound<'_, PyAny>, path: &dyn Display) -> Res<Value> {
    let d = duration(obj, path)?;
    if d.subsec_nanos() == 0 {
        return Ok(Value::from(d.num_seconds()));
    }
    let f = d.num_microseconds().map_or(f64::NAN, |us| us as f64 / 1e6);
    let n = Number::from_f64(f);
    n.map(Value::Number)
        .ok_or_else(|| coded!(InvalidInput, "{path}: {d} is out of range"))
}

/// Keyword options read into the core's option type `T`: absent (or
/// `None`) ones keep the core's defaults; durations become seconds.
pub fn options<T: DeserializeOwned>(fields: &[(&str, Opt<'_, '_>)], max: usize) -> Res<T> {
    deserialize(fields_value(fields, max)?, &"")
}

/// Keyword arguments as a JSON object (absent or `None` ones left out). A
/// key ending in `_secs` takes a `timedelta` (its argument is named without
/// the suffix: `step`, `window`); the rest are plain data.
pub fn fields_value(fields: &[(&str, Opt<'_, '_>)], max: usize) -> Res<Value> {
    let mut map = Map::new();
    for (key, v) in fields {
        if let Some(v) = given(*v) {
            let v = match key.strip_suffix("_secs") {
                Some(name) => secs_value(v, &name)?,
                None => value(v, key, max)?,
            };
            map.insert((*key).to_owned(), v);
        }
    }
    Ok(Value::Object(map))
}

/// Deserialises a JSON value into `T` with the core's one reader
/// ([`opsbrain::input::from_value_at`]: `missing_key`, `invalid_type` or
/// `invalid_input` by cause, naming the path of the bad value).
fn deserialize<T: DeserializeOwned>(v: Value, path: &dyn Display) -> Res<T> {
    Ok(opsbrain::input::from_value_at(&v, &path.to_string())?)
}

/// Plain Python data read into the serde type `T` (see [`value`]).
pub fn arg<T: DeserializeOwned>(obj: &Bound<'_, PyAny>, path: impl Display, max: usize) -> Res<T> {
    deserialize(value(obj, &path, max)?, &path)
}

/// An optional serde argument; absent or `None` gives `T::default()`.
pub fn opt_arg<T: DeserializeOwned + Default>(obj: Opt<'_, '_>, path: &str, max: usize) -> Res<T> {
    given(obj).map_or_else(|| Ok(T::default()), |o| arg(o, path, max))
}

/// A list of serde records, each converted as it arrives: at most `max`
/// records, each holding sequences of at most `nested` elements.
pub fn records<T: DeserializeOwned>(
    obj: &Bound<'_, PyAny>,
    path: impl Display,
    max: usize,
    nested: usize,
) -> Res<Vec<T>> {
    seq(obj, path, max, |item, at| arg(item, at, nested))
}

/// The instance of the binding class `T` passed as `path`.
pub fn instance<'a, 'py, T: pyo3::PyTypeInfo>(
    obj: &'a Bound<'py, PyAny>,
    path: impl Display,
) -> Res<&'a Bound<'py, T>> {
    obj.cast::<T>().map_err(|_| {
        let class = obj.py().get_type::<T>().name();
        let class = class.map_or_else(|_| "opsbrain class".to_owned(), |n| n.to_string());
        wrong_type(&path, &format!("a {class}"), obj)
    })
}

/// A numeric column element read exactly from numpy or Python values.
pub trait Elem: numpy::Element + Copy + Send + Sync {
    /// One Python scalar.
    fn read(obj: &Bound<'_, PyAny>, path: &dyn Display) -> Res<Self>;
}

macro_rules! elem {
    ($($t:ty = $read:expr;)*) => {$(
        impl Elem for $t {
            fn read(obj: &Bound<'_, PyAny>, path: &dyn Display) -> Res<Self> {
                $read(obj, path)
            }
        }
    )*};
}

elem! {
    f64 = |o, p| number(o, p, true);
    u64 = int;
    u32 = int;
    bool = boolean;
}

/// A 1-D column: a numpy array of the exact dtype, borrowed; or the
/// elements of any other array or iterable, each read exactly.
pub enum Column<'py, T: Elem> {
    /// A borrowed numpy array.
    Borrowed(PyReadonlyArray1<'py, T>),
    /// Values read one by one.
    Owned(Vec<T>),
}

impl<T: Elem> Column<'_, T> {
    /// The values, copied only for a non-contiguous array.
    pub fn values(&self) -> Cow<'_, [T]> {
        match self {
            Column::Borrowed(a) => a
                .as_slice()
                .map_or_else(|_| Cow::Owned(a.as_array().to_vec()), Cow::Borrowed),
            Column::Owned(v) => Cow::Borrowed(v),
        }
    }
}

/// The values of an optional column.
pub fn values<'a, T: Elem>(c: &'a Option<Column<'_, T>>) -> Option<Cow<'a, [T]>> {
    c.as_ref().map(Column::values)
}

/// An optional column argument (absent or `None` gives `None`).
pub fn opt_column<'py, T: Elem>(
    obj: Opt<'_, 'py>,
    path: &str,
    max: usize,
) -> Res<Option<Column<'py, T>>> {
    opt(obj, |o| column(o, path, max))
}

/// A 1-D column argument of at most `max` elements.
pub fn column<'py, T: Elem>(
    obj: &Bound<'py, PyAny>,
    path: &str,
    max: usize,
) -> Res<Column<'py, T>> {
    // pandas Series and other array-likes: their numpy view (a known length).
    let array_like = obj.cast::<PyUntypedArray>().is_err() && obj.hasattr("__array__")?;
    let obj = &match array_like {
        true => obj.py().import("numpy")?.call_method1("asarray", (obj,))?,
        false => obj.clone(),
    };
    if let Ok(a) = obj.cast::<PyArray1<T>>() {
        if a.len() > max {
            return Err(too_many(path, max));
        }
        let a = a.try_readonly();
        return Ok(Column::Borrowed(
            a.map_err(|e| coded!(InvalidInput, "{path}: {e}"))?,
        ));
    }
    let items = match obj.cast::<PyUntypedArray>() {
        Ok(a) if a.ndim() != 1 || !matches!(a.dtype().kind(), b'b' | b'i' | b'u' | b'f') => {
            let what = format!(
                "a 1-D array of numbers, not {}-D of {}",
                a.ndim(),
                a.dtype()
            );
            return Err(wrong_type(path, &what, obj));
        }
        // Other dtypes go element by element, each checked exactly.
        Ok(_) => obj.call_method0("tolist")?,
        Err(_) => obj.clone(),
    };
    Ok(Column::Owned(seq(&items, path, max, |x, at| {
        T::read(x, at)
    })?))
}

/// A time value of a column: an instant or a duration, as microseconds.
pub trait TimeValue: Sized + Send + Sync {
    /// numpy's dtype kind (`'M'` or `'m'`).
    const KIND: u8;
    /// numpy's dtype at microsecond precision.
    const UNIT: &str;
    /// From microseconds (`None`: out of range).
    fn from_micros(us: i64) -> Option<Self>;
    /// To microseconds (`None`: out of range).
    fn micros(&self) -> Option<i64>;
}

impl TimeValue for DateTime<Utc> {
    const KIND: u8 = b'M';
    const UNIT: &str = "datetime64[us]";
    fn from_micros(us: i64) -> Option<Self> {
        DateTime::from_timestamp_micros(us)
    }
    fn micros(&self) -> Option<i64> {
        Some(self.timestamp_micros())
    }
}

impl TimeValue for TimeDelta {
    const KIND: u8 = b'm';
    const UNIT: &str = "timedelta64[us]";
    fn from_micros(us: i64) -> Option<Self> {
        Some(TimeDelta::microseconds(us))
    }
    fn micros(&self) -> Option<i64> {
        self.num_microseconds()
    }
}

/// A column of instants or durations, `None` for NaT/None: a numpy
/// `datetime64`/`timedelta64` array (instants UTC by convention), a pandas
/// Series or index (a naive one is refused with the `tz_localize` call to
/// make), a sequence of `datetime`s/`timedelta`s, or one of them (a column
/// of one, which the core broadcasts).
pub fn time_column<T: TimeValue>(
    obj: &Bound<'_, PyAny>,
    path: &str,
    max: usize,
) -> Res<Vec<Option<T>>> {
    let instants = T::KIND == b'M';
    let one = kind(obj)
        == if instants {
            Kind::Datetime
        } else {
            Kind::Timedelta
        };
    let read = |o: &Bound<'_, PyAny>, at: &dyn Display| -> Res<Option<T>> {
        let nat = matches!(numpy_kind(o), Some(Kind::Datetime | Kind::Timedelta))
            && o.py()
                .import("numpy")?
                .call_method1("isnat", (o,))?
                .is_truthy()?;
        if o.is_none() || nat || type_name(o) == "NaTType" {
            return Ok(None);
        }
        let us = match instants {
            true => instant(o, at)?.timestamp_micros(),
            false => duration(o, at)?.num_microseconds().unwrap_or(i64::MAX),
        };
        Ok(Some(from_micros(us, at)?))
    };
    if one {
        return Ok(vec![read(obj, &path)?]);
    }
    let mut obj = obj.clone();
    // pandas: an aware Series (through `.dt`) or index, as naive UTC.
    let accessor = obj.getattr("dt").ok().filter(|_| instants);
    let zoned = accessor.clone().unwrap_or_else(|| obj.clone());
    if instants && zoned.hasattr("tz_convert")? {
        if zoned.getattr("tz")?.is_none() {
            let dt = if accessor.is_some() { "dt." } else { "" };
            fail!(
                InvalidInput,
                "{path} holds naive timestamps: localize them first, e.g. {path}.{dt}tz_localize('UTC')"
            );
        }
        obj = zoned.call_method1("tz_convert", (obj.py().None(),))?;
    }
    let array = obj.py().import("numpy")?.call_method1("asarray", (&obj,))?;
    let Ok(a) = array.cast::<PyUntypedArray>() else {
        return Err(wrong_type(path, "a column of times", &obj));
    };
    if a.ndim() == 1 && a.dtype().kind() == T::KIND {
        if a.len() > max {
            return Err(too_many(path, max));
        }
        let ints = array.call_method1("astype", (T::UNIT,))?;
        let ints = ints.call_method1("view", ("int64",))?;
        let ints = ints
            .cast::<PyArray1<i64>>()
            .map_err(PyErr::from)?
            .readonly();
        let ints = ints.as_array().into_iter().enumerate();
        let at = |i| Sub(&path, Ok(i));
        return ints
            .map(|(i, &x)| (x != i64::MIN).then(|| from_micros(x, &at(i))).transpose())
            .collect();
    }
    if a.ndim() != 1 || a.dtype().kind() != b'O' {
        let what = if instants { "datetimes" } else { "timedeltas" };
        return Err(wrong_type(path, &format!("an array of {what}"), &obj));
    }
    seq(&obj, path, max, |o, at| read(o, at))
}

fn from_micros<T: TimeValue>(us: i64, path: &dyn Display) -> Res<T> {
    T::from_micros(us).ok_or_else(|| coded!(InvalidInput, "{path} is out of range"))
}

/// A time column (`None`: NaT) as a numpy `datetime64[us]` (UTC) or
/// `timedelta64[us]` array.
pub fn time_array<'py, T: TimeValue>(py: Python<'py>, xs: &[Option<T>]) -> Res<Bound<'py, PyAny>> {
    let ints: Vec<i64> = xs
        .iter()
        .map(|x| x.as_ref().and_then(T::micros).unwrap_or(i64::MIN))
        .collect();
    Ok(ints.into_pyarray(py).call_method1("view", (T::UNIT,))?)
}

/// How a result's JSON becomes Python: the keys whose RFC 3339 strings
/// become aware UTC `datetime`s, whose `YYYY-MM-DD` strings become `date`s,
/// and whose lists become float64 arrays (numpy).
#[derive(Clone, Copy)]
pub struct Shape(pub Keys, pub Keys, pub Keys);

/// Keys of a result.
type Keys = &'static [&'static str];

/// Instants only.
pub const fn instants(keys: Keys) -> Shape {
    Shape(keys, &[], &[])
}

/// Plain data: no instants, dates or arrays.
pub const PLAIN: Shape = instants(&[]);

/// A core value returned as plain Python data (dicts, lists, str, numbers).
pub struct Data<T>(pub T);

impl<'py, T: Serialize> IntoPyObject<'py> for Data<T> {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;
    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(to_py(py, &self.0, PLAIN)?)
    }
}

/// A column returned as a 1-D numpy array.
pub struct Array<T>(pub Vec<T>);

impl<'py, T: numpy::Element> IntoPyObject<'py> for Array<T> {
    type Target = PyArray1<T>;
    type Output = Bound<'py, PyArray1<T>>;
    type Error = std::convert::Infallible;
    fn into_pyobject(self, py: Python<'py>) -> Result<Self::Output, Self::Error> {
        Ok(self.0.into_pyarray(py))
    }
}

/// A core value as Python data shaped by `shape`.
pub fn to_py<'py, T: Serialize>(py: Python<'py>, v: &T, shape: Shape) -> Res<Bound<'py, PyAny>> {
    let v = serde_json::to_value(v).map_err(opsbrain::Error::from)?;
    write(py, &v, None, shape)
}

/// JSON text (a core value's own JSON form) as Python data.
pub fn json_text_to_py<'py>(py: Python<'py>, text: &str) -> Res<Bound<'py, PyAny>> {
    let v: Value = serde_json::from_str(text).map_err(opsbrain::Error::from)?;
    write(py, &v, None, PLAIN)
}

fn write<'py>(
    py: Python<'py>,
    v: &Value,
    key: Option<&str>,
    shape: Shape,
) -> Res<Bound<'py, PyAny>> {
    let is = |keys: &[&str]| key.is_some_and(|k| keys.contains(&k));
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => PyInt::new(py, i).into_any(),
            (None, Some(u), _) => PyInt::new(py, u).into_any(),
            (_, _, f) => PyFloat::new(py, f.unwrap_or(f64::NAN)).into_any(),
        },
        Value::String(s) if is(shape.0) => match DateTime::parse_from_rfc3339(s) {
            Ok(t) if (1..=9999).contains(&t.year()) => {
                t.with_timezone(&Utc).into_pyobject(py)?.into_any()
            }
            Ok(t) => fail!(
                InvalidInput,
                "result {t} is past the years 1 to 9999 of a datetime"
            ),
            Err(_) => PyString::new(py, s).into_any(),
        },
        Value::String(s) if is(shape.1) => match chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Ok(d) => PyDate::new(py, d.year(), d.month() as u8, d.day() as u8)?.into_any(),
            Err(_) => PyString::new(py, s).into_any(),
        },
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(a) if is(shape.2) => {
            let xs: Vec<f64> = a.iter().map(|x| x.as_f64().unwrap_or(f64::NAN)).collect();
            xs.into_pyarray(py).into_any()
        }
        Value::Array(a) => {
            let items = a.iter().map(|x| write(py, x, None, shape));
            PyList::new(py, items.collect::<Res<Vec<_>>>()?)?.into_any()
        }
        Value::Object(o) => {
            let d = PyDict::new(py);
            for (k, x) in o {
                d.set_item(k, write(py, x, Some(k), shape)?)?;
            }
            d.into_any()
        }
    })
}

/// The repr of a value class from its JSON form: `Name(key=value, ...)`
/// with values as Python literals; lists of more than four elements show
/// their length, nesting past one level shows as `{...}`, and a repr longer
/// than 300 characters is cut.
pub fn repr(name: &str, json: &str) -> String {
    let body = match serde_json::from_str(json).unwrap_or(Value::Null) {
        Value::Object(o) => o
            .iter()
            .map(|(k, x)| format!("{k}={}", literal(x, 0)))
            .collect::<Vec<_>>()
            .join(", "),
        other => literal(&other, 0),
    };
    match body.char_indices().nth(300) {
        Some((cut, _)) => format!("{name}({}...)", &body[..cut]),
        None => format!("{name}({body})"),
    }
}

/// A JSON value as a Python literal (see [`repr`]).
fn literal(v: &Value, depth: usize) -> String {
    let items = |xs: Vec<String>| xs.join(", ");
    match v {
        Value::Null => "None".to_owned(),
        Value::Bool(b) => (if *b { "True" } else { "False" }).to_owned(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
        Value::Array(a) if a.len() > 4 || depth > 0 => format!("[{} items]", a.len()),
        Value::Array(a) => format!("[{}]", items(a.iter().map(|x| literal(x, 1)).collect())),
        Value::Object(_) if depth > 0 => "{...}".to_owned(),
        Value::Object(o) => {
            let kv = o.iter().map(|(k, x)| format!("'{k}': {}", literal(x, 1)));
            format!("{{{}}}", items(kv.collect()))
        }
    }
}

/// A frozen Python class over a core value with a JSON form: `from_json`,
/// `to_json`, `to_dict`, pickling through the JSON form (`__reduce__`), a
/// `__repr__` drawn from it ([`repr`]), and value equality and hashing.
/// Each class adds its own getters in a second `#[pymethods]` block.
#[macro_export]
macro_rules! value_class {
    ($(#[$doc:meta])* $py:ident($core:ty) as $name:literal, new = $new:ident $(, $toml:ident)?) => {
        $crate::value_class!($(#[$doc])* $py($core) as $name $(, $toml)?);
        #[pymethods]
        impl $py {
            #[new]
            fn new() -> Self {
                Self(<$core>::$new())
            }
            /// The built-in value (what the constructor gives).
            #[staticmethod]
            fn $new() -> Self {
                Self::new()
            }
        }
    };
    ($(#[$doc:meta])* $py:ident($core:ty) as $name:literal, toml) => {
        $crate::value_class!($(#[$doc])* $py($core) as $name);
        #[pymethods]
        impl $py {
            /// Parses and validates the TOML form (same keys as JSON).
            #[staticmethod]
            fn from_toml(py: Python<'_>, text: &Bound<'_, PyAny>) -> $crate::errors::Res<Self> {
                let text = $crate::convert::string(text, "text")?;
                Ok(Self($crate::compute::compute(py, || <$core>::from_toml(&text))?))
            }
        }
    };
    ($(#[$doc:meta])* $py:ident($core:ty) as $name:literal) => {
        $(#[$doc])*
        #[pyclass(name = $name, module = "opsbrain._native", frozen)]
        #[derive(Debug, Clone)]
        pub struct $py(pub $core);

        impl $py {
            /// The core value of the instance passed as `path`.
            #[allow(dead_code)]
            pub fn arg(obj: &Bound<'_, PyAny>, path: &str) -> $crate::errors::Res<$core> {
                Ok($crate::convert::instance::<Self>(obj, path)?.get().0.clone())
            }
        }

        $crate::value_class!(@json $py($core) as $name, |s| &s.0, |c| Self(c));
    };
    // The JSON-form methods of a class holding `$core` (read with `$get`,
    // wrapped with `$wrap`).
    // A class whose state changes (a router refitted, a detector fed):
    // equal by value but unhashable, as Python's mutable containers are.
    (@json mut $py:ident($core:ty) as $name:literal, |$s:ident| $get:expr, |$c:ident| $wrap:expr) => {
        $crate::value_class!(@json_body $py($core) as $name, |$s| $get, |$c| $wrap);
        #[pymethods]
        impl $py {
            #[classattr]
            const __hash__: Option<Py<PyAny>> = None;
        }
    };
    (@json $py:ident($core:ty) as $name:literal, |$s:ident| $get:expr, |$c:ident| $wrap:expr) => {
        $crate::value_class!(@json_body $py($core) as $name, |$s| $get, |$c| $wrap);
        #[pymethods]
        impl $py {
            fn __hash__(&self) -> u64 {
                // SipHash with fixed keys: equal values hash alike in every call.
                use std::hash::BuildHasher;
                let fixed = std::hash::BuildHasherDefault::<std::hash::DefaultHasher>::default();
                fixed.hash_one(self.to_json())
            }
        }
    };
    (@json_body $py:ident($core:ty) as $name:literal, |$s:ident| $get:expr, |$c:ident| $wrap:expr) => {
        #[pymethods]
        impl $py {
            /// Reads (and validates) the JSON form, as any opsbrain binding writes it.
            #[staticmethod]
            fn from_json(py: Python<'_>, text: &Bound<'_, PyAny>) -> $crate::errors::Res<Self> {
                let text = $crate::convert::string(text, "text")?;
                let read = || <$core as opsbrain::input::JsonForm>::from_json(&text);
                let $c = $crate::compute::compute(py, read)?;
                Ok($wrap)
            }
            /// The JSON form (what `from_json` reads, in any language).
            fn to_json(&self) -> String {
                let $s = self;
                opsbrain::input::JsonForm::to_json($get)
            }
            /// The serde form as plain Python data.
            fn to_dict<'py>(&self, py: Python<'py>) -> $crate::errors::Res<Bound<'py, PyAny>> {
                $crate::convert::json_text_to_py(py, &self.to_json())
            }
            fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
                Ok((slf.get_type().getattr("from_json")?, (slf.get().to_json(),)))
            }
            fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
                other.cast::<Self>().is_ok_and(|o| o.get().to_json() == self.to_json())
            }
            fn __repr__(&self) -> String {
                $crate::convert::repr($name, &self.to_json())
            }
        }
    };
}

/// Read-only attributes of a value class, `name -> type = |core| expr;`.
#[macro_export]
macro_rules! getters {
    ($py:ident { $($(#[$doc:meta])* $name:ident -> $t:ty = |$v:ident| $e:expr;)* }) => {
        #[pymethods]
        impl $py {
            $(
                $(#[$doc])*
                #[getter]
                fn $name(&self) -> $t {
                    let $v = &self.0;
                    $e
                }
            )*
        }
    };
}
