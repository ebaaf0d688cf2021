//! `opsbrain::ops` for Node, in the namespace `ops`: the performance
//! optimiser (`optimizePerformance`), PostgreSQL health (`pgQueries`,
//! `analyzePgStats`, `analyzeExplain`, `evaluateIndex`), self-healing plans
//! (`healingPlan`) and the troubleshooting assistant (`KnowledgeBase`,
//! `extractSymptoms`, `diagnose`, `diagnoseAsync`).
//!
//! Metrics, checks, options and reports are plain objects in camelCase,
//! instants `Date`s or ISO-8601 strings with an offset. Statistics rows are
//! node-postgres's `result.rows` as they come (PostgreSQL's column names,
//! numbers or numeric strings); plans are `EXPLAIN (FORMAT JSON)` output,
//! as text or parsed. Results are the core results' serde form with
//! camelCase keys and a timeframe's `since`/`until` as `Date`s (or `null`).
//! Conversions are in `crate::convert::ops`; errors go through
//! `crate::errors`. No rule lives here.

use chrono::{DateTime, Utc};
use napi::Env;
use napi::bindgen_prelude::{AsyncTask, ClassInstance, Either, Unknown};
use napi_derive::napi;
use opsbrain::ops as core;
use opsbrain::{Error, ErrorKind};
use serde_json::Value;

use crate::convert::cache as cconv;
use crate::convert::calendar::instant;
use crate::convert::kpi::nullish;
use crate::convert::ops as conv;
use crate::convert::{self, StrArg};
use crate::errors::{self, JsonJob, JsonTask, guard, run};

// ---------------------------------------------------------------- TS types
//
// The structs below declare TypeScript interfaces only: values are read
// and written by `convert::ops` through serde.

/// One query the application saw as slow.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "ops"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct SlowQuery {
    pub query: String,
    /// Execution time, ms (mean or observed).
    pub execution_time_ms: f64,
}

/// A metrics snapshot; every metric is optional (absent: not checked).
/// Ratios are fractions in [0, 1].
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "ops"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct PerfMetrics {
    /// ms (p95 or mean).
    pub response_time_ms: Option<f64>,
    pub error_rate: Option<f64>,
    pub cpu_usage: Option<f64>,
    pub memory_usage: Option<f64>,
    pub cache_hit_ratio: Option<f64>,
    /// Share of CDN requests that reach the origin.
    pub origin_load: Option<f64>,
    #[napi(ts_type = "Array<SlowQuery>")]
    pub slow_queries: Option<String>,
}

/// The optimiser's thresholds (any subset; defaults are the framework's).
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "ops"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct PerfThresholds {
    /// 2000.
    pub response_time_ms: Option<f64>,
    /// 0.001.
    pub error_rate: Option<f64>,
    /// 0.70.
    pub cpu_usage: Option<f64>,
    /// 0.80.
    pub memory_usage: Option<f64>,
    /// 0.85.
    pub cache_hit_ratio: Option<f64>,
    /// 0.60.
    pub origin_load: Option<f64>,
    /// 1000.
    pub slow_query_ms: Option<f64>,
}

/// A rewrite hint found in SQL text.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "ops"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct RewriteHint {
    /// `select_star`, `leading_wildcard_like`, `large_offset`, ...
    pub id: String,
    pub advice: String,
}

/// One action proposed by `optimizePerformance`.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "ops"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct PerfAction {
    #[napi(
        ts_type = "'optimize_query' | 'optimize_caching' | 'auto_scale' | 'optimize_cdn' | 'investigate_latency' | 'investigate_errors'"
    )]
    pub action: String,
    /// `cpu_usage`, `slow_queries[2]`, ...
    pub metric: String,
    pub value: f64,
    pub threshold: f64,
    #[napi(ts_type = "'above' | 'below'")]
    pub direction: String,
    pub reason: String,
    pub steps: Vec<String>,
    /// For `optimize_query`.
    pub query: Option<String>,
    /// For `optimize_query`.
    #[napi(ts_type = "Array<RewriteHint>")]
    pub rewrite_hints: Option<String>,
}

/// The SQL of the three statistics queries.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "ops"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct PgQueries {
    pub statements: String,
    pub indexes: String,
    pub tables: String,
}

