//! Numeric series and rows from outside: capacity histories (forecasts of
//! every method and maintenance windows, values read straight from bytes
//! so that NaN, infinities and subnormals reach the core), PostgreSQL
//! statistics rows, latency samples and routing results read back from
//! JSON. A result has no non-finite number anywhere (a missing value is a
//! documented `None`), or the call fails with a coded error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use opsbrain::capacity::{ForecastParams, Method, Series, WindowParams, forecast, maintenance_windows};
use opsbrain::chrono::{TimeDelta, TimeZone, Utc};
use opsbrain::classify::Routing;
use opsbrain::kpi::{Latencies, apdex, latency_slo};
use opsbrain::ops::{PgOptions, analyze_pg_stats, pg_rows};

mod common;
use common::check_error;

/// No `NaN` or `inf` in the result's `Debug` form, or a coded error.
fn settle<T: std::fmt::Debug>(r: opsbrain::Result<T>) {
    match r {
        Ok(v) => {
            let text = format!("{v:?}");
            let bad = text
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .find(|w| *w == "NaN" || *w == "inf");
            assert!(bad.is_none(), "a non-finite number in {text}");
        }
        Err(e) => check_error(&e),
    }
}

fn floats(bytes: &[u8]) -> Vec<f64> {
    bytes
        .chunks_exact(8)
        .map(|c| f64::from_le_bytes(c.try_into().unwrap_or([0; 8])))
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    match pick % 5 {
        0 | 1 => {
            // Second byte: the method (or auto) and the step.
            let Some((&how, rest)) = rest.split_first() else {
                return;
            };
            let values = floats(rest);
            let start = Utc.with_ymd_and_hms(2026, 1, 5, 0, 0, 0).single().expect("an instant");
            let step = TimeDelta::minutes([60, 15, 1440, 5][usize::from(how >> 6)]);
            let series = Series::new(&values, start, step);
            if pick % 5 == 0 {
                let mut params = ForecastParams::default();
                if let Some(m) = Method::CANDIDATES.get(usize::from(how & 7)) {
                    params.method = *m;
                }
                params.thresholds = values.iter().take(2).copied().collect();
                settle(forecast(&series, &params));
            } else {
                settle(maintenance_windows(&series, &WindowParams::default()));
            }
        }
        2 => {
            let Ok(body) = serde_json::from_slice::<serde_json::Value>(rest) else {
                return;
            };
            let rows = (|| {
                let s = pg_rows(&body["statements"], "statements")?;
                let i = pg_rows(&body["indexes"], "indexes")?;
                let t = pg_rows(&body["tables"], "tables")?;
                analyze_pg_stats(&s, &i, &t, &PgOptions::default())
            })();
            settle(rows);
        }
        3 => {
            let samples = floats(rest);
            let threshold = samples.first().copied().unwrap_or(1.0);
            settle(latency_slo(Latencies::Samples(&samples), threshold, 0.99));
            settle(apdex(Latencies::Samples(&samples), threshold));
            let half = samples.len() / 2;
            let h = Latencies::Histogram {
                upper_bounds: &samples[..half],
                counts: &samples[half..half * 2],
            };
            settle(latency_slo(h, threshold, 0.99));
        }
        _ => {
            let Ok(text) = std::str::from_utf8(rest) else {
                return;
            };
            match opsbrain::input::from_body::<Routing>(text) {
                Ok(r) => {
                    assert!((0.0..=1.0).contains(&r.confidence), "confidence {}", r.confidence);
                    let again: Routing = serde_json::from_str(
                        &serde_json::to_string(&r).expect("a routing writes as JSON"),
                    )
                    .expect("a routing reads its own JSON");
                    assert_eq!(again, r, "a routing changed in a JSON round trip");
                }
                Err(e) => check_error(&e),
            }
        }
    }
});
