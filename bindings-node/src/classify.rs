//! `opsbrain::classify` for Node: issue-type table, rule sets, ticket routing.
//!
//! Each function converts its arguments (`crate::convert`), calls the core and
//! converts the result back; errors go through `crate::errors`.

use std::sync::Arc;

use napi::bindgen_prelude::{AsyncTask, Unknown};
use napi::{Env, Task};
use napi_derive::napi;
use opsbrain::classify as core;

use crate::convert::{self, ClassArg, StrArg};
use crate::errors::{self, Failure, guard, run};

/// How urgent an issue is, from lowest to highest.
#[napi(string_enum = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    /// Can wait.
    Low,
    /// The default.
    Medium,
    /// Affects work now.
    High,
    /// Outage, security or data at risk.
    Critical,
}

/// The channel a ticket arrived on; tier 1's first-response target depends on it.
#[napi(string_enum = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// In-app live chat.
    Chat,
    /// Email (the default).
    Email,
    /// Phone lines.
    Phone,
    /// The self-service portal's ticket form.
    Portal,
}

/// Where an issue type goes: tier, priority, owning department and the
/// first-response target for the channel.
///
/// @example
/// ```js
/// const { classify } = require('opsbrain')
/// classify('api_errors')
/// // { issueType: 'api_errors', tier: 2, priority: 'high', department: 'technical',
/// //   channel: 'email', firstResponseSecs: 1800 }
/// ```
#[napi(object)]
#[derive(Debug)]
pub struct Route {
    /// The issue type that was classified, as given.
    pub issue_type: String,
    /// Support tier, 1 to 4.
    pub tier: u32,
    /// Priority.
    pub priority: Priority,
    /// Owning department (`'user_support'`, `'security'`, ...).
    pub department: String,
    /// Channel the ticket arrived on.
    pub channel: Channel,
    /// The tier's first-response target, in seconds.
    pub first_response_secs: i64,
}

/// The routing decision for one ticket.
///
/// @example
/// ```js
/// const r = routeTicket({ subject: 'Password reset link expired' })
/// r.issueType   // 'password_reset'
/// r.rule        // 'auth.password_reset'
/// r.route.tier  // 1
/// ```
#[napi(object, use_nullable = true)]
#[derive(Debug)]
pub struct Routing {
    /// The chosen issue type, or `'unclassified'`.
    pub issue_type: String,
    /// Name of the rule that decided, or `null` when unclassified.
    pub rule: Option<String>,
    /// In [0, 1): grows with the winning score and its margin over the best
    /// rule for another issue type; 0 when unclassified.
    pub confidence: f64,
    /// The winning rule's points.
    pub score: f64,
    /// Tier, priority, department and first-response target.
    pub route: Route,
}

/// A support ticket as the router reads it. Only `subject` is required; a
/// key other than these four is an error (`invalid_input`).
///
/// @example
/// ```js
/// const ticket = { subject: 'QuickBooks sync failed', body: 'since 2am',
///                  errorCodes: ['QB-1021'], channel: 'chat' }
/// ```
// Declares the TypeScript interface only: tickets are read by
// `convert::ticket`, so that a bad one gets our error codes, not napi's.
#[napi(object, object_to_js = false)]
#[derive(Debug)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct Ticket {
    /// Subject line.
    pub subject: String,
    /// Free-text body (default `''`).
    pub body: Option<String>,
    /// Error codes attached by the reporting system, e.g. `['QB-1021', 'HTTP 503']`.
    pub error_codes: Option<Vec<String>>,
    /// Channel the ticket arrived on (default `'email'`).
    pub channel: Option<Channel>,
}

fn classify_in(
    table: &core::ClassificationTable,
    issue_type: StrArg<'_>,
    channel: Option<StrArg<'_>>,
) -> opsbrain::Result<Route> {
    let issue_type = convert::string("issueType", issue_type)?;
    let route = match convert::channel(channel)? {
        Some(channel) => table.classify_for(&issue_type, channel),
        None => table.classify(&issue_type),
    };
    Ok(route.into())
}

