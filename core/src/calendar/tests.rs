use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;

use super::*;

fn local(tz: &str, y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    let tz: Tz = tz.parse().unwrap();
    tz.with_ymd_and_hms(y, m, d, h, min, 0)
        .earliest()
        .unwrap()
        .with_timezone(&Utc)
}

fn cal(json: &str) -> BusinessCalendar {
    BusinessCalendar::from_json(json).unwrap_or_else(|e| panic!("{e}"))
}

fn minutes(n: i64) -> TimeDelta {
    TimeDelta::minutes(n)
}

#[test]
fn nine_to_five_basics() {
    let c = BusinessCalendar::nine_to_five("America/New_York").unwrap();
    let mon9 = local("America/New_York", 2026, 11, 30, 9, 0);
    assert_eq!(
        c.add(mon9, TimeDelta::hours(8), &[]).unwrap(),
        local("America/New_York", 2026, 11, 30, 17, 0)
    );
    assert_eq!(
        c.add(mon9, TimeDelta::hours(8) + TimeDelta::seconds(1), &[])
            .unwrap(),
        local("America/New_York", 2026, 12, 1, 9, 0) + TimeDelta::seconds(1)
    );
    let sat = local("America/New_York", 2026, 11, 28, 12, 0);
    assert_eq!(
        c.add(sat, TimeDelta::zero(), &[]).unwrap(),
        sat,
        "adding zero returns start itself"
    );
    assert_eq!(
        c.add(sat, TimeDelta::hours(1), &[]).unwrap(),
        local("America/New_York", 2026, 11, 30, 10, 0)
    );
    assert_eq!(c.next_open(sat).unwrap(), mon9);
    assert_eq!(
        c.next_close(sat).unwrap(),
        Some(local("America/New_York", 2026, 11, 30, 17, 0))
    );
    assert!(
        !c.is_open(local("America/New_York", 2026, 11, 30, 17, 0)),
        "windows are half-open"
    );
    assert!(c.is_open(mon9));
}

#[test]
fn dst_days_hold_real_time() {
    let always = BusinessCalendar::always("America/New_York").unwrap();
    let (a, b) = (
        local("America/New_York", 2026, 3, 8, 0, 0),
        local("America/New_York", 2026, 3, 9, 0, 0),
    );
    assert_eq!(always.elapsed(a, b, &[]).unwrap(), TimeDelta::hours(23));
    let (a, b) = (
        local("America/New_York", 2026, 11, 1, 0, 0),
        local("America/New_York", 2026, 11, 2, 0, 0),
    );
    assert_eq!(always.elapsed(a, b, &[]).unwrap(), TimeDelta::hours(25));
    let night = cal(r#"{"time_zone": "Europe/London", "weekly": {"sat": [["22:00", "06:00"]]}}"#);
    // 2026-03-28 22:00 GMT to 03-29 06:00 BST: 7 real hours.
    let sat = local("Europe/London", 2026, 3, 28, 12, 0);
    let open = night.next_open(sat).unwrap();
    let close = night.next_close(sat).unwrap().unwrap();
    assert_eq!(close - open, TimeDelta::hours(7));
    // Lord Howe moves by 30 minutes: 2026-10-04 02:00 -> 02:30.
    let lh = BusinessCalendar::always("Australia/Lord_Howe").unwrap();
    let (a, b) = (
        local("Australia/Lord_Howe", 2026, 10, 4, 0, 0),
        local("Australia/Lord_Howe", 2026, 10, 5, 0, 0),
    );
    assert_eq!(
        lh.elapsed(a, b, &[]).unwrap(),
        TimeDelta::minutes(23 * 60 + 30)
    );
}

#[test]
fn window_in_a_dst_gap_starts_when_the_clock_jumps() {
    let c = cal(r#"{"time_zone": "America/New_York", "weekly": {"sun": [["02:30", "04:00"]]}}"#);
    // 2026-03-08 02:30 does not exist: the window opens at 03:00 EDT (07:00 UTC).
    let open = c
        .next_open(local("America/New_York", 2026, 3, 8, 0, 0))
        .unwrap();
    assert_eq!(open, Utc.with_ymd_and_hms(2026, 3, 8, 7, 0, 0).unwrap());
    assert_eq!(
        c.next_close(open).unwrap(),
        Some(Utc.with_ymd_and_hms(2026, 3, 8, 8, 0, 0).unwrap())
    );
}

#[test]
fn holiday_rules() {
    let json = |rule: &str| {
        format!(
            r#"{{"time_zone": "UTC", "weekly": {{"mon": [["22:00", "06:00"]], "tue": [["22:00", "06:00"]]}},
               "holidays": ["2026-12-01"], "holiday_rule": "{rule}"}}"#
        )
    };
    let (mon, wed) = (
        local("UTC", 2026, 11, 30, 0, 0),
        local("UTC", 2026, 12, 3, 0, 0),
    );
    // calendar_date closes Tue 12-01 entirely: Mon's window is cut at midnight (2 h),
    // Tue's window keeps its Wednesday part (6 h).
    let c = cal(&json("calendar_date"));
    assert_eq!(c.elapsed(mon, wed, &[]).unwrap(), TimeDelta::hours(8));
    // shift_start_date cancels only Tue's window: Mon's runs to its end (8 h).
    let c = cal(&json("shift_start_date"));
    assert_eq!(c.elapsed(mon, wed, &[]).unwrap(), TimeDelta::hours(8));
    assert!(c.is_open(local("UTC", 2026, 12, 1, 5, 0)));
    assert!(!c.is_open(local("UTC", 2026, 12, 1, 23, 0)));
    let c = cal(&json("calendar_date"));
    assert!(!c.is_open(local("UTC", 2026, 12, 1, 5, 0)));
    assert!(c.is_open(local("UTC", 2026, 12, 2, 5, 0)));
}

