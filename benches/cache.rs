//! Cache sizing throughput: exact LRU miss-ratio curves, SHARDS, policy
//! simulation of every policy, Belady's bound included (references per
//! second).
//!
//! `cargo bench -p opsbrain-benches --bench cache` uses a 2M-reference Zipf
//! trace over 500k keys; `cargo test --benches` runs each once on 20k.

mod common;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use opsbrain::cache::{MissRatioCurve, Sampling, Trace};
use opsbrain::cache::{Policy, simulate};
use std::hint::black_box;

fn curves(c: &mut Criterion) {
    let n = if common::full_run() {
        2_000_000
    } else {
        20_000
    };
    let keys = common::zipf_keys(n, 500_000, 0.99, 7);
    let trace = Trace::new(&keys).expect("non-empty");
    let mut g = c.benchmark_group("mrc");
    g.sample_size(10);
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function(BenchmarkId::new("exact_lru", n), |b| {
        b.iter(|| MissRatioCurve::exact_lru(black_box(&trace)).map(|m| m.points.len()))
    });
    for rate in [0.1, 0.01, 0.001] {
        g.bench_function(BenchmarkId::new(format!("shards_rate_{rate}"), n), |b| {
            b.iter(|| {
                MissRatioCurve::shards(black_box(&trace), Sampling::Rate(rate))
                    .map(|m| m.points.len())
            })
        });
    }
    g.bench_function(BenchmarkId::new("shards_max_keys_8192", n), |b| {
        b.iter(|| {
            MissRatioCurve::shards(black_box(&trace), Sampling::MaxKeys(8192))
                .map(|m| m.points.len())
        })
    });
    g.finish();

    let mut g = c.benchmark_group("policy");
    g.sample_size(10);
    g.throughput(Throughput::Elements(n as u64));
    for &policy in Policy::ALL {
        g.bench_function(BenchmarkId::new(policy.as_str(), n), |b| {
            b.iter(|| simulate(black_box(&trace), policy, 10_000).map(|r| r.hits))
        });
    }
    g.finish();
}

criterion_group!(benches, curves);
criterion_main!(benches);
