//! `opsbrain.classify`, `route_ticket`, `route_tickets` and their classes:
//! thin wrappers over `opsbrain::classify`.

use chrono::TimeDelta;
use opsbrain::Channel;
use opsbrain::classify::{self as core, ClassificationTable, RuleSet, Ticket};
use opsbrain::limits::{MAX_BATCH_TICKETS, MAX_TICKET_ERROR_CODES};
use pyo3::prelude::*;

use crate::compute::compute;
use crate::convert::{given, instance, opt_string, seq, string, value};
use crate::errors::Res;
use crate::{json_form, value_class};

/// Registers the family.
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

json_form!(core: ClassificationTable, RuleSet);
json_form!(serde: core::Route, core::Routing);

fn channel(obj: Option<&Bound<'_, PyAny>>) -> Res<Channel> {
    Ok(match opt_string(obj, "channel")? {
        Some(c) => c.parse()?,
        None => Channel::default(),
    })
}

value_class! {
    /// Tier, priority, department and first-response target for one issue type.
    ///
    /// Frozen; compares by value; pickles through its JSON form. `priority` and
    /// `channel` are plain ``str`` (``route.priority == "high"``).
    PyRoute(core::Route) as "Route"
}

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

value_class! {
    /// The routing decision for one ticket: issue type, deciding rule,
    /// confidence, score and :class:`Route`.
    PyRouting(core::Routing) as "Routing"
}

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
    fn __repr__(&self) -> String {
        let r = &self.0;
        let rule = r
            .rule
            .as_ref()
            .map_or_else(|| "None".to_owned(), |s| format!("'{s}'"));
        format!(
            "Routing(issue_type='{}', rule={rule}, confidence={:.4}, score={}, route={})",
            r.issue_type,
            r.confidence,
            r.score,
            PyRoute(r.route.clone()).__repr__()
        )
    }
}

value_class! {
    /// Issue type -> tier, priority, department. ``ClassificationTable()`` is the
    /// framework's built-in table; ``from_json`` / ``from_toml`` read user tables.
    PyClassificationTable(ClassificationTable) as "ClassificationTable"
}

