//! `opsbrain.cache`: thin wrappers over `opsbrain::cache`.

use std::fmt::Display;

use opsbrain::cache::{
    self as core, CurvePartial, MissRatioCurve, Policies, Sampling, StrategyEntry, StrategyTable,
    Trace,
};
use opsbrain::limits::{MAX_CACHE_SIZES, MAX_TRACE_LEN};
use pyo3::prelude::*;

use crate::compute::{compute, compute_py};
use crate::convert::{
    Array, Column, Data, Opt, PLAIN, arg, column, float, int, opt, opt_arg, opt_column, records,
    seq, string, to_py, values,
};
use crate::errors::Res;
use crate::{getters, value_class};

/// Trace columns, borrowed or read exactly while holding the interpreter.
struct Columns<'py> {
    keys: Column<'py, u64>,
    timestamps: Option<Column<'py, f64>>,
    writes: Option<Column<'py, bool>>,
}

impl<'py> Columns<'py> {
    fn new(keys: &Bound<'py, PyAny>, timestamps: Opt<'_, 'py>, writes: Opt<'_, 'py>) -> Res<Self> {
        Ok(Columns {
            keys: column(keys, "keys", MAX_TRACE_LEN)?,
            timestamps: opt_column(timestamps, "timestamps", MAX_TRACE_LEN)?,
            writes: opt_column(writes, "writes", MAX_TRACE_LEN)?,
        })
    }

    /// Runs `f` on the trace with the interpreter released.
    fn run<T: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&Trace<'_>) -> opsbrain::Result<T> + Send,
    ) -> Res<T> {
        let keys = self.keys.values();
        let (ts, writes) = (values(&self.timestamps), values(&self.writes));
        compute(py, || {
            let trace = Trace::with_columns(&keys, ts.as_deref(), writes.as_deref())?;
            f(&trace)
        })
    }
}

value_class! {
    /// Hit ratio of an LRU cache at every size (exact or SHARDS-sampled).
    PyMissRatioCurve(MissRatioCurve) as "MissRatioCurve"
}

getters!(PyMissRatioCurve {
    /// Accesses in the trace.
    accesses -> u64 = |v| v.accesses;
    /// Distinct keys (estimated when sampled).
    distinct_keys -> u64 = |v| v.distinct_keys;
    /// "exact" or "shards".
    method -> &str = |v| &v.method;
    /// Sampling rate at the end (1.0 when exact).
    sampling_rate -> f64 = |v| v.sampling_rate;
    /// Step sizes (uint64 array); the hit ratio changes only at these sizes.
    sizes -> Array<u64> = |v| Array(v.points.iter().map(|p| p.0).collect());
    /// Hit ratio at each step size (float64 array).
    step_hit_ratios -> Array<f64> = |v| Array(v.points.iter().map(|p| p.1).collect());
});

#[pymethods]
impl PyMissRatioCurve {
    /// Hit ratio of an LRU cache of `size` entries.
    fn hit_ratio(&self, size: &Bound<'_, PyAny>) -> Res<f64> {
        Ok(self.0.hit_ratio(int(size, "size")?))
    }
    /// Hit ratios at many sizes (float64 array).
    fn hit_ratios(&self, py: Python<'_>, sizes: &Bound<'_, PyAny>) -> Res<Array<f64>> {
        let sizes = column::<u64>(sizes, "sizes", MAX_TRACE_LEN)?;
        let sizes = sizes.values();
        Ok(Array(compute(py, || Ok(self.0.hit_ratios(&sizes)))?))
    }
    /// Miss ratio (1 - hit ratio) at `size`.
    fn miss_ratio(&self, size: &Bound<'_, PyAny>) -> Res<f64> {
        Ok(self.0.miss_ratio(int(size, "size")?))
    }
    /// The best hit ratio any size reaches.
    fn max_hit_ratio(&self) -> f64 {
        self.0.max_hit_ratio()
    }
    /// Smallest size reaching `target`, or None.
    fn size_for_hit_ratio(&self, target: &Bound<'_, PyAny>) -> Res<Option<u64>> {
        Ok(self.0.size_for_hit_ratio(float(target, "target")?))
    }
    /// The knee `(size, hit_ratio)` by the Kneedle rule, or None.
    fn knee(&self) -> Option<(u64, f64)> {
        self.0.knee().map(|k| (k.size, k.hit_ratio))
    }
    fn __len__(&self) -> usize {
        self.0.points.len()
    }
}