/// Thresholds of the statistics and plan rules (any subset).
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "ops"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct PgOptions {
    /// 100.
    pub slow_mean_ms: Option<f64>,
    /// 20.
    pub slow_limit: Option<u32>,
    /// 10.
    pub unused_scans: Option<f64>,
    /// 1000.
    pub bloat_dead_tuples: Option<f64>,
    /// 0.05.
    pub max_selectivity: Option<f64>,
    /// 1000.
    pub min_rows_scanned: Option<f64>,
    /// 0.3.
    pub build_impact: Option<f64>,
    /// 0.10.
    pub drop_improvement: Option<f64>,
    /// Row counts by `'schema.table'` or `'table'`, for plans without ANALYZE.
    #[napi(ts_type = "Record<string, number>")]
    pub table_rows: Option<String>,
}

/// A slow statement.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "ops"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct SlowStatement {
    #[napi(ts_type = "string | null")]
    pub queryid: String,
    pub query: String,
    pub calls: f64,
    pub total_time_ms: f64,
    pub mean_time_ms: f64,
    #[napi(ts_type = "number | null")]
    pub rows: String,
    #[napi(ts_type = "number | null")]
    pub hit_percent: String,
    pub share_of_total_time: f64,
    #[napi(ts_type = "Array<RewriteHint>")]
    pub rewrite_hints: String,
}

/// An index with too few scans.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "ops"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct UnusedIndex {
    pub schema: String,
    pub table: String,
    pub index: String,
    pub idx_scan: f64,
    #[napi(ts_type = "number | null")]
    pub index_bytes: String,
    pub drop_statement: String,
}

/// A table with many dead tuples.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "ops"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct BloatedTable {
    pub schema: String,
    pub table: String,
    pub dead_tuples: f64,
    pub dead_tuple_percent: f64,
    #[napi(ts_type = "number | null")]
    pub dead_fraction: String,
    pub inserts: f64,
    pub updates: f64,
    pub deletes: f64,
    pub vacuum_statement: String,
}

/// The result of `analyzePgStats`.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "ops"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct PgHealthReport {
    #[napi(ts_type = "Array<SlowStatement>")]
    pub slow_queries: String,
    #[napi(ts_type = "Array<UnusedIndex>")]
    pub unused_indexes: String,
    pub constraint_indexes_skipped: u32,
    #[napi(ts_type = "Array<BloatedTable>")]
    pub bloated_tables: String,
}

/// A sequential scan with a filter.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "ops"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct SeqScan {
    #[napi(ts_type = "string | null")]
    pub schema: String,
    pub table: String,
    #[napi(ts_type = "string | null")]
    pub alias: String,
    pub filter: String,
    #[napi(ts_type = "number | null")]
    pub rows_scanned: String,
    #[napi(ts_type = "number | null")]
    pub selectivity: String,
    pub time_share: f64,
    pub columns: Vec<String>,
    /// Why no index is suggested (`null` when one is).
    #[napi(ts_type = "string | null")]
    pub skipped: String,
}

/// A suggested index.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "ops"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct IndexSuggestion {
    #[napi(ts_type = "string | null")]
    pub schema: String,
    pub table: String,
    pub columns: Vec<String>,
    #[napi(ts_type = "'btree' | 'gin_trgm'")]
    pub index_type: String,
    pub create_statement: String,
    pub estimated_impact: f64,
    pub build: bool,
    pub filter: String,
}

/// The result of `analyzeExplain`.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "ops"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct ExplainAnalysis {
    pub analyzed: bool,
    /// Execution time (ms, ANALYZE) or total cost.
    pub total: f64,
    #[napi(ts_type = "Array<SeqScan>")]
    pub seq_scans: String,
    #[napi(ts_type = "Array<IndexSuggestion>")]
    pub suggestions: String,
}

/// The result of `evaluateIndex`.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "ops"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct IndexEvaluation {
    pub before_ms: f64,
    pub after_ms: f64,
    pub improvement: f64,
    pub drop_candidate: bool,
    pub threshold: f64,
}

