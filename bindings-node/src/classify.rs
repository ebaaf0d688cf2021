//! `opsbrain::classify` for Node: the issue-type table, rule sets and
//! ticket routing. Tickets are read by the one reader and handed to the
//! core's `Ticket::from_value_at`, which owns their rules and error codes.

use std::sync::Arc;

use napi::bindgen_prelude::Unknown;
use napi::{Env, JsValue};
use napi_derive::napi;
use opsbrain::Channel;
use opsbrain::classify as core;

use crate::convert::scalar::{self, Class, wrong};
use crate::convert::value::{self, Shape};
use crate::errors::{self, run};
use crate::task::{self, Work, twins};
use crate::types::class;

fn ticket(path: &str, v: &Unknown<'_>) -> opsbrain::Result<core::Ticket> {
    let value = value::read(path, v, &Shape::PLAIN)?;
    core::Ticket::from_value_at(&value, path)
}

fn tickets(v: &Unknown<'_>) -> opsbrain::Result<Vec<core::Ticket>> {
    if !v.is_array().unwrap_or(false) {
        return Err(wrong("tickets", "an array of ticket objects", v));
    }
    core::Ticket::list(&value::read("tickets", v, &Shape::PLAIN)?, "tickets")
}

fn classify_in<'e>(
    env: &'e Env,
    table: &core::ClassificationTable,
    issue_type: &Unknown<'_>,
    channel: Option<&Unknown<'_>>,
) -> errors::Result<Unknown<'e>> {
    task::reply(env, &Shape::PLAIN, || {
        let issue_type = scalar::string("issueType", issue_type)?;
        let channel = match channel.filter(|c| !scalar::is_nullish(c)) {
            Some(c) => scalar::string("channel", c)?.parse()?,
            None => Channel::default(),
        };
        Ok(table.classify_for(&issue_type, channel))
    })
}

/// Classifies an issue type with the built-in table.
#[napi(
    ts_args_type = "issueType: string, channel?: Channel | null",
    ts_return_type = "Route"
)]
pub fn classify<'e>(
    env: &'e Env,
    issue_type: Unknown<'_>,
    channel: Option<Unknown<'_>>,
) -> errors::Result<Unknown<'e>> {
    classify_in(
        env,
        core::default_router().table(),
        &issue_type,
        channel.as_ref(),
    )
}

class! {
    "Maps issue types to tier, priority and department."
    #[napi()]
    pub struct ClassificationTable(core::ClassificationTable);
    "The built-in table."
    fn new = core::default_router().table().clone();
    "The framework's built-in table (15 issue types)."
    fn builtin = core::default_router().table().clone();
    "Parses and validates a JSON table."
    fn from_json;
    "Parses and validates a TOML table."
    fn from_toml;
    "The full table as JSON."
    fn to_json;
    "Number of entries, not counting the default."
    fn length;
}

#[napi]
impl ClassificationTable {
    /// Classifies an issue type; an unknown type gets the table's default.
    #[napi(
        ts_args_type = "issueType: string, channel?: Channel | null",
        ts_return_type = "Route"
    )]
    pub fn classify<'e>(
        &self,
        env: &'e Env,
        issue_type: Unknown<'_>,
        channel: Option<Unknown<'_>>,
    ) -> errors::Result<Unknown<'e>> {
        classify_in(env, &self.inner, &issue_type, channel.as_ref())
    }

    /// Whether the issue type has its own entry.
    #[napi(ts_args_type = "issueType: string")]
    pub fn contains(&self, issue_type: Unknown<'_>) -> errors::Result<bool> {
        run(|| {
            Ok(self
                .inner
                .contains(&scalar::string("issueType", &issue_type)?))
        })
    }
}

class! {
    "Phrases, keywords and error-code patterns that pick an issue type."
    #[napi()]
    pub struct RuleSet(core::RuleSet);
    "The built-in rule set."
    fn new = core::default_router().rules().clone();
    "The default rule set shipped with opsbrain."
    fn builtin = core::default_router().rules().clone();
    "Parses, validates and compiles a JSON rule set."
    fn from_json;
    "Parses a TOML rule set."
    fn from_toml;
    "The rule set as JSON."
    fn to_json;
    "Number of rules."
    fn length;
}

/// Routes free-text tickets: a rule set picks the issue type, a table
/// turns it into a route.
#[napi]
#[derive(Debug)]
pub struct Router {
    inner: Arc<core::Router>,
}

const ROUTINGS: Shape = Shape::PLAIN;

