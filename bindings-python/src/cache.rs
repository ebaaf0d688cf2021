//! `opsbrain.cache`: thin wrappers over `opsbrain::cache`.

use std::borrow::Cow;

use numpy::{AllowTypeChange, IntoPyArray, PyArray1, PyArrayLike1, PyReadonlyArray1};
use opsbrain::ErrorKind;
use opsbrain::cache::{
    self as core, MissRatioCurve, Sampling, StrategyTable, Trace, policy::Policy,
};
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString, PyType};

use crate::convert::{from_py, instance, str_arg, to_py_dict, type_name};
use crate::errors::{BindError, bind_error, compute};

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyMissRatioCurve>()?;
    m.add_class::<PyStrategyTable>()?;
    for f in [
        wrap_pyfunction!(lru_mrc, m)?,
        wrap_pyfunction!(shards_mrc, m)?,
        wrap_pyfunction!(simulate, m)?,
        wrap_pyfunction!(pattern_stats, m)?,
        wrap_pyfunction!(warm_candidates, m)?,
        wrap_pyfunction!(hash_key, m)?,
        wrap_pyfunction!(hash_keys, m)?,
        wrap_pyfunction!(adjust, m)?,
    ] {
        m.add_function(f)?;
    }
    Ok(())
}

/// A 1-D array argument of element type `T` (lists and other dtypes are
/// converted by numpy; float64/uint64 arrays are borrowed without a copy).
fn array<'py, T>(
    obj: &Bound<'py, PyAny>,
    name: &str,
) -> Result<PyArrayLike1<'py, T, AllowTypeChange>, BindError>
where
    T: numpy::Element + Copy + pyo3::conversion::FromPyObjectOwned<'py> + 'py,
{
    obj.extract::<PyArrayLike1<'py, T, AllowTypeChange>>()
        .map_err(|e| {
            bind_error(
                ErrorKind::InvalidType,
                format!(
                    "{name} must be a 1-D array of {}: {} ({e})",
                    std::any::type_name::<T>(),
                    type_name(obj)
                ),
            )
        })
}

/// The array's data as a slice, copying only if it is not contiguous.
fn slice<'a, T: numpy::Element + Copy>(a: &'a PyReadonlyArray1<'_, T>) -> Cow<'a, [T]> {
    match a.as_slice() {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => Cow::Owned(a.as_array().to_vec()),
    }
}

/// Owned or borrowed trace columns, converted while holding the interpreter.
struct Columns<'py> {
    keys: PyArrayLike1<'py, u64, AllowTypeChange>,
    timestamps: Option<PyArrayLike1<'py, f64, AllowTypeChange>>,
    writes: Option<PyArrayLike1<'py, bool, AllowTypeChange>>,
}

impl<'py> Columns<'py> {
    fn new(
        keys: &Bound<'py, PyAny>,
        timestamps: Option<&Bound<'py, PyAny>>,
        writes: Option<&Bound<'py, PyAny>>,
    ) -> Result<Self, BindError> {
        Ok(Columns {
            keys: array(keys, "keys")?,
            timestamps: timestamps
                .filter(|t| !t.is_none())
                .map(|t| array(t, "timestamps"))
                .transpose()?,
            writes: writes
                .filter(|w| !w.is_none())
                .map(|w| array(w, "writes"))
                .transpose()?,
        })
    }

    /// Runs `f` on the trace with the interpreter released.
    fn run<T: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&Trace<'_>) -> opsbrain::Result<T> + Send,
    ) -> Result<T, BindError> {
        let keys = slice(&self.keys);
        let ts = self.timestamps.as_deref().map(slice);
        let writes = self.writes.as_deref().map(slice);
        compute(py, || {
            let mut trace = Trace::new(&keys)?;
            if let Some(ts) = &ts {
                trace = trace.with_timestamps(ts)?;
            }
            if let Some(w) = &writes {
                trace = trace.with_writes(w)?;
            }
            f(&trace)
        })
    }
}

/// Hit ratio of an LRU cache at every size (exact or SHARDS-sampled).
#[pyclass(name = "MissRatioCurve", module = "opsbrain._native", frozen, eq)]
#[derive(Debug, Clone, PartialEq)]
pub struct PyMissRatioCurve(MissRatioCurve);

