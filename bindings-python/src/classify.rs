//! `opsbrain.classify`, `route_ticket`, `route_tickets` and their classes:
//! thin wrappers over `opsbrain::classify`.

use opsbrain::classify::{self as core, RuleSet, Ticket};
use opsbrain::limits::{MAX_BATCH_TICKETS, MAX_TICKET_ERROR_CODES};
use pyo3::prelude::*;

use crate::compute::compute;
use crate::convert::{Opt, fields_value, opt, seq, value};
use crate::errors::Res;
use crate::types::{PyClassificationTable, PyRoute};
use crate::{getters, value_class};

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
});

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
        let table = opt(table, |t| PyClassificationTable::arg(t, "table"))?.unwrap_or_default();
        let rules = opt(rules, |r| PyRuleSet::arg(r, "rules"))?.unwrap_or_default();
        Ok(Self(core::Router::new(table, rules)))
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
        // Read by the core's own ticket reader, exactly as JSON input.
        let fields = [
            ("subject", Some(subject)),
            ("body", body),
            ("error_codes", error_codes),
            ("channel", channel),
        ];
        let ticket = Ticket::try_from(&fields_value(&fields, MAX_TICKET_ERROR_CODES)?)?;
        Ok(PyRouting(compute(py, || self.0.route_ticket(&ticket))?))
    }
    /// Routes a list of ticket dicts (keys: subject, body, error_codes,
    /// channel) in parallel, with the interpreter released.
    fn route_many(&self, py: Python<'_>, tickets: &Bound<'_, PyAny>) -> Res<Vec<PyRouting>> {
        let tickets = seq(tickets, "tickets", MAX_BATCH_TICKETS, |item, at| {
            let v = value(item, at, MAX_TICKET_ERROR_CODES)?;
            Ok(Ticket::try_from(&v).map_err(|e| e.at(at))?)
        })?;
        let out = compute(py, || self.0.route_batch(&tickets))?;
        Ok(out.into_iter().map(PyRouting).collect())
    }
    fn __repr__(&self) -> String {
        format!(
            "Router({} table entries, {} rules)",
            self.0.table().len(),
            self.0.rules().len()
        )
    }
}