/// The exact LRU miss-ratio curve of a trace of uint64 keys.
#[pyfunction]
pub fn lru_mrc(py: Python<'_>, keys: &Bound<'_, PyAny>) -> Res<PyMissRatioCurve> {
    let cols = Columns::new(keys, None, None)?;
    Ok(PyMissRatioCurve(cols.run(py, MissRatioCurve::exact_lru)?))
}

/// The SHARDS-sampled LRU curve: give exactly one of `rate` (in (0, 1]) or
/// `max_keys` (a sample budget).
#[pyfunction]
#[pyo3(signature = (keys, rate = None, max_keys = None))]
pub fn shards_mrc(
    py: Python<'_>,
    keys: &Bound<'_, PyAny>,
    rate: Opt<'_, '_>,
    max_keys: Opt<'_, '_>,
) -> Res<PyMissRatioCurve> {
    let sampling = Sampling::one_of(
        opt(rate, |o| float(o, "rate"))?,
        opt(max_keys, |o| int(o, "max_keys"))?,
    )?;
    let cols = Columns::new(keys, None, None)?;
    let curve = cols.run(py, |t| MissRatioCurve::shards(t, sampling))?;
    Ok(PyMissRatioCurve(curve))
}

/// The hash partition (0 to `partitions - 1`) of each uint64 key, as a
/// uint32 array: the partitioning `lru_partial` requires.
#[pyfunction]
pub fn trace_partitions(
    py: Python<'_>,
    keys: &Bound<'_, PyAny>,
    partitions: &Bound<'_, PyAny>,
) -> Res<Array<u32>> {
    let keys = column::<u64>(keys, "keys", MAX_TRACE_LEN)?;
    let n = int(partitions, "partitions")?;
    let keys = keys.values();
    let out = compute(py, || {
        keys.iter().map(|&k| core::trace_partition(k, n)).collect()
    })?;
    Ok(Array(out))
}

/// A trace from the bytes of its file (``opsbrain.cache.read_trace`` reads
/// the file): ``{"keys": uint64 array, "timestamps": float64 array or
/// None}``; ``options`` a dict of ``TraceOptions`` (``format``,
/// ``big_endian``, ``key_column``, ``timestamp_column``, ``delimiter``,
/// ``compression``). The GIL is released while reading.
#[pyfunction]
#[pyo3(signature = (data, options = None))]
pub fn read_trace<'py>(
    py: Python<'py>,
    data: &Bound<'py, pyo3::types::PyBytes>,
    options: Opt<'_, 'py>,
) -> Res<Bound<'py, pyo3::types::PyDict>> {
    let o: core::TraceOptions = opt_arg(options, "options", 16)?;
    let bytes = data.as_bytes();
    let t = compute(py, || core::read_trace(bytes, &o))?;
    let out = pyo3::types::PyDict::new(py);
    out.set_item("keys", Array(t.keys))?;
    out.set_item("timestamps", t.timestamps.map(Array))?;
    Ok(out)
}

