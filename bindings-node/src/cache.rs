//! `opsbrain::cache` for Node, in the namespace `cache`: miss-ratio curves,
//! policy simulation, pattern statistics, warming candidates and the
//! strategy table. Trace keys are a `BigUint64Array` (read in place by
//! `patternStats` and `warmCandidates`, copied by the curves and simulations,
//! which read them as their `...Async` twins do), `Uint32Array` or array of
//! non-negative integers; option objects are read
//! key by key into the core's option types.

use napi::Env;
use napi::bindgen_prelude::{BigInt, BigUint64Array, Float64Array, Unknown};
use napi_derive::napi;
use opsbrain::cache::{self as core};

use crate::convert::column;
use crate::convert::scalar::{self, Class, is_nullish};
use crate::convert::value::{self, Shape, fields};
use crate::errors::{self, run};
use crate::task::{self, Work, twins};
use crate::types::class;

const SHAPE: Shape = Shape {
    data_maps: &["table"],
    bigints: &["key"],
    ..Shape::PLAIN
};

fn curve(keys: &[u64], sampling: Option<core::Sampling>) -> opsbrain::Result<MissRatioCurve> {
    core::MissRatioCurve::lru(&core::Trace::new(keys)?, sampling).map(MissRatioCurve::from)
}

fn sampling(options: &Option<Unknown<'_>>) -> opsbrain::Result<core::Sampling> {
    let options = options.as_ref().filter(|v| !is_nullish(v));
    let o = options.map(|v| value::object::<core::ShardsOptions>("options", v, &SHAPE));
    o.transpose()?.unwrap_or_default().sampling()
}

fn count(x: u64) -> f64 {
    // Counts and sizes stay far below 2^53: exact.
    x as f64
}

class! {
    "A miss-ratio curve: hit ratio as a function of cache size."
    #[napi(namespace = "cache")]
    pub struct MissRatioCurve(core::MissRatioCurve);
    "Requests in the trace."
    fn accesses: f64 = |c| count(c.accesses);
    "Distinct keys in the trace."
    fn distinct_keys: f64 = |c| count(c.distinct_keys);
    "How the curve was computed."
    fn method: String as "'exact' | 'shards'" = |c| c.method.clone();
    "The SHARDS sampling rate (1 when exact)."
    fn sampling_rate: f64 = |c| c.sampling_rate;
    "The sizes where the curve steps."
    fn sizes: Float64Array = |c| Float64Array::new(c.points.iter().map(|p| count(p.0)).collect());
    "The hit ratio at each step."
    fn step_hit_ratios: Float64Array = |c| Float64Array::new(c.points.iter().map(|p| p.1).collect());
    "The curve as JSON."
    fn to_json;
    "A curve from `toJson`."
    fn from_json;
}

#[napi(namespace = "cache")]
impl MissRatioCurve {
    /// The hit ratio of an LRU cache of `size` entries.
    #[napi(ts_args_type = "size: number | bigint")]
    pub fn hit_ratio(&self, size: Unknown<'_>) -> errors::Result<f64> {
        run(|| Ok(self.inner.hit_ratio(scalar::uint("size", &size)?)))
    }

    /// Hit ratios at many sizes.
    #[napi(ts_args_type = "sizes: number[] | Float64Array | BigUint64Array")]
    pub fn hit_ratios(&self, sizes: Unknown<'_>) -> errors::Result<Float64Array> {
        run(|| {
            Ok(Float64Array::new(
                self.inner
                    .hit_ratios(&column::uints("sizes", &sizes, true)?),
            ))
        })
    }

    /// `1 - hitRatio(size)`.
    #[napi(ts_args_type = "size: number | bigint")]
    pub fn miss_ratio(&self, size: Unknown<'_>) -> errors::Result<f64> {
        run(|| Ok(self.inner.miss_ratio(scalar::uint("size", &size)?)))
    }

    /// The hit ratio of an unbounded cache.
    #[napi]
    pub fn max_hit_ratio(&self) -> f64 {
        self.inner.max_hit_ratio()
    }

    /// The smallest size reaching `target` (`null`: never).
    #[napi(ts_args_type = "target: number")]
    pub fn size_for_hit_ratio(&self, target: Unknown<'_>) -> errors::Result<Option<f64>> {
        run(|| {
            Ok(self
                .inner
                .size_for_hit_ratio(scalar::number("target", &target)?)
                .map(count))
        })
    }

    /// Where extra cache stops paying (`null`: no knee).
    #[napi(ts_return_type = "cache.Knee | null")]
    pub fn knee<'e>(&self, env: &'e Env) -> errors::Result<Unknown<'e>> {
        task::reply(env, &SHAPE, || Ok(self.inner.knee()))
    }
}

