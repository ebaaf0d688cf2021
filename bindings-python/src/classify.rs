//! `opsbrain.classify`, `route_ticket`, `route_tickets` and their classes:
//! thin wrappers over `opsbrain::classify`.

use chrono::TimeDelta;
use opsbrain::classify::{self as core, ClassificationTable, RuleSet, Ticket};
use opsbrain::{Channel, ErrorKind};
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple, PyType};

use crate::convert::{instance, py_to_json, str_arg, to_py_dict, type_name};
use crate::errors::{BindError, bind_error, compute};

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyRoute>()?;
    m.add_class::<PyRouting>()?;
    m.add_class::<PyClassificationTable>()?;
    m.add_class::<PyRuleSet>()?;
    m.add_class::<PyRouter>()?;
    m.add_function(wrap_pyfunction!(classify, m)?)?;
    m.add_function(wrap_pyfunction!(route_ticket, m)?)?;
    m.add_function(wrap_pyfunction!(route_tickets, m)?)?;
    Ok(())
}

fn channel(obj: &Bound<'_, PyAny>) -> Result<Channel, BindError> {
    Ok(str_arg(obj, "channel")?.parse()?)
}

/// `(cls.from_json, (json,))`: pickling goes through the serde JSON form.
fn reduce<'py>(cls: Bound<'py, PyType>, json: String) -> PyResult<(Bound<'py, PyAny>, (String,))> {
    Ok((cls.getattr("from_json")?, (json,)))
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<String, BindError> {
    serde_json::to_string(v).map_err(|e| BindError(e.into()))
}

/// Tier, priority, department and first-response target for one issue type.
///
/// Frozen; compares by value; pickles through its JSON form. `priority` and
/// `channel` are plain ``str`` (``route.priority == "high"``).
#[pyclass(name = "Route", module = "opsbrain._native", frozen, eq, hash)]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PyRoute(pub core::Route);

#[pymethods]
impl PyRoute {
    /// The issue type that was classified.
    #[getter]
    fn issue_type(&self) -> &str {
        &self.0.issue_type
    }
    /// Support tier, 1 to 4.
    #[getter]
    fn tier(&self) -> u8 {
        self.0.tier.get()
    }
    /// "low", "medium", "high" or "critical".
    #[getter]
    fn priority(&self) -> &'static str {
        self.0.priority.as_str()
    }
    /// Owning department.
    #[getter]
    fn department(&self) -> &str {
        &self.0.department
    }
    /// "chat", "email", "phone" or "portal".
    #[getter]
    fn channel(&self) -> &'static str {
        self.0.channel.as_str()
    }
    /// The tier's first-response target as a ``datetime.timedelta``.
    #[getter]
    fn first_response(&self) -> TimeDelta {
        self.0.first_response
    }
    /// The first-response target in seconds.
    #[getter]
    fn first_response_secs(&self) -> i64 {
        self.0.first_response.num_seconds()
    }
    /// The serde JSON form.
    fn to_json(&self) -> Result<String, BindError> {
        to_json(&self.0)
    }
    /// The serde form as a plain dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_dict(py, &self.0)
    }
    /// Reads the JSON form written by :meth:`to_json`.
    #[staticmethod]
    fn from_json(text: &Bound<'_, PyAny>) -> Result<Self, BindError> {
        let text = str_arg(text, "text")?;
        Ok(PyRoute(
            serde_json::from_str(&text).map_err(|e| BindError(e.into()))?,
        ))
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        reduce(slf.get_type(), slf.get().to_json()?)
    }
    fn __repr__(&self) -> String {
        let r = &self.0;
        format!(
            "Route(issue_type='{}', tier={}, priority='{}', department='{}', channel='{}', first_response_secs={})",
            r.issue_type,
            r.tier,
            r.priority.as_str(),
            r.department,
            r.channel.as_str(),
            r.first_response.num_seconds()
        )
    }
}

/// The routing decision for one ticket: issue type, deciding rule,
/// confidence, score and :class:`Route`.
#[pyclass(name = "Routing", module = "opsbrain._native", frozen, eq)]
#[derive(Debug, Clone, PartialEq)]
pub struct PyRouting(pub core::Routing);

