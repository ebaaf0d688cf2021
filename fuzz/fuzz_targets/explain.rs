//! PostgreSQL EXPLAIN (FORMAT JSON) plans: any text gives an analysis or a
//! coded error, in time linear in the text (the filter parser was once
//! quadratic); every estimated impact is a share in [0, 1].
#![no_main]

use libfuzzer_sys::fuzz_target;
use opsbrain::ops::{PgOptions, analyze_explain_json};

mod common;
use common::check_error;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match analyze_explain_json(text, &PgOptions::default()) {
        Ok(a) => {
            for s in &a.suggestions {
                assert!(
                    (0.0..=1.0).contains(&s.estimated_impact),
                    "impact {} outside [0, 1]",
                    s.estimated_impact
                );
            }
        }
        Err(e) => check_error(&e),
    }
});
