use super::*;
use std::collections::VecDeque;

use rustc_hash::FxHashSet;

use super::list::NIL;
use super::w_tiny_lfu::{PROBATION, PROTECTED, WINDOW};

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn uniform_trace(len: usize, n_keys: u64, seed: u64) -> Vec<u64> {
    let mut rng = XorShift(seed);
    (0..len).map(|_| rng.below(n_keys)).collect()
}

/// Mixed locality: a hot set, a drifting window and cold keys.
fn mixed_trace(len: usize, seed: u64) -> Vec<u64> {
    let mut rng = XorShift(seed);
    (0..len as u64)
        .map(|t| match rng.below(3) {
            0 => rng.below(8),
            1 => 100 + t / 10 + rng.below(12),
            _ => 10_000 + rng.below(400),
        })
        .collect()
}

fn zipf_trace(len: usize, n_keys: usize, s: f64, seed: u64) -> Vec<u64> {
    let mut acc = 0.0;
    let cdf: Vec<f64> = (1..=n_keys)
        .map(|r| {
            acc += 1.0 / (r as f64).powf(s);
            acc
        })
        .collect();
    let mut rng = XorShift(seed);
    (0..len)
        .map(|_| {
            let u = rng.unit() * acc;
            let rank = cdf.partition_point(|&c| c < u) as u64;
            rank.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5555
        })
        .collect()
}

fn hits(keys: &[u64], p: Policy, cap: usize) -> u64 {
    simulate(&Trace::new(keys).unwrap(), p, cap).unwrap().hits
}

fn ratio(keys: &[u64], p: Policy, cap: usize) -> f64 {
    simulate(&Trace::new(keys).unwrap(), p, cap)
        .unwrap()
        .hit_ratio
}

fn lru_ref(keys: &[u64], cap: usize) -> u64 {
    let mut q: VecDeque<u64> = VecDeque::new();
    let mut hits = 0;
    for &k in keys {
        if let Some(pos) = q.iter().position(|&x| x == k) {
            hits += 1;
            q.remove(pos);
        } else if q.len() == cap {
            q.pop_back();
        }
        q.push_front(k);
    }
    hits
}

fn fifo_ref(keys: &[u64], cap: usize) -> u64 {
    let mut q: VecDeque<u64> = VecDeque::new();
    let mut hits = 0;
    for &k in keys {
        if q.contains(&k) {
            hits += 1;
            continue;
        }
        if q.len() == cap {
            q.pop_front();
        }
        q.push_back(k);
    }
    hits
}

/// (key, count since insertion, time of last access); evict min (count, last).
fn lfu_ref(keys: &[u64], cap: usize) -> u64 {
    let mut c: Vec<(u64, u64, usize)> = Vec::new();
    let mut hits = 0;
    for (t, &k) in keys.iter().enumerate() {
        if let Some(e) = c.iter_mut().find(|e| e.0 == k) {
            hits += 1;
            e.1 += 1;
            e.2 = t;
            continue;
        }
        if c.len() == cap {
            let v = (0..c.len()).min_by_key(|&j| (c[j].1, c[j].2)).unwrap();
            c.swap_remove(v);
        }
        c.push((k, 1, t));
    }
    hits
}

const CAPS: [usize; 7] = [1, 2, 3, 5, 16, 64, 300];

fn reference_traces() -> Vec<Vec<u64>> {
    vec![
        uniform_trace(3000, 40, 1),
        uniform_trace(3000, 400, 2),
        mixed_trace(4000, 3),
        zipf_trace(4000, 500, 0.9, 4),
    ]
}

#[test]
fn lru_and_fifo_match_brute_force() {
    for keys in reference_traces() {
        for cap in CAPS {
            assert_eq!(
                hits(&keys, Policy::Lru, cap),
                lru_ref(&keys, cap),
                "lru cap {cap}"
            );
            assert_eq!(
                hits(&keys, Policy::Fifo, cap),
                fifo_ref(&keys, cap),
                "fifo cap {cap}"
            );
        }
    }
}

#[test]
fn lfu_matches_brute_force() {
    for keys in reference_traces() {
        for cap in CAPS {
            assert_eq!(
                hits(&keys, Policy::Lfu, cap),
                lfu_ref(&keys, cap),
                "lfu cap {cap}"
            );
        }
    }
}

#[test]
fn lfu_tie_break_is_least_recent_access() {
    // 1 and 2 both have count 1 when 3 arrives; 1 was accessed longer ago.
    assert_eq!(hits(&[1, 2, 3, 2, 1], Policy::Lfu, 2), 1);
    // 1 has count 2, so 2 goes although 1 was accessed less recently.
    assert_eq!(hits(&[1, 1, 2, 3, 1, 2], Policy::Lfu, 2), 2);
}

