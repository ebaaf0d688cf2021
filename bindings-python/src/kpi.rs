//! Python binding of the core's `kpi` API (registered by lib.rs).

use pyo3::prelude::*;

pub fn register(_m: &Bound<'_, PyModule>) -> PyResult<()> {
    Ok(())
}
