//! `opsbrain::kpi` for Node, in the namespace `kpi`: support KPIs, error
//! budgets and burn-rate alerts, latency SLOs and journey funnels. Requests
//! are the core's request types, read by the one reader.

use napi::bindgen_prelude::{AsyncTask, Unknown};
use napi::{Env, JsValue};
use napi_derive::napi;
use opsbrain::kpi::{self as core, KpiTargets};
use opsbrain::sla::SlaPolicy as CorePolicy;

use crate::convert::column;
use crate::convert::scalar::{self, Class};
use crate::convert::value::{self, Shape};
use crate::errors::{self, run};
use crate::task::{self, Job};
use crate::types::SlaPolicy;

const SHAPE: Shape = Shape {
    instants: &[
        "at",
        "since",
        "until",
        "start",
        "fired_at",
        "clears_at",
        "window_start",
        "window_end",
    ],
    ..Shape::PLAIN
};

type Series = (Vec<f64>, Vec<f64>);

fn series(good: &Unknown<'_>, total: &Unknown<'_>) -> opsbrain::Result<Series> {
    Ok((
        column::floats("good", good)?,
        column::floats("total", total)?,
    ))
}

fn latencies(v: &Unknown<'_>) -> opsbrain::Result<core::LatencyData> {
    if v.is_array().unwrap_or(false) || scalar::typed_array(v).is_some() {
        return Ok(core::LatencyData::Samples(column::floats("latencies", v)?));
    }
    let f = value::fields("latencies", Some(v), &["upperBounds", "counts"])?;
    Ok(core::LatencyData::Histogram(core::Histogram {
        upper_bounds: column::floats(
            "latencies.upperBounds",
            &value::required("latencies.upperBounds", &f[0])?,
        )?,
        counts: column::floats(
            "latencies.counts",
            &value::required("latencies.counts", &f[1])?,
        )?,
    }))
}

type SupportArgs = (
    Vec<core::TicketRecord>,
    chrono::DateTime<chrono::Utc>,
    core::SupportKpiOptions,
    CorePolicy,
);

fn support_args(
    tickets: &Unknown<'_>,
    now: &Unknown<'_>,
    options: Option<&Unknown<'_>>,
    policy: &Option<Class<'_, SlaPolicy>>,
) -> opsbrain::Result<SupportArgs> {
    let policy = scalar::opt_class("policy", "SlaPolicy", policy)?;
    Ok((
        value::items("tickets", tickets, &SHAPE, true)?,
        scalar::instant("now", now)?,
        value::opt("options", options, &SHAPE)?,
        policy.map(|p| p.inner.clone()).unwrap_or_default(),
    ))
}

/// Support KPIs of ticket records at `now`.
#[napi(
    namespace = "kpi",
    ts_args_type = "tickets: Array<TicketRecord>, now: Instant, options?: SupportKpiOptions | null, policy?: SlaPolicy | null",
    ts_return_type = "SupportReport"
)]
pub fn support_kpis<'e>(
    env: &'e Env,
    tickets: Unknown<'_>,
    now: Unknown<'_>,
    options: Option<Unknown<'_>>,
    policy: Option<Class<'_, SlaPolicy>>,
) -> errors::Result<Unknown<'e>> {
    run(|| {
        let (t, now, o, p) = support_args(&tickets, &now, options.as_ref(), &policy)?;
        value::result(env, &core::support_kpis(&p, &t, now, &o)?, &SHAPE)
    })
}

/// As `supportKpis`, off the main thread.
#[napi(
    namespace = "kpi",
    ts_args_type = "tickets: Array<TicketRecord>, now: Instant, options?: SupportKpiOptions | null, policy?: SlaPolicy | null",
    ts_return_type = "Promise<SupportReport>"
)]
pub fn support_kpis_async(
    tickets: Unknown<'_>,
    now: Unknown<'_>,
    options: Option<Unknown<'_>>,
    policy: Option<Class<'_, SlaPolicy>>,
) -> AsyncTask<Job> {
    task::spawn(|| {
        let (t, now, o, p) = support_args(&tickets, &now, options.as_ref(), &policy)?;
        task::work(&SHAPE, move || core::support_kpis(&p, &t, now, &o))
    })
}

