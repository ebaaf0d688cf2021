//! Isolation Forest fit and scoring, 1 and 2 threads, on an http-like shape
//! (3 columns; 200k rows in a full run, 2k in smoke mode); the streaming
//! detector's update (one metric, 5-minute points with a daily pattern;
//! 100k points in a full run, 2k in smoke mode), with each seasonality.
//! `benches/python/compare_anomaly.py` compares with scikit-learn and
//! isotree on the real ODDS sets.

mod common;

use chrono::{TimeDelta, TimeZone, Utc};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use opsbrain::anomaly::IsolationForestParams;
use opsbrain::anomaly::stream::{Seasonality, StreamConfig, StreamDetector};
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

fn stream(c: &mut Criterion) {
    let n = if common::full_run() { 100_000 } else { 2_000 };
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let t0 = Utc
        .with_ymd_and_hms(2026, 1, 5, 0, 0, 0)
        .single()
        .expect("instant");
    let at: Vec<_> = (0..n as i64)
        .map(|i| t0 + TimeDelta::minutes(5 * i))
        .collect();
    let values: Vec<f64> = (0..n)
        .map(|i| {
            let day = (i as f64 * std::f64::consts::TAU / 288.0).sin() * 10.0;
            let spike = if i % 5000 == 4999 { 80.0 } else { 0.0 };
            50.0 + day + rng.r#gen::<f64>() * 4.0 + spike
        })
        .collect();
    let mut g = c.benchmark_group("stream_detector");
    g.throughput(Throughput::Elements(n as u64));
    for (name, seasonality) in [
        ("none", Seasonality::None),
        ("hour_of_day", Seasonality::HourOfDay),
        ("hour_of_week", Seasonality::HourOfWeek),
    ] {
        let mut config = StreamConfig::default();
        config.seasonality = seasonality;
        g.bench_with_input(BenchmarkId::new("update", name), &config, |b, config| {
            b.iter(|| {
                let mut d = StreamDetector::new(config.clone()).expect("config");
                let mut sum = 0.0;
                for (t, v) in at.iter().zip(&values) {
                    sum += d.update(*t, *v).expect("point").score;
                }
                sum
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench, stream);
criterion_main!(benches);
