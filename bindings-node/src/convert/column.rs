//! Numeric columns: typed arrays read in place where the core takes a
//! slice, or copied from plain arrays. A plain array's `length` is checked
//! against [`MAX_VALUES`] before any element is read, so a sparse array
//! costs nothing.

use std::ops::Deref;

use chrono::{DateTime, TimeDelta, Utc};
use napi::bindgen_prelude::{
    BigUint64ArraySlice, Float64ArraySlice, FromNapiValue, JsObjectValue, TypedArrayType,
    Uint8ArraySlice, Uint32ArraySlice, Unknown,
};
use napi::{JsValue, ValueType};
use opsbrain::ndarray::{Array2, ArrayView2};
use opsbrain::{Error, ErrorKind, Result};

use super::scalar::{self, bad, napi_err, wrong};
use super::value::MAX_VALUES;

/// The elements of a plain array, each read by `item` with its path.
pub fn list<'e, T>(
    path: &str,
    v: &Unknown<'e>,
    expected: &str,
    item: impl Fn(&str, &Unknown<'e>) -> Result<T>,
) -> Result<Vec<T>> {
    if !v.is_array().map_err(napi_err(path))? {
        return Err(wrong(path, expected, v));
    }
    let obj = v.coerce_to_object().map_err(napi_err(path))?;
    let len = obj.get_array_length().map_err(napi_err(path))?;
    if len as usize > MAX_VALUES {
        return Err(Error::new(
            ErrorKind::LimitExceeded,
            format!("{path} has {len} elements, more than {MAX_VALUES}"),
        ));
    }
    let mut out = Vec::with_capacity((len as usize).min(1 << 16));
    for i in 0..len {
        let at = format!("{path}[{i}]");
        let el: Unknown<'e> = obj.get_element(i).map_err(napi_err(&at))?;
        out.push(item(&at, &el)?);
    }
    Ok(out)
}

/// A number (NaN and ±Infinity included: the core judges them).
fn float(path: &str, v: &Unknown<'_>) -> Result<f64> {
    if v.get_type().map_err(napi_err(path))? != ValueType::Number {
        return Err(wrong(path, "a number", v));
    }
    f64::from_unknown(*v).map_err(napi_err(path))
}

/// A series of numbers: a `Float64Array` or an array of numbers (copied);
/// NaN (a gap in a series) and ±Infinity are kept for the core to judge.
pub fn floats(path: &str, v: &Unknown<'_>) -> Result<Vec<f64>> {
    const EXPECTED: &str = "a Float64Array or an array of numbers";
    match scalar::typed_array(v) {
        Some(TypedArrayType::Float64) => Ok(Float64ArraySlice::from_unknown(*v)
            .map_err(napi_err(path))?
            .to_vec()),
        Some(_) => Err(wrong(path, EXPECTED, v)),
        None => list(path, v, EXPECTED, float),
    }
}

/// The bytes of a `Uint8Array` (a `Buffer` is one), read in place.
pub fn bytes<'a>(path: &str, v: &Unknown<'a>) -> Result<Uint8ArraySlice<'a>> {
    match scalar::typed_array(v) {
        Some(TypedArrayType::Uint8) => Uint8ArraySlice::from_unknown(*v).map_err(napi_err(path)),
        _ => Err(wrong(path, "a Uint8Array or Buffer", v)),
    }
}

/// Non-negative integers, copied: a `BigUint64Array`, a `Uint32Array`, a
/// `Float64Array` of integral values (if `floats`), or an array of safe
/// integers and bigints.
pub fn uints(path: &str, v: &Unknown<'_>, floats: bool) -> Result<Vec<u64>> {
    let expected = if floats {
        "an array of non-negative integers, a Float64Array or a BigUint64Array"
    } else {
        "a BigUint64Array, Uint32Array or array of non-negative integers"
    };
    match scalar::typed_array(v) {
        Some(TypedArrayType::BigUint64) => Ok(BigUint64ArraySlice::from_unknown(*v)
            .map_err(napi_err(path))?
            .to_vec()),
        Some(TypedArrayType::Uint32) => Ok(Uint32ArraySlice::from_unknown(*v)
            .map_err(napi_err(path))?
            .iter()
            .map(|&x| u64::from(x))
            .collect()),
        Some(TypedArrayType::Float64) if floats => Float64ArraySlice::from_unknown(*v)
            .map_err(napi_err(path))?
            .iter()
            .enumerate()
            .map(|(i, &x)| scalar::whole(&format!("{path}[{i}]"), x))
            .collect(),
        Some(_) => Err(wrong(path, expected, v)),
        None => list(path, v, expected, scalar::uint),
    }
}