/// Classifies an issue type with the built-in table (the framework's 15
/// types; any other type gets tier 1 / medium / `general`).
///
/// Throws an `Error` with `.code` `'invalid_type'` for a non-string argument
/// and `'invalid_input'` for an unknown channel.
///
/// @example
/// ```js
/// const { classify } = require('opsbrain')
/// classify('security_breach').tier             // 4
/// classify('login_failed', 'chat').firstResponseSecs // 900
/// ```
#[napi(ts_args_type = "issueType: string, channel?: Channel | null")]
pub fn classify(issue_type: StrArg<'_>, channel: Option<StrArg<'_>>) -> errors::Result<Route> {
    run(|| classify_in(core::default_router().table(), issue_type, channel))
}

/// Maps issue types to tier, priority and department.
///
/// Build one with `ClassificationTable.builtin()` (also `new ClassificationTable()`),
/// `fromJson(text)` or `fromToml(text)`. A user table replaces the built-in one,
/// or extends it with `"extends": "builtin"`.
///
/// @example
/// ```js
/// const { ClassificationTable } = require('opsbrain')
/// const t = ClassificationTable.fromJson(JSON.stringify({ extends: 'builtin',
///   entries: { refund_request: { tier: 2, priority: 'high', department: 'billing' } } }))
/// t.classify('refund_request').department // 'billing'
/// t.length                                // 16
/// ```
#[napi]
#[derive(Debug)]
pub struct ClassificationTable {
    inner: core::ClassificationTable,
}

#[napi]
impl ClassificationTable {
    /// The built-in table, as `ClassificationTable.builtin()`.
    ///
    /// @example
    /// ```js
    /// new ClassificationTable().length // 15
    /// ```
    #[napi(constructor)]
    pub fn new() -> Self {
        Self::builtin()
    }

    /// The framework's built-in table (15 issue types).
    ///
    /// @example
    /// ```js
    /// ClassificationTable.builtin().contains('data_leak') // true
    /// ```
    #[napi(factory)]
    pub fn builtin() -> Self {
        ClassificationTable {
            inner: core::default_router().table().clone(),
        }
    }

    /// Parses and validates a JSON table.
    ///
    /// Throws `.code` `'parse_error'` for malformed JSON or unknown keys,
    /// `'invalid_config'` for a bad entry (the message names it, e.g.
    /// `entries[1] ("b"): tier 7 is outside 1..=4`), `'limit_exceeded'` for
    /// an oversized table.
    ///
    /// @example
    /// ```js
    /// const t = ClassificationTable.fromJson('{"entries": [{"type": "refund_request", "tier": 2, "priority": "high", "department": "billing"}]}')
    /// t.classify('refund_request').tier // 2
    /// ```
    #[napi(factory, ts_args_type = "text: string")]
    pub fn from_json(text: StrArg<'_>) -> errors::Result<Self> {
        run(|| {
            let inner = core::ClassificationTable::from_json(&convert::string("text", text)?)?;
            Ok(ClassificationTable { inner })
        })
    }

    /// Parses and validates a TOML table (same keys as `fromJson`).
    ///
    /// @example
    /// ```js
    /// const t = ClassificationTable.fromToml(`
    /// [[entries]]
    /// type = "refund_request"
    /// tier = 2
    /// priority = "high"
    /// department = "billing"
    /// `)
    /// t.length // 1
    /// ```
    #[napi(factory, ts_args_type = "text: string")]
    pub fn from_toml(text: StrArg<'_>) -> errors::Result<Self> {
        run(|| {
            let inner = core::ClassificationTable::from_toml(&convert::string("text", text)?)?;
            Ok(ClassificationTable { inner })
        })
    }

    /// Classifies an issue type; an unknown type gets the table's default.
    ///
    /// @example
    /// ```js
    /// ClassificationTable.builtin().classify('password_reset', 'chat')
    /// // { issueType: 'password_reset', tier: 1, priority: 'low', department: 'user_support',
    /// //   channel: 'chat', firstResponseSecs: 900 }
    /// ```
    #[napi(ts_args_type = "issueType: string, channel?: Channel | null")]
    pub fn classify(
        &self,
        issue_type: StrArg<'_>,
        channel: Option<StrArg<'_>>,
    ) -> errors::Result<Route> {
        run(|| classify_in(&self.inner, issue_type, channel))
    }

