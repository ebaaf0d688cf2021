//! Python bindings for opsbrain. This file only registers. The layers, each
//! importing only those above it: `errors` (the one error mapping),
//! `convert` (Python values to serde values and back, numpy columns; knows
//! no family), `compute` (the one helper that releases the GIL and catches
//! panics), then one file per core module, named as in the core.

/// Registers classes and functions: `add!(m; ClassA, ClassB; function_a, function_b)`.
#[macro_export]
macro_rules! add {
    ($m:expr; $($class:ty),*; $($f:ident),*) => {{
        $($m.add_class::<$class>()?;)*
        $($m.add_function(wrap_pyfunction!($f, $m)?)?;)*
        Ok(())
    }};
}

mod anomaly;
mod cache;
mod calendar;
mod capacity;
mod classify;
mod compute;
mod convert;
mod errors;
mod escalation;
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
    escalation::register(m)?;
    anomaly::register(m)?;
    capacity::register(m)?;
    kpi::register(m)?;
    ops::register(m)
}
