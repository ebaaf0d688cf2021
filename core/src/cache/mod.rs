//! Cache strategy: the framework's TTL/strategy rules, and sizing from
//! access traces.
//!
//! - [`StrategyTable`], [`adjust`]: the strategies table (user_data 300 s write-through, ...)
//!   and the framework's adjustment rules, as pure functions.
//! - [`Trace`]: keys (`u64`), optional timestamps and write flags.
//! - [`MissRatioCurve`]: exact LRU miss-ratio curves (Mattson stack distances) and
//!   SHARDS sampling; sizing for a target hit ratio and the knee. A trace
//!   partitioned by key hash ([`trace_partition`]) gives one [`CurvePartial`]
//!   per partition, merged by [`MissRatioCurve::merge_partials`].
//! - [`simulate`], [`compare_policies`]: LRU, FIFO, LFU, W-TinyLFU (fixed or
//!   adaptive window), S3-FIFO, SIEVE and Belady's clairvoyant bound simulated
//!   side by side; [`size_for_hit_ratio`]: the capacity each needs for a target
//!   hit ratio.
//! - [`pattern_stats`]: per-pattern access statistics and TTL recommendations.
//! - [`warm_candidates`]: keys most likely to be requested next.
//!
//! ## Policy simulation
//!
//! Cache replacement policies simulated over a [`Trace`]: LRU, FIFO,
//! in-cache LFU, W-TinyLFU with a fixed or an adaptive window, S3-FIFO,
//! SIEVE, and Belady's MIN (an upper bound, not a deployable policy), for
//! one capacity ([`simulate`]) or a grid of policies and capacities in
//! parallel ([`compare_policies`]).
//!
//! The model is the same for every policy: each access of the trace, read or
//! write alike, is one request for its key. It is a hit when the key is
//! resident; on a miss the key is inserted (W-TinyLFU and Belady may refuse
//! to admit it), evicting another key when the cache is full. Capacity
//! counts entries, not bytes. Simulation is exact and deterministic; memory
//! is sized by `min(capacity, trace length)` (Belady: by the trace length),
//! never by the capacity alone.
//!
//! # Examples
//! A looping trace of 3 keys: a cache of 2 entries thrashes, 3 entries hit
//! every repeat, whatever the policy.
//! ```
//! use opsbrain::cache::{simulate, MissRatioCurve, Policy, Trace};
//! let keys = [7u64, 8, 9, 7, 8, 9, 7, 8, 9];
//! let trace = Trace::new(&keys)?;
//! let curve = MissRatioCurve::exact_lru(&trace)?;
//! assert_eq!((curve.hit_ratio(2), curve.size_for_hit_ratio(0.6)), (0.0, Some(3)));
//! assert_eq!(simulate(&trace, Policy::Fifo, 3)?.hits, 6);
//! # Ok::<(), opsbrain::Error>(())
//! ```

mod mrc;
mod partial;
mod patterns;
mod policy;
mod read;
mod request;
mod stack;
mod strategy;
mod trace;
mod warming;

pub use mrc::{Knee, MissRatioCurve, Sampling};
pub use partial::{CurvePartial, MAX_TRACE_PARTITIONS, trace_partition};
pub use patterns::{DEFAULT_TARGET_SHARE, GapStats, PatternStats, pattern_stats};
pub use policy::{Policy, PolicyResult, compare_policies, simulate, size_for_hit_ratio};
pub use read::{Compression, MAX_TRACE_BYTES, ParsedTrace, TraceFormat, TraceOptions, read_trace};
pub use request::{PatternOptions, Policies, ShardsOptions, WarmOptions};
pub use strategy::{
    Adjustment, AdjustmentRules, CachePlan, CacheStrategy, CacheTypeMetrics, StrategyEntry,
    StrategyTable, adjust,
};
pub use trace::{Trace, hash_key, mix64};
pub use warming::{
    DEFAULT_HALF_LIFE_SECS, DEFAULT_TOP_K, MAX_WINDOW_SECS, MIN_HALF_LIFE_SECS, WarmCandidate,
    warm_candidates,
};