    /// The full table as JSON (never with `extends`); `fromJson` reads it back
    /// to an equal table.
    ///
    /// @example
    /// ```js
    /// const t = ClassificationTable.builtin()
    /// ClassificationTable.fromJson(t.toJson()).toJson() === t.toJson() // true
    /// ```
    #[napi]
    pub fn to_json(&self) -> errors::Result<String> {
        run(|| Ok(self.inner.to_json()))
    }

    /// Whether the issue type has its own entry (lookups are case-sensitive).
    ///
    /// @example
    /// ```js
    /// ClassificationTable.builtin().contains('api_errors') // true
    /// ClassificationTable.builtin().contains('API_ERRORS') // false
    /// ```
    #[napi(ts_args_type = "issueType: string")]
    pub fn contains(&self, issue_type: StrArg<'_>) -> errors::Result<bool> {
        run(|| {
            Ok(self
                .inner
                .contains(&convert::string("issueType", issue_type)?))
        })
    }

    /// Number of entries, not counting the default.
    ///
    /// @example
    /// ```js
    /// ClassificationTable.builtin().length // 15
    /// ```
    #[napi(getter)]
    pub fn length(&self) -> u32 {
        u32::try_from(self.inner.len()).unwrap_or(u32::MAX)
    }
}

impl Default for ClassificationTable {
    fn default() -> Self {
        Self::builtin()
    }
}

/// Phrases, keywords and error-code patterns that pick an issue type from a
/// ticket's free text.
///
/// Build one with `RuleSet.builtin()` (also `new RuleSet()`), `fromJson(text)`
/// or `fromToml(text)`: `{"min_score": 1.0, "rules": [{"name", "issue_type",
/// "phrases", "keywords", "error_codes", "weight"}]}`.
///
/// @example
/// ```js
/// const { RuleSet } = require('opsbrain')
/// const rules = RuleSet.fromJson(JSON.stringify({ rules: [
///   { name: 'refunds', issue_type: 'refund_request', keywords: ['refund*'] }] }))
/// rules.length // 1
/// ```
#[napi]
#[derive(Debug)]
pub struct RuleSet {
    inner: core::RuleSet,
}

#[napi]
impl RuleSet {
    /// The built-in rule set, as `RuleSet.builtin()`.
    ///
    /// @example
    /// ```js
    /// new RuleSet().length >= 15 // true
    /// ```
    #[napi(constructor)]
    pub fn new() -> Self {
        Self::builtin()
    }

    /// The default rule set shipped with opsbrain.
    ///
    /// @example
    /// ```js
    /// JSON.parse(RuleSet.builtin().toJson()).rules.length >= 15 // true
    /// ```
    #[napi(factory)]
    pub fn builtin() -> Self {
        RuleSet {
            inner: core::default_router().rules().clone(),
        }
    }

    /// Parses, validates and compiles a JSON rule set.
    ///
    /// Throws `.code` `'parse_error'` for malformed JSON or unknown keys,
    /// `'invalid_config'` for a bad rule (the message names it),
    /// `'limit_exceeded'` past the documented bounds.
    ///
    /// @example
    /// ```js
    /// RuleSet.fromJson('{"rules": [{"name": "r", "issue_type": "api_errors", "keywords": ["api"]}]}')
    /// ```
    #[napi(factory, ts_args_type = "text: string")]
    pub fn from_json(text: StrArg<'_>) -> errors::Result<Self> {
        run(|| {
            let inner = core::RuleSet::from_json(&convert::string("text", text)?)?;
            Ok(RuleSet { inner })
        })
    }

    /// Parses a TOML rule set (`min_score = 1.0` and `[[rules]]` tables).
    ///
    /// @example
    /// ```js
    /// RuleSet.fromToml(`
    /// [[rules]]
    /// name = "r"
    /// issue_type = "api_errors"
    /// keywords = ["api"]
    /// `).length // 1
    /// ```
    #[napi(factory, ts_args_type = "text: string")]
    pub fn from_toml(text: StrArg<'_>) -> errors::Result<Self> {
        run(|| {
            let inner = core::RuleSet::from_toml(&convert::string("text", text)?)?;
            Ok(RuleSet { inner })
        })
    }

