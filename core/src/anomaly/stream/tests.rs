use chrono::{DateTime, TimeDelta, TimeZone, Utc};

use super::*;

fn t(i: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 5, 0, 0, 0).unwrap() + TimeDelta::minutes(5 * i)
}

/// A noisy daily pattern with a spike and a level shift.
fn series(n: usize) -> Vec<f64> {
    let mut x = 12345u64;
    (0..n)
        .map(|i| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let noise = (x >> 11) as f64 / (1u64 << 53) as f64 - 0.5;
            let day = (i as f64 * std::f64::consts::TAU / 288.0).sin() * 10.0;
            let shift = if i > 2500 { 30.0 } else { 0.0 };
            let spike = if i == 1800 { 60.0 } else { 0.0 };
            50.0 + day + 3.0 * noise + shift + spike
        })
        .collect()
}

fn configs() -> Vec<StreamConfig> {
    let mut out = vec![StreamConfig::default()];
    for seasonality in [Seasonality::HourOfDay, Seasonality::HourOfWeek] {
        out.push(StreamConfig {
            seasonality,
            slow_half_life: Some(300.0),
            ..StreamConfig::default()
        });
    }
    out.push(StreamConfig {
        likelihood: false,
        range_tolerance: None,
        ..StreamConfig::default()
    });
    out
}

fn run(c: &StreamConfig, values: &[f64]) -> Vec<StreamPoint> {
    let mut d = StreamDetector::new(c.clone()).unwrap();
    let at: Vec<_> = (0..values.len() as i64).map(t).collect();
    d.update_many(&at, values).unwrap()
}

#[test]
fn deterministic() {
    let v = series(3000);
    for c in configs() {
        assert_eq!(run(&c, &v), run(&c, &v));
    }
}

#[test]
fn causal_future_points_never_change_past_scores() {
    let v = series(3000);
    for c in configs() {
        let full = run(&c, &v);
        for cut in [1, 200, 1799, 1801, 2600] {
            let mut w = v[..cut].to_vec();
            // Different futures.
            w.extend(v[cut..].iter().map(|x| x * 3.0 + 7.0));
            let other = run(&c, &w);
            assert_eq!(&full[..cut], &other[..cut]);
        }
    }
}

#[test]
fn scores_in_range_and_spike_found() {
    let v = series(3000);
    for c in configs() {
        let p = run(&c, &v);
        assert!(p.iter().all(|p| (0.0..=1.0).contains(&p.score)
            && (0.0..=1.0).contains(&p.anomaly)
            && (0.0..=1.0).contains(&p.raw)));
        assert!(p.iter().take(c.warmup).all(|p| p.score == 0.0));
        let top = (c.warmup..p.len())
            .max_by(|&a, &b| p[a].anomaly.total_cmp(&p[b].anomaly))
            .unwrap();
        assert!(top == 1800 || (2501..2520).contains(&top), "{c:?}: {top}");
    }
}

#[test]
fn json_round_trip_equal_at_every_stage() {
    let v = series(1000);
    for c in configs() {
        let mut d = StreamDetector::new(c.clone()).unwrap();
        let back = StreamDetector::from_json(&d.to_json()).unwrap();
        assert_eq!(back, d);
        for (i, x) in v.iter().enumerate() {
            d.update(t(i as i64), *x).unwrap();
            if i % 97 == 0 {
                let mut back = StreamDetector::from_json(&d.to_json()).unwrap();
                assert_eq!(back, d);
                // And the restored detector continues identically.
                let mut a = d.clone();
                let next = t(i as i64 + 1);
                assert_eq!(
                    a.update(next, 3.0).unwrap(),
                    back.update(next, 3.0).unwrap()
                );
            }
        }
        assert!(d.state_bytes() < 64 * 1024, "{}", d.state_bytes());
    }
}

#[test]
fn strict_json() {
    let d = StreamDetector::new(StreamConfig::default()).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&d.to_json()).unwrap();
    v["state"]["extra"] = serde_json::json!(1);
    assert_eq!(
        StreamDetector::from_json(&v.to_string())
            .unwrap_err()
            .code(),
        "parse_error"
    );
    let mut v: serde_json::Value = serde_json::from_str(&d.to_json()).unwrap();
    v["format_version"] = serde_json::json!(2);
    assert_eq!(
        StreamDetector::from_json(&v.to_string())
            .unwrap_err()
            .code(),
        "unsupported_version"
    );
    let mut v: serde_json::Value = serde_json::from_str(&d.to_json()).unwrap();
    v["config"]["short_window"] = serde_json::json!(0);
    let e = StreamDetector::from_json(&v.to_string()).unwrap_err();
    assert_eq!(e.code(), "invalid_config");
    assert!(
        e.message.starts_with("config: short_window:"),
        "{}",
        e.message
    );
    let mut v: serde_json::Value = serde_json::from_str(&d.to_json()).unwrap();
    v["state"]["offsets"] = serde_json::json!([0.0, 1.0]);
    assert_eq!(
        StreamDetector::from_json(&v.to_string())
            .unwrap_err()
            .code(),
        "invalid_input"
    );
    assert_eq!(
        StreamConfig::from_json("{\"x\": 1}").unwrap_err().code(),
        "parse_error"
    );
}