fn lru(keys: &Unknown<'_>) -> opsbrain::Result<Work> {
    let keys = column::uints("keys", keys, false)?;
    task::work_with(move || curve(&keys, None), task::js)
}

fn shards(keys: &Unknown<'_>, options: &Option<Unknown<'_>>) -> opsbrain::Result<Work> {
    let sampling = sampling(options)?;
    let keys = column::uints("keys", keys, false)?;
    task::work_with(move || curve(&keys, Some(sampling)), task::js)
}

type SimulateArgs = (Vec<usize>, core::Policies);

fn simulate_args(
    capacities: &Unknown<'_>,
    policies: &Option<Unknown<'_>>,
) -> opsbrain::Result<SimulateArgs> {
    let capacities = column::uints("capacities", capacities, true)?;
    let capacities = capacities
        .into_iter()
        .map(|c| usize::try_from(c).unwrap_or(usize::MAX))
        .collect();
    Ok((
        capacities,
        value::opt("policies", policies.as_ref(), &SHAPE)?,
    ))
}

fn simulate_on(
    keys: &[u64],
    (capacities, p): &SimulateArgs,
) -> opsbrain::Result<Vec<core::PolicyResult>> {
    core::compare_policies(&core::Trace::new(keys)?, &p.0, capacities)
}

fn simulation(
    keys: &Unknown<'_>,
    capacities: &Unknown<'_>,
    policies: &Option<Unknown<'_>>,
) -> opsbrain::Result<Work> {
    let args = simulate_args(capacities, policies)?;
    let keys = column::uints("keys", keys, false)?;
    task::work(&SHAPE, move || simulate_on(&keys, &args))
}

fn sizing(
    keys: &Unknown<'_>,
    policy: &Unknown<'_>,
    target: &Unknown<'_>,
) -> opsbrain::Result<Work> {
    let policy: core::Policy = value::arg("policy", policy, &SHAPE)?;
    let target = scalar::number("target", target)?;
    let keys = column::uints("keys", keys, false)?;
    task::work(&SHAPE, move || {
        core::size_for_hit_ratio(&core::Trace::new(&keys)?, policy, target)
    })
}

twins! {
    #[napi(namespace = "cache", ts_args_type = "keys: TraceKeys, policy: Policy, target: number")]
    "The smallest capacity at which `policy` reaches `target` hit ratio (`null`: none does)."
    fn size_for_hit_ratio -> "number | null";
    "As `sizeForHitRatio`, off the main thread."
    fn size_for_hit_ratio_async -> "Promise<number | null>";
    with sizing(keys: Unknown<'_>, policy: Unknown<'_>, target: Unknown<'_>);

    #[napi(namespace = "cache", ts_args_type = "keys: TraceKeys")]
    "The exact LRU miss-ratio curve of a trace."
    fn lru_mrc -> "cache.MissRatioCurve";
    "As `lruMrc`, off the main thread."
    fn lru_mrc_async -> "Promise<MissRatioCurve>";
    with lru(keys: Unknown<'_>);

    #[napi(namespace = "cache", ts_args_type = "keys: TraceKeys, options: ShardsOptions")]
    "The SHARDS-sampled LRU miss-ratio curve of a trace."
    fn shards_mrc -> "cache.MissRatioCurve";
    "As `shardsMrc`, off the main thread."
    fn shards_mrc_async -> "Promise<MissRatioCurve>";
    with shards(keys: Unknown<'_>, options: Option<Unknown<'_>>);

    #[napi(
        namespace = "cache",
        ts_args_type = "keys: TraceKeys, capacities: number[] | Float64Array | BigUint64Array, policies?: Array<Policy> | Policy | null"
    )]
    "Simulates cache policies at the given capacities."
    fn simulate -> "Array<cache.PolicyResult>";
    "As `simulate`, off the main thread."
    fn simulate_async -> "Promise<Array<cache.PolicyResult>>";
    with simulation(keys: Unknown<'_>, capacities: Unknown<'_>, policies: Option<Unknown<'_>>);
}

/// Access statistics and TTL recommendations per key pattern.
#[napi(
    namespace = "cache",
    ts_args_type = "keys: TraceKeys, options?: PatternStatsOptions | null",
    ts_return_type = "Array<cache.PatternStats>"
)]
pub fn pattern_stats<'e>(
    env: &'e Env,
    keys: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> errors::Result<Unknown<'e>> {
    task::reply(env, &SHAPE, || {
        let f = fields(
            "options",
            options.as_ref(),
            &["timestamps", "writes", "patterns", "targetShare"],
        )?;
        let ts = f[0]
            .as_ref()
            .map(|v| column::floats("timestamps", v))
            .transpose()?;
        let writes = f[1]
            .as_ref()
            .map(|v| column::bools("writes", v))
            .transpose()?;
        let patterns = f[2]
            .as_ref()
            .map(|v| column::u32s("patterns", v))
            .transpose()?;
        let mut o = core::PatternOptions::default();
        if let Some(v) = &f[3] {
            o.target_share = scalar::number("options.targetShare", v)?;
        }
        let keys = column::keys("keys", &keys)?;
        let t = core::Trace::with_columns(&keys, ts.as_deref(), writes.as_deref())?;
        let stats = core::pattern_stats(&t, patterns.as_deref(), o.target_share)?;
        Ok(stats)
    })
}

