//! LRU stack distances in O(log M) per access: a Fenwick tree over the
//! positions of each key's last access, compacted when it fills.

use rustc_hash::FxHashMap;

/// Streaming LRU stack-distance calculator (Mattson et al., 1970).
#[derive(Debug)]
pub(crate) struct StackDistances {
    /// Key -> slot of its last access.
    last: FxHashMap<u64, u32>,
    /// Slot -> key accessed there (stale when the key moved on).
    owner: Vec<u64>,
    /// Fenwick tree (1-based) of live markers: one per distinct key, at its last slot.
    tree: Vec<u32>,
    next: usize,
    distinct: usize,
    min_capacity: usize,
}

impl StackDistances {
    pub(crate) fn new(initial: usize) -> Self {
        let cap = initial.max(1024);
        StackDistances {
            last: FxHashMap::default(),
            owner: vec![0; cap],
            tree: vec![0; cap + 1],
            next: 0,
            distinct: 0,
            min_capacity: cap,
        }
    }

    /// Distinct keys currently tracked.
    pub(crate) fn distinct(&self) -> usize {
        self.distinct
    }

    /// Records an access; returns the LRU stack distance (1 = the most
    /// recently used key) or `None` for a first access.
    #[inline]
    pub(crate) fn access(&mut self, key: u64) -> Option<u32> {
        if self.next == self.owner.len() {
            self.compact();
        }
        let t = self.next;
        self.next += 1;
        self.owner[t] = key;
        let distance = match self.last.insert(key, t as u32) {
            Some(p) => {
                let p = p as usize;
                // Live markers after p = keys used since; the key itself is 1 more.
                let d = self.distinct as u32 - self.prefix(p) + 1;
                self.add(p, u32::MAX); // -1
                Some(d)
            }
            None => {
                self.distinct += 1;
                None
            }
        };
        self.add(t, 1);
        distance
    }

    /// Stops tracking `key` (used when SHARDS drops it from the sample).
    pub(crate) fn forget(&mut self, key: u64) {
        if let Some(p) = self.last.remove(&key) {
            self.add(p as usize, u32::MAX);
            self.distinct -= 1;
        }
    }

    /// Live markers in slots 0..=p.
    #[inline]
    fn prefix(&self, p: usize) -> u32 {
        let mut i = p + 1;
        let mut sum = 0u32;
        while i > 0 {
            sum = sum.wrapping_add(self.tree[i]);
            i &= i - 1;
        }
        sum
    }

    /// Adds `delta` (wrapping, so u32::MAX is -1) at slot p.
    #[inline]
    fn add(&mut self, p: usize, delta: u32) {
        let n = self.tree.len();
        let mut i = p + 1;
        while i < n {
            self.tree[i] = self.tree[i].wrapping_add(delta);
            i += i & i.wrapping_neg();
        }
    }

    /// Renumbers live slots 0..distinct in access order and rebuilds the
    /// tree with room for at least as many new accesses.
    fn compact(&mut self) {
        let cap = (self.distinct * 2).max(self.min_capacity);
        let mut owner = vec![0u64; cap];
        let mut j = 0usize;
        for s in 0..self.next {
            let key = self.owner[s];
            if let Some(slot) = self.last.get_mut(&key)
                && *slot as usize == s
            {
                *slot = j as u32;
                owner[j] = key;
                j += 1;
            }
        }
        debug_assert_eq!(j, self.distinct);
        let mut tree = vec![0u32; cap + 1];
        for i in 1..=j {
            tree[i] += 1;
            let parent = i + (i & i.wrapping_neg());
            if parent <= cap {
                tree[parent] += tree[i];
            }
        }
        // Positions past j hold zeros; their tree nodes still need the sums
        // of the live range below them.
        for i in (j + 1)..=cap {
            let parent = i + (i & i.wrapping_neg());
            if parent <= cap {
                tree[parent] += tree[i];
            }
        }
        self.owner = owner;
        self.tree = tree;
        self.next = j;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Brute-force stack distances.
    fn brute(keys: &[u64]) -> Vec<Option<u32>> {
        let mut stack: Vec<u64> = Vec::new();
        keys.iter()
            .map(|&k| {
                let d = stack.iter().position(|&x| x == k).map(|p| p as u32 + 1);
                if let Some(p) = d {
                    stack.remove(p as usize - 1);
                }
                stack.insert(0, k);
                d
            })
            .collect()
    }

    #[test]
    fn distances_survive_many_compactions() {
        let mut s = 12345u64;
        for universe in [3u64, 700, 3000] {
            let keys: Vec<u64> = (0..40_000)
                .map(|_| {
                    s = crate::cache::mix64(s);
                    (s % universe) * ((s >> 40) % 3 + 1)
                })
                .collect();
            let mut sd = StackDistances::new(16);
            let got: Vec<Option<u32>> = keys.iter().map(|&k| sd.access(k)).collect();
            assert_eq!(got, brute(&keys), "universe {universe}");
        }
    }

    #[test]
    fn forget_removes_the_key() {
        let mut sd = StackDistances::new(16);
        for k in [1u64, 2, 3] {
            sd.access(k);
        }
        sd.forget(2);
        assert_eq!(sd.distinct(), 2);
        assert_eq!(sd.access(1), Some(2));
        assert_eq!(sd.access(2), None);
    }
}
