//! Fixture ops for `capacity_forecast` (see tests/README.md for the format):
//! `capacity.forecast.predict` and `capacity.windows.maintenance`.

use chrono::{DateTime, TimeDelta, Utc};
use opsbrain::capacity::{ForecastParams, Series, WindowParams, forecast, maintenance_windows};
use opsbrain::{Error, ErrorKind};
use serde_json::Value;

fn invalid(msg: &str) -> Error {
    Error::new(ErrorKind::InvalidInput, msg)
}

/// `values` with `null` for NaN.
fn values(input: &Value) -> Result<Vec<f64>, Error> {
    input["values"]
        .as_array()
        .ok_or_else(|| invalid("values"))?
        .iter()
        .map(|v| match v {
            Value::Null => Ok(f64::NAN),
            v => v.as_f64().ok_or_else(|| invalid("values")),
        })
        .collect()
}

fn start(input: &Value) -> Result<DateTime<Utc>, Error> {
    let s = input["start"].as_str().ok_or_else(|| invalid("start"))?;
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| invalid(&format!("start: {e}")))
}

fn step(input: &Value) -> Result<TimeDelta, Error> {
    input["step_secs"]
        .as_i64()
        .and_then(TimeDelta::try_seconds)
        .ok_or_else(|| invalid("step_secs"))
}

/// Parameters as the bindings read them: a shape error is `invalid_config`.
fn params<T: serde::de::DeserializeOwned>(input: &Value) -> Result<T, Error> {
    let p = input
        .get("params")
        .cloned()
        .unwrap_or(Value::Object(Default::default()));
    serde_json::from_value(p).map_err(|e| Error::new(ErrorKind::InvalidConfig, e.to_string()))
}

pub fn run(op: &str, input: &Value) -> Result<Value, Error> {
    let v = values(input)?;
    let series = Series::new(&v, start(input)?, step(input)?);
    match op {
        "capacity.forecast.predict" => {
            let p: ForecastParams = params(input)?;
            Ok(serde_json::to_value(forecast(&series, &p)?)?)
        }
        "capacity.windows.maintenance" => {
            let p: WindowParams = params(input)?;
            Ok(serde_json::to_value(maintenance_windows(&series, &p)?)?)
        }
        other => panic!("unknown op {other:?}: every op must be mapped in every runner"),
    }
}
