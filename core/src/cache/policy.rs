//! Cache replacement policies simulated over a [`Trace`]: LRU, FIFO,
//! in-cache LFU and W-TinyLFU, for one capacity ([`simulate`]) or a grid of
//! policies and capacities in parallel ([`compare_policies`]).
//!
//! The model is the same for every policy: each access of the trace, read or
//! write alike, is one request for its key. It is a hit when the key is
//! resident; on a miss the key is inserted (W-TinyLFU may refuse to admit
//! it), evicting another key when the cache is full. Capacity counts
//! entries, not bytes. Simulation is exact and deterministic; memory is
//! sized by `min(capacity, trace length)`, never by the capacity alone.

use std::fmt;
use std::str::FromStr;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};

use super::{Trace, mix64};
use crate::error::{Error, Result};
use crate::limits;

/// A cache replacement policy; the serde form is the snake_case name
/// (`"lru"`, `"fifo"`, `"lfu"`, `"w_tiny_lfu"`), also accepted by `parse`.
///
/// # Examples
/// ```
/// use opsbrain::cache::policy::Policy;
/// let p: Policy = "w_tiny_lfu".parse()?;
/// assert_eq!(p, Policy::WTinyLfu);
/// assert_eq!(Policy::Lru.as_str(), "lru");
/// assert_eq!("arc".parse::<Policy>().unwrap_err().code(), "invalid_input");
/// # Ok::<(), opsbrain::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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
    ///   (at least 16) wide, indexed by [`mix64`] of the key combined with a
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
}

impl Policy {
    /// Every policy, in declaration order.
    pub const ALL: &'static [Policy] = &[Policy::Lru, Policy::Fifo, Policy::Lfu, Policy::WTinyLfu];