/// One round of health checks; every check is optional.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "ops"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct HealthChecks {
    pub database_reachable: Option<bool>,
    pub cache_ping: Option<bool>,
    /// HTTP status of the health URL; 0 = no response.
    pub app_health_status: Option<u32>,
    pub disk_usage_percent: Option<f64>,
    /// Step ids already tried in this incident.
    pub already_tried: Option<Vec<String>>,
}

/// Thresholds and targets of `healingPlan` (any subset).
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "ops"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct HealingOptions {
    /// 85.
    pub disk_cleanup_percent: Option<f64>,
    /// 90.
    pub disk_alert_percent: Option<f64>,
    /// 7.
    pub tmp_age_days: Option<u32>,
    /// 30.
    pub log_age_days: Option<u32>,
    pub tmp_dir: Option<String>,
    pub log_dir: Option<String>,
    pub database_proxy_deployment: Option<String>,
    pub app_deployment: Option<String>,
}

/// One step of a remediation plan.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "ops"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct RemediationStep {
    pub id: String,
    pub check: String,
    pub reason: String,
    pub action: String,
    #[napi(ts_type = "string | null")]
    pub command: String,
    #[napi(ts_type = "'safe' | 'destructive'")]
    pub safety: String,
    pub requires_confirmation: bool,
}

/// The result of `healingPlan`.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "ops"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct RemediationPlan {
    pub healthy: bool,
    pub failed_checks: Vec<String>,
    #[napi(ts_type = "Array<RemediationStep>")]
    pub steps: String,
}

/// A user's report.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "ops"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct Report {
    pub title: Option<String>,
    /// At most 1 MiB with the title.
    pub description: Option<String>,
    /// Feature ids or names.
    pub features: Option<Vec<String>>,
}

/// Options of `extractSymptoms` and `diagnose` (any subset).
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "ops"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct DiagnoseOptions {
    /// IANA time zone for "since yesterday" (`'UTC'`).
    pub timezone: Option<String>,
    /// 0.6.
    pub error_code_weight: Option<f64>,
    /// 0.35.
    pub feature_weight: Option<f64>,
    /// 0.2.
    pub keyword_weight: Option<f64>,
    /// 0.25.
    pub action_weight: Option<f64>,
    /// 10.
    pub max_causes: Option<u32>,
}

/// An error code found in a report.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "ops"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct ErrorCode {
    pub code: String,
    #[napi(ts_type = "'http' | 'quickbooks' | 'application'")]
    pub kind: String,
}

/// A time phrase resolved against `now`.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "ops"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct Timeframe {
    pub phrase: String,
    #[napi(ts_type = "Date | null")]
    pub since: String,
    #[napi(ts_type = "Date | null")]
    pub until: String,
    #[napi(ts_type = "string | null")]
    pub event: String,
}

/// Symptoms extracted from a report.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "ops"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct Symptoms {
    pub keywords: Vec<String>,
    #[napi(ts_type = "Array<ErrorCode>")]
    pub error_codes: String,
    pub user_actions: Vec<String>,
    pub affected_features: Vec<String>,
    #[napi(ts_type = "Array<Timeframe>")]
    pub timeframes: String,
}

/// What matched for one cause.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "ops"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct Evidence {
    pub keywords: Vec<String>,
    pub error_codes: Vec<String>,
    pub features: Vec<String>,
    pub actions: Vec<String>,
}

/// A possible cause.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "ops"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct PossibleCause {
    pub id: String,
    pub description: String,
    #[napi(ts_type = "string | null")]
    pub issue_type: String,
    pub strength: f64,
    #[napi(ts_type = "Evidence")]
    pub evidence: String,
}

/// A diagnostic step and the cause it tests.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "ops"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct DiagnosticStep {
    pub cause: String,
    pub step: String,
}

/// A ranked resolution.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "ops"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct RankedResolution {
    pub id: String,
    pub cause: String,
    pub cause_description: String,
    pub steps: Vec<String>,
    pub estimated_minutes: f64,
    pub success_rate: f64,
    pub requires_escalation: bool,
    #[napi(ts_type = "{ tier: number, department: string } | null")]
    pub escalate_to: String,
    pub score: f64,
}

