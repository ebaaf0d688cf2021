use chrono::{TimeDelta, TimeZone, Utc};
use proptest::prelude::*;

use super::*;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 5, 0, 0, 0).unwrap()
}

fn run(y: &[f64], step: TimeDelta, params: &ForecastParams) -> Result<Forecast> {
    forecast(&Series::new(y, t0(), step), params)
}

fn with(method: Method) -> ForecastParams {
    ForecastParams {
        method,
        ..Default::default()
    }
}

#[test]
fn auto_picks_a_weekly_method_for_a_weekly_pattern() {
    // Weekdays busy, weekends quiet, plus a little deterministic noise.
    let y: Vec<f64> = (0..5 * 168)
        .map(|t| {
            let (d, h) = ((t / 24) % 7, t % 24);
            let base = if d < 5 { 100.0 } else { 30.0 };
            base + 20.0 * (h as f64 / 24.0 * std::f64::consts::TAU).sin() + ((t * 37) % 11) as f64
        })
        .collect();
    let f = run(&y, TimeDelta::hours(1), &ForecastParams::default()).unwrap();
    assert_eq!(f.validation.len(), 7);
    // Five weeks: windows start 1 to 4 weeks back; the weekly methods need
    // two weeks of history, so every candidate skips the oldest one.
    assert!(f.validation.iter().all(|v| v.windows == 3));
    assert!(matches!(
        f.method,
        Method::SeasonalNaiveWeekly
            | Method::HoltWintersWeekly
            | Method::HoltWintersDampedWeekly
            | Method::Mstl
    ));
    let mut maes: Vec<(f64, Method)> = f.validation.iter().map(|v| (v.mae, v.method)).collect();
    maes.sort_by(|a, b| a.0.total_cmp(&b.0));
    let second = if maes[0].1 == Method::Mstl {
        maes[1].1
    } else {
        Method::Mstl
    };
    assert_eq!(f.components, vec![maes[0].1, second]);
    assert_eq!(f.method, maes[0].1);
    // The mean is the components' average.
    let parts: Vec<Forecast> = f
        .components
        .iter()
        .map(|&m| run(&y, TimeDelta::hours(1), &with(m)).unwrap())
        .collect();
    for i in 0..f.mean.len() {
        let avg = (parts[0].mean[i] + parts[1].mean[i]) / 2.0;
        assert!((f.mean[i] - avg.max(0.0)).abs() < 1e-9);
    }
    assert!(
        f.lower
            .iter()
            .zip(&f.mean)
            .zip(&f.upper)
            .all(|((l, m), u)| l <= m && m <= u)
    );
    assert!(f.warnings.is_empty());
}

#[test]
fn damped_trend_flattens_where_the_plain_trend_runs_on() {
    let y: Vec<f64> = (0..14 * 24)
        .map(|t| {
            10.0 + 0.2 * t as f64 + 3.0 * ((t % 24) as f64 / 24.0 * std::f64::consts::TAU).sin()
        })
        .collect();
    let plain = run(&y, TimeDelta::hours(1), &with(Method::HoltWintersDaily)).unwrap();
    let damped = run(
        &y,
        TimeDelta::hours(1),
        &with(Method::HoltWintersDampedDaily),
    )
    .unwrap();
    let phi = damped.smoothing.as_ref().and_then(|s| s.damping).unwrap();
    assert!((0.8..=0.98).contains(&phi), "{phi}");
    assert_eq!(plain.smoothing.as_ref().unwrap().damping, None);
    // Over a week the plain trend adds about 0.2 per hour; the damped one
    // adds at most b phi / (1 - phi) in all.
    let rise = |f: &Forecast| f.mean[167] - f.mean[23];
    assert!(rise(&plain) > 25.0, "{}", rise(&plain));
    assert!(
        rise(&damped) < 0.5 * rise(&plain),
        "{} vs {}",
        rise(&damped),
        rise(&plain)
    );
    assert!(damped.upper.iter().zip(&damped.lower).all(|(u, l)| u >= l));
}

#[test]
fn bounds_clip_the_mean_and_the_intervals() {
    // A utilisation climbing towards 1.
    let y: Vec<f64> = (0..7 * 24).map(|t| 0.3 + 0.004 * t as f64).collect();
    let p = ForecastParams {
        method: Method::HoltWintersDaily,
        upper: Some(1.0),
        ..Default::default()
    };
    let f = run(&y, TimeDelta::hours(1), &p).unwrap();
    assert!(
        f.mean
            .iter()
            .chain(&f.upper)
            .chain(&f.lower)
            .all(|v| (0.0..=1.0).contains(v))
    );
    assert!(f.mean.contains(&1.0));
    assert_eq!(f.warnings.len(), 1);
    assert_eq!(f.warnings[0].code, "beyond_history");
    let bad = ForecastParams {
        upper: Some(0.0),
        ..Default::default()
    };
    assert_eq!(
        run(&y, TimeDelta::hours(1), &bad).unwrap_err().code(),
        "invalid_config"
    );
    let bad = ForecastParams {
        lower: f64::NAN,
        ..Default::default()
    };
    assert_eq!(
        run(&y, TimeDelta::hours(1), &bad).unwrap_err().code(),
        "invalid_config"
    );
}

