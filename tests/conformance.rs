//! Runs every case in `tests/fixtures/**/*.json` against the Rust API.
//! The same files are run by pytest (bindings-python/tests/test_conformance.py)
//! and node --test (bindings-node/__test__/conformance.test.mjs); see
//! tests/README.md for the format.

use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use opsbrain::cache::{
    self, AdjustmentRules, CacheTypeMetrics, MissRatioCurve, Sampling, StrategyTable, Trace,
};
use opsbrain::calendar::{BusinessCalendar, Pause};
use opsbrain::classify::{ClassificationTable, Router, RuleSet, Ticket, default_router};
use opsbrain::escalation::{
    EscalationEvent, EscalationPolicy, EscalationTimeline, escalation_rate, escalation_timeline,
};
use opsbrain::sla::{SlaEvent, SlaPolicy, sla_status, sla_status_batch};
use opsbrain::{Channel, Error, ErrorKind};
use serde_json::{Value, json};

// One file per module family, so work on one family never edits another's
// dispatch. Each exposes `run(op, input)` and panics on an unknown op.
#[path = "conformance/anomaly.rs"]
mod anomaly_ops;
#[path = "conformance/capacity_forecast.rs"]
mod capacity_forecast_ops;
#[path = "conformance/capacity_scaling.rs"]
mod capacity_scaling_ops;
#[path = "conformance/kpi.rs"]
mod kpi_ops;
#[path = "conformance/ops.rs"]
mod ops_ops;

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

/// Reads a request value as every entry point does (the one loader).
fn de<T: serde::de::DeserializeOwned>(v: &Value) -> Result<T, Error> {
    opsbrain::input::from_value(v)
}

/// [`de`] for the value of argument `at`, which prefixes error paths.
fn de_at<T: serde::de::DeserializeOwned>(v: &Value, at: &str) -> Result<T, Error> {
    opsbrain::input::from_value_at(v, at)
}

fn opt<T: serde::de::DeserializeOwned>(input: &Value, key: &str) -> Result<Option<T>, Error> {
    input.get(key).map(de).transpose()
}

