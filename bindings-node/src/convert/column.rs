//! Numeric columns: typed arrays read in place where the core takes a
//! slice, or copied from plain arrays. A plain array's `length` is checked
//! against [`MAX_VALUES`] before any element is read, so a sparse array
//! costs nothing.

use napi::bindgen_prelude::{
    BigUint64ArraySlice, Float64ArraySlice, FromNapiValue, JsObjectValue, TypedArrayType, Unknown,
};
use napi::{JsValue, ValueType};
use opsbrain::{Error, ErrorKind, Result};

use super::scalar::{self, bad, napi_err, wrong};
use super::value::MAX_VALUES;

/// The elements of a plain array, each read by `item` with its path.
///
/// # Errors
/// `invalid_type` for a non-array; `limit_exceeded` past [`MAX_VALUES`];
/// the first element error.
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

/// A number that may be ±Infinity but not NaN.
fn float(path: &str, v: &Unknown<'_>) -> Result<f64> {
    if v.get_type().map_err(napi_err(path))? != ValueType::Number {
        return Err(wrong(path, "a number", v));
    }
    let x = f64::from_unknown(*v).map_err(napi_err(path))?;
    if x.is_nan() {
        return Err(bad(path, "must be a number, got NaN"));
    }
    Ok(x)
}

/// A series of numbers: a `Float64Array` or an array of numbers (copied);
/// ±Infinity is kept for the core to judge, NaN refused.
///
/// # Errors
/// `invalid_type` for another type or element; `invalid_input` for NaN.
pub fn floats(path: &str, v: &Unknown<'_>) -> Result<Vec<f64>> {
    const EXPECTED: &str = "a Float64Array or an array of numbers";
    match scalar::typed_array(v) {
        Some(TypedArrayType::Float64) => {
            let s = Float64ArraySlice::from_unknown(*v).map_err(napi_err(path))?;
            if let Some(i) = s.iter().position(|x| x.is_nan()) {
                return Err(bad(&format!("{path}[{i}]"), "must be a number, got NaN"));
            }
            Ok(s.to_vec())
        }
        Some(_) => Err(wrong(path, EXPECTED, v)),
        None => list(path, v, EXPECTED, float),
    }
}

/// Non-negative integers: a `BigUint64Array` (copied), or an array of safe
/// integers and bigints.
///
/// # Errors
/// `invalid_type` for another type; `invalid_input` for a negative,
/// fractional or unsafe element.
pub fn uints(path: &str, v: &Unknown<'_>) -> Result<Vec<u64>> {
    const EXPECTED: &str = "a BigUint64Array or an array of non-negative integers";
    match scalar::typed_array(v) {
        Some(TypedArrayType::BigUint64) => Ok(BigUint64ArraySlice::from_unknown(*v)
            .map_err(napi_err(path))?
            .to_vec()),
        Some(_) => Err(wrong(path, EXPECTED, v)),
        None => list(path, v, EXPECTED, scalar::uint),
    }
}
