//! The index-linked lists and node arena the simulators share.

use rustc_hash::FxHashMap;

/// Initial room: the cache never holds more than `min(capacity, trace
/// length)` keys, and is let grow past 2^16 (a hash table sized for the
/// trace rather than its distinct keys would be sparse and miss the CPU
/// caches).
pub(super) fn initial_slots(cap: usize, trace_len: usize) -> usize {
    cap.min(trace_len).min(1 << 16)
}

pub(super) fn fx_map(n: usize) -> FxHashMap<u64, u32> {
    FxHashMap::with_capacity_and_hasher(n, Default::default())
}

/// "No node" in the index-linked lists.
pub(super) const NIL: u32 = u32::MAX;

#[derive(Debug, Clone, Copy)]
pub(super) struct Node {
    pub(super) key: u64,
    pub(super) prev: u32,
    pub(super) next: u32,
}

/// A doubly linked list threaded through an [`Arena`]: head is the most
/// recently inserted/used end, tail the least.
#[derive(Debug, Clone, Copy)]
pub(super) struct List {
    pub(super) head: u32,
    pub(super) tail: u32,
    pub(super) len: usize,
}

impl List {
    pub(super) const EMPTY: List = List {
        head: NIL,
        tail: NIL,
        len: 0,
    };
}

/// Nodes addressed by `u32` slot (at most `MAX_CACHE_CAPACITY` < 2^32).
#[derive(Debug)]
pub(super) struct Arena {
    pub(super) nodes: Vec<Node>,
}

impl Arena {
    pub(super) fn with_capacity(n: usize) -> Self {
        Arena {
            nodes: Vec::with_capacity(n),
        }
    }

    pub(super) fn alloc(&mut self, key: u64) -> u32 {
        self.nodes.push(Node {
            key,
            prev: NIL,
            next: NIL,
        });
        (self.nodes.len() - 1) as u32
    }

    pub(super) fn key(&self, i: u32) -> u64 {
        self.nodes[i as usize].key
    }

    pub(super) fn push_front(&mut self, list: &mut List, i: u32) {
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

    pub(super) fn push_back(&mut self, list: &mut List, i: u32) {
        let old = list.tail;
        let n = &mut self.nodes[i as usize];
        n.next = NIL;
        n.prev = old;
        if old == NIL {
            list.head = i;
        } else {
            self.nodes[old as usize].next = i;
        }
        list.tail = i;
        list.len += 1;
    }

    pub(super) fn unlink(&mut self, list: &mut List, i: u32) {
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

    pub(super) fn move_to_front(&mut self, list: &mut List, i: u32) {
        if list.head != i {
            self.unlink(list, i);
            self.push_front(list, i);
        }
    }
}