#[test]
fn auto_intervals_cover_about_the_level_on_noisy_seasonal_data() {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let week = 168;
    let y: Vec<f64> = (0..10 * week)
        .map(|t| {
            let (d, h) = ((t / 24) % 7, t % 24);
            50.0 + if d < 5 { 20.0 } else { 0.0 }
                + 10.0 * (h as f64 / 24.0 * std::f64::consts::TAU).sin()
                + rng.gen_range(-5.0..5.0)
        })
        .collect();
    let f = run(
        &y[..9 * week],
        TimeDelta::hours(1),
        &ForecastParams::default(),
    )
    .unwrap();
    assert!(f.validation.iter().all(|v| v.windows == 4));
    let inside = y[9 * week..]
        .iter()
        .zip(f.lower.iter().zip(&f.upper))
        .filter(|(v, (l, u))| **l <= **v && **v <= **u)
        .count();
    let cover = inside as f64 / week as f64;
    assert!((0.88..=1.0).contains(&cover), "{cover}");
}

#[test]
fn intervals_widen_with_the_horizon_for_smoothing_methods() {
    let y: Vec<f64> = (0..3 * 168)
        .map(|t| 50.0 + 10.0 * ((t % 24) as f64).sin() + ((t * 13) % 7) as f64)
        .collect();
    for m in [
        Method::HoltWintersDaily,
        Method::Mstl,
        Method::SeasonalNaiveDaily,
    ] {
        let f = run(&y, TimeDelta::hours(1), &with(m)).unwrap();
        let w: Vec<f64> = f.upper.iter().zip(&f.mean).map(|(u, m)| u - m).collect();
        assert!(w[0] > 0.0, "{m:?}");
        assert!(w[w.len() - 1] > w[0], "{m:?}");
    }
}

#[test]
fn constant_history_gives_a_constant_forecast_with_zero_width() {
    let y = vec![0.42; 21 * 24];
    for m in Method::CANDIDATES.into_iter().chain([Method::Auto]) {
        let f = run(&y, TimeDelta::hours(1), &with(m)).unwrap();
        assert!(f.mean.iter().all(|v| (v - 0.42).abs() < 1e-12), "{m:?}");
        assert!(
            f.upper
                .iter()
                .zip(&f.lower)
                .all(|(u, l)| (u - l).abs() < 1e-12)
        );
    }
}

#[test]
fn bad_input_is_a_clear_error() {
    let h = TimeDelta::hours(1);
    let e = run(&[], h, &ForecastParams::default()).unwrap_err();
    assert_eq!(e.code(), "invalid_input");
    let e = run(&[1.0; 30], h, &with(Method::SeasonalNaiveWeekly)).unwrap_err();
    assert!(e.message.contains("169 points"), "{}", e.message);
    let e = run(&[1.0; 30], h, &ForecastParams::default()).unwrap_err();
    assert!(e.message.contains("auto needs"), "{}", e.message);
    let e = run(
        &[1.0; 500],
        TimeDelta::seconds(700),
        &ForecastParams::default(),
    )
    .unwrap_err();
    assert!(e.message.contains("does not divide"));
    let long = ForecastParams {
        horizon: TimeDelta::days(60),
        ..Default::default()
    };
    assert_eq!(
        run(&[1.0; 500], h, &long).unwrap_err().code(),
        "limit_exceeded"
    );
    let bad_level = ForecastParams {
        level: 1.0,
        ..Default::default()
    };
    assert_eq!(
        run(&[1.0; 500], h, &bad_level).unwrap_err().code(),
        "invalid_config"
    );
    let scaling: ScalingPolicy = serde_json::from_str(
        r#"{"capacity_per_replica": 1, "min_replicas": 5, "max_replicas": 2}"#,
    )
    .unwrap();
    let p = ForecastParams {
        scaling: Some(scaling),
        ..Default::default()
    };
    let e = run(&[1.0; 500], h, &p).unwrap_err();
    assert!(e.message.contains("min_replicas"), "{}", e.message);
}

