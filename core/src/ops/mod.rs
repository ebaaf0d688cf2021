//! Operations rules: the framework's decision logic beyond the algorithm
//! families, as pure functions from data to decisions.
//!
//! - [`optimize_performance`]: the PerformanceOptimizer; a metrics snapshot
//!   to actions (optimise slow queries, caching, auto-scale, CDN), each
//!   with its reason and the threshold it crossed ([`PerfThresholds`]).
//! - PostgreSQL health: [`pg_queries`] gives the SQL of the framework's
//!   three statistics queries; [`analyze_pg_stats`] turns their rows
//!   ([`pg_rows`]) into slow queries, unused indexes and bloated tables;
//!   [`analyze_explain`] finds selective sequential scans in an `EXPLAIN
//!   (FORMAT JSON)` plan and suggests indexes; [`evaluate_index`] applies
//!   the framework's keep-or-drop rule to measured times.
//! - [`healing_plan`]: health-check results to an ordered remediation plan
//!   of safe and destructive steps (opsbrain executes nothing).
//! - The troubleshooting assistant: [`extract_symptoms`] and [`diagnose`]
//!   against a [`KnowledgeBase`] given as data ([`KnowledgeBase::builtin`]
//!   covers the framework's issue types).
//!
//! This module may use every other family (the assistant routes
//! escalations through [`crate::classify`]); none of them uses it.
//!
//! # Examples
//! ```
//! use opsbrain::ops::{optimize_performance, PerfMetrics, PerfThresholds};
//! let calm = PerfMetrics { cpu_usage: Some(0.35), cache_hit_ratio: Some(0.97), ..Default::default() };
//! assert!(optimize_performance(&calm, &PerfThresholds::default())?.is_empty());
//! let hot = PerfMetrics { cpu_usage: Some(0.91), ..Default::default() };
//! assert!(!optimize_performance(&hot, &PerfThresholds::default())?.is_empty());
//! # Ok::<(), opsbrain::Error>(())
//! ```

mod explain;
mod healing;
mod perf;
mod postgres;
mod troubleshoot;

pub use explain::{
    ExplainAnalysis, IndexSuggestion, MAX_PLAN_BYTES, MAX_PLAN_DEPTH, MAX_PLAN_NODES, SeqScan,
    analyze_explain, analyze_explain_json,
};
pub use healing::{
    HealingOptions, HealthChecks, RemediationPlan, RemediationStep, Safety, healing_plan,
};
pub use perf::{
    MAX_QUERY_TEXT_BYTES, MAX_SLOW_QUERIES, PerfAction, PerfActionKind, PerfMetrics,
    PerfThresholds, RewriteHint, SlowQuery, optimize_performance,
};
pub use postgres::{
    BloatedTable, IndexEvaluation, MAX_PG_ROWS, PgHealthReport, PgIndexRow, PgOptions, PgQueries,
    PgStatementRow, PgTableRow, SlowStatement, UnusedIndex, analyze_pg_stats, evaluate_index,
    pg_queries, pg_rows, quote_ident,
};
pub use troubleshoot::{
    CauseDef, CodeKind, DiagnoseOptions, Diagnosis, DiagnosticStep, ErrorCode, EscalationTarget,
    Evidence, FeatureDef, KnowledgeBase, MAX_KB_ENTRIES, MAX_REPORT_BYTES, MAX_SYMPTOMS,
    PossibleCause, RankedResolution, Report, ResolutionDef, SymptomPatterns, Symptoms, Timeframe,
    diagnose, extract_symptoms,
};