/// The result of `diagnose`.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "ops"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct Diagnosis {
    #[napi(ts_type = "Symptoms")]
    pub symptoms: String,
    #[napi(ts_type = "Array<PossibleCause>")]
    pub possible_causes: String,
    #[napi(ts_type = "Array<DiagnosticStep>")]
    pub diagnostic_steps: String,
    #[napi(ts_type = "Array<RankedResolution>")]
    pub resolutions: String,
    pub confidence: f64,
}

/// A knowledge-base feature.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "ops"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct FeatureDef {
    pub id: String,
    pub name: String,
    pub keywords: Vec<String>,
}

/// A knowledge-base cause.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "ops"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct CauseDef {
    pub id: String,
    pub description: String,
    #[napi(ts_type = "string | null")]
    pub issue_type: String,
    #[napi(
        ts_type = "{ keywords: string[], errorCodes: string[], features: string[], actions: string[] }"
    )]
    pub symptoms: String,
    pub diagnostics: Vec<String>,
}

/// A knowledge-base resolution.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "ops"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct ResolutionDef {
    pub id: String,
    pub cause: String,
    pub steps: Vec<String>,
    pub estimated_minutes: f64,
    pub success_rate: f64,
    pub requires_escalation: bool,
}

// ---------------------------------------------------------------- KnowledgeBase

/// A validated knowledge base of the troubleshooting assistant: features,
/// causes (with their symptom patterns and diagnostic steps) and
/// resolutions. `KnowledgeBase.builtin()` covers the framework's issue
/// types; `fromJson` reads your own (the core's JSON: snake_case keys).
///
/// @example
/// ```js
/// const { ops } = require('opsbrain')
/// const kb = ops.KnowledgeBase.fromJson(JSON.stringify({ causes: [
///   { id: 'disk_full', description: 'The disk is full', symptoms: { keywords: ['no space left'] } }] }))
/// kb.causes[0].id // 'disk_full'
/// ```
#[napi(namespace = "ops")]
#[derive(Debug, Clone)]
pub struct KnowledgeBase {
    inner: core::KnowledgeBase,
}

#[napi(namespace = "ops")]
impl KnowledgeBase {
    /// The knowledge base shipped with opsbrain.
    ///
    /// @example
    /// ```js
    /// ops.KnowledgeBase.builtin().causes.length >= 10 // true
    /// ```
    #[napi(factory)]
    pub fn builtin() -> errors::Result<Self> {
        run(|| {
            Ok(KnowledgeBase {
                inner: core::KnowledgeBase::builtin(),
            })
        })
    }

    /// Parses and validates a knowledge base. Throws `.code`
    /// `'parse_error'` for malformed JSON or an unknown key,
    /// `'invalid_config'` for a duplicate id, an unknown reference, a blank
    /// pattern or a bad error-code regex, `'limit_exceeded'` past 10,000
    /// entries.
    #[napi(factory, ts_args_type = "text: string")]
    pub fn from_json(text: StrArg<'_>) -> errors::Result<Self> {
        run(|| {
            let inner = core::KnowledgeBase::from_json(&convert::string("text", text)?)?;
            Ok(KnowledgeBase { inner })
        })
    }

    /// The knowledge base as JSON; `fromJson` reads it back.
    #[napi]
    pub fn to_json(&self) -> errors::Result<String> {
        run(|| Ok(self.inner.to_json()))
    }

    /// The causes, in order (camelCase keys).
    #[napi(getter, ts_return_type = "Array<CauseDef>")]
    pub fn causes<'env>(&self, env: &'env Env) -> errors::Result<Unknown<'env>> {
        run(|| conv::result(env, serde_json::to_value(self.inner.causes())))
    }

    /// The resolutions, in order (camelCase keys).
    #[napi(getter, ts_return_type = "Array<ResolutionDef>")]
    pub fn resolutions<'env>(&self, env: &'env Env) -> errors::Result<Unknown<'env>> {
        run(|| conv::result(env, serde_json::to_value(self.inner.resolutions())))
    }

    /// The features, in order.
    #[napi(getter, ts_return_type = "Array<FeatureDef>")]
    pub fn features<'env>(&self, env: &'env Env) -> errors::Result<Unknown<'env>> {
        run(|| conv::result(env, serde_json::to_value(self.inner.features())))
    }
}

type KbArg<'a> = Option<Either<ClassInstance<'a, KnowledgeBase>, Unknown<'a>>>;

