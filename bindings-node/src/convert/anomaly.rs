//! Conversions for `crate::anomaly`: data matrices, forest options, anomaly
//! sets given back to `alerts`, and the core's results.
//!
//! Data is either a `Float64Array` in row-major order with `nRows` and
//! `nCols` (read in place: [`Matrix::View`] is an ndarray view over the
//! typed array's memory, no copy) or an array of equally long rows (arrays
//! of numbers or `Float64Array`s, copied). Wrong types are `invalid_type`;
//! a length that is not `nRows x nCols` is `dimension_mismatch`; negative,
//! fractional or overflowing counts and ragged rows are `invalid_input`.
//! NaN and infinities pass through: the core refuses them (`invalid_input`).
//!
//! Reading an array of rows can run JS (getters, proxies) that could detach
//! a typed array's buffer, so a call takes its data view **last**, after
//! every other argument has been converted (as `convert::cache` does for
//! trace keys).

use napi::bindgen_prelude::{
    Float64ArraySlice, FromNapiValue, JsObjectValue, TypedArray, TypedArrayType, Unknown,
};
use napi::{JsValue, ValueType};
use opsbrain::anomaly::GroupAnomalies;
use opsbrain::anomaly::{Contamination, IsolationForestParams, MaxFeatures, MaxSamples};
use opsbrain::ndarray::{Array2, ArrayView2};
use opsbrain::{Error, ErrorKind, Result};
use serde_json::{Map, Value};

use super::cache::{self as conv, camel, is_nullish, is_plain_object, named, wrong_type};
use super::napi_failure;

/// Most threads `nJobs` may ask for; more is `limit_exceeded`.
pub const MAX_JOBS: u64 = 1024;

/// 2^53: counts above it are not exact as JS numbers.
const SAFE: f64 = 9_007_199_254_740_992.0;

const DATA_TYPES: &str =
    "a Float64Array (with nRows and nCols) or an array of rows (arrays of numbers)";

/// The element type of a typed array, or `None` for any other value.
fn typed_kind(v: &Unknown<'_>) -> napi::Result<Option<TypedArrayType>> {
    if !v.is_typedarray()? {
        return Ok(None);
    }
    Ok(Some(TypedArray::from_unknown(*v)?.typed_array_type))
}

/// A data matrix argument.
pub enum Matrix<'e> {
    /// A `Float64Array`'s own memory, `rows x cols`, row-major.
    View {
        /// The typed array.
        data: Float64ArraySlice<'e>,
        /// Rows.
        rows: usize,
        /// Columns.
        cols: usize,
    },
    /// Rows copied from an array of rows.
    Owned(Array2<f64>),
}

impl std::fmt::Debug for Matrix<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Matrix::View { rows, cols, .. } => write!(f, "Matrix::View({rows} x {cols})"),
            Matrix::Owned(a) => write!(f, "Matrix::Owned({:?})", a.dim()),
        }
    }
}

impl Matrix<'_> {
    /// The matrix as an ndarray view (no copy).
    ///
    /// # Errors
    /// `invalid_input` if the shape does not fit (checked when reading, so
    /// it should not happen).
    pub fn view(&self) -> Result<ArrayView2<'_, f64>> {
        match self {
            Matrix::View { data, rows, cols } => ArrayView2::from_shape((*rows, *cols), &data[..])
                .map_err(|e| Error::new(ErrorKind::InvalidInput, format!("data: bad shape: {e}"))),
            Matrix::Owned(a) => Ok(a.view()),
        }
    }

    /// The matrix copied, for work off the JS thread.
    ///
    /// # Errors
    /// As [`view`](Self::view).
    pub fn into_owned(self) -> Result<Array2<f64>> {
        match self {
            Matrix::Owned(a) => Ok(a),
            view @ Matrix::View { .. } => Ok(view.view()?.to_owned()),
        }
    }
}

/// A row or column count: a non-negative integer number.
fn count(name: &str, v: &Unknown<'_>) -> Result<usize> {
    let x = conv::number(name, v)?;
    if !(x.is_finite() && x >= 0.0 && x.trunc() == x && x <= SAFE) {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!("{name} must be a non-negative integer, got {x}"),
        ));
    }
    // Exact: an integer in [0, 2^53].
    usize::try_from(x as u64)
        .map_err(|_| Error::new(ErrorKind::InvalidInput, format!("{name} is too large")))
}

