//! Property tests at the numeric extremes (issue 22): values near
//! `f64::MAX`, subnormals, signed zeros, huge counts, empty and
//! single-element series, for every numeric family. Each call either
//! succeeds with every `f64` of its result finite (a missing value is a
//! documented `None`) or fails with one of the crate's error codes: never a
//! panic, never a NaN or an infinity from finite input.

#![cfg(all(
    feature = "anomaly",
    feature = "capacity",
    feature = "cache",
    feature = "kpi"
))]

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use opsbrain::anomaly::stream::{StreamConfig, StreamDetector};
use opsbrain::anomaly::{IsolationForestParams, ProactiveMonitor, Rows, StandardScaler};
use opsbrain::cache::{
    MissRatioCurve, Policy, Trace, simulate, size_for_hit_ratio, warm_candidates,
};
use opsbrain::capacity::{
    ForecastParams, Method, ReplicaRequest, Series, ThresholdPolicy, WindowParams, forecast,
    maintenance_windows, replica_recommendation,
};
use opsbrain::kpi::{
    BurnRateRule, CountSeries, KpiTargets, Latencies, apdex, burn_rate_alerts, error_budget,
    latency_slo,
};
use proptest::prelude::*;

/// Finite values a hostile caller would pick, and ordinary ones between.
fn extreme() -> impl Strategy<Value = f64> {
    prop_oneof![
        3 => prop::sample::select(vec![
            f64::MAX,
            -f64::MAX,
            1e308,
            -1e308,
            1e154,
            -1e154,
            f64::MIN_POSITIVE,
            5e-324,
            -5e-324,
            0.0,
            -0.0,
            1.0,
            9_007_199_254_740_993.0,
        ]),
        2 => -1e6..1e6f64,
        1 => any::<f64>().prop_filter("finite", |x| x.is_finite()),
    ]
}

/// Non-negative extremes (counts, latencies, utilisation).
fn extreme_nonneg() -> impl Strategy<Value = f64> {
    extreme().prop_map(f64::abs)
}

fn series(max: usize) -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(extreme(), 0..max)
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 5, 0, 0, 0).unwrap()
}

/// The property: `Ok` with no non-finite float anywhere in the result (its
/// `Debug` form spells them `NaN` and `inf`), or a coded error.
fn check<T: std::fmt::Debug>(what: &str, r: opsbrain::Result<T>) -> Result<(), TestCaseError> {
    match r {
        Ok(v) => {
            let text = format!("{v:?}");
            let bad = text
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .find(|w| *w == "NaN" || *w == "inf");
            prop_assert!(bad.is_none(), "{what}: non-finite value in {text}");
        }
        Err(e) => {
            prop_assert!(
                opsbrain::ErrorKind::ALL.contains(&e.kind) && !e.message.is_empty(),
                "{what}: uncoded error {e:?}"
            );
        }
    }
    Ok(())
}