#[test]
fn adjacent_windows_form_one_open_period() {
    let c = cal(
        r#"{"time_zone": "UTC", "weekly": {"mon": [["08:00", "12:00"], ["12:00", "17:00"], ["22:00", "24:00"]],
                    "tue": [["00:00", "06:00"]]}}"#,
    );
    let t = local("UTC", 2026, 11, 30, 9, 0);
    assert_eq!(
        c.next_close(t).unwrap(),
        Some(local("UTC", 2026, 11, 30, 17, 0))
    );
    let t = local("UTC", 2026, 11, 30, 23, 0);
    assert_eq!(
        c.next_close(t).unwrap(),
        Some(local("UTC", 2026, 12, 1, 6, 0))
    );
    assert_eq!(
        BusinessCalendar::always("UTC")
            .unwrap()
            .next_close(t)
            .unwrap(),
        None
    );
}

#[test]
fn pauses_stop_the_clock_and_never_shorten_a_deadline() {
    let c = BusinessCalendar::nine_to_five("UTC").unwrap();
    let mon9 = local("UTC", 2026, 11, 30, 9, 0);
    let pause = (
        local("UTC", 2026, 11, 30, 10, 0),
        local("UTC", 2026, 11, 30, 12, 0),
    );
    assert_eq!(
        c.add(mon9, TimeDelta::hours(2), &[pause]).unwrap(),
        local("UTC", 2026, 11, 30, 13, 0)
    );
    assert_eq!(
        c.elapsed(mon9, local("UTC", 2026, 11, 30, 17, 0), &[pause])
            .unwrap(),
        TimeDelta::hours(6)
    );
    // Overlapping and unsorted pauses merge.
    let p2 = (
        local("UTC", 2026, 11, 30, 11, 0),
        local("UTC", 2026, 11, 30, 14, 0),
    );
    assert_eq!(
        c.add(mon9, TimeDelta::hours(2), &[p2, pause]).unwrap(),
        local("UTC", 2026, 11, 30, 15, 0)
    );
}