/// One row: an array of numbers or a `Float64Array`, copied.
fn row(name: &str, v: &Unknown<'_>) -> Result<Vec<f64>> {
    match typed_kind(v).map_err(napi_failure(name))? {
        Some(TypedArrayType::Float64) => Ok(Float64ArraySlice::from_unknown(*v)
            .map_err(napi_failure(name))?
            .to_vec()),
        None if v.is_array().map_err(napi_failure(name))? => {
            let obj = v.coerce_to_object().map_err(napi_failure(name))?;
            let len = obj.get_array_length().map_err(napi_failure(name))?;
            let mut out = Vec::with_capacity((len as usize).min(1 << 16));
            for j in 0..len {
                let at = format!("{name}[{j}]");
                let el: Unknown<'_> = obj.get_element(j).map_err(napi_failure(&at))?;
                out.push(conv::number(&at, &el)?);
            }
            Ok(out)
        }
        _ => named(
            name,
            Err(wrong_type("an array of numbers or a Float64Array", v)),
        ),
    }
}

/// An array of equally long rows, copied.
fn rows(name: &str, v: &Unknown<'_>) -> Result<Array2<f64>> {
    let obj = v.coerce_to_object().map_err(napi_failure(name))?;
    let len = obj.get_array_length().map_err(napi_failure(name))?;
    let mut flat = Vec::new();
    let mut cols = 0;
    for i in 0..len {
        let at = format!("{name}[{i}]");
        let el: Unknown<'_> = obj.get_element(i).map_err(napi_failure(&at))?;
        let r = row(&at, &el)?;
        if i == 0 {
            cols = r.len();
        } else if r.len() != cols {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!(
                    "{at} has {} values but {name}[0] has {cols}: rows must all be the same length",
                    r.len()
                ),
            ));
        }
        flat.extend_from_slice(&r);
    }
    Array2::from_shape_vec((len as usize, cols), flat)
        .map_err(|e| Error::new(ErrorKind::InvalidInput, format!("{name}: {e}")))
}

/// A data matrix: `data` with the optional `nRows`/`nCols` arguments (see
/// the module docs). Take it after every other argument.
///
/// # Errors
/// `invalid_type` for a value of the wrong type; `invalid_input` for
/// missing, negative, fractional or overflowing counts, counts given with
/// an array of rows, or ragged rows; `dimension_mismatch` when a
/// `Float64Array`'s length is not `nRows x nCols`.
pub fn matrix<'e>(
    name: &str,
    data: &Unknown<'e>,
    n_rows: Option<&Unknown<'_>>,
    n_cols: Option<&Unknown<'_>>,
) -> Result<Matrix<'e>> {
    let n_rows = n_rows.filter(|v| !is_nullish(v));
    let n_cols = n_cols.filter(|v| !is_nullish(v));
    match typed_kind(data).map_err(napi_failure(name))? {
        Some(TypedArrayType::Float64) => {
            let (Some(r), Some(c)) = (n_rows, n_cols) else {
                return Err(Error::new(
                    ErrorKind::InvalidInput,
                    format!("{name} is a Float64Array: give nRows and nCols too"),
                ));
            };
            let rows = count("nRows", r)?;
            let cols = count("nCols", c)?;
            let Some(cells) = rows.checked_mul(cols) else {
                return Err(Error::new(
                    ErrorKind::InvalidInput,
                    format!("nRows x nCols overflows ({rows} x {cols})"),
                ));
            };
            let slice = Float64ArraySlice::from_unknown(*data).map_err(napi_failure(name))?;
            if slice.len() != cells {
                return Err(Error::new(
                    ErrorKind::DimensionMismatch,
                    format!(
                        "{name} has {} values, but nRows x nCols = {rows} x {cols} = {cells}",
                        slice.len()
                    ),
                ));
            }
            Ok(Matrix::View {
                data: slice,
                rows,
                cols,
            })
        }
        None if data.is_array().map_err(napi_failure(name))? => {
            if n_rows.is_some() || n_cols.is_some() {
                return Err(Error::new(
                    ErrorKind::InvalidInput,
                    format!(
                        "{name} is an array of rows: nRows and nCols are only for a Float64Array"
                    ),
                ));
            }
            rows(name, data).map(Matrix::Owned)
        }
        _ => named(name, Err(wrong_type(DATA_TYPES, data))),
    }
}

// ---------------------------------------------------------------- options

const FOREST_KEYS: &[&str] = &[
    "nEstimators",
    "maxSamples",
    "contamination",
    "maxFeatures",
    "bootstrap",
    "randomState",
    "nJobs",
];

/// The constructor's options: the core parameters and the thread count.
#[derive(Debug, Clone)]
pub struct ForestOptions {
    /// The forest's parameters.
    pub params: IsolationForestParams,
    /// Threads (`None`: rayon's global pool, one per core).
    pub n_jobs: Option<usize>,
}

