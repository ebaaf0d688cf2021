//! Node.js binding of opsbrain (napi-rs), published to npm as `opsbrain`.
//!
//! This file only declares the modules; napi-derive registers every
//! `#[napi]` item with Node when the addon loads.
//!
//! - `classify`: the exposed classification and routing API;
//! - `cache`: the cache API, in the JS namespace `cache`;
//! - `calendar`: the `BusinessCalendar` class;
//! - `sla`: SLA timers and escalation timelines (`SlaPolicy`,
//!   `EscalationPolicy`, `slaStatus`, `escalationTimeline`, ...);
//! - `anomaly`: Isolation Forest and proactive monitoring (`IsolationForest`,
//!   `ProactiveMonitor`, `FittedGroup`, `averagePathLength`);
//! - `ops`: operations rules in the JS namespace `ops` (performance
//!   actions, PostgreSQL health, EXPLAIN index suggestions, healing plans,
//!   the troubleshooting assistant's `KnowledgeBase` and `diagnose`);
//! - `convert`: every conversion between JS values and core types
//!   (`convert::cache`, `convert::calendar` and `convert::sla` for those
//!   modules');
//! - `errors`: the single mapping of core errors to JS errors with `.code`.

mod anomaly;
mod cache;
mod calendar;
mod capacity_forecast;
mod capacity_scaling;
mod classify;
mod convert;
mod errors;
mod escalation;
mod kpi;
mod ops;
mod sla;
mod task;
mod types;