/// Reference: minute by minute with `is_open`, no week skipping.
fn brute_elapsed_minutes(c: &BusinessCalendar, start: DateTime<Utc>, end: DateTime<Utc>) -> i64 {
    let mut t = start;
    let mut n = 0;
    while t < end {
        if c.is_open(t) {
            n += 1;
        }
        t += minutes(1);
    }
    n
}

fn calendars() -> Vec<BusinessCalendar> {
    vec![
        BusinessCalendar::nine_to_five("America/New_York").unwrap(),
        BusinessCalendar::sixteen_five("Europe/London").unwrap(),
        cal(
            r#"{"time_zone": "Europe/London", "weekly": {"mon": [["22:00", "06:00"]], "wed": [["22:00", "06:00"]],
                "fri": [["22:00", "06:00"]], "sun": [["22:00", "06:00"]]}, "holidays": ["2026-03-30", "2026-10-26"]}"#,
        ),
        cal(
            r#"{"time_zone": "Australia/Lord_Howe", "weekly": {"mon": [["08:00", "12:00"], ["13:00", "24:00"]],
                "sat": [["01:00", "03:00"]], "sun": [["01:30", "02:45"]]},
                "holidays": ["2026-10-06"], "holiday_rule": "shift_start_date"}"#,
        ),
    ]
}

#[test]
fn elapsed_and_add_agree_with_minute_by_minute_reference_across_dst() {
    let starts = [
        ("America/New_York", 2026, 3, 5),
        ("America/New_York", 2026, 10, 29),
        ("Europe/London", 2026, 3, 26),
        ("Europe/London", 2026, 10, 22),
        ("Australia/Lord_Howe", 2026, 4, 2),
        ("Australia/Lord_Howe", 2026, 10, 1),
    ];
    for c in calendars() {
        for &(tz, y, m, d) in &starts {
            for (h, span_days) in [(0u32, 9i64), (10, 5), (23, 12)] {
                let start = local(tz, y, m, d, h, 17);
                let end = start + TimeDelta::days(span_days) + minutes(37);
                let want = brute_elapsed_minutes(&c, start, end);
                assert_eq!(
                    c.elapsed(start, end, &[]).unwrap(),
                    minutes(want),
                    "{} {start}",
                    c.time_zone()
                );
                if want > 0 {
                    let due = c.add(start, minutes(want), &[]).unwrap();
                    assert_eq!(c.elapsed(start, due, &[]).unwrap(), minutes(want));
                    assert!(
                        c.elapsed(start, due - TimeDelta::seconds(1), &[]).unwrap() < minutes(want)
                    );
                }
            }
        }
    }
}

#[test]
fn week_skipping_matches_day_by_day() {
    // A one-second pause every Sunday at 03:00 UTC falls in closed time for
    // these calendars but makes every week irregular, forcing day-by-day.
    for c in calendars() {
        let start = local("UTC", 2026, 1, 7, 11, 0);
        let blockers: Vec<Pause> = (0..120)
            .map(|w| {
                let t = local("UTC", 2026, 1, 4, 3, 0) + TimeDelta::weeks(w);
                (t, t + TimeDelta::seconds(1))
            })
            .collect();
        let open_on_sunday_3am = c.is_open(local("UTC", 2026, 1, 4, 3, 0));
        if open_on_sunday_3am {
            continue;
        }
        for days in [1i64, 30, 200, 400] {
            let d = TimeDelta::days(days);
            let fast = c.add(start, d, &[]);
            let slow = c.add(start, d, &blockers);
            match (fast, slow) {
                (Ok(a), Ok(b)) => {
                    assert_eq!(a, b, "{} + {days} days", c.time_zone());
                    assert_eq!(
                        c.elapsed(start, a, &[]).unwrap(),
                        c.elapsed(start, a, &blockers).unwrap()
                    );
                }
                (Err(a), Err(b)) => assert_eq!(a.code(), b.code()),
                (a, b) => panic!("{a:?} vs {b:?}"),
            }
        }
    }
}

