//! Configuration readers (tables, rule sets, calendars, SLA and escalation
//! policies, strategy tables, knowledge bases; JSON, and TOML for the
//! human-written ones) and the mergeable partial
//! results (quantile sketches, support-KPI partials, miss-ratio-curve
//! partials): any text gives a value or a coded error; a value read back
//! from its own JSON is the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use opsbrain::cache::{CurvePartial, StrategyTable};
use opsbrain::calendar::BusinessCalendar;
use opsbrain::classify::{ClassificationTable, RuleSet};
use opsbrain::escalation::EscalationPolicy;
use opsbrain::kpi::SupportPartial;
use opsbrain::ops::KnowledgeBase;
use opsbrain::sla::SlaPolicy;
use opsbrain::stats::QuantileSketch;

mod common;
use common::check_error;

/// Reads `text` with `from_toml`; a value must survive `to_json` and back
/// (TOML is read, not written).
macro_rules! from_toml {
    ($text:expr, $ty:ty) => {
        match <$ty>::from_toml($text) {
            Ok(v) => {
                let again = <$ty>::from_json(&v.to_json()).unwrap_or_else(|e| {
                    panic!("{} from TOML does not read its own JSON: {e}", stringify!($ty))
                });
                assert!(again == v, "{} from TOML changed in a JSON round trip", stringify!($ty));
            }
            Err(e) => check_error(&e),
        }
    };
}

/// Reads `text` with `from_json`; a value must survive `to_json` and back.
macro_rules! round_trip {
    ($text:expr, $ty:ty) => {
        match <$ty>::from_json($text) {
            Ok(v) => {
                let again = <$ty>::from_json(&v.to_json()).unwrap_or_else(|e| {
                    panic!("{} does not read its own JSON: {e}", stringify!($ty))
                });
                assert!(
                    again == v,
                    "{} changed in a JSON round trip",
                    stringify!($ty)
                );
            }
            Err(e) => check_error(&e),
        }
    };
}

fuzz_target!(|data: &[u8]| {
    // The first byte picks the reader, so one corpus covers them all.
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(rest) = std::str::from_utf8(rest) else {
        return;
    };
    match pick % 16 {
        0 => round_trip!(rest, ClassificationTable),
        1 => round_trip!(rest, RuleSet),
        2 => round_trip!(rest, BusinessCalendar),
        3 => round_trip!(rest, SlaPolicy),
        4 => round_trip!(rest, EscalationPolicy),
        5 => round_trip!(rest, StrategyTable),
        7 => round_trip!(rest, QuantileSketch),
        8 => round_trip!(rest, SupportPartial),
        9 => round_trip!(rest, CurvePartial),
        10 => from_toml!(rest, ClassificationTable),
        11 => from_toml!(rest, RuleSet),
        12 => from_toml!(rest, BusinessCalendar),
        13 => from_toml!(rest, SlaPolicy),
        14 => from_toml!(rest, EscalationPolicy),
        15 => from_toml!(rest, StrategyTable),
        _ => {
            // 6
            if let Err(e) = KnowledgeBase::from_json(rest) {
                check_error(&e);
            }
        }
    }
});