/// A number that is a count when it is an integer >= 0 and a fraction when
/// it is in (0, 1).
enum CountOrFraction {
    Count(usize),
    Fraction(f64),
}

fn count_or_fraction(name: &'static str, v: &Unknown<'_>) -> Result<CountOrFraction> {
    if is_plain_object(name, v)? {
        let opts = conv::options(name, Some(v), &["count", "fraction"])?;
        return match (opts.uint("count")?, opts.number("fraction")?) {
            (Some(c), None) => Ok(CountOrFraction::Count(conv::usize_of(c))),
            (None, Some(f)) => Ok(CountOrFraction::Fraction(f)),
            _ => Err(Error::new(
                ErrorKind::InvalidConfig,
                format!("{name}: give exactly one of count or fraction"),
            )),
        };
    }
    if conv::value_type(v).is_ok_and(|t| t != ValueType::Number) {
        return named(
            name,
            Err(wrong_type(
                "a number (an integer >= 1 is a count, a value in (0, 1) a fraction), {count} or {fraction}",
                v,
            )),
        );
    }
    let x = conv::number(name, v)?;
    if x.is_finite() && x >= 0.0 && x.trunc() == x {
        // Saturating: a huge count is clipped or refused by the core.
        Ok(CountOrFraction::Count(x as usize))
    } else if x > 0.0 && x < 1.0 {
        Ok(CountOrFraction::Fraction(x))
    } else {
        Err(Error::new(
            ErrorKind::InvalidConfig,
            format!("{name} must be an integer >= 1 (a count) or in (0, 1) (a fraction), got {x}"),
        ))
    }
}

fn max_samples(v: &Unknown<'_>) -> Result<MaxSamples> {
    const NAME: &str = "options.maxSamples";
    if conv::value_type(v).is_ok_and(|t| t == ValueType::String) {
        let s = conv::string(NAME, v)?;
        return match s.as_str() {
            "auto" => Ok(MaxSamples::Auto),
            _ => Err(Error::new(
                ErrorKind::InvalidConfig,
                format!("{NAME} must be 'auto', a count or a fraction, got {s:?}"),
            )),
        };
    }
    Ok(match count_or_fraction(NAME, v)? {
        CountOrFraction::Count(c) => MaxSamples::Count(c),
        CountOrFraction::Fraction(f) => MaxSamples::Fraction(f),
    })
}

fn max_features(v: &Unknown<'_>) -> Result<MaxFeatures> {
    Ok(match count_or_fraction("options.maxFeatures", v)? {
        CountOrFraction::Count(c) => MaxFeatures::Count(c),
        CountOrFraction::Fraction(f) => MaxFeatures::Fraction(f),
    })
}

fn contamination(v: &Unknown<'_>) -> Result<Contamination> {
    const NAME: &str = "options.contamination";
    match conv::value_type(v) {
        Ok(ValueType::String) => {
            let s = conv::string(NAME, v)?;
            match s.as_str() {
                "auto" => Ok(Contamination::Auto),
                _ => Err(Error::new(
                    ErrorKind::InvalidConfig,
                    format!("{NAME} must be 'auto' or a number in (0, 0.5], got {s:?}"),
                )),
            }
        }
        Ok(ValueType::Number) => Ok(Contamination::Fraction(conv::number(NAME, v)?)),
        _ => named(NAME, Err(wrong_type("'auto' or a number", v))),
    }
}

/// The `IsolationForest` constructor's options (`undefined`/`null`: the
/// defaults), validated by the core.
///
/// # Errors
/// `invalid_type` for a value of the wrong type; `invalid_input` for an
/// unknown key, a negative or fractional `nEstimators`/`randomState`/`nJobs`
/// or `nJobs` 0; `invalid_config` for values the core refuses;
/// `limit_exceeded` past the core's bounds or [`MAX_JOBS`].
pub fn forest_options(v: Option<&Unknown<'_>>) -> Result<ForestOptions> {
    let opts = conv::options("options", v, FOREST_KEYS)?;
    let mut params = IsolationForestParams::new();
    if let Some(n) = opts.uint("nEstimators")? {
        params.n_estimators = conv::usize_of(n);
    }
    if let Some(m) = opts.get("maxSamples") {
        params.max_samples = max_samples(m)?;
    }
    if let Some(c) = opts.get("contamination") {
        params.contamination = contamination(c)?;
    }
    if let Some(m) = opts.get("maxFeatures") {
        params.max_features = max_features(m)?;
    }
    if let Some(b) = opts.get("bootstrap") {
        params.bootstrap = conv::boolean("options.bootstrap", b)?;
    }
    if let Some(seed) = opts.uint("randomState")? {
        params.seed = seed;
    }
    let n_jobs = match opts.uint("nJobs")? {
        None => None,
        Some(0) => {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                "options.nJobs must be at least 1",
            ));
        }
        Some(n) if n > MAX_JOBS => {
            return Err(Error::new(
                ErrorKind::LimitExceeded,
                format!("options.nJobs {n} is over the limit of {MAX_JOBS}"),
            ));
        }
        Some(n) => Some(conv::usize_of(n)),
    };
    params.validate()?;
    Ok(ForestOptions { params, n_jobs })
}