/// Trace keys: a `BigUint64Array`'s own memory, or keys copied.
pub enum Keys<'e> {
    /// The `BigUint64Array`'s memory (read in place).
    View(BigUint64ArraySlice<'e>),
    /// Keys converted from another array.
    Owned(Vec<u64>),
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

/// Trace keys without a copy for a `BigUint64Array`. Take this view after
/// every other argument is read (reading can run JS that could detach it).
pub fn keys<'e>(path: &str, v: &Unknown<'e>) -> Result<Keys<'e>> {
    match scalar::typed_array(v) {
        Some(TypedArrayType::BigUint64) => Ok(Keys::View(
            BigUint64ArraySlice::from_unknown(*v).map_err(napi_err(path))?,
        )),
        _ => uints(path, v, false).map(Keys::Owned),
    }
}

/// Flags: a `Uint8Array` (non-zero is true) or an array of booleans.
pub fn bools(path: &str, v: &Unknown<'_>) -> Result<Vec<bool>> {
    const EXPECTED: &str = "a Uint8Array or an array of booleans";
    match scalar::typed_array(v) {
        Some(TypedArrayType::Uint8) => Ok(Uint8ArraySlice::from_unknown(*v)
            .map_err(napi_err(path))?
            .iter()
            .map(|&b| b != 0)
            .collect()),
        Some(_) => Err(wrong(path, EXPECTED, v)),
        None => list(path, v, EXPECTED, scalar::boolean),
    }
}

/// Small ids: a `Uint32Array` or an array of integers in [0, 2^32).
pub fn u32s(path: &str, v: &Unknown<'_>) -> Result<Vec<u32>> {
    const EXPECTED: &str = "a Uint32Array or an array of integers";
    match scalar::typed_array(v) {
        Some(TypedArrayType::Uint32) => Ok(Uint32ArraySlice::from_unknown(*v)
            .map_err(napi_err(path))?
            .to_vec()),
        Some(_) => Err(wrong(path, EXPECTED, v)),
        None => list(path, v, EXPECTED, scalar::u32_),
    }
}

/// Strings: an array of strings.
pub fn strings(path: &str, v: &Unknown<'_>) -> Result<Vec<String>> {
    list(path, v, "an array of strings", scalar::string)
}

/// A data matrix: a `Float64Array` read in place, or rows copied.
pub enum Matrix<'e> {
    /// Row-major values of a `Float64Array`.
    View(Float64ArraySlice<'e>, usize, usize),
    /// Rows copied from an array of rows.
    Owned(Array2<f64>),
}

impl Matrix<'_> {
    /// The matrix as an ndarray view.
    pub fn view(&self) -> Result<ArrayView2<'_, f64>> {
        match self {
            Matrix::View(data, rows, cols) => ArrayView2::from_shape((*rows, *cols), &data[..])
                .map_err(|e| bad("data", format_args!("has a bad shape: {e}"))),
            Matrix::Owned(a) => Ok(a.view()),
        }
    }

    /// The matrix, copied if it is a view (for work off the JS thread).
    pub fn into_owned(self) -> Result<Array2<f64>> {
        match self {
            Matrix::Owned(a) => Ok(a),
            view => Ok(view.view()?.to_owned()),
        }
    }
}