    /// The rule set as JSON that `fromJson` reads back.
    ///
    /// @example
    /// ```js
    /// JSON.parse(RuleSet.builtin().toJson()).min_score // 1
    /// ```
    #[napi]
    pub fn to_json(&self) -> errors::Result<String> {
        run(|| Ok(self.inner.to_json()))
    }

    /// Number of rules.
    ///
    /// @example
    /// ```js
    /// RuleSet.builtin().length >= 15 // true
    /// ```
    #[napi(getter)]
    pub fn length(&self) -> u32 {
        u32::try_from(self.inner.len()).unwrap_or(u32::MAX)
    }
}

impl Default for RuleSet {
    fn default() -> Self {
        Self::builtin()
    }
}

/// The router a batch runs on: the shared built-in one or a `Router`'s own.
#[derive(Debug)]
enum SharedRouter {
    Builtin,
    Custom(Arc<core::Router>),
}

impl SharedRouter {
    fn get(&self) -> &core::Router {
        match self {
            SharedRouter::Builtin => core::default_router(),
            SharedRouter::Custom(router) => router,
        }
    }
}

/// Routes a batch on the libuv thread pool (the core batch itself runs in
/// parallel and keeps the input order).
#[derive(Debug)]
pub struct RouteBatch {
    router: SharedRouter,
    /// The converted tickets, or why conversion failed (reported as a
    /// rejection, so the promise never throws synchronously).
    tickets: Result<Vec<core::Ticket>, Failure>,
}

impl RouteBatch {
    fn task(router: SharedRouter, tickets: &Unknown<'_>) -> AsyncTask<Self> {
        let tickets = guard(|| convert::tickets(tickets));
        AsyncTask::new(RouteBatch { router, tickets })
    }
}

#[napi]
impl Task for RouteBatch {
    type Output = Result<Vec<core::Routing>, Failure>;
    type JsValue = Vec<Routing>;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let router = self.router.get();
        // napi calls `compute` once; the tickets move out of the task.
        let tickets = std::mem::replace(&mut self.tickets, Ok(Vec::new()));
        Ok(tickets.and_then(|tickets| guard(|| router.route_batch(&tickets))))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<Self::JsValue> {
        match output {
            Ok(routings) => Ok(convert::routings(routings)),
            Err(failure) => Err(failure.into_rejection(env)),
        }
    }
}

/// Routes free-text tickets: a rule set picks the issue type, a table turns
/// it into a route. `new Router()` uses the built-in table and rules.
///
/// @example
/// ```js
/// const { Router, ClassificationTable, RuleSet } = require('opsbrain')
/// const table = ClassificationTable.fromJson(JSON.stringify({ extends: 'builtin',
///   entries: { refund_request: { tier: 2, priority: 'high', department: 'billing' } } }))
/// const rules = RuleSet.fromJson(JSON.stringify({ rules: [
///   { name: 'refunds', issue_type: 'refund_request', phrases: ['refund my'] }] }))
/// const router = new Router(table, rules)
/// router.route({ subject: 'please refund my order' }).route.department // 'billing'
/// ```
#[napi]
#[derive(Debug)]
pub struct Router {
    inner: Arc<core::Router>,
}

