use chrono::{DateTime, TimeDelta, TimeZone, Utc};

use super::*;
use crate::sla::{SlaEvent, SlaPolicy};
use crate::{Channel, Priority, Tier};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap()
}

fn mins(m: i64) -> DateTime<Utc> {
    t0() + TimeDelta::minutes(m)
}

fn ticket(
    tier: u8,
    priority: Priority,
    channel: Channel,
    fr: Option<i64>,
    res: Option<i64>,
) -> TicketRecord {
    let mut events = vec![SlaEvent::Created {
        at: t0(),
        tier: Tier::new(i64::from(tier)).unwrap(),
        priority,
        channel,
    }];
    if let Some(m) = fr {
        events.push(SlaEvent::FirstResponse { at: mins(m) });
    }
    if let Some(m) = res {
        events.push(SlaEvent::Resolved { at: mins(m) });
    }
    TicketRecord {
        events,
        department: None,
        agent: None,
        first_contact_resolution: None,
        csat: None,
        automated: false,
        self_service: None,
    }
}

fn kpi(g: &GroupKpis, k: Kpi) -> KpiResult {
    *g.kpis.iter().find(|r| r.kpi == k).unwrap()
}

#[test]
fn support_percentiles_and_statuses() {
    let mut tickets: Vec<TicketRecord> = (1..=10)
        .map(|m| ticket(1, Priority::Medium, Channel::Chat, Some(m), Some(60 + m)))
        .collect();
    tickets[0].events.insert(
        1,
        SlaEvent::Escalated {
            at: mins(0),
            tier: Tier::new(2).unwrap(),
        },
    );
    tickets[1].csat = Some(3);
    tickets[2].csat = Some(5);
    tickets[3].automated = true;
    tickets[4].self_service = Some(true);
    tickets[5].self_service = Some(false);
    let r = support_kpis(
        &SlaPolicy::builtin(),
        &tickets,
        mins(600),
        &SupportKpiOptions::default(),
    )
    .unwrap();
    let g = &r.overall;
    assert_eq!(g.tickets, 10);
    // 60..600 s in steps of 60: numpy linear percentiles.
    assert_eq!(g.first_response.p50, Some(330.0));
    assert!((g.first_response.p90.unwrap() - 546.0).abs() < 1e-9);
    assert_eq!(g.escalation_rate, Some(0.1));
    assert_eq!(g.csat.distribution, [0, 0, 1, 0, 1]);
    assert_eq!(g.csat.mean, Some(4.0));
    assert_eq!(g.self_service_success, Some(0.5));
    assert_eq!(g.automation_rate, Some(0.1));
    assert_eq!(
        kpi(g, Kpi::FirstResponseTime).status,
        KpiStatus::MeetsTarget
    );
    assert_eq!(
        kpi(g, Kpi::EscalationRate).status,
        KpiStatus::MeetsTarget.min_by_rate(0.1)
    );
    assert_eq!(kpi(g, Kpi::Csat).status, KpiStatus::Misses);
    assert_eq!(
        kpi(g, Kpi::FirstContactResolution).status,
        KpiStatus::NoData
    );
    assert_eq!(g.sla.first_response_met, 10);
}

impl KpiStatus {
    /// 0.1 is not strictly below the 0.10 target, but below the 0.15 threshold.
    fn min_by_rate(self, rate: f64) -> KpiStatus {
        if rate < 0.10 {
            self
        } else {
            KpiStatus::MeetsThreshold
        }
    }
}

#[test]
fn business_time_excludes_pauses_and_groups_sort_numerically() {
    let mut a = ticket(1, Priority::High, Channel::Chat, Some(30), None);
    a.events.insert(1, SlaEvent::Paused { at: mins(5) });
    a.events.insert(2, SlaEvent::Resumed { at: mins(25) });
    let b = ticket(2, Priority::High, Channel::Email, Some(10), None);
    let opts = SupportKpiOptions {
        time_basis: TimeBasis::Business,
        group_by: Some(GroupBy::Tier),
        ..Default::default()
    };
    let now = mins(60);
    let r = support_kpis(&SlaPolicy::builtin(), &[b.clone(), a.clone()], now, &opts).unwrap();
    let keys: Vec<&str> = r.groups.iter().map(|g| g.key.as_str()).collect();
    assert_eq!(keys, ["1", "2"]);
    assert_eq!(r.groups[0].first_response.p50, Some(600.0)); // 30 min minus a 20 min pause
    let cal = support_kpis(
        &SlaPolicy::builtin(),
        &[a],
        now,
        &SupportKpiOptions::default(),
    )
    .unwrap();
    assert_eq!(cal.overall.first_response.p50, Some(1800.0));
}