/// The keys most likely to be requested in the next window.
#[napi(
    namespace = "cache",
    ts_args_type = "keys: TraceKeys, timestamps: Numbers | null | undefined, options: WarmOptions",
    ts_return_type = "Array<cache.WarmCandidate>"
)]
pub fn warm_candidates<'e>(
    env: &'e Env,
    keys: Unknown<'_>,
    timestamps: Option<Unknown<'_>>,
    options: Option<Unknown<'_>>,
) -> errors::Result<Unknown<'e>> {
    task::reply(env, &SHAPE, || {
        let ts = timestamps.as_ref().filter(|v| !is_nullish(v));
        let ts = ts.map(|v| column::floats("timestamps", v)).transpose()?;
        let f = fields(
            "options",
            options.as_ref(),
            &["now", "windowSecs", "topK", "halfLifeSecs", "writes"],
        )?;
        let mut o = core::WarmOptions::new(
            scalar::number("options.now", &value::required("options.now", &f[0])?)?,
            scalar::number(
                "options.windowSecs",
                &value::required("options.windowSecs", &f[1])?,
            )?,
        );
        if let Some(v) = &f[2] {
            o.top_k = scalar::count("options.topK", v)?;
        }
        if let Some(v) = &f[3] {
            o.half_life_secs = scalar::number("options.halfLifeSecs", v)?;
        }
        let writes = f[4]
            .as_ref()
            .map(|v| column::bools("writes", v))
            .transpose()?;
        let keys = column::keys("keys", &keys)?;
        let t = core::Trace::with_columns(&keys, ts.as_deref(), writes.as_deref())?;
        let top = core::warm_candidates(&t, o.now, o.window_secs, o.top_k, o.half_life_secs)?;
        Ok(top)
    })
}

/// The 64-bit trace key of a string key.
#[napi(namespace = "cache", ts_args_type = "key: string")]
pub fn hash_key(key: Unknown<'_>) -> errors::Result<BigInt> {
    run(|| Ok(BigInt::from(core::hash_key(&scalar::string("key", &key)?))))
}

/// A trace read from the bytes of its file (`fs.readFileSync(path)`).
#[napi(object, namespace = "cache")]
pub struct ParsedTrace {
    /// One key per access.
    pub keys: BigUint64Array,
    /// Seconds per access, when the file has them.
    pub timestamps: Option<Float64Array>,
}

/// A cache trace from the bytes of its file: text (one key per line,
/// optional timestamp), LIRS, ARC `.lis`, CSV, binary `u32`/`u64`/`i64`
/// keys (`bigEndian`) or libCacheSim's oracleGeneral, gzip/xz/zstd
/// recognised by their magic bytes (the core's `TraceOptions`).
#[napi(
    namespace = "cache",
    ts_args_type = "data: Uint8Array, options?: cache.TraceOptions | null"
)]
pub fn read_trace(data: Unknown<'_>, options: Option<Unknown<'_>>) -> errors::Result<ParsedTrace> {
    run(|| {
        let o: core::TraceOptions =
            value::with("options", options.as_ref(), &Shape::PLAIN, |v, at| {
                if v.is_null() {
                    return Ok(core::TraceOptions::default());
                }
                opsbrain::input::from_value_at(v, at)
            })?;
        let bytes = column::bytes("data", &data)?;
        let t = core::read_trace(&bytes, &o)?;
        Ok(ParsedTrace {
            keys: BigUint64Array::new(t.keys),
            timestamps: t.timestamps.map(Float64Array::new),
        })
    })
}

