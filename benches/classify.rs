//! Classification and routing throughput.
//!
//! `cargo bench -p opsbrain-benches --bench classify` routes 100k generated
//! tickets; `cargo test --benches` runs each benchmark once on 1k.

mod common;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use opsbrain::classify::{ClassificationTable, Router, RuleSet};
use std::hint::black_box;

fn routing(c: &mut Criterion) {
    let n = if common::full_run() { 100_000 } else { 1_000 };
    let tickets = common::tickets(n, 42);
    let bytes: usize = tickets.iter().map(|t| t.subject.len() + t.body.len()).sum();
    let router = Router::builtin();

    let mut g = c.benchmark_group("route");
    g.sample_size(10);
    g.throughput(Throughput::Elements(n as u64));
    g.bench_with_input(BenchmarkId::new("batch_parallel", n), &tickets, |b, t| {
        b.iter(|| router.route_batch(black_box(t)).map(|v| v.len()))
    });
    g.bench_with_input(BenchmarkId::new("sequential", n), &tickets, |b, t| {
        b.iter(|| {
            t.iter()
                .filter_map(|x| router.route_ticket(black_box(x)).ok())
                .count()
        })
    });
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_with_input(BenchmarkId::new("sequential_bytes", n), &tickets, |b, t| {
        b.iter(|| {
            t.iter()
                .filter_map(|x| router.route_ticket(black_box(x)).ok())
                .count()
        })
    });
    g.finish();
}

fn tables(c: &mut Criterion) {
    let table = ClassificationTable::builtin();
    let types: Vec<&str> = table
        .iter()
        .map(|(t, _)| t)
        .chain(["unknown_type"])
        .collect();
    let mut g = c.benchmark_group("table");
    g.throughput(Throughput::Elements(types.len() as u64));
    g.bench_function("classify_16_types", |b| {
        b.iter(|| {
            types
                .iter()
                .map(|t| table.classify(black_box(t)).tier.get() as u32)
                .sum::<u32>()
        })
    });
    g.finish();
    c.bench_function("rules/compile_builtin", |b| b.iter(RuleSet::builtin));
}

criterion_group!(benches, routing, tables);
criterion_main!(benches);
