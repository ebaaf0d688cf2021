//! KPI throughput: support KPIs over generated tickets (tickets per second)
//! and multi-window burn-rate evaluation over minute-level counts
//! (intervals per second), and a 30-day error budget (window intervals per
//! second).
//!
//! `cargo bench -p opsbrain-benches --bench kpi` uses 1M tickets and a year
//! of minutes (525,600 intervals, the workbook's three rules); `cargo test
//! --benches` runs each once on 10k.

mod common;

use chrono::{TimeDelta, TimeZone, Utc};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use opsbrain::kpi::{
    BurnRateRule, CountSeries, GroupBy, KpiTargets, SupportKpiOptions, TicketRecord, TimeBasis,
    burn_rate_alerts, error_budget, support_kpis,
};
use opsbrain::sla::{SlaEvent, SlaPolicy};
use opsbrain::{Channel, Priority, Tier};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::hint::black_box;

fn tickets(n: usize, seed: u64) -> Vec<TicketRecord> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let channels = [
        Channel::Chat,
        Channel::Email,
        Channel::Phone,
        Channel::Portal,
    ];
    let priorities = [
        Priority::Low,
        Priority::Medium,
        Priority::High,
        Priority::Critical,
    ];
    (0..n)
        .map(|i| {
            let created = t0 + TimeDelta::seconds(rng.gen_range(0..300 * 86_400));
            let tier = Tier::new(rng.gen_range(1..=3)).expect("tier");
            let mut events = vec![SlaEvent::Created {
                at: created,
                tier,
                priority: priorities[rng.gen_range(0..4)],
                channel: channels[rng.gen_range(0..4)],
            }];
            let fr = created + TimeDelta::seconds(rng.gen_range(30..3_600));
            if rng.gen_bool(0.1) {
                events.push(SlaEvent::Escalated {
                    at: created + TimeDelta::seconds(10),
                    tier: Tier::new(i64::from(tier.get()) + 1).expect("tier"),
                });
            }
            events.push(SlaEvent::FirstResponse { at: fr });
            if rng.gen_bool(0.9) {
                events.push(SlaEvent::Resolved {
                    at: fr + TimeDelta::seconds(rng.gen_range(60..172_800)),
                });
            }
            TicketRecord {
                events,
                department: Some(["billing", "technical", "security"][i % 3].to_owned()),
                agent: Some(format!("agent{}", rng.gen_range(0..200))),
                first_contact_resolution: Some(rng.gen_bool(0.85)),
                csat: rng.gen_bool(0.3).then(|| rng.gen_range(1..=5)),
                automated: rng.gen_bool(0.6),
                self_service: rng.gen_bool(0.2).then(|| rng.gen_bool(0.7)),
            }
        })
        .collect()
}

fn support(c: &mut Criterion) {
    let n = if common::full_run() {
        1_000_000
    } else {
        10_000
    };
    let tickets = tickets(n, 11);
    let policy = SlaPolicy::builtin();
    let now = Utc.with_ymd_and_hms(2026, 12, 31, 0, 0, 0).unwrap();
    let mut g = c.benchmark_group("support_kpis");
    g.sample_size(10);
    g.throughput(Throughput::Elements(n as u64));
    for (name, basis, group_by) in [
        (
            "calendar_by_channel",
            TimeBasis::Calendar,
            Some(GroupBy::Channel),
        ),
        (
            "business_by_month",
            TimeBasis::Business,
            Some(GroupBy::Month),
        ),
    ] {
        let opts = SupportKpiOptions {
            time_basis: basis,
            group_by,
            ..Default::default()
        };
        g.bench_function(BenchmarkId::new(name, n), |b| {
            b.iter(|| {
                support_kpis(&policy, black_box(&tickets), now, &opts).map(|r| r.groups.len())
            })
        });
    }
    g.finish();
}

fn burn(c: &mut Criterion) {
    let n = if common::full_run() { 525_600 } else { 10_000 };
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let total: Vec<f64> = (0..n)
        .map(|_| f64::from(rng.gen_range(500..1500u32)))
        .collect();
    let good: Vec<f64> = total
        .iter()
        .enumerate()
        .map(|(i, &t)| {
            let rate = if i % 50_000 < 90 { 0.02 } else { 0.0005 };
            t - (t * rate * rng.r#gen::<f64>() * 2.0).floor()
        })
        .collect();
    let start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let series = CountSeries::new(start, 60, &good, &total).expect("valid series");
    let rules = BurnRateRule::workbook();
    let mut g = c.benchmark_group("slo");
    g.sample_size(20);
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function(BenchmarkId::new("burn_rate_alerts_workbook", n), |b| {
        b.iter(|| burn_rate_alerts(black_box(&series), 0.999, &rules).map(|r| r.alerts.len()))
    });
    g.finish();

    // The budget reads only the window's intervals.
    let window = (30 * 1440).min(n);
    let mut g = c.benchmark_group("slo_window");
    g.throughput(Throughput::Elements(window as u64));
    g.bench_function(BenchmarkId::new("error_budget_30d", window), |b| {
        b.iter(|| {
            error_budget(
                black_box(&series),
                0.999,
                30 * 86_400,
                &KpiTargets::default(),
            )
            .map(|r| r.consumed)
        })
    });
    g.finish();
}

criterion_group!(benches, support, burn);
criterion_main!(benches);
