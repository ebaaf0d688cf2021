//! Belady's MIN with bypass: evict the resident key used farthest in the
//! future, or do not admit a newcomer used later than all of them.

use std::collections::BTreeSet;

use rustc_hash::FxHashMap;

/// `next[i]`: the position of the next request for `keys[i]` after `i`, or
/// `NEVER`.
const NEVER: u32 = u32::MAX;

fn next_uses(keys: &[u64]) -> Vec<u32> {
    let mut next = vec![NEVER; keys.len()];
    let mut seen: FxHashMap<u64, u32> = FxHashMap::default();
    for (i, &k) in keys.iter().enumerate().rev() {
        // Positions fit in u32: traces are at most MAX_TRACE_LEN = 2^32 - 1
        // long, so no position equals NEVER.
        if let Some(j) = seen.insert(k, i as u32) {
            next[i] = j;
        }
    }
    next
}

/// Hits of MIN with bypass on `keys` with `cap` entries.
///
/// Each resident key is represented by its next use, a position in the
/// trace (unique: one request per position); a key never used again gets
/// `len + i` (unique too, and later than every real position), `i` the
/// position that (re)inserted it. At position `i` every stored next use is
/// at least `i`, and the requested key is resident exactly when `i` is
/// stored. O(n log n) time, O(n) memory (the next-use array).
pub(super) fn hits(keys: &[u64], cap: usize) -> u64 {
    let next = next_uses(keys);
    let n = keys.len() as u64;
    let mut resident: BTreeSet<u64> = BTreeSet::new();
    let mut hits = 0;
    for (i, &nx) in next.iter().enumerate() {
        let i = i as u64;
        let upcoming = if nx == NEVER { n + i } else { u64::from(nx) };
        if resident.remove(&i) {
            hits += 1;
            resident.insert(upcoming);
            continue;
        }
        if resident.len() < cap {
            resident.insert(upcoming);
            continue;
        }
        match resident.last() {
            // Bypass: the newcomer is needed later than every resident key.
            Some(&farthest) if farthest < upcoming => {}
            Some(&farthest) => {
                resident.remove(&farthest);
                resident.insert(upcoming);
            }
            None => {}
        }
    }
    hits
}
