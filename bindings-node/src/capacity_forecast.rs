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

/// Options of `capacity.forecast`.
#[napi(
    object,
    namespace = "capacity",
    object_from_js = false,
    object_to_js = false
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct ForecastOptions {
    /// Instant of `values[0]`.
    #[napi(ts_type = "Date | string")]
    pub start: String,
    /// Seconds between values (at least 60, dividing a day).
    pub step_secs: f64,
    /// How far ahead, in seconds (default 7 days, at most 35).
    pub horizon_secs: Option<f64>,
    /// Forecasting method (default `'auto'`).
    #[napi(
        ts_type = "'auto' | 'seasonal_naive_daily' | 'seasonal_naive_weekly' | 'holt_winters_daily' | 'holt_winters_weekly' | 'mstl'"
    )]
    pub method: Option<String>,
    /// Interval coverage in (0, 1) (default 0.95).
    pub level: Option<f64>,
    /// Longest run of NaN filled, in seconds (default 3 hours).
    pub max_gap_secs: Option<f64>,
    /// Thresholds whose first crossing is reported.
    pub thresholds: Option<Vec<f64>>,
    /// A replica schedule from the forecast.
    pub scaling: Option<ScalingOptions>,
}

/// Turns forecast demand into replicas.
#[napi(
    object,
    namespace = "capacity",
    object_from_js = false,
    object_to_js = false
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct ScalingOptions {
    /// Demand one replica serves at 100%.
    pub capacity_per_replica: f64,
    /// Utilization to plan for (default 0.7).
    pub target_utilization: Option<f64>,
    /// Fewest replicas (default 1).
    pub min_replicas: Option<u32>,
    /// Most replicas (default 100).
    pub max_replicas: Option<u32>,
    /// Curve to provision for (default `'upper'`).
    #[napi(ts_type = "'mean' | 'upper'")]
    pub bound: Option<String>,
    /// Seconds a scale-up starts early (default 900).
    pub lead_secs: Option<f64>,
    /// Seconds demand must stay lower before a scale-down (default 3600).
    pub cooldown_secs: Option<f64>,
}

/// The result of `capacity.forecast` (the core's `Forecast`).
#[napi(
    object,
    namespace = "capacity",
    object_from_js = false,
    object_to_js = false
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct CapacityForecast {
    /// The method used (never `'auto'`).
    pub method: String,
    /// Instant of `mean[0]`.
    #[napi(ts_type = "Date")]
    pub start: String,
    /// Seconds between points.
    pub step_secs: f64,
    /// Point forecasts.
    pub mean: Float64Array,
    /// Lower interval bounds.
    pub lower: Float64Array,
    /// Upper interval bounds.
    pub upper: Float64Array,
    /// Interval coverage.
    pub level: f64,
    /// RMS of the in-sample one-step errors.
    pub sigma: f64,
    /// Fitted parameters.
    #[napi(
        ts_type = "{ alpha: number | null, beta: number | null, gamma: number | null, phi: number | null } | null"
    )]
    pub smoothing: Option<String>,
    /// Holdout errors of the `auto` candidates.
    #[napi(ts_type = "Array<{ method: string, mae: number }>")]
    pub validation: Vec<String>,
    /// Missing points filled.
    pub filled_gaps: f64,
    /// The highest point forecast.
    #[napi(ts_type = "{ at: Date, mean: number, upper: number, maxUpper: number }")]
    pub peak: String,
    /// First crossings, one per threshold.
    #[napi(
        ts_type = "Array<{ threshold: number, at: Date | null, afterSecs: number | null, upperAt: Date | null, upperAfterSecs: number | null }>"
    )]
    pub crossings: Vec<String>,
    /// The replica schedule, with `scaling`.
    #[napi(
        ts_type = "{ steps: Array<{ at: Date, replicas: number }>, peakReplicas: number, capped: boolean } | null"
    )]
    pub schedule: Option<String>,
}

/// Options of `capacity.maintenanceWindows`.
#[napi(
    object,
    namespace = "capacity",
    object_from_js = false,
    object_to_js = false
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct WindowOptions {
    /// Instant of `values[0]`.
    #[napi(ts_type = "Date | string")]
    pub start: String,
    /// Seconds between values.
    pub step_secs: f64,
    /// Window length in seconds (default 7200).
    pub length_secs: Option<f64>,
    /// Windows wanted (default 3).
    pub count: Option<u32>,
    /// Number of regimes (default: chosen, 1 to 3).
    pub regimes: Option<u32>,
    /// KMeans seed (default 0).
    pub seed: Option<f64>,
    /// Longest run of NaN filled, in seconds (default 3 hours).
    pub max_gap_secs: Option<f64>,
    /// Local time offset from UTC, in seconds.
    pub utc_offset_secs: Option<f64>,
}

/// The result of `capacity.maintenanceWindows`.
#[napi(
    object,
    namespace = "capacity",
    object_from_js = false,
    object_to_js = false
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct MaintenanceWindows {
    /// Ranked windows of the weekly profile.
    #[napi(
        ts_type = "Array<{ rank: number, weekday: string, startSecs: number, nextStart: Date, nextEnd: Date, expectedLoad: number, maxLoad: number, regime: number }>"
    )]
    pub windows: Vec<String>,
    /// Regimes, busiest first.
    #[napi(
        ts_type = "Array<{ id: number, label: 'weekday' | 'weekend' | 'holiday_like' | 'mixed' | 'all', days: number, weekdayDays: number[], meanLoad: number, windows: Array<{ startSecs: number, expectedLoad: number, maxLoad: number }> }>"
    )]
    pub regimes: Vec<String>,
    /// Regime of each complete local day (`date` as `YYYY-MM-DD`).
    #[napi(ts_type = "Array<{ date: string, regime: number }>")]
    pub days: Vec<String>,
    /// Weekly profile from Monday 00:00 local.
    pub weekly_profile: Float64Array,
    /// Missing points filled.
    pub filled_gaps: f64,
}

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