/// The LRU stack-distance partial (JSON) of hash partition `partition` of
/// `partitions`: `keys` are that partition's accesses in trace order.
#[pyfunction]
pub fn lru_partial(
    py: Python<'_>,
    keys: &Bound<'_, PyAny>,
    partition: &Bound<'_, PyAny>,
    partitions: &Bound<'_, PyAny>,
) -> Res<String> {
    let keys = column::<u64>(keys, "keys", MAX_TRACE_LEN)?;
    let (j, n) = (int(partition, "partition")?, int(partitions, "partitions")?);
    let keys = keys.values();
    compute(py, || Ok(CurvePartial::lru(&keys, j, n)?.to_json()))
}

/// The estimated LRU curve of a trace from the `lru_partial` JSON of every
/// hash partition (exact with one partition).
#[pyfunction]
pub fn merge_lru_partials(py: Python<'_>, partials: &Bound<'_, PyAny>) -> Res<PyMissRatioCurve> {
    let max = opsbrain::limits::cache::MAX_TRACE_PARTITIONS as usize;
    let texts = seq(partials, "partials", max, |o, at| string(o, at))?;
    let curve = compute(py, || {
        let parts = texts
            .iter()
            .enumerate()
            .map(|(i, t)| CurvePartial::from_json(t).map_err(|e| e.at(format!("partials[{i}]"))))
            .collect::<opsbrain::Result<Vec<_>>>()?;
        MissRatioCurve::merge_partials(&parts)
    })?;
    Ok(PyMissRatioCurve(curve))
}

/// Simulates cache policies ("lru", "fifo", "lfu", "w_tiny_lfu",
/// "w_tiny_lfu_adaptive", "s3_fifo", "sieve", "belady") at each capacity;
/// returns one dict per (policy, capacity), policies-major.
#[pyfunction]
#[pyo3(signature = (keys, capacities, policies = None))]
pub fn simulate<'py>(
    py: Python<'py>,
    keys: &Bound<'py, PyAny>,
    capacities: &Bound<'py, PyAny>,
    policies: Opt<'_, 'py>,
) -> Res<Bound<'py, PyAny>> {
    let policies: Policies = opt_arg(policies, "policies", MAX_CACHE_SIZES)?;
    let read = |c: &Bound<'_, PyAny>, at: &dyn Display| int::<usize>(c, at);
    let caps = seq(capacities, "capacities", MAX_CACHE_SIZES, read)?;
    let cols = Columns::new(keys, None, None)?;
    let out = cols.run(py, |t| core::compare_policies(t, &policies.0, &caps))?;
    to_py(py, &out, PLAIN)
}

/// The smallest capacity at which `policy` reaches `target` hit ratio on
/// the trace, or None when no capacity does (bisection over simulations;
/// exact for "lru").
#[pyfunction]
pub fn size_for_hit_ratio(
    py: Python<'_>,
    keys: &Bound<'_, PyAny>,
    policy: &Bound<'_, PyAny>,
    target: &Bound<'_, PyAny>,
) -> Res<Option<u64>> {
    let policy: core::Policy = arg(policy, "policy", 1)?;
    let target = float(target, "target")?;
    let cols = Columns::new(keys, None, None)?;
    cols.run(py, |t| core::size_for_hit_ratio(t, policy, target))
}

/// Per-pattern access statistics and an idle-TTL recommendation keeping
/// `target_share` of re-accesses (default 0.9); one dict per pattern id.
#[pyfunction]
#[pyo3(signature = (keys, timestamps = None, writes = None, patterns = None, target_share = None))]
pub fn pattern_stats<'py>(
    py: Python<'py>,
    keys: &Bound<'py, PyAny>,
    timestamps: Opt<'_, 'py>,
    writes: Opt<'_, 'py>,
    patterns: Opt<'_, 'py>,
    target_share: Opt<'_, 'py>,
) -> Res<Bound<'py, PyAny>> {
    let share =
        opt(target_share, |o| float(o, "target_share"))?.unwrap_or(core::DEFAULT_TARGET_SHARE);
    let cols = Columns::new(keys, timestamps, writes)?;
    let pats = opt_column::<u32>(patterns, "patterns", MAX_TRACE_LEN)?;
    let pats = values(&pats);
    let out = cols.run(py, |t| core::pattern_stats(t, pats.as_deref(), share))?;
    to_py(py, &out, PLAIN)
}