#[test]
fn lru_is_a_stack_algorithm() {
    let keys = zipf_trace(20_000, 2000, 0.8, 9);
    let mut prev = 0;
    for cap in (1..=400).step_by(7) {
        let h = hits(&keys, Policy::Lru, cap);
        assert!(h >= prev, "cap {cap}: {h} < {prev}");
        prev = h;
    }
}

fn check_invariants(c: &WTinyLfu, cap: usize, key: u64) {
    let lists = [
        (c.window, WINDOW),
        (c.probation, PROBATION),
        (c.protected, PROTECTED),
    ];
    let mut total = 0;
    for (list, region) in lists {
        let (mut i, mut prev, mut n) = (list.head, NIL, 0);
        while i != NIL {
            let node = c.arena.nodes[i as usize];
            assert_eq!(node.prev, prev);
            assert_eq!(c.region[i as usize], region);
            assert_eq!(c.map.get(&node.key), Some(&i));
            (prev, i, n) = (i, node.next, n + 1);
        }
        assert_eq!((list.tail, list.len), (prev, n));
        total += n;
    }
    assert_eq!(c.map.len(), total);
    assert_eq!(c.arena.nodes.len(), total);
    assert!(total <= cap);
    assert!(c.window.len <= c.window_cap && c.protected.len <= c.protected_cap);
    assert!(c.probation.len + c.protected.len <= c.main_cap);
    assert!(
        c.map.contains_key(&key),
        "the key just accessed is resident"
    );
}

#[test]
fn w_tiny_lfu_invariants_hold_at_every_step() {
    for keys in reference_traces() {
        for cap in [1, 2, 3, 4, 7, 150, 300] {
            let mut c = WTinyLfu::new(cap, keys.len(), false);
            for &k in &keys {
                let resident = c.map.contains_key(&k);
                assert_eq!(c.access(k), resident);
                check_invariants(&c, cap, k);
            }
        }
    }
}

#[test]
fn w_tiny_lfu_tiny_capacities() {
    let keys = mixed_trace(3000, 5);
    // Capacity 1: a one-entry window and no main region, i.e. LRU(1).
    assert_eq!(hits(&keys, Policy::WTinyLfu, 1), lru_ref(&keys, 1));
    assert_eq!(hits(&[7, 7, 7], Policy::WTinyLfu, 1), 2);
    // Capacity 2: window 1 + probation 1; the frequent key is admitted and kept.
    let keys = [1, 1, 1, 2, 1, 3, 1, 4, 1, 5, 1];
    assert_eq!(hits(&keys, Policy::WTinyLfu, 2), 6);
    for cap in [2, 3] {
        let h = hits(&keys, Policy::WTinyLfu, cap);
        assert!(h >= 6, "cap {cap}: {h}");
    }
}

#[test]
fn w_tiny_lfu_beats_lru_on_zipf() {
    let keys = zipf_trace(200_000, 50_000, 0.95, 11);
    for cap in [500, 2000] {
        let (lru, tiny) = (
            ratio(&keys, Policy::Lru, cap),
            ratio(&keys, Policy::WTinyLfu, cap),
        );
        assert!(
            tiny > lru + 0.02,
            "cap {cap}: w_tiny_lfu {tiny:.4} vs lru {lru:.4}"
        );
    }
}

#[test]
fn w_tiny_lfu_resists_scans() {
    // Half the accesses go to 300 hot keys, half to a 20k-key loop; 500 slots.
    let mut rng = XorShift(13);
    let mut scan = 0;
    let keys: Vec<u64> = (0..100_000)
        .map(|_| {
            if rng.below(2) == 0 {
                rng.below(300)
            } else {
                scan = (scan + 1) % 20_000;
                1_000_000 + scan
            }
        })
        .collect();
    let (lru, tiny) = (
        ratio(&keys, Policy::Lru, 500),
        ratio(&keys, Policy::WTinyLfu, 500),
    );
    assert!(tiny > 0.45, "w_tiny_lfu keeps the hot set: {tiny:.4}");
    assert!(tiny > lru + 0.15, "w_tiny_lfu {tiny:.4} vs lru {lru:.4}");
}

#[test]
fn huge_capacity_on_a_short_trace() {
    let keys = uniform_trace(1000, 100, 17);
    let distinct = keys.iter().collect::<FxHashSet<_>>().len() as u64;
    for &p in Policy::ALL {
        let r = simulate(&Trace::new(&keys).unwrap(), p, limits::MAX_CACHE_CAPACITY).unwrap();
        assert_eq!(r.hits, 1000 - distinct, "{p}");
    }
}

