//! Every conversion between Python objects and core values.

use opsbrain::ErrorKind;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDateTime, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Number, Value};

use crate::errors::{BindError, bind_error};

/// Deepest nesting accepted when reading plain Python data.
const MAX_DEPTH: usize = 64;

/// Reads plain Python data (dict with str keys, list, tuple, str, int,
/// float, bool, None) into JSON, so the core validates it exactly as it
/// validates JSON from Rust or Node.
pub fn py_to_json(obj: &Bound<'_, PyAny>, path: &str) -> Result<Value, BindError> {
    to_json(obj, path, 0)
}

fn to_json(obj: &Bound<'_, PyAny>, path: &str, depth: usize) -> Result<Value, BindError> {
    if depth > MAX_DEPTH {
        return Err(bind_error(
            ErrorKind::LimitExceeded,
            format!("{path}: nested deeper than {MAX_DEPTH}"),
        ));
    }
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::String(string(s, path)?));
    }
    if obj.cast::<PyInt>().is_ok() {
        if let Ok(i) = obj.extract::<i64>() {
            return Ok(Value::from(i));
        }
        if let Ok(u) = obj.extract::<u64>() {
            return Ok(Value::from(u));
        }
        return Err(bind_error(
            ErrorKind::InvalidInput,
            format!("{path}: integer out of range"),
        ));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        let v = f.value();
        return Number::from_f64(v).map(Value::Number).ok_or_else(|| {
            bind_error(
                ErrorKind::InvalidInput,
                format!("{path}: {v} is not a finite number"),
            )
        });
    }
    if obj.cast::<PyDateTime>().is_ok() {
        let t = crate::calendar::instant(obj, path)?;
        return Ok(Value::String(
            t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        ));
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut map = Map::new();
        for (k, v) in d.iter() {
            let key = k.cast::<PyString>().map_err(|_| {
                bind_error(
                    ErrorKind::InvalidType,
                    format!("{path}: dict keys must be str"),
                )
            })?;
            let key = string(key, path)?;
            let child = to_json(&v, &format!("{path}[{key:?}]"), depth + 1)?;
            map.insert(key, child);
        }
        return Ok(Value::Object(map));
    }
    if obj.cast::<PyList>().is_ok() || obj.cast::<PyTuple>().is_ok() {
        let mut out = Vec::new();
        for (i, item) in obj.try_iter().map_err(py_err)?.enumerate() {
            out.push(to_json(
                &item.map_err(py_err)?,
                &format!("{path}[{i}]"),
                depth + 1,
            )?);
        }
        return Ok(Value::Array(out));
    }
    Err(bind_error(
        ErrorKind::InvalidType,
        format!("{path}: unsupported type {}", type_name(obj)),
    ))
}

fn string(s: &Bound<'_, PyString>, path: &str) -> Result<String, BindError> {
    s.to_cow().map(std::borrow::Cow::into_owned).map_err(|_| {
        bind_error(
            ErrorKind::InvalidInput,
            format!("{path}: string is not valid UTF-8"),
        )
    })
}

fn py_err(e: PyErr) -> BindError {
    bind_error(ErrorKind::InvalidInput, e.to_string())
}

/// The Python type name of `obj`, for error messages.
pub fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".to_owned())
}

/// A `str` argument, or `invalid_type` naming the argument.
pub fn str_arg(obj: &Bound<'_, PyAny>, name: &str) -> Result<String, BindError> {
    match obj.cast::<PyString>() {
        Ok(s) => string(s, name),
        Err(_) => Err(bind_error(
            ErrorKind::InvalidType,
            format!("{name} must be str, not {}", type_name(obj)),
        )),
    }
}

