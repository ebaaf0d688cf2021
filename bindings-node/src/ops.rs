//! `opsbrain::ops` for Node, in the namespace `ops`: performance actions,
//! PostgreSQL health, EXPLAIN index suggestions, healing plans and the
//! troubleshooting assistant (`KnowledgeBase`, `extractSymptoms`,
//! `diagnose`).

use chrono::{DateTime, Utc};
use napi::Env;
use napi::bindgen_prelude::Unknown;
use napi_derive::napi;
use opsbrain::ops as core;
use serde::Serialize;

use crate::convert::scalar::{self, Class};
use crate::convert::value::{self, Shape};
use crate::errors;
use crate::task::{self, Work, twins};
use crate::types::class;

const SHAPE: Shape = Shape {
    instants: &["since", "until"],
    raw: &["table_rows"],
    ..Shape::PLAIN
};

const ROWS: Shape = Shape {
    raw: &[""],
    ..Shape::PLAIN
};

class! {
    "A validated knowledge base of the troubleshooting assistant."
    #[napi(namespace = "ops")]
    pub struct KnowledgeBase(core::KnowledgeBase);
    "The built-in knowledge base."
    fn builtin = core::KnowledgeBase::builtin();
    "Parses and validates a JSON knowledge base."
    fn from_json;
    "The knowledge base as JSON."
    fn to_json;
    "The causes."
    fn causes => "Array<CauseDef>" = core::KnowledgeBase::causes;
    "The resolutions."
    fn resolutions => "Array<ResolutionDef>" = core::KnowledgeBase::resolutions;
    "The features."
    fn features => "Array<FeatureDef>" = core::KnowledgeBase::features;
}

/// Performance actions for metrics against thresholds.
#[napi(
    namespace = "ops",
    ts_args_type = "metrics: PerfMetrics, thresholds?: PerfThresholds | null",
    ts_return_type = "Array<PerfAction>"
)]
pub fn optimize_performance<'e>(
    env: &'e Env,
    metrics: Unknown<'_>,
    thresholds: Option<Unknown<'_>>,
) -> errors::Result<Unknown<'e>> {
    task::reply(env, &SHAPE, || {
        let metrics: core::PerfMetrics = value::object("metrics", &metrics, &SHAPE)?;
        let thresholds: core::PerfThresholds =
            value::opt("thresholds", thresholds.as_ref(), &SHAPE)?;
        core::optimize_performance(&metrics, &thresholds)
    })
}

/// The statistics queries for a PostgreSQL server version.
#[napi(
    namespace = "ops",
    ts_args_type = "serverVersionNum: number",
    ts_return_type = "PgQueries"
)]
pub fn pg_queries<'e>(
    env: &'e Env,
    server_version_num: Unknown<'_>,
) -> errors::Result<Unknown<'e>> {
    task::reply(env, &SHAPE, || {
        let n = scalar::u32_("serverVersionNum", &server_version_num)?;
        Ok(core::pg_queries(n))
    })
}

fn pg_report(
    statements: &Unknown<'_>,
    indexes: &Unknown<'_>,
    tables: &Unknown<'_>,
    options: &Option<Unknown<'_>>,
) -> opsbrain::Result<Work> {
    let s = value::read("statements", statements, &ROWS)?;
    let i = value::read("indexes", indexes, &ROWS)?;
    let t = value::read("tables", tables, &ROWS)?;
    let o: core::PgOptions = value::opt("options", options.as_ref(), &SHAPE)?;
    task::work(&SHAPE, move || {
        let s: Vec<core::PgStatementRow> = core::pg_rows(&s, "statements")?;
        let i: Vec<core::PgIndexRow> = core::pg_rows(&i, "indexes")?;
        let t: Vec<core::PgTableRow> = core::pg_rows(&t, "tables")?;
        core::analyze_pg_stats(&s, &i, &t, &o)
    })
}

fn explain(plan: &Unknown<'_>, options: &Option<Unknown<'_>>) -> opsbrain::Result<Work> {
    let options: core::PgOptions = value::opt("options", options.as_ref(), &SHAPE)?;
    let text = value::json_text("plan", plan)?;
    task::work(&SHAPE, move || core::analyze_explain_json(&text, &options))
}