#[test]
fn support_groups_are_bounded() {
    // Issue 22: one group per distinct agent cost about 29 KB in Python;
    // 200,000 agents passed 4 GB. The bound is checked while grouping.
    let p = SlaPolicy::builtin();
    let agents = |n: usize| -> Vec<TicketRecord> {
        (0..n)
            .map(|i| TicketRecord {
                agent: Some(format!("a{i}")),
                ..ticket(1, Priority::Low, Channel::Chat, Some(5), None)
            })
            .collect()
    };
    let by_agent = SupportKpiOptions {
        group_by: Some(GroupBy::Agent),
        ..Default::default()
    };
    let ok = support_kpis(&p, &agents(MAX_KPI_GROUPS), mins(60), &by_agent).unwrap();
    assert_eq!(ok.groups.len(), MAX_KPI_GROUPS);
    let mut many = agents(MAX_KPI_GROUPS + 1);
    let e = support_kpis(&p, &many, mins(60), &by_agent).unwrap_err();
    assert_eq!(e.code(), "limit_exceeded", "{e}");
    assert!(e.message.contains("agent"), "{e}");
    // A repeated agent is not a new group.
    many.last_mut().unwrap().agent = Some("a0".into());
    assert!(support_kpis(&p, &many, mins(60), &by_agent).is_ok());
}

#[test]
fn support_bad_input() {
    let p = SlaPolicy::builtin();
    let t = ticket(1, Priority::Low, Channel::Chat, Some(5), None);
    let empty = SupportKpiOptions {
        since: Some(mins(0)),
        until: Some(mins(0)),
        ..Default::default()
    };
    assert_eq!(
        support_kpis(&p, std::slice::from_ref(&t), mins(60), &empty)
            .unwrap_err()
            .code(),
        "invalid_input"
    );
    let later = SupportKpiOptions {
        since: Some(mins(10)),
        ..Default::default()
    };
    assert_eq!(
        support_kpis(&p, std::slice::from_ref(&t), mins(60), &later)
            .unwrap_err()
            .code(),
        "invalid_input"
    );
    let mut swapped = t.clone();
    swapped.events.swap(0, 1);
    let e = support_kpis(&p, &[swapped], mins(60), &SupportKpiOptions::default()).unwrap_err();
    assert!(e.message.starts_with("tickets[0]"), "{}", e.message);
    let mut bad_csat = t;
    bad_csat.csat = Some(6);
    assert_eq!(
        support_kpis(&p, &[bad_csat], mins(60), &SupportKpiOptions::default())
            .unwrap_err()
            .code(),
        "invalid_input"
    );
}

#[test]
fn volume_trend_fills_gaps() {
    let at = |m: u32| {
        let mut t = ticket(1, Priority::Low, Channel::Chat, None, None);
        t.events[0] = SlaEvent::Created {
            at: Utc.with_ymd_and_hms(2026, m, 5, 0, 0, 0).unwrap(),
            tier: Tier::new(1).unwrap(),
            priority: Priority::Low,
            channel: Channel::Chat,
        };
        t
    };
    let tr = volume_trend(&[at(1), at(1), at(3)]).unwrap();
    let counts: Vec<usize> = tr.months.iter().map(|m| m.tickets).collect();
    assert_eq!(counts, [2, 0, 1]);
    assert_eq!(tr.months[1].change, Some(-1.0));
    assert_eq!(tr.months[2].change, None);
    assert!(!tr.decreasing_monthly);
    assert!(volume_trend(&[]).is_err());
}

fn series<'a>(good: &'a [f64], total: &'a [f64]) -> CountSeries<'a> {
    CountSeries::new(
        Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap(),
        60,
        good,
        total,
    )
    .unwrap()
}

