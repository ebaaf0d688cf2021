//! `opsbrain::ops` for Node, in the namespace `ops`: performance actions,
//! PostgreSQL health, EXPLAIN index suggestions, healing plans and the
//! troubleshooting assistant (`KnowledgeBase`, `extractSymptoms`,
//! `diagnose`).

use napi::Env;
use napi::bindgen_prelude::{AsyncTask, Unknown};
use napi_derive::napi;
use opsbrain::ops as core;
use serde_json::Value;

use crate::convert::scalar::{self, Class};
use crate::convert::value::{self, Shape};
use crate::errors::{self, run};
use crate::task::{self, Job};
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
}

#[napi(namespace = "ops")]
impl KnowledgeBase {
    /// The causes.
    #[napi(getter, ts_return_type = "Array<CauseDef>")]
    pub fn causes<'e>(&self, env: &'e Env) -> errors::Result<Unknown<'e>> {
        run(|| value::result(env, &self.inner.causes(), &SHAPE))
    }

    /// The resolutions.
    #[napi(getter, ts_return_type = "Array<ResolutionDef>")]
    pub fn resolutions<'e>(&self, env: &'e Env) -> errors::Result<Unknown<'e>> {
        run(|| value::result(env, &self.inner.resolutions(), &SHAPE))
    }

    /// The features.
    #[napi(getter, ts_return_type = "Array<FeatureDef>")]
    pub fn features<'e>(&self, env: &'e Env) -> errors::Result<Unknown<'e>> {
        run(|| value::result(env, &self.inner.features(), &SHAPE))
    }
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
    run(|| {
        let metrics: core::PerfMetrics = value::object("metrics", &metrics, &SHAPE)?;
        let thresholds: core::PerfThresholds =
            value::opt("thresholds", thresholds.as_ref(), &SHAPE)?;
        value::result(
            env,
            &core::optimize_performance(&metrics, &thresholds)?,
            &SHAPE,
        )
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
    run(|| {
        let n = scalar::u32_("serverVersionNum", &server_version_num)?;
        value::result(env, &core::pg_queries(n), &SHAPE)
    })
}

type PgArgs = (Value, Value, Value, core::PgOptions);

fn pg_args(
    statements: &Unknown<'_>,
    indexes: &Unknown<'_>,
    tables: &Unknown<'_>,
    options: Option<&Unknown<'_>>,
) -> opsbrain::Result<PgArgs> {
    Ok((
        value::read("statements", statements, &ROWS)?,
        value::read("indexes", indexes, &ROWS)?,
        value::read("tables", tables, &ROWS)?,
        value::opt("options", options, &SHAPE)?,
    ))
}

fn pg_stats((s, i, t, o): &PgArgs) -> opsbrain::Result<core::PgHealthReport> {
    let s: Vec<core::PgStatementRow> = core::pg_rows(s, "statements")?;
    let i: Vec<core::PgIndexRow> = core::pg_rows(i, "indexes")?;
    let t: Vec<core::PgTableRow> = core::pg_rows(t, "tables")?;
    core::analyze_pg_stats(&s, &i, &t, o)
}

/// Slow statements, unused indexes and bloated tables from pg_stat rows.
#[napi(
    namespace = "ops",
    ts_args_type = "statements: Array<Record<string, unknown>>, indexes: Array<Record<string, unknown>>, tables: Array<Record<string, unknown>>, options?: PgOptions | null",
    ts_return_type = "PgHealthReport"
)]
pub fn analyze_pg_stats<'e>(
    env: &'e Env,
    statements: Unknown<'_>,
    indexes: Unknown<'_>,
    tables: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> errors::Result<Unknown<'e>> {
    run(|| {
        let args = pg_args(&statements, &indexes, &tables, options.as_ref())?;
        value::result(env, &pg_stats(&args)?, &SHAPE)
    })
}

