//! The adaptive W-TinyLFU, S3-FIFO, SIEVE and Belady: hand-checked tiny
//! traces, brute-force references and properties over generated traces.

use super::*;
use crate::cache::policy::w_tiny_lfu::Climber;
use proptest::prelude::*;

/// SIEVE as the paper states it, on a vector (index 0 = head, newest).
fn sieve_ref(keys: &[u64], cap: usize) -> u64 {
    let mut q: Vec<(u64, bool)> = Vec::new();
    let mut hand: Option<usize> = None; // index into q
    let mut hits = 0;
    for &k in keys {
        if let Some(e) = q.iter_mut().find(|e| e.0 == k) {
            e.1 = true;
            hits += 1;
            continue;
        }
        if q.len() == cap {
            let mut o = hand.unwrap_or(q.len() - 1);
            while q[o].1 {
                q[o].1 = false;
                o = if o == 0 { q.len() - 1 } else { o - 1 };
            }
            q.remove(o);
            // The neighbour towards the head, at o - 1 (none when o was the head).
            hand = o.checked_sub(1);
        }
        q.insert(0, (k, false));
        // Insertion at the head shifts every index by one.
        hand = hand.map(|h| h + 1);
    }
    hits
}

/// MIN with bypass by linear scans: on a full miss, evict the resident key
/// whose next use is farthest (never = infinitely far, earliest inserted
/// first) unless the newcomer's is farther still.
fn belady_ref(keys: &[u64], cap: usize) -> u64 {
    let next = |i: usize, k: u64| {
        keys[i + 1..]
            .iter()
            .position(|&x| x == k)
            .map_or(usize::MAX, |d| i + 1 + d)
    };
    let mut res: Vec<u64> = Vec::new();
    let mut hits = 0;
    for (i, &k) in keys.iter().enumerate() {
        if res.contains(&k) {
            hits += 1;
            continue;
        }
        if res.len() < cap {
            res.push(k);
            continue;
        }
        let (j, far) = res
            .iter()
            .enumerate()
            .map(|(j, &r)| (j, next(i, r)))
            .max_by_key(|&(j, n)| (n, std::cmp::Reverse(j)))
            .unwrap_or((0, 0));
        if next(i, k) < far {
            res.remove(j);
            res.push(k);
        }
    }
    hits
}

#[test]
fn sieve_by_hand() {
    // Capacity 2. 1, 2 miss (queue head..tail: 2 1); 1, 2 hit and set both
    // bits. 3: the hand starts at the tail (1), clears 1's bit, moves to 2,
    // clears it, wraps to the tail and evicts 1; the hand rests on 2.
    // Queue: 3 2. 1 misses: 2 is unvisited and goes; queue 1 3, the hand
    // on 3. 3 hits (bit set). 2 misses: the hand clears 3, moves to 1 and
    // evicts it; queue 2 3. 3 hits. Hits: 1, 2, 3, 3.
    assert_eq!(hits(&[1, 2, 1, 2, 3, 1, 3, 2, 3], Policy::Sieve, 2), 4);
    // Capacity 3. 1 2 3 miss, 1 hits. 4: the hand clears 1 at the tail,
    // evicts 2, rests on 3; 2 misses and evicts 3 (hand on 4); 5 evicts 4
    // (hand on 2); 1 is still resident and hits. A survivor is never moved:
    // LRU (which moved 1 to the front) would have lost it.
    let keys = [1, 2, 3, 1, 4, 2, 5, 1];
    assert_eq!(hits(&keys, Policy::Sieve, 3), 2);
    assert_eq!(hits(&keys, Policy::Lru, 3), 1);
}