#[test]
fn config_validation_names_the_field() {
    type Edit = fn(&mut StreamConfig);
    let cases: Vec<(&str, Edit)> = vec![
        ("level_half_life", |c| c.level_half_life = 0.5),
        ("seasonal_half_life", |c| {
            c.seasonal_half_life = f64::INFINITY
        }),
        ("deviation_half_life", |c| c.deviation_half_life = -1.0),
        ("long_half_life", |c| c.long_half_life = f64::NAN),
        ("short_window", |c| c.short_window = MAX_SHORT_WINDOW + 1),
        ("slow_half_life", |c| c.slow_half_life = Some(0.0)),
        ("z_floor", |c| c.z_floor = -1.0),
        ("range_tolerance", |c| c.range_tolerance = Some(-0.1)),
        ("detect_level", |c| c.detect_level = 0.0),
    ];
    for (field, edit) in cases {
        let mut c = StreamConfig::default();
        edit(&mut c);
        let e = c.validate().unwrap_err();
        assert_eq!(e.code(), "invalid_config");
        assert!(e.message.starts_with(&format!("{field}:")), "{}", e.message);
        assert_eq!(StreamDetector::new(c).unwrap_err().code(), "invalid_config");
    }
}

#[test]
fn bad_points_are_errors_and_leave_the_state_unchanged() {
    let mut d = StreamDetector::new(StreamConfig::default()).unwrap();
    d.update(t(10), 1.0).unwrap();
    let before = d.clone();
    assert_eq!(d.update(t(9), 1.0).unwrap_err().code(), "invalid_input");
    assert_eq!(
        d.update(t(11), f64::NAN).unwrap_err().code(),
        "invalid_input"
    );
    assert_eq!(d, before);
}

#[test]
fn seasonal_slots() {
    // 2026-01-05 is a Monday.
    let monday = Utc
        .with_ymd_and_hms(2026, 1, 5, 0, 30, 0)
        .unwrap()
        .timestamp();
    assert_eq!(Seasonality::HourOfWeek.slot(monday), 0);
    assert_eq!(Seasonality::HourOfWeek.slot(monday - 3600), 167);
    assert_eq!(Seasonality::HourOfDay.slot(monday + 5 * 3600), 5);
    assert_eq!(Seasonality::None.slot(monday), 0);
}

#[test]
fn episodes_merge_dedupe_and_rate() {
    let c = EpisodeConfig {
        open_level: 0.5,
        merge_gap: TimeDelta::minutes(10),
        cooldown: TimeDelta::minutes(30),
        severity: [0.6, 0.8, 0.95],
    };
    let mut e = Episodes::new("m", c).unwrap();
    let point = |i: i64, a: f64| StreamPoint {
        at: t(i),
        score: a,
        anomaly: a,
        raw: a,
        expected: 0.0,
    };
    let mut out = Vec::new();
    for (i, a) in [
        (0, 0.1),
        (1, 0.7),
        (2, 0.9),
        (4, 0.6),
        (8, 0.1),
        (9, 0.99),
        (20, 0.97),
        (21, 0.1),
    ] {
        out.extend(e.push(&point(i, a)));
    }
    out.extend(e.finish());
    // 1..=4 is one episode (gaps of 5 and 10 minutes); 9 falls in its
    // cooldown (25 minutes after its end); 20 opens a second one.
    assert_eq!(out.len(), 2);
    assert_eq!(
        (out[0].start, out[0].end, out[0].peak_at, out[0].points),
        (t(1), t(4), t(2), 3)
    );
    assert_eq!(out[0].severity, crate::Priority::High);
    assert_eq!(
        (out[1].start, out[1].severity),
        (t(20), crate::Priority::Critical)
    );
    assert_eq!(e.deduplicated(), 1);
    assert_eq!(Episodes::from_json(&e.to_json()).unwrap(), e);
    let bad = EpisodeConfig {
        merge_gap: TimeDelta::minutes(-1),
        ..EpisodeConfig::default()
    };
    assert!(
        Episodes::new("m", bad)
            .unwrap_err()
            .message
            .starts_with("merge_gap_secs:")
    );
}
