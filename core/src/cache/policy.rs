//! Policy simulation: see the [`crate::cache`] docs for the model and its rules.

use std::fmt;
use std::str::FromStr;

use crate::par::*;
use serde::{Deserialize, Serialize};

use super::Trace;
use crate::error::{Error, Result};
use crate::limits;
use fifo::Fifo;
use lfu::Lfu;
use lru::Lru;
use s3_fifo::S3Fifo;
use sieve::Sieve;
use w_tiny_lfu::WTinyLfu;

/// A cache replacement policy; the serde form is the snake_case name
/// (`"lru"`, `"fifo"`, `"lfu"`, `"w_tiny_lfu"`, `"w_tiny_lfu_adaptive"`,
/// `"s3_fifo"`, `"sieve"`, `"belady"`), also accepted by `parse`.
///
/// # Examples
/// ```
/// use opsbrain::cache::Policy;
/// let p: Policy = "w_tiny_lfu".parse()?;
/// assert_eq!(p, Policy::WTinyLfu);
/// assert_eq!(Policy::Lru.as_str(), "lru");
/// assert_eq!("arc".parse::<Policy>().unwrap_err().code(), "invalid_input");
/// // Belady's clairvoyant MIN bounds every policy's hits.
/// use opsbrain::cache::{simulate, Trace};
/// let keys: Vec<u64> = (0..600u64).map(|i| (i * i) % 37).collect();
/// let trace = Trace::new(&keys)?;
/// let best = simulate(&trace, Policy::Belady, 8)?.hits;
/// for &p in Policy::ALL {
///     assert!(simulate(&trace, p, 8)?.hits <= best, "{p}");
/// }
/// assert_eq!("s3_fifo".parse::<Policy>()?, Policy::S3Fifo);
/// # Ok::<(), opsbrain::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Policy {
    /// Least recently used: a hit moves the key to the front; the key used
    /// longest ago is evicted.
    Lru,
    /// First in, first out: the key inserted longest ago is evicted; hits
    /// do not reorder anything.
    Fifo,
    /// In-cache LFU: evicts the resident key with the fewest accesses since
    /// it was (last) inserted, ties broken by least recent access. Counts
    /// are forgotten on eviction. O(1) per access (frequency buckets).
    Lfu,
    /// W-TinyLFU (Einziger, Friedman & Manes, "TinyLFU: A Highly Efficient
    /// Cache Admission Policy", ACM TOS 2017; as in Caffeine):
    ///
    /// - an admission window, LRU, of `ceil(1%)` of the capacity (at least
    ///   one entry); the main region (the rest) is a segmented LRU whose
    ///   protected segment holds at most `floor(80%)` of it, probation the
    ///   remainder;
    /// - a count-min sketch of 4 rows of 4-bit counters, each row
    ///   `width` = the next power of two >= `min(capacity, trace length)`
    ///   (at least 16) wide, indexed by [`mix64`](super::mix64) of the key combined with a
    ///   fixed per-row seed. Every access increments the key's counters
    ///   (saturating at 15); once 10 x capacity accesses have incremented at
    ///   least one counter, every counter and that tally are halved (aging);
    /// - a miss enters the window. When the window overflows, its LRU key
    ///   (the candidate) goes to probation if the main region has room;
    ///   otherwise it replaces probation's LRU key (the victim) only if its
    ///   estimated frequency is strictly greater, and is dropped if not;
    /// - a probation hit promotes the key to protected; protected overflow
    ///   demotes protected's LRU key to the front of probation.
    ///
    /// Caffeine's doorkeeper (a Bloom filter in front of the sketch), its
    /// hill-climbing window sizing and its randomised admission of warm
    /// candidates are left out: the window is fixed at 1%.
    WTinyLfu,
    /// W-TinyLFU as [`WTinyLfu`](Policy::WTinyLfu) (same regions, sketch and
    /// admission), with the window size tuned by a hill climber after
    /// Caffeine's default "simple" climber (Manes' description in the
    /// Caffeine wiki, "Efficiency"; Einziger et al., "Adaptive Software
    /// Cache Management", Middleware 2018):
    ///
    /// - the window starts at `ceil(1%)` of the capacity. The climber
    ///   samples the hit rate over periods of `max(10 x capacity, 10,000)`
    ///   accesses; at the end of each it compares the period's hit rate with
    ///   the previous period's (0 before the first) and moves the window by
    ///   the current step if the rate did not fall, by minus the step if it
    ///   fell;
    /// - the step starts at +6.25% of the capacity (the first move grows
    ///   the window). After a move by `amount`, the next step is
    ///   `0.9 x amount` (decay, keeping the direction), or, when the rate
    ///   changed by at least 5 points, 6.25% of the capacity in the
    ///   direction of `amount` (restart);
    /// - the climber's target size is fractional, clamped to
    ///   `[ceil(1%), capacity - 1]` (never below the fixed policy's
    ///   window); the window is that target rounded to the nearest entry,
    ///   so small caches move by whole entries once steps accumulate.
    ///   Capacity 1 (and 2, whose window can only be 1) does not adapt;
    /// - resizing evicts nothing: a smaller window hands its LRU keys to the
    ///   front of probation; a larger one takes main's LRU keys (probation's
    ///   first, then protected's) at its LRU end, where they are the next
    ///   candidates for admission. Protected stays at most `floor(80%)` of
    ///   the new main region (overflow is demoted to probation's front).
    ///   The sketch keeps its size and aging period.
    ///
    /// Where this departs from Caffeine (whose step starts negative, decays
    /// by 0.98, samples 10 x capacity accesses and lets the window shrink
    /// to almost nothing), the choice was tuned on the public traces
    /// described in `benches/python/cache_policies.py`: a 10,000-access
    /// floor keeps small caches' samples out of noise, the faster decay
    /// settles sooner, the 1% floor keeps the fixed policy's window for
    /// frequency-biased traces, and a first step upwards reaches the
    /// recency-biased ones within few samples. Caffeine applies a move
    /// lazily, at most 1,000 entries per maintenance run, and keeps
    /// probation's size fixed; here a move is applied at once and probation
    /// is the main region's remaining 20%. It is not guaranteed to match
    /// the better of LRU and the fixed window on every trace: a climber
    /// needs several samples, and a trace shorter than a few periods, or
    /// whose phases change faster, leaves it behind.
    WTinyLfuAdaptive,
    /// S3-FIFO (Yang et al., "FIFO Queues are All You Need for Cache
    /// Eviction", SOSP 2023):
    ///
    /// - a small FIFO queue of `max(1, floor(10%))` of the capacity, a main
    ///   FIFO queue (the rest) and a ghost FIFO of up to main's size in keys
    ///   (no values; it counts no capacity). Each resident key has a 2-bit
    ///   hit count, 0 on insertion, incremented on a hit up to 3;
    /// - a miss whose key is in the ghost (looked up before anything is
    ///   evicted) goes to main, leaving the ghost; other misses go to the
    ///   small queue. Before inserting into a full cache, one slot is freed: from the small queue when it holds at
    ///   least its share (or main is empty), from main otherwise;
    /// - freeing from the small queue takes its oldest key: if it was hit at
    ///   least once (count > 0, the paper's "accessed again while in S") it
    ///   moves to main with its count reset to 0 (main frees a slot if now
    ///   over its share) and the next oldest is tried; if never hit, it is
    ///   evicted and enters the ghost (the ghost drops its oldest key when
    ///   full). If the small queue empties without evicting, main frees the
    ///   slot;
    /// - freeing from main takes its oldest key: a nonzero count sends it
    ///   back to main's front with the count decremented (lazy promotion),
    ///   a count of 0 evicts it.
    ///
    /// Choices where the paper leaves room: counts reset on promotion to
    /// main, the small queue's size rounds down (at least 1 entry), and the
    /// ghost's size is main's size in entries.
    S3Fifo,
    /// SIEVE (Zhang et al., "SIEVE is Simpler than LRU: an Efficient
    /// Turn-Key Eviction Algorithm for Web Caches", NSDI 2024): one FIFO
    /// queue, newest at the head, each key with a visited bit set by a hit
    /// and cleared on insertion. To evict, a hand moves from its last place
    /// (initially the tail, the oldest key) towards the head, clearing
    /// visited bits, wrapping from the head back to the tail, and evicts the
    /// first unvisited key; the hand then rests on that key's neighbour
    /// towards the head. Survivors are not moved.
    Sieve,
    /// Belady's clairvoyant MIN with bypass (Belady, "A study of
    /// replacement algorithms for a virtual-storage computer", IBM Systems
    /// Journal 1966): on a miss with the cache full, evict the resident key
    /// whose next request is farthest in the future, or, when the newcomer's
    /// next request is farther than every resident's (or never comes), do not
    /// admit it. Keys never requested again count as farthest, the earliest
    /// inserted first among them.
    ///
    /// It reads the whole trace ahead, so it is no deployable policy: it is
    /// an upper bound, the most hits any policy can get for unit-size
    /// entries, to measure the others against. Its hit ratio never falls as
    /// the capacity grows. O(n log n) time and O(n) memory (the next request
    /// of each position, and an ordered set of the residents' next requests).
    Belady,
}

