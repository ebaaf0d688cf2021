//! LRU: evict the least recently used key.

use rustc_hash::FxHashMap;

use super::Cache;
use super::list::{Arena, List, fx_map, initial_slots};

pub(super) struct Lru {
    pub(super) arena: Arena,
    pub(super) map: FxHashMap<u64, u32>,
    pub(super) list: List,
    pub(super) cap: usize,
}

impl Lru {
    pub(super) fn new(cap: usize, trace_len: usize) -> Self {
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