#[test]
fn s3_fifo_by_hand() {
    // Capacity 2: small 1, main 1, ghost 1. 1 misses (S: 1), 1 hits (count
    // 1), 2 misses (S: 2 1, room left). 3: full; S's oldest, 1, was hit and
    // moves to main (count 0); 2 was not and goes to the ghost. S: 3, M: 1.
    // 1 hits. 2: not in the ghost? it is (ghost: 2), so it goes to main
    // after freeing a slot from S (3, never hit, enters the ghost in 2's
    // place): M: 2 1 is over main's 1, but the slot was freed from S first,
    // so 2 joins main. Hits: 1, 1.
    assert_eq!(hits(&[1, 1, 2, 3, 1, 2], Policy::S3Fifo, 2), 2);
    // Capacity 3: small 1, main 2, ghost 2.
    // 1 miss S[1]; 1 hit (1: count 1); 2, 3 miss S[3 2 1] (cache full).
    // 4: S's oldest 1 (hit) -> M[1] count 0; 2 (never hit) -> ghost {2},
    //    evicted. S[4 3].
    // 2: in the ghost -> leaves it; a slot is freed from S: 3 -> ghost {3}.
    //    2 enters main: M[2 1], S[4].
    // 1: hit (count 1). 4: hit (count 1).
    // 5: full; S's oldest 4 (hit) -> M[4 2 1], over main's 2: main's oldest
    //    1 has count 1 -> back to the front with 0, M[1 4 2]; 2 has 0 and is
    //    evicted (main evictions do not enter the ghost). S[5].
    // 2: miss (not in the ghost); S's 5 (never hit) -> ghost, S[2].
    // 1: hit (in main). Hits at positions 1, 6, 7 and 10: 4.
    let keys = [1, 1, 2, 3, 4, 2, 1, 4, 5, 2, 1];
    assert_eq!(hits(&keys, Policy::S3Fifo, 3), 4);
    // A one-hit-wonder scan does not flush a key hit twice: capacity 10
    // (small 1, main 9).
    let mut keys = vec![7, 7, 100]; // 7 is hit, then promoted when 100 arrives
    keys.extend(200..230); // 30 one-time keys stream through the small queue
    keys.push(7);
    assert_eq!(hits(&keys, Policy::S3Fifo, 10), 2);
    assert_eq!(hits(&keys, Policy::Fifo, 10), 1);
}

#[test]
fn belady_by_hand() {
    // Capacity 2, a loop of 3: at 3, 1 is next used at 3, 2 at 4, 3 at 5;
    // 3 is farthest and bypasses; 1 and 2 hit, 3 misses. LRU hits nothing.
    assert_eq!(hits(&[1, 2, 3, 1, 2, 3], Policy::Belady, 2), 2);
    assert_eq!(hits(&[1, 2, 3, 1, 2, 3], Policy::Lru, 2), 0);
    // At 3: 2 is never used again, so it goes and 3 is admitted; 3, 1 hit.
    assert_eq!(hits(&[1, 2, 3, 3, 1], Policy::Belady, 2), 2);
    // At 3: 3 is never used again: bypassed; 2 and 1 hit.
    assert_eq!(hits(&[1, 2, 3, 2, 1], Policy::Belady, 2), 2);
    assert_eq!(hits(&[5], Policy::Belady, 1), 0);
}

#[test]
fn climber_by_hand() {
    // Capacity 100: samples of max(10 x 100, 10,000) = 10,000 accesses, a
    // first step of +6.25 entries, the window in [1, 99].
    let mut c = Climber::new(100, 1);
    let sample = |c: &mut Climber, hits: usize| {
        let mut out = None;
        for i in 0..10_000 {
            out = c.record(i < hits, 100);
        }
        out
    };
    // Rate 0.5, up from 0 by >= 5 points: move by the step, to 7.25
    // (window 7); restart: the step is 6.25 in that direction.
    assert_eq!(sample(&mut c, 5000), Some(7));
    // 0.4: fell by 10 points: move by -6.25 to 1; restart at -6.25.
    assert_eq!(sample(&mut c, 4000), Some(1));
    // 0.42: rose by 2 points: keep going, -6.25, clamped at 1; the step
    // decays to 0.9 x -6.25 = -5.625.
    assert_eq!(sample(&mut c, 4200), Some(1));
    // 0.41: fell by 1 point: reverse, +5.625 to 6.625 (window 7); step 5.0625.
    assert_eq!(sample(&mut c, 4100), Some(7));
    // 0.415: rose: +5.0625 to 11.6875 (window 12); step 4.55625.
    assert_eq!(sample(&mut c, 4150), Some(12));
    assert!((c.step - 4.55625).abs() < 1e-12);
    // Mid-sample: no move.
    assert_eq!(c.record(true, 100), None);
}

