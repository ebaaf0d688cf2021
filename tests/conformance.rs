//! Runs every case in `tests/fixtures/**/*.json` against the Rust API.
//! The same files are run by pytest (bindings-python/tests/test_conformance.py)
//! and node --test (bindings-node/__test__/conformance.test.mjs); see
//! tests/README.md for the format.

use std::path::{Path, PathBuf};

use opsbrain::classify::{ClassificationTable, Router, RuleSet, Ticket, default_router};
use opsbrain::{Channel, Error, ErrorKind};
use serde_json::{Value, json};

fn fixture_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn invalid(msg: &str) -> Error {
    Error::new(ErrorKind::InvalidInput, msg)
}

fn text(input: &Value, key: &str) -> Result<String, Error> {
    input[key]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| invalid(key))
}

fn channel(input: &Value) -> Result<Channel, Error> {
    match input.get("channel") {
        Some(c) => c.as_str().ok_or_else(|| invalid("channel"))?.parse(),
        None => Ok(Channel::Email),
    }
}

fn table(input: &Value) -> Result<ClassificationTable, Error> {
    match input.get("table") {
        Some(t) => ClassificationTable::from_json(&t.to_string()),
        None => Ok(ClassificationTable::builtin()),
    }
}

fn router(input: &Value) -> Result<Router, Error> {
    if input.get("table").is_none() && input.get("rules").is_none() {
        return Ok(default_router().clone());
    }
    let rules = match input.get("rules") {
        Some(r) => RuleSet::from_json(&r.to_string())?,
        None => RuleSet::builtin(),
    };
    Ok(Router::new(table(input)?, rules))
}

fn ticket(v: &Value) -> Result<Ticket, Error> {
    Ticket::try_from(v)
}

fn run(op: &str, input: &Value) -> Result<Value, Error> {
    let to_value = |v: Result<Value, serde_json::Error>| v.map_err(Error::from);
    match op {
        "classify" => to_value(serde_json::to_value(
            table(input)?.classify_for(&text(input, "issue_type")?, channel(input)?),
        )),
        "table.from_json" => Ok(serde_json::from_str(
            &ClassificationTable::from_json(&text(input, "text")?)?.to_json(),
        )?),
        "table.from_toml" => Ok(serde_json::from_str(
            &ClassificationTable::from_toml(&text(input, "text")?)?.to_json(),
        )?),
        "rules.from_json" => Ok(serde_json::from_str(
            &RuleSet::from_json(&text(input, "text")?)?.to_json(),
        )?),
        "rules.from_toml" => Ok(serde_json::from_str(
            &RuleSet::from_toml(&text(input, "text")?)?.to_json(),
        )?),
        "route_ticket" => to_value(serde_json::to_value(
            router(input)?.route_ticket(&ticket(&input["ticket"])?)?,
        )),
        "route_tickets" => {
            let list = input["tickets"]
                .as_array()
                .ok_or_else(|| invalid("tickets"))?;
            let tickets = list
                .iter()
                .enumerate()
                .map(|(i, t)| ticket(t).map_err(|e| e.at(format!("tickets[{i}]"))))
                .collect::<Result<Vec<_>, _>>()?;
            to_value(serde_json::to_value(router(input)?.route_batch(&tickets)?))
        }
        other => panic!("unknown op {other:?}: every op must be mapped in every runner"),
    }
}

/// Compares `expected` with `actual`; floats within `tol`, all else exactly.
fn same(expected: &Value, actual: &Value, tol: f64) -> bool {
    match (expected, actual) {
        (Value::Number(a), Value::Number(b)) if a.is_f64() || b.is_f64() => {
            let (a, b) = (
                a.as_f64().unwrap_or(f64::NAN),
                b.as_f64().unwrap_or(f64::NAN),
            );
            (a - b).abs() <= tol
        }
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y, tol))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(k, v)| b.get(k).is_some_and(|w| same(v, w, tol)))
        }
        _ => expected == actual,
    }
}

#[test]
fn fixtures_pass() {
    let files = fixture_files();
    assert!(!files.is_empty(), "no fixture files found");
    let mut failures = Vec::new();
    let mut count = 0;
    for file in files {
        let text = std::fs::read_to_string(&file).expect("readable fixture");
        let doc: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for case in doc["cases"].as_array().expect("cases array") {
            count += 1;
            let name = case["name"].as_str().expect("case name");
            let op = case["op"].as_str().expect("case op");
            let tol = case.get("tol").and_then(Value::as_f64).unwrap_or(0.0);
            let got = run(op, &case["input"]);
            let ok = match (case.get("expected"), case.get("error_code"), &got) {
                (Some(exp), None, Ok(v)) => same(exp, v, tol),
                (None, Some(code), Err(e)) => code.as_str() == Some(e.code()),
                (Some(_), Some(_), _) | (None, None, _) => {
                    panic!("{name}: needs exactly one of expected / error_code")
                }
                _ => false,
            };
            if !ok {
                let got = got.map_err(|e| json!({"error_code": e.code(), "message": e.message}));
                failures.push(format!("{}::{name}: got {}", file.display(), json!(got)));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {count} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!("{count} fixture cases passed");
}