/// The knowledge base argument (`undefined`/`null`: the built-in one).
fn kb(arg: KbArg<'_>) -> opsbrain::Result<core::KnowledgeBase> {
    match arg {
        Some(Either::A(k)) => Ok(k.inner.clone()),
        Some(Either::B(v)) if !nullish(&v) => Err(Error::new(
            ErrorKind::InvalidType,
            "kb must be a KnowledgeBase, or undefined for the built-in one",
        )),
        _ => Ok(core::KnowledgeBase::builtin()),
    }
}

// ---------------------------------------------------------------- async

/// Heavy work, converted on the JS thread, run on either thread.
pub enum Job {
    /// `diagnose`.
    Diagnose {
        kb: core::KnowledgeBase,
        report: Box<core::Report>,
        now: DateTime<Utc>,
        options: core::DiagnoseOptions,
    },
    /// `analyzePgStats`: the rows as JSON, read into typed rows by the core.
    PgStats {
        statements: Value,
        indexes: Value,
        tables: Value,
        options: Box<core::PgOptions>,
    },
    /// `analyzeExplain`: the plan as JSON text.
    Explain {
        text: String,
        options: Box<core::PgOptions>,
    },
}

impl Job {
    fn diagnose(
        report: &Unknown<'_>,
        now: &Unknown<'_>,
        kb_arg: KbArg<'_>,
        options: Option<&Unknown<'_>>,
    ) -> opsbrain::Result<Self> {
        Ok(Job::Diagnose {
            report: Box::new(conv::object("report", report, serde_json::from_value)?),
            now: instant("now", now)?,
            kb: kb(kb_arg)?,
            options: conv::optional("options", options, serde_json::from_value)?,
        })
    }

    fn pg_stats(
        statements: &Unknown<'_>,
        indexes: &Unknown<'_>,
        tables: &Unknown<'_>,
        options: Option<&Unknown<'_>>,
    ) -> opsbrain::Result<Self> {
        Ok(Job::PgStats {
            statements: conv::rows("statements", statements)?,
            indexes: conv::rows("indexes", indexes)?,
            tables: conv::rows("tables", tables)?,
            options: Box::new(conv::optional("options", options, serde_json::from_value)?),
        })
    }

    fn explain(
        env: &Env,
        plan: &Unknown<'_>,
        options: Option<&Unknown<'_>>,
    ) -> opsbrain::Result<Self> {
        let options = Box::new(conv::optional("options", options, serde_json::from_value)?);
        Ok(Job::Explain {
            text: conv::plan_text(env, plan)?,
            options,
        })
    }
}

impl JsonJob for Job {
    const INSTANT_KEYS: &'static [&'static str] = &conv::INSTANT_KEYS;

    fn run(&self) -> opsbrain::Result<Value> {
        let v = match self {
            Job::Diagnose {
                kb,
                report,
                now,
                options,
            } => serde_json::to_value(core::diagnose(kb, report, *now, options)?),
            Job::PgStats {
                statements,
                indexes,
                tables,
                options,
            } => {
                let s: Vec<core::PgStatementRow> = core::pg_rows(statements, "statements")?;
                let i: Vec<core::PgIndexRow> = core::pg_rows(indexes, "indexes")?;
                let t: Vec<core::PgTableRow> = core::pg_rows(tables, "tables")?;
                serde_json::to_value(core::analyze_pg_stats(&s, &i, &t, options)?)
            }
            Job::Explain { text, options } => {
                serde_json::to_value(core::analyze_explain_json(text, options)?)
            }
        };
        Ok(v?)
    }
}

// ---------------------------------------------------------------- functions