/// Monthly ticket volumes and whether they decrease.
#[napi(
    namespace = "kpi",
    ts_args_type = "tickets: Array<TicketRecord>",
    ts_return_type = "{ months: Array<{ month: string, tickets: number, change: number | null }>, decreasingMonthly: boolean }"
)]
pub fn volume_trend<'e>(env: &'e Env, tickets: Unknown<'_>) -> errors::Result<Unknown<'e>> {
    run(|| {
        let tickets: Vec<core::TicketRecord> = value::items("tickets", &tickets, &SHAPE, true)?;
        value::result(env, &core::volume_trend(&tickets)?, &SHAPE)
    })
}

/// The rolling error budget of a good/total count series.
#[napi(
    namespace = "kpi",
    ts_args_type = "good: Numbers, total: Numbers, options: SeriesOptions",
    ts_return_type = "ErrorBudget"
)]
pub fn error_budget<'e>(
    env: &'e Env,
    good: Unknown<'_>,
    total: Unknown<'_>,
    options: Unknown<'_>,
) -> errors::Result<Unknown<'e>> {
    run(|| {
        let opts: core::BudgetOptions = value::object("options", &options, &SHAPE)?;
        let (good, total) = series(&good, &total)?;
        value::result(env, &opts.run(&good, &total)?, &SHAPE)
    })
}

/// Multi-window burn-rate alerts of a good/total count series.
#[napi(
    namespace = "kpi",
    ts_args_type = "good: Numbers, total: Numbers, options: SeriesOptions",
    ts_return_type = "BurnRateReport"
)]
pub fn burn_rate_alerts<'e>(
    env: &'e Env,
    good: Unknown<'_>,
    total: Unknown<'_>,
    options: Unknown<'_>,
) -> errors::Result<Unknown<'e>> {
    run(|| {
        let opts: core::BurnOptions = value::object("options", &options, &SHAPE)?;
        let (good, total) = series(&good, &total)?;
        value::result(env, &opts.run(&good, &total)?, &SHAPE)
    })
}

/// As `burnRateAlerts`, off the main thread.
#[napi(
    namespace = "kpi",
    ts_args_type = "good: Numbers, total: Numbers, options: SeriesOptions",
    ts_return_type = "Promise<BurnRateReport>"
)]
pub fn burn_rate_alerts_async(
    good: Unknown<'_>,
    total: Unknown<'_>,
    options: Unknown<'_>,
) -> AsyncTask<Job> {
    task::spawn(|| {
        let opts: core::BurnOptions = value::object("options", &options, &SHAPE)?;
        let (good, total) = series(&good, &total)?;
        task::work(&SHAPE, move || opts.run(&good, &total))
    })
}

/// The SRE workbook's burn-rate rules (the default of `burnRateAlerts`).
#[napi(namespace = "kpi", ts_return_type = "Array<BurnRateRule>")]
pub fn workbook_rules(env: &Env) -> errors::Result<Unknown<'_>> {
    run(|| value::result(env, &core::BurnRateRule::workbook(), &SHAPE))
}

/// The share of requests within a latency threshold, against an objective.
#[napi(
    namespace = "kpi",
    ts_args_type = "latencies: Numbers | LatencyHistogram, options: { thresholdMs: number, objective: number }",
    ts_return_type = "{ thresholdMs: number, objective: number, count: number, good: number, share: number, meetsObjective: boolean, p50: number, p90: number, p99: number }"
)]
pub fn latency_slo<'e>(
    env: &'e Env,
    latencies: Unknown<'_>,
    options: Unknown<'_>,
) -> errors::Result<Unknown<'e>> {
    run(|| {
        let o: core::LatencySloOptions = value::object("options", &options, &SHAPE)?;
        let data = self::latencies(&latencies)?;
        value::result(
            env,
            &core::latency_slo(data.view(), o.threshold_ms, o.objective)?,
            &SHAPE,
        )
    })
}

