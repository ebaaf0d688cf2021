//! One error per mistake (issue 24): the five mistakes a service makes most
//! (a bad priority, tier 7, an instant without its offset, an unknown key,
//! a NaN row) get the same code and message through `FromStr`, the
//! constructors, serde, `input::from_value` / `input::from_body` and (in
//! `tests/fixtures/errors/mistakes.json`, run by the Python and Node
//! suites too) both bindings.

use opsbrain::anomaly::IsolationForestParams;
use opsbrain::input::{from_body, from_value_at, parse_instant};
use opsbrain::ndarray::array;
use opsbrain::sla::SlaEvent;
use opsbrain::{Channel, Error, Priority, Tier};
use serde_json::Value;

/// The fixture case `name`.
fn case(name: &str) -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/errors/mistakes.json");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap_or_default())
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    doc["cases"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["name"] == name))
        .cloned()
        .unwrap_or_else(|| panic!("no case {name}"))
}

/// The fixture's code and message for case `name` (the message with its path).
fn fixture(name: &str) -> (String, String) {
    let case = case(name);
    let s = |k: &str| case[k].as_str().unwrap_or_default().to_owned();
    (s("error_code"), s("error_message"))
}

/// The message without its path (`events[0].tier: `).
fn bare(message: &str) -> &str {
    message.split_once(": ").map_or(message, |(_, m)| m)
}

fn code_and_message(e: Error) -> (String, String) {
    (e.code().to_owned(), e.message)
}

/// The fixture case's events, as a service's request body.
fn body(name: &str) -> String {
    serde_json::json!({ "events": case(name)["input"]["events"] }).to_string()
}

/// A service's request body type.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Request {
    events: Vec<SlaEvent>,
}

/// Every path gives (code, message) equal to the fixture's; serde's own
/// message (it carries no code) contains the bare message.
fn check(name: &str, parse: Option<Error>, serde: Option<String>) {
    let (code, message) = fixture(name);
    let got = code_and_message(from_body::<Request>(&body(name)).expect_err(name));
    let want = (code.clone(), message.clone());
    assert_eq!(got, want, "{name}: from_body");
    let value: Value = serde_json::from_str(&body(name)).unwrap_or_default();
    let got = code_and_message(
        from_value_at::<Vec<SlaEvent>>(&value["events"], "events").expect_err(name),
    );
    assert_eq!(got, want, "{name}: from_value");
    if let Some(e) = parse {
        assert_eq!(
            (e.code().to_owned(), e.message.as_str()),
            (code.clone(), bare(&message)),
            "{name}: FromStr / constructor"
        );
    }
    if let Some(s) = serde {
        assert!(s.contains(bare(&message)), "{name}: serde said {s:?}");
    }
}

#[test]
fn a_bad_priority() {
    check(
        "bad_priority",
        "urgent".parse::<Priority>().err(),
        serde_json::from_str::<Priority>("\"urgent\"")
            .err()
            .map(|e| e.to_string()),
    );
}

#[test]
fn tier_7() {
    check(
        "tier_7",
        Tier::new(7).err(),
        serde_json::from_str::<Tier>("7")
            .err()
            .map(|e| e.to_string()),
    );
}

#[test]
fn an_instant_without_its_offset() {
    check(
        "naive_timestamp",
        parse_instant("2026-11-30T09:00:00").err(),
        serde_json::from_str::<SlaEvent>(
            r#"{"type": "created", "at": "2026-11-30T09:00:00", "tier": 1, "priority": "high"}"#,
        )
        .err()
        .map(|e| e.to_string()),
    );
}

#[test]
fn an_unknown_key() {
    check(
        "unknown_key",
        None,
        serde_json::from_str::<SlaEvent>(
            r#"{"type": "created", "at": "2026-11-30T09:00:00Z", "tier": 1, "priority": "high", "chanel": "chat"}"#,
        )
        .err()
        .map(|e| e.to_string()),
    );
}

#[test]
fn a_bad_channel_reads_the_same_in_a_ticket() {
    let (code, message) = fixture("bad_channel_in_a_ticket");
    let e = "fax".parse::<Channel>().expect_err("fax");
    assert_eq!(
        (e.code(), e.message.as_str()),
        (code.as_str(), bare(&message))
    );
    let one = serde_json::json!({"subject": "x", "channel": "fax"});
    let e = opsbrain::classify::Ticket::try_from(&one).expect_err("fax");
    assert_eq!(e.message, format!("channel: {}", bare(&message)));
    let e = from_body::<opsbrain::classify::Ticket>(&one.to_string()).expect_err("fax");
    assert_eq!(e.message, format!("channel: {}", bare(&message)));
    let two = serde_json::json!([{"subject": "x"}, one]);
    let e = opsbrain::classify::Ticket::list(&two, "tickets").expect_err("fax");
    assert_eq!(
        (e.code(), e.message.as_str()),
        (code.as_str(), message.as_str())
    );
    let e = from_value_at::<Vec<opsbrain::classify::Ticket>>(&two, "tickets").expect_err("fax");
    assert_eq!(
        (e.code(), e.message.as_str()),
        (code.as_str(), message.as_str())
    );
}

/// The NaN row: bindings' tests assert this message too
/// (`test_errors.py`, `errors.test.mjs`).
pub const NAN_ROW: &str = "row 1, column 0 is NaN: isolation forests need finite values";

#[test]
fn a_nan_row() {
    let x = array![[1.0, 2.0], [f64::NAN, 3.0], [4.0, 5.0]];
    let e = IsolationForestParams::default().fit(&x).expect_err("NaN");
    assert_eq!((e.code(), e.message.as_str()), ("invalid_input", NAN_ROW));
    let good = array![[1.0, 2.0], [2.0, 3.0], [4.0, 5.0]];
    let forest = IsolationForestParams::default()
        .fit(&good)
        .unwrap_or_else(|e| panic!("{e}"));
    let e = forest.decision_function(&x).expect_err("NaN");
    assert_eq!((e.code(), e.message.as_str()), ("invalid_input", NAN_ROW));
}
