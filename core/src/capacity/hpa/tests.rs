//! Unit and property tests of the HPA calculator (Kubernetes' own cases are
//! fixtures in tests/fixtures/capacity/hpa*.json).

use proptest::prelude::*;
use serde_json::{Value, json};

use super::*;

fn request(v: Value) -> HpaRequest {
    serde_json::from_value(v).expect("valid request JSON")
}

fn cpu_request(current: i32, usages: &[f64], target: i32) -> HpaRequest {
    let pods: Vec<Value> = usages
        .iter()
        .enumerate()
        .map(|(i, u)| json!({"name": format!("p{i}"), "requests": {"cpu": 1000}, "usage": {"cpu": u}}))
        .collect();
    request(json!({
        "current_replicas": current, "max_replicas": 1000, "now": "2026-01-01T00:00:00Z",
        "metrics": [{"type": "resource", "name": "cpu", "target": {"average_utilization": target}}],
        "pods": pods,
    }))
}

#[test]
fn min_above_max_is_invalid_config() {
    let mut r = cpu_request(3, &[500.0, 500.0, 500.0], 50);
    r.min_replicas = Some(5);
    r.max_replicas = 4;
    assert_eq!(
        hpa_desired_replicas(&r).unwrap_err().code(),
        "invalid_config"
    );
}

#[test]
fn negative_usage_is_invalid_input() {
    let r = cpu_request(2, &[500.0, -1.0], 50);
    let e = hpa_desired_replicas(&r).unwrap_err();
    assert_eq!(e.code(), "invalid_input");
    assert!(e.message.contains("pods[1]"), "{e}");
}

#[test]
fn zero_replicas_disable_scaling() {
    let r = cpu_request(0, &[], 50);
    let d = hpa_desired_replicas(&r).expect("ok");
    assert_eq!(d.scaling_active, "ScalingDisabled");
    assert_eq!((d.desired_replicas, d.rescale), (0, false));
}

#[test]
fn history_feeds_the_next_call() {
    // Load drops: the 300 s window keeps the earlier, higher recommendation.
    let mut r = cpu_request(4, &[900.0, 900.0, 900.0, 900.0], 50);
    let first = hpa_desired_replicas(&r).expect("ok");
    assert_eq!(first.desired_replicas, 8);
    r.current_replicas = 8;
    r.pods = cpu_request(8, &[100.0; 8], 50).pods;
    r.now += TimeDelta::seconds(60);
    r.recommendations = first.recommendations.clone();
    let second = hpa_desired_replicas(&r).expect("ok");
    assert_eq!(second.metric_replicas, Some(2));
    assert_eq!(second.desired_replicas, 8);
    assert_eq!(second.able_to_scale.as_deref(), Some("ScaleDownStabilized"));
    assert_eq!(second.recommendations.len(), 2);
    // Six minutes later the window has passed.
    r.now += TimeDelta::seconds(360);
    r.recommendations = second.recommendations;
    let third = hpa_desired_replicas(&r).expect("ok");
    assert_eq!(third.desired_replicas, 2);
    // Both old entries were outside the window; the last one's slot is reused.
    assert_eq!(third.recommendations.len(), 2);
    assert_eq!(third.recommendations[1].at, r.now);
}

#[test]
fn behavior_rate_limit_counts_events_in_the_period() {
    let mut r = cpu_request(10, &[1000.0; 10], 20);
    r.behavior = Some(
        serde_json::from_value(json!({
            "scale_up": {"policies": [{"type": "pods", "value": 2, "period_secs": 60}]}
        }))
        .expect("behavior"),
    );
    // 1 replica was already added 30 s ago: the period started at 9.
    r.scale_up_events = vec![ScaleEvent {
        at: r.now - TimeDelta::seconds(30),
        change: 1,
        outdated: false,
    }];
    let d = hpa_desired_replicas(&r).expect("ok");
    assert_eq!(d.metric_replicas, Some(50));
    assert_eq!(d.desired_replicas, 11);
    assert_eq!(d.limited_by.as_deref(), Some("ScaleUpLimit"));
    assert_eq!(d.scale_up_events.len(), 2);
    assert_eq!(d.scale_up_events[1].change, 1);
}

/// Kubernetes is not monotone when fewer pods are ready than the target
/// has replicas: an object metric within tolerance keeps the current count
/// (5), a higher reading scales from the ready count (3 -> 4). Documented
/// here so that the property below states its conditions honestly.
#[test]
fn object_metrics_scale_from_ready_pods_not_current_replicas() {
    let make = |reading: f64| {
        request(json!({
            "current_replicas": 5, "max_replicas": 100, "now": "2026-01-01T00:00:00Z",
            "metrics": [{"type": "object", "name": "qps", "target": {"value": 10}, "current": reading}],
            "pods": [{"name": "a"}, {"name": "b"}, {"name": "c"},
                     {"name": "d", "ready": false}, {"name": "e", "ready": false}],
        }))
    };
    let low = hpa_desired_replicas(&make(10.5)).expect("ok");
    let high = hpa_desired_replicas(&make(12.0)).expect("ok");
    assert_eq!(low.desired_replicas, 5);
    assert_eq!(high.desired_replicas, 4);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// More demand never gives fewer replicas, when every pod is ready and
    /// reports usage (raising any pod's usage, with or without `behavior`,
    /// with any past recommendations).
    #[test]
    fn more_demand_never_fewer_replicas(
        usage in proptest::collection::vec((0.0f64..3000.0, 0.0f64..1500.0), 1..12),
        target in 10i32..150,
        min in 1i32..4,
        extra_max in 0i32..40,
        history in proptest::collection::vec((0i64..600, 0i32..60), 0..6),
        with_behavior in any::<bool>(),
    ) {
        let current = usage.len() as i32;
        let low_u: Vec<f64> = usage.iter().map(|p| p.0.round()).collect();
        let high_u: Vec<f64> = usage.iter().map(|p| (p.0 + p.1).round()).collect();
        let mut low = cpu_request(current, &low_u, target);
        let mut high = cpu_request(current, &high_u, target);
        for r in [&mut low, &mut high] {
            r.min_replicas = Some(min.min(current));
            r.max_replicas = current + extra_max;
            r.recommendations = history.iter().map(|&(ago, n)| TimedRecommendation {
                at: r.now - TimeDelta::seconds(ago), replicas: n,
            }).collect();
            if with_behavior {
                r.behavior = Some(Behavior::default());
            }
        }
        let a = hpa_desired_replicas(&low).expect("valid");
        let b = hpa_desired_replicas(&high).expect("valid");
        prop_assert!(b.desired_replicas >= a.desired_replicas, "{a:?}\n{b:?}");
    }
}