#[test]
fn crossings_and_schedule_follow_the_forecast() {
    let y: Vec<f64> = (0..48)
        .map(|t| if t % 24 >= 18 { 0.8 } else { 0.3 })
        .collect();
    let mut p = with(Method::SeasonalNaiveDaily);
    p.horizon = TimeDelta::days(1);
    p.thresholds = vec![0.7, 0.9];
    p.scaling = Some(
        serde_json::from_str(r#"{"capacity_per_replica": 0.1, "bound": "mean", "lead_secs": 7200, "cooldown_secs": 0}"#)
            .unwrap(),
    );
    let f = run(&y, TimeDelta::hours(1), &p).unwrap();
    assert_eq!(f.start, t0() + TimeDelta::hours(48));
    assert_eq!(f.crossings[0].at, Some(t0() + TimeDelta::hours(48 + 18)));
    assert_eq!(f.crossings[0].after, Some(TimeDelta::hours(19)));
    assert_eq!(f.crossings[1].at, None);
    assert_eq!(f.peak.at, t0() + TimeDelta::hours(48 + 18));
    let s = f.schedule.unwrap();
    // 0.3 / 0.07 -> 5 replicas, 0.8 / 0.07 -> 12, scaled up two hours early.
    let at = |h: i64| t0() + TimeDelta::hours(48 + h);
    assert_eq!(
        s.steps,
        vec![
            ScalingStep {
                at: at(0),
                replicas: 5
            },
            ScalingStep {
                at: at(16),
                replicas: 12
            },
        ]
    );
    assert!(!s.capped);
}

#[test]
fn short_nan_gaps_are_filled_and_counted() {
    let mut y: Vec<f64> = (0..3 * 168).map(|t| 5.0 + (t % 24) as f64).collect();
    y[100] = f64::NAN;
    y[101] = f64::NAN;
    let f = run(&y, TimeDelta::hours(1), &ForecastParams::default()).unwrap();
    assert_eq!(f.filled_gaps, 2);
    y[200..210].fill(f64::NAN);
    let e = run(&y, TimeDelta::hours(1), &ForecastParams::default()).unwrap_err();
    assert!(e.message.contains("values[200..210]"), "{}", e.message);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// The forecast of a pure seasonal series reproduces it.
    #[test]
    fn pure_seasonal_series_is_reproduced(
        week_pattern in proptest::collection::vec(0.0f64..1000.0, 168),
        weeks in 3usize..6,
        weekly_only in any::<bool>(),
    ) {
        // A daily pattern (the first day repeated) or a weekly one.
        let value = |t: usize| if weekly_only { week_pattern[t % 168] } else { week_pattern[t % 24] };
        let y: Vec<f64> = (0..weeks * 168).map(value).collect();
        let methods: Vec<Method> = if weekly_only {
            vec![Method::SeasonalNaiveWeekly, Method::HoltWintersWeekly, Method::Mstl, Method::Auto]
        } else {
            Method::CANDIDATES.into_iter().chain([Method::Auto]).collect()
        };
        for m in methods {
            let f = run(&y, TimeDelta::hours(1), &with(m)).unwrap();
            for (i, v) in f.mean.iter().enumerate() {
                let want = value(weeks * 168 + i);
                prop_assert!((v - want).abs() < 1e-6 * (1.0 + want), "{:?} step {}: {} vs {}", m, i, v, want);
            }
        }
    }

    /// Raising every value raises the scheduled replicas nowhere lower.
    #[test]
    fn more_demand_never_schedules_fewer_replicas(
        day in proptest::collection::vec(0.0f64..500.0, 24),
        extra in 0.0f64..300.0,
    ) {
        let y: Vec<f64> = (0..48).map(|t| day[t % 24]).collect();
        let z: Vec<f64> = y.iter().map(|v| v + extra).collect();
        let mut p = with(Method::SeasonalNaiveDaily);
        p.horizon = TimeDelta::days(1);
        p.scaling = Some(serde_json::from_str(r#"{"capacity_per_replica": 50, "bound": "mean"}"#).unwrap());
        let a = run(&y, TimeDelta::hours(1), &p).unwrap().schedule.unwrap();
        let b = run(&z, TimeDelta::hours(1), &p).unwrap().schedule.unwrap();
        prop_assert!(b.peak_replicas >= a.peak_replicas);
    }
}

/// Values near 1e307 gave a Holt-Winters mean of 0; they are refused now,
/// and every method keeps finite, scaled results up to the bound.
#[test]
fn huge_values_are_refused_or_forecast_finitely() {
    let shape = |t: usize| 0.4 + 0.2 * (std::f64::consts::TAU * (t % 24) as f64 / 24.0).sin();
    let huge: Vec<f64> = (0..21 * 24).map(|t| 1e307 * shape(t)).collect();
    let e = run(&huge, TimeDelta::hours(1), &with(Method::HoltWintersDaily)).unwrap_err();
    assert_eq!(e.code(), "invalid_input", "{e}");
    let big: Vec<f64> = (0..21 * 24).map(|t| 1e149 * shape(t)).collect();
    for m in Method::CANDIDATES.into_iter().chain([Method::Auto]) {
        let f = run(&big, TimeDelta::hours(1), &with(m)).unwrap();
        let all = f.mean.iter().chain(&f.lower).chain(&f.upper);
        assert!(all.clone().all(|v| v.is_finite()), "{m:?}");
        assert!(
            (f.peak.mean / 1e149 - 0.6).abs() < 1e-3,
            "{m:?}: {}",
            f.peak.mean
        );
    }
}
