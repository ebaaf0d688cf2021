//! `opsbrain::cache` for Node, in the namespace `cache`: miss-ratio curves,
//! policy simulation, access-pattern statistics, cache warming, key hashing
//! and the strategy table with its adjustment rules.
//!
//! ```js
//! const { cache } = require('opsbrain')
//! cache.lruMrc(new BigUint64Array([1n, 2n, 1n])).hitRatio(2)
//! ```
//!
//! Each function converts its arguments (`crate::convert::cache`), calls the
//! core and converts the result back; errors go through `crate::errors`. The
//! plain result objects and option interfaces are in `objects`.
//! Keys are `u64`: a `BigUint64Array` (read in place, no copy), a
//! `Uint32Array` or an array of non-negative integer numbers/bigints.

use napi::bindgen_prelude::{AsyncTask, BigInt, BigUint64Array, Float64Array, Unknown};
use napi::{Env, Task};
use napi_derive::napi;
use opsbrain::cache::{self as core, policy};

use crate::convert::cache as conv;
use crate::convert::{self, ClassArg, StrArg};
use crate::errors::{self, Failure, guard, run};

mod objects;

pub use objects::*;

/// Runs `f` on the trace of `keys` with the optional columns.
fn with_trace<T>(
    keys: &[u64],
    timestamps: Option<&[f64]>,
    writes: Option<&[bool]>,
    f: impl FnOnce(&core::Trace<'_>) -> opsbrain::Result<T>,
) -> opsbrain::Result<T> {
    let mut trace = core::Trace::new(keys)?;
    if let Some(ts) = timestamps {
        trace = trace.with_timestamps(ts)?;
    }
    if let Some(w) = writes {
        trace = trace.with_writes(w)?;
    }
    f(&trace)
}

/// Exact or sampled curve.
#[derive(Debug, Clone, Copy)]
enum CurveMethod {
    Exact,
    Shards(core::Sampling),
}

fn curve(keys: &[u64], method: CurveMethod) -> opsbrain::Result<core::MissRatioCurve> {
    with_trace(keys, None, None, |t| match method {
        CurveMethod::Exact => core::MissRatioCurve::exact_lru(t),
        CurveMethod::Shards(sampling) => core::MissRatioCurve::shards(t, sampling),
    })
}

const SHARDS_KEYS: &[&str] = &["rate", "maxKeys"];

/// Hit ratio of an LRU cache at every size, from `cache.lruMrc` (exact) or
/// `cache.shardsMrc` (sampled). A step function: the hit ratio changes only
/// at the step `sizes`.
///
/// @example
/// ```js
/// const { cache } = require('opsbrain')
/// const mrc = cache.lruMrc(new BigUint64Array([1n, 2n, 3n, 1n, 2n, 3n, 1n, 2n, 3n]))
/// mrc.hitRatio(2)            // 0: a loop of 3 thrashes a cache of 2
/// mrc.hitRatio(3)            // 0.666...
/// mrc.sizeForHitRatio(0.5)   // 3
/// mrc.sizeForHitRatio(0.9)   // null
/// ```
#[napi(namespace = "cache")]
#[derive(Debug, Clone)]
pub struct MissRatioCurve {
    inner: core::MissRatioCurve,
}

impl From<core::MissRatioCurve> for MissRatioCurve {
    fn from(inner: core::MissRatioCurve) -> Self {
        MissRatioCurve { inner }
    }
}

#[napi(namespace = "cache")]
impl MissRatioCurve {
    /// Accesses in the trace.
    #[napi(getter)]
    pub fn accesses(&self) -> f64 {
        conv::count(self.inner.accesses)
    }

    /// Distinct keys (estimated when sampled).
    #[napi(getter)]
    pub fn distinct_keys(&self) -> f64 {
        conv::count(self.inner.distinct_keys)
    }

    /// `'exact'` or `'shards'`.
    #[napi(getter, ts_return_type = "'exact' | 'shards'")]
    pub fn method(&self) -> String {
        self.inner.method.clone()
    }

    /// The sampling rate in effect at the end (1 when exact).
    #[napi(getter)]
    pub fn sampling_rate(&self) -> f64 {
        self.inner.sampling_rate
    }

    /// Step sizes, increasing (a new array on each read).
    ///
    /// @example
    /// ```js
    /// cache.lruMrc([1, 1, 2, 1, 3, 2]).sizes // Float64Array [1, 2, 3]
    /// ```
    #[napi(getter)]
    pub fn sizes(&self) -> Float64Array {
        conv::float64s(self.inner.points.iter().map(|p| conv::count(p.0)))
    }

    /// Hit ratio at each step size (a new array on each read).
    #[napi(getter)]
    pub fn step_hit_ratios(&self) -> Float64Array {
        conv::float64s(self.inner.points.iter().map(|p| p.1))
    }

    /// Hit ratio of an LRU cache of `size` entries. Throws `.code`
    /// `'invalid_type'` for a non-number, `'invalid_input'` for a negative or
    /// fractional size.
    ///
    /// @example
    /// ```js
    /// cache.lruMrc([1, 1, 2, 1, 3, 2]).hitRatio(2) // 0.333...
    /// ```
    #[napi(ts_args_type = "size: number | bigint")]
    pub fn hit_ratio(&self, size: Unknown<'_>) -> errors::Result<f64> {
        run(|| Ok(self.inner.hit_ratio(conv::uint("size", &size)?)))
    }

    /// Hit ratios at many sizes.
    ///
    /// @example
    /// ```js
    /// cache.lruMrc([1, 1, 2, 1, 3, 2]).hitRatios([1, 2, 3]) // Float64Array [1/6, 1/3, 0.5]
    /// ```
    #[napi(ts_args_type = "sizes: number[] | Float64Array | BigUint64Array")]
    pub fn hit_ratios(&self, sizes: Unknown<'_>) -> errors::Result<Float64Array> {
        run(|| {
            let sizes = conv::sizes("sizes", &sizes)?;
            Ok(Float64Array::new(self.inner.hit_ratios(&sizes)))
        })
    }

    /// Miss ratio (`1 - hitRatio(size)`).
    ///
    /// @example
    /// ```js
    /// cache.lruMrc([1, 1]).missRatio(1) // 0.5
    /// ```
    #[napi(ts_args_type = "size: number | bigint")]
    pub fn miss_ratio(&self, size: Unknown<'_>) -> errors::Result<f64> {
        run(|| Ok(self.inner.miss_ratio(conv::uint("size", &size)?)))
    }

    /// The best hit ratio any size reaches.
    ///
    /// @example
    /// ```js
    /// cache.lruMrc([1, 2, 1, 2]).maxHitRatio() // 0.5
    /// ```
    #[napi]
    pub fn max_hit_ratio(&self) -> f64 {
        self.inner.max_hit_ratio()
    }

    /// The smallest size whose hit ratio reaches `target`, or `null`.
    ///
    /// @example
    /// ```js
    /// const mrc = cache.lruMrc([1, 1, 2, 1, 3, 2])
    /// mrc.sizeForHitRatio(0.3) // 2
    /// mrc.sizeForHitRatio(0.9) // null
    /// ```
    #[napi(ts_args_type = "target: number")]
    pub fn size_for_hit_ratio(&self, target: Unknown<'_>) -> errors::Result<Option<f64>> {
        run(|| {
            let target = conv::number("target", &target)?;
            Ok(self.inner.size_for_hit_ratio(target).map(conv::count))
        })
    }

    /// The knee `{size, hitRatio}` (Kneedle rule), or `null` for a curve
    /// of fewer than 3 steps.
    ///
    /// @example
    /// ```js
    /// cache.lruMrc([1, 2, 3, 1, 2, 3]).knee() // null: one step
    /// ```
    #[napi]
    pub fn knee(&self) -> Option<Knee> {
        self.inner.knee().map(Knee::from)
    }

    /// The curve as JSON (`{accesses, distinct_keys, method, sampling_rate,
    /// points}`), as in Rust and Python; `fromJson` reads it back.
    ///
    /// @example
    /// ```js
    /// const mrc = cache.lruMrc([1, 2, 1])
    /// cache.MissRatioCurve.fromJson(mrc.toJson()).hitRatio(2) === mrc.hitRatio(2) // true
    /// ```
    #[napi]
    pub fn to_json(&self) -> errors::Result<String> {
        run(|| Ok(serde_json::to_string(&self.inner)?))
    }

    /// Reads the JSON written by `toJson`. Throws `.code` `'parse_error'`
    /// for malformed JSON or a wrong shape, `'invalid_type'` for a non-string.
    ///
    /// @example
    /// ```js
    /// cache.MissRatioCurve.fromJson('{"accesses": 2, "distinct_keys": 1, "method": "exact", "sampling_rate": 1, "points": [[1, 0.5]]}').hitRatio(1) // 0.5
    /// ```
    #[napi(factory, ts_args_type = "text: string")]
    pub fn from_json(text: StrArg<'_>) -> errors::Result<Self> {
        run(|| {
            let text = convert::string("text", text)?;
            let inner: core::MissRatioCurve = serde_json::from_str(&text)?;
            Ok(inner.into())
        })
    }
}

/// The exact LRU miss-ratio curve of a trace (Mattson stack distances, one
/// pass, O(N log M)).
///
/// Throws `.code` `'invalid_type'` when `keys` is not a `BigUint64Array`,
/// `Uint32Array` or array of numbers/bigints, `'invalid_input'` for an
/// empty trace or a negative/fractional key.
///
/// @example
/// ```js
/// const { cache } = require('opsbrain')
/// const mrc = cache.lruMrc(new BigUint64Array([1n, 1n, 2n, 1n, 3n, 2n]))
/// mrc.hitRatios([1, 2, 3]) // Float64Array [0.1666..., 0.333..., 0.5]
/// cache.lruMrc([1, 1, 2, 1, 3, 2]).toJson() === mrc.toJson() // true
/// ```
#[napi(
    namespace = "cache",
    ts_args_type = "keys: BigUint64Array | Uint32Array | Array<number | bigint>"
)]
pub fn lru_mrc(keys: Unknown<'_>) -> errors::Result<MissRatioCurve> {
    run(|| curve(&conv::keys(&keys)?, CurveMethod::Exact).map(MissRatioCurve::from))
}