    /// The snake_case name (the serde form).
    pub const fn as_str(self) -> &'static str {
        match self {
            Policy::Lru => "lru",
            Policy::Fifo => "fifo",
            Policy::Lfu => "lfu",
            Policy::WTinyLfu => "w_tiny_lfu",
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
/// use opsbrain::cache::{Trace, policy::{simulate, Policy}};
/// let r = simulate(&Trace::new(&[1, 2, 1, 1])?, Policy::Lru, 2)?;
/// assert_eq!((r.accesses, r.hits, r.hit_ratio), (4, 2, 0.5));
/// # Ok::<(), opsbrain::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
/// (see the [module docs](self) for the model and [`Policy`] for each rule).
///
/// Runs in O(trace length) time (O(1) per access) and
/// O(min(capacity, trace length)) memory.
///
/// # Examples
/// ```
/// use opsbrain::cache::{Trace, policy::{simulate, Policy}};
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

/// Simulates every `(policy, capacity)` pair, in parallel (rayon). The
/// output is policies-major: for each policy in order, each capacity in
/// order; results do not depend on the number of threads and equal the
/// corresponding [`simulate`] calls.
///
/// # Examples
/// ```
/// use opsbrain::cache::{Trace, policy::{compare_policies, simulate, Policy}};
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
        Policy::WTinyLfu => count_hits(WTinyLfu::new(capacity, keys.len()), keys),
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

/// Initial room: the cache never holds more than `min(capacity, trace
/// length)` keys, and is let grow past 2^16 (a hash table sized for the
/// trace rather than its distinct keys would be sparse and miss the CPU
/// caches).
fn initial_slots(cap: usize, trace_len: usize) -> usize {
    cap.min(trace_len).min(1 << 16)
}

fn fx_map(n: usize) -> FxHashMap<u64, u32> {
    FxHashMap::with_capacity_and_hasher(n, Default::default())
}

/// "No node" in the index-linked lists.
const NIL: u32 = u32::MAX;

#[derive(Debug, Clone, Copy)]
struct Node {
    key: u64,
    prev: u32,
    next: u32,
}

/// A doubly linked list threaded through an [`Arena`]: head is the most
/// recently inserted/used end, tail the least.
#[derive(Debug, Clone, Copy)]
struct List {
    head: u32,
    tail: u32,
    len: usize,
}

impl List {
    const EMPTY: List = List {
        head: NIL,
        tail: NIL,
        len: 0,
    };
}

/// Nodes addressed by `u32` slot (at most `MAX_CACHE_CAPACITY` < 2^32).
#[derive(Debug)]
struct Arena {
    nodes: Vec<Node>,
}

impl Arena {
    fn with_capacity(n: usize) -> Self {
        Arena {
            nodes: Vec::with_capacity(n),
        }
    }

    fn alloc(&mut self, key: u64) -> u32 {
        self.nodes.push(Node {
            key,
            prev: NIL,
            next: NIL,
        });
        (self.nodes.len() - 1) as u32
    }

    fn key(&self, i: u32) -> u64 {
        self.nodes[i as usize].key
    }

    fn push_front(&mut self, list: &mut List, i: u32) {
        let old = list.head;
        let n = &mut self.nodes[i as usize];
        n.prev = NIL;
        n.next = old;
        if old == NIL {
            list.tail = i;
        } else {
            self.nodes[old as usize].prev = i;
        }
        list.head = i;
        list.len += 1;
    }

    fn unlink(&mut self, list: &mut List, i: u32) {
        let Node { prev, next, .. } = self.nodes[i as usize];
        if prev == NIL {
            list.head = next;
        } else {
            self.nodes[prev as usize].next = next;
        }
        if next == NIL {
            list.tail = prev;
        } else {
            self.nodes[next as usize].prev = prev;
        }
        list.len -= 1;
    }

    fn move_to_front(&mut self, list: &mut List, i: u32) {
        if list.head != i {
            self.unlink(list, i);
            self.push_front(list, i);
        }
    }
}

struct Lru {
    arena: Arena,
    map: FxHashMap<u64, u32>,
    list: List,
    cap: usize,
}

impl Lru {
    fn new(cap: usize, trace_len: usize) -> Self {
        let n = initial_slots(cap, trace_len);
        Lru {
            arena: Arena::with_capacity(n),
            map: fx_map(n),
            list: List::EMPTY,
            cap,
        }
    }
}

impl Cache for Lru {
    fn access(&mut self, key: u64) -> bool {
        if let Some(&i) = self.map.get(&key) {
            self.arena.move_to_front(&mut self.list, i);
            return true;
        }
        let i = if self.list.len < self.cap {
            self.arena.alloc(key)
        } else {
            let v = self.list.tail;
            self.arena.unlink(&mut self.list, v);
            self.map.remove(&self.arena.key(v));
            self.arena.nodes[v as usize].key = key;
            v
        };
        self.arena.push_front(&mut self.list, i);
        self.map.insert(key, i);
        false
    }
}

/// FIFO needs no links: a ring of keys in insertion order plus a set.
struct Fifo {
    ring: Vec<u64>,
    oldest: usize,
    set: FxHashSet<u64>,
    cap: usize,
}

impl Fifo {
    fn new(cap: usize, trace_len: usize) -> Self {
        let n = initial_slots(cap, trace_len);
        let set = FxHashSet::with_capacity_and_hasher(n, Default::default());
        Fifo {
            ring: Vec::with_capacity(n),
            oldest: 0,
            set,
            cap,
        }
    }
}

impl Cache for Fifo {
    fn access(&mut self, key: u64) -> bool {
        if self.set.contains(&key) {
            return true;
        }
        if self.ring.len() < self.cap {
            self.ring.push(key);
        } else {
            let old = std::mem::replace(&mut self.ring[self.oldest], key);
            self.set.remove(&old);
            self.oldest = if self.oldest + 1 == self.cap {
                0
            } else {
                self.oldest + 1
            };
        }
        self.set.insert(key);
        false
    }
}

/// All resident keys with one access count, most recently accessed first.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    count: u32,
    list: List,
    prev: u32,
    next: u32,
}

/// O(1) LFU: a chain of buckets by increasing count. A key enters a bucket
/// exactly when it is accessed, so each bucket's tail is its least recently
/// accessed key and the first bucket's tail is the victim.
struct Lfu {
    arena: Arena,
    bucket_of: Vec<u32>,
    buckets: Vec<Bucket>,
    free: Vec<u32>,
    first: u32,
    map: FxHashMap<u64, u32>,
    cap: usize,
}

impl Lfu {
    fn new(cap: usize, trace_len: usize) -> Self {
        let n = initial_slots(cap, trace_len);
        Lfu {
            arena: Arena::with_capacity(n),
            bucket_of: Vec::with_capacity(n),
            buckets: Vec::new(),
            free: Vec::new(),
            first: NIL,
            map: fx_map(n),
            cap,
        }
    }