#[test]
fn budget_of_thirty_days() {
    let n = 30 * 1440;
    let total = vec![100.0; n + 100];
    let mut good = total.clone();
    good[..100].fill(0.0); // before the window: not counted
    good[200] = 50.0; // half a minute of bad
    let b = error_budget(
        &series(&good, &total),
        0.999,
        30 * 86_400,
        &KpiTargets::default(),
    )
    .unwrap();
    assert_eq!(b.intervals, n);
    assert!((b.budget_secs - 2592.0).abs() < 1e-6);
    assert!((b.bad_secs - 30.0).abs() < 1e-9);
    assert!((b.allowed_bad - 0.001 * 100.0 * n as f64).abs() < 1e-6);
    assert_eq!(b.uptime.status, KpiStatus::MeetsTarget);
    for obj in [1.0, 1.5, 0.0, f64::NAN] {
        let e =
            error_budget(&series(&good, &total), obj, 3600, &KpiTargets::default()).unwrap_err();
        assert_eq!(e.code(), "invalid_input");
    }
    let e = error_budget(&series(&good, &total), 0.999, 30, &KpiTargets::default()).unwrap_err();
    assert!(
        e.message.contains("shorter than the series step"),
        "{}",
        e.message
    );
}

/// Reference evaluation without prefix sums: each window summed directly.
fn naive_firing(
    good: &[f64],
    total: &[f64],
    long: usize,
    short: usize,
    rate: f64,
    obj: f64,
) -> Vec<bool> {
    let burn = |i: usize, w: usize| {
        let from = (i + 1).saturating_sub(w);
        let b: f64 = (from..=i).map(|k| total[k] - good[k]).sum();
        let t: f64 = (from..=i).map(|k| total[k]).sum();
        if t > 0.0 { b / t / (1.0 - obj) } else { 0.0 }
    };
    (0..good.len())
        .map(|i| burn(i, long) >= rate * (1.0 - 1e-9) && burn(i, short) >= rate * (1.0 - 1e-9))
        .collect()
}

#[test]
fn burn_rate_matches_naive_windows() {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let n = 2000;
    let total: Vec<f64> = (0..n)
        .map(|_| f64::from(rng.gen_range(0..200u32)))
        .collect();
    let good: Vec<f64> = total
        .iter()
        .enumerate()
        .map(|(i, &t)| {
            if (500..560).contains(&i) || (1500..1530).contains(&i) {
                (t * 0.9).floor()
            } else {
                t - f64::from(u8::from(rng.gen_bool(0.01))).min(t)
            }
        })
        .collect();
    let rules = BurnRateRule::workbook();
    let r = burn_rate_alerts(&series(&good, &total), 0.999, &rules[..2]).unwrap();
    for (rule, (long, short)) in rules[..2].iter().zip([(60, 5), (360, 30)]) {
        let firing = naive_firing(&good, &total, long, short, rule.burn_rate, 0.999);
        let episodes: Vec<(usize, Option<usize>)> = {
            let mut out = Vec::new();
            let mut open = None;
            for (i, &f) in firing.iter().enumerate() {
                match (open, f) {
                    (None, true) => open = Some(i),
                    (Some(s), false) => {
                        out.push((s, Some(i)));
                        open = None;
                    }
                    _ => {}
                }
            }
            if let Some(s) = open {
                out.push((s, None));
            }
            out
        };
        let got: Vec<&BurnRateAlert> = r.alerts.iter().filter(|a| a.rule == rule.name).collect();
        assert_eq!(got.len(), episodes.len(), "{}", rule.name);
        assert!(!episodes.is_empty());
        let start = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
        for (a, (s, e)) in got.iter().zip(episodes) {
            assert_eq!(a.fired_at, start + TimeDelta::minutes(s as i64 + 1));
            if let Some(e) = e {
                assert_eq!(a.clears_at, start + TimeDelta::minutes(e as i64 + 1));
            }
        }
    }
}

#[test]
fn burn_rate_projects_clearing_and_validates() {
    let total = vec![1000.0; 120];
    let mut good = total.clone();
    good[110..].fill(900.0); // 100x for the last 10 minutes: still firing
    let r = burn_rate_alerts(
        &series(&good, &total),
        0.999,
        &BurnRateRule::workbook()[..1],
    )
    .unwrap();
    let a = &r.alerts[0];
    assert!(a.firing && r.current[0].firing);
    // No more errors: the 5-minute window is clean 5 minutes after the end.
    assert_eq!(
        a.clears_at,
        Utc.with_ymd_and_hms(2026, 11, 1, 2, 5, 0).unwrap()
    );
    let mut bad = BurnRateRule::workbook();
    bad[0].short_window_secs = 7200;
    assert_eq!(
        burn_rate_alerts(&series(&good, &total), 0.999, &bad)
            .unwrap_err()
            .code(),
        "invalid_config"
    );
    let mut odd = BurnRateRule::workbook();
    odd[0].short_window_secs = 30;
    assert_eq!(
        burn_rate_alerts(&series(&good, &total), 0.999, &odd)
            .unwrap_err()
            .code(),
        "invalid_input"
    );
    assert_eq!(
        burn_rate_alerts(&series(&good, &total), 0.9, &BurnRateRule::workbook())
            .unwrap_err()
            .code(),
        "invalid_config"
    );
    // A window of ~1.5e17 one-minute steps would make projection loop for ever.
    let mut huge = BurnRateRule::workbook();
    huge[0].long_window_secs = i64::MAX / 60 * 60;
    huge[0].short_window_secs = i64::MAX / 120 * 60;
    let e = burn_rate_alerts(&series(&good, &total), 0.999, &huge[..1]).unwrap_err();
    assert_eq!(e.code(), "limit_exceeded");
}