/// As `lruMrc`, off the main thread: returns a Promise that rejects with
/// the same coded errors. The keys are copied first.
///
/// @example
/// ```js
/// const mrc = await cache.lruMrcAsync(keys)
/// ```
#[napi(
    namespace = "cache",
    ts_args_type = "keys: BigUint64Array | Uint32Array | Array<number | bigint>",
    ts_return_type = "Promise<MissRatioCurve>"
)]
pub fn lru_mrc_async(keys: Unknown<'_>) -> AsyncTask<CurveTask> {
    CurveTask::task(guard(|| Ok((conv::keys_owned(&keys)?, CurveMethod::Exact))))
}

/// An approximate LRU curve by SHARDS spatial sampling: give exactly one of
/// `rate` (fixed rate in (0, 1]) or `maxKeys` (fixed sample budget).
///
/// Throws `.code` `'invalid_input'` for both or neither option, a rate
/// outside (0, 1] or a budget of 0; otherwise as `lruMrc`.
///
/// @example
/// ```js
/// const keys = BigUint64Array.from({ length: 20000 }, (_, i) => BigInt((i * 7919) % 1000))
/// const approx = cache.shardsMrc(keys, { rate: 0.1 })
/// approx.method                                                  // 'shards'
/// Math.abs(approx.hitRatio(1000) - cache.lruMrc(keys).hitRatio(1000)) < 0.05 // true
/// cache.shardsMrc(keys, { maxKeys: 256 }).samplingRate <= 1      // true
/// ```
#[napi(
    namespace = "cache",
    ts_args_type = "keys: BigUint64Array | Uint32Array | Array<number | bigint>, options: ShardsOptions"
)]
pub fn shards_mrc(
    keys: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> errors::Result<MissRatioCurve> {
    run(|| {
        let opts = conv::options("options", options.as_ref(), SHARDS_KEYS)?;
        let sampling = conv::sampling(&opts)?;
        // Last: the keys view must not outlive any JS call (see convert::cache).
        let keys = conv::keys(&keys)?;
        curve(&keys, CurveMethod::Shards(sampling)).map(MissRatioCurve::from)
    })
}

/// As `shardsMrc`, off the main thread: returns a Promise.
///
/// @example
/// ```js
/// const mrc = await cache.shardsMrcAsync(keys, { maxKeys: 4096 })
/// ```
#[napi(
    namespace = "cache",
    ts_args_type = "keys: BigUint64Array | Uint32Array | Array<number | bigint>, options: ShardsOptions",
    ts_return_type = "Promise<MissRatioCurve>"
)]
pub fn shards_mrc_async(keys: Unknown<'_>, options: Option<Unknown<'_>>) -> AsyncTask<CurveTask> {
    CurveTask::task(guard(|| {
        let opts = conv::options("options", options.as_ref(), SHARDS_KEYS)?;
        let sampling = conv::sampling(&opts)?;
        Ok((conv::keys_owned(&keys)?, CurveMethod::Shards(sampling)))
    }))
}

