//! `opsbrain::kpi` for Node, in the namespace `kpi`: support KPIs, error
//! budgets and burn-rate alerts, latency SLOs and journey funnels. Requests
//! are the core's request types, read by the one reader.

use chrono::{DateTime, Utc};
use napi::bindgen_prelude::Unknown;
use napi::{Env, JsValue};
use napi_derive::napi;
use opsbrain::kpi::{self as core, KpiTargets};
use opsbrain::sla::SlaPolicy as CorePolicy;

use crate::convert::column;
use crate::convert::scalar::{self, Class};
use crate::convert::value::{self, Shape};
use crate::errors::{self, run};
use crate::task::{self, Work, twins};
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

fn series(good: &Unknown<'_>, total: &Unknown<'_>) -> opsbrain::Result<(Vec<f64>, Vec<f64>)> {
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
    CorePolicy,
    Vec<core::TicketRecord>,
    DateTime<Utc>,
    core::SupportKpiOptions,
);

/// The arguments of `supportKpis` and `supportKpisPartial`, read.
fn support_args(
    tickets: &Unknown<'_>,
    now: &Unknown<'_>,
    options: &Option<Unknown<'_>>,
    policy: &Option<Class<'_, SlaPolicy>>,
) -> opsbrain::Result<SupportArgs> {
    let policy = scalar::opt_class("policy", "SlaPolicy", policy)?;
    let t: Vec<core::TicketRecord> = value::items("tickets", tickets, &SHAPE, true)?;
    let now = scalar::instant("now", now)?;
    let o: core::SupportKpiOptions = value::opt("options", options.as_ref(), &SHAPE)?;
    Ok((
        policy.map(|p| p.inner.clone()).unwrap_or_default(),
        t,
        now,
        o,
    ))
}

fn support(
    tickets: &Unknown<'_>,
    now: &Unknown<'_>,
    options: &Option<Unknown<'_>>,
    policy: &Option<Class<'_, SlaPolicy>>,
) -> opsbrain::Result<Work> {
    let (p, t, now, o) = support_args(tickets, now, options, policy)?;
    task::work(&SHAPE, move || core::support_kpis(&p, &t, now, &o))
}

twins! {
    #[napi(
        namespace = "kpi",
        ts_args_type = "tickets: Array<TicketRecord>, now: Instant, options?: SupportKpiOptions | null, policy?: SlaPolicy | null"
    )]
    "Support KPIs of ticket records at `now`."
    fn support_kpis -> "SupportReport";
    "As `supportKpis`, off the main thread."
    fn support_kpis_async -> "Promise<SupportReport>";
    with support(
        tickets: Unknown<'_>,
        now: Unknown<'_>,
        options: Option<Unknown<'_>>,
        policy: Option<Class<'_, SlaPolicy>>,
    );
}

/// `supportKpis` of one partition of the tickets as a mergeable partial
/// (JSON): counts exact, percentiles sketched (1 % relative accuracy).
#[napi(
    namespace = "kpi",
    ts_args_type = "tickets: Array<TicketRecord>, now: Instant, options?: SupportKpiOptions | null, policy?: SlaPolicy | null"
)]
pub fn support_kpis_partial(
    tickets: Unknown<'_>,
    now: Unknown<'_>,
    options: Option<Unknown<'_>>,
    policy: Option<Class<'_, SlaPolicy>>,
) -> errors::Result<String> {
    run(|| {
        let (p, t, now, o) = support_args(&tickets, &now, &options, &policy)?;
        Ok(core::support_kpis_partial(&p, &t, now, &o)?.to_json())
    })
}

/// Merges `supportKpisPartial` results (JSON strings) into one (JSON).
#[napi(namespace = "kpi", ts_args_type = "partials: string[]")]
pub fn merge_support_partials(partials: Unknown<'_>) -> errors::Result<String> {
    run(|| {
        let texts = column::strings("partials", &partials)?;
        Ok(core::SupportPartial::merge_json(&texts)?.to_json())
    })
}

/// The report (as `supportKpis`'s) of merged partials (JSON strings).
#[napi(
    namespace = "kpi",
    ts_args_type = "partials: string[]",
    ts_return_type = "SupportReport"
)]
pub fn finish_support_partials<'e>(
    env: &'e Env,
    partials: Unknown<'_>,
) -> errors::Result<Unknown<'e>> {
    task::reply(env, &SHAPE, || {
        let texts = column::strings("partials", &partials)?;
        core::SupportPartial::merge_json(&texts)?.finish()
    })
}