impl Policy {
    /// Every policy, in declaration order.
    pub const ALL: &'static [Policy] = &[
        Policy::Lru,
        Policy::Fifo,
        Policy::Lfu,
        Policy::WTinyLfu,
        Policy::WTinyLfuAdaptive,
        Policy::S3Fifo,
        Policy::Sieve,
        Policy::Belady,
    ];

    /// The snake_case name (the serde form).
    pub const fn as_str(self) -> &'static str {
        match self {
            Policy::Lru => "lru",
            Policy::Fifo => "fifo",
            Policy::Lfu => "lfu",
            Policy::WTinyLfu => "w_tiny_lfu",
            Policy::WTinyLfuAdaptive => "w_tiny_lfu_adaptive",
            Policy::S3Fifo => "s3_fifo",
            Policy::Sieve => "sieve",
            Policy::Belady => "belady",
        }
    }
}

impl FromStr for Policy {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Policy::ALL
            .iter()
            .copied()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Policy::ALL.iter().map(|p| p.as_str()).collect();
                Error::invalid_input(format!(
                    "unknown cache policy {s:?}; expected one of {}",
                    names.join(", ")
                ))
            })
    }
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The outcome of simulating one policy at one capacity.
///
/// # Examples
/// ```
/// use opsbrain::cache::{Trace, simulate, Policy};
/// let r = simulate(&Trace::new(&[1, 2, 1, 1])?, Policy::Lru, 2)?;
/// assert_eq!((r.accesses, r.hits, r.hit_ratio), (4, 2, 0.5));
/// # Ok::<(), opsbrain::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PolicyResult {
    /// The simulated policy.
    pub policy: Policy,
    /// Cache capacity, in entries.
    pub capacity: u64,
    /// Requests: the trace length.
    pub accesses: u64,
    /// Requests whose key was resident.
    pub hits: u64,
    /// `hits / accesses`, in `[0, 1]`.
    pub hit_ratio: f64,
}

