//! `opsbrain::capacity` for Node, in the namespace `capacity`: demand
//! forecasts, maintenance windows, threshold replica recommendations and
//! the Kubernetes HPA replica calculation. Requests are plain camelCase
//! objects read by the one reader; series are `Float64Array`s or arrays.

use napi::Env;
use napi::bindgen_prelude::Unknown;
use napi_derive::napi;
use opsbrain::capacity::{
    self as core, HpaRequest, ReplicaRequest, Series, SeriesOptions, ThresholdPolicy,
};

use crate::convert::column;
use crate::convert::value::{self, Shape};
use crate::errors;
use crate::task;

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

/// A demand forecast with prediction intervals and threshold crossings.
#[napi(
    namespace = "capacity",
    ts_args_type = "values: Numbers, options: ForecastOptions",
    ts_return_type = "CapacityForecast"
)]
pub fn forecast<'e>(
    env: &'e Env,
    values: Unknown<'_>,
    options: Unknown<'_>,
) -> errors::Result<Unknown<'e>> {
    task::reply(env, &SHAPE, || {
        let v = column::floats("values", &values)?;
        let o: SeriesOptions<core::ForecastParams> =
            value::with("options", Some(&options), &SHAPE, SeriesOptions::from_value)?;
        let series = Series::new(&v, o.start, o.step);
        core::forecast(&series, &o.params)
    })
}

/// The quietest recurring windows of a load history.
#[napi(
    namespace = "capacity",
    ts_args_type = "values: Numbers, options: WindowOptions",
    ts_return_type = "MaintenanceWindows"
)]
pub fn maintenance_windows<'e>(
    env: &'e Env,
    values: Unknown<'_>,
    options: Unknown<'_>,
) -> errors::Result<Unknown<'e>> {
    task::reply(env, &SHAPE, || {
        let v = column::floats("values", &values)?;
        let o: SeriesOptions<core::WindowParams> =
            value::with("options", Some(&options), &SHAPE, SeriesOptions::from_value)?;
        let series = Series::new(&v, o.start, o.step);
        core::maintenance_windows(&series, &o.params)
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
    task::reply(env, &SHAPE, || {
        let shape = Shape {
            data_maps: &["metrics"],
            ..SHAPE
        };
        let req: ReplicaRequest = value::object("request", &request, &shape)?;
        let shape = Shape {
            data_maps: &[""],
            ..SHAPE
        };
        let policy = value::with(
            "policy",
            policy.as_ref(),
            &shape,
            ThresholdPolicy::from_value,
        )?;
        core::replica_recommendation(&req, &policy)
    })
}

/// The Kubernetes HPA's desired replica count, with its behaviour rules.
#[napi(
    namespace = "capacity",
    ts_args_type = "request: HpaRequest",
    ts_return_type = "HpaDecision"
)]
pub fn hpa_desired_replicas<'e>(env: &'e Env, request: Unknown<'_>) -> errors::Result<Unknown<'e>> {
    task::reply(env, &SHAPE, || {
        let shape = Shape {
            data_maps: &["requests", "usage"],
            ..SHAPE
        };
        let req: HpaRequest = value::object("request", &request, &shape)?;
        core::hpa_desired_replicas(&req)
    })
}