    /// A new empty bucket linked between `prev` and `next`.
    fn new_bucket(&mut self, count: u32, prev: u32, next: u32) -> u32 {
        let b = Bucket {
            count,
            list: List::EMPTY,
            prev,
            next,
        };
        let id = match self.free.pop() {
            Some(id) => {
                self.buckets[id as usize] = b;
                id
            }
            None => {
                self.buckets.push(b);
                (self.buckets.len() - 1) as u32
            }
        };
        if prev == NIL {
            self.first = id;
        } else {
            self.buckets[prev as usize].next = id;
        }
        if next != NIL {
            self.buckets[next as usize].prev = id;
        }
        id
    }

    /// Unlinks node `i` from its bucket, dropping the bucket if it empties.
    fn detach(&mut self, i: u32) {
        let b = self.bucket_of[i as usize];
        let bucket = &mut self.buckets[b as usize];
        self.arena.unlink(&mut bucket.list, i);
        if bucket.list.len == 0 {
            let (prev, next) = (bucket.prev, bucket.next);
            if prev == NIL {
                self.first = next;
            } else {
                self.buckets[prev as usize].next = next;
            }
            if next != NIL {
                self.buckets[next as usize].prev = prev;
            }
            self.free.push(b);
        }
    }

    fn attach(&mut self, i: u32, b: u32) {
        self.arena.push_front(&mut self.buckets[b as usize].list, i);
        self.bucket_of[i as usize] = b;
    }
}

impl Cache for Lfu {
    fn access(&mut self, key: u64) -> bool {
        if let Some(&i) = self.map.get(&key) {
            let b = self.bucket_of[i as usize];
            let Bucket { count, next, .. } = self.buckets[b as usize];
            let count = count.saturating_add(1);
            let target = if next != NIL && self.buckets[next as usize].count == count {
                next
            } else {
                self.new_bucket(count, b, next)
            };
            self.detach(i);
            self.attach(i, target);
            return true;
        }
        let i = if self.map.len() < self.cap {
            self.bucket_of.push(NIL);
            self.arena.alloc(key)
        } else {
            let v = self.buckets[self.first as usize].list.tail;
            self.detach(v);
            self.map.remove(&self.arena.key(v));
            self.arena.nodes[v as usize].key = key;
            v
        };
        let first = self.first;
        let target = if first != NIL && self.buckets[first as usize].count == 1 {
            first
        } else {
            self.new_bucket(1, NIL, first)
        };
        self.attach(i, target);
        self.map.insert(key, i);
        false
    }
}

/// Count-min sketch of 4-bit counters, 4 rows of `width` counters.
struct Sketch {
    table: Vec<u64>,
    mask: u64,
    words_per_row: usize,
    additions: u64,
    sample: u64,
}

/// Per-row seeds (odd 64-bit constants).
const SEEDS: [u64; 4] = [
    0xc3a5_c85c_97cb_3127,
    0xb492_b66f_be98_f273,
    0x9ae1_6a3b_2f90_404f,
    0xcbf2_9ce4_8422_2325,
];

impl Sketch {
    fn new(width: usize, sample: u64) -> Self {
        let width = width.next_power_of_two().max(16);
        let words_per_row = width / 16;
        Sketch {
            table: vec![0; 4 * words_per_row],
            mask: width as u64 - 1,
            words_per_row,
            additions: 0,
            sample,
        }
    }

    /// (word, bit shift) of `key`'s counter in `row`, from `h = mix64(key)`.
    #[inline]
    fn slot(&self, h: u64, row: usize) -> (usize, u32) {
        let x = h.wrapping_add(SEEDS[row]).wrapping_mul(SEEDS[row]);
        let j = ((x ^ (x >> 32)) & self.mask) as usize;
        (row * self.words_per_row + j / 16, ((j % 16) * 4) as u32)
    }