/// Replays `trace` through a cache of `capacity` entries under `policy`
/// (see the [module docs](crate::cache) for the model and [`Policy`] for each rule).
///
/// Runs in O(trace length) time (O(1) per access, amortised for S3-FIFO
/// and SIEVE) and O(min(capacity, trace length)) memory, except
/// [`Policy::Belady`]: O(n log n) time and O(n) memory for a trace of n
/// accesses.
///
/// # Examples
/// ```
/// use opsbrain::cache::{Trace, simulate, Policy};
/// let keys = [1u64, 2, 3, 1, 2, 3];
/// let trace = Trace::new(&keys)?;
/// assert_eq!(simulate(&trace, Policy::Lru, 2)?.hits, 0); // a loop one larger than the cache
/// assert_eq!(simulate(&trace, Policy::Lru, 3)?.hits, 3);
/// assert_eq!(simulate(&trace, Policy::Fifo, 0).unwrap_err().code(), "invalid_input");
/// # Ok::<(), opsbrain::Error>(())
/// ```
///
/// # Errors
/// `invalid_input` when `capacity` is 0; `limit_exceeded` when it is above
/// [`limits::MAX_CACHE_CAPACITY`].
pub fn simulate(trace: &Trace<'_>, policy: Policy, capacity: usize) -> Result<PolicyResult> {
    check_capacity(capacity, "capacity")?;
    Ok(run(trace.keys(), policy, capacity))
}