/// Computes a curve on the libuv thread pool.
#[derive(Debug)]
pub struct CurveTask {
    /// The copied keys and method, or why conversion failed (reported as a
    /// rejection, so the promise never throws synchronously).
    input: Result<(Vec<u64>, CurveMethod), Failure>,
}

impl CurveTask {
    fn task(input: Result<(Vec<u64>, CurveMethod), Failure>) -> AsyncTask<Self> {
        AsyncTask::new(CurveTask { input })
    }
}

#[napi]
impl Task for CurveTask {
    type Output = Result<core::MissRatioCurve, Failure>;
    type JsValue = MissRatioCurve;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        // napi calls `compute` once; the keys move out of the task.
        let input = std::mem::replace(&mut self.input, Ok((Vec::new(), CurveMethod::Exact)));
        Ok(input.and_then(|(keys, method)| guard(|| curve(&keys, method))))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<Self::JsValue> {
        match output {
            Ok(curve) => Ok(curve.into()),
            Err(failure) => Err(failure.into_rejection(env)),
        }
    }
}

/// The simulation's inputs, converted on the JS thread.
#[derive(Debug, Default)]
struct SimulateInput {
    keys: Vec<u64>,
    capacities: Vec<usize>,
    policies: Vec<policy::Policy>,
}

