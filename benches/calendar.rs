//! Business-time arithmetic: adding 15 minutes and adding 30 days must cost
//! about the same (weeks are skipped arithmetically).
//!
//! `cargo bench -p opsbrain-benches --bench calendar`.

use chrono::{TimeDelta, TimeZone, Utc};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use opsbrain::calendar::BusinessCalendar;
use std::hint::black_box;

fn calendars(c: &mut Criterion) {
    let cals = [
        (
            "nine_to_five_new_york",
            BusinessCalendar::nine_to_five("America/New_York").expect("preset"),
        ),
        (
            "always_london",
            BusinessCalendar::always("Europe/London").expect("preset"),
        ),
        (
            "overnight_with_holidays_lord_howe",
            BusinessCalendar::from_json(
                r#"{"time_zone": "Australia/Lord_Howe", "weekly": {"mon": [["22:00", "06:00"]],
                    "tue": [["22:00", "06:00"]], "wed": [["08:00", "12:00"], ["13:00", "24:00"]]},
                    "holidays": ["2026-12-25", "2027-01-01", "2027-01-26"]}"#,
            )
            .expect("valid calendar"),
        ),
    ];
    // A Thursday morning, so week skipping must first walk to a Monday.
    let start = Utc
        .with_ymd_and_hms(2026, 12, 3, 15, 7, 0)
        .single()
        .expect("valid instant");
    let mut g = c.benchmark_group("calendar_add");
    for (name, cal) in &cals {
        for (label, d) in [
            ("15min", TimeDelta::minutes(15)),
            ("30days", TimeDelta::days(30)),
            ("365days", TimeDelta::days(365)),
        ] {
            g.bench_with_input(BenchmarkId::new(*name, label), &d, |b, &d| {
                b.iter(|| cal.add(black_box(start), black_box(d), &[]))
            });
        }
    }
    g.finish();
    let mut g = c.benchmark_group("calendar_elapsed");
    for (name, cal) in &cals {
        let end = start + TimeDelta::days(90);
        g.bench_function(*name, |b| {
            b.iter(|| cal.elapsed(black_box(start), black_box(end), &[]))
        });
    }
    g.finish();
}

criterion_group!(benches, calendars);
criterion_main!(benches);