/// Simulates every `(policy, capacity)` pair, in parallel (rayon, with the
/// `parallel` feature; on the calling thread without it). The
/// output is policies-major: for each policy in order, each capacity in
/// order; results do not depend on the number of threads and equal the
/// corresponding [`simulate`] calls.
///
/// # Examples
/// ```
/// use opsbrain::cache::{Trace, compare_policies, simulate, Policy};
/// let keys: Vec<u64> = (0..1000u64).map(|i| i % 7 + (i % 3) * 100).collect();
/// let trace = Trace::new(&keys)?;
/// let rows = compare_policies(&trace, &[Policy::Lru, Policy::WTinyLfu], &[4, 16])?;
/// assert_eq!(rows.len(), 4);
/// assert_eq!((rows[1].policy, rows[1].capacity), (Policy::Lru, 16));
/// assert_eq!(rows[3], simulate(&trace, Policy::WTinyLfu, 16)?);
/// # Ok::<(), opsbrain::Error>(())
/// ```
///
/// # Errors
/// `invalid_input` when `policies` or `capacities` is empty or a capacity
/// is 0 (the message gives its index); `limit_exceeded` for more than
/// [`limits::MAX_CACHE_SIZES`] capacities or one above
/// [`limits::MAX_CACHE_CAPACITY`].
pub fn compare_policies(
    trace: &Trace<'_>,
    policies: &[Policy],
    capacities: &[usize],
) -> Result<Vec<PolicyResult>> {
    if policies.is_empty() {
        return Err(Error::invalid_input("no policies to compare"));
    }
    if capacities.is_empty() {
        return Err(Error::invalid_input("no capacities to simulate"));
    }
    if capacities.len() > limits::MAX_CACHE_SIZES {
        return Err(Error::limit(format!(
            "{} capacities requested; at most {} are allowed",
            capacities.len(),
            limits::MAX_CACHE_SIZES
        )));
    }
    for (i, &c) in capacities.iter().enumerate() {
        check_capacity(c, &format!("capacities[{i}]"))?;
    }
    let keys = trace.keys();
    let pairs: Vec<(Policy, usize)> = policies
        .iter()
        .flat_map(|&p| capacities.iter().map(move |&c| (p, c)))
        .collect();
    Ok(pairs
        .into_par_iter()
        .map(|(p, c)| run(keys, p, c))
        .collect())
}

