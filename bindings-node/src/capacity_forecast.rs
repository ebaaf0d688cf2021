//! `opsbrain::capacity` forecasts and maintenance windows for Node, in the
//! JS namespace `capacity`.
//!
//! ```js
//! const { capacity } = require('opsbrain')
//! const f = capacity.forecast(values, { start: new Date('2026-01-05T00:00:00Z'), stepSecs: 3600 })
//! ```
//!
//! Series are a `Float64Array` (or an array of numbers; `NaN` for a missing
//! point). Options are plain objects whose keys are the core's serde names
//! in camelCase (durations in seconds, `...Secs`). Results are the core's
//! serde form with camelCase keys, instants as `Date`s and the forecast
//! curves (`mean`, `lower`, `upper`, `weeklyProfile`) as `Float64Array`s.

use chrono::{DateTime, TimeDelta, Utc};
use napi::bindgen_prelude::{Float64Array, Object, ToNapiValue, Unknown};
use napi::{Env, JsValue};
use napi_derive::napi;
use opsbrain::capacity::{self as core, ForecastParams, Series, WindowParams};
use opsbrain::{Error, ErrorKind};
use serde_json::{Map, Value};

use crate::convert::cache::{self as conv, Options, camel};
use crate::convert::calendar::{date, instant};
use crate::errors::{self, from_napi, run};

const FORECAST_KEYS: &[&str] = &[
    "start",
    "stepSecs",
    "horizonSecs",
    "method",
    "level",
    "maxGapSecs",
    "thresholds",
    "scaling",
];
const SCALING_KEYS: &[&str] = &[
    "capacityPerReplica",
    "targetUtilization",
    "minReplicas",
    "maxReplicas",
    "bound",
    "leadSecs",
    "cooldownSecs",
];
const WINDOW_KEYS: &[&str] = &[
    "start",
    "stepSecs",
    "lengthSecs",
    "count",
    "regimes",
    "seed",
    "maxGapSecs",
    "utcOffsetSecs",
];

// ---------------------------------------------------------------- TS types
//
// The structs below declare TypeScript interfaces only: options are read and
// results written through serde (see the module docs).

/// Snake-case serde keys of camelCase option names.
fn snake(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn number(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        Value::from(v as i64)
    } else {
        serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
    }
}

/// The numeric and string fields of `opts` listed in `keys` as snake_case JSON.
fn fields(
    opts: &Options<'_>,
    keys: &[&str],
    strings: &[&str],
) -> opsbrain::Result<Map<String, Value>> {
    let mut map = Map::new();
    for &key in keys {
        let Some(v) = opts.get(key) else { continue };
        let value = if strings.contains(&key) {
            Value::String(conv::string(key, v)?)
        } else {
            number(conv::number(key, v)?)
        };
        map.insert(snake(key), value);
    }
    Ok(map)
}

/// `values`, `start` and `stepSecs`.
fn series_parts(
    values: &Unknown<'_>,
    opts: &Options<'_>,
) -> opsbrain::Result<(Vec<f64>, DateTime<Utc>, TimeDelta)> {
    let v = conv::timestamps(values)
        .map_err(|e| Error::new(e.kind, e.message.replace("timestamps", "values")))?;
    let start = instant("start", opts.require("start")?)?;
    let step = opts.require("stepSecs")?;
    let step = conv::number("stepSecs", step)?;
    if !(step.is_finite() && step.fract() == 0.0 && step.abs() < 1e12) {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!("stepSecs must be a whole number of seconds, got {step}"),
        ));
    }
    Ok((v, start, TimeDelta::seconds(step as i64)))
}

/// A serde shape error in options is `invalid_config`.
fn bad_config(what: &str, e: serde_json::Error) -> Error {
    Error::new(ErrorKind::InvalidConfig, format!("{what}: {e}"))
}

/// Inputs of a forecast, converted on the JS thread.
#[derive(Debug)]
struct ForecastInput {
    values: Vec<f64>,
    start: DateTime<Utc>,
    step: TimeDelta,
    params: ForecastParams,
}

fn forecast_input(values: &Unknown<'_>, options: &Unknown<'_>) -> opsbrain::Result<ForecastInput> {
    let opts = conv::options("options", Some(options), FORECAST_KEYS)?;
    let (values, start, step) = series_parts(values, &opts)?;
    let mut map = fields(
        &opts,
        &["horizonSecs", "method", "level", "maxGapSecs"],
        &["method"],
    )?;
    if let Some(t) = opts.get("thresholds") {
        let t = conv::timestamps(t)
            .map_err(|e| Error::new(e.kind, e.message.replace("timestamps", "thresholds")))?;
        map.insert(
            "thresholds".into(),
            Value::Array(t.into_iter().map(number).collect()),
        );
    }
    if let Some(s) = opts.get("scaling") {
        let s = conv::options("options.scaling", Some(s), SCALING_KEYS)?;
        let m = fields(&s, SCALING_KEYS, &["bound"])?;
        map.insert("scaling".into(), Value::Object(m));
    }
    Ok(ForecastInput {
        values,
        start,
        step,
        params: serde_json::from_value(Value::Object(map))
            .map_err(|e| bad_config("forecast options", e))?,
    })
}

fn forecast_of(input: &ForecastInput) -> opsbrain::Result<core::Forecast> {
    core::forecast(
        &Series::new(&input.values, input.start, input.step),
        &input.params,
    )
}

/// Keys whose strings become `Date`s, and whose number lists become
/// `Float64Array`s.
const INSTANTS: [&str; 5] = ["start", "at", "upper_at", "next_start", "next_end"];
const ARRAYS: [&str; 4] = ["mean", "lower", "upper", "weekly_profile"];

