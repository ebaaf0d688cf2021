//! Capacity forecasts and maintenance windows on seeded synthetic usage
//! (daily and weekly cycles, a slow trend, noise): each method's fit plus a
//! 7-day forecast at hourly and 5-minute steps, and the window search.
//!
//! `cargo bench -p opsbrain-benches --bench capacity_forecast`.

mod common;

use chrono::{TimeDelta, TimeZone, Utc};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use opsbrain::capacity::{
    ForecastParams, Method, Series, WindowParams, forecast, maintenance_windows,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::hint::black_box;

/// `weeks` of usage at `per_day` points a day.
fn usage(weeks: usize, per_day: usize, seed: u64) -> Vec<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let tau = std::f64::consts::TAU;
    (0..weeks * 7 * per_day)
        .map(|t| {
            let day = (t / per_day) % 7;
            let phase = (t % per_day) as f64 / per_day as f64;
            let weekday = if day < 5 { 1.0 } else { 0.6 };
            (100.0
                + 0.001 * t as f64
                + weekday * 40.0 * (tau * phase).sin()
                + rng.gen_range(-5.0..5.0))
            .max(0.0)
        })
        .collect()
}

fn forecasts(c: &mut Criterion) {
    let weeks = if common::full_run() { 12 } else { 3 };
    let start = Utc
        .with_ymd_and_hms(2026, 1, 5, 0, 0, 0)
        .single()
        .expect("valid");
    for (label, per_day) in [("hourly", 24), ("5min", 288)] {
        let y = usage(weeks, per_day, 7);
        let step = TimeDelta::seconds(86_400 / per_day as i64);
        let series = Series::new(&y, start, step);
        let mut g = c.benchmark_group(format!("forecast_{label}_{weeks}w"));
        g.throughput(Throughput::Elements(y.len() as u64));
        g.sample_size(10);
        for m in Method::CANDIDATES.into_iter().chain([Method::Auto]) {
            let p = ForecastParams {
                method: m,
                ..Default::default()
            };
            g.bench_with_input(BenchmarkId::from_parameter(m.name()), &p, |b, p| {
                b.iter(|| forecast(black_box(&series), p).expect("forecast"))
            });
        }
        g.finish();
        let mut g = c.benchmark_group(format!("maintenance_windows_{label}_{weeks}w"));
        g.throughput(Throughput::Elements(y.len() as u64));
        g.sample_size(10);
        g.bench_function("kmeans_regimes", |b| {
            b.iter(|| {
                maintenance_windows(black_box(&series), &WindowParams::default()).expect("windows")
            })
        });
        g.finish();
    }
}

criterion_group!(benches, forecasts);
criterion_main!(benches);