/// Keys most likely to be read in `[now, now + window_secs)`, ranked
/// (`top_k` of them, default 100; recency half-life default one hour).
#[pyfunction]
#[pyo3(signature = (keys, timestamps, now, window_secs, top_k = None, half_life_secs = None, writes = None))]
pub fn warm_candidates<'py>(
    py: Python<'py>,
    keys: &Bound<'py, PyAny>,
    timestamps: &Bound<'py, PyAny>,
    now: &Bound<'py, PyAny>,
    window_secs: &Bound<'py, PyAny>,
    top_k: Opt<'_, 'py>,
    half_life_secs: Opt<'_, 'py>,
    writes: Opt<'_, 'py>,
) -> Res<Bound<'py, PyAny>> {
    let (now, window) = (float(now, "now")?, float(window_secs, "window_secs")?);
    let top_k = opt(top_k, |o| int(o, "top_k"))?.unwrap_or(core::DEFAULT_TOP_K);
    let half_life = opt(half_life_secs, |o| float(o, "half_life_secs"))?
        .unwrap_or(core::DEFAULT_HALF_LIFE_SECS);
    let cols = Columns::new(keys, Some(timestamps), writes)?;
    let out = cols.run(py, |t| {
        core::warm_candidates(t, now, window, top_k, half_life)
    })?;
    to_py(py, &out, PLAIN)
}

/// The stable 64-bit key of a string (the same in Rust, Python and Node).
#[pyfunction]
pub fn hash_key(key: &Bound<'_, PyAny>) -> Res<u64> {
    Ok(core::hash_key(&string(key, "key")?))
}

/// `hash_key` of every string in a list, as a uint64 array.
#[pyfunction]
pub fn hash_keys(keys: &Bound<'_, PyAny>) -> Res<Array<u64>> {
    let hash = |k: &Bound<'_, PyAny>, at: &dyn Display| Ok(core::hash_key(&string(k, at)?));
    Ok(Array(seq(keys, "keys", MAX_TRACE_LEN, hash)?))
}

value_class! {
    /// Cache types and their TTL/strategy; ``StrategyTable()`` is the framework's.
    PyStrategyTable(StrategyTable) as "StrategyTable", new = builtin, toml
}

#[pymethods]
impl PyStrategyTable {
    /// `{"ttl_secs", "strategy"}` of a cache type, or None.
    fn get(&self, cache_type: &Bound<'_, PyAny>) -> Res<Option<Data<&StrategyEntry>>> {
        Ok(self.0.get(&string(cache_type, "cache_type")?).map(Data))
    }
    fn __len__(&self) -> usize {
        self.0.len()
    }
}

/// The framework's CacheOptimizer rules: metrics (a list of dicts with
/// cache_type, hit_ratio, access_frequency, write_ratio and optional
/// requests) to a plan dict (overall_hit_ratio, optimization_needed,
/// adjustments with reasons, table).
#[pyfunction]
#[pyo3(signature = (metrics, table = None, rules = None))]
pub fn adjust<'py>(
    py: Python<'py>,
    metrics: &Bound<'py, PyAny>,
    table: Opt<'_, 'py>,
    rules: Opt<'_, 'py>,
) -> Res<Bound<'py, PyAny>> {
    let metrics: Vec<core::CacheTypeMetrics> =
        records(metrics, "metrics", opsbrain::limits::MAX_TABLE_ENTRIES, 64)?;
    let table = opt(table, |t| PyStrategyTable::arg(t, "table"))?.unwrap_or_default();
    let rules: core::AdjustmentRules = opt_arg(rules, "rules", 64)?;
    compute_py(py, PLAIN, || core::adjust(&table, &metrics, &rules))
}