/// The optimisation actions a metrics snapshot calls for (the framework's
/// PerformanceOptimizer): slow queries (slowest first, with rewrite
/// hints), caching, auto-scaling, CDN, then latency and error
/// investigations. A metric exactly at its threshold does not trigger.
///
/// Throws `.code` `'invalid_input'` for a ratio outside [0, 1], a negative
/// time or a misspelled key (JS spells them in camelCase),
/// `'invalid_config'` for bad thresholds, `'invalid_type'` for a non-object.
///
/// @example
/// ```js
/// const { ops } = require('opsbrain')
/// const actions = ops.optimizePerformance({ cpuUsage: 0.82, cacheHitRatio: 0.91,
///   slowQueries: [{ query: 'SELECT * FROM orders', executionTimeMs: 2400 }] })
/// actions.map((a) => a.action) // ['optimize_query', 'auto_scale']
/// actions[0].rewriteHints[0].id // 'select_star'
/// ```
#[napi(
    namespace = "ops",
    ts_args_type = "metrics: PerfMetrics, thresholds?: PerfThresholds | null",
    ts_return_type = "Array<PerfAction>"
)]
pub fn optimize_performance<'env>(
    env: &'env Env,
    metrics: Unknown<'_>,
    thresholds: Option<Unknown<'_>>,
) -> errors::Result<Unknown<'env>> {
    run(|| {
        let metrics: core::PerfMetrics = conv::object("metrics", &metrics, serde_json::from_value)?;
        let thresholds: core::PerfThresholds =
            conv::optional("thresholds", thresholds.as_ref(), serde_json::from_value)?;
        let actions = core::optimize_performance(&metrics, &thresholds)?;
        conv::result(env, serde_json::to_value(actions))
    })
}

/// The SQL of the three statistics queries (`pg_stat_statements`,
/// `pg_stat_user_indexes` with `pg_index`, `pg_stat_user_tables`) for a
/// server of version `serverVersionNum` (`SHOW server_version_num`); run
/// them and pass their `rows` to `analyzePgStats`.
///
/// @example
/// ```js
/// ops.pgQueries(150004).statements.includes('total_exec_time') // true
/// ops.pgQueries(120000).statements.includes('total_time')      // true
/// ```
#[napi(
    namespace = "ops",
    ts_args_type = "serverVersionNum: number",
    ts_return_type = "PgQueries"
)]
pub fn pg_queries<'env>(
    env: &'env Env,
    server_version_num: Unknown<'_>,
) -> errors::Result<Unknown<'env>> {
    run(|| {
        let n = cconv::uint("serverVersionNum", &server_version_num)?;
        let n = u32::try_from(n).map_err(|_| {
            Error::new(
                ErrorKind::InvalidInput,
                format!("serverVersionNum must be below 2^32, got {n}"),
            )
        })?;
        conv::result(env, serde_json::to_value(core::pg_queries(n)))
    })
}

/// Slow statements, unused indexes (never one backing a primary key or a
/// unique constraint) and bloated tables from the rows of the three
/// `pgQueries` (node-postgres `result.rows`: numbers or numeric strings).
///
/// Throws `.code` `'missing_key'` for a row without a required column
/// (naming it: `statements[3]: missing column ...`), `'invalid_input'` for
/// a bad value, `'invalid_config'` for bad options.
///
/// @example
/// ```js
/// const r = ops.analyzePgStats(
///   [{ query: 'SELECT * FROM orders WHERE customer_id = $1', calls: '40',
///      total_exec_time: 9200, mean_exec_time: 230 }],
///   [{ schemaname: 'public', relname: 'orders', indexrelname: 'orders_status_idx',
///      idx_scan: '3', indisunique: false, indisprimary: false }],
///   [{ schemaname: 'public', relname: 'orders', n_tup_ins: '10000', n_tup_upd: '4000',
///      n_tup_del: '1000', n_dead_tup: '4500' }])
/// r.unusedIndexes[0].dropStatement // 'DROP INDEX CONCURRENTLY IF EXISTS public.orders_status_idx;'
/// r.bloatedTables[0].deadTuplePercent // 30
/// ```
#[napi(
    namespace = "ops",
    ts_args_type = "statements: Array<Record<string, unknown>>, indexes: Array<Record<string, unknown>>, tables: Array<Record<string, unknown>>, options?: PgOptions | null",
    ts_return_type = "PgHealthReport"
)]
pub fn analyze_pg_stats<'env>(
    env: &'env Env,
    statements: Unknown<'_>,
    indexes: Unknown<'_>,
    tables: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> errors::Result<Unknown<'env>> {
    run(|| {
        let job = Job::pg_stats(&statements, &indexes, &tables, options.as_ref())?;
        conv::result(env, Ok(job.run()?))
    })
}

