//! The plain JS objects of the cache API: results (`#[napi(object)]`),
//! string enums, and the option/input interfaces, which are declared for
//! TypeScript only (`crate::convert::cache` reads those arguments, so that a
//! bad one gets our error codes).

use std::collections::BTreeMap;

use napi::bindgen_prelude::BigInt;
use napi_derive::napi;

/// A simulated eviction policy.
#[napi(string_enum = "snake_case", namespace = "cache")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// Least recently used.
    Lru,
    /// First in, first out.
    Fifo,
    /// In-cache LFU (ties by least recent access).
    Lfu,
    /// W-TinyLFU: a 1% LRU window, a segmented LRU main region and a
    /// count-min sketch admission filter, as in Caffeine.
    #[napi(value = "w_tiny_lfu")]
    WTinyLfu,
}

/// How a cache type is filled and kept fresh.
#[napi(string_enum = "snake_case", namespace = "cache")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheStrategy {
    /// Writes go to the cache and the store together.
    WriteThrough,
    /// Filled on a miss.
    LazyLoading,
    /// Refreshed before expiry.
    RefreshAhead,
    /// The application reads around the cache.
    CacheAside,
}

/// The knee of a curve: where extra cache stops paying (Kneedle rule).
#[napi(object, namespace = "cache")]
#[derive(Debug, Clone, Copy)]
pub struct Knee {
    /// Cache size, in entries.
    pub size: f64,
    /// Hit ratio at that size.
    pub hit_ratio: f64,
}

/// One policy simulated at one capacity.
///
/// @example
/// ```js
/// cache.simulate([1, 2, 1, 1], [2], ['lru'])
/// // [{ policy: 'lru', capacity: 2, accesses: 4, hits: 2, hitRatio: 0.5 }]
/// ```
#[napi(object, namespace = "cache")]
#[derive(Debug, Clone)]
pub struct PolicyResult {
    /// The simulated policy.
    pub policy: Policy,
    /// Cache capacity, in entries.
    pub capacity: f64,
    /// Requests: the trace length.
    pub accesses: f64,
    /// Requests whose key was resident.
    pub hits: f64,
    /// `hits / accesses`.
    pub hit_ratio: f64,
}

/// Quantiles of the time between consecutive accesses to the same key.
#[napi(object, namespace = "cache")]
#[derive(Debug, Clone)]
pub struct GapStats {
    /// Re-accesses measured.
    pub count: f64,
    /// Mean gap, seconds.
    pub mean_secs: f64,
    /// Median gap, seconds.
    pub p50_secs: f64,
    /// 90th percentile, seconds.
    pub p90_secs: f64,
    /// 99th percentile, seconds.
    pub p99_secs: f64,
    /// Gaps in power-of-two buckets: `[upperSecs, count]` pairs.
    #[napi(ts_type = "Array<[number, number]>")]
    pub histogram: Vec<(f64, f64)>,
}

/// Statistics of one key pattern.
///
/// @example
/// ```js
/// const [s] = cache.patternStats([1, 1, 1, 2, 2], { timestamps: [0, 10, 20, 30, 90] })
/// s.accessFrequency     // 0.6
/// s.recommendedTtlSecs  // 60
/// s.gaps.histogram      // [[16, 2], [64, 1]]
/// ```
#[napi(object, namespace = "cache", use_nullable = true)]
#[derive(Debug, Clone)]
pub struct PatternStats {
    /// The pattern id (0 for every access when no patterns are given).
    pub pattern: u32,
    /// Accesses.
    pub accesses: f64,
    /// Distinct keys.
    pub distinct_keys: f64,
    /// Writes / accesses (0 without write flags).
    pub write_ratio: f64,
    /// Re-accesses / accesses: the best hit ratio an unbounded cache reaches.
    pub access_frequency: f64,
    /// Inter-access gaps; `null` without timestamps or re-accesses.
    pub gaps: Option<GapStats>,
    /// The idle TTL keeping `targetShare` of re-accesses, seconds; `null`
    /// without timestamps or re-accesses.
    pub recommended_ttl_secs: Option<f64>,
}

/// A key worth warming.
#[napi(object, namespace = "cache")]
#[derive(Debug, Clone)]
pub struct WarmCandidate {
    /// The key.
    pub key: BigInt,
    /// Estimated read rate now, per second.
    pub rate_per_sec: f64,
    /// Expected reads in the window.
    pub expected_requests: f64,
    /// Probability of at least one read in the window.
    pub probability: f64,
}