fn rows(values: &[f64], cols: usize) -> Option<Rows> {
    let v: Vec<Vec<f64>> = values.chunks_exact(cols).map(<[f64]>::to_vec).collect();
    Rows::from_vecs(&v).ok()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn anomaly_forest_scaler_and_monitor(values in series(60), cols in 1usize..4, probe in series(9)) {
        let Some(x) = rows(&values, cols) else { return Ok(()) };
        let fitted = IsolationForestParams::new().n_estimators(8).seed(1).fit(&x);
        check("forest fit", fitted.as_ref().map(|_| ()).map_err(Clone::clone))?;
        if let (Ok(model), Some(p)) = (&fitted, rows(&probe, cols)) {
            let scores = model.score_samples(&p);
            check("score_samples", scores.clone())?;
            if let Ok(s) = scores {
                prop_assert!(s.iter().all(|v| (-1.0..=0.0).contains(v)), "scores {s:?}");
            }
            check("decision_function", model.decision_function(&p))?;
        }
        check("scaler", StandardScaler::fit(&x).and_then(|s| s.transform(&x)))?;
        let monitor = ProactiveMonitor::builtin();
        let group = monitor.config().groups[0].name.clone();
        check("monitor fit", monitor.fit(&group, &x).map(|_| ()))?;
        check("monitor detect", monitor.detect(&group, &x))?;
    }

    #[test]
    fn anomaly_stream(values in series(200)) {
        let mut d = StreamDetector::new(StreamConfig::default()).unwrap();
        for (i, v) in values.iter().enumerate() {
            let at = t0() + TimeDelta::minutes(i as i64 * 5);
            check("stream update", d.update(at, *v))?;
        }
    }

    #[test]
    fn capacity_forecast_and_windows(values in series(24 * 9), method in 0usize..7, flat in extreme()) {
        let mut values = values;
        if values.len() % 3 == 0 {
            values.iter_mut().for_each(|v| *v = flat); // a constant series
        }
        let s = Series::new(&values, t0(), TimeDelta::hours(1));
        let params = ForecastParams {
            method: Method::CANDIDATES[method],
            thresholds: vec![0.7, flat],
            ..ForecastParams::default()
        };
        check("forecast", forecast(&s, &params))?;
        check("forecast auto", forecast(&s, &ForecastParams::default()))?;
        check("windows", maintenance_windows(&s, &WindowParams::default()))?;
    }

    #[test]
    fn capacity_thresholds(metric in prop::collection::vec(extreme_nonneg(), 0..6),
                           current in prop::sample::select(vec![0u32, 1, 7, u32::MAX])) {
        let req = ReplicaRequest {
            current_replicas: current,
            min_replicas: 1,
            max_replicas: u32::MAX,
            metrics: [("cpu".to_owned(), metric)].into_iter().collect(),
        };
        check("replicas", replica_recommendation(&req, &ThresholdPolicy::builtin()))?;
    }

    #[test]
    fn capacity_hpa(usage in extreme_nonneg(), request in extreme_nonneg(), value in extreme_nonneg(),
                    target in extreme_nonneg(), tolerance in extreme_nonneg(),
                    utilization in prop::sample::select(vec![1i64, 50, 100, 2_147_483_647])) {
        let body = hpa_body(usage, request, value, target, utilization, tolerance);
        if let Ok(req) = opsbrain::input::from_value::<opsbrain::capacity::hpa::HpaRequest>(&body) {
            check("hpa", opsbrain::capacity::hpa::hpa_desired_replicas(&req))?;
        }
    }

    #[test]
    fn cache_warming_and_sizing(ts in prop::collection::vec(extreme(), 0..40),
                                now in extreme(), window in extreme(), half_life in extreme(),
                                keys in prop::collection::vec(prop::sample::select(vec![0u64, 1, 2, u64::MAX]), 0..40),
                                cap in prop::sample::select(vec![0usize, 1, 3, usize::MAX])) {
        let mut ts = ts;
        ts.sort_by(f64::total_cmp);
        let keys: Vec<u64> = keys.iter().cycle().take(ts.len()).copied().collect();
        if let Ok(trace) = Trace::new(&keys) {
            if let Ok(t) = trace.with_timestamps(&ts) {
                check("warm", warm_candidates(&t, now, window, 3, half_life))?;
            }
            check("exact curve", MissRatioCurve::exact_lru(&trace))?;
            for p in [Policy::Lru, Policy::WTinyLfu, Policy::Belady] {
                check("simulate", simulate(&trace, p, cap))?;
                check("size", size_for_hit_ratio(&trace, p, now.abs().min(1.0)))?;
            }
        }
    }

    #[test]
    fn kpi_latency(samples in prop::collection::vec(extreme_nonneg(), 0..20),
                   counts in prop::collection::vec(extreme_nonneg(), 1..5),
                   threshold in extreme(), objective in extreme()) {
        check("latency samples", latency_slo(Latencies::Samples(&samples), threshold, objective))?;
        check("apdex samples", apdex(Latencies::Samples(&samples), threshold))?;
        let bounds: Vec<f64> = (0..counts.len()).map(|i| 10f64.powi(i as i32 * 100)).collect();
        let h = Latencies::Histogram { upper_bounds: &bounds, counts: &counts };
        check("latency histogram", latency_slo(h, threshold, objective))?;
        check("apdex histogram", apdex(h, threshold))?;
    }

    #[test]
    fn kpi_budget_and_burn(total in prop::collection::vec(extreme_nonneg(), 0..120),
                           share in prop::collection::vec(0.0..=1.0f64, 120),
                           objective in prop::sample::select(vec![0.5, 0.999, 1.0 - 1e-15, 5e-324, 1.0])) {
        let good: Vec<f64> = total.iter().zip(&share).map(|(t, s)| (t * s).floor().min(*t)).collect();
        if let Ok(s) = CountSeries::new(t0(), 60, &good, &total) {
            check("budget", error_budget(&s, objective, 3600, &KpiTargets::default()))?;
            check("burn", burn_rate_alerts(&s, objective, &BurnRateRule::workbook()))?;
        }
    }
}

fn hpa_body(
    usage: f64,
    request: f64,
    value: f64,
    target: f64,
    utilization: i64,
    tolerance: f64,
) -> serde_json::Value {
    serde_json::json!({
        "current_replicas": 3, "max_replicas": 2_147_483_647, "now": "2026-01-05T00:00:00Z",
        "tolerance": tolerance.min(1.0),
        "pods": [
            {"name": "a", "requests": {"cpu": request}, "usage": {"cpu": usage}},
            {"name": "b", "requests": {"cpu": request}, "usage": {"cpu": 0.0}},
        ],
        "metrics": [
            {"type": "resource", "name": "cpu", "target": {"average_utilization": utilization}},
            {"type": "external", "name": "queue", "current": [value, value], "target": {"average_value": target}},
        ],
    })
}

/// The HPA property above only means something if its request shape reads.
#[test]
fn hpa_request_shape_reads() {
    let req: opsbrain::capacity::hpa::HpaRequest =
        opsbrain::input::from_value(&hpa_body(500.0, 1000.0, 5.0, 50.0, 50, 0.1)).unwrap();
    opsbrain::capacity::hpa::hpa_desired_replicas(&req).unwrap();
}