/// As `analyzePgStats`, off the main thread: returns a Promise (rejected
/// with the same `.code`s).
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
) -> AsyncTask<JsonTask<Job>> {
    JsonTask::spawn(guard(|| {
        Job::pg_stats(&statements, &indexes, &tables, options.as_ref())
    }))
}

/// Sequential scans whose filter keeps few rows, and index suggestions
/// (`CREATE INDEX CONCURRENTLY ...`, estimated impact, whether to build),
/// from `EXPLAIN (FORMAT JSON)` output: its text, or the parsed value
/// (node-postgres returns `rows[0]['QUERY PLAN']` parsed).
///
/// Throws `.code` `'parse_error'` for text that is not JSON,
/// `'limit_exceeded'` for a plan nested too deeply (text or object) or too
/// large, `'invalid_input'` for a value that is not a plan or a cyclic
/// object, `'missing_key'` for a node without "Node Type".
///
/// @example
/// ```js
/// const a = ops.analyzeExplain([{ Plan: { 'Node Type': 'Seq Scan', 'Relation Name': 'orders',
///   'Total Cost': 41000, 'Plan Rows': 30, 'Actual Rows': 30, 'Actual Loops': 1,
///   'Actual Total Time': 180, Filter: '(customer_id = 42)', 'Rows Removed by Filter': 1999970 },
///   'Execution Time': 181 }])
/// a.suggestions[0].createStatement
/// // 'CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_id_idx ON orders (customer_id);'
/// ```
#[napi(
    namespace = "ops",
    ts_args_type = "plan: string | object | object[], options?: PgOptions | null",
    ts_return_type = "ExplainAnalysis"
)]
pub fn analyze_explain<'env>(
    env: &'env Env,
    plan: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> errors::Result<Unknown<'env>> {
    run(|| {
        let job = Job::explain(env, &plan, options.as_ref())?;
        conv::result(env, Ok(job.run()?))
    })
}

/// As `analyzeExplain`, off the main thread (the plan is serialised on the
/// calling thread): returns a Promise (rejected with the same `.code`s).
#[napi(
    namespace = "ops",
    ts_args_type = "plan: string | object | object[], options?: PgOptions | null",
    ts_return_type = "Promise<ExplainAnalysis>"
)]
pub fn analyze_explain_async(
    env: Env,
    plan: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> AsyncTask<JsonTask<Job>> {
    JsonTask::spawn(guard(|| Job::explain(&env, &plan, options.as_ref())))
}

/// Whether a created index earned its place: the relative improvement of
/// the measured query time and the framework's rule (under
/// `options.dropImprovement`, 0.10: a drop candidate).
///
/// Throws `.code` `'invalid_input'` for a negative or non-finite time or a
/// `beforeMs` of 0.
///
/// @example
/// ```js
/// ops.evaluateIndex(250, 2).dropCandidate  // false
/// ops.evaluateIndex(100, 95).dropCandidate // true
/// ```
#[napi(
    namespace = "ops",
    ts_args_type = "beforeMs: number, afterMs: number, options?: PgOptions | null",
    ts_return_type = "IndexEvaluation"
)]
pub fn evaluate_index<'env>(
    env: &'env Env,
    before_ms: Unknown<'_>,
    after_ms: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> errors::Result<Unknown<'env>> {
    run(|| {
        let before = cconv::number("beforeMs", &before_ms)?;
        let after = cconv::number("afterMs", &after_ms)?;
        let options: core::PgOptions =
            conv::optional("options", options.as_ref(), serde_json::from_value)?;
        conv::result(
            env,
            serde_json::to_value(core::evaluate_index(before, after, &options)?),
        )
    })
}