/// The smallest capacity at which `policy` reaches `target` hit ratio on
/// `trace`, found by bisection over simulations (each O(trace length)):
/// `None` when no capacity up to [`limits::MAX_CACHE_CAPACITY`] reaches it
/// (the best any cache does is to miss each distinct key once, which a
/// capacity of the distinct-key count achieves for every policy).
///
/// LRU and Belady are stack algorithms: their hit ratio never falls as the
/// cache grows, so their answer is exact, the smallest such capacity (LRU's
/// equals [`MissRatioCurve::size_for_hit_ratio`](super::MissRatioCurve::size_for_hit_ratio)
/// on the exact curve). The others (FIFO, LFU, both W-TinyLFUs, S3-FIFO,
/// SIEVE) can, rarely, hit less with more room (Belady's anomaly); for them
/// the answer is a capacity that reaches the target where the one below it
/// does not, the smallest if their hit ratio rises with capacity on this
/// trace. About `log2(trace length) + 2` simulations, each in the memory
/// [`simulate`] takes.
///
/// # Examples
/// ```
/// use opsbrain::cache::{size_for_hit_ratio, MissRatioCurve, Policy, Trace};
/// // Three hot keys in a loop, and a key never seen before every tenth request.
/// let keys: Vec<u64> = (0..3_000u64).map(|i| if i % 10 == 9 { 1_000 + i } else { i % 3 }).collect();
/// let trace = Trace::new(&keys)?;
/// // LRU needs a fourth slot for the passing cold key.
/// assert_eq!(size_for_hit_ratio(&trace, Policy::Lru, 0.85)?, Some(4));
/// let exact = MissRatioCurve::exact_lru(&trace)?.size_for_hit_ratio(0.85);
/// assert_eq!(exact, Some(4));
/// assert!(size_for_hit_ratio(&trace, Policy::WTinyLfu, 0.85)?.is_some());
/// assert_eq!(size_for_hit_ratio(&trace, Policy::Fifo, 0.95)?, None); // 10% of requests are first sights
/// # Ok::<(), opsbrain::Error>(())
/// ```
///
/// # Errors
/// `invalid_input` for a target outside [0, 1] (or NaN).
pub fn size_for_hit_ratio(trace: &Trace<'_>, policy: Policy, target: f64) -> Result<Option<u64>> {
    if !(0.0..=1.0).contains(&target) {
        return Err(Error::invalid_input(format!(
            "target {target} is not a hit ratio in [0, 1]"
        )));
    }
    let keys = trace.keys();
    let reaches = |capacity: usize| run(keys, policy, capacity).hit_ratio >= target;
    // A cache as long as the trace never evicts (nor does one of the
    // distinct-key count, which is not counted here: that would take memory
    // the simulations do not need).
    let top = keys.len().clamp(1, limits::MAX_CACHE_CAPACITY);
    if !reaches(top) {
        return Ok(None);
    }
    // Invariant: `hi` reaches the target; every capacity below `lo` is
    // known not to (for a monotone policy).
    let (mut lo, mut hi) = (1, top);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if reaches(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    Ok(Some(hi as u64))
}

fn check_capacity(capacity: usize, what: &str) -> Result<()> {
    if capacity == 0 {
        return Err(Error::invalid_input(format!(
            "{what} is 0; a cache holds at least 1 entry"
        )));
    }
    if capacity > limits::MAX_CACHE_CAPACITY {
        return Err(Error::limit(format!(
            "{what} is {capacity} entries; at most {} are allowed",
            limits::MAX_CACHE_CAPACITY
        )));
    }
    Ok(())
}

fn run(keys: &[u64], policy: Policy, capacity: usize) -> PolicyResult {
    let hits = match policy {
        Policy::Lru => count_hits(Lru::new(capacity, keys.len()), keys),
        Policy::Fifo => count_hits(Fifo::new(capacity, keys.len()), keys),
        Policy::Lfu => count_hits(Lfu::new(capacity, keys.len()), keys),
        Policy::WTinyLfu => count_hits(WTinyLfu::new(capacity, keys.len(), false), keys),
        Policy::WTinyLfuAdaptive => count_hits(WTinyLfu::new(capacity, keys.len(), true), keys),
        Policy::S3Fifo => count_hits(S3Fifo::new(capacity, keys.len()), keys),
        Policy::Sieve => count_hits(Sieve::new(capacity, keys.len()), keys),
        Policy::Belady => belady::hits(keys, capacity),
    };
    let accesses = keys.len() as u64;
    PolicyResult {
        policy,
        capacity: capacity as u64,
        accesses,
        hits,
        hit_ratio: if accesses == 0 {
            0.0
        } else {
            hits as f64 / accesses as f64
        },
    }
}

/// One simulated cache: `access` returns whether the key was resident.
trait Cache {
    fn access(&mut self, key: u64) -> bool;
}

fn count_hits<C: Cache>(mut cache: C, keys: &[u64]) -> u64 {
    keys.iter().map(|&k| u64::from(cache.access(k))).sum()
}

mod belady;
mod fifo;
mod lfu;
mod list;
mod lru;
mod s3_fifo;
mod sieve;
mod w_tiny_lfu;

#[cfg(test)]
mod tests;
