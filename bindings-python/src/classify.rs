//! `opsbrain.classify`, `route_ticket`, `route_tickets` and their classes:
//! thin wrappers over `opsbrain::classify`.

use std::sync::{Arc, Mutex, PoisonError};

use opsbrain::classify::{self as core, FitOptions, MAX_FIT_TICKETS, RuleSet, Ticket};
use opsbrain::limits::{MAX_BATCH_TICKETS, MAX_TICKET_ERROR_CODES};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::compute::compute;
use crate::convert::{Data, Opt, PLAIN, fields_value, opt, opt_arg, seq, string, to_py, value};
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
    /// The most probable issue types, ``[{"issue_type", "probability"}]``.
    candidates -> Data<&[core::Candidate]> = |v| Data(&v.candidates);
    /// Why: matched phrases, keywords, codes and the heaviest text features.
    evidence -> Vec<String> = |v| v.evidence.clone();
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

/// Routes tickets: a rule set, a classification table and a text model
/// (the built-in one with the built-in rules); ``fit`` trains the model on
/// your labelled tickets. Pickles through its JSON form (table, rules and
/// model), compares by value.
#[pyclass(name = "Router", module = "opsbrain._native", frozen)]
#[derive(Debug)]
pub struct PyRouter(Mutex<Arc<core::Router>>);

crate::value_class!(@json mut PyRouter(core::Router) as "Router", |s| &*s.get(), |c| Self(Mutex::new(Arc::new(c))));

impl PyRouter {
    /// The current router (``fit`` swaps it; a routing call keeps its own).
    fn get(&self) -> Arc<core::Router> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// Ticket dicts (subject, body, error_codes, channel), each read as it
/// arrives.
fn tickets(obj: &Bound<'_, PyAny>, max: usize) -> Res<Vec<Ticket>> {
    seq(obj, "tickets", max, |item, at| {
        let v = value(item, at, MAX_TICKET_ERROR_CODES)?;
        Ok(Ticket::from_value_at(&v, &at.to_string())?)
    })
}

#[pymethods]
impl PyRouter {
    #[new]
    #[pyo3(signature = (table = None, rules = None))]
    fn new(table: Opt<'_, '_>, rules: Opt<'_, '_>) -> Res<Self> {
        let table = opt(table, |t| PyClassificationTable::arg(t, "table"))?.unwrap_or_default();
        let rules = opt(rules, |r| PyRuleSet::arg(r, "rules"))?.unwrap_or_default();
        Ok(Self(Mutex::new(Arc::new(core::Router::new(table, rules)))))
    }
    /// The classification table.
    #[getter]
    fn table(&self) -> PyClassificationTable {
        PyClassificationTable(self.get().table().clone())
    }
    /// The rule set.
    #[getter]
    fn rules(&self) -> PyRuleSet {
        PyRuleSet(self.get().rules().clone())
    }
    /// The text model's labels (empty when routing by rules alone).
    #[getter]
    fn labels(&self) -> Vec<String> {
        self.get()
            .model()
            .map_or_else(Vec::new, |m| m.labels().to_vec())
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
        let router = self.get();
        Ok(PyRouting(compute(py, || router.route_ticket(&ticket))?))
    }
    /// Routes a list of ticket dicts (subject, body, error_codes, channel)
    /// in parallel, with the interpreter released.
    fn route_many(&self, py: Python<'_>, tickets: &Bound<'_, PyAny>) -> Res<Vec<PyRouting>> {
        let (tickets, router) = (self::tickets(tickets, MAX_BATCH_TICKETS)?, self.get());
        let out = compute(py, || router.route_batch(&tickets))?;
        Ok(out.into_iter().map(PyRouting).collect())
    }
    /// Trains the text model on labelled tickets (a team's history) on top
    /// of the rules; keyword options as ``FitOptions`` (``folds``,
    /// ``epochs``, ``seed``, ``learning_rate``, ``l2``, ``threshold``,
    /// ``warm_start``). Returns the cross-validation report: ``labels``,
    /// ``tickets``, ``folds``, ``cv_accuracy``, ``cv_macro_f1``,
    /// ``confusion[truth][predicted]``.
    #[pyo3(signature = (tickets, labels, **options))]
    fn fit<'py>(
        &self,
        py: Python<'py>,
        tickets: &Bound<'py, PyAny>,
        labels: &Bound<'py, PyAny>,
        options: Option<&Bound<'py, PyDict>>,
    ) -> Res<Bound<'py, PyAny>> {
        let tickets = self::tickets(tickets, MAX_FIT_TICKETS)?;
        let labels = seq(labels, "labels", MAX_FIT_TICKETS, |l, at| string(l, at))?;
        let options: FitOptions = opt_arg(options.map(|d| d.as_any()), "options", 64)?;
        let mut router = (*self.get()).clone();
        let report = compute(py, || router.fit(&tickets, &labels, &options))?;
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Arc::new(router);
        to_py(py, &report, PLAIN)
    }
}
