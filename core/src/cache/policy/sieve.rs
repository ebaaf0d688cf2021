//! SIEVE: a FIFO queue with a visited bit and a moving hand.

use rustc_hash::FxHashMap;

use super::Cache;
use super::list::{Arena, List, NIL, fx_map, initial_slots};

/// The queue runs from head (newest) to tail (oldest); `prev` links point
/// towards the head, the direction the hand moves.
pub(super) struct Sieve {
    pub(super) arena: Arena,
    pub(super) visited: Vec<bool>,
    pub(super) map: FxHashMap<u64, u32>,
    pub(super) list: List,
    /// The next node the hand examines (`NIL`: start again from the tail).
    pub(super) hand: u32,
    pub(super) cap: usize,
}

impl Sieve {
    pub(super) fn new(cap: usize, trace_len: usize) -> Self {
        let n = initial_slots(cap, trace_len);
        Sieve {
            arena: Arena::with_capacity(n),
            visited: Vec::with_capacity(n),
            map: fx_map(n),
            list: List::EMPTY,
            hand: NIL,
            cap,
        }
    }

    /// Moves the hand from its place towards the head, wrapping to the
    /// tail, clearing visited bits until it finds an unvisited node, which
    /// it unlinks and returns; the hand stays on that node's neighbour
    /// towards the head. The list is not empty.
    fn evict(&mut self) -> u32 {
        let mut o = if self.hand == NIL {
            self.list.tail
        } else {
            self.hand
        };
        // At most one full turn clears every bit, so this ends.
        while self.visited[o as usize] {
            self.visited[o as usize] = false;
            o = self.arena.nodes[o as usize].prev;
            if o == NIL {
                o = self.list.tail;
            }
        }
        self.hand = self.arena.nodes[o as usize].prev;
        self.arena.unlink(&mut self.list, o);
        self.map.remove(&self.arena.key(o));
        o
    }
}

impl Cache for Sieve {
    fn access(&mut self, key: u64) -> bool {
        if let Some(&i) = self.map.get(&key) {
            self.visited[i as usize] = true;
            return true;
        }
        let i = if self.list.len < self.cap {
            self.visited.push(false);
            self.arena.alloc(key)
        } else {
            let v = self.evict();
            self.arena.nodes[v as usize].key = key;
            self.visited[v as usize] = false;
            v
        };
        self.arena.push_front(&mut self.list, i);
        self.map.insert(key, i);
        false
    }
}