#[pymethods]
impl PyMissRatioCurve {
    /// Accesses in the trace.
    #[getter]
    fn accesses(&self) -> u64 {
        self.0.accesses
    }
    /// Distinct keys (estimated when sampled).
    #[getter]
    fn distinct_keys(&self) -> u64 {
        self.0.distinct_keys
    }
    /// "exact" or "shards".
    #[getter]
    fn method(&self) -> &str {
        &self.0.method
    }
    /// Sampling rate at the end (1.0 when exact).
    #[getter]
    fn sampling_rate(&self) -> f64 {
        self.0.sampling_rate
    }
    /// Step sizes (uint64 array); the hit ratio changes only at these sizes.
    #[getter]
    fn sizes<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<u64>> {
        self.0
            .points
            .iter()
            .map(|p| p.0)
            .collect::<Vec<_>>()
            .into_pyarray(py)
    }
    /// Hit ratio at each step size (float64 array).
    #[getter]
    fn step_hit_ratios<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        self.0
            .points
            .iter()
            .map(|p| p.1)
            .collect::<Vec<_>>()
            .into_pyarray(py)
    }
    /// Hit ratio of an LRU cache of `size` entries.
    fn hit_ratio(&self, size: u64) -> f64 {
        self.0.hit_ratio(size)
    }
    /// Hit ratios at many sizes (float64 array).
    fn hit_ratios<'py>(
        &self,
        py: Python<'py>,
        sizes: &Bound<'py, PyAny>,
    ) -> Result<Bound<'py, PyArray1<f64>>, BindError> {
        let sizes = array::<u64>(sizes, "sizes")?;
        Ok(self.0.hit_ratios(&slice(&sizes)).into_pyarray(py))
    }
    /// Miss ratio (1 - hit ratio) at `size`.
    fn miss_ratio(&self, size: u64) -> f64 {
        self.0.miss_ratio(size)
    }
    /// The best hit ratio any size reaches.
    fn max_hit_ratio(&self) -> f64 {
        self.0.max_hit_ratio()
    }
    /// Smallest size reaching `target`, or None.
    fn size_for_hit_ratio(&self, target: f64) -> Option<u64> {
        self.0.size_for_hit_ratio(target)
    }
    /// The knee `(size, hit_ratio)` by the Kneedle rule, or None.
    fn knee(&self) -> Option<(u64, f64)> {
        self.0.knee().map(|k| (k.size, k.hit_ratio))
    }
    /// The serde form as a plain dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_dict(py, &self.0)
    }
    /// The serde JSON form.
    fn to_json(&self) -> Result<String, BindError> {
        serde_json::to_string(&self.0).map_err(|e| BindError(e.into()))
    }
    /// Reads the JSON form written by :meth:`to_json`.
    #[staticmethod]
    fn from_json(text: &Bound<'_, PyAny>) -> Result<Self, BindError> {
        let text = str_arg(text, "text")?;
        Ok(PyMissRatioCurve(
            serde_json::from_str(&text).map_err(|e| BindError(e.into()))?,
        ))
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let cls: Bound<'py, PyType> = slf.get_type();
        Ok((cls.getattr("from_json")?, (slf.get().to_json()?,)))
    }
    fn __len__(&self) -> usize {
        self.0.points.len()
    }
    fn __repr__(&self) -> String {
        format!(
            "MissRatioCurve(method='{}', accesses={}, distinct_keys={}, max_hit_ratio={:.4})",
            self.0.method,
            self.0.accesses,
            self.0.distinct_keys,
            self.0.max_hit_ratio()
        )
    }
}

/// The exact LRU miss-ratio curve of a trace of uint64 keys.
#[pyfunction]
fn lru_mrc(py: Python<'_>, keys: &Bound<'_, PyAny>) -> Result<PyMissRatioCurve, BindError> {
    let cols = Columns::new(keys, None, None)?;
    Ok(PyMissRatioCurve(cols.run(py, MissRatioCurve::exact_lru)?))
}