#[napi]
impl Router {
    /// A router from a table and a rule set; either may be left out (or
    /// `null`) for the built-in one. Throws `.code` `'invalid_type'` for
    /// anything else.
    ///
    /// @example
    /// ```js
    /// const router = new Router()
    /// router.route({ subject: 'Site is down', channel: 'phone' }).issueType // 'system_unavailable'
    /// ```
    #[napi(
        constructor,
        ts_args_type = "table?: ClassificationTable | null, rules?: RuleSet | null"
    )]
    pub fn new(
        table: ClassArg<'_, ClassificationTable>,
        rules: ClassArg<'_, RuleSet>,
    ) -> errors::Result<Self> {
        run(|| {
            let table = convert::class_arg(
                "table",
                "ClassificationTable",
                table,
                |t: &ClassificationTable| t.inner.clone(),
            )?;
            let rules =
                convert::class_arg("rules", "RuleSet", rules, |r: &RuleSet| r.inner.clone())?;
            let builtin = core::default_router();
            let router = core::Router::new(
                table.unwrap_or_else(|| builtin.table().clone()),
                rules.unwrap_or_else(|| builtin.rules().clone()),
            );
            Ok(Router {
                inner: Arc::new(router),
            })
        })
    }

    /// Routes one ticket.
    ///
    /// Throws `.code` `'missing_key'` without `subject`, `'invalid_type'` for a
    /// field of the wrong type, `'invalid_input'` for an unknown key or
    /// channel, `'limit_exceeded'` past 1 MiB of subject + body or 256 error codes.
    ///
    /// @example
    /// ```js
    /// new Router().route({ subject: 'Webhook deliveries failing', errorCodes: ['WH-504'] }).issueType
    /// // 'webhook_failures'
    /// ```
    #[napi(ts_args_type = "ticket: Ticket")]
    pub fn route(&self, ticket: Unknown<'_>) -> errors::Result<Routing> {
        run(|| Ok(self.inner.route_ticket(&convert::ticket(&ticket)?)?.into()))
    }

    /// Routes many tickets in parallel; the result keeps the input order.
    /// Errors name the first bad ticket (`tickets[3]: ...`).
    ///
    /// @example
    /// ```js
    /// new Router().routeMany([{ subject: 'Forgot my password' }, { subject: 'Site is down' }])
    ///   .map(r => r.issueType) // ['password_reset', 'system_unavailable']
    /// ```
    #[napi(ts_args_type = "tickets: Array<Ticket>")]
    pub fn route_many(&self, tickets: Unknown<'_>) -> errors::Result<Vec<Routing>> {
        run(|| {
            Ok(convert::routings(
                self.inner.route_batch(&convert::tickets(&tickets)?)?,
            ))
        })
    }

    /// As `routeMany`, off the main thread: returns a Promise, which rejects
    /// with the same coded errors.
    ///
    /// @example
    /// ```js
    /// const routings = await new Router().routeManyAsync(tickets)
    /// ```
    #[napi(ts_args_type = "tickets: Array<Ticket>")]
    pub fn route_many_async(&self, tickets: Unknown<'_>) -> AsyncTask<RouteBatch> {
        RouteBatch::task(SharedRouter::Custom(Arc::clone(&self.inner)), &tickets)
    }
}

/// Routes one ticket with the built-in table and rules (the shared built-in
/// router). Errors as `Router.prototype.route`.
///
/// @example
/// ```js
/// const { routeTicket } = require('opsbrain')
/// const r = routeTicket({ subject: 'Our account was hacked', body: 'Someone exported client data.' })
/// r.route.department // 'security'
/// ```
#[napi(ts_args_type = "ticket: Ticket")]
pub fn route_ticket(ticket: Unknown<'_>) -> errors::Result<Routing> {
    run(|| {
        Ok(core::default_router()
            .route_ticket(&convert::ticket(&ticket)?)?
            .into())
    })
}

/// Routes many tickets with the built-in router, in parallel; the result
/// keeps the input order. Errors name the first bad ticket (`tickets[3]: ...`).
///
/// @example
/// ```js
/// const { routeTickets } = require('opsbrain')
/// routeTickets([{ subject: 'Forgot my password' }, { subject: 'dark mode please' }])
///   .map(r => r.issueType) // ['password_reset', 'unclassified']
/// ```
#[napi(ts_args_type = "tickets: Array<Ticket>")]
pub fn route_tickets(tickets: Unknown<'_>) -> errors::Result<Vec<Routing>> {
    run(|| {
        Ok(convert::routings(
            core::default_router().route_batch(&convert::tickets(&tickets)?)?,
        ))
    })
}

/// As `routeTickets`, off the main thread, for big batches: returns a Promise
/// that rejects with the same coded errors.
///
/// @example
/// ```js
/// const { routeTicketsAsync } = require('opsbrain')
/// const routings = await routeTicketsAsync(tickets)
/// ```
#[napi(ts_args_type = "tickets: Array<Ticket>")]
pub fn route_tickets_async(tickets: Unknown<'_>) -> AsyncTask<RouteBatch> {
    RouteBatch::task(SharedRouter::Builtin, &tickets)
}
