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
//! | [`stats`] | the crate's quantile definition; [`stats::QuantileSketch`], a mergeable quantile sketch (1 % relative error) |
//! | [`input`] | the one loader: requests from JSON values, configuration text, instants; errors name the path |
//! | [`parallelism`] | [`Parallelism`]: where batch and scoring calls run (current pool, your pool, one thread); async hosts and costs |
//!
//! ## Features
//! One Cargo feature per family; all of them are on by default. With
//! `default-features = false`, pick the families you need: a family turns on
//! the families it calls into. The error type, the shared types, the limits
//! and the JSON readers of [`input`] are always there.
//!
//! | feature | turns on | optional dependencies it pulls |
//! |---|---|---|
//! | `classify` | [`classify`]: classification table, free-text rules, routing, the built-in rules and model | aho-corasick, regex, regex-syntax, rand, rand_chacha, rustc-hash |
//! | `sla` | [`calendar`], [`sla`], [`escalation`]; also `classify` (escalation timelines take a classification table) | chrono-tz, rustc-hash |
//! | `anomaly` | [`anomaly`]: Isolation Forest, scaling, monitoring; also `parallel` (its forests run on a rayon pool, [`anomaly::Threads`]) | ndarray, linfa, rand, rand_chacha |
//! | `capacity` | [`capacity`]: scaling, HPA, forecasts, maintenance windows | ndarray, linfa, linfa-clustering, rand, rand_chacha (for the maintenance windows' k-means only; linfa also links rayon through ndarray) |
//! | `cache` | [`cache`]: strategy rules, miss-ratio curves, simulation, warming | rustc-hash |
//! | `kpi` | [`kpi`]; also `sla` (KPIs are measured against SLA policies) | none more |
//! | `ops` | [`ops`]; also `classify` (troubleshooting matches with rule sets and routes through the table) | regex, chrono-tz, rustc-hash |
//! | `parallel` | the batch functions (`route_batch`, `sla_status_batch`, calendar batches, KPI and burn-rate reports, policy comparison, forecast validation, model cross-validation) run on rayon's pool; without it, on the calling thread, with identical results | rayon |
//! | `toml` | the `from_toml` readers (tables, rule sets, calendars, SLA and escalation policies, strategy tables, `input::from_toml`) and `From<toml::de::Error>` for [`Error`] | toml |
//! | `serde` | nothing: see below | none |
//!
//! Always pulled: serde, serde_json, serde_path_to_error, thiserror, chrono.
//! The `serde` feature is accepted but does not gate anything, and turning it
//! off removes nothing: every request, configuration and result is read and
//! written through serde (the [`input`] readers, `from_json`/`to_json`, both
//! bindings, and the built-in rules, model and knowledge base, which are JSON
//! inside the crate), so the serde derives are part of every family.
//!
//! `default-features = false, features = ["classify", "sla"]` builds no
//! linfa, ndarray or rayon (`scripts/check-features` checks it, and builds and
//! tests every feature alone and none).
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
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "anomaly")]
#[cfg_attr(docsrs, doc(cfg(feature = "anomaly")))]
pub mod anomaly;
#[cfg(feature = "cache")]
#[cfg_attr(docsrs, doc(cfg(feature = "cache")))]
pub mod cache;
#[cfg(feature = "sla")]
#[cfg_attr(docsrs, doc(cfg(feature = "sla")))]
pub mod calendar;
#[cfg(feature = "capacity")]
#[cfg_attr(docsrs, doc(cfg(feature = "capacity")))]
pub mod capacity;
#[cfg(feature = "classify")]
#[cfg_attr(docsrs, doc(cfg(feature = "classify")))]
pub mod classify;
pub mod error;
#[cfg(feature = "sla")]
#[cfg_attr(docsrs, doc(cfg(feature = "sla")))]
pub mod escalation;
pub mod input;
#[cfg(feature = "kpi")]
#[cfg_attr(docsrs, doc(cfg(feature = "kpi")))]
pub mod kpi;
pub mod limits;
#[cfg(feature = "ops")]
#[cfg_attr(docsrs, doc(cfg(feature = "ops")))]
pub mod ops;
#[cfg(any(feature = "classify", feature = "cache", feature = "capacity"))]
mod par;
#[cfg(feature = "parallel")]
#[cfg_attr(docsrs, doc(cfg(feature = "parallel")))]
pub mod parallelism;
#[cfg(any(feature = "classify", feature = "capacity", feature = "anomaly"))]
mod serde_secs;
#[cfg(feature = "sla")]
#[cfg_attr(docsrs, doc(cfg(feature = "sla")))]
pub mod sla;
#[cfg(any(feature = "anomaly", feature = "cache", feature = "kpi"))]
#[cfg_attr(
    docsrs,
    doc(cfg(any(feature = "anomaly", feature = "cache", feature = "kpi")))
)]
pub mod stats;
pub mod types;
mod validate;

/// The chrono crate: instants (`DateTime<Utc>`) and durations (`TimeDelta`)
/// in every signature that takes or gives time.
pub use chrono;
/// The chrono-tz crate: the zones [`calendar::BusinessCalendar::from_chrono`] takes.
#[cfg(feature = "sla")]
#[cfg_attr(docsrs, doc(cfg(feature = "sla")))]
pub use chrono_tz;
pub use error::{Error, ErrorKind, Result};
#[cfg(feature = "parallel")]
#[cfg_attr(docsrs, doc(cfg(feature = "parallel")))]
pub use parallelism::Parallelism;
/// The rayon crate, for [`Parallelism::Pool`] and
/// [`anomaly::Threads`].
#[cfg(feature = "parallel")]
#[cfg_attr(docsrs, doc(cfg(feature = "parallel")))]
pub use rayon;
pub use types::{Channel, Priority, Tier};

/// The ndarray version every opsbrain crate (and linfa) uses; bindings use
/// this re-export so that only one copy is ever linked.
#[cfg(any(feature = "anomaly", feature = "capacity"))]
#[cfg_attr(docsrs, doc(cfg(any(feature = "anomaly", feature = "capacity"))))]
pub use ndarray;

/// The README's Rust examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