    fn increment(&mut self, key: u64) {
        let h = mix64(key);
        let mut added = false;
        for row in 0..4 {
            let (w, s) = self.slot(h, row);
            if (self.table[w] >> s) & 15 < 15 {
                self.table[w] += 1 << s;
                added = true;
            }
        }
        if added {
            self.additions += 1;
            if self.additions >= self.sample {
                for w in &mut self.table {
                    *w = (*w >> 1) & 0x7777_7777_7777_7777;
                }
                self.additions /= 2;
            }
        }
    }

    fn estimate(&self, key: u64) -> u64 {
        let h = mix64(key);
        (0..4)
            .map(|row| self.slot(h, row))
            .map(|(w, s)| (self.table[w] >> s) & 15)
            .min()
            .unwrap_or(0)
    }
}

const WINDOW: u8 = 0;
const PROBATION: u8 = 1;
const PROTECTED: u8 = 2;

struct WTinyLfu {
    arena: Arena,
    region: Vec<u8>,
    map: FxHashMap<u64, u32>,
    window: List,
    probation: List,
    protected: List,
    window_cap: usize,
    main_cap: usize,
    protected_cap: usize,
    sketch: Sketch,
}

impl WTinyLfu {
    fn new(cap: usize, trace_len: usize) -> Self {
        let n = initial_slots(cap, trace_len);
        let window_cap = cap.div_ceil(100);
        let main_cap = cap - window_cap;
        WTinyLfu {
            arena: Arena::with_capacity(n),
            region: Vec::with_capacity(n),
            map: fx_map(n),
            window: List::EMPTY,
            probation: List::EMPTY,
            protected: List::EMPTY,
            window_cap,
            main_cap,
            protected_cap: main_cap * 4 / 5,
            sketch: Sketch::new(cap.min(trace_len), 10 * cap as u64),
        }
    }

    fn on_hit(&mut self, i: u32) {
        match self.region[i as usize] {
            WINDOW => self.arena.move_to_front(&mut self.window, i),
            PROTECTED => self.arena.move_to_front(&mut self.protected, i),
            _ => {
                self.arena.unlink(&mut self.probation, i);
                self.arena.push_front(&mut self.protected, i);
                self.region[i as usize] = PROTECTED;
                if self.protected.len > self.protected_cap {
                    let d = self.protected.tail;
                    self.arena.unlink(&mut self.protected, d);
                    self.arena.push_front(&mut self.probation, d);
                    self.region[d as usize] = PROBATION;
                }
            }
        }
    }

    /// Moves the window's LRU key (the candidate) into probation, evicting
    /// probation's LRU key if the main region is full and the candidate is
    /// more frequent, or drops the candidate. Returns the freed slot, if any.
    fn evict_window(&mut self) -> Option<u32> {
        let c = self.window.tail;
        self.arena.unlink(&mut self.window, c);
        let mut freed = None;
        if self.probation.len + self.protected.len >= self.main_cap {
            let v = self.probation.tail;
            // `v` is NIL only when the main region has no room at all.
            let drop = if v == NIL { c } else { self.duel(c, v) };
            self.map.remove(&self.arena.key(drop));
            if drop == c {
                return Some(c);
            }
            self.arena.unlink(&mut self.probation, v);
            freed = Some(v);
        }
        self.arena.push_front(&mut self.probation, c);
        self.region[c as usize] = PROBATION;
        freed
    }