#[pymethods]
impl PyRouting {
    /// The chosen issue type, or "unclassified".
    #[getter]
    fn issue_type(&self) -> &str {
        &self.0.issue_type
    }
    /// Name of the rule that decided, or None.
    #[getter]
    fn rule(&self) -> Option<&str> {
        self.0.rule.as_deref()
    }
    /// In [0, 1]; 0 when unclassified.
    #[getter]
    fn confidence(&self) -> f64 {
        self.0.confidence
    }
    /// The winning rule's points.
    #[getter]
    fn score(&self) -> f64 {
        self.0.score
    }
    /// Tier, priority, department and first-response target.
    #[getter]
    fn route(&self) -> PyRoute {
        PyRoute(self.0.route.clone())
    }
    /// The serde JSON form.
    fn to_json(&self) -> Result<String, BindError> {
        to_json(&self.0)
    }
    /// The serde form as a plain dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_dict(py, &self.0)
    }
    /// Reads the JSON form written by :meth:`to_json`.
    #[staticmethod]
    fn from_json(text: &Bound<'_, PyAny>) -> Result<Self, BindError> {
        let text = str_arg(text, "text")?;
        Ok(PyRouting(
            serde_json::from_str(&text).map_err(|e| BindError(e.into()))?,
        ))
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        reduce(slf.get_type(), slf.get().to_json()?)
    }
    fn __repr__(&self) -> String {
        let r = &self.0;
        format!(
            "Routing(issue_type='{}', rule={}, confidence={:.4}, score={}, route={})",
            r.issue_type,
            r.rule
                .as_ref()
                .map_or_else(|| "None".to_owned(), |s| format!("'{s}'")),
            r.confidence,
            r.score,
            PyRoute(r.route.clone()).__repr__()
        )
    }
}

/// Issue type -> tier, priority, department. ``ClassificationTable()`` is the
/// framework's built-in table; ``from_json`` / ``from_toml`` read user tables.
#[pyclass(name = "ClassificationTable", module = "opsbrain._native", frozen, eq)]
#[derive(Debug, Clone, PartialEq)]
pub struct PyClassificationTable(pub ClassificationTable);

#[pymethods]
impl PyClassificationTable {
    #[new]
    fn new() -> Self {
        PyClassificationTable(ClassificationTable::builtin())
    }
    /// The framework's built-in table.
    #[staticmethod]
    fn builtin() -> Self {
        Self::new()
    }
    /// Parses and validates a JSON table.
    #[staticmethod]
    fn from_json(text: &Bound<'_, PyAny>) -> Result<Self, BindError> {
        Ok(PyClassificationTable(ClassificationTable::from_json(
            &str_arg(text, "text")?,
        )?))
    }
    /// Parses and validates a TOML table.
    #[staticmethod]
    fn from_toml(text: &Bound<'_, PyAny>) -> Result<Self, BindError> {
        Ok(PyClassificationTable(ClassificationTable::from_toml(
            &str_arg(text, "text")?,
        )?))
    }
    /// The full table as JSON (readable by :meth:`from_json`).
    fn to_json(&self) -> String {
        self.0.to_json()
    }
    /// The full table as a plain dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_dict(py, &self.0)
    }
    /// Classifies ``issue_type`` for ``channel``; unknown types get the default.
    #[pyo3(signature = (issue_type, channel = None))]
    fn classify(
        &self,
        issue_type: &Bound<'_, PyAny>,
        channel: Option<&Bound<'_, PyAny>>,
    ) -> Result<PyRoute, BindError> {
        let ch = channel
            .map(self::channel)
            .transpose()?
            .unwrap_or(Channel::Email);
        Ok(PyRoute(
            self.0.classify_for(&str_arg(issue_type, "issue_type")?, ch),
        ))
    }
    /// The issue types with their own entry, in table order.
    fn issue_types(&self) -> Vec<String> {
        self.0.iter().map(|(t, _)| t.to_owned()).collect()
    }
    fn __len__(&self) -> usize {
        self.0.len()
    }
    fn __contains__(&self, issue_type: &Bound<'_, PyAny>) -> bool {
        str_arg(issue_type, "issue_type").is_ok_and(|t| self.0.contains(&t))
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        reduce(slf.get_type(), slf.get().0.to_json())
    }
    fn __repr__(&self) -> String {
        format!("ClassificationTable({} entries)", self.0.len())
    }
}