/// TTL and strategy of one cache type.
#[napi(object, namespace = "cache")]
#[derive(Debug, Clone, Copy)]
pub struct StrategyEntry {
    /// Time to live, seconds.
    pub ttl_secs: f64,
    /// Fill strategy.
    pub strategy: CacheStrategy,
}

/// One cache type's change and the reason for each part of it.
#[napi(object, namespace = "cache")]
#[derive(Debug, Clone)]
pub struct Adjustment {
    /// The cache type.
    pub cache_type: String,
    /// Entry before.
    pub before: StrategyEntry,
    /// Entry after.
    pub after: StrategyEntry,
    /// One line per rule that fired.
    pub reasons: Vec<String>,
}

/// The outcome of `cache.adjust`.
#[napi(object, namespace = "cache")]
#[derive(Debug, Clone)]
pub struct CachePlan {
    /// Overall hit ratio (request-weighted when every metric gives `requests`).
    pub overall_hit_ratio: f64,
    /// Whether the overall hit ratio is below `rules.overallTarget`.
    pub optimization_needed: bool,
    /// Types whose hit ratio fell below `rules.minHitRatio`, in input order.
    pub adjustments: Vec<Adjustment>,
    /// The table with the adjustments applied, by cache type.
    pub table: BTreeMap<String, StrategyEntry>,
}

/// Options of `cache.shardsMrc`: exactly one of `rate` or `maxKeys`.
#[napi(object, object_to_js = false, namespace = "cache")]
#[derive(Debug)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct ShardsOptions {
    /// Fixed sampling rate, in (0, 1].
    pub rate: Option<f64>,
    /// Fixed sample budget: at most this many distinct keys are tracked.
    pub max_keys: Option<f64>,
}

/// Options of `cache.patternStats`; arrays are as long as the keys.
#[napi(object, object_to_js = false, namespace = "cache")]
#[derive(Debug)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct PatternStatsOptions {
    /// Access times, seconds, non-decreasing.
    #[napi(ts_type = "Float64Array | number[] | null")]
    pub timestamps: Option<Vec<f64>>,
    /// Write flags (a `Uint8Array`: non-zero = write).
    #[napi(ts_type = "Uint8Array | boolean[] | null")]
    pub writes: Option<Vec<bool>>,
    /// Pattern id of each access (e.g. one per key prefix).
    #[napi(ts_type = "Uint32Array | number[] | null")]
    pub patterns: Option<Vec<u32>>,
    /// Share of re-accesses the recommended TTL keeps, in (0, 1] (default 0.9).
    pub target_share: Option<f64>,
}

/// Options of `cache.warmCandidates`.
#[napi(object, object_to_js = false, namespace = "cache")]
#[derive(Debug)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct WarmOptions {
    /// The present, seconds (not before the last access).
    pub now: f64,
    /// Length of the window to warm for, seconds.
    pub window_secs: f64,
    /// How many keys to return (default 100).
    pub top_k: Option<f64>,
    /// Half-life of the decayed read counts, seconds (default 3600).
    pub half_life_secs: Option<f64>,
    /// Write flags: writes are not counted as reads.
    #[napi(ts_type = "Uint8Array | boolean[] | null")]
    pub writes: Option<Vec<bool>>,
}

/// Observed metrics of one cache type, for `cache.adjust`.
#[napi(object, object_to_js = false, namespace = "cache")]
#[derive(Debug)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct CacheTypeMetrics {
    /// The cache type (a key of the strategy table).
    pub cache_type: String,
    /// Hits / requests, in [0, 1].
    pub hit_ratio: f64,
    /// Share of accesses re-accessing a key seen before, in [0, 1].
    pub access_frequency: f64,
    /// Writes / accesses, in [0, 1].
    pub write_ratio: f64,
    /// Requests served, to weight the overall hit ratio.
    pub requests: Option<f64>,
}

/// The adjustment thresholds; each defaults to the framework's value.
#[napi(object, object_to_js = false, namespace = "cache")]
#[derive(Debug)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct AdjustmentRules {
    /// A type below this hit ratio is adjusted (0.8).
    pub min_hit_ratio: Option<f64>,
    /// Above this access frequency the TTL grows (0.5).
    pub frequency_threshold: Option<f64>,
    /// TTL multiplier for frequently re-accessed data (1.5).
    pub ttl_multiplier: Option<f64>,
    /// Above this write ratio the strategy becomes write-through, else lazy-loading (0.3).
    pub write_ratio_threshold: Option<f64>,
    /// Below this overall hit ratio, optimisation is needed (0.85).
    pub overall_target: Option<f64>,
}