    /// TinyLFU admission: the loser of candidate `c` against victim `v`.
    fn duel(&self, c: u32, v: u32) -> u32 {
        let fc = self.sketch.estimate(self.arena.key(c));
        if fc > self.sketch.estimate(self.arena.key(v)) {
            v
        } else {
            c
        }
    }
}

impl Cache for WTinyLfu {
    fn access(&mut self, key: u64) -> bool {
        self.sketch.increment(key);
        if let Some(&i) = self.map.get(&key) {
            self.on_hit(i);
            return true;
        }
        // Evicting before inserting is equivalent to Caffeine's insert-then-
        // evict (the newcomer is never the window's LRU) and reuses the slot.
        let freed = if self.window.len >= self.window_cap {
            self.evict_window()
        } else {
            None
        };
        let i = match freed {
            Some(i) => {
                self.arena.nodes[i as usize].key = key;
                i
            }
            None => {
                self.region.push(WINDOW);
                self.arena.alloc(key)
            }
        };
        self.region[i as usize] = WINDOW;
        self.arena.push_front(&mut self.window, i);
        self.map.insert(key, i);
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;

    struct XorShift(u64);

    impl XorShift {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
        fn unit(&mut self) -> f64 {
            (self.next() >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    fn uniform_trace(len: usize, n_keys: u64, seed: u64) -> Vec<u64> {
        let mut rng = XorShift(seed);
        (0..len).map(|_| rng.below(n_keys)).collect()
    }

    /// Mixed locality: a hot set, a drifting window and cold keys.
    fn mixed_trace(len: usize, seed: u64) -> Vec<u64> {
        let mut rng = XorShift(seed);
        (0..len as u64)
            .map(|t| match rng.below(3) {
                0 => rng.below(8),
                1 => 100 + t / 10 + rng.below(12),
                _ => 10_000 + rng.below(400),
            })
            .collect()
    }

    fn zipf_trace(len: usize, n_keys: usize, s: f64, seed: u64) -> Vec<u64> {
        let mut acc = 0.0;
        let cdf: Vec<f64> = (1..=n_keys)
            .map(|r| {
                acc += 1.0 / (r as f64).powf(s);
                acc
            })
            .collect();
        let mut rng = XorShift(seed);
        (0..len)
            .map(|_| {
                let u = rng.unit() * acc;
                let rank = cdf.partition_point(|&c| c < u) as u64;
                rank.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5555
            })
            .collect()
    }

    fn hits(keys: &[u64], p: Policy, cap: usize) -> u64 {
        simulate(&Trace::new(keys).unwrap(), p, cap).unwrap().hits
    }

    fn ratio(keys: &[u64], p: Policy, cap: usize) -> f64 {
        simulate(&Trace::new(keys).unwrap(), p, cap)
            .unwrap()
            .hit_ratio
    }

    fn lru_ref(keys: &[u64], cap: usize) -> u64 {
        let mut q: VecDeque<u64> = VecDeque::new();
        let mut hits = 0;
        for &k in keys {
            if let Some(pos) = q.iter().position(|&x| x == k) {
                hits += 1;
                q.remove(pos);
            } else if q.len() == cap {
                q.pop_back();
            }
            q.push_front(k);
        }
        hits
    }

    fn fifo_ref(keys: &[u64], cap: usize) -> u64 {
        let mut q: VecDeque<u64> = VecDeque::new();
        let mut hits = 0;
        for &k in keys {
            if q.contains(&k) {
                hits += 1;
                continue;
            }
            if q.len() == cap {
                q.pop_front();
            }
            q.push_back(k);
        }
        hits
    }

    /// (key, count since insertion, time of last access); evict min (count, last).
    fn lfu_ref(keys: &[u64], cap: usize) -> u64 {
        let mut c: Vec<(u64, u64, usize)> = Vec::new();
        let mut hits = 0;
        for (t, &k) in keys.iter().enumerate() {
            if let Some(e) = c.iter_mut().find(|e| e.0 == k) {
                hits += 1;
                e.1 += 1;
                e.2 = t;
                continue;
            }
            if c.len() == cap {
                let v = (0..c.len()).min_by_key(|&j| (c[j].1, c[j].2)).unwrap();
                c.swap_remove(v);
            }
            c.push((k, 1, t));
        }
        hits
    }

    const CAPS: [usize; 7] = [1, 2, 3, 5, 16, 64, 300];

    fn reference_traces() -> Vec<Vec<u64>> {
        vec![
            uniform_trace(3000, 40, 1),
            uniform_trace(3000, 400, 2),
            mixed_trace(4000, 3),
            zipf_trace(4000, 500, 0.9, 4),
        ]
    }

    #[test]
    fn lru_and_fifo_match_brute_force() {
        for keys in reference_traces() {
            for cap in CAPS {
                assert_eq!(
                    hits(&keys, Policy::Lru, cap),
                    lru_ref(&keys, cap),
                    "lru cap {cap}"
                );
                assert_eq!(
                    hits(&keys, Policy::Fifo, cap),
                    fifo_ref(&keys, cap),
                    "fifo cap {cap}"
                );
            }
        }
    }

    #[test]
    fn lfu_matches_brute_force() {
        for keys in reference_traces() {
            for cap in CAPS {
                assert_eq!(
                    hits(&keys, Policy::Lfu, cap),
                    lfu_ref(&keys, cap),
                    "lfu cap {cap}"
                );
            }
        }
    }

    #[test]
    fn lfu_tie_break_is_least_recent_access() {
        // 1 and 2 both have count 1 when 3 arrives; 1 was accessed longer ago.
        assert_eq!(hits(&[1, 2, 3, 2, 1], Policy::Lfu, 2), 1);
        // 1 has count 2, so 2 goes although 1 was accessed less recently.
        assert_eq!(hits(&[1, 1, 2, 3, 1, 2], Policy::Lfu, 2), 2);
    }

    #[test]
    fn lru_is_a_stack_algorithm() {
        let keys = zipf_trace(20_000, 2000, 0.8, 9);
        let mut prev = 0;
        for cap in (1..=400).step_by(7) {
            let h = hits(&keys, Policy::Lru, cap);
            assert!(h >= prev, "cap {cap}: {h} < {prev}");
            prev = h;
        }
    }

    fn check_invariants(c: &WTinyLfu, cap: usize, key: u64) {
        let lists = [
            (c.window, WINDOW),
            (c.probation, PROBATION),
            (c.protected, PROTECTED),
        ];
        let mut total = 0;
        for (list, region) in lists {
            let (mut i, mut prev, mut n) = (list.head, NIL, 0);
            while i != NIL {
                let node = c.arena.nodes[i as usize];
                assert_eq!(node.prev, prev);
                assert_eq!(c.region[i as usize], region);
                assert_eq!(c.map.get(&node.key), Some(&i));
                (prev, i, n) = (i, node.next, n + 1);
            }
            assert_eq!((list.tail, list.len), (prev, n));
            total += n;
        }
        assert_eq!(c.map.len(), total);
        assert_eq!(c.arena.nodes.len(), total);
        assert!(total <= cap);
        assert!(c.window.len <= c.window_cap && c.protected.len <= c.protected_cap);
        assert!(c.probation.len + c.protected.len <= c.main_cap);
        assert!(
            c.map.contains_key(&key),
            "the key just accessed is resident"
        );
    }

    #[test]
    fn w_tiny_lfu_invariants_hold_at_every_step() {
        for keys in reference_traces() {
            for cap in [1, 2, 3, 4, 7, 150, 300] {
                let mut c = WTinyLfu::new(cap, keys.len());
                for &k in &keys {
                    let resident = c.map.contains_key(&k);
                    assert_eq!(c.access(k), resident);
                    check_invariants(&c, cap, k);
                }
            }
        }
    }

    #[test]
    fn w_tiny_lfu_tiny_capacities() {
        let keys = mixed_trace(3000, 5);
        // Capacity 1: a one-entry window and no main region, i.e. LRU(1).
        assert_eq!(hits(&keys, Policy::WTinyLfu, 1), lru_ref(&keys, 1));
        assert_eq!(hits(&[7, 7, 7], Policy::WTinyLfu, 1), 2);
        // Capacity 2: window 1 + probation 1; the frequent key is admitted and kept.
        let keys = [1, 1, 1, 2, 1, 3, 1, 4, 1, 5, 1];
        assert_eq!(hits(&keys, Policy::WTinyLfu, 2), 6);
        for cap in [2, 3] {
            let h = hits(&keys, Policy::WTinyLfu, cap);
            assert!(h >= 6, "cap {cap}: {h}");
        }
    }

    #[test]
    fn w_tiny_lfu_beats_lru_on_zipf() {
        let keys = zipf_trace(200_000, 50_000, 0.95, 11);
        for cap in [500, 2000] {
            let (lru, tiny) = (
                ratio(&keys, Policy::Lru, cap),
                ratio(&keys, Policy::WTinyLfu, cap),
            );
            assert!(
                tiny > lru + 0.02,
                "cap {cap}: w_tiny_lfu {tiny:.4} vs lru {lru:.4}"
            );
        }
    }

    #[test]
    fn w_tiny_lfu_resists_scans() {
        // Half the accesses go to 300 hot keys, half to a 20k-key loop; 500 slots.
        let mut rng = XorShift(13);
        let mut scan = 0;
        let keys: Vec<u64> = (0..100_000)
            .map(|_| {
                if rng.below(2) == 0 {
                    rng.below(300)
                } else {
                    scan = (scan + 1) % 20_000;
                    1_000_000 + scan
                }
            })
            .collect();
        let (lru, tiny) = (
            ratio(&keys, Policy::Lru, 500),
            ratio(&keys, Policy::WTinyLfu, 500),
        );
        assert!(tiny > 0.45, "w_tiny_lfu keeps the hot set: {tiny:.4}");
        assert!(tiny > lru + 0.15, "w_tiny_lfu {tiny:.4} vs lru {lru:.4}");
    }

    #[test]
    fn huge_capacity_on_a_short_trace() {
        let keys = uniform_trace(1000, 100, 17);
        let distinct = keys.iter().collect::<FxHashSet<_>>().len() as u64;
        for &p in Policy::ALL {
            let r = simulate(&Trace::new(&keys).unwrap(), p, limits::MAX_CACHE_CAPACITY).unwrap();
            assert_eq!(r.hits, 1000 - distinct, "{p}");
        }
    }

    #[test]
    fn errors() {
        let keys = [1u64, 2, 3];
        let t = Trace::new(&keys).unwrap();
        let code = |r: Result<_>| r.map(|_: Vec<PolicyResult>| ()).unwrap_err().code();
        assert_eq!(
            simulate(&t, Policy::Lru, 0).unwrap_err().code(),
            "invalid_input"
        );
        assert_eq!(
            simulate(&t, Policy::Lfu, limits::MAX_CACHE_CAPACITY + 1)
                .unwrap_err()
                .code(),
            "limit_exceeded"
        );
        assert_eq!(code(compare_policies(&t, &[], &[1])), "invalid_input");
        assert_eq!(
            code(compare_policies(&t, &[Policy::Lru], &[])),
            "invalid_input"
        );
        let e = compare_policies(&t, &[Policy::Lru], &[4, 0]).unwrap_err();
        assert_eq!(
            (e.code(), e.message.contains("capacities[1]")),
            ("invalid_input", true)
        );
        let big = [limits::MAX_CACHE_CAPACITY + 1];
        assert_eq!(
            code(compare_policies(&t, &[Policy::Fifo], &big)),
            "limit_exceeded"
        );
        let many = vec![1; limits::MAX_CACHE_SIZES + 1];
        assert_eq!(
            code(compare_policies(&t, &[Policy::Fifo], &many)),
            "limit_exceeded"
        );
        let e = "LRU".parse::<Policy>().unwrap_err();
        assert!(
            e.message.contains("lru, fifo, lfu, w_tiny_lfu"),
            "{}",
            e.message
        );
    }

    #[test]
    fn compare_is_policies_major_and_matches_simulate() {
        let keys = mixed_trace(5000, 21);
        let t = Trace::new(&keys).unwrap();
        let policies = [Policy::WTinyLfu, Policy::Lru, Policy::Lfu, Policy::Fifo];
        let caps = [64, 1, 7, 300];
        let rows = compare_policies(&t, &policies, &caps).unwrap();
        assert_eq!(rows.len(), 16);
        let mut it = rows.iter();
        for &p in &policies {
            for &c in &caps {
                assert_eq!(it.next(), Some(&simulate(&t, p, c).unwrap()));
            }
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        assert_eq!(
            pool.install(|| compare_policies(&t, &policies, &caps).unwrap()),
            rows
        );
    }

    #[test]
    fn serde_and_names() {
        for &p in Policy::ALL {
            assert_eq!(p.as_str().parse::<Policy>().unwrap(), p);
            assert_eq!(serde_json::to_string(&p).unwrap(), format!("\"{p}\""));
        }
        let r = simulate(&Trace::new(&[1, 1]).unwrap(), Policy::WTinyLfu, 3).unwrap();
        let json = serde_json::to_string(&r).unwrap();
        assert!(json.contains("\"policy\":\"w_tiny_lfu\""), "{json}");
        assert_eq!(serde_json::from_str::<PolicyResult>(&json).unwrap(), r);
    }
}