/// The hash partition (0 to `partitions - 1`) of each key: the
/// partitioning `lruPartial` requires.
#[napi(
    namespace = "cache",
    ts_args_type = "keys: TraceKeys, partitions: number"
)]
pub fn trace_partitions(
    keys: Unknown<'_>,
    partitions: Unknown<'_>,
) -> errors::Result<napi::bindgen_prelude::Uint32Array> {
    run(|| {
        let keys = column::keys("keys", &keys)?;
        let n = scalar::uint("partitions", &partitions)?;
        let n = u32::try_from(n).map_err(|_| scalar::bad("partitions", "is too large"))?;
        let parts = keys.iter().map(|&k| core::trace_partition(k, n));
        let parts = parts.collect::<opsbrain::Result<Vec<_>>>()?;
        Ok(napi::bindgen_prelude::Uint32Array::new(parts))
    })
}

/// The LRU stack-distance partial (JSON) of hash partition `partition` of
/// `partitions`: `keys` are that partition's accesses in trace order.
#[napi(
    namespace = "cache",
    ts_args_type = "keys: TraceKeys, partition: number, partitions: number"
)]
pub fn lru_partial(
    keys: Unknown<'_>,
    partition: Unknown<'_>,
    partitions: Unknown<'_>,
) -> errors::Result<String> {
    run(|| {
        let keys = column::keys("keys", &keys)?;
        let small = |path: &str, v: &Unknown<'_>| {
            u32::try_from(scalar::uint(path, v)?).map_err(|_| scalar::bad(path, "is too large"))
        };
        let (j, n) = (
            small("partition", &partition)?,
            small("partitions", &partitions)?,
        );
        Ok(core::CurvePartial::lru(&keys, j, n)?.to_json())
    })
}

/// The estimated LRU curve of a trace from the `lruPartial` JSON of every
/// hash partition (exact with one partition).
#[napi(namespace = "cache", ts_args_type = "partials: string[]")]
pub fn merge_lru_partials(partials: Unknown<'_>) -> errors::Result<MissRatioCurve> {
    run(|| {
        let texts = column::strings("partials", &partials)?;
        let parts = texts
            .iter()
            .enumerate()
            .map(|(i, t)| {
                core::CurvePartial::from_json(t).map_err(|e| e.at(format!("partials[{i}]")))
            })
            .collect::<opsbrain::Result<Vec<_>>>()?;
        core::MissRatioCurve::merge_partials(&parts).map(MissRatioCurve::from)
    })
}

/// The trace keys of string keys.
#[napi(namespace = "cache", ts_args_type = "keys: string[]")]
pub fn hash_keys(keys: Unknown<'_>) -> errors::Result<BigUint64Array> {
    run(|| {
        let keys = column::strings("keys", &keys)?;
        Ok(BigUint64Array::new(
            keys.iter().map(|k| core::hash_key(k)).collect(),
        ))
    })
}

class! {
    "TTL and fill strategy per cache type."
    #[napi(namespace = "cache")]
    pub struct StrategyTable(core::StrategyTable);
    "The built-in table."
    fn new = core::StrategyTable::builtin();
    "The framework's four cache types."
    fn builtin = core::StrategyTable::builtin();
    "Parses and validates a JSON table."
    fn from_json;
    "Parses and validates a TOML table."
    fn from_toml;
    "The table as JSON."
    fn to_json;
    "Number of cache types."
    fn length;
}

#[napi(namespace = "cache")]
impl StrategyTable {
    /// The entry of a cache type (`null`: none).
    #[napi(
        ts_args_type = "cacheType: string",
        ts_return_type = "cache.StrategyEntry | null"
    )]
    pub fn get<'e>(&self, env: &'e Env, cache_type: Unknown<'_>) -> errors::Result<Unknown<'e>> {
        task::reply(env, &SHAPE, || {
            Ok(self.inner.get(&scalar::string("cacheType", &cache_type)?))
        })
    }
}

/// Adjusts the strategy table to observed metrics.
#[napi(
    namespace = "cache",
    ts_args_type = "metrics: Array<CacheTypeMetrics>, table?: StrategyTable | null, rules?: AdjustmentRules | null",
    ts_return_type = "cache.CachePlan"
)]
pub fn adjust<'e>(
    env: &'e Env,
    metrics: Unknown<'_>,
    table: Option<Class<'_, StrategyTable>>,
    rules: Option<Unknown<'_>>,
) -> errors::Result<Unknown<'e>> {
    task::reply(env, &SHAPE, || {
        let metrics: Vec<core::CacheTypeMetrics> = value::items("metrics", &metrics, &SHAPE, true)?;
        let table = scalar::opt_class("table", "cache.StrategyTable", &table)?;
        let table = table.map(|t| t.inner.clone()).unwrap_or_default();
        let rules: core::AdjustmentRules = value::opt("rules", rules.as_ref(), &SHAPE)?;
        core::adjust(&table, &metrics, &rules)
    })
}