/// Free-text rules (phrases, keywords, error-code patterns) choosing an
/// issue type. ``RuleSet()`` is the built-in set.
#[pyclass(name = "RuleSet", module = "opsbrain._native", frozen, eq)]
#[derive(Debug, Clone, PartialEq)]
pub struct PyRuleSet(pub RuleSet);

#[pymethods]
impl PyRuleSet {
    #[new]
    fn new() -> Self {
        PyRuleSet(RuleSet::builtin())
    }
    /// The built-in rule set.
    #[staticmethod]
    fn builtin() -> Self {
        Self::new()
    }
    /// Parses, validates and compiles a JSON rule set.
    #[staticmethod]
    fn from_json(text: &Bound<'_, PyAny>) -> Result<Self, BindError> {
        Ok(PyRuleSet(RuleSet::from_json(&str_arg(text, "text")?)?))
    }
    /// Parses, validates and compiles a TOML rule set.
    #[staticmethod]
    fn from_toml(text: &Bound<'_, PyAny>) -> Result<Self, BindError> {
        Ok(PyRuleSet(RuleSet::from_toml(&str_arg(text, "text")?)?))
    }
    /// The rule set as JSON (readable by :meth:`from_json`).
    fn to_json(&self) -> String {
        self.0.to_json()
    }
    /// The minimum score for a ticket to be classified.
    #[getter]
    fn min_score(&self) -> f64 {
        self.0.min_score()
    }
    /// The rule names, in order.
    fn names(&self) -> Vec<String> {
        self.0.rules().iter().map(|r| r.name.clone()).collect()
    }
    fn __len__(&self) -> usize {
        self.0.len()
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        reduce(slf.get_type(), slf.get().0.to_json())
    }
    fn __repr__(&self) -> String {
        format!(
            "RuleSet({} rules, min_score={})",
            self.0.len(),
            self.0.min_score()
        )
    }
}

/// A rule set plus a classification table: routes tickets.
#[pyclass(name = "Router", module = "opsbrain._native", frozen)]
#[derive(Debug)]
pub struct PyRouter(core::Router);

#[pymethods]
impl PyRouter {
    #[new]
    #[pyo3(signature = (table = None, rules = None))]
    fn new(
        table: Option<&Bound<'_, PyAny>>,
        rules: Option<&Bound<'_, PyAny>>,
    ) -> Result<Self, BindError> {
        let table = match table {
            Some(t) => instance::<PyClassificationTable>(t, "table")?
                .get()
                .0
                .clone(),
            None => ClassificationTable::builtin(),
        };
        let rules = match rules {
            Some(r) => instance::<PyRuleSet>(r, "rules")?.get().0.clone(),
            None => RuleSet::builtin(),
        };
        Ok(PyRouter(core::Router::new(table, rules)))
    }
    /// Routes one ticket.
    #[pyo3(signature = (subject, body = None, error_codes = None, channel = None))]
    fn route(
        &self,
        subject: &Bound<'_, PyAny>,
        body: Option<&Bound<'_, PyAny>>,
        error_codes: Option<&Bound<'_, PyAny>>,
        channel: Option<&Bound<'_, PyAny>>,
    ) -> Result<PyRouting, BindError> {
        let ticket = ticket_from_args(subject, body, error_codes, channel)?;
        Ok(PyRouting(self.0.route_ticket(&ticket)?))
    }
    /// Routes a list of ticket dicts (keys: subject, body, error_codes,
    /// channel) in parallel, with the interpreter released.
    fn route_many(
        &self,
        py: Python<'_>,
        tickets: &Bound<'_, PyAny>,
    ) -> Result<Vec<PyRouting>, BindError> {
        let tickets = tickets_from_py(tickets)?;
        let out = compute(py, || self.0.route_batch(&tickets))?;
        Ok(out.into_iter().map(PyRouting).collect())
    }
    /// The classification table.
    #[getter]
    fn table(&self) -> PyClassificationTable {
        PyClassificationTable(self.0.table().clone())
    }
    /// The rule set.
    #[getter]
    fn rules(&self) -> PyRuleSet {
        PyRuleSet(self.0.rules().clone())
    }
    fn __repr__(&self) -> String {
        format!(
            "Router({} table entries, {} rules)",
            self.0.table().len(),
            self.0.rules().len()
        )
    }
}