/// Monthly ticket volumes and whether they decrease.
#[napi(
    namespace = "kpi",
    ts_args_type = "tickets: Array<TicketRecord>",
    ts_return_type = "{ months: Array<{ month: string, tickets: number, change: number | null }>, decreasingMonthly: boolean }"
)]
pub fn volume_trend<'e>(env: &'e Env, tickets: Unknown<'_>) -> errors::Result<Unknown<'e>> {
    task::reply(env, &SHAPE, || {
        let tickets: Vec<core::TicketRecord> = value::items("tickets", &tickets, &SHAPE, true)?;
        core::volume_trend(&tickets)
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
    task::reply(env, &SHAPE, || {
        let opts: core::BudgetOptions = value::object("options", &options, &SHAPE)?;
        let (good, total) = series(&good, &total)?;
        opts.run(&good, &total)
    })
}

fn burn(good: &Unknown<'_>, total: &Unknown<'_>, options: &Unknown<'_>) -> opsbrain::Result<Work> {
    let opts: core::BurnOptions = value::object("options", options, &SHAPE)?;
    let (good, total) = series(good, total)?;
    task::work(&SHAPE, move || opts.run(&good, &total))
}

twins! {
    #[napi(
        namespace = "kpi",
        ts_args_type = "good: Numbers, total: Numbers, options: SeriesOptions"
    )]
    "Multi-window burn-rate alerts of a good/total count series."
    fn burn_rate_alerts -> "BurnRateReport";
    "As `burnRateAlerts`, off the main thread."
    fn burn_rate_alerts_async -> "Promise<BurnRateReport>";
    with burn(good: Unknown<'_>, total: Unknown<'_>, options: Unknown<'_>);
}

/// The SRE workbook's burn-rate rules (the default of `burnRateAlerts`).
#[napi(namespace = "kpi", ts_return_type = "Array<BurnRateRule>")]
pub fn workbook_rules(env: &Env) -> errors::Result<Unknown<'_>> {
    task::reply(env, &SHAPE, || Ok(core::BurnRateRule::workbook()))
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
    task::reply(env, &SHAPE, || {
        let o: core::LatencySloOptions = value::object("options", &options, &SHAPE)?;
        let data = self::latencies(&latencies)?;
        core::latency_slo(data.view(), o.threshold_ms, o.objective)
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
    task::reply(env, &SHAPE, || {
        let t = scalar::number("tMs", &t_ms)?;
        let data = self::latencies(&latencies)?;
        core::apdex(data.view(), t)
    })
}

fn funnels(
    events: &Unknown<'_>,
    journeys: &Option<Unknown<'_>>,
    options: &Option<Unknown<'_>>,
) -> opsbrain::Result<Work> {
    let e: Vec<core::JourneyEvent> = value::items("events", events, &SHAPE, true)?;
    let j: core::Journeys = value::opt("journeys", journeys.as_ref(), &SHAPE)?;
    let o: core::FunnelOptions = value::opt("options", options.as_ref(), &SHAPE)?;
    task::work(&SHAPE, move || core::journey_funnels(&e, &j.0, &o))
}

twins! {
    #[napi(
        namespace = "kpi",
        ts_args_type = "events: Array<JourneyEvent>, journeys?: Array<JourneyDef> | null, options?: FunnelOptions | null"
    )]
    "Funnels of user journeys (default: the framework's) from events."
    fn journey_funnels -> "FunnelReport";
    "As `journeyFunnels`, off the main thread."
    fn journey_funnels_async -> "Promise<FunnelReport>";
    with funnels(
        events: Unknown<'_>,
        journeys: Option<Unknown<'_>>,
        options: Option<Unknown<'_>>,
    );
}

/// The framework's journeys (the default of `journeyFunnels`).
#[napi(namespace = "kpi", ts_return_type = "Array<JourneyDef>")]
pub fn framework_journeys(env: &Env) -> errors::Result<Unknown<'_>> {
    task::reply(env, &SHAPE, || Ok(core::Journeys::default()))
}

/// The framework's KPI thresholds and targets.
#[napi(
    namespace = "kpi",
    ts_return_type = "{ firstResponseSecs: { threshold: number, target: number }, resolutionCriticalSecs: { threshold: number, target: number }, resolutionNormalSecs: { threshold: number, target: number }, escalationRate: { threshold: number, target: number }, firstContactResolution: { threshold: number, target: number }, csat: { threshold: number, target: number }, automationRate: { threshold: number, target: number }, selfServiceSuccess: { threshold: number, target: number }, agentProductivity: { threshold: number, target: number }, uptime: { threshold: number, target: number }, errorRate: { threshold: number, target: number }, timeQuantile: number }"
)]
pub fn default_targets(env: &Env) -> errors::Result<Unknown<'_>> {
    task::reply(env, &SHAPE, || Ok(KpiTargets::default()))
}
