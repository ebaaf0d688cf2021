//! `opsbrain.ops`: thin wrappers over `opsbrain::ops` (performance
//! optimizer, PostgreSQL statistics and EXPLAIN analysis, self-healing
//! plans, troubleshooting assistant).
//!
//! Inputs are read into the core's serde types; statistics rows are dicts
//! as DB-API drivers give them (values the JSON model lacks, such as
//! `Decimal` or `date`, are passed as their `str()`); results are dicts
//! whose time-frame instants (`since`, `until`) are aware UTC datetimes.

use chrono::{DateTime, Utc};
use opsbrain::ErrorKind;
use opsbrain::ops::{
    self as core, CauseDef, DiagnoseOptions, FeatureDef, HealingOptions, HealthChecks,
    KnowledgeBase, MAX_PG_ROWS, PerfMetrics, PerfThresholds, PgIndexRow, PgOptions, PgQueries,
    PgStatementRow, PgTableRow, Report, ResolutionDef,
};
use pyo3::exceptions::{PyRecursionError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};
use serde_json::{Map, Value};

use crate::compute::compute_py;
use crate::convert::{
    Data, Opt, Shape, arg, float, instant, instants, int, opt, opt_arg, seq, string, type_name,
    value,
};
use crate::errors::{BindError, Res};
use crate::{coded, fail, getters, value_class};

/// Instants in ops results.
const SHAPE: Shape = instants(&["since", "until"]);

/// Elements in one list of an ops request (slow queries, checks, ...).
const MAX_ITEMS: usize = core::MAX_SLOW_QUERIES;

/// Statistics rows as a DB-API driver returns them: a list of mappings
/// (column -> value), read as they arrive. Values outside the JSON model
/// (`Decimal`, `date`, `UUID`, ...) are passed as their `str()`: the core
/// reads numbers from strings and ignores columns it does not use.
fn rows(obj: &Bound<'_, PyAny>, what: &str) -> Res<Value> {
    let rows = seq(obj, what, MAX_PG_ROWS, |row, at| {
        let Ok(d) = row.cast::<PyDict>() else {
            fail!(
                InvalidInput,
                "{at}: expected a row (dict of columns), not {}",
                type_name(row)
            );
        };
        let mut map = Map::new();
        for item in d.items().iter() {
            let (k, v): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract()?;
            let key = string(&k, format_args!("{at} column name"))?;
            let x = match value(&v, format_args!("{at}[{key:?}]"), 64) {
                Err(BindError::Coded(e)) if e.kind == ErrorKind::InvalidType => {
                    Value::String(v.str()?.to_string())
                }
                other => other?,
            };
            map.insert(key, x);
        }
        Ok(Value::Object(map))
    });
    match rows {
        Err(BindError::Coded(c)) if c.kind == ErrorKind::InvalidType => Err(coded!(
            InvalidInput,
            "{what}: expected a list of rows (dicts): {}",
            c.message
        )),
        other => Ok(Value::Array(other?)),
    }
}

/// The optimisation actions a metrics snapshot calls for (the framework's
/// PerformanceOptimizer): a list of dicts with ``action``, ``metric``,
/// ``value``, ``threshold``, ``direction``, ``reason`` and ``steps``.
#[pyfunction]
#[pyo3(signature = (metrics, thresholds=None))]
pub fn optimize_performance<'py>(
    py: Python<'py>,
    metrics: &Bound<'py, PyAny>,
    thresholds: Opt<'_, 'py>,
) -> Res<Bound<'py, PyAny>> {
    let metrics: PerfMetrics = arg(metrics, "metrics", MAX_ITEMS)?;
    let thresholds: PerfThresholds = opt_arg(thresholds, "thresholds", 64)?;
    compute_py(py, SHAPE, || {
        core::optimize_performance(&metrics, &thresholds)
    })
}

/// The SQL of the three statistics queries for a server version
/// (``SHOW server_version_num``): ``{"statements", "indexes", "tables"}``.
#[pyfunction]
pub fn pg_queries(server_version_num: &Bound<'_, PyAny>) -> Res<Data<PgQueries>> {
    Ok(Data(core::pg_queries(int(
        server_version_num,
        "server_version_num",
    )?)))
}

/// Slow queries, unused indexes and bloated tables from the rows of the
/// three statistics queries.
#[pyfunction]
#[pyo3(signature = (statements, indexes, tables, options=None))]
pub fn analyze_pg_stats<'py>(
    py: Python<'py>,
    statements: &Bound<'py, PyAny>,
    indexes: &Bound<'py, PyAny>,
    tables: &Bound<'py, PyAny>,
    options: Opt<'_, 'py>,
) -> Res<Bound<'py, PyAny>> {
    let (s, i) = (rows(statements, "statements")?, rows(indexes, "indexes")?);
    let t = rows(tables, "tables")?;
    let options: PgOptions = opt_arg(options, "options", 64)?;
    compute_py(py, SHAPE, || {
        let s: Vec<PgStatementRow> = core::pg_rows(&s, "statements")?;
        let i: Vec<PgIndexRow> = core::pg_rows(&i, "indexes")?;
        let t: Vec<PgTableRow> = core::pg_rows(&t, "tables")?;
        core::analyze_pg_stats(&s, &i, &t, &options)
    })
}

