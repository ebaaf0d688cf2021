//! `opsbrain.classify`, `route_ticket`, `route_tickets` and their classes:
//! thin wrappers over `opsbrain::classify`.

use chrono::TimeDelta;
use opsbrain::Channel;
use opsbrain::classify::{self as core, ClassificationTable, RuleSet, Ticket};
use opsbrain::limits::{MAX_BATCH_TICKETS, MAX_TICKET_ERROR_CODES};
use pyo3::prelude::*;

use crate::compute::compute;
use crate::convert::{Opt, fields_value, opt, seq, string, value};
use crate::errors::Res;
use crate::{getters, json_form, value_class};

json_form!(core: ClassificationTable, RuleSet);
json_form!(serde: core::Route, core::Routing);

/// Classifies `issue_type` for `channel` (the default channel when absent).
fn classify_in(
    table: &ClassificationTable,
    issue_type: &Bound<'_, PyAny>,
    ch: Opt,
) -> Res<PyRoute> {
    let ch = opt(ch, |o| Ok(string(o, "channel")?.parse::<Channel>()?))?.unwrap_or_default();
    let t = string(issue_type, "issue_type")?;
    Ok(PyRoute(compute(issue_type.py(), || {
        Ok(table.classify_for(&t, ch))
    })?))
}

value_class! {
    /// Tier, priority, department and first-response target for one issue type.
    ///
    /// Frozen; compares by value; pickles through its JSON form. `priority` and
    /// `channel` are plain ``str`` (``route.priority == "high"``).
    PyRoute(core::Route) as "Route"
}

getters!(PyRoute {
    /// The issue type that was classified.
    issue_type -> &str = |v| &v.issue_type;
    /// Support tier, 1 to 4.
    tier -> u8 = |v| v.tier.get();
    /// "low", "medium", "high" or "critical".
    priority -> &'static str = |v| v.priority.as_str();
    /// Owning department.
    department -> &str = |v| &v.department;
    /// "chat", "email", "phone" or "portal".
    channel -> &'static str = |v| v.channel.as_str();
    /// The tier's first-response target as a ``datetime.timedelta``.
    first_response -> TimeDelta = |v| v.first_response;
    /// The first-response target in seconds.
    first_response_secs -> i64 = |v| v.first_response.num_seconds();
} repr |r| format!(
    "Route(issue_type='{}', tier={}, priority='{}', department='{}', channel='{}', first_response_secs={})",
    r.issue_type,
    r.tier,
    r.priority.as_str(),
    r.department,
    r.channel.as_str(),
    r.first_response.num_seconds()
));

value_class! {
    /// The routing decision for one ticket: issue type, deciding rule,
    /// confidence, score and :class:`Route`.
    PyRouting(core::Routing) as "Routing"
}

getters!(PyRouting {
    /// The chosen issue type, or "unclassified".
    issue_type -> &str = |v| &v.issue_type;
    /// Name of the rule that decided, or None.
    rule -> Option<&str> = |v| v.rule.as_deref();
    /// In [0, 1]; 0 when unclassified.
    confidence -> f64 = |v| v.confidence;
    /// The winning rule's points.
    score -> f64 = |v| v.score;
    /// Tier, priority, department and first-response target.
    route -> PyRoute = |v| PyRoute(v.route.clone());
} repr |r| format!(
    "Routing(issue_type='{}', rule={}, confidence={:.4}, score={}, route={})",
    r.issue_type,
    r.rule.as_ref().map_or_else(|| "None".to_owned(), |s| format!("'{s}'")),
    r.confidence,
    r.score,
    PyRoute(r.route.clone()).__repr__()
));

value_class! {
    /// Issue type -> tier, priority, department. ``ClassificationTable()`` is the
    /// framework's built-in table; ``from_json`` / ``from_toml`` read user tables.
    PyClassificationTable(ClassificationTable) as "ClassificationTable", new = builtin, toml
}