fn simulate_input(
    capacities: &Unknown<'_>,
    policies: Option<&Unknown<'_>>,
) -> opsbrain::Result<(Vec<usize>, Vec<policy::Policy>)> {
    let capacities = conv::sizes("capacities", capacities)?
        .into_iter()
        .map(conv::usize_of)
        .collect();
    Ok((capacities, conv::policies(policies)?))
}

fn simulate_on(
    keys: &[u64],
    capacities: &[usize],
    policies: &[policy::Policy],
) -> opsbrain::Result<Vec<policy::PolicyResult>> {
    with_trace(keys, None, None, |t| {
        policy::compare_policies(t, policies, capacities)
    })
}

/// Replays the trace through each policy at each capacity (in parallel);
/// one row per `(policy, capacity)`, policies-major. `policies` defaults to
/// `['lru', 'fifo', 'lfu', 'w_tiny_lfu']`; a single name is accepted too.
///
/// Throws `.code` `'invalid_input'` for an unknown policy, a capacity of 0
/// or no capacities, `'limit_exceeded'` past 10 000 capacities or a capacity
/// above 2^30; otherwise as `lruMrc`.
///
/// @example
/// ```js
/// cache.simulate([1, 1, 1, 2, 3, 2, 3, 1], [2], ['lru', 'lfu']).map(r => r.hits) // [4, 3]
/// ```
#[napi(
    namespace = "cache",
    ts_args_type = "keys: BigUint64Array | Uint32Array | Array<number | bigint>, capacities: number[] | Float64Array | BigUint64Array, policies?: Array<Policy> | Policy | null"
)]
pub fn simulate(
    keys: Unknown<'_>,
    capacities: Unknown<'_>,
    policies: Option<Unknown<'_>>,
) -> errors::Result<Vec<PolicyResult>> {
    run(|| {
        let (capacities, policies) = simulate_input(&capacities, policies.as_ref())?;
        let keys = conv::keys(&keys)?;
        Ok(conv::list(simulate_on(&keys, &capacities, &policies)?))
    })
}

