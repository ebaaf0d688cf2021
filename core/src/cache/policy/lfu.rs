//! In-cache LFU with O(1) buckets.

use rustc_hash::FxHashMap;

use super::Cache;
use super::list::{Arena, List, NIL, fx_map, initial_slots};

/// All resident keys with one access count, most recently accessed first.
#[derive(Debug, Clone, Copy)]
pub(super) struct Bucket {
    pub(super) count: u32,
    pub(super) list: List,
    pub(super) prev: u32,
    pub(super) next: u32,
}

/// O(1) LFU: a chain of buckets by increasing count. A key enters a bucket
/// exactly when it is accessed, so each bucket's tail is its least recently
/// accessed key and the first bucket's tail is the victim.
pub(super) struct Lfu {
    pub(super) arena: Arena,
    pub(super) bucket_of: Vec<u32>,
    pub(super) buckets: Vec<Bucket>,
    pub(super) free: Vec<u32>,
    pub(super) first: u32,
    pub(super) map: FxHashMap<u64, u32>,
    pub(super) cap: usize,
}

impl Lfu {
    pub(super) fn new(cap: usize, trace_len: usize) -> Self {
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
    pub(super) fn new_bucket(&mut self, count: u32, prev: u32, next: u32) -> u32 {
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
    pub(super) fn detach(&mut self, i: u32) {
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

    pub(super) fn attach(&mut self, i: u32, b: u32) {
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
