//! Scaling decisions: one HPA reconciliation (pods per second) and threshold
//! recommendations over a day of samples.
//!
//! `cargo bench -p opsbrain-benches --bench capacity_scaling` uses 1,000 and
//! 10,000 pods (5 % pending, 5 % without metrics, 10 % recently started)
//! with CPU and memory metrics and 1,000 past recommendations, with and
//! without `behavior`; `cargo test --benches` runs each once on 100 pods.

mod common;

use std::collections::BTreeMap;
use std::hint::black_box;

use chrono::{DateTime, TimeDelta, Utc};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use opsbrain::capacity::hpa::{
    Behavior, MetricSpec, MetricTarget, Pod, PodPhase, TimedRecommendation,
};
use opsbrain::capacity::{
    HpaRequest, ReplicaRequest, ThresholdPolicy, hpa_desired_replicas, replica_recommendation,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_767_225_600, 0).expect("valid instant")
}

fn request(pods: usize, behavior: bool) -> HpaRequest {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let now = now();
    let pods = (0..pods)
        .map(|i| {
            let roll: f64 = rng.r#gen();
            let mut usage = BTreeMap::new();
            if roll >= 0.05 {
                usage.insert("cpu".to_owned(), rng.gen_range(100.0..900.0));
                usage.insert("memory".to_owned(), rng.gen_range(2e8..9e8));
            }
            Pod {
                name: format!("pod-{i}"),
                phase: if roll > 0.95 {
                    PodPhase::Pending
                } else {
                    PodPhase::Running
                },
                ready: Some(roll > 0.02),
                deleting: false,
                recently_started: None,
                start_time: Some(now - TimeDelta::seconds(if roll < 0.15 { 60 } else { 3600 })),
                ready_transition_time: Some(now - TimeDelta::seconds(30)),
                requests: BTreeMap::from([("cpu".to_owned(), 1000.0), ("memory".to_owned(), 1e9)]),
                usage,
            }
        })
        .collect::<Vec<_>>();
    let target = |u| MetricTarget {
        average_utilization: Some(u),
        ..MetricTarget::default()
    };
    HpaRequest {
        current_replicas: pods.len() as i32,
        status_replicas: None,
        min_replicas: Some(1),
        max_replicas: 100_000,
        metrics: vec![
            MetricSpec::Resource {
                name: "cpu".into(),
                target: target(60),
                timestamp: None,
                window_secs: None,
            },
            MetricSpec::Resource {
                name: "memory".into(),
                target: target(70),
                timestamp: None,
                window_secs: None,
            },
        ],
        pods,
        behavior: behavior.then(Behavior::default),
        now,
        recommendations: (0..1000)
            .map(|i| TimedRecommendation {
                at: now - TimeDelta::seconds(i),
                replicas: 50 + (i % 7) as i32,
            })
            .collect(),
        scale_up_events: Vec::new(),
        scale_down_events: Vec::new(),
        tolerance: None,
        cpu_initialization_period_secs: None,
        delay_of_initial_readiness_status_secs: None,
        downscale_stabilization_secs: None,
    }
}

fn hpa(c: &mut Criterion) {
    let sizes: &[usize] = if common::full_run() {
        &[1_000, 10_000]
    } else {
        &[100]
    };
    let mut g = c.benchmark_group("hpa_desired_replicas");
    for &n in sizes {
        g.throughput(Throughput::Elements(n as u64));
        for behavior in [false, true] {
            let req = request(n, behavior);
            let id = if behavior { "with_behavior" } else { "legacy" };
            g.bench_function(BenchmarkId::new(id, n), |b| {
                b.iter(|| hpa_desired_replicas(black_box(&req)).map(|d| d.desired_replicas))
            });
        }
    }
    g.finish();
}

fn thresholds(c: &mut Criterion) {
    let n = if common::full_run() { 1440 } else { 60 };
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let mut series = |lo: f64, hi: f64| (0..n).map(|_| rng.gen_range(lo..hi)).collect::<Vec<f64>>();
    let req = ReplicaRequest {
        current_replicas: 12,
        min_replicas: 2,
        max_replicas: 200,
        metrics: BTreeMap::from([
            ("cpu".to_owned(), series(0.2, 0.9)),
            ("memory".to_owned(), series(0.3, 0.85)),
            ("requests".to_owned(), series(100.0, 1200.0)),
        ]),
    };
    let policy = ThresholdPolicy::builtin();
    let mut g = c.benchmark_group("replica_recommendation");
    g.throughput(Throughput::Elements(3 * n as u64));
    g.bench_function(BenchmarkId::new("three_resources", n), |b| {
        b.iter(|| replica_recommendation(black_box(&req), &policy).map(|r| r.desired_replicas))
    });
    g.finish();
}

criterion_group!(benches, hpa, thresholds);
criterion_main!(benches);
