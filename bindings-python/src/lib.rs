//! Python bindings for opsbrain. This file only registers; conversions live in
//! `convert`, the error mapping in `errors`, and each core module has a file
//! of the same name.

mod anomaly;
mod cache;
mod calendar;
mod capacity_forecast;
mod capacity_scaling;
mod classify;
mod convert;
mod errors;
mod kpi;
mod ops;
mod sla;

use pyo3::prelude::*;

/// The native half of the `opsbrain` package; import `opsbrain`, not this.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(errors::error_codes, m)?)?;
    classify::register(m)?;
    cache::register(m)?;
    calendar::register(m)?;
    sla::register(m)?;
    anomaly::register(m)?;
    capacity_scaling::register(m)?;
    capacity_forecast::register(m)?;
    kpi::register(m)?;
    ops::register(m)
}