/// Turns JSON into plain Python data (dict, list, str, int, float, bool, None).
pub fn json_to_py<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.into_pyobject(py)?.into_any(),
            (None, Some(u)) => u.into_pyobject(py)?.into_any(),
            _ => n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any(),
        },
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(a) => {
            let items = a
                .iter()
                .map(|x| json_to_py(py, x))
                .collect::<PyResult<Vec<_>>>()?;
            PyList::new(py, items)?.into_any()
        }
        Value::Object(o) => {
            let d = PyDict::new(py);
            for (k, x) in o {
                d.set_item(k, json_to_py(py, x)?)?;
            }
            d.into_any()
        }
    })
}

/// Serialises a core value to JSON and then to plain Python data.
pub fn to_py_dict<'py, T: serde::Serialize>(
    py: Python<'py>,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    let v = serde_json::to_value(value).map_err(|e| PyErr::from(BindError(e.into())))?;
    json_to_py(py, &v)
}

/// Reads plain Python data into a serde type; shape errors (a missing or
/// unknown field, a wrong type) are `invalid_input` naming `what`.
pub fn from_py<T: serde::de::DeserializeOwned>(
    obj: &Bound<'_, PyAny>,
    what: &str,
) -> Result<T, BindError> {
    let v = py_to_json(obj, what)?;
    serde_json::from_value(v)
        .map_err(|e| bind_error(ErrorKind::InvalidInput, format!("{what}: {e}")))
}

/// Keys whose RFC 3339 string values become aware UTC datetimes in Python.
const INSTANT_KEYS: [&str; 4] = ["at", "met_at", "breach_at", "timestamp"];

/// Like [`to_py_dict`], but instants (under `at`, `met_at`, `breach_at`)
/// become timezone-aware UTC `datetime`s.
pub fn to_py_with_instants<'py, T: serde::Serialize>(
    py: Python<'py>,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    let v = serde_json::to_value(value).map_err(|e| PyErr::from(BindError(e.into())))?;
    json_to_py_with_instants(py, &v, &INSTANT_KEYS)
}

/// JSON to plain Python data where RFC 3339 strings directly under one of
/// `keys` become timezone-aware UTC `datetime`s (the one place results get
/// their instants).
pub fn json_to_py_with_instants<'py>(
    py: Python<'py>,
    v: &Value,
    keys: &[&str],
) -> PyResult<Bound<'py, PyAny>> {
    with_instants(py, v, false, keys)
}

fn with_instants<'py>(
    py: Python<'py>,
    v: &Value,
    instant: bool,
    keys: &[&str],
) -> PyResult<Bound<'py, PyAny>> {
    match v {
        Value::String(s) if instant => match chrono::DateTime::parse_from_rfc3339(s) {
            Ok(t) => Ok(t.with_timezone(&chrono::Utc).into_pyobject(py)?.into_any()),
            Err(_) => Ok(PyString::new(py, s).into_any()),
        },
        Value::Array(a) => {
            let items = a
                .iter()
                .map(|x| with_instants(py, x, false, keys))
                .collect::<PyResult<Vec<_>>>()?;
            Ok(PyList::new(py, items)?.into_any())
        }
        Value::Object(o) => {
            let d = PyDict::new(py);
            for (k, x) in o {
                d.set_item(k, with_instants(py, x, keys.contains(&k.as_str()), keys)?)?;
            }
            Ok(d.into_any())
        }
        other => json_to_py(py, other),
    }
}

/// The binding class instance passed as argument `name`, or `invalid_type`
/// naming the class expected and the type given.
pub fn instance<'a, 'py, T>(
    obj: &'a Bound<'py, PyAny>,
    name: &str,
) -> Result<&'a Bound<'py, T>, BindError>
where
    T: pyo3::PyTypeInfo,
{
    obj.cast::<T>().map_err(|_| {
        let class = obj
            .py()
            .get_type::<T>()
            .name()
            .map(|n| n.to_string())
            .unwrap_or_else(|_| "opsbrain class".to_owned());
        bind_error(
            ErrorKind::InvalidType,
            format!("{name} must be a {class}, not {}", type_name(obj)),
        )
    })
}