#[test]
fn latency_histogram_interpolates() {
    let h = Latencies::Histogram {
        upper_bounds: &[100.0, 500.0, 1000.0, f64::INFINITY],
        counts: &[50.0, 30.0, 15.0, 5.0],
    };
    let s = latency_slo(h, 300.0, 0.9).unwrap();
    assert!((s.good - 65.0).abs() < 1e-12); // 50 + 30 * (200 / 400)
    assert_eq!(s.p50, 100.0);
    assert!((s.p90 - 833.333_333_333_333_4).abs() < 1e-9); // 500 + 500 * 10/15
    assert_eq!(s.p99, 1000.0); // in the unbounded bucket: its lower bound
    let a = apdex(h, 250.0).unwrap();
    assert!((a.satisfied - 61.25).abs() < 1e-12);
    assert!((a.satisfied + a.tolerating - 95.0).abs() < 1e-12); // 4T = 1000
    let bad = Latencies::Histogram {
        upper_bounds: &[100.0, 50.0],
        counts: &[1.0, 1.0],
    };
    assert_eq!(
        latency_slo(bad, 300.0, 0.9).unwrap_err().code(),
        "invalid_input"
    );
    assert_eq!(
        latency_slo(Latencies::Samples(&[]), 300.0, 0.9)
            .unwrap_err()
            .code(),
        "invalid_input"
    );
    assert_eq!(
        latency_slo(Latencies::Samples(&[1.0]), 300.0, 1.0)
            .unwrap_err()
            .code(),
        "invalid_input"
    );
}

fn ev(user: &str, step: &str, m: i64, outcome: &str) -> JourneyEvent {
    JourneyEvent {
        user: user.into(),
        journey: "j".into(),
        step: step.into(),
        at: mins(m),
        outcome: outcome.into(),
    }
}

fn journey() -> JourneyDef {
    JourneyDef {
        name: "j".into(),
        steps: vec!["a".into(), "b".into(), "c".into()],
    }
}

#[test]
fn funnel_repeats_returns_and_windows() {
    let events = vec![
        // u1: repeats a, returns within the window, completes.
        ev("u1", "c", 50, "success"),
        ev("u1", "a", 0, "success"),
        ev("u1", "a", 5, "success"),
        ev("u1", "b", 10, "success"),
        // u2: fails b with an error, gives up.
        ev("u2", "a", 0, "success"),
        ev("u2", "b", 3, "timeout"),
        // u3: b comes after the one-hour window: a new attempt is needed.
        ev("u3", "a", 0, "success"),
        ev("u3", "b", 90, "success"),
        ev("other", "a", 0, "success"),
    ];
    let mut events = events;
    events.last_mut().unwrap().journey = "unknown".into();
    let opts = FunnelOptions {
        attribution_window_secs: 3600,
        ..Default::default()
    };
    let r = journey_funnels(&events, &[journey()], &opts).unwrap();
    let f = &r.journeys[0];
    assert_eq!(r.unmatched_events, 1);
    assert_eq!((f.started, f.completed), (3, 1));
    assert_eq!(f.steps[1].users, 1);
    assert_eq!(f.steps[1].users_lost, 2);
    assert_eq!(f.steps[1].median_secs_from_previous, Some(600.0));
    assert_eq!(f.steps[2].median_secs_from_previous, Some(2400.0));
    // u2 timed out, u3 left: tie broken alphabetically.
    assert_eq!(f.steps[1].top_issue.as_deref(), Some("drop_off"));
    assert_eq!(r.friction_points[0].step, "b");
    assert_eq!(r.friction_points[0].reason, FrictionReason::StepDropOff);
    assert!((r.friction_points[0].impact - 2.0 / 3.0).abs() < 1e-12);
}

