//! `opsbrain::capacity` for Node, in the namespace `capacity`: demand
//! forecasts, maintenance windows, threshold replica recommendations and
//! the Kubernetes HPA replica calculation. Requests are plain camelCase
//! objects read by the one reader; series are `Float64Array`s or arrays.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};
use napi::Env;
use napi::bindgen_prelude::Unknown;
use napi_derive::napi;
use opsbrain::capacity::{
    self as core, HpaRequest, ReplicaRequest, ResourceThresholds, Series, ThresholdPolicy,
};
use opsbrain::{Error, ErrorKind};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::convert::column;
use crate::convert::scalar::{self, bad, is_nullish};
use crate::convert::value::{self, Shape};
use crate::errors::{self, run};

const SHAPE: Shape = Shape {
    instants: &[
        "at",
        "now",
        "start",
        "timestamp",
        "upper_at",
        "next_start",
        "next_end",
        "met_at",
        "breach_at",
    ],
    floats: &["mean", "lower", "upper", "weekly_profile"],
    ..Shape::PLAIN
};

/// A series' start and step, and its other options as the core's params:
/// an unknown key is `invalid_input`, a bad value `invalid_config`.
fn series_options<P: DeserializeOwned>(
    v: &Unknown<'_>,
) -> opsbrain::Result<(DateTime<Utc>, TimeDelta, P)> {
    let Value::Object(mut map) = value::read("options", v, &SHAPE)? else {
        return Err(scalar::wrong("options", "an object", v));
    };
    let start = map
        .remove("start")
        .ok_or_else(|| Error::new(ErrorKind::MissingKey, "options.start is required"))?;
    let start: DateTime<Utc> = value::parse("options.start", start)?;
    let step = map
        .remove("step_secs")
        .ok_or_else(|| Error::new(ErrorKind::MissingKey, "options.stepSecs is required"))?;
    let step = step
        .as_i64()
        .filter(|s| s.abs() < 1_000_000_000_000)
        .ok_or_else(|| {
            bad(
                "options.stepSecs",
                format_args!("must be a whole number of seconds, got {step}"),
            )
        })?;
    let params = value::parse("options", Value::Object(map)).map_err(|e| match e.kind {
        ErrorKind::InvalidInput if e.message.contains("unknown field") => e,
        _ => Error::new(ErrorKind::InvalidConfig, e.message),
    })?;
    Ok((start, TimeDelta::seconds(step), params))
}

/// A demand forecast with prediction intervals and threshold crossings.
#[napi(
    namespace = "capacity",
    ts_args_type = "values: Float64Array | Array<number>, options: ForecastOptions",
    ts_return_type = "CapacityForecast"
)]
pub fn forecast<'e>(
    env: &'e Env,
    values: Unknown<'_>,
    options: Unknown<'_>,
) -> errors::Result<Unknown<'e>> {
    run(|| {
        let v = column::floats("values", &values)?;
        let (start, step, params): (_, _, core::ForecastParams) = series_options(&options)?;
        value::result(
            env,
            &core::forecast(&Series::new(&v, start, step), &params)?,
            &SHAPE,
        )
    })
}

/// The quietest recurring windows of a load history.
#[napi(
    namespace = "capacity",
    ts_args_type = "values: Float64Array | Array<number>, options: WindowOptions",
    ts_return_type = "MaintenanceWindows"
)]
pub fn maintenance_windows<'e>(
    env: &'e Env,
    values: Unknown<'_>,
    options: Unknown<'_>,
) -> errors::Result<Unknown<'e>> {
    run(|| {
        let v = column::floats("values", &values)?;
        let (start, step, params): (_, _, core::WindowParams) = series_options(&options)?;
        value::result(
            env,
            &core::maintenance_windows(&Series::new(&v, start, step), &params)?,
            &SHAPE,
        )
    })
}

/// Replicas for resource usage against scale-up/scale-down thresholds.
#[napi(
    namespace = "capacity",
    ts_args_type = "request: ReplicaRequest, policy?: Record<string, ThresholdRule> | null",
    ts_return_type = "ReplicaRecommendation"
)]
pub fn replica_recommendation<'e>(
    env: &'e Env,
    request: Unknown<'_>,
    policy: Option<Unknown<'_>>,
) -> errors::Result<Unknown<'e>> {
    run(|| {
        let shape = Shape {
            data_maps: &["metrics"],
            ..SHAPE
        };
        let req: ReplicaRequest = value::object("request", &request, &shape)?;
        let policy = match policy.filter(|p| !is_nullish(p)) {
            Some(p) => {
                let shape = Shape {
                    data_maps: &[""],
                    ..SHAPE
                };
                ThresholdPolicy::try_from(value::object::<BTreeMap<String, ResourceThresholds>>(
                    "policy", &p, &shape,
                )?)?
            }
            None => ThresholdPolicy::default(),
        };
        value::result(env, &core::replica_recommendation(&req, &policy)?, &SHAPE)
    })
}

/// The Kubernetes HPA's desired replica count, with its behaviour rules.
#[napi(
    namespace = "capacity",
    ts_args_type = "request: HpaRequest",
    ts_return_type = "HpaDecision"
)]
pub fn hpa_desired_replicas<'e>(env: &'e Env, request: Unknown<'_>) -> errors::Result<Unknown<'e>> {
    run(|| {
        let shape = Shape {
            data_maps: &["requests", "usage"],
            ..SHAPE
        };
        let req: HpaRequest = value::object("request", &request, &shape)?;
        value::result(env, &core::hpa_desired_replicas(&req)?, &SHAPE)
    })
}
