//! The one mapping from errors to Python exceptions (the bottom layer).
//!
//! The exception classes are defined in Python (`opsbrain/errors.py`) so that
//! they can inherit from both `OpsbrainError` and the matching built-in
//! (`ValueError`, `TypeError`, `KeyError`); each carries a `code` equal to
//! `ErrorKind::code()`. A Python exception raised by user code while an
//! argument is read (a lying `__len__`, a failing `__iter__`, a dict changed
//! while iterated) becomes a coded error too; only `KeyboardInterrupt`,
//! `SystemExit` and other non-`Exception` signals pass through unchanged.

use opsbrain::{Error, ErrorKind};
use pyo3::exceptions::{PyException, PyMemoryError, PyRecursionError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyType;

/// An error on its way to Python: a coded core error, or a Python signal
/// (`KeyboardInterrupt`, ...) that must travel unchanged.
#[derive(Debug)]
pub enum BindError {
    /// A coded error.
    Coded(Error),
    /// A non-`Exception` Python signal.
    Signal(PyErr),
}

/// The result type of every binding function.
pub type Res<T> = Result<T, BindError>;

impl From<Error> for BindError {
    fn from(e: Error) -> Self {
        BindError::Coded(e)
    }
}

impl From<PyErr> for BindError {
    fn from(e: PyErr) -> Self {
        Python::attach(|py| {
            if !e.is_instance_of::<PyException>(py) {
                return BindError::Signal(e);
            }
            let value = e.value(py);
            if let Some(kind) = value
                .getattr("code")
                .ok()
                .and_then(|c| c.extract::<String>().ok())
                .and_then(|c| ErrorKind::ALL.into_iter().find(|k| k.code() == c))
            {
                return err(kind, value.to_string());
            }
            let kind = if e.is_instance_of::<PyMemoryError>(py)
                || e.is_instance_of::<PyRecursionError>(py)
            {
                ErrorKind::LimitExceeded
            } else {
                ErrorKind::InvalidInput
            };
            let name = value
                .get_type()
                .name()
                .map_or_else(|_| "exception".to_owned(), |n| n.to_string());
            err(
                kind,
                format!("{name} raised while reading the arguments: {value}"),
            )
        })
    }
}

/// A coded error of `kind`.
pub fn err(kind: ErrorKind, message: impl Into<String>) -> BindError {
    BindError::Coded(Error::new(kind, message))
}

/// A coded error from a kind name and a format string:
/// `coded!(InvalidInput, "{path}: ...")`.
#[macro_export]
macro_rules! coded {
    ($kind:ident, $($arg:tt)+) => {
        $crate::errors::err(opsbrain::ErrorKind::$kind, format!($($arg)+))
    };
}

/// Returns early with [`coded!`].
#[macro_export]
macro_rules! fail {
    ($kind:ident, $($arg:tt)+) => {
        return Err($crate::coded!($kind, $($arg)+))
    };
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

impl From<BindError> for PyErr {
    fn from(e: BindError) -> PyErr {
        let e = match e {
            BindError::Signal(s) => return s,
            BindError::Coded(e) => e,
        };
        Python::attach(|py| {
            let cls = py
                .import("opsbrain.errors")
                .and_then(|m| m.getattr(class_name(e.kind)))
                .and_then(|c| Ok(c.cast_into::<PyType>()?));
            match cls {
                Ok(cls) => PyErr::from_type(cls, e.message),
                // Only when `_native` is imported without its package.
                Err(_) => PyValueError::new_err(format!("[{}] {}", e.code(), e.message)),
            }
        })
    }
}

/// The catalogue of error codes and their exception class names.
#[pyfunction]
pub fn error_codes() -> Vec<(&'static str, &'static str)> {
    ErrorKind::ALL
        .iter()
        .map(|k| (k.code(), class_name(*k)))
        .collect()
}