/// The SHARDS-sampled LRU curve: give exactly one of `rate` (in (0, 1]) or
/// `max_keys` (a sample budget).
#[pyfunction]
#[pyo3(signature = (keys, rate = None, max_keys = None))]
fn shards_mrc(
    py: Python<'_>,
    keys: &Bound<'_, PyAny>,
    rate: Option<f64>,
    max_keys: Option<usize>,
) -> Result<PyMissRatioCurve, BindError> {
    let sampling = match (rate, max_keys) {
        (Some(r), None) => Sampling::Rate(r),
        (None, Some(k)) => Sampling::MaxKeys(k),
        _ => {
            return Err(bind_error(
                ErrorKind::InvalidInput,
                "give exactly one of rate or max_keys",
            ));
        }
    };
    let cols = Columns::new(keys, None, None)?;
    Ok(PyMissRatioCurve(
        cols.run(py, |t| MissRatioCurve::shards(t, sampling))?,
    ))
}

/// Simulates cache policies ("lru", "fifo", "lfu", "w_tiny_lfu") at each
/// capacity; returns one dict per (policy, capacity), policies-major.
#[pyfunction]
#[pyo3(signature = (keys, capacities, policies = None))]
fn simulate<'py>(
    py: Python<'py>,
    keys: &Bound<'py, PyAny>,
    capacities: &Bound<'py, PyAny>,
    policies: Option<&Bound<'py, PyAny>>,
) -> Result<Bound<'py, PyAny>, BindError> {
    let policies: Vec<Policy> = match policies {
        None => vec![Policy::Lru, Policy::Fifo, Policy::Lfu, Policy::WTinyLfu],
        Some(p) if p.cast::<PyString>().is_ok() => vec![str_arg(p, "policies")?.parse()?],
        Some(p) => {
            let names: Vec<String> = from_py(p, "policies")?;
            names
                .iter()
                .map(|n| n.parse())
                .collect::<opsbrain::Result<_>>()?
        }
    };
    let caps = array::<u64>(capacities, "capacities")?;
    let caps: Vec<usize> = slice(&caps)
        .iter()
        .map(|&c| usize::try_from(c).unwrap_or(usize::MAX))
        .collect();
    let cols = Columns::new(keys, None, None)?;
    let out = cols.run(py, |t| core::policy::compare_policies(t, &policies, &caps))?;
    to_py_dict(py, &out).map_err(|e| bind_error(ErrorKind::InvalidInput, e.to_string()))
}

/// Per-pattern access statistics and an idle-TTL recommendation keeping
/// `target_share` of re-accesses; one dict per pattern id.
#[pyfunction]
#[pyo3(signature = (keys, timestamps = None, writes = None, patterns = None, target_share = 0.9))]
fn pattern_stats<'py>(
    py: Python<'py>,
    keys: &Bound<'py, PyAny>,
    timestamps: Option<&Bound<'py, PyAny>>,
    writes: Option<&Bound<'py, PyAny>>,
    patterns: Option<&Bound<'py, PyAny>>,
    target_share: f64,
) -> Result<Bound<'py, PyAny>, BindError> {
    let cols = Columns::new(keys, timestamps, writes)?;
    let pats = patterns
        .filter(|p| !p.is_none())
        .map(|p| array::<u32>(p, "patterns"))
        .transpose()?;
    let pats = pats.as_deref().map(slice);
    let out = cols.run(py, |t| {
        core::pattern_stats(t, pats.as_deref(), target_share)
    })?;
    to_py_dict(py, &out).map_err(|e| bind_error(ErrorKind::InvalidInput, e.to_string()))
}

/// Keys most likely to be read in `[now, now + window_secs)`, ranked.
#[pyfunction]
#[pyo3(signature = (keys, timestamps, now, window_secs, top_k = 100, half_life_secs = 3600.0, writes = None))]
#[allow(clippy::too_many_arguments)]
fn warm_candidates<'py>(
    py: Python<'py>,
    keys: &Bound<'py, PyAny>,
    timestamps: &Bound<'py, PyAny>,
    now: f64,
    window_secs: f64,
    top_k: usize,
    half_life_secs: f64,
    writes: Option<&Bound<'py, PyAny>>,
) -> Result<Bound<'py, PyAny>, BindError> {
    let cols = Columns::new(keys, Some(timestamps), writes)?;
    let out = cols.run(py, |t| {
        core::warm_candidates(t, now, window_secs, top_k, half_life_secs)
    })?;
    to_py_dict(py, &out).map_err(|e| bind_error(ErrorKind::InvalidInput, e.to_string()))
}

