//! The one mapping from core errors to Python exceptions.
//!
//! The exception classes are defined in Python (`opsbrain/errors.py`) so that
//! they can inherit from both `OpsbrainError` and the matching built-in
//! (`ValueError`, `TypeError`, `KeyError`); each carries a `code` equal to
//! `ErrorKind::code()`.

use opsbrain::{Error, ErrorKind};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyType;

/// A core error on its way to Python (the orphan rule forbids `From<Error> for PyErr`).
#[derive(Debug)]
pub struct BindError(pub Error);

impl From<Error> for BindError {
    fn from(e: Error) -> Self {
        BindError(e)
    }
}

/// The Python class name for each kind (must match `opsbrain/errors.py`).
fn class_name(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::InvalidInput => "InvalidInputError",
        ErrorKind::InvalidType => "InvalidTypeError",
        ErrorKind::MissingKey => "MissingKeyError",
        ErrorKind::InvalidConfig => "InvalidConfigError",
        ErrorKind::ParseError => "ParseError",
        ErrorKind::DimensionMismatch => "DimensionMismatchError",
        ErrorKind::NotFitted => "NotFittedError",
        ErrorKind::UnsupportedVersion => "UnsupportedVersionError",
        ErrorKind::LimitExceeded => "LimitExceededError",
        _ => "OpsbrainError",
    }
}

fn exception_class<'py>(py: Python<'py>, kind: ErrorKind) -> PyResult<Bound<'py, PyType>> {
    let module = py.import("opsbrain.errors")?;
    Ok(module.getattr(class_name(kind))?.cast_into::<PyType>()?)
}

impl From<BindError> for PyErr {
    fn from(BindError(e): BindError) -> PyErr {
        Python::attach(|py| match exception_class(py, e.kind) {
            Ok(cls) => PyErr::from_type(cls, e.message),
            // Only when `_native` is imported without its package.
            Err(_) => PyValueError::new_err(format!("[{}] {}", e.code(), e.message)),
        })
    }
}

/// Shorthand for a binding-side conversion error.
pub fn bind_error(kind: ErrorKind, message: impl Into<String>) -> BindError {
    BindError(Error::new(kind, message))
}

/// Runs core work with the interpreter released, mapping errors (the one
/// place compute calls go through).
pub fn compute<T: Send>(
    py: Python<'_>,
    f: impl FnOnce() -> opsbrain::Result<T> + Send,
) -> Result<T, BindError> {
    py.detach(f).map_err(BindError)
}

/// The catalogue of error codes and their exception class names.
#[pyfunction]
pub fn error_codes() -> Vec<(&'static str, &'static str)> {
    ErrorKind::ALL
        .iter()
        .map(|k| (k.code(), class_name(*k)))
        .collect()
}
