//! The one compute helper: every call into the core's algorithms runs here,
//! with the interpreter released, panics caught and errors coded.

use std::panic::{AssertUnwindSafe, catch_unwind};

use pyo3::prelude::*;

use crate::convert::{Shape, to_py};
use crate::errors::Res;
use crate::fail;

/// Runs `f` with the GIL released. A core error keeps its code; a panic
/// (a bug, never expected) becomes a coded `OpsbrainError` instead of
/// pyo3's `PanicException`, which `except Exception` would miss.
pub fn compute<T: Send>(py: Python<'_>, f: impl FnOnce() -> opsbrain::Result<T> + Send) -> Res<T> {
    match py.detach(|| catch_unwind(AssertUnwindSafe(f))) {
        Ok(result) => Ok(result?),
        Err(panic) => {
            let text = panic.downcast_ref::<String>().map(String::as_str);
            let what = text
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("?");
            fail!(
                InvalidInput,
                "opsbrain failed here (an internal error, please report it): {what}"
            )
        }
    }
}

/// [`compute`], its result as Python data shaped by `shape`.
pub fn compute_py<'py, T: Send + serde::Serialize>(
    py: Python<'py>,
    shape: Shape,
    f: impl FnOnce() -> opsbrain::Result<T> + Send,
) -> Res<Bound<'py, PyAny>> {
    to_py(py, &compute(py, f)?, shape)
}
