//! Node.js binding of opsbrain (napi-rs), published to npm as `opsbrain`.
//! This file only declares the modules and completes the exports; napi-derive
//! registers every `#[napi]` item with Node when the addon loads.
//!
//! Layers, each importing only those above it:
//! - `errors`: the one mapping of core errors to JS errors with `.code`,
//!   and the load-time guard of every export;
//! - `convert`: JS values only (`scalar`, `column`, `value`);
//! - `task` (the one async task, `twins!`) and `types` (the string enums'
//!   objects, `class!`, `SlaPolicy` and the shape of SLA values);
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

/// Completes the exports when the addon loads: the string enums' objects,
/// then the guard of every export.
#[napi_derive::napi(module_exports)]
pub fn init(exports: napi::bindgen_prelude::Object<'_>, env: napi::Env) -> napi::Result<()> {
    types::install_enums(&env, &exports)?;
    errors::install_guard(exports, env)
}