#[test]
fn errors() {
    let keys = [1u64, 2, 3];
    let t = Trace::new(&keys).unwrap();
    let code = |r: Result<_>| r.map(|_: Vec<PolicyResult>| ()).unwrap_err().code();
    assert_eq!(
        simulate(&t, Policy::Lru, 0).unwrap_err().code(),
        "invalid_input"
    );
    assert_eq!(
        simulate(&t, Policy::Lfu, limits::MAX_CACHE_CAPACITY + 1)
            .unwrap_err()
            .code(),
        "limit_exceeded"
    );
    assert_eq!(code(compare_policies(&t, &[], &[1])), "invalid_input");
    assert_eq!(
        code(compare_policies(&t, &[Policy::Lru], &[])),
        "invalid_input"
    );
    let e = compare_policies(&t, &[Policy::Lru], &[4, 0]).unwrap_err();
    assert_eq!(
        (e.code(), e.message.contains("capacities[1]")),
        ("invalid_input", true)
    );
    let big = [limits::MAX_CACHE_CAPACITY + 1];
    assert_eq!(
        code(compare_policies(&t, &[Policy::Fifo], &big)),
        "limit_exceeded"
    );
    let many = vec![1; limits::MAX_CACHE_SIZES + 1];
    assert_eq!(
        code(compare_policies(&t, &[Policy::Fifo], &many)),
        "limit_exceeded"
    );
    let e = "LRU".parse::<Policy>().unwrap_err();
    assert!(
        e.message
            .contains("lru, fifo, lfu, w_tiny_lfu, w_tiny_lfu_adaptive, s3_fifo, sieve, belady"),
        "{}",
        e.message
    );
}

#[test]
fn compare_is_policies_major_and_matches_simulate() {
    let keys = mixed_trace(5000, 21);
    let t = Trace::new(&keys).unwrap();
    let policies = [Policy::WTinyLfu, Policy::Lru, Policy::Lfu, Policy::Fifo];
    let caps = [64, 1, 7, 300];
    let rows = compare_policies(&t, &policies, &caps).unwrap();
    assert_eq!(rows.len(), 16);
    let mut it = rows.iter();
    for &p in &policies {
        for &c in &caps {
            assert_eq!(it.next(), Some(&simulate(&t, p, c).unwrap()));
        }
    }
    // The same rows on one thread (without `parallel` every call runs on one).
    #[cfg(feature = "parallel")]
    {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        assert_eq!(
            pool.install(|| compare_policies(&t, &policies, &caps).unwrap()),
            rows
        );
    }
}

#[test]
fn serde_and_names() {
    for &p in Policy::ALL {
        assert_eq!(p.as_str().parse::<Policy>().unwrap(), p);
        assert_eq!(serde_json::to_string(&p).unwrap(), format!("\"{p}\""));
    }
    let r = simulate(&Trace::new(&[1, 1]).unwrap(), Policy::WTinyLfu, 3).unwrap();
    let json = serde_json::to_string(&r).unwrap();
    assert!(json.contains("\"policy\":\"w_tiny_lfu\""), "{json}");
    assert_eq!(serde_json::from_str::<PolicyResult>(&json).unwrap(), r);
}

/// LRU's answer is exact: it equals the exact miss-ratio curve's on every
/// reference trace and a grid of targets; for every policy the answer
/// reaches the target and the capacity below it does not.
#[test]
fn size_for_hit_ratio_is_exact_for_lru_and_a_boundary_for_all() {
    for keys in reference_traces() {
        let trace = Trace::new(&keys).unwrap_or_else(|e| panic!("{e}"));
        let curve =
            super::super::MissRatioCurve::exact_lru(&trace).unwrap_or_else(|e| panic!("{e}"));
        for step in 0..=20 {
            let target = f64::from(step) / 20.0;
            let lru =
                size_for_hit_ratio(&trace, Policy::Lru, target).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(
                lru,
                curve.size_for_hit_ratio(target).map(|s| s.max(1)),
                "target {target}"
            );
            for &p in Policy::ALL {
                match size_for_hit_ratio(&trace, p, target).unwrap_or_else(|e| panic!("{e}")) {
                    Some(c) => {
                        let c = c as usize;
                        assert!(ratio(&keys, p, c) >= target, "{p} {c} {target}");
                        assert!(
                            c == 1 || ratio(&keys, p, c - 1) < target,
                            "{p} {c} {target}"
                        );
                    }
                    None => assert!(ratio(&keys, p, keys.len().max(1)) < target, "{p} {target}"),
                }
            }
        }
    }
    let trace = Trace::new(&[1, 2, 1]).unwrap_or_else(|e| panic!("{e}"));
    for bad in [-0.1, 1.5, f64::NAN] {
        let e = size_for_hit_ratio(&trace, Policy::Lru, bad).unwrap_err();
        assert_eq!(e.code(), "invalid_input");
    }
}

mod more;
