//! Node.js binding of opsbrain (napi-rs), published to npm as `opsbrain`.
//!
//! This file only declares the modules; napi-derive registers every
//! `#[napi]` item with Node when the addon loads.
//!
//! - `classify`: the exposed classification and routing API;
//! - `cache`: the cache API, in the JS namespace `cache`;
//! - `calendar`: the `BusinessCalendar` class;
//! - `convert`: every conversion between JS values and core types
//!   (`convert::cache` and `convert::calendar` for those modules');
//! - `errors`: the single mapping of core errors to JS errors with `.code`.

mod cache;
mod calendar;
mod classify;
mod convert;
mod errors;