#[test]
fn bad_calendars_and_arguments() {
    let bad = [
        (
            r#"{"time_zone": "Mars/Olympus", "weekly": {}}"#,
            "time_zone",
        ),
        (
            r#"{"time_zone": "UTC", "weekly": {"mon": [["25:00", "26:00"]]}}"#,
            "weekly.mon[0]",
        ),
        (
            r#"{"time_zone": "UTC", "weekly": {"mon": [["09:00", "12:00"], ["11:00", "13:00"]]}}"#,
            "overlaps",
        ),
        (
            r#"{"time_zone": "UTC", "weekly": {"mon": [["22:00", "06:00"]], "tue": [["05:00", "09:00"]]}}"#,
            "overlaps",
        ),
        (
            r#"{"time_zone": "UTC", "weekly": {"sun": [["22:00", "06:00"]], "mon": [["05:00", "09:00"]]}}"#,
            "overlaps",
        ),
        (
            r#"{"time_zone": "UTC", "weekly": {}, "holidays": ["2026-13-01"]}"#,
            "holidays[0]",
        ),
    ];
    for (json, needle) in bad {
        let e = BusinessCalendar::from_json(json).unwrap_err();
        assert_eq!(e.code(), "invalid_config", "{json}");
        assert!(e.message.contains(needle), "{}", e.message);
    }
    assert_eq!(
        BusinessCalendar::from_json(r#"{"time_zone": "UTC", "weekly": {"funday": []}}"#)
            .unwrap_err()
            .code(),
        "parse_error"
    );
    let closed = cal(r#"{"time_zone": "UTC", "weekly": {}}"#);
    let t = local("UTC", 2026, 1, 1, 0, 0);
    assert_eq!(
        closed.add(t, TimeDelta::hours(1), &[]).unwrap_err().code(),
        "invalid_input"
    );
    assert_eq!(closed.add(t, TimeDelta::zero(), &[]).unwrap(), t);
    assert_eq!(closed.next_open(t).unwrap_err().code(), "invalid_input");
    let c = BusinessCalendar::always("UTC").unwrap();
    assert_eq!(
        c.add(t, TimeDelta::hours(-1), &[]).unwrap_err().code(),
        "invalid_input"
    );
    assert_eq!(
        c.elapsed(t, t - minutes(1), &[]).unwrap_err().code(),
        "invalid_input"
    );
    assert_eq!(
        c.add(t, TimeDelta::hours(1), &[(t + minutes(5), t)])
            .unwrap_err()
            .code(),
        "invalid_input"
    );
    assert_eq!(
        c.add(t, TimeDelta::days(4000), &[]).unwrap_err().code(),
        "limit_exceeded"
    );
    // Holidays on every Monday for 20 years: closed calendar in practice, bounded search.
    let mondays: Vec<String> = (0..1100)
        .map(|w| (NaiveDate::from_ymd_opt(2026, 1, 5).unwrap() + TimeDelta::weeks(w)).to_string())
        .collect();
    let only_mondays = BusinessCalendar::new(
        "UTC",
        [
            vec![("09:00".into(), "10:00".into())],
            vec![],
            vec![],
            vec![],
            vec![],
            vec![],
            vec![],
        ],
        mondays,
        HolidayRule::CalendarDate,
    )
    .unwrap();
    assert_eq!(
        only_mondays
            .add(t, TimeDelta::hours(1), &[])
            .unwrap_err()
            .code(),
        "limit_exceeded"
    );
}

#[test]
fn extreme_instants_are_refused_not_overflowed() {
    let c = BusinessCalendar::nine_to_five("Pacific/Kiritimati").unwrap();
    for t in [
        DateTime::<Utc>::MAX_UTC,
        DateTime::<Utc>::MIN_UTC,
        Utc.with_ymd_and_hms(20000, 1, 1, 0, 0, 0).unwrap(),
    ] {
        assert!(!c.is_open(t));
        assert_eq!(c.next_open(t).unwrap_err().code(), "invalid_input");
        assert_eq!(c.next_close(t).unwrap_err().code(), "invalid_input");
        assert_eq!(
            c.add(t, TimeDelta::hours(1), &[]).unwrap_err().code(),
            "invalid_input"
        );
        assert_eq!(c.elapsed(t, t, &[]).unwrap_err().code(), "invalid_input");
    }
    let late = Utc.with_ymd_and_hms(9999, 12, 30, 0, 0, 0).unwrap();
    assert_eq!(
        c.add(late, TimeDelta::days(3000), &[]).unwrap_err().code(),
        "limit_exceeded"
    );
    // Issue 22: answers past year 9999 were returned (Node showed year
    // 10008); every returned instant now lies in the supported years.
    let kiritimati = BusinessCalendar::nine_to_five("Pacific/Kiritimati").unwrap();
    let end = Utc.with_ymd_and_hms(9999, 12, 29, 12, 0, 0).unwrap();
    for r in [
        kiritimati.add(end, TimeDelta::hours(30), &[]),
        BusinessCalendar::nine_to_five("UTC")
            .unwrap()
            .next_open(Utc.with_ymd_and_hms(9999, 12, 30, 18, 0, 0).unwrap()),
    ] {
        let e = r.unwrap_err();
        assert_eq!(e.code(), "invalid_input", "{e}");
        assert!(e.message.contains("years 1 to 9999"), "{e}");
    }
    let many = kiritimati.add_many(&[Some(end)], &[Some(TimeDelta::hours(30))]);
    assert_eq!(many.unwrap_err().code(), "invalid_input");
}

#[test]
fn serde_round_trip_and_presets() {
    let c = calendars().remove(3);
    let back = BusinessCalendar::from_json(&c.to_json()).unwrap();
    assert_eq!(back, c);
    #[cfg(feature = "toml")]
    {
        let toml = BusinessCalendar::from_toml(
            "time_zone = \"UTC\"\nholidays = [\"2026-12-25\"]\n[weekly]\nmon = [[\"09:00\", \"17:00\"]]\n",
        )
        .unwrap();
        assert_eq!(toml.holiday_rule(), HolidayRule::CalendarDate);
    }
    let t = local("UTC", 2026, 11, 30, 5, 59);
    let sf = BusinessCalendar::sixteen_five("UTC").unwrap();
    assert_eq!(sf.next_open(t).unwrap(), local("UTC", 2026, 11, 30, 6, 0));
    assert_eq!(
        sf.next_close(t).unwrap(),
        Some(local("UTC", 2026, 11, 30, 22, 0))
    );
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn any_calendar() -> impl Strategy<Value = BusinessCalendar> {
        (0usize..4).prop_map(|i| calendars().swap_remove(i))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn add_and_elapsed_are_inverse_and_monotonic(
            cal in any_calendar(),
            start_min in 0i64..(400 * 24 * 60),
            d1 in 0i64..(60 * 24 * 60),
            extra in 0i64..(3 * 24 * 60),
            pause_start in 0i64..(10 * 24 * 60),
            pause_len in 0i64..(3 * 24 * 60),
        ) {
            let start = local("UTC", 2026, 1, 1, 0, 0) + minutes(start_min);
            let (a, b) = (minutes(d1), minutes(d1 + extra));
            let due_a = cal.add(start, a, &[]).unwrap();
            let due_b = cal.add(start, b, &[]).unwrap();
            prop_assert!(due_a <= due_b, "add is monotonic in d");
            prop_assert_eq!(cal.elapsed(start, due_a, &[]).unwrap(), a);
            let pause = (start + minutes(pause_start), start + minutes(pause_start + pause_len));
            let paused = cal.add(start, a, &[pause]).unwrap();
            prop_assert!(paused >= due_a, "pauses never shorten a deadline");
            prop_assert_eq!(cal.elapsed(start, paused, &[pause]).unwrap(), a);
        }
    }
}
