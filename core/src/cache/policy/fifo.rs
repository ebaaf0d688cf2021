//! FIFO: evict the oldest inserted key.

use rustc_hash::FxHashSet;

use super::Cache;
use super::list::initial_slots;

/// FIFO needs no links: a ring of keys in insertion order plus a set.
pub(super) struct Fifo {
    pub(super) ring: Vec<u64>,
    pub(super) oldest: usize,
    pub(super) set: FxHashSet<u64>,
    pub(super) cap: usize,
}

impl Fifo {
    pub(super) fn new(cap: usize, trace_len: usize) -> Self {
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