/// Builds a ticket from keyword arguments through the core's own reader, so
/// types and values are checked exactly as for JSON input.
fn ticket_from_args(
    subject: &Bound<'_, PyAny>,
    body: Option<&Bound<'_, PyAny>>,
    error_codes: Option<&Bound<'_, PyAny>>,
    channel: Option<&Bound<'_, PyAny>>,
) -> Result<Ticket, BindError> {
    let mut obj = serde_json::Map::new();
    obj.insert("subject".into(), py_to_json(subject, "subject")?);
    let optional = [
        ("body", body),
        ("error_codes", error_codes),
        ("channel", channel),
    ];
    for (key, value) in optional {
        if let Some(v) = value.filter(|v| !v.is_none()) {
            obj.insert(key.into(), py_to_json(v, key)?);
        }
    }
    Ok(Ticket::try_from(&serde_json::Value::Object(obj))?)
}

fn tickets_from_py(tickets: &Bound<'_, PyAny>) -> Result<Vec<Ticket>, BindError> {
    if tickets.cast::<PyList>().is_err() && tickets.cast::<PyTuple>().is_err() {
        return Err(bind_error(
            ErrorKind::InvalidType,
            format!(
                "tickets must be a list of dicts, not {}",
                type_name(tickets)
            ),
        ));
    }
    let n = tickets
        .len()
        .map_err(|e| bind_error(ErrorKind::InvalidInput, e.to_string()))?;
    core::check_batch(n)?;
    let mut out = Vec::with_capacity(n);
    for (i, item) in tickets
        .try_iter()
        .map_err(|e| bind_error(ErrorKind::InvalidInput, e.to_string()))?
        .enumerate()
    {
        let item = item.map_err(|e| bind_error(ErrorKind::InvalidInput, e.to_string()))?;
        let at = format!("tickets[{i}]");
        let value = py_to_json(&item, &at)?;
        out.push(Ticket::try_from(&value).map_err(|e| BindError(e.at(&at)))?);
    }
    Ok(out)
}

/// Classifies an issue type with the framework's built-in table.
///
/// >>> import opsbrain
/// >>> opsbrain.classify("api_errors").department
/// 'technical'
#[pyfunction]
#[pyo3(signature = (issue_type, channel = None))]
fn classify(
    issue_type: &Bound<'_, PyAny>,
    channel: Option<&Bound<'_, PyAny>>,
) -> Result<PyRoute, BindError> {
    let ch = channel
        .map(self::channel)
        .transpose()?
        .unwrap_or(Channel::Email);
    let table = core::default_router().table();
    Ok(PyRoute(
        table.classify_for(&str_arg(issue_type, "issue_type")?, ch),
    ))
}

/// Routes one free-text ticket with the built-in rules and table.
///
/// >>> import opsbrain
/// >>> opsbrain.route_ticket("Forgot my password").issue_type
/// 'password_reset'
#[pyfunction]
#[pyo3(signature = (subject, body = None, error_codes = None, channel = None))]
fn route_ticket(
    subject: &Bound<'_, PyAny>,
    body: Option<&Bound<'_, PyAny>>,
    error_codes: Option<&Bound<'_, PyAny>>,
    channel: Option<&Bound<'_, PyAny>>,
) -> Result<PyRouting, BindError> {
    let ticket = ticket_from_args(subject, body, error_codes, channel)?;
    Ok(PyRouting(core::default_router().route_ticket(&ticket)?))
}

/// Routes a list of ticket dicts (subject, body, error_codes, channel) with
/// the built-in rules and table, in parallel with the interpreter released.
///
/// >>> import opsbrain
/// >>> [r.issue_type for r in opsbrain.route_tickets([{"subject": "Site is down"}])]
/// ['system_unavailable']
#[pyfunction]
fn route_tickets(py: Python<'_>, tickets: &Bound<'_, PyAny>) -> Result<Vec<PyRouting>, BindError> {
    let tickets = tickets_from_py(tickets)?;
    let out = compute(py, || core::default_router().route_batch(&tickets))?;
    Ok(out.into_iter().map(PyRouting).collect())
}