#[test]
fn funnel_low_completion_flags_the_worst_step() {
    // 100 users; 3 lost at b and 3 at c: no step over 10 %, completion 0.94.
    let mut events = Vec::new();
    for u in 0..100 {
        let name = format!("u{u:03}");
        events.push(ev(&name, "a", 0, "success"));
        if u >= 3 {
            events.push(ev(&name, "b", 1, "success"));
        }
        if u >= 6 {
            events.push(ev(&name, "c", 2, "success"));
        } else if u >= 3 {
            events.push(ev(&name, "c", 2, "error"));
        }
    }
    let r = journey_funnels(&events, &[journey()], &FunnelOptions::default()).unwrap();
    assert_eq!(r.journeys[0].completion_rate, Some(0.94));
    assert_eq!(r.friction_points.len(), 1);
    let p = &r.friction_points[0];
    assert_eq!(
        (p.step.as_str(), p.reason, p.issue.as_str()),
        ("b", FrictionReason::LowCompletion, "drop_off")
    );
    let bad = JourneyDef {
        name: "j".into(),
        steps: vec![],
    };
    assert_eq!(
        journey_funnels(&events, &[bad], &FunnelOptions::default())
            .unwrap_err()
            .code(),
        "invalid_config"
    );
    let zero = FunnelOptions {
        attribution_window_secs: 0,
        ..Default::default()
    };
    assert_eq!(
        journey_funnels(&events, &[journey()], &zero)
            .unwrap_err()
            .code(),
        "invalid_config"
    );
}

/// Seeded random tickets over two months, every field exercised.
fn random_tickets(n: usize, seed: u64) -> Vec<TicketRecord> {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let priorities = [
        Priority::Low,
        Priority::Medium,
        Priority::High,
        Priority::Critical,
    ];
    let channels = [Channel::Email, Channel::Chat, Channel::Phone];
    (0..n)
        .map(|_| {
            let created = t0() + TimeDelta::seconds(rng.gen_range(0..60 * 86_400));
            let tier = rng.gen_range(1..=3u8);
            let mut events = vec![SlaEvent::Created {
                at: created,
                tier: Tier::new(i64::from(tier)).unwrap(),
                priority: priorities[rng.gen_range(0..4)],
                channel: channels[rng.gen_range(0..3)],
            }];
            let mut at = created;
            if rng.gen_bool(0.9) {
                at += TimeDelta::seconds(rng.gen_range(0..3600));
                events.push(SlaEvent::FirstResponse { at });
            }
            if rng.gen_bool(0.15) {
                at += TimeDelta::seconds(rng.gen_range(0..3600));
                events.push(SlaEvent::Escalated {
                    at,
                    tier: Tier::new(4).unwrap(),
                });
            }
            if rng.gen_bool(0.7) {
                at += TimeDelta::seconds(rng.gen_range(0..200_000));
                events.push(SlaEvent::Resolved { at });
            }
            TicketRecord {
                events,
                department: rng
                    .gen_bool(0.8)
                    .then(|| format!("d{}", rng.gen_range(0..3))),
                agent: rng
                    .gen_bool(0.8)
                    .then(|| format!("a{}", rng.gen_range(0..5))),
                first_contact_resolution: rng.gen_bool(0.7).then(|| rng.gen_bool(0.8)),
                csat: rng.gen_bool(0.5).then(|| rng.gen_range(1..=5)),
                automated: rng.gen_bool(0.3),
                self_service: rng.gen_bool(0.4).then(|| rng.gen_bool(0.6)),
            }
        })
        .collect()
}

