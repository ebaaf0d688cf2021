//! LRU stack distances in O(log M) per access.
//!
//! Each distinct key has one marker, at the slot (position in time) of its
//! last access. The stack distance of a re-access is one plus the number of
//! markers after the key's previous slot. Markers live in a bitset with a
//! byte count per 64-bit word; a small Fenwick tree counts them per 512-slot
//! block, so a count is a Fenwick prefix over blocks, one 8-byte sum and one
//! popcount. The block being written joins the tree only when writing moves
//! past it, so an access costs one tree update, not two. Slots are
//! renumbered (compacted) when they run out, keeping memory O(M).

use rustc_hash::FxHashMap;

/// Slots per Fenwick block: 8 words of 64 bits, so the tree stays small and
/// cache-resident. Within a block, per-word counts kept in bytes are summed
/// eight at a time (baseline x86-64 has no popcount instruction).
const BLOCK_WORDS: usize = 8;
const BLOCK_BITS: usize = BLOCK_WORDS * 64;

/// Streaming LRU stack-distance calculator (Mattson et al., 1970).
#[derive(Debug)]
pub(crate) struct StackDistances {
    /// Key -> slot of its last access.
    last: FxHashMap<u64, u32>,
    /// Slot -> key accessed there (stale when the key moved on).
    owner: Vec<u64>,
    /// One bit per slot: set where a key's last access is.
    bits: Vec<u64>,
    /// Set bits per word (at most 64, so a byte).
    word_counts: Vec<u8>,
    /// Fenwick tree (1-based) of set bits per block, for blocks before
    /// `committed`; the block being written is counted only in
    /// `word_counts` until the writing moves past it (so appending a marker
    /// costs no tree update).
    tree: Vec<u32>,
    committed: usize,
    next: usize,
    distinct: usize,
    min_capacity: usize,
}