/// A matrix: a row-major `Float64Array` with `nRows` and `nCols` (read in
/// place: take it after every other argument), or an array of equally long
/// rows (arrays of numbers or `Float64Array`s).
pub fn matrix<'e>(
    path: &str,
    data: &Unknown<'e>,
    n_rows: &Option<Unknown<'_>>,
    n_cols: &Option<Unknown<'_>>,
) -> Result<Matrix<'e>> {
    let n_rows = n_rows.as_ref().filter(|v| !scalar::is_nullish(v));
    let n_cols = n_cols.as_ref().filter(|v| !scalar::is_nullish(v));
    if scalar::typed_array(data) == Some(TypedArrayType::Float64) {
        let (Some(r), Some(c)) = (n_rows, n_cols) else {
            return Err(bad(path, "is a Float64Array: give nRows and nCols too"));
        };
        let (rows, cols) = (scalar::count("nRows", r)?, scalar::count("nCols", c)?);
        let cells = rows
            .checked_mul(cols)
            .ok_or_else(|| bad("nRows x nCols", format_args!("overflows ({rows} x {cols})")))?;
        let slice = Float64ArraySlice::from_unknown(*data).map_err(napi_err(path))?;
        if slice.len() != cells {
            return Err(Error::new(
                ErrorKind::DimensionMismatch,
                format!(
                    "{path} has {} values, but nRows x nCols = {rows} x {cols} = {cells}",
                    slice.len()
                ),
            ));
        }
        return Ok(Matrix::View(slice, rows, cols));
    }
    if !data.is_array().map_err(napi_err(path))? {
        return Err(wrong(
            path,
            "a Float64Array (with nRows and nCols) or an array of rows (arrays of numbers)",
            data,
        ));
    }
    if n_rows.is_some() || n_cols.is_some() {
        return Err(bad(
            path,
            "is an array of rows: nRows and nCols are only for a Float64Array",
        ));
    }
    let rows = list(path, data, "an array of rows", |at, row| floats(at, row))?;
    let cols = rows.first().map_or(0, Vec::len);
    if let Some(i) = rows.iter().position(|r| r.len() != cols) {
        return Err(bad(
            &format!("{path}[{i}]"),
            format_args!(
                "has {} values but {path}[0] has {cols}: rows must all be the same length",
                rows[i].len()
            ),
        ));
    }
    let n = rows.len();
    Array2::from_shape_vec((n, cols), rows.concat())
        .map(Matrix::Owned)
        .map_err(|e| bad(path, e))
}

/// [`instants`] where every row must have one (a missing one is
/// `invalid_input` naming its index).
pub fn required_instants(path: &str, v: &Unknown<'_>) -> Result<Vec<DateTime<Utc>>> {
    instants(path, v)?
        .into_iter()
        .enumerate()
        .map(|(i, t)| t.ok_or_else(|| bad(&format!("{path}[{i}]"), "is missing")))
        .collect()
}

/// Instants by row: a `Float64Array` of epoch milliseconds (whole), an
/// array of `Date`s or ISO-8601 strings, or one instant for every row;
/// `NaN`, `null` and `undefined` are missing values.
pub fn instants(path: &str, v: &Unknown<'_>) -> Result<Vec<Option<DateTime<Utc>>>> {
    const EXPECTED: &str = "a Float64Array of epoch milliseconds or an array of Dates";
    let epoch_ms = |at: &str, ms: f64| -> Result<Option<DateTime<Utc>>> {
        if ms.is_nan() {
            return Ok(None);
        }
        if ms.trunc() != ms || ms.abs() > scalar::MAX_SAFE {
            return Err(bad(
                at,
                format_args!("must be whole epoch milliseconds, got {ms}"),
            ));
        }
        // Exact: a safe integer.
        let t =
            DateTime::from_timestamp_millis(ms as i64).ok_or_else(|| bad(at, "is out of range"))?;
        scalar::in_years(at, t).map(Some)
    };
    match scalar::typed_array(v) {
        Some(TypedArrayType::Float64) => Float64ArraySlice::from_unknown(*v)
            .map_err(napi_err(path))?
            .iter()
            .enumerate()
            .map(|(i, &ms)| epoch_ms(&format!("{path}[{i}]"), ms))
            .collect(),
        Some(_) => Err(wrong(path, EXPECTED, v)),
        None if v.is_array().map_err(napi_err(path))? => {
            list(path, v, EXPECTED, |at, el| match scalar::is_nullish(el) {
                true => Ok(None),
                false => scalar::instant(at, el).map(Some),
            })
        }
        None => scalar::instant(path, v).map(|t| vec![Some(t)]),
    }
}

/// Durations in seconds by row: a number for every row, a `Float64Array`
/// or an array of numbers; `NaN` is a missing value.
pub fn durations(path: &str, v: &Unknown<'_>) -> Result<Vec<Option<TimeDelta>>> {
    let secs = match v.get_type().map_err(napi_err(path))? {
        ValueType::Number => vec![scalar::number(path, v)?],
        _ => floats(path, v)?,
    };
    Ok(secs
        .into_iter()
        .map(|x| (!x.is_nan()).then(|| scalar::secs_of(x)))
        .collect())
}
