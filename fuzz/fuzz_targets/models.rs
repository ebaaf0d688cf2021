//! Saved models and curves (Isolation Forest, miss-ratio curve, proactive
//! monitor, stream detector state): any text gives a value or a coded
//! error; a value that loads keeps the invariants its fitter guarantees
//! (scores in [-1, 0], hit ratios in [0, 1] and non-decreasing, stream
//! scores in [0, 1]) and survives its own JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;
use opsbrain::anomaly::stream::StreamDetector;
use opsbrain::anomaly::{IsolationForest, ProactiveMonitor};
use opsbrain::chrono::{TimeZone, Utc};
use opsbrain::cache::MissRatioCurve;

mod common;
use common::check_error;

fuzz_target!(|data: &[u8]| {
    // The first byte picks the reader, so one corpus covers them all.
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(rest) = std::str::from_utf8(rest) else {
        return;
    };
    if pick >= 0xF0 {
        // Stream detector state (first bytes 0xF0..=0xFF; the others keep
        // the readers they had).
        match StreamDetector::from_json(rest) {
            Ok(mut d) => {
                let again = StreamDetector::from_json(&d.to_json())
                    .unwrap_or_else(|e| panic!("a detector does not read its own JSON: {e}"));
                assert!(again == d, "a detector changed in a JSON round trip");
                let at = Utc.with_ymd_and_hms(9000, 1, 1, 0, 0, 0).unwrap();
                for (i, v) in [0.0, 1e300, -1e300, 5.0].into_iter().enumerate() {
                    match d.update(at + opsbrain::chrono::TimeDelta::minutes(i as i64), v) {
                        Ok(p) => assert!(
                            [p.score, p.anomaly, p.raw].iter().all(|s| (0.0..=1.0).contains(s)),
                            "stream scores outside [0, 1]: {p:?}"
                        ),
                        Err(e) => check_error(&e),
                    }
                }
            }
            Err(e) => check_error(&e),
        }
        return;
    }
    match pick % 3 {
        0 => match IsolationForest::from_json(rest) {
            Ok(forest) => {
                let width = forest.n_features();
                if width == 0 || width > 64 {
                    return;
                }
                let rows = opsbrain::ndarray::Array2::from_shape_fn((4, width), |(i, j)| {
                    [0.0, 1.0, -1e300, 1e300][(i + j) % 4]
                });
                match forest.score_samples(&rows) {
                    Ok(scores) => assert!(
                        scores.iter().all(|s| (-1.0..=0.0).contains(s)),
                        "scores outside [-1, 0]: {scores}"
                    ),
                    Err(e) => check_error(&e),
                }
                let again = IsolationForest::from_json(&forest.to_json())
                    .unwrap_or_else(|e| panic!("a forest does not read its own JSON: {e}"));
                assert_eq!(again.to_json(), forest.to_json());
            }
            Err(e) => check_error(&e),
        },
        1 => match MissRatioCurve::from_json(rest) {
            Ok(curve) => {
                let mut last = 0.0;
                for size in [0, 1, 2, 10, 1_000, u64::MAX] {
                    let h = curve.hit_ratio(size);
                    assert!(
                        (0.0..=1.0).contains(&h) && h >= last,
                        "hit ratio {h} at {size}"
                    );
                    last = h;
                }
                let again = MissRatioCurve::from_json(&curve.to_json())
                    .unwrap_or_else(|e| panic!("a curve does not read its own JSON: {e}"));
                assert!(again == curve, "a curve changed in a JSON round trip");
            }
            Err(e) => check_error(&e),
        },
        _ => {
            if let Err(e) = ProactiveMonitor::from_json(rest) {
                check_error(&e);
            }
        }
    }
});