/// Runs `f` on the trace described by `input` (keys, timestamps, writes).
fn with_trace<T>(
    input: &Value,
    f: impl FnOnce(&Trace<'_>) -> Result<T, Error>,
) -> Result<T, Error> {
    let keys: Vec<u64> = de(&input["keys"])?;
    let ts: Option<Vec<f64>> = opt(input, "timestamps")?;
    let writes: Option<Vec<bool>> = opt(input, "writes")?;
    let mut trace = Trace::new(&keys)?;
    if let Some(ts) = &ts {
        trace = trace.with_timestamps(ts)?;
    }
    if let Some(w) = &writes {
        trace = trace.with_writes(w)?;
    }
    f(&trace)
}

fn curve_summary(c: &MissRatioCurve, input: &Value) -> Result<Value, Error> {
    let sizes: Vec<u64> = de(&input["sizes"])?;
    let targets: Vec<f64> = de(&input["targets"])?;
    Ok(json!({
        "accesses": c.accesses,
        "distinct_keys": c.distinct_keys,
        "hit_ratios": c.hit_ratios(&sizes),
        "max_hit_ratio": c.max_hit_ratio(),
        "sizes_for_targets": targets.iter().map(|&t| c.size_for_hit_ratio(t)).collect::<Vec<_>>(),
    }))
}

fn run_cache(op: &str, input: &Value) -> Result<Value, Error> {
    let to_value = |v: Result<Value, serde_json::Error>| v.map_err(Error::from);
    match op {
        "cache.lru_mrc" => with_trace(input, |t| {
            curve_summary(&MissRatioCurve::exact_lru(t)?, input)
        }),
        "cache.shards_mrc" => with_trace(input, |t| {
            let sampling = match (opt::<f64>(input, "rate")?, opt::<usize>(input, "max_keys")?) {
                (Some(r), None) => Sampling::Rate(r),
                (None, Some(k)) => Sampling::MaxKeys(k),
                _ => return Err(invalid("give rate or max_keys")),
            };
            curve_summary(&MissRatioCurve::shards(t, sampling)?, input)
        }),
        "cache.size_for_hit_ratio" => with_trace(input, |t| {
            let policy: cache::Policy = de_at(&input["policy"], "policy")?;
            let target = input["target"].as_f64().ok_or_else(|| invalid("target"))?;
            to_value(serde_json::to_value(cache::size_for_hit_ratio(
                t, policy, target,
            )?))
        }),
        "cache.simulate" => with_trace(input, |t| {
            let names: Vec<String> = de(&input["policies"])?;
            let policies = names
                .iter()
                .map(|n| n.parse())
                .collect::<Result<Vec<cache::Policy>, _>>()?;
            let caps: Vec<usize> = de(&input["capacities"])?;
            to_value(serde_json::to_value(cache::compare_policies(
                t, &policies, &caps,
            )?))
        }),
        "cache.pattern_stats" => with_trace(input, |t| {
            let patterns: Option<Vec<u32>> = opt(input, "patterns")?;
            let share: f64 = de(&input["target_share"])?;
            to_value(serde_json::to_value(cache::pattern_stats(
                t,
                patterns.as_deref(),
                share,
            )?))
        }),
        "cache.warm_candidates" => with_trace(input, |t| {
            let (now, window, top_k, half_life): (f64, f64, usize, f64) = (
                de(&input["now"])?,
                de(&input["window_secs"])?,
                de(&input["top_k"])?,
                de(&input["half_life_secs"])?,
            );
            to_value(serde_json::to_value(cache::warm_candidates(
                t, now, window, top_k, half_life,
            )?))
        }),
        "cache.hash_key" => Ok(json!(cache::hash_key(&text(input, "key")?).to_string())),
        "cache.adjust" => {
            let table = match input.get("table") {
                Some(t) => StrategyTable::from_json(&t.to_string())?,
                None => StrategyTable::builtin(),
            };
            let rules: AdjustmentRules = opt(input, "rules")?.unwrap_or_default();
            let metrics: Vec<CacheTypeMetrics> = de(&input["metrics"])?;
            to_value(serde_json::to_value(cache::adjust(
                &table, &metrics, &rules,
            )?))
        }
        "cache.strategy_table.from_json" => Ok(serde_json::from_str(
            &StrategyTable::from_json(&text(input, "text")?)?.to_json(),
        )?),
        "cache.strategy_table.builtin" => {
            Ok(serde_json::from_str(&StrategyTable::builtin().to_json())?)
        }
        other => panic!("unknown op {other:?}: every op must be mapped in every runner"),
    }
}

fn calendar(input: &Value) -> Result<BusinessCalendar, Error> {
    if let Some(p) = input.get("preset") {
        let tz = text(p, "time_zone")?;
        return match text(p, "name")?.as_str() {
            "always" => BusinessCalendar::always(&tz),
            "sixteen_five" => BusinessCalendar::sixteen_five(&tz),
            "nine_to_five" => BusinessCalendar::nine_to_five(&tz),
            other => panic!("unknown preset {other:?}"),
        };
    }
    BusinessCalendar::from_json(&input["calendar"].to_string())
}

fn parse_instant(v: &Value, what: &str) -> Result<DateTime<Utc>, Error> {
    let s = v.as_str().ok_or_else(|| invalid(what))?;
    opsbrain::input::parse_instant(s).map_err(|e| e.at(what))
}

fn when(input: &Value, key: &str) -> Result<DateTime<Utc>, Error> {
    parse_instant(&input[key], key)
}

fn pauses(input: &Value) -> Result<Vec<Pause>, Error> {
    let Some(list) = input.get("pauses").and_then(Value::as_array) else {
        return Ok(Vec::new());
    };
    list.iter()
        .map(|p| {
            Ok((
                parse_instant(&p[0], "pause start")?,
                parse_instant(&p[1], "pause end")?,
            ))
        })
        .collect()
}

fn iso(t: DateTime<Utc>) -> Value {
    json!(t.to_rfc3339_opts(SecondsFormat::Secs, true))
}

fn run_calendar(op: &str, input: &Value) -> Result<Value, Error> {
    match op {
        "calendar.from_json" => Ok(serde_json::from_str(
            &BusinessCalendar::from_json(&text(input, "text")?)?.to_json(),
        )?),
        "calendar.add" => {
            let secs = input["duration_secs"]
                .as_i64()
                .ok_or_else(|| invalid("duration_secs"))?;
            Ok(iso(calendar(input)?.add(
                when(input, "start")?,
                TimeDelta::seconds(secs),
                &pauses(input)?,
            )?))
        }
        "calendar.elapsed" => {
            let d = calendar(input)?.elapsed(
                when(input, "start")?,
                when(input, "end")?,
                &pauses(input)?,
            )?;
            Ok(json!(d.num_seconds()))
        }
        "calendar.is_open" => Ok(json!(calendar(input)?.is_open(when(input, "t")?))),
        "calendar.next_open" => Ok(iso(calendar(input)?.next_open(when(input, "t")?)?)),
        "calendar.next_close" => Ok(calendar(input)?
            .next_close(when(input, "t")?)?
            .map_or(Value::Null, iso)),
        other => panic!("unknown op {other:?}: every op must be mapped in every runner"),
    }
}

fn run_sla(op: &str, input: &Value) -> Result<Value, Error> {
    let policy = match input.get("policy") {
        Some(p) => SlaPolicy::from_json(&p.to_string())?,
        None => SlaPolicy::builtin(),
    };
    match op {
        "sla.status" => {
            let events: Vec<SlaEvent> = de_at(&input["events"], "events")?;
            Ok(serde_json::to_value(sla_status(
                &policy,
                &events,
                when(input, "now")?,
            )?)?)
        }
        "sla.status_batch" => {
            let tickets: Vec<Vec<SlaEvent>> = de_at(&input["tickets"], "tickets")?;
            Ok(serde_json::to_value(sla_status_batch(
                &policy,
                &tickets,
                when(input, "now")?,
            )?)?)
        }
        "sla.policy.from_json" => Ok(serde_json::from_str(
            &SlaPolicy::from_json(&text(input, "text")?)?.to_json(),
        )?),
        other => panic!("unknown op {other:?}: every op must be mapped in every runner"),
    }
}

fn run_escalation(op: &str, input: &Value) -> Result<Value, Error> {
    if op == "escalation.policy.from_json" {
        return Ok(serde_json::from_str(
            &EscalationPolicy::from_json(&text(input, "text")?)?.to_json(),
        )?);
    }
    let policy = EscalationPolicy::from_json(&input["policy"].to_string())?;
    let table = ClassificationTable::builtin();
    let use_table = input
        .get("use_builtin_table")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let timeline = |events: &Value, now: DateTime<Utc>| -> Result<EscalationTimeline, Error> {
        let events: Vec<EscalationEvent> = de(events)?;
        escalation_timeline(&policy, &events, now, use_table.then_some(&table))
    };
    match op {
        "escalation.timeline" => Ok(serde_json::to_value(timeline(
            &input["events"],
            when(input, "now")?,
        )?)?),
        "escalation.rate" => {
            let list = input["tickets"]
                .as_array()
                .ok_or_else(|| invalid("tickets"))?;
            let timelines = list
                .iter()
                .map(|t| timeline(&t["events"], when(t, "now")?))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(serde_json::to_value(escalation_rate(&timelines))?)
        }
        other => panic!("unknown op {other:?}: every op must be mapped in every runner"),
    }
}

fn run(op: &str, input: &Value) -> Result<Value, Error> {
    if op.starts_with("sla.") {
        return run_sla(op, input);
    }
    if op.starts_with("escalation.") {
        return run_escalation(op, input);
    }
    if op.starts_with("cache.") {
        return run_cache(op, input);
    }
    if op.starts_with("calendar.") {
        return run_calendar(op, input);
    }
    if op.starts_with("anomaly.") {
        return anomaly_ops::run(op, input);
    }
    if op.starts_with("capacity.scaling.") || op.starts_with("capacity.hpa.") {
        return capacity_scaling_ops::run(op, input);
    }
    if op.starts_with("capacity.") {
        return capacity_forecast_ops::run(op, input);
    }
    if op.starts_with("kpi.") {
        return kpi_ops::run(op, input);
    }
    if op.starts_with("ops.") {
        return ops_ops::run(op, input);
    }
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
            let tickets = Ticket::list(&input["tickets"], "tickets")?;
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
                (None, Some(code), Err(e)) => {
                    code.as_str() == Some(e.code())
                        && case
                            .get("error_message")
                            .is_none_or(|m| m.as_str() == Some(e.message.as_str()))
                }
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
