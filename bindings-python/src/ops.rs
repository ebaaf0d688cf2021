//! `opsbrain.ops`: thin wrappers over `opsbrain::ops` (performance
//! optimizer, PostgreSQL statistics and EXPLAIN analysis, self-healing
//! plans, troubleshooting assistant).
//!
//! Inputs are plain dicts/lists in the serde form; statistics rows are
//! dicts as DB-API drivers give them (values the JSON model lacks, such as
//! `Decimal` or `date`, are passed as their `str()`); results are dicts
//! whose time-frame instants (`since`, `until`) are aware UTC datetimes.

use opsbrain::ErrorKind;
use opsbrain::ops::{
    self as core, DiagnoseOptions, HealingOptions, HealthChecks, KnowledgeBase, PerfMetrics,
    PerfThresholds, PgIndexRow, PgOptions, PgStatementRow, PgTableRow, Report,
};
use pyo3::exceptions::{PyRecursionError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};
use serde_json::{Map, Value};

use crate::calendar::instant;
use crate::convert::{
    from_py, instance, json_to_py_with_instants, py_to_json, str_arg, to_py_dict, type_name,
};
use crate::errors::{BindError, bind_error, compute};

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyKnowledgeBase>()?;
    m.add_function(wrap_pyfunction!(optimize_performance, m)?)?;
    m.add_function(wrap_pyfunction!(pg_queries, m)?)?;
    m.add_function(wrap_pyfunction!(analyze_pg_stats, m)?)?;
    m.add_function(wrap_pyfunction!(analyze_explain, m)?)?;
    m.add_function(wrap_pyfunction!(evaluate_index, m)?)?;
    m.add_function(wrap_pyfunction!(healing_plan, m)?)?;
    m.add_function(wrap_pyfunction!(extract_symptoms, m)?)?;
    m.add_function(wrap_pyfunction!(diagnose, m)?)?;
    Ok(())
}

/// Instants in ops results.
const INSTANT_KEYS: [&str; 2] = ["since", "until"];

fn result<'py, T: serde::Serialize>(py: Python<'py>, v: &T) -> PyResult<Bound<'py, PyAny>> {
    let v = serde_json::to_value(v).map_err(|e| PyErr::from(BindError(e.into())))?;
    json_to_py_with_instants(py, &v, &INSTANT_KEYS)
}

/// An optional serde-shaped argument (`None` = the defaults).
fn optional<T: serde::de::DeserializeOwned + Default>(
    obj: Option<&Bound<'_, PyAny>>,
    what: &str,
) -> Result<T, BindError> {
    match obj.filter(|o| !o.is_none()) {
        Some(o) => from_py(o, what),
        None => Ok(T::default()),
    }
}

/// Statistics rows as a DB-API driver returns them: a list of mappings
/// (column -> value). Values outside the JSON model (`Decimal`, `date`,
/// `UUID`, ...) are passed as their `str()`: the core reads numbers from
/// strings and ignores columns it does not use.
fn rows(obj: &Bound<'_, PyAny>, what: &str) -> Result<Value, BindError> {
    if obj.cast::<PyString>().is_ok() || obj.cast::<PyDict>().is_ok() {
        return Err(bind_error(
            ErrorKind::InvalidInput,
            format!(
                "{what}: expected a list of rows (dicts), not {}",
                type_name(obj)
            ),
        ));
    }
    let iter = obj.try_iter().map_err(|_| {
        bind_error(
            ErrorKind::InvalidType,
            format!(
                "{what}: expected a list of rows (dicts), not {}",
                type_name(obj)
            ),
        )
    })?;
    let mut out = Vec::new();
    for (i, row) in iter.enumerate() {
        if i >= core::MAX_PG_ROWS {
            return Err(bind_error(
                ErrorKind::LimitExceeded,
                format!("{what}: more than {} rows", core::MAX_PG_ROWS),
            ));
        }
        let row = row.map_err(|e| bind_error(ErrorKind::InvalidInput, e.to_string()))?;
        let at = format!("{what}[{i}]");
        let Ok(d) = row.cast::<PyDict>() else {
            return Err(bind_error(
                ErrorKind::InvalidInput,
                format!(
                    "{at}: expected a row (dict of columns), not {}",
                    type_name(&row)
                ),
            ));
        };
        let mut map = Map::new();
        for (k, v) in d.iter() {
            let key = str_arg(&k, &format!("{at} column name"))?;
            let value = match py_to_json(&v, &format!("{at}[{key:?}]")) {
                Ok(x) => x,
                Err(BindError(e)) if e.kind == ErrorKind::InvalidType => Value::String(
                    v.str()
                        .map_err(|e| bind_error(ErrorKind::InvalidInput, e.to_string()))?
                        .to_string(),
                ),
                Err(e) => return Err(e),
            };
            map.insert(key, value);
        }
        out.push(Value::Object(map));
    }
    Ok(Value::Array(out))
}