#[test]
fn adaptive_invariants_hold_and_the_window_moves() {
    // Samples are max(10 x cap, 10,000) accesses: 60,000 accesses end
    // several, and the first always moves the window (by +6.25%).
    let long = [mixed_trace(60_000, 7), zipf_trace(60_000, 5000, 0.9, 8)];
    for keys in reference_traces().iter().chain(&long) {
        for cap in [1, 2, 3, 4, 7, 150, 300] {
            let mut c = WTinyLfu::new(cap, keys.len(), true);
            let mut sizes = FxHashSet::default();
            for &k in keys {
                let resident = c.map.contains_key(&k);
                assert_eq!(c.access(k), resident);
                check_invariants(&c, cap, k);
                assert!(c.window_cap >= cap.div_ceil(100) && c.window_cap + c.main_cap == cap);
                sizes.insert(c.window_cap);
            }
            if keys.len() == 60_000 && cap >= 150 {
                assert!(sizes.len() > 1, "cap {cap}: the window never moved");
            }
        }
    }
    // Capacity 1 does not adapt: LRU(1).
    let keys = mixed_trace(3000, 5);
    assert_eq!(hits(&keys, Policy::WTinyLfuAdaptive, 1), lru_ref(&keys, 1));
}

#[test]
fn adaptive_follows_recency() {
    // A working set of 60 keys that drifts one key every 4 accesses, under a
    // 100-entry cache: recency is everything (LRU hits ~ 3/4). The fixed 1%
    // window makes newcomers fight the sketch; the climber widens it (1M
    // accesses: 100 samples of 10,000).
    let mut rng = XorShift(31);
    let keys: Vec<u64> = (0..1_000_000u64).map(|t| t / 4 + rng.below(60)).collect();
    let (lru, fixed, adaptive) = (
        ratio(&keys, Policy::Lru, 100),
        ratio(&keys, Policy::WTinyLfu, 100),
        ratio(&keys, Policy::WTinyLfuAdaptive, 100),
    );
    assert!(
        adaptive > fixed + 0.02,
        "adaptive {adaptive:.4} vs fixed {fixed:.4}"
    );
    assert!(
        adaptive > lru - 0.03,
        "adaptive {adaptive:.4} vs lru {lru:.4}"
    );
}

#[test]
fn sieve_and_belady_match_brute_force() {
    for keys in reference_traces() {
        let keys = &keys[..1500];
        for cap in [1, 2, 3, 5, 16, 64, 300] {
            assert_eq!(
                hits(keys, Policy::Sieve, cap),
                sieve_ref(keys, cap),
                "sieve cap {cap}"
            );
            assert_eq!(
                hits(keys, Policy::Belady, cap),
                belady_ref(keys, cap),
                "belady cap {cap}"
            );
        }
    }
}

#[test]
fn belady_is_a_stack_algorithm() {
    let keys = zipf_trace(20_000, 2000, 0.8, 9);
    let mut prev = 0;
    for cap in (1..=400).step_by(7) {
        let h = hits(&keys, Policy::Belady, cap);
        assert!(h >= prev, "cap {cap}: {h} < {prev}");
        prev = h;
    }
}

/// A generated trace: uniform, Zipf-like, a loop, or a hot set with a scan.
fn generated(kind: u8, len: usize, n_keys: u64, seed: u64) -> Vec<u64> {
    let mut rng = XorShift(seed | 1);
    match kind % 4 {
        0 => uniform_trace(len, n_keys, seed | 1),
        1 => zipf_trace(len, n_keys as usize, 0.9, seed | 1),
        2 => (0..len as u64).map(|i| i % n_keys).collect(),
        _ => (0..len as u64)
            .map(|i| {
                if rng.below(2) == 0 {
                    rng.below(n_keys.div_ceil(4))
                } else {
                    1_000 + i
                }
            })
            .collect(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn belady_bounds_every_policy(
        kind in 0u8..4,
        len in 1usize..1500,
        n_keys in 1u64..300,
        cap in 1usize..200,
        seed in any::<u64>(),
    ) {
        let keys = generated(kind, len, n_keys, seed);
        let distinct = keys.iter().collect::<FxHashSet<_>>().len();
        let best = keys.len() as u64 - distinct as u64;
        let trace = Trace::new(&keys).unwrap();
        let belady = simulate(&trace, Policy::Belady, cap).unwrap().hits;
        for &p in Policy::ALL {
            let r = simulate(&trace, p, cap).unwrap();
            prop_assert!(r.hits <= belady, "{} {} > belady {}", p, r.hits, belady);
            prop_assert!(r.hits <= best, "{} {} > {}", p, r.hits, best);
            prop_assert!((0.0..=1.0).contains(&r.hit_ratio));
            if cap >= distinct {
                prop_assert_eq!(r.hits, best, "{} with room for every key", p);
            }
        }
    }
}
