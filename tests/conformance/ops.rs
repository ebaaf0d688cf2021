//! Fixture ops for `ops` (see tests/README.md for the format).

use opsbrain::ops::{
    self, DiagnoseOptions, HealingOptions, HealthChecks, KnowledgeBase, PerfMetrics,
    PerfThresholds, PgIndexRow, PgOptions, PgStatementRow, PgTableRow, Report,
};
use opsbrain::{Error, ErrorKind};
use serde_json::{Value, json};

use super::when;

/// Reads a value as the bindings do: a shape error (unknown field, wrong
/// type) is `invalid_input`, as in Python and Node.
fn de<T: serde::de::DeserializeOwned>(v: &Value) -> Result<T, Error> {
    serde_json::from_value(v.clone())
        .map_err(|e| Error::new(ErrorKind::InvalidInput, e.to_string()))
}

fn opt<T: serde::de::DeserializeOwned + Default>(input: &Value, key: &str) -> Result<T, Error> {
    match input.get(key) {
        None | Some(Value::Null) => Ok(T::default()),
        Some(v) => de(v),
    }
}

fn to_value<T: serde::Serialize>(v: T) -> Result<Value, Error> {
    Ok(serde_json::to_value(v)?)
}

fn kb(input: &Value) -> Result<KnowledgeBase, Error> {
    match input.get("kb_json").and_then(Value::as_str) {
        Some(text) => KnowledgeBase::from_json(text),
        None => Ok(KnowledgeBase::builtin()),
    }
}

pub fn run(op: &str, input: &Value) -> Result<Value, Error> {
    match op {
        "ops.optimize_performance" => {
            let metrics: PerfMetrics = de(&input["metrics"])?;
            let thresholds: PerfThresholds = opt(input, "thresholds")?;
            to_value(ops::optimize_performance(&metrics, &thresholds)?)
        }
        "ops.pg_queries" => {
            let v: u32 = de(&input["server_version_num"])?;
            to_value(ops::pg_queries(v))
        }
        "ops.analyze_pg_stats" => {
            let statements: Vec<PgStatementRow> = ops::pg_rows(&input["statements"], "statements")?;
            let indexes: Vec<PgIndexRow> = ops::pg_rows(&input["indexes"], "indexes")?;
            let tables: Vec<PgTableRow> = ops::pg_rows(&input["tables"], "tables")?;
            let options: PgOptions = opt(input, "options")?;
            to_value(ops::analyze_pg_stats(
                &statements,
                &indexes,
                &tables,
                &options,
            )?)
        }
        "ops.analyze_explain" => {
            let options: PgOptions = opt(input, "options")?;
            match input.get("plan_text").and_then(Value::as_str) {
                Some(text) => to_value(ops::analyze_explain_json(text, &options)?),
                None => to_value(ops::analyze_explain(&input["plan"], &options)?),
            }
        }
        "ops.evaluate_index" => {
            let options: PgOptions = opt(input, "options")?;
            to_value(ops::evaluate_index(
                de(&input["before_ms"])?,
                de(&input["after_ms"])?,
                &options,
            )?)
        }
        "ops.healing_plan" => {
            let checks: HealthChecks = de(&input["checks"])?;
            let options: HealingOptions = opt(input, "options")?;
            to_value(ops::healing_plan(&checks, &options)?)
        }
        "ops.extract_symptoms" => {
            let report: Report = de(&input["report"])?;
            let options: DiagnoseOptions = opt(input, "options")?;
            to_value(ops::extract_symptoms(
                &kb(input)?,
                &report,
                when(input, "now")?,
                &options,
            )?)
        }
        "ops.diagnose" => {
            let report: Report = de(&input["report"])?;
            let options: DiagnoseOptions = opt(input, "options")?;
            to_value(ops::diagnose(
                &kb(input)?,
                &report,
                when(input, "now")?,
                &options,
            )?)
        }
        "ops.knowledge_base" => {
            let kb = kb(input)?;
            Ok(json!({
                "causes": kb.causes().len(),
                "resolutions": kb.resolutions().len(),
                "features": kb.features().len(),
            }))
        }
        other => panic!("unknown op {other:?}: every op must be mapped in every runner"),
    }
}