/// The optimisation actions a metrics snapshot calls for (the framework's
/// PerformanceOptimizer): a list of dicts with ``action``, ``metric``,
/// ``value``, ``threshold``, ``direction``, ``reason`` and ``steps``.
#[pyfunction]
#[pyo3(signature = (metrics, thresholds=None))]
fn optimize_performance<'py>(
    py: Python<'py>,
    metrics: &Bound<'py, PyAny>,
    thresholds: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let metrics: PerfMetrics = from_py(metrics, "metrics")?;
    let thresholds: PerfThresholds = optional(thresholds, "thresholds")?;
    let actions = compute(py, || core::optimize_performance(&metrics, &thresholds))?;
    result(py, &actions)
}

/// The SQL of the three statistics queries for a server version
/// (``SHOW server_version_num``): ``{"statements", "indexes", "tables"}``.
#[pyfunction]
fn pg_queries<'py>(py: Python<'py>, server_version_num: u32) -> PyResult<Bound<'py, PyAny>> {
    to_py_dict(py, &core::pg_queries(server_version_num))
}

/// Slow queries, unused indexes and bloated tables from the rows of the
/// three statistics queries.
#[pyfunction]
#[pyo3(signature = (statements, indexes, tables, options=None))]
fn analyze_pg_stats<'py>(
    py: Python<'py>,
    statements: &Bound<'py, PyAny>,
    indexes: &Bound<'py, PyAny>,
    tables: &Bound<'py, PyAny>,
    options: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let (s, i, t) = (
        rows(statements, "statements")?,
        rows(indexes, "indexes")?,
        rows(tables, "tables")?,
    );
    let options: PgOptions = optional(options, "options")?;
    let report = compute(py, || {
        let s: Vec<PgStatementRow> = core::pg_rows(&s, "statements")?;
        let i: Vec<PgIndexRow> = core::pg_rows(&i, "indexes")?;
        let t: Vec<PgTableRow> = core::pg_rows(&t, "tables")?;
        core::analyze_pg_stats(&s, &i, &t, &options)
    })?;
    result(py, &report)
}

/// Plan text: a ``str``/``bytes`` as given, anything else through
/// ``json.dumps`` (so a deeply nested plan is refused by the parser's
/// limit, never by a recursive conversion).
fn plan_text(plan: &Bound<'_, PyAny>) -> Result<String, BindError> {
    if let Ok(s) = plan.cast::<PyString>() {
        return str_arg(s.as_any(), "plan");
    }
    if let Ok(b) = plan.cast::<PyBytes>() {
        return String::from_utf8(b.as_bytes().to_vec())
            .map_err(|_| bind_error(ErrorKind::ParseError, "plan: bytes are not UTF-8"));
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
            bind_error(kind, format!("plan: cannot be read as JSON: {e}"))
        })?;
    str_arg(&dumped, "plan")
}

/// Sequential scans and index suggestions from an ``EXPLAIN (FORMAT
/// JSON)`` plan: the text, or the list/dict a driver parsed it into.
#[pyfunction]
#[pyo3(signature = (plan, options=None))]
fn analyze_explain<'py>(
    py: Python<'py>,
    plan: &Bound<'py, PyAny>,
    options: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let text = plan_text(plan)?;
    let options: PgOptions = optional(options, "options")?;
    let analysis = compute(py, || core::analyze_explain_json(&text, &options))?;
    result(py, &analysis)
}

/// The framework's keep-or-drop rule for an index, from the query time
/// measured before and after it was built.
#[pyfunction]
#[pyo3(signature = (before_ms, after_ms, options=None))]
fn evaluate_index<'py>(
    py: Python<'py>,
    before_ms: f64,
    after_ms: f64,
    options: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let options: PgOptions = optional(options, "options")?;
    let e = core::evaluate_index(before_ms, after_ms, &options).map_err(BindError)?;
    result(py, &e)
}

