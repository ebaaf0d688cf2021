use chrono::TimeZone;

use super::*;

fn t0() -> DateTime<Utc> {
    // A Monday.
    Utc.with_ymd_and_hms(2026, 1, 5, 0, 0, 0).unwrap()
}

/// Weekdays busy 08-20, weekends quiet; `holiday` (a day index) looks like a
/// weekend day.
fn office(weeks: usize, holiday: Option<usize>) -> Vec<f64> {
    (0..weeks * 168)
        .map(|t| {
            let (d, h) = (t / 24, t % 24);
            let workday = d % 7 < 5 && Some(d) != holiday;
            let base = if workday && (8..20).contains(&h) {
                100.0
            } else {
                20.0
            };
            base + if (2..4).contains(&h) {
                -10.0
            } else {
                (h % 5) as f64
            }
        })
        .collect()
}

#[test]
fn regimes_split_weekdays_from_weekends_and_a_holiday_does_not_hide_mondays() {
    let y = office(4, Some(7)); // the second Monday is a holiday
    let s = Series::new(&y, t0(), TimeDelta::hours(1));
    let w = maintenance_windows(&s, &WindowParams::default()).unwrap();
    assert_eq!(w.regimes.len(), 2);
    assert_eq!(w.regimes[0].label, RegimeLabel::Weekday);
    assert_eq!(w.regimes[1].label, RegimeLabel::Weekend);
    assert_eq!(w.regimes[0].weekday_days, [3, 4, 4, 4, 4, 0, 0]);
    assert_eq!(w.days[7].regime, 1);
    // Monday 10:00 in the weekly profile is the weekday level, not pulled
    // down by the holiday.
    assert_eq!(w.weekly_profile[10], 100.0);
    // The quietest 2-hour windows are 02:00-04:00 (10 per hour).
    assert_eq!(w.windows[0].start_secs, 2 * 3600);
    assert_eq!(w.windows[0].expected_load, 10.0);
    assert_eq!(w.windows[0].weekday, DayOfWeek::Monday);
    // The next Monday after four weeks.
    assert_eq!(
        w.windows[0].next_start,
        t0() + TimeDelta::days(28) + TimeDelta::hours(2)
    );
    assert_eq!(w.windows.len(), 3);
    assert!(
        w.windows
            .windows(2)
            .all(|p| p[0].expected_load <= p[1].expected_load)
    );
}

#[test]
fn results_do_not_depend_on_the_seed_when_the_structure_is_clear() {
    let y = office(3, None);
    let s = Series::new(&y, t0(), TimeDelta::hours(1));
    let a = maintenance_windows(&s, &WindowParams::default()).unwrap();
    let b = maintenance_windows(
        &s,
        &WindowParams {
            seed: 99,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(a, b);
}

#[test]
fn a_flat_history_is_one_regime() {
    let y = vec![3.0; 10 * 24];
    let s = Series::new(&y, t0(), TimeDelta::hours(1));
    let w = maintenance_windows(&s, &WindowParams::default()).unwrap();
    assert_eq!(w.regimes.len(), 1);
    assert_eq!(w.regimes[0].label, RegimeLabel::All);
    assert_eq!(w.windows[0].expected_load, 3.0);
}

#[test]
fn utc_offset_moves_day_boundaries() {
    // The same office, observed from UTC+2: local midnight is 22:00 UTC.
    let y = office(3, None);
    let start = t0() - TimeDelta::hours(2);
    let s = Series::new(&y, start, TimeDelta::hours(1));
    let p = WindowParams {
        utc_offset_secs: 7200,
        ..Default::default()
    };
    let w = maintenance_windows(&s, &p).unwrap();
    assert_eq!(w.windows[0].start_secs, 2 * 3600);
    assert_eq!(
        w.windows[0].next_start,
        start + TimeDelta::days(21) + TimeDelta::hours(2)
    );
}

#[test]
fn bad_input_is_a_clear_error() {
    let h = TimeDelta::hours(1);
    let short = vec![1.0; 5 * 24];
    let e =
        maintenance_windows(&Series::new(&short, t0(), h), &WindowParams::default()).unwrap_err();
    assert!(e.message.contains("7 complete"), "{}", e.message);
    let y = office(2, None);
    let s = Series::new(&y, t0(), h);
    let p = WindowParams {
        length: TimeDelta::minutes(90),
        ..Default::default()
    };
    assert_eq!(
        maintenance_windows(&s, &p).unwrap_err().code(),
        "invalid_config"
    );
    let p = WindowParams {
        count: 5000,
        ..Default::default()
    };
    assert_eq!(
        maintenance_windows(&s, &p).unwrap_err().code(),
        "limit_exceeded"
    );
    let off = Series::new(&y, t0() + TimeDelta::minutes(30), h);
    assert_eq!(
        maintenance_windows(&off, &WindowParams::default())
            .unwrap_err()
            .code(),
        "invalid_input"
    );
}