/// The Apdex score of latencies for a target of `tMs` milliseconds.
#[napi(
    namespace = "kpi",
    ts_args_type = "latencies: Numbers | LatencyHistogram, tMs: number",
    ts_return_type = "{ tMs: number, satisfied: number, tolerating: number, frustrated: number, score: number, rating: 'excellent' | 'good' | 'fair' | 'poor' | 'unacceptable' }"
)]
pub fn apdex<'e>(
    env: &'e Env,
    latencies: Unknown<'_>,
    t_ms: Unknown<'_>,
) -> errors::Result<Unknown<'e>> {
    run(|| {
        let t = scalar::number("tMs", &t_ms)?;
        let data = self::latencies(&latencies)?;
        value::result(env, &core::apdex(data.view(), t)?, &SHAPE)
    })
}

type FunnelArgs = (Vec<core::JourneyEvent>, core::Journeys, core::FunnelOptions);

fn funnel_args(
    events: &Unknown<'_>,
    journeys: Option<&Unknown<'_>>,
    options: Option<&Unknown<'_>>,
) -> opsbrain::Result<FunnelArgs> {
    Ok((
        value::items("events", events, &SHAPE, true)?,
        value::opt("journeys", journeys, &SHAPE)?,
        value::opt("options", options, &SHAPE)?,
    ))
}

/// Funnels of user journeys (default: the framework's) from events.
#[napi(
    namespace = "kpi",
    ts_args_type = "events: Array<JourneyEvent>, journeys?: Array<JourneyDef> | null, options?: FunnelOptions | null",
    ts_return_type = "FunnelReport"
)]
pub fn journey_funnels<'e>(
    env: &'e Env,
    events: Unknown<'_>,
    journeys: Option<Unknown<'_>>,
    options: Option<Unknown<'_>>,
) -> errors::Result<Unknown<'e>> {
    run(|| {
        let (e, j, o) = funnel_args(&events, journeys.as_ref(), options.as_ref())?;
        value::result(env, &core::journey_funnels(&e, &j.0, &o)?, &SHAPE)
    })
}

/// As `journeyFunnels`, off the main thread.
#[napi(
    namespace = "kpi",
    ts_args_type = "events: Array<JourneyEvent>, journeys?: Array<JourneyDef> | null, options?: FunnelOptions | null",
    ts_return_type = "Promise<FunnelReport>"
)]
pub fn journey_funnels_async(
    events: Unknown<'_>,
    journeys: Option<Unknown<'_>>,
    options: Option<Unknown<'_>>,
) -> AsyncTask<Job> {
    task::spawn(|| {
        let (e, j, o) = funnel_args(&events, journeys.as_ref(), options.as_ref())?;
        task::work(&SHAPE, move || core::journey_funnels(&e, &j.0, &o))
    })
}

/// The framework's journeys (the default of `journeyFunnels`).
#[napi(namespace = "kpi", ts_return_type = "Array<JourneyDef>")]
pub fn framework_journeys(env: &Env) -> errors::Result<Unknown<'_>> {
    run(|| value::result(env, &core::Journeys::default(), &SHAPE))
}

/// The framework's KPI thresholds and targets.
#[napi(
    namespace = "kpi",
    ts_return_type = "{ firstResponseSecs: { threshold: number, target: number }, resolutionCriticalSecs: { threshold: number, target: number }, resolutionNormalSecs: { threshold: number, target: number }, escalationRate: { threshold: number, target: number }, firstContactResolution: { threshold: number, target: number }, csat: { threshold: number, target: number }, automationRate: { threshold: number, target: number }, selfServiceSuccess: { threshold: number, target: number }, agentProductivity: { threshold: number, target: number }, uptime: { threshold: number, target: number }, errorRate: { threshold: number, target: number }, timeQuantile: number }"
)]
pub fn default_targets(env: &Env) -> errors::Result<Unknown<'_>> {
    run(|| value::result(env, &KpiTargets::default(), &SHAPE))
}