/// As `simulate`, off the main thread: returns a Promise.
///
/// @example
/// ```js
/// const rows = await cache.simulateAsync(keys, [1000, 10000])
/// ```
#[napi(
    namespace = "cache",
    ts_args_type = "keys: BigUint64Array | Uint32Array | Array<number | bigint>, capacities: number[] | Float64Array | BigUint64Array, policies?: Array<Policy> | Policy | null",
    ts_return_type = "Promise<Array<PolicyResult>>"
)]
pub fn simulate_async(
    keys: Unknown<'_>,
    capacities: Unknown<'_>,
    policies: Option<Unknown<'_>>,
) -> AsyncTask<SimulateTask> {
    let input = guard(|| {
        let (capacities, policies) = simulate_input(&capacities, policies.as_ref())?;
        Ok(SimulateInput {
            keys: conv::keys_owned(&keys)?,
            capacities,
            policies,
        })
    });
    AsyncTask::new(SimulateTask { input })
}

/// Simulates policies on the libuv thread pool.
#[derive(Debug)]
pub struct SimulateTask {
    /// The converted inputs, or why conversion failed (a rejection).
    input: Result<SimulateInput, Failure>,
}

#[napi]
impl Task for SimulateTask {
    type Output = Result<Vec<policy::PolicyResult>, Failure>;
    type JsValue = Vec<PolicyResult>;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        // napi calls `compute` once; the inputs move out of the task.
        let input = std::mem::replace(&mut self.input, Ok(SimulateInput::default()));
        Ok(input.and_then(|i| guard(|| simulate_on(&i.keys, &i.capacities, &i.policies))))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<Self::JsValue> {
        match output {
            Ok(rows) => Ok(conv::list(rows)),
            Err(failure) => Err(failure.into_rejection(env)),
        }
    }
}

const PATTERN_KEYS: &[&str] = &["timestamps", "writes", "patterns", "targetShare"];

/// Access statistics per key pattern and an idle-TTL recommendation keeping
/// `targetShare` (default 0.9) of re-accesses; one object per pattern id,
/// in increasing order.
///
/// Throws `.code` `'dimension_mismatch'` when a column's length differs
/// from the keys', `'invalid_input'` for timestamps going backwards or
/// `targetShare` outside (0, 1], `'invalid_type'` for a wrong type.
///
/// @example
/// ```js
/// cache.patternStats([1, 2, 1, 2, 3, 1], {
///   patterns: new Uint32Array([0, 1, 0, 1, 1, 0]),
///   writes: [false, true, false, false, true, false],
///   timestamps: new Float64Array([0, 1, 3, 5, 6, 100]),
///   targetShare: 0.5,
/// }).map(s => [s.pattern, s.writeRatio, s.recommendedTtlSecs]) // [[0, 0, 3], [1, 0.666..., 4]]
/// ```
#[napi(
    namespace = "cache",
    ts_args_type = "keys: BigUint64Array | Uint32Array | Array<number | bigint>, options?: PatternStatsOptions | null"
)]
pub fn pattern_stats(
    keys: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> errors::Result<Vec<PatternStats>> {
    run(|| {
        let opts = conv::options("options", options.as_ref(), PATTERN_KEYS)?;
        let ts = opts.get("timestamps").map(conv::timestamps).transpose()?;
        let writes = opts.get("writes").map(conv::writes).transpose()?;
        let patterns = opts.get("patterns").map(conv::patterns).transpose()?;
        let share = opts.number("targetShare")?.unwrap_or(0.9);
        let keys = conv::keys(&keys)?;
        let stats = with_trace(&keys, ts.as_deref(), writes.as_deref(), |t| {
            core::pattern_stats(t, patterns.as_deref(), share)
        })?;
        Ok(conv::list(stats))
    })
}

const WARM_KEYS: &[&str] = &["now", "windowSecs", "topK", "halfLifeSecs", "writes"];

/// Ranks keys by how likely they are to be read in `[now, now + windowSecs)`:
/// exponentially decayed read counts (half-life `halfLifeSecs`, default
/// 3600) as Poisson rates. At most `topK` (default 100) keys, best first.
///
/// Throws `.code` `'invalid_input'` when `timestamps` is `null`/`undefined`
/// (warming needs them), `now` is before the last access, `windowSecs` or
/// `halfLifeSecs` is not positive, or `topK` is 0; `'missing_key'` without
/// `now` or `windowSecs`.
///
/// @example
/// ```js
/// const top = cache.warmCandidates([1, 2, 1, 3, 1, 2], [0, 10, 20, 30, 40, 50],
///   { now: 60, windowSecs: 60, topK: 2, halfLifeSecs: 300 })
/// top.map(c => c.key) // [1n, 2n]
/// top[0].probability  // 0.3157...
/// ```
#[napi(
    namespace = "cache",
    ts_args_type = "keys: BigUint64Array | Uint32Array | Array<number | bigint>, timestamps: Float64Array | number[] | null | undefined, options: WarmOptions"
)]
pub fn warm_candidates(
    keys: Unknown<'_>,
    timestamps: Option<Unknown<'_>>,
    options: Option<Unknown<'_>>,
) -> errors::Result<Vec<WarmCandidate>> {
    run(|| {
        let ts = timestamps.as_ref().map(conv::timestamps).transpose()?;
        let opts = conv::options("options", options.as_ref(), WARM_KEYS)?;
        let now = conv::number("options.now", opts.require("now")?)?;
        let window = conv::number("options.windowSecs", opts.require("windowSecs")?)?;
        let top_k = opts.uint("topK")?.map_or(100, conv::usize_of);
        let half_life = opts.number("halfLifeSecs")?.unwrap_or(3600.0);
        let writes = opts.get("writes").map(conv::writes).transpose()?;
        let keys = conv::keys(&keys)?;
        let top = with_trace(&keys, ts.as_deref(), writes.as_deref(), |t| {
            core::warm_candidates(t, now, window, top_k, half_life)
        })?;
        Ok(conv::list(top))
    })
}

