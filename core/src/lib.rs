//! # opsbrain
//!
//! Pure, fast, tested algorithms for support and operations teams, from the
//! post-launch support and optimisation framework: classify issues and route
//! tickets; size caches and choose their strategy from access traces;
//! business-time arithmetic on calendars, SLA timers and escalation
//! timelines; Isolation Forest anomaly scoring and proactive monitoring;
//! capacity planning; KPIs, error budgets and burn-rate alerts; operations
//! rules (performance, PostgreSQL health, self-healing, troubleshooting).
//!
//! The crate performs no I/O and reads no clock: the current time is always
//! an argument, randomness always takes a seed, and results do not depend on
//! the number of threads. The same algorithms are exposed to Python (`pip
//! install ./bindings-python`) and Node.js (`npm install ./bindings-node`).
//!
//! ## Contents
//! | module | what |
//! |---|---|
//! | [`anomaly`] | Isolation Forest (scikit-learn semantics), scaling, proactive monitoring |
//! | [`capacity`] | threshold scaling, the Kubernetes HPA calculator, forecasts, maintenance windows |
//! | [`classify`] | issue-type table, free-text rules, ticket routing |
//! | [`cache`] | strategy rules, miss-ratio curves, policy simulation, warming |
//! | [`calendar`] | business calendars, DST-exact business-time arithmetic |
//! | [`escalation`] | time-based escalation policies over the tier ladder, timelines, escalation rate |
//! | [`kpi`] | support KPIs against targets, error budgets, burn-rate alerts, latency SLOs, Apdex, funnels |
//! | [`ops`] | performance optimizer, PostgreSQL health (statistics, EXPLAIN), self-healing plans, troubleshooting |
//! | [`sla`] | SLA policies and timers from ticket event logs |
//! | [`types`] | shared values: [`Tier`], [`Priority`], [`Channel`] |
//! | [`error`] | one [`Error`] with a stable [`ErrorKind::code`] |
//! | [`limits`] | documented bounds on every input |
//! | [`input`] | the one loader: requests from JSON values, configuration text, instants; errors name the path |
//!
//! ## Example
//! ```
//! use opsbrain::classify::{ClassificationTable, Router, Ticket};
//!
//! // The framework's table.
//! let route = ClassificationTable::builtin().classify("security_breach");
//! assert_eq!(route.tier.get(), 4);
//!
//! // Free text to a route.
//! let mut ticket = Ticket::new("Our account was hacked");
//! ticket.body = "Someone logged in from an unknown country and exported client data.".into();
//! let routing = Router::builtin().route_ticket(&ticket)?;
//! assert_eq!(routing.route.department, "security");
//! # Ok::<(), opsbrain::Error>(())
//! ```
#![deny(missing_docs)]

pub mod anomaly;
pub mod cache;
pub mod calendar;
pub mod capacity;
pub mod classify;
pub mod error;
pub mod escalation;
pub mod input;
pub mod kpi;
pub mod limits;
pub mod ops;
mod serde_secs;
pub mod sla;
pub(crate) mod stats;
pub mod types;
mod validate;

pub use error::{Error, ErrorKind, Result};
pub use types::{Channel, Priority, Tier};

/// The ndarray version every opsbrain crate (and linfa) uses; bindings use
/// this re-export so that only one copy is ever linked.
pub use ndarray;

/// The README's Rust examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
