//! Cache traces: keys from the bytes (two bytes a key, so keys repeat);
//! the exact LRU curve is a non-decreasing share, every simulated policy
//! hits at most once per request and no more often than Belady's MIN, and
//! sizing LRU agrees with the curve.
#![no_main]

use libfuzzer_sys::fuzz_target;
use opsbrain::cache::{MissRatioCurve, Policy, Trace, simulate, size_for_hit_ratio};

mod common;
use common::check_error;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let keys: Vec<u64> = rest
        .chunks(2)
        .map(|c| u64::from(c[0]) << 8 | u64::from(*c.get(1).unwrap_or(&0)))
        .collect();
    let trace = match Trace::new(&keys) {
        Ok(t) => t,
        Err(e) => return check_error(&e),
    };
    let curve = match MissRatioCurve::exact_lru(&trace) {
        Ok(c) => c,
        Err(e) => return check_error(&e),
    };
    let mut last = 0.0;
    for &(size, h) in &curve.points {
        assert!((0.0..=1.0).contains(&h) && h >= last, "point ({size}, {h})");
        last = h;
    }
    let capacity = usize::from(first % 16) + 1;
    // Belady's MIN with bypass is optimal: no policy hits more.
    let best = match simulate(&trace, Policy::Belady, capacity) {
        Ok(r) => r.hits,
        Err(e) => return check_error(&e),
    };
    for &policy in Policy::ALL {
        match simulate(&trace, policy, capacity) {
            Ok(r) => {
                assert!(r.hits <= r.accesses && (0.0..=1.0).contains(&r.hit_ratio));
                assert!(r.hits <= best, "{policy} hits {} > belady {best}", r.hits);
            }
            Err(e) => check_error(&e),
        }
    }
    let target = f64::from(first) / 255.0;
    match size_for_hit_ratio(&trace, Policy::Lru, target) {
        Ok(size) => assert_eq!(size, curve.size_for_hit_ratio(target).map(|s| s.max(1))),
        Err(e) => check_error(&e),
    }
});