/// The stable 64-bit key of a string (FNV-1a then splitmix64), the same in
/// Rust, Python and Node.
///
/// @example
/// ```js
/// cache.hashKey('user:42') // 4659431455776223581n
/// ```
#[napi(namespace = "cache", ts_args_type = "key: string")]
pub fn hash_key(key: StrArg<'_>) -> errors::Result<BigInt> {
    run(|| Ok(BigInt::from(core::hash_key(&convert::string("key", key)?))))
}

/// `hashKey` of every string, as a `BigUint64Array` ready for the trace
/// functions. Errors name the first non-string (`keys[2] must be a string`).
///
/// @example
/// ```js
/// const keys = cache.hashKeys(['user:42', 'user:7', 'user:42'])
/// keys[0] === keys[2]           // true
/// cache.lruMrc(keys).accesses   // 3
/// ```
#[napi(namespace = "cache", ts_args_type = "keys: string[]")]
pub fn hash_keys(keys: Unknown<'_>) -> errors::Result<BigUint64Array> {
    run(|| {
        let keys = conv::strings("keys", &keys)?;
        Ok(conv::big_uint64s(
            keys.iter().map(|k| core::hash_key(k)).collect(),
        ))
    })
}

/// Cache types and their TTL and strategy.
///
/// Built in: analytics 1800 s refresh-ahead, documents 3600 s lazy-loading,
/// static_content 86400 s cache-aside, user_data 300 s write-through. As
/// data: `{"user_data": {"ttl_secs": 300, "strategy": "write_through"}}`
/// (hyphenated strategies such as `"write-through"` are accepted).
///
/// @example
/// ```js
/// const { cache } = require('opsbrain')
/// const t = cache.StrategyTable.fromJson('{"sessions": {"ttl_secs": 60, "strategy": "write-through"}}')
/// t.get('sessions') // { ttlSecs: 60, strategy: 'write_through' }
/// t.length          // 1
/// ```
#[napi(namespace = "cache")]
#[derive(Debug, Clone)]
pub struct StrategyTable {
    inner: core::StrategyTable,
}

#[napi(namespace = "cache")]
impl StrategyTable {
    /// The built-in table, as `StrategyTable.builtin()`.
    ///
    /// @example
    /// ```js
    /// new cache.StrategyTable().length // 4
    /// ```
    #[napi(constructor)]
    pub fn new() -> Self {
        Self::builtin()
    }

    /// The framework's four cache types.
    ///
    /// @example
    /// ```js
    /// cache.StrategyTable.builtin().get('documents').ttlSecs // 3600
    /// ```
    #[napi(factory)]
    pub fn builtin() -> Self {
        StrategyTable {
            inner: core::StrategyTable::builtin(),
        }
    }