twins! {
    #[napi(
        namespace = "ops",
        ts_args_type = "statements: Array<Record<string, unknown>>, indexes: Array<Record<string, unknown>>, tables: Array<Record<string, unknown>>, options?: PgOptions | null"
    )]
    "Slow statements, unused indexes and bloated tables from pg_stat rows."
    fn analyze_pg_stats -> "PgHealthReport";
    "As `analyzePgStats`, off the main thread."
    fn analyze_pg_stats_async -> "Promise<PgHealthReport>";
    with pg_report(
        statements: Unknown<'_>,
        indexes: Unknown<'_>,
        tables: Unknown<'_>,
        options: Option<Unknown<'_>>,
    );

    #[napi(
        namespace = "ops",
        ts_args_type = "plan: string | object | object[], options?: PgOptions | null"
    )]
    "Sequential scans and index suggestions from an EXPLAIN (FORMAT JSON) plan."
    fn analyze_explain -> "ExplainAnalysis";
    "As `analyzeExplain`, off the main thread."
    fn analyze_explain_async -> "Promise<ExplainAnalysis>";
    with explain(plan: Unknown<'_>, options: Option<Unknown<'_>>);
}

/// Whether an index paid off, from query times before and after.
#[napi(
    namespace = "ops",
    ts_args_type = "beforeMs: number, afterMs: number, options?: PgOptions | null",
    ts_return_type = "IndexEvaluation"
)]
pub fn evaluate_index<'e>(
    env: &'e Env,
    before_ms: Unknown<'_>,
    after_ms: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> errors::Result<Unknown<'e>> {
    task::reply(env, &SHAPE, || {
        let before = scalar::number("beforeMs", &before_ms)?;
        let after = scalar::number("afterMs", &after_ms)?;
        let options: core::PgOptions = value::opt("options", options.as_ref(), &SHAPE)?;
        core::evaluate_index(before, after, &options)
    })
}

/// A remediation plan for failed health checks.
#[napi(
    namespace = "ops",
    ts_args_type = "checks: HealthChecks, options?: HealingOptions | null",
    ts_return_type = "RemediationPlan"
)]
pub fn healing_plan<'e>(
    env: &'e Env,
    checks: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> errors::Result<Unknown<'e>> {
    task::reply(env, &SHAPE, || {
        let checks: core::HealthChecks = value::object("checks", &checks, &SHAPE)?;
        let options: core::HealingOptions = value::opt("options", options.as_ref(), &SHAPE)?;
        core::healing_plan(&checks, &options)
    })
}

/// The troubleshooting assistant's `f` on a report at `now`.
fn assistant<T: Serialize + Send + 'static>(
    f: fn(
        &core::KnowledgeBase,
        &core::Report,
        DateTime<Utc>,
        &core::DiagnoseOptions,
    ) -> opsbrain::Result<T>,
    report: &Unknown<'_>,
    now: &Unknown<'_>,
    kb: &Option<Class<'_, KnowledgeBase>>,
    options: &Option<Unknown<'_>>,
) -> opsbrain::Result<Work> {
    let report: core::Report = value::object("report", report, &SHAPE)?;
    let now = scalar::instant("now", now)?;
    let kb = scalar::opt_class("kb", "KnowledgeBase", kb)?;
    let kb = kb.map(|k| k.inner.clone()).unwrap_or_default();
    let o: core::DiagnoseOptions = value::opt("options", options.as_ref(), &SHAPE)?;
    task::work(&SHAPE, move || f(&kb, &report, now, &o))
}

/// The symptoms the assistant reads from a report.
#[napi(
    namespace = "ops",
    ts_args_type = "report: Report, now: Instant, kb?: KnowledgeBase | null, options?: DiagnoseOptions | null",
    ts_return_type = "Symptoms"
)]
pub fn extract_symptoms<'e>(
    env: &'e Env,
    report: Unknown<'_>,
    now: Unknown<'_>,
    kb: Option<Class<'_, KnowledgeBase>>,
    options: Option<Unknown<'_>>,
) -> errors::Result<Unknown<'e>> {
    let f = core::extract_symptoms;
    task::now(env, || assistant(f, &report, &now, &kb, &options))
}

twins! {
    #[napi(
        namespace = "ops",
        ts_args_type = "report: Report, now: Instant, kb?: KnowledgeBase | null, options?: DiagnoseOptions | null"
    )]
    "Ranked causes, diagnostic steps and resolutions for a report."
    fn diagnose -> "Diagnosis";
    "As `diagnose`, off the main thread."
    fn diagnose_async -> "Promise<Diagnosis>";
    with assistant[core::diagnose](
        report: Unknown<'_>,
        now: Unknown<'_>,
        kb: Option<Class<'_, KnowledgeBase>>,
        options: Option<Unknown<'_>>,
    );
}