impl StackDistances {
    pub(crate) fn new(initial: usize) -> Self {
        let cap = round_up(initial.max(BLOCK_BITS));
        StackDistances {
            last: FxHashMap::default(),
            owner: vec![0; cap],
            bits: vec![0; cap / 64],
            word_counts: vec![0; cap / 64],
            tree: vec![0; cap / BLOCK_BITS + 1],
            committed: 0,
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
        if t.is_multiple_of(BLOCK_BITS) {
            self.commit_before(t / BLOCK_BITS);
        }
        self.owner[t] = key;
        let distance = match self.last.insert(key, t as u32) {
            Some(p) => {
                let p = p as usize;
                // Markers after p = distinct keys used since; +1 for the key itself.
                let d = self.distinct as u32 - self.prefix(p) + 1;
                self.clear(p);
                Some(d)
            }
            None => {
                self.distinct += 1;
                None
            }
        };
        self.set(t);
        distance
    }

    /// Stops tracking `key` (used when SHARDS drops it from the sample).
    pub(crate) fn forget(&mut self, key: u64) {
        if let Some(p) = self.last.remove(&key) {
            self.clear(p as usize);
            self.distinct -= 1;
        }
    }

    /// Markers in slots 0..=p.
    #[inline]
    fn prefix(&self, p: usize) -> u32 {
        let block = p / BLOCK_BITS;
        // Whole blocks before p's block.
        let mut i = block;
        let mut sum = 0u32;
        while i > 0 {
            sum += self.tree[i];
            i &= i - 1;
        }
        // Whole words of p's block before p's word (their byte counts summed
        // in one go), then p's word up to p.
        let word = p / 64;
        let first = block * BLOCK_WORDS;
        let before = word - first;
        if before > 0 {
            let mut lanes = [0u8; 8];
            lanes.copy_from_slice(&self.word_counts[first..first + BLOCK_WORDS]);
            let x = u64::from_le_bytes(lanes) & (u64::MAX >> (64 - 8 * before));
            // Pairwise byte sums into 16-bit lanes (each <= 128), then add the lanes.
            let pairs = (x & 0x00FF_00FF_00FF_00FF) + ((x >> 8) & 0x00FF_00FF_00FF_00FF);
            sum += (pairs.wrapping_mul(0x0001_0001_0001_0001) >> 48) as u32;
        }
        let mask = u64::MAX >> (63 - (p % 64));
        sum + (self.bits[word] & mask).count_ones()
    }

    #[inline]
    fn set(&mut self, p: usize) {
        // Only ever the newest slot, in the uncommitted block.
        self.bits[p / 64] |= 1 << (p % 64);
        self.word_counts[p / 64] += 1;
    }

    /// Adds the counts of blocks `committed..block` to the tree.
    fn commit_before(&mut self, block: usize) {
        while self.committed < block {
            let b = self.committed;
            let count = self.word_counts[b * BLOCK_WORDS..(b + 1) * BLOCK_WORDS]
                .iter()
                .map(|&c| u32::from(c))
                .sum::<u32>();
            self.bump(b, count);
            self.committed += 1;
        }
    }

    #[inline]
    fn clear(&mut self, p: usize) {
        self.bits[p / 64] &= !(1 << (p % 64));
        self.word_counts[p / 64] -= 1;
        if p / BLOCK_BITS < self.committed {
            self.bump(p / BLOCK_BITS, u32::MAX);
        }
    }

    /// Adds `delta` (wrapping, so `u32::MAX` is -1) to a block's count.
    #[inline]
    fn bump(&mut self, block: usize, delta: u32) {
        let n = self.tree.len();
        let mut i = block + 1;
        while i < n {
            self.tree[i] = self.tree[i].wrapping_add(delta);
            i += i & i.wrapping_neg();
        }
    }

    /// Renumbers live slots 0..distinct in access order and rebuilds the
    /// index with room for at least as many new accesses.
    fn compact(&mut self) {
        // Room for at least 3x the live keys before the next compaction, so
        // its O(live) cost is spread over as many accesses.
        let cap = round_up((self.distinct * 4).max(self.min_capacity));
        let mut owner = vec![0u64; cap];
        let mut j = 0usize;
        // Live slots are exactly the set bits: one map update per live key.
        for (w, &word) in self.bits.iter().enumerate() {
            let mut m = word;
            while m != 0 {
                let s = w * 64 + m.trailing_zeros() as usize;
                m &= m - 1;
                let key = self.owner[s];
                if let Some(slot) = self.last.get_mut(&key) {
                    *slot = j as u32;
                }
                owner[j] = key;
                j += 1;
            }
        }
        debug_assert_eq!(j, self.distinct);
        let mut bits = vec![0u64; cap / 64];
        for (w, word) in bits.iter_mut().enumerate().take(j.div_ceil(64)) {
            let live = (j - w * 64).min(64);
            *word = if live == 64 {
                u64::MAX
            } else {
                (1u64 << live) - 1
            };
        }
        let word_counts: Vec<u8> = bits.iter().map(|w| w.count_ones() as u8).collect();
        let blocks = cap / BLOCK_BITS;
        let committed = j / BLOCK_BITS;
        let mut tree = vec![0u32; blocks + 1];
        // Linear-time build: every node passes its sum to its parent; only
        // blocks before `committed` contribute counts.
        for b in 0..blocks {
            let i = b + 1;
            if b < committed {
                tree[i] += word_counts[b * BLOCK_WORDS..(b + 1) * BLOCK_WORDS]
                    .iter()
                    .map(|&c| u32::from(c))
                    .sum::<u32>();
            }
            let parent = i + (i & i.wrapping_neg());
            if parent <= blocks {
                tree[parent] += tree[i];
            }
        }
        self.owner = owner;
        self.bits = bits;
        self.word_counts = word_counts;
        self.tree = tree;
        self.committed = committed;
        self.next = j;
    }
}

/// Rounds a slot count up to whole blocks.
fn round_up(n: usize) -> usize {
    n.div_ceil(BLOCK_BITS) * BLOCK_BITS
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
