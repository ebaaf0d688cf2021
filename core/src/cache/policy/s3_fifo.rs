//! S3-FIFO: a small probationary FIFO, a main FIFO with lazy promotion and
//! a ghost FIFO of keys recently evicted from the small one.

use std::collections::VecDeque;

use rustc_hash::FxHashMap;

use super::Cache;
use super::list::initial_slots;

/// Most hits a resident key remembers (a 2-bit counter).
const MAX_FREQ: u8 = 3;

pub(super) struct S3Fifo {
    /// Resident keys and their hit counts (0 to 3); each key is in exactly
    /// one of `small` and `main`.
    pub(super) map: FxHashMap<u64, u8>,
    /// Front: newest; back: oldest.
    pub(super) small: VecDeque<u64>,
    pub(super) main: VecDeque<u64>,
    pub(super) small_cap: usize,
    pub(super) cap: usize,
    pub(super) ghost: Ghost,
}

/// A FIFO of the last `cap` keys evicted from the small queue: a ring of
/// keys, each live while `map` holds its insertion number. A key found in
/// the ghost leaves it (its ring slot goes stale and is overwritten later).
pub(super) struct Ghost {
    pub(super) ring: Vec<u64>,
    pub(super) map: FxHashMap<u64, u64>,
    pub(super) inserted: u64,
    pub(super) cap: usize,
}

impl Ghost {
    fn new(cap: usize, trace_len: usize) -> Self {
        let n = initial_slots(cap, trace_len);
        Ghost {
            ring: Vec::with_capacity(n),
            map: FxHashMap::with_capacity_and_hasher(n, Default::default()),
            inserted: 0,
            cap,
        }
    }

    fn insert(&mut self, key: u64) {
        if self.cap == 0 {
            return;
        }
        let n = self.inserted;
        let slot = (n % self.cap as u64) as usize;
        if slot < self.ring.len() {
            let old = std::mem::replace(&mut self.ring[slot], key);
            let expired = n - self.cap as u64;
            if self.map.get(&old) == Some(&expired) {
                self.map.remove(&old);
            }
        } else {
            self.ring.push(key);
        }
        self.map.insert(key, n);
        self.inserted += 1;
    }

    /// Whether `key` was in the ghost; it leaves it.
    fn take(&mut self, key: u64) -> bool {
        self.map.remove(&key).is_some()
    }
}

impl S3Fifo {
    pub(super) fn new(cap: usize, trace_len: usize) -> Self {
        let n = initial_slots(cap, trace_len);
        let small_cap = (cap / 10).max(1);
        S3Fifo {
            map: FxHashMap::with_capacity_and_hasher(n, Default::default()),
            small: VecDeque::with_capacity(initial_slots(small_cap, trace_len)),
            main: VecDeque::with_capacity(n),
            small_cap,
            cap,
            ghost: Ghost::new(cap - small_cap, trace_len),
        }
    }

    fn main_cap(&self) -> usize {
        self.cap - self.small_cap
    }

    /// Frees one slot: from the small queue when it holds at least its 10%
    /// share (or main is empty), else from main.
    fn evict(&mut self) {
        if self.small.len() >= self.small_cap || self.main.is_empty() {
            self.evict_small();
        } else {
            self.evict_main();
        }
    }

    /// Pops the small queue's oldest keys: one hit since insertion moves a
    /// key to the front of main (its count reset to 0; main evicts if over
    /// its share), a key never hit leaves the cache for the ghost and ends
    /// the call. May empty the small queue without evicting; the caller's
    /// loop then evicts from main.
    fn evict_small(&mut self) {
        while let Some(k) = self.small.pop_back() {
            let Some(freq) = self.map.get_mut(&k) else {
                continue;
            };
            if *freq > 0 {
                *freq = 0;
                self.main.push_front(k);
                if self.main.len() > self.main_cap() {
                    self.evict_main();
                    return;
                }
            } else {
                self.map.remove(&k);
                self.ghost.insert(k);
                return;
            }
        }
    }

    /// Pops main's oldest keys: a key with a nonzero count goes back to the
    /// front with the count decremented; the first with count 0 is evicted.
    /// Ends: every reinsertion lowers a count.
    fn evict_main(&mut self) {
        while let Some(k) = self.main.pop_back() {
            let Some(freq) = self.map.get_mut(&k) else {
                continue;
            };
            if *freq > 0 {
                *freq -= 1;
                self.main.push_front(k);
            } else {
                self.map.remove(&k);
                return;
            }
        }
    }
}

impl Cache for S3Fifo {
    fn access(&mut self, key: u64) -> bool {
        if let Some(freq) = self.map.get_mut(&key) {
            *freq = (*freq + 1).min(MAX_FREQ);
            return true;
        }
        // The ghost is looked up before evicting, which may push keys into it.
        let main = self.ghost.take(key);
        while self.small.len() + self.main.len() >= self.cap {
            self.evict();
        }
        self.map.insert(key, 0);
        if main {
            self.main.push_front(key);
        } else {
            self.small.push_front(key);
        }
        false
    }
}