/// The ordered remediation plan for a round of health checks (data:
/// opsbrain executes nothing).
#[pyfunction]
#[pyo3(signature = (checks, options=None))]
fn healing_plan<'py>(
    py: Python<'py>,
    checks: &Bound<'py, PyAny>,
    options: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let checks: HealthChecks = from_py(checks, "checks")?;
    let options: HealingOptions = optional(options, "options")?;
    let plan = core::healing_plan(&checks, &options).map_err(BindError)?;
    result(py, &plan)
}

fn report(obj: &Bound<'_, PyAny>) -> Result<Report, BindError> {
    if obj.cast::<PyString>().is_ok() {
        return Ok(Report {
            description: str_arg(obj, "report")?,
            ..Report::default()
        });
    }
    from_py(obj, "report")
}

fn kb_arg(obj: Option<&Bound<'_, PyAny>>) -> Result<KnowledgeBase, BindError> {
    match obj.filter(|o| !o.is_none()) {
        Some(o) => Ok(instance::<PyKnowledgeBase>(o, "kb")?.get().0.clone()),
        None => Ok(KnowledgeBase::builtin()),
    }
}

/// The arguments shared by `extract_symptoms` and `diagnose`.
fn diagnosis_args(
    report: &Bound<'_, PyAny>,
    now: &Bound<'_, PyAny>,
    kb: Option<&Bound<'_, PyAny>>,
    options: Option<&Bound<'_, PyAny>>,
) -> Result<
    (
        Report,
        chrono::DateTime<chrono::Utc>,
        KnowledgeBase,
        DiagnoseOptions,
    ),
    BindError,
> {
    Ok((
        self::report(report)?,
        instant(now, "now")?,
        kb_arg(kb)?,
        optional(options, "options")?,
    ))
}

/// The symptoms of a report (a ``str`` or ``{"title", "description",
/// "features"}``): keywords, error codes, user actions, affected features
/// and time frames resolved against ``now``.
#[pyfunction]
#[pyo3(signature = (report, now, kb=None, options=None))]
fn extract_symptoms<'py>(
    py: Python<'py>,
    report: &Bound<'py, PyAny>,
    now: &Bound<'py, PyAny>,
    kb: Option<&Bound<'py, PyAny>>,
    options: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let (report, now, kb, options) = diagnosis_args(report, now, kb, options)?;
    let s = compute(py, || core::extract_symptoms(&kb, &report, now, &options))?;
    result(py, &s)
}

/// Possible causes, diagnostic steps and ranked resolutions for a report,
/// with an overall confidence.
#[pyfunction]
#[pyo3(signature = (report, now, kb=None, options=None))]
fn diagnose<'py>(
    py: Python<'py>,
    report: &Bound<'py, PyAny>,
    now: &Bound<'py, PyAny>,
    kb: Option<&Bound<'py, PyAny>>,
    options: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let (report, now, kb, options) = diagnosis_args(report, now, kb, options)?;
    let d = compute(py, || core::diagnose(&kb, &report, now, &options))?;
    result(py, &d)
}

/// A validated troubleshooting knowledge base: features, causes with
/// symptom patterns, and resolutions.
///
/// Frozen; compares by value; pickles through its JSON form.
#[pyclass(name = "KnowledgeBase", module = "opsbrain._native", frozen, eq)]
#[derive(Debug, Clone, PartialEq)]
pub struct PyKnowledgeBase(pub KnowledgeBase);

#[pymethods]
impl PyKnowledgeBase {
    /// The knowledge base shipped with opsbrain.
    #[staticmethod]
    fn builtin() -> Self {
        PyKnowledgeBase(KnowledgeBase::builtin())
    }
    /// Parses and validates a knowledge base from JSON text.
    #[staticmethod]
    fn from_json(text: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text = str_arg(text, "text")?;
        Ok(PyKnowledgeBase(
            KnowledgeBase::from_json(&text).map_err(BindError)?,
        ))
    }
    /// The JSON form (what :meth:`from_json` reads).
    fn to_json(&self) -> String {
        self.0.to_json()
    }
    /// The causes, as dicts.
    #[getter]
    fn causes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_dict(py, &self.0.causes())
    }
    /// The resolutions, as dicts.
    #[getter]
    fn resolutions<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_dict(py, &self.0.resolutions())
    }
    /// The features, as dicts.
    #[getter]
    fn features<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_dict(py, &self.0.features())
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((
            slf.get_type().getattr("from_json")?,
            (slf.get().0.to_json(),),
        ))
    }
    fn __repr__(&self) -> String {
        format!(
            "KnowledgeBase(features={}, causes={}, resolutions={})",
            self.0.features().len(),
            self.0.causes().len(),
            self.0.resolutions().len()
        )
    }
}