/// Plan text: a ``str``/``bytes`` as given, anything else through
/// ``json.dumps`` (so a deeply nested plan is refused by the parser's
/// limit, never by a recursive conversion).
fn plan_text(plan: &Bound<'_, PyAny>) -> Res<String> {
    if plan.cast::<PyString>().is_ok() {
        return string(plan, "plan");
    }
    if let Ok(b) = plan.cast::<PyBytes>() {
        return String::from_utf8(b.as_bytes().to_vec())
            .map_err(|_| coded!(ParseError, "plan: bytes are not UTF-8"));
    }
    let py = plan.py();
    let dumped = py
        .import("json")
        .and_then(|json| json.call_method1("dumps", (plan,)))
        .map_err(|e| {
            let kind = if e.is_instance_of::<PyRecursionError>(py) {
                ErrorKind::LimitExceeded
            } else if e.is_instance_of::<PyTypeError>(py) {
                ErrorKind::InvalidType
            } else {
                ErrorKind::InvalidInput
            };
            crate::errors::err(kind, format!("plan: cannot be read as JSON: {e}"))
        })?;
    string(&dumped, "plan")
}

/// Sequential scans and index suggestions from an ``EXPLAIN (FORMAT
/// JSON)`` plan: the text, or the list/dict a driver parsed it into.
#[pyfunction]
#[pyo3(signature = (plan, options=None))]
pub fn analyze_explain<'py>(
    py: Python<'py>,
    plan: &Bound<'py, PyAny>,
    options: Opt<'_, 'py>,
) -> Res<Bound<'py, PyAny>> {
    let text = plan_text(plan)?;
    let options: PgOptions = opt_arg(options, "options", 64)?;
    compute_py(py, SHAPE, || core::analyze_explain_json(&text, &options))
}

/// The framework's keep-or-drop rule for an index, from the query time
/// measured before and after it was built.
#[pyfunction]
#[pyo3(signature = (before_ms, after_ms, options=None))]
pub fn evaluate_index<'py>(
    py: Python<'py>,
    before_ms: &Bound<'py, PyAny>,
    after_ms: &Bound<'py, PyAny>,
    options: Opt<'_, 'py>,
) -> Res<Bound<'py, PyAny>> {
    let (before, after) = (float(before_ms, "before_ms")?, float(after_ms, "after_ms")?);
    let options: PgOptions = opt_arg(options, "options", 64)?;
    compute_py(py, SHAPE, || core::evaluate_index(before, after, &options))
}

/// The ordered remediation plan for a round of health checks (data:
/// opsbrain executes nothing).
#[pyfunction]
#[pyo3(signature = (checks, options=None))]
pub fn healing_plan<'py>(
    py: Python<'py>,
    checks: &Bound<'py, PyAny>,
    options: Opt<'_, 'py>,
) -> Res<Bound<'py, PyAny>> {
    let checks: HealthChecks = arg(checks, "checks", MAX_ITEMS)?;
    let options: HealingOptions = opt_arg(options, "options", MAX_ITEMS)?;
    compute_py(py, SHAPE, || core::healing_plan(&checks, &options))
}

/// The arguments shared by `extract_symptoms` and `diagnose`.
fn diagnosis_args(
    report: &Bound<'_, PyAny>,
    now: &Bound<'_, PyAny>,
    kb: Opt<'_, '_>,
    options: Opt<'_, '_>,
) -> Res<(Report, DateTime<Utc>, KnowledgeBase, DiagnoseOptions)> {
    let report = if report.cast::<PyString>().is_ok() {
        Report {
            description: string(report, "report")?,
            ..Report::default()
        }
    } else {
        arg(report, "report", core::MAX_KB_ENTRIES)?
    };
    let kb = opt(kb, |o| PyKnowledgeBase::arg(o, "kb"))?.unwrap_or_else(KnowledgeBase::builtin);
    let now = instant(now, "now")?;
    Ok((report, now, kb, opt_arg(options, "options", MAX_ITEMS)?))
}

/// `extract_symptoms` and `diagnose`: the same arguments, one core call each.
macro_rules! diagnosis {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[pyfunction]
        #[pyo3(signature = (report, now, kb=None, options=None))]
        pub fn $name<'py>(
            py: Python<'py>,
            report: &Bound<'py, PyAny>,
            now: &Bound<'py, PyAny>,
            kb: Opt<'_, 'py>,
            options: Opt<'_, 'py>,
        ) -> Res<Bound<'py, PyAny>> {
            let (report, now, kb, options) = diagnosis_args(report, now, kb, options)?;
            compute_py(py, SHAPE, || core::$name(&kb, &report, now, &options))
        }
    )*};
}

diagnosis! {
    /// The symptoms of a report (a ``str`` or ``{"title", "description",
    /// "features"}``): keywords, error codes, user actions, affected features
    /// and time frames resolved against ``now``.
    extract_symptoms;
    /// Possible causes, diagnostic steps and ranked resolutions for a report,
    /// with an overall confidence.
    diagnose;
}

value_class! {
    /// A validated troubleshooting knowledge base: features, causes with
    /// symptom patterns, and resolutions.
    ///
    /// Frozen; compares by value; pickles through its JSON form.
    PyKnowledgeBase(KnowledgeBase) as "KnowledgeBase", new = builtin
}

getters!(PyKnowledgeBase {
    /// The causes, as dicts.
    causes -> Data<&[CauseDef]> = |v| Data(v.causes());
    /// The resolutions, as dicts.
    resolutions -> Data<&[ResolutionDef]> = |v| Data(v.resolutions());
    /// The features, as dicts.
    features -> Data<&[FeatureDef]> = |v| Data(v.features());
});
