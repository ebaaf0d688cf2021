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