/// The merged partials' report against the exact one: counts, rates and
/// means equal; each percentile within the sketch's relative accuracy.
fn assert_close(approx: &GroupKpis, exact: &GroupKpis) {
    let strip = |g: &GroupKpis| {
        let mut g = g.clone();
        for t in [
            &mut g.first_response,
            &mut g.resolution,
            &mut g.resolution_critical,
            &mut g.resolution_normal,
        ] {
            (t.p50, t.p90, t.p99) = (None, None, None);
        }
        for k in &mut g.kpis {
            if matches!(
                k.kpi,
                Kpi::FirstResponseTime | Kpi::ResolutionTimeCritical | Kpi::ResolutionTimeNormal
            ) {
                (k.value, k.status) = (None, KpiStatus::NoData);
            }
        }
        g
    };
    assert_eq!(strip(approx), strip(exact));
    let pairs = [
        (&approx.first_response, &exact.first_response),
        (&approx.resolution, &exact.resolution),
        (&approx.resolution_critical, &exact.resolution_critical),
        (&approx.resolution_normal, &exact.resolution_normal),
    ];
    for (a, e) in pairs {
        for (x, y) in [(a.p50, e.p50), (a.p90, e.p90), (a.p99, e.p99)] {
            match (x, y) {
                (Some(x), Some(y)) => {
                    assert!((x - y).abs() <= 0.01 * y * (1.0 + 1e-9), "{x} vs {y}")
                }
                (x, y) => assert_eq!(x, y),
            }
        }
    }
    for (a, e) in approx.kpis.iter().zip(&exact.kpis) {
        if let (Some(x), Some(y)) = (a.value, e.value) {
            assert!(
                (x - y).abs() <= 0.01 * y * (1.0 + 1e-9),
                "{:?}: {x} vs {y}",
                a.kpi
            );
        }
    }
}

#[test]
fn partials_merge_to_the_exact_counts_and_close_percentiles() {
    let tickets = random_tickets(3000, 11);
    let policy = SlaPolicy::builtin();
    let now = t0() + TimeDelta::days(70);
    for group_by in [
        None,
        Some(GroupBy::Tier),
        Some(GroupBy::Agent),
        Some(GroupBy::Month),
    ] {
        for time_basis in [TimeBasis::Calendar, TimeBasis::Business] {
            let o = SupportKpiOptions {
                group_by,
                time_basis,
                since: Some(t0() + TimeDelta::days(3)),
                ..Default::default()
            };
            let exact = support_kpis(&policy, &tickets, now, &o).unwrap();
            // Uneven parts, one empty, merged out of order and through JSON.
            let cuts = [0, 7, 7, 1200, 2999, 3000];
            let mut parts: Vec<SupportPartial> = cuts
                .windows(2)
                .map(|w| support_kpis_partial(&policy, &tickets[w[0]..w[1]], now, &o).unwrap())
                .map(|p| SupportPartial::from_json(&p.to_json()).unwrap())
                .collect();
            parts.reverse();
            let mut merged = parts[0].clone();
            for p in &parts[1..] {
                merged.merge(p).unwrap();
            }
            let one = support_kpis_partial(&policy, &tickets, now, &o).unwrap();
            assert_eq!(merged.finish().unwrap(), one.finish().unwrap());
            let approx = merged.finish().unwrap();
            assert_eq!(approx.groups.len(), exact.groups.len());
            assert_close(&approx.overall, &exact.overall);
            for (a, e) in approx.groups.iter().zip(&exact.groups) {
                assert_close(a, e);
            }
        }
    }
}

#[test]
fn partials_refuse_mismatched_options_and_corrupt_json() {
    let tickets = random_tickets(50, 3);
    let policy = SlaPolicy::builtin();
    let now = t0() + TimeDelta::days(70);
    let a = support_kpis_partial(&policy, &tickets, now, &SupportKpiOptions::default()).unwrap();
    let grouped = SupportKpiOptions {
        group_by: Some(GroupBy::Tier),
        ..Default::default()
    };
    let b = support_kpis_partial(&policy, &tickets, now, &grouped).unwrap();
    let mut m = a.clone();
    assert_eq!(m.merge(&b).unwrap_err().code(), "invalid_input");
    assert_eq!(m, a);
    let mut v: serde_json::Value = serde_json::from_str(&b.to_json()).unwrap();
    v["format_version"] = 2.into();
    assert_eq!(
        SupportPartial::from_json(&v.to_string())
            .unwrap_err()
            .code(),
        "unsupported_version"
    );
    let mut v: serde_json::Value = serde_json::from_str(&b.to_json()).unwrap();
    v["groups"].as_array_mut().unwrap().reverse();
    assert_eq!(
        SupportPartial::from_json(&v.to_string())
            .unwrap_err()
            .code(),
        "invalid_input"
    );
    let mut v: serde_json::Value = serde_json::from_str(&b.to_json()).unwrap();
    v["overall"]["first_response"]["count"] = 1.into();
    assert_eq!(
        SupportPartial::from_json(&v.to_string())
            .unwrap_err()
            .code(),
        "invalid_input"
    );
    let mut v: serde_json::Value = serde_json::from_str(&b.to_json()).unwrap();
    v["extra"] = 1.into();
    assert!(SupportPartial::from_json(&v.to_string()).is_err());
}