fn napi_out(e: &napi::Error) -> Error {
    from_napi(ErrorKind::InvalidInput, "creating the result", e)
}

fn js<'e>(env: &'e Env, v: &Value, key: Option<&str>) -> opsbrain::Result<Unknown<'e>> {
    match (v, key) {
        (Value::String(s), Some(k)) if INSTANTS.contains(&k) => {
            let t = DateTime::parse_from_rfc3339(s)
                .map_err(|e| Error::new(ErrorKind::InvalidInput, format!("{s:?}: {e}")))?;
            Ok(date(env, t.with_timezone(&Utc))?.to_unknown())
        }
        (Value::Array(list), Some(k)) if ARRAYS.contains(&k) => {
            let xs: Vec<f64> = list
                .iter()
                .map(|x| x.as_f64().unwrap_or(f64::NAN))
                .collect();
            Float64Array::new(xs)
                .into_unknown(env)
                .map_err(|e| napi_out(&e))
        }
        (Value::Array(list), _) => {
            let len = u32::try_from(list.len())
                .map_err(|_| Error::new(ErrorKind::LimitExceeded, "result array too long"))?;
            let mut arr = env.create_array(len).map_err(|e| napi_out(&e))?;
            for (i, el) in (0..len).zip(list) {
                arr.set(i, js(env, el, None)?).map_err(|e| napi_out(&e))?;
            }
            Ok(arr.to_unknown())
        }
        (Value::Object(map), _) => {
            let mut obj = Object::new(env).map_err(|e| napi_out(&e))?;
            for (k, el) in map {
                obj.set(camel(k), js(env, el, Some(k))?)
                    .map_err(|e| napi_out(&e))?;
            }
            Ok(obj.to_unknown())
        }
        (other, _) => other.clone().into_unknown(env).map_err(|e| napi_out(&e)),
    }
}

fn result(env: &Env, value: serde_json::Result<Value>) -> opsbrain::Result<Unknown<'_>> {
    js(env, &value?, None)
}

/// A forecast of `values` (one every `stepSecs` from `start`) with
/// prediction intervals, the peak, threshold crossings and, with
/// `scaling`, a proactive replica schedule. Methods: `'auto'` (default),
/// `'seasonal_naive_daily'`, `'seasonal_naive_weekly'`,
/// `'holt_winters_daily'`, `'holt_winters_weekly'`, `'mstl'`.
///
/// Throws `.code` `'invalid_input'` for an empty, negative or too short
/// history, a step that does not divide a day or a long NaN gap;
/// `'invalid_config'` for bad options; `'limit_exceeded'` for a horizon
/// over 35 days.
///
/// @example
/// ```js
/// const cpu = Float64Array.from({ length: 21 * 24 }, (_, t) => 0.4 + 0.2 * Math.sin((2 * Math.PI * (t % 24)) / 24))
/// const f = capacity.forecast(cpu, { start: new Date('2026-01-05T00:00:00Z'), stepSecs: 3600, thresholds: [0.7] })
/// f.mean.length             // 168
/// f.crossings[0].at         // null: 70% is never reached
/// ```
#[napi(
    namespace = "capacity",
    ts_args_type = "values: Float64Array | Array<number>, options: ForecastOptions",
    ts_return_type = "CapacityForecast"
)]
pub fn forecast<'env>(
    env: &'env Env,
    values: Unknown<'_>,
    options: Unknown<'_>,
) -> errors::Result<Unknown<'env>> {
    run(|| {
        let input = forecast_input(&values, &options)?;
        result(env, serde_json::to_value(forecast_of(&input)?))
    })
}

/// The quietest windows of `lengthSecs` (default 7200) in the weekly usage
/// profile, ranked, after KMeans has segmented the days into regimes
/// (weekday, weekend, holiday-like); `count` windows (default 3),
/// `regimes` to force a number of regimes, `seed` (default 0),
/// `utcOffsetSecs` for local days.
///
/// Throws `.code` `'invalid_input'` for fewer than 7 complete days or bad
/// values, `'invalid_config'` for bad options.
///
/// @example
/// ```js
/// const load = Float64Array.from({ length: 28 * 24 }, (_, t) => ((t % 24) >= 2 && (t % 24) < 4 ? 5 : 50))
/// const w = capacity.maintenanceWindows(load, { start: '2026-01-05T00:00:00Z', stepSecs: 3600 })
/// w.windows[0].startSecs     // 7200
/// ```
#[napi(
    namespace = "capacity",
    ts_args_type = "values: Float64Array | Array<number>, options: WindowOptions",
    ts_return_type = "MaintenanceWindows"
)]
pub fn maintenance_windows<'env>(
    env: &'env Env,
    values: Unknown<'_>,
    options: Unknown<'_>,
) -> errors::Result<Unknown<'env>> {
    run(|| {
        let opts = conv::options("options", Some(&options), WINDOW_KEYS)?;
        let (v, start, step) = series_parts(&values, &opts)?;
        let map = fields(
            &opts,
            &[
                "lengthSecs",
                "count",
                "regimes",
                "seed",
                "maxGapSecs",
                "utcOffsetSecs",
            ],
            &[],
        )?;
        let params: WindowParams = serde_json::from_value(Value::Object(map))
            .map_err(|e| bad_config("window options", e))?;
        result(
            env,
            serde_json::to_value(core::maintenance_windows(
                &Series::new(&v, start, step),
                &params,
            )?),
        )
    })
}