#[pymethods]
impl PyClassificationTable {
    #[new]
    fn new() -> Self {
        Self(ClassificationTable::builtin())
    }
    /// The framework's built-in table.
    #[staticmethod]
    fn builtin() -> Self {
        Self::new()
    }
    /// Parses and validates a TOML table.
    #[staticmethod]
    fn from_toml(text: &Bound<'_, PyAny>) -> Res<Self> {
        Ok(Self(ClassificationTable::from_toml(&string(
            text, "text",
        )?)?))
    }
    /// Classifies ``issue_type`` for ``channel``; unknown types get the default.
    #[pyo3(signature = (issue_type, channel = None))]
    fn classify(
        &self,
        issue_type: &Bound<'_, PyAny>,
        channel: Option<&Bound<'_, PyAny>>,
    ) -> Res<PyRoute> {
        let ch = self::channel(channel)?;
        Ok(PyRoute(
            self.0.classify_for(&string(issue_type, "issue_type")?, ch),
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
        string(issue_type, "issue_type").is_ok_and(|t| self.0.contains(&t))
    }
    fn __repr__(&self) -> String {
        format!("ClassificationTable({} entries)", self.0.len())
    }
}

value_class! {
    /// Free-text rules (phrases, keywords, error-code patterns) choosing an
    /// issue type. ``RuleSet()`` is the built-in set.
    PyRuleSet(RuleSet) as "RuleSet"
}

#[pymethods]
impl PyRuleSet {
    #[new]
    fn new() -> Self {
        Self(RuleSet::builtin())
    }
    /// The built-in rule set.
    #[staticmethod]
    fn builtin() -> Self {
        Self::new()
    }
    /// Parses, validates and compiles a TOML rule set.
    #[staticmethod]
    fn from_toml(text: &Bound<'_, PyAny>) -> Res<Self> {
        Ok(Self(RuleSet::from_toml(&string(text, "text")?)?))
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
    fn new(table: Option<&Bound<'_, PyAny>>, rules: Option<&Bound<'_, PyAny>>) -> Res<Self> {
        let table = match given(table) {
            Some(t) => instance::<PyClassificationTable>(t, "table")?
                .get()
                .0
                .clone(),
            None => ClassificationTable::builtin(),
        };
        let rules = match given(rules) {
            Some(r) => instance::<PyRuleSet>(r, "rules")?.get().0.clone(),
            None => RuleSet::builtin(),
        };
        Ok(Self(core::Router::new(table, rules)))
    }
    /// Routes one ticket.
    #[pyo3(signature = (subject, body = None, error_codes = None, channel = None))]
    fn route(
        &self,
        py: Python<'_>,
        subject: &Bound<'_, PyAny>,
        body: Option<&Bound<'_, PyAny>>,
        error_codes: Option<&Bound<'_, PyAny>>,
        channel: Option<&Bound<'_, PyAny>>,
    ) -> Res<PyRouting> {
        let ticket = ticket_from_args(subject, body, error_codes, channel)?;
        Ok(PyRouting(compute(py, || self.0.route_ticket(&ticket))?))
    }
    /// Routes a list of ticket dicts (keys: subject, body, error_codes,
    /// channel) in parallel, with the interpreter released.
    fn route_many(&self, py: Python<'_>, tickets: &Bound<'_, PyAny>) -> Res<Vec<PyRouting>> {
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
) -> Res<Ticket> {
    let mut obj = serde_json::Map::new();
    obj.insert(
        "subject".into(),
        value(subject, "subject", MAX_TICKET_ERROR_CODES)?,
    );
    for (key, v) in [
        ("body", body),
        ("error_codes", error_codes),
        ("channel", channel),
    ] {
        if let Some(v) = given(v) {
            obj.insert(key.into(), value(v, key, MAX_TICKET_ERROR_CODES)?);
        }
    }
    Ok(Ticket::try_from(&serde_json::Value::Object(obj))?)
}

/// Ticket dicts, each converted as it arrives (at most the batch limit).
fn tickets_from_py(tickets: &Bound<'_, PyAny>) -> Res<Vec<Ticket>> {
    seq(tickets, "tickets", MAX_BATCH_TICKETS, |item, at| {
        let v = value(item, at, MAX_TICKET_ERROR_CODES)?;
        Ok(Ticket::try_from(&v).map_err(|e| e.at(at))?)
    })
}

/// Classifies an issue type with the framework's built-in table.
///
/// >>> import opsbrain
/// >>> opsbrain.classify("api_errors").department
/// 'technical'
#[pyfunction]
#[pyo3(signature = (issue_type, channel = None))]
fn classify(issue_type: &Bound<'_, PyAny>, channel: Option<&Bound<'_, PyAny>>) -> Res<PyRoute> {
    let ch = self::channel(channel)?;
    let table = core::default_router().table();
    Ok(PyRoute(
        table.classify_for(&string(issue_type, "issue_type")?, ch),
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
    py: Python<'_>,
    subject: &Bound<'_, PyAny>,
    body: Option<&Bound<'_, PyAny>>,
    error_codes: Option<&Bound<'_, PyAny>>,
    channel: Option<&Bound<'_, PyAny>>,
) -> Res<PyRouting> {
    let ticket = ticket_from_args(subject, body, error_codes, channel)?;
    Ok(PyRouting(compute(py, || {
        core::default_router().route_ticket(&ticket)
    })?))
}

/// Routes a list of ticket dicts (subject, body, error_codes, channel) with
/// the built-in rules and table, in parallel with the interpreter released.
///
/// >>> import opsbrain
/// >>> [r.issue_type for r in opsbrain.route_tickets([{"subject": "Site is down"}])]
/// ['system_unavailable']
#[pyfunction]
fn route_tickets(py: Python<'_>, tickets: &Bound<'_, PyAny>) -> Res<Vec<PyRouting>> {
    let tickets = tickets_from_py(tickets)?;
    let out = compute(py, || core::default_router().route_batch(&tickets))?;
    Ok(out.into_iter().map(PyRouting).collect())
}
