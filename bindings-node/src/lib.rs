//! Node.js binding of opsbrain (napi-rs), published to npm as `opsbrain`.
//! This file only declares the modules; napi-derive registers every
//! `#[napi]` item with Node when the addon loads.
//!
//! Layers, each importing only those above it:
//! - `errors`: the one mapping of core errors to JS errors with `.code`,
//!   and the load-time guard of every export;
//! - `convert`: JS values only (`scalar`, `column`, `value`);
//! - `task` (the one async task) and `types` (string enums, `SlaPolicy`);
//! - one file per core module: `classify`, `calendar`, `sla`,
//!   `escalation`, `anomaly`, `capacity`, `cache`, `kpi`, `ops`; no family
//!   file imports another.

mod anomaly;
mod cache;
mod calendar;
mod capacity;
mod classify;
mod convert;
mod errors;
mod escalation;
mod kpi;
mod ops;
mod sla;
mod task;
mod types;