/// As `analyzePgStats`, off the main thread.
#[napi(
    namespace = "ops",
    ts_args_type = "statements: Array<Record<string, unknown>>, indexes: Array<Record<string, unknown>>, tables: Array<Record<string, unknown>>, options?: PgOptions | null",
    ts_return_type = "Promise<PgHealthReport>"
)]
pub fn analyze_pg_stats_async(
    statements: Unknown<'_>,
    indexes: Unknown<'_>,
    tables: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> AsyncTask<Job> {
    task::spawn(|| {
        let args = pg_args(&statements, &indexes, &tables, options.as_ref())?;
        task::work(&SHAPE, move || pg_stats(&args))
    })
}

/// Sequential scans and index suggestions from an EXPLAIN (FORMAT JSON) plan.
#[napi(
    namespace = "ops",
    ts_args_type = "plan: string | object | object[], options?: PgOptions | null",
    ts_return_type = "ExplainAnalysis"
)]
pub fn analyze_explain<'e>(
    env: &'e Env,
    plan: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> errors::Result<Unknown<'e>> {
    run(|| {
        let options: core::PgOptions = value::opt("options", options.as_ref(), &SHAPE)?;
        let text = value::json_text(env, "plan", &plan)?;
        value::result(env, &core::analyze_explain_json(&text, &options)?, &SHAPE)
    })
}

/// As `analyzeExplain`, off the main thread.
#[napi(
    namespace = "ops",
    ts_args_type = "plan: string | object | object[], options?: PgOptions | null",
    ts_return_type = "Promise<ExplainAnalysis>"
)]
pub fn analyze_explain_async(
    env: Env,
    plan: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> AsyncTask<Job> {
    task::spawn(|| {
        let options: core::PgOptions = value::opt("options", options.as_ref(), &SHAPE)?;
        let text = value::json_text(&env, "plan", &plan)?;
        task::work(&SHAPE, move || core::analyze_explain_json(&text, &options))
    })
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
    run(|| {
        let before = scalar::number("beforeMs", &before_ms)?;
        let after = scalar::number("afterMs", &after_ms)?;
        let options: core::PgOptions = value::opt("options", options.as_ref(), &SHAPE)?;
        value::result(env, &core::evaluate_index(before, after, &options)?, &SHAPE)
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
    run(|| {
        let checks: core::HealthChecks = value::object("checks", &checks, &SHAPE)?;
        let options: core::HealingOptions = value::opt("options", options.as_ref(), &SHAPE)?;
        value::result(env, &core::healing_plan(&checks, &options)?, &SHAPE)
    })
}

type DiagnoseArgs = (
    core::KnowledgeBase,
    core::Report,
    chrono::DateTime<chrono::Utc>,
    core::DiagnoseOptions,
);

fn diagnose_args(
    report: &Unknown<'_>,
    now: &Unknown<'_>,
    kb: &Option<Class<'_, KnowledgeBase>>,
    options: Option<&Unknown<'_>>,
) -> opsbrain::Result<DiagnoseArgs> {
    let report = value::object("report", report, &SHAPE)?;
    let now = scalar::instant("now", now)?;
    let kb = scalar::opt_class("kb", "KnowledgeBase", kb)?
        .map(|k| k.inner.clone())
        .unwrap_or_default();
    Ok((kb, report, now, value::opt("options", options, &SHAPE)?))
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
    run(|| {
        let (kb, report, now, o) = diagnose_args(&report, &now, &kb, options.as_ref())?;
        value::result(env, &core::extract_symptoms(&kb, &report, now, &o)?, &SHAPE)
    })
}

/// Ranked causes, diagnostic steps and resolutions for a report.
#[napi(
    namespace = "ops",
    ts_args_type = "report: Report, now: Instant, kb?: KnowledgeBase | null, options?: DiagnoseOptions | null",
    ts_return_type = "Diagnosis"
)]
pub fn diagnose<'e>(
    env: &'e Env,
    report: Unknown<'_>,
    now: Unknown<'_>,
    kb: Option<Class<'_, KnowledgeBase>>,
    options: Option<Unknown<'_>>,
) -> errors::Result<Unknown<'e>> {
    run(|| {
        let (kb, report, now, o) = diagnose_args(&report, &now, &kb, options.as_ref())?;
        value::result(env, &core::diagnose(&kb, &report, now, &o)?, &SHAPE)
    })
}

/// As `diagnose`, off the main thread.
#[napi(
    namespace = "ops",
    ts_args_type = "report: Report, now: Instant, kb?: KnowledgeBase | null, options?: DiagnoseOptions | null",
    ts_return_type = "Promise<Diagnosis>"
)]
pub fn diagnose_async(
    report: Unknown<'_>,
    now: Unknown<'_>,
    kb: Option<Class<'_, KnowledgeBase>>,
    options: Option<Unknown<'_>>,
) -> AsyncTask<Job> {
    task::spawn(|| {
        let (kb, report, now, o) = diagnose_args(&report, &now, &kb, options.as_ref())?;
        task::work(&SHAPE, move || core::diagnose(&kb, &report, now, &o))
    })
}
