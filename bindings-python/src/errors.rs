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
            let code = value.getattr("code").and_then(|c| c.extract::<String>());
            let own = ErrorKind::ALL
                .into_iter()
                .find(|k| code.as_ref().is_ok_and(|c| c == k.code()));
            if let Some(kind) = own {
                return err(kind, value.to_string());
            }
            let limit =
                e.is_instance_of::<PyMemoryError>(py) || e.is_instance_of::<PyRecursionError>(py);
            let kind = match limit {
                true => ErrorKind::LimitExceeded,
                false => ErrorKind::InvalidInput,
            };
            let name = value.get_type().name().map(|n| n.to_string());
            let name = name.unwrap_or_else(|_| "exception".to_owned());
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

impl From<BindError> for PyErr {
    fn from(e: BindError) -> PyErr {
        let e = match e {
            BindError::Signal(s) => return s,
            BindError::Coded(e) => e,
        };
        Python::attach(|py| {
            // `opsbrain.errors.BY_CODE`: code -> exception class.
            let cls = py.import("opsbrain.errors").and_then(|m| {
                let by_code = m.getattr("BY_CODE")?.get_item(e.code());
                let c = by_code.or_else(|_| m.getattr("OpsbrainError"))?;
                Ok(c.cast_into::<PyType>()?)
            });
            match cls {
                Ok(cls) => PyErr::from_type(cls, e.message),
                // Only when `_native` is imported without its package.
                Err(_) => PyValueError::new_err(format!("[{}] {}", e.code(), e.message)),
            }
        })
    }
}

/// Every error code of the core (`opsbrain.error_codes` pairs each with
/// its exception class).
#[pyfunction]
pub fn error_kinds() -> Vec<&'static str> {
    ErrorKind::ALL.iter().map(|k| k.code()).collect()
}
