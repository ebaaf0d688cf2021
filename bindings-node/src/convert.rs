//! The conversion layer: JS values only, never a family.
//!
//! - [`scalar`]: typed readers of single values, the argument path in
//!   every message;
//! - [`column`]: numeric columns and matrices (typed arrays in place);
//! - [`value`]: the one bounded reader JS -> serde and the one writer back.

pub mod column;
pub mod scalar;
pub mod value;
