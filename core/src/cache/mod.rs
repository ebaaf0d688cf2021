//! Cache strategy: the framework's TTL/strategy rules, and sizing from
//! access traces.
//!
//! - [`strategy`]: the strategies table (user_data 300 s write-through, ...)
//!   and the framework's adjustment rules, as pure functions.
//! - [`Trace`]: keys (`u64`), optional timestamps and write flags.
//! - [`mrc`]: exact LRU miss-ratio curves (Mattson stack distances) and
//!   SHARDS sampling; sizing for a target hit ratio and the knee.
//! - [`policy`]: LRU, FIFO, LFU and W-TinyLFU simulated side by side.
//! - [`pattern_stats`]: per-pattern access statistics and TTL recommendations.
//! - [`warm_candidates`]: keys most likely to be requested next.

pub mod mrc;
mod patterns;
pub mod policy;
mod request;
mod stack;
pub mod strategy;
mod trace;
mod warming;

pub use mrc::{Knee, MissRatioCurve, Sampling};
pub use patterns::{DEFAULT_TARGET_SHARE, GapStats, PatternStats, pattern_stats};
pub use request::{PatternOptions, Policies, ShardsOptions, WarmOptions};
pub use strategy::{
    Adjustment, AdjustmentRules, CachePlan, CacheStrategy, CacheTypeMetrics, StrategyEntry,
    StrategyTable, adjust,
};
pub use trace::{Trace, hash_key, mix64};
pub use warming::{DEFAULT_HALF_LIFE_SECS, DEFAULT_TOP_K, WarmCandidate, warm_candidates};