#[pymethods]
impl PyClassificationTable {
    /// Classifies ``issue_type`` for ``channel``; unknown types get the default.
    #[pyo3(signature = (issue_type, channel = None))]
    fn classify(&self, issue_type: &Bound<'_, PyAny>, channel: Opt<'_, '_>) -> Res<PyRoute> {
        classify_in(&self.0, issue_type, channel)
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
    PyRuleSet(RuleSet) as "RuleSet", new = builtin, toml
}

getters!(PyRuleSet {
    /// The minimum score for a ticket to be classified.
    min_score -> f64 = |v| v.min_score();
});

#[pymethods]
impl PyRuleSet {
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

getters!(PyRouter {
    /// The classification table.
    table -> PyClassificationTable = |v| PyClassificationTable(v.table().clone());
    /// The rule set.
    rules -> PyRuleSet = |v| PyRuleSet(v.rules().clone());
});

#[pymethods]
impl PyRouter {
    #[new]
    #[pyo3(signature = (table = None, rules = None))]
    fn new(table: Opt<'_, '_>, rules: Opt<'_, '_>) -> Res<Self> {
        let table = opt(table, |t| PyClassificationTable::arg(t, "table"))?;
        let rules = opt(rules, |r| PyRuleSet::arg(r, "rules"))?;
        Ok(Self(core::Router::new(
            table.unwrap_or_default(),
            rules.unwrap_or_default(),
        )))
    }
    /// Routes one ticket.
    #[pyo3(signature = (subject, body = None, error_codes = None, channel = None))]
    fn route(
        &self,
        py: Python<'_>,
        subject: &Bound<'_, PyAny>,
        body: Opt<'_, '_>,
        error_codes: Opt<'_, '_>,
        channel: Opt<'_, '_>,
    ) -> Res<PyRouting> {
        let ticket = ticket_from_args(subject, body, error_codes, channel)?;
        Ok(PyRouting(compute(py, || self.0.route_ticket(&ticket))?))
    }
    /// Routes a list of ticket dicts (keys: subject, body, error_codes,
    /// channel) in parallel, with the interpreter released.
    fn route_many(&self, py: Python<'_>, tickets: &Bound<'_, PyAny>) -> Res<Vec<PyRouting>> {
        route_all(py, &self.0, tickets)
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
    body: Opt<'_, '_>,
    error_codes: Opt<'_, '_>,
    channel: Opt<'_, '_>,
) -> Res<Ticket> {
    let subject = value(subject, "subject", MAX_TICKET_ERROR_CODES)?;
    let fields = [
        ("body", body),
        ("error_codes", error_codes),
        ("channel", channel),
    ];
    let mut v = fields_value(&fields, MAX_TICKET_ERROR_CODES)?;
    v["subject"] = subject;
    Ok(Ticket::try_from(&v)?)
}

/// Routes ticket dicts, each converted as it arrives (at most the batch
/// limit), in parallel with the interpreter released.
fn route_all(
    py: Python<'_>,
    router: &core::Router,
    tickets: &Bound<'_, PyAny>,
) -> Res<Vec<PyRouting>> {
    let tickets = seq(tickets, "tickets", MAX_BATCH_TICKETS, |item, at| {
        let v = value(item, at, MAX_TICKET_ERROR_CODES)?;
        Ok(Ticket::try_from(&v).map_err(|e| e.at(at))?)
    })?;
    Ok(compute(py, || router.route_batch(&tickets))?
        .into_iter()
        .map(PyRouting)
        .collect())
}

/// Classifies an issue type with the framework's built-in table.
///
/// >>> import opsbrain
/// >>> opsbrain.classify("api_errors").department
/// 'technical'
#[pyfunction]
#[pyo3(signature = (issue_type, channel = None))]
pub fn classify(issue_type: &Bound<'_, PyAny>, channel: Opt<'_, '_>) -> Res<PyRoute> {
    classify_in(core::default_router().table(), issue_type, channel)
}

/// Routes one free-text ticket with the built-in rules and table.
///
/// >>> import opsbrain
/// >>> opsbrain.route_ticket("Forgot my password").issue_type
/// 'password_reset'
#[pyfunction]
#[pyo3(signature = (subject, body = None, error_codes = None, channel = None))]
pub fn route_ticket(
    py: Python<'_>,
    subject: &Bound<'_, PyAny>,
    body: Opt<'_, '_>,
    error_codes: Opt<'_, '_>,
    channel: Opt<'_, '_>,
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
pub fn route_tickets(py: Python<'_>, tickets: &Bound<'_, PyAny>) -> Res<Vec<PyRouting>> {
    route_all(py, core::default_router(), tickets)
}