    /// Parses and validates a JSON table. Throws `.code` `'parse_error'` for
    /// malformed JSON, an unknown key or strategy, `'invalid_config'` for a
    /// TTL of 0 or over ten years or a blank type name.
    ///
    /// @example
    /// ```js
    /// cache.StrategyTable.fromJson('{"a": {"ttl_secs": 7, "strategy": "lazy_loading"}}').length // 1
    /// ```
    #[napi(factory, ts_args_type = "text: string")]
    pub fn from_json(text: StrArg<'_>) -> errors::Result<Self> {
        run(|| {
            let inner = core::StrategyTable::from_json(&convert::string("text", text)?)?;
            Ok(StrategyTable { inner })
        })
    }

    /// Parses and validates a TOML table (`[user_data]` sections).
    ///
    /// @example
    /// ```js
    /// const t = cache.StrategyTable.fromToml(`
    /// [sessions]
    /// ttl_secs = 60
    /// strategy = "cache_aside"
    /// `)
    /// t.get('sessions').strategy // 'cache_aside'
    /// ```
    #[napi(factory, ts_args_type = "text: string")]
    pub fn from_toml(text: StrArg<'_>) -> errors::Result<Self> {
        run(|| {
            let inner = core::StrategyTable::from_toml(&convert::string("text", text)?)?;
            Ok(StrategyTable { inner })
        })
    }

    /// The table as JSON, types in name order; `fromJson` reads it back.
    ///
    /// @example
    /// ```js
    /// const t = cache.StrategyTable.builtin()
    /// cache.StrategyTable.fromJson(t.toJson()).toJson() === t.toJson() // true
    /// ```
    #[napi]
    pub fn to_json(&self) -> errors::Result<String> {
        run(|| Ok(self.inner.to_json()))
    }

    /// The entry of a cache type, or `null`.
    ///
    /// @example
    /// ```js
    /// cache.StrategyTable.builtin().get('user_data') // { ttlSecs: 300, strategy: 'write_through' }
    /// cache.StrategyTable.builtin().get('sessions')  // null
    /// ```
    #[napi(ts_args_type = "cacheType: string")]
    pub fn get(&self, cache_type: StrArg<'_>) -> errors::Result<Option<StrategyEntry>> {
        run(|| {
            let cache_type = convert::string("cacheType", cache_type)?;
            Ok(self.inner.get(&cache_type).map(|e| (*e).into()))
        })
    }

    /// Number of cache types.
    ///
    /// @example
    /// ```js
    /// cache.StrategyTable.builtin().length // 4
    /// ```
    #[napi(getter)]
    pub fn length(&self) -> u32 {
        u32::try_from(self.inner.len()).unwrap_or(u32::MAX)
    }
}

impl Default for StrategyTable {
    fn default() -> Self {
        Self::builtin()
    }
}

/// The framework's CacheOptimizer rules: each type below `minHitRatio` gets
/// its TTL multiplied when frequently re-accessed and its strategy set by
/// its write ratio. `table` defaults to the built-in one, `rules` to the
/// framework's thresholds.
///
/// Throws `.code` `'invalid_input'` for an unknown, repeated or misspelled
/// metric key (JS spells them in camelCase), a metric outside [0, 1], an
/// unknown cache type or no metrics; `'invalid_config'` for rules out of
/// range; `'invalid_type'` for a wrong argument type.
///
/// @example
/// ```js
/// const plan = cache.adjust([{ cacheType: 'documents', hitRatio: 0.6, accessFrequency: 0.7, writeRatio: 0.4 }])
/// plan.optimizationNeeded         // true
/// plan.table.documents            // { ttlSecs: 5400, strategy: 'write_through' }
/// plan.adjustments[0].reasons.length // 2
/// ```
#[napi(
    namespace = "cache",
    ts_args_type = "metrics: Array<CacheTypeMetrics>, table?: StrategyTable | null, rules?: AdjustmentRules | null"
)]
pub fn adjust(
    metrics: Unknown<'_>,
    table: ClassArg<'_, StrategyTable>,
    rules: Option<Unknown<'_>>,
) -> errors::Result<CachePlan> {
    run(|| {
        let metrics = conv::metrics(&metrics)?;
        let table = convert::class_arg(
            "table",
            "cache.StrategyTable",
            table,
            |t: &StrategyTable| t.inner.clone(),
        )?
        .unwrap_or_else(core::StrategyTable::builtin);
        let rules = conv::rules(rules.as_ref())?;
        Ok(core::adjust(&table, &metrics, &rules)?.into())
    })
}