// ---------------------------------------------------------------- anomaly sets

const ANOMALY_KEYS: &[&str] = &[
    "metric",
    "scores",
    "threshold",
    "anomalousPoints",
    "expectedShare",
];

/// A list of numbers: a `Float64Array` or an array of numbers.
fn floats(name: &str, v: &Unknown<'_>) -> Result<Vec<f64>> {
    match typed_kind(v).map_err(napi_failure(name))? {
        Some(TypedArrayType::Float64) => Ok(Float64ArraySlice::from_unknown(*v)
            .map_err(napi_failure(name))?
            .to_vec()),
        None if v.is_array().map_err(napi_failure(name))? => row(name, v),
        _ => named(
            name,
            Err(wrong_type("a Float64Array or an array of numbers", v)),
        ),
    }
}

/// Row indices: an array of non-negative integers or a typed array of them.
fn indices(name: &str, v: &Unknown<'_>) -> Result<Vec<usize>> {
    let is_list = v.is_array().map_err(napi_failure(name))?
        || typed_kind(v).map_err(napi_failure(name))?.is_some();
    if !is_list {
        return named(
            name,
            Err(wrong_type("an array of non-negative integers", v)),
        );
    }
    conv::sizes("anomalousPoints", v).map(|list| list.into_iter().map(conv::usize_of).collect())
}

fn required<'e>(opts: &conv::Options<'e>, key: &str) -> Result<Unknown<'e>> {
    opts.require(key).copied()
}

/// One anomaly set as returned by `detect` / `FittedGroup.score`.
fn anomalies(name: &str, v: &Unknown<'_>) -> Result<GroupAnomalies> {
    if !is_plain_object(name, v)? {
        return named(name, Err(wrong_type("an object", v)));
    }
    let opts = conv::options("anomalies", Some(v), ANOMALY_KEYS)?;
    let metric = conv::string(&format!("{name}.metric"), &required(&opts, "metric")?)?;
    let scores = floats(&format!("{name}.scores"), &required(&opts, "scores")?)?;
    let threshold = conv::number(&format!("{name}.threshold"), &required(&opts, "threshold")?)?;
    let anomalous_points = indices(
        &format!("{name}.anomalousPoints"),
        &required(&opts, "anomalousPoints")?,
    )?;
    let expected_share = conv::number(
        &format!("{name}.expectedShare"),
        &required(&opts, "expectedShare")?,
    )?;
    Ok(GroupAnomalies {
        metric,
        scores,
        threshold,
        anomalous_points,
        expected_share,
    })
}

/// The anomaly sets given to `alerts`: an array of them, or one.
///
/// # Errors
/// `invalid_type` for a value of the wrong type; `missing_key` for a missing
/// key; `invalid_input` for an unknown key (each naming `anomalies[i]`).
pub fn anomaly_list(v: &Unknown<'_>) -> Result<Vec<GroupAnomalies>> {
    const NAME: &str = "anomalies";
    if !v.is_array().map_err(napi_failure(NAME))? {
        if is_plain_object(NAME, v)? {
            return anomalies(NAME, v).map(|a| vec![a]);
        }
        return named(
            NAME,
            Err(wrong_type(
                "an array of anomaly sets (from detect or score)",
                v,
            )),
        );
    }
    let obj = v.coerce_to_object().map_err(napi_failure(NAME))?;
    let len = obj.get_array_length().map_err(napi_failure(NAME))?;
    let mut out = Vec::with_capacity((len as usize).min(1 << 10));
    for i in 0..len {
        let at = format!("{NAME}[{i}]");
        let el: Unknown<'_> = obj.get_element(i).map_err(napi_failure(&at))?;
        out.push(anomalies(&at, &el)?);
    }
    Ok(out)
}

// ---------------------------------------------------------------- results

/// A serde JSON value with its object keys in camelCase (for `config`).
pub fn camel_keys(v: Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (camel(&k), camel_keys(v)))
                .collect::<Map<String, Value>>(),
        ),
        Value::Array(list) => Value::Array(list.into_iter().map(camel_keys).collect()),
        other => other,
    }
}