fn batch<R>(router: R, list: &Unknown<'_>) -> opsbrain::Result<Work>
where
    R: std::ops::Deref<Target = core::Router> + Send + 'static,
{
    let tickets = tickets(list)?;
    task::work(&ROUTINGS, move || router.route_batch(&tickets))
}

#[napi]
impl Router {
    /// A router from a table and a rule set (either left out: built-in).
    #[napi(
        constructor,
        ts_args_type = "table?: ClassificationTable | null, rules?: RuleSet | null"
    )]
    pub fn new(
        table: Option<Class<'_, ClassificationTable>>,
        rules: Option<Class<'_, RuleSet>>,
    ) -> errors::Result<Self> {
        run(|| {
            // Either left out: the built-in one (the classes' `Default`).
            let table = scalar::opt_class("table", "ClassificationTable", &table)?.cloned();
            let rules = scalar::opt_class("rules", "RuleSet", &rules)?.cloned();
            let router = core::Router::new(
                table.unwrap_or_default().inner,
                rules.unwrap_or_default().inner,
            );
            Ok(Router {
                inner: Arc::new(router),
            })
        })
    }

    /// Routes one ticket.
    #[napi(ts_args_type = "ticket: Ticket", ts_return_type = "Routing")]
    pub fn route<'e>(&self, env: &'e Env, ticket: Unknown<'_>) -> errors::Result<Unknown<'e>> {
        route_one(env, &self.inner, &ticket)
    }

    /// Trains the text model on labelled tickets (a team's history) on top
    /// of the rules, starting from the current model; returns the
    /// cross-validated accuracy and confusion matrix.
    #[napi(
        ts_args_type = "tickets: Array<Ticket>, labels: Array<string>, options?: FitOptions | null",
        ts_return_type = "FitReport"
    )]
    pub fn fit<'e>(
        &mut self,
        env: &'e Env,
        tickets: Unknown<'_>,
        labels: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> errors::Result<Unknown<'e>> {
        let mut router = (*self.inner).clone();
        let report = task::reply(env, &Shape::PLAIN, || {
            let tickets = self::tickets(&tickets)?;
            let labels: Vec<String> = value::arg("labels", &labels, &Shape::PLAIN)?;
            let options: core::FitOptions = value::opt("options", options.as_ref(), &Shape::PLAIN)?;
            router.fit(&tickets, &labels, &options)
        })?;
        self.inner = Arc::new(router);
        Ok(report)
    }

    /// Reads (and validates) a router's JSON form: table, rules and model.
    #[napi(factory, ts_args_type = "text: string")]
    pub fn from_json(text: Unknown<'_>) -> errors::Result<Self> {
        run(|| {
            let text = scalar::string("text", &text)?;
            let inner = Arc::new(opsbrain::input::from_json(&text)?);
            Ok(Router { inner })
        })
    }

    /// The JSON form: table, rules and text model.
    #[napi]
    pub fn to_json(&self) -> String {
        opsbrain::input::JsonForm::to_json(&*self.inner)
    }

    /// The text model's labels (empty when routing by rules alone).
    #[napi(getter)]
    pub fn labels(&self) -> Vec<String> {
        self.inner
            .model()
            .map_or_else(Vec::new, |m| m.labels().to_vec())
    }
}

impl Router {
    fn routes(&self, tickets: &Unknown<'_>) -> opsbrain::Result<Work> {
        batch(Arc::clone(&self.inner), tickets)
    }
}

twins! {
    impl Router {
        #[napi(ts_args_type = "tickets: Array<Ticket>")]
        "Routes many tickets in parallel, keeping their order."
        fn route_many -> "Array<Routing>";
        "As `routeMany`, off the main thread."
        fn route_many_async -> "Promise<Array<Routing>>";
        with routes(tickets: Unknown<'_>);
    }
}

fn route_one<'e>(
    env: &'e Env,
    router: &core::Router,
    v: &Unknown<'_>,
) -> errors::Result<Unknown<'e>> {
    task::reply(env, &ROUTINGS, || {
        router.route_ticket(&ticket("ticket", v)?)
    })
}

/// Routes one ticket with the built-in router.
#[napi(ts_args_type = "ticket: Ticket", ts_return_type = "Routing")]
pub fn route_ticket<'e>(env: &'e Env, ticket: Unknown<'_>) -> errors::Result<Unknown<'e>> {
    route_one(env, core::default_router(), &ticket)
}

fn builtin_batch(tickets: &Unknown<'_>) -> opsbrain::Result<Work> {
    batch(core::default_router(), tickets)
}

twins! {
    #[napi(ts_args_type = "tickets: Array<Ticket>")]
    "Routes many tickets with the built-in router, keeping their order."
    fn route_tickets -> "Array<Routing>";
    "As `routeTickets`, off the main thread."
    fn route_tickets_async -> "Promise<Array<Routing>>";
    with builtin_batch(tickets: Unknown<'_>);
}