/// The stable 64-bit key of a string (the same in Rust, Python and Node).
#[pyfunction]
fn hash_key(key: &Bound<'_, PyAny>) -> Result<u64, BindError> {
    Ok(core::hash_key(&str_arg(key, "key")?))
}

/// `hash_key` of every string in a list, as a uint64 array.
#[pyfunction]
fn hash_keys<'py>(
    py: Python<'py>,
    keys: &Bound<'py, PyAny>,
) -> Result<Bound<'py, PyArray1<u64>>, BindError> {
    let list = keys.cast::<PyList>().map_err(|_| {
        bind_error(
            ErrorKind::InvalidType,
            format!("keys must be a list of str, not {}", type_name(keys)),
        )
    })?;
    let mut out = Vec::with_capacity(list.len());
    for (i, k) in list.iter().enumerate() {
        out.push(core::hash_key(&str_arg(&k, &format!("keys[{i}]"))?));
    }
    Ok(out.into_pyarray(py))
}

/// Cache types and their TTL/strategy; ``StrategyTable()`` is the framework's.
#[pyclass(name = "StrategyTable", module = "opsbrain._native", frozen, eq)]
#[derive(Debug, Clone, PartialEq)]
pub struct PyStrategyTable(StrategyTable);

#[pymethods]
impl PyStrategyTable {
    #[new]
    fn new() -> Self {
        PyStrategyTable(StrategyTable::builtin())
    }
    /// The framework's four cache types.
    #[staticmethod]
    fn builtin() -> Self {
        Self::new()
    }
    /// Parses and validates a JSON table.
    #[staticmethod]
    fn from_json(text: &Bound<'_, PyAny>) -> Result<Self, BindError> {
        Ok(PyStrategyTable(StrategyTable::from_json(&str_arg(
            text, "text",
        )?)?))
    }
    /// Parses and validates a TOML table.
    #[staticmethod]
    fn from_toml(text: &Bound<'_, PyAny>) -> Result<Self, BindError> {
        Ok(PyStrategyTable(StrategyTable::from_toml(&str_arg(
            text, "text",
        )?)?))
    }
    /// The table as JSON.
    fn to_json(&self) -> String {
        self.0.to_json()
    }
    /// The table as a dict of dicts.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_dict(py, &self.0)
    }
    /// `{"ttl_secs", "strategy"}` of a cache type, or None.
    fn get<'py>(
        &self,
        py: Python<'py>,
        cache_type: &Bound<'py, PyAny>,
    ) -> Result<Option<Bound<'py, PyAny>>, BindError> {
        let t = str_arg(cache_type, "cache_type")?;
        self.0
            .get(&t)
            .map(|e| {
                to_py_dict(py, e).map_err(|e| bind_error(ErrorKind::InvalidInput, e.to_string()))
            })
            .transpose()
    }
    fn __len__(&self) -> usize {
        self.0.len()
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((
            slf.get_type().getattr("from_json")?,
            (slf.get().0.to_json(),),
        ))
    }
    fn __repr__(&self) -> String {
        format!("StrategyTable({})", self.0.to_json())
    }
}

/// The framework's CacheOptimizer rules: metrics (a list of dicts with
/// cache_type, hit_ratio, access_frequency, write_ratio and optional
/// requests) to a plan dict (overall_hit_ratio, optimization_needed,
/// adjustments with reasons, table).
#[pyfunction]
#[pyo3(signature = (metrics, table = None, rules = None))]
fn adjust<'py>(
    py: Python<'py>,
    metrics: &Bound<'py, PyAny>,
    table: Option<&Bound<'py, PyAny>>,
    rules: Option<&Bound<'py, PyAny>>,
) -> Result<Bound<'py, PyAny>, BindError> {
    let metrics: Vec<core::CacheTypeMetrics> = from_py(metrics, "metrics")?;
    let table = match table.filter(|t| !t.is_none()) {
        Some(t) => instance::<PyStrategyTable>(t, "table")?.get().0.clone(),
        None => StrategyTable::builtin(),
    };
    let rules: core::AdjustmentRules = match rules.filter(|r| !r.is_none()) {
        Some(r) => from_py(r, "rules")?,
        None => Default::default(),
    };
    let plan = core::adjust(&table, &metrics, &rules)?;
    to_py_dict(py, &plan).map_err(|e| bind_error(ErrorKind::InvalidInput, e.to_string()))
}