/// The remediation plan for a round of health checks: database, cache,
/// application, then disk; safe restarts and routine cleanups, escalations
/// when a step already tried did not help, and the cache flush only as a
/// destructive step that requires confirmation. opsbrain runs nothing.
///
/// Throws `.code` `'invalid_input'` for a disk usage outside [0, 100] or a
/// bad HTTP status, `'invalid_config'` for bad options.
///
/// @example
/// ```js
/// const plan = ops.healingPlan({ cachePing: false, diskUsagePercent: 91 })
/// plan.steps.map((s) => s.id)
/// // ['reconnect_cache', 'cleanup_temp_files', 'cleanup_old_logs', 'escalate_disk']
/// ```
#[napi(
    namespace = "ops",
    ts_args_type = "checks: HealthChecks, options?: HealingOptions | null",
    ts_return_type = "RemediationPlan"
)]
pub fn healing_plan<'env>(
    env: &'env Env,
    checks: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> errors::Result<Unknown<'env>> {
    run(|| {
        let checks: core::HealthChecks = conv::object("checks", &checks, serde_json::from_value)?;
        let options: core::HealingOptions =
            conv::optional("options", options.as_ref(), serde_json::from_value)?;
        conv::result(
            env,
            serde_json::to_value(core::healing_plan(&checks, &options)?),
        )
    })
}

/// The symptoms of a report: keywords, error codes, user actions, affected
/// features and time phrases resolved against `now` (`since`/`until` as
/// `Date`s or `null`). `kb` defaults to `KnowledgeBase.builtin()`.
///
/// Throws `.code` `'limit_exceeded'` for a report over 1 MiB,
/// `'invalid_config'` for bad options (an unknown time zone).
///
/// @example
/// ```js
/// const s = ops.extractSymptoms({ description: 'Since yesterday QuickBooks sync fails with error H202' },
///   '2026-11-27T15:00:00Z')
/// s.errorCodes[0].code   // 'H202'
/// s.timeframes[0].since  // Date 2026-11-26T00:00:00.000Z
/// ```
#[napi(
    namespace = "ops",
    ts_args_type = "report: Report, now: Date | string, kb?: KnowledgeBase | null, options?: DiagnoseOptions | null",
    ts_return_type = "Symptoms"
)]
pub fn extract_symptoms<'env>(
    env: &'env Env,
    report: Unknown<'_>,
    now: Unknown<'_>,
    kb: KbArg<'_>,
    options: Option<Unknown<'_>>,
) -> errors::Result<Unknown<'env>> {
    run(|| {
        let report: core::Report = conv::object("report", &report, serde_json::from_value)?;
        let now = instant("now", &now)?;
        let kb = self::kb(kb)?;
        let options: core::DiagnoseOptions =
            conv::optional("options", options.as_ref(), serde_json::from_value)?;
        let s = core::extract_symptoms(&kb, &report, now, &options)?;
        conv::result(env, serde_json::to_value(s))
    })
}

/// Diagnoses a report against a knowledge base (the framework's
/// TroubleshootingAssistant): ranked possible causes with their evidence,
/// diagnostic steps, ranked resolutions (with the tier and department to
/// escalate to) and a confidence.
///
/// Throws as `extractSymptoms`.
///
/// @example
/// ```js
/// const d = ops.diagnose({ title: "Can't sync",
///   description: 'QuickBooks says the connection expired, error 401 when I try to sync invoices' },
///   new Date('2026-11-27T15:00:00Z'))
/// d.possibleCauses[0].id // 'quickbooks_token_expired'
/// ```
#[napi(
    namespace = "ops",
    ts_args_type = "report: Report, now: Date | string, kb?: KnowledgeBase | null, options?: DiagnoseOptions | null",
    ts_return_type = "Diagnosis"
)]
pub fn diagnose<'env>(
    env: &'env Env,
    report: Unknown<'_>,
    now: Unknown<'_>,
    kb: KbArg<'_>,
    options: Option<Unknown<'_>>,
) -> errors::Result<Unknown<'env>> {
    run(|| {
        let job = Job::diagnose(&report, &now, kb, options.as_ref())?;
        conv::result(env, Ok(job.run()?))
    })
}

/// As `diagnose`, off the main thread: returns a Promise (rejected with the
/// same `.code`s).
#[napi(
    namespace = "ops",
    ts_args_type = "report: Report, now: Date | string, kb?: KnowledgeBase | null, options?: DiagnoseOptions | null",
    ts_return_type = "Promise<Diagnosis>"
)]
pub fn diagnose_async(
    report: Unknown<'_>,
    now: Unknown<'_>,
    kb: KbArg<'_>,
    options: Option<Unknown<'_>>,
) -> AsyncTask<JsonTask<Job>> {
    JsonTask::spawn(guard(|| Job::diagnose(&report, &now, kb, options.as_ref())))
}
