//! Isolation Forest fit and scoring, 1 and 2 threads, on an http-like shape
//! (3 columns; 200k rows in a full run, 2k in smoke mode).
//! `benches/python/compare_anomaly.py` compares with scikit-learn and
//! isotree on the real ODDS sets.

mod common;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use opsbrain::anomaly::IsolationForestParams;
use opsbrain::ndarray::Array2;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn data(rows: usize, cols: usize) -> Array2<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    Array2::from_shape_fn((rows, cols), |(i, _)| {
        let v: f64 = (0..3).map(|_| rng.r#gen::<f64>()).sum();
        if i % 250 == 0 { v * 10.0 } else { v }
    })
}

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("thread pool")
}

fn bench(c: &mut Criterion) {
    let rows = if common::full_run() { 200_000 } else { 2_000 };
    let x = data(rows, 3);
    let params = IsolationForestParams::new().seed(7);
    let model = params.fit(&x).expect("fit");
    let mut g = c.benchmark_group("isolation_forest");
    g.sample_size(10);
    for threads in [1, 2] {
        let p = pool(threads);
        g.throughput(Throughput::Elements(rows as u64));
        g.bench_with_input(
            BenchmarkId::new("score_samples", threads),
            &threads,
            |b, _| b.iter(|| p.install(|| model.score_samples(&x).expect("score"))),
        );
        g.bench_with_input(
            BenchmarkId::new("fit_100_trees", threads),
            &threads,
            |b, _| b.iter(|| p.install(|| params.fit(&x).expect("fit"))),
        );
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
