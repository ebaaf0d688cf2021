//! `opsbrain::kpi` for Node, in the namespace `kpi`: support KPIs
//! (`supportKpis`, `volumeTrend`), error budgets and burn-rate alerts
//! (`errorBudget`, `burnRateAlerts`, `workbookRules`), latency SLOs
//! (`latencySlo`, `apdex`) and journey funnels (`journeyFunnels`,
//! `frameworkJourneys`); the heavy ones also as `...Async`.
//!
//! Records, rules and options are plain objects in camelCase, instants
//! `Date`s or ISO-8601 strings with an offset, durations seconds, series
//! `Float64Array`s (or arrays of numbers). Results are the core results'
//! serde form with camelCase keys and instants (`firedAt`, `clearsAt`,
//! `windowStart`, `windowEnd`) as `Date`s. Conversions are in
//! `crate::convert::kpi`; errors go through `crate::errors`.

use chrono::{DateTime, Utc};
use napi::Env;
use napi::bindgen_prelude::{AsyncTask, ClassInstance, Either, Unknown};
use napi_derive::napi;
use opsbrain::kpi::{self as core, CountSeries, KpiTargets, Latencies};
use opsbrain::sla::SlaPolicy as CoreSlaPolicy;
use opsbrain::{Error, ErrorKind};
use serde_json::Value;

use crate::convert::cache::{self as cconv, Options};
use crate::convert::calendar::instant;
use crate::convert::kpi as conv;
use crate::errors::{self, JsonJob, JsonTask, guard, run};
use crate::sla::SlaPolicy;

// ---------------------------------------------------------------- TS types
//
// The structs below declare TypeScript interfaces only: values are read
// and written by `convert::kpi` through serde.

/// A ticket record: its SLA event log plus what the log does not say.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "kpi"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct TicketRecord {
    /// The SLA event log (as for `slaStatus`), in time order.
    #[napi(
        ts_type = "Array<SlaCreatedEvent | SlaInstantEvent | EscalatedEvent | PriorityChangedEvent>"
    )]
    pub events: String,
    pub department: Option<String>,
    /// The agent who resolved it.
    pub agent: Option<String>,
    pub first_contact_resolution: Option<bool>,
    /// 1 to 5.
    pub csat: Option<u32>,
    pub automated: Option<bool>,
    /// A self-service attempt: true succeeded, false failed.
    pub self_service: Option<bool>,
}

/// Options of `supportKpis`.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "kpi"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct SupportKpiOptions {
    /// Only tickets created at or after this instant.
    #[napi(ts_type = "Date | string")]
    pub since: Option<String>,
    /// Only tickets created before this instant.
    #[napi(ts_type = "Date | string")]
    pub until: Option<String>,
    #[napi(ts_type = "'tier' | 'channel' | 'priority' | 'department' | 'agent' | 'month'")]
    pub group_by: Option<String>,
    #[napi(ts_type = "'calendar' | 'business'")]
    pub time_basis: Option<String>,
    /// Thresholds and targets, like `defaultTargets()` (any subset).
    #[napi(ts_type = "Record<string, unknown>")]
    pub targets: Option<String>,
}

/// Options of `errorBudget` and `burnRateAlerts`.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "kpi"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct SeriesOptions {
    /// Start of the first interval.
    #[napi(ts_type = "Date | string")]
    pub start: String,
    /// Interval length, seconds.
    pub step_secs: f64,
    /// The SLO, a fraction in (0, 1).
    pub objective: f64,
    /// `errorBudget`: the rolling window, seconds.
    pub window_secs: Option<f64>,
    /// `errorBudget`: thresholds and targets (uptime, errorRate).
    #[napi(ts_type = "Record<string, unknown>")]
    pub targets: Option<String>,
    /// `burnRateAlerts`: the rules (default `workbookRules()`).
    #[napi(ts_type = "Array<BurnRateRule>")]
    pub rules: Option<String>,
}

/// A multi-window burn-rate rule.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "kpi"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct BurnRateRule {
    pub name: String,
    #[napi(ts_type = "'page' | 'ticket'")]
    pub severity: String,
    pub long_window_secs: f64,
    pub short_window_secs: f64,
    pub burn_rate: f64,
}

/// Raw latency samples (ms) or a histogram.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "kpi"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct LatencyHistogram {
    /// Increasing upper bounds, ms (`Infinity` allowed last).
    #[napi(ts_type = "Float64Array | number[]")]
    pub upper_bounds: String,
    /// Count per bucket.
    #[napi(ts_type = "Float64Array | number[]")]
    pub counts: String,
}

/// A journey step event.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "kpi"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct JourneyEvent {
    pub user: String,
    pub journey: String,
    pub step: String,
    #[napi(ts_type = "Date | string")]
    pub at: String,
    /// `'success'` (default) or what went wrong.
    pub outcome: Option<String>,
}

/// A journey and its steps.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "kpi"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct JourneyDef {
    pub name: String,
    pub steps: Vec<String>,
}

/// Options of `journeyFunnels`.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "kpi"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct FunnelOptions {
    /// Default one day.
    pub attribution_window_secs: Option<f64>,
    /// Default 0.95.
    pub min_completion: Option<f64>,
    /// Default 0.10.
    pub max_step_drop_off: Option<f64>,
}

// ---------------------------------------------------------------- results
//
// TypeScript interfaces of the results (written by `convert::kpi::result`).

/// Where a KPI stands against its threshold and target.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "kpi"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct KpiResult {
    #[napi(
        ts_type = "'first_response_time' | 'resolution_time_critical' | 'resolution_time_normal' | 'escalation_rate' | 'first_contact_resolution' | 'csat' | 'automation_rate' | 'self_service_success' | 'agent_productivity' | 'uptime' | 'error_rate'"
    )]
    pub kpi: String,
    #[napi(ts_type = "number | null")]
    pub value: String,
    pub threshold: f64,
    pub target: f64,
    pub higher_is_better: bool,
    #[napi(ts_type = "'meets_target' | 'meets_threshold' | 'misses' | 'no_data'")]
    pub status: String,
}

/// Percentiles of durations, seconds (`null` without data).
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "kpi"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct TimeStats {
    pub count: u32,
    #[napi(ts_type = "number | null")]
    pub mean: String,
    #[napi(ts_type = "number | null")]
    pub p50: String,
    #[napi(ts_type = "number | null")]
    pub p90: String,
    #[napi(ts_type = "number | null")]
    pub p99: String,
}

/// The KPIs of one group of tickets (see the Rust `GroupKpis`).
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "kpi"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct GroupKpis {
    pub key: String,
    pub tickets: u32,
    #[napi(ts_type = "TimeStats")]
    pub first_response: String,
    #[napi(ts_type = "TimeStats")]
    pub resolution: String,
    #[napi(ts_type = "TimeStats")]
    pub resolution_critical: String,
    #[napi(ts_type = "TimeStats")]
    pub resolution_normal: String,
    #[napi(
        ts_type = "{ firstResponseMet: number, firstResponseBreached: number, firstResponse: number | null, resolutionMet: number, resolutionBreached: number, resolution: number | null }"
    )]
    pub sla: String,
    pub escalated: u32,
    #[napi(ts_type = "number | null")]
    pub escalation_rate: String,
    #[napi(ts_type = "number | null")]
    pub first_contact_resolution: String,
    #[napi(ts_type = "{ responses: number, mean: number | null, distribution: number[] }")]
    pub csat: String,
    #[napi(ts_type = "number | null")]
    pub automation_rate: String,
    pub self_service_attempts: u32,
    #[napi(ts_type = "number | null")]
    pub self_service_success: String,
    #[napi(ts_type = "number | null")]
    pub agent_productivity: String,
    #[napi(ts_type = "Array<KpiResult>")]
    pub kpis: String,
}

/// The result of `supportKpis`.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "kpi"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct SupportReport {
    #[napi(ts_type = "'calendar' | 'business'")]
    pub time_basis: String,
    #[napi(ts_type = "GroupKpis")]
    pub overall: String,
    #[napi(ts_type = "Array<GroupKpis>")]
    pub groups: String,
}

/// The result of `errorBudget`.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "kpi"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct ErrorBudget {
    pub objective: f64,
    pub window_secs: f64,
    #[napi(ts_type = "Date")]
    pub window_start: String,
    #[napi(ts_type = "Date")]
    pub window_end: String,
    pub intervals: u32,
    pub coverage: f64,
    pub good: f64,
    pub total: f64,
    pub bad: f64,
    pub availability: f64,
    pub error_rate: f64,
    pub budget_secs: f64,
    pub allowed_bad: f64,
    pub consumed: f64,
    pub remaining: f64,
    pub bad_secs: f64,
    pub remaining_secs: f64,
    pub meets_objective: bool,
    #[napi(ts_type = "KpiResult")]
    pub uptime: String,
    #[napi(ts_type = "KpiResult")]
    pub error_rate_kpi: String,
}

/// One firing of a burn-rate rule.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "kpi"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct BurnRateAlert {
    pub rule: String,
    #[napi(ts_type = "'page' | 'ticket'")]
    pub severity: String,
    pub burn_rate: f64,
    #[napi(ts_type = "Date")]
    pub fired_at: String,
    /// Projected when `firing`.
    #[napi(ts_type = "Date")]
    pub clears_at: String,
    pub firing: bool,
    pub peak_burn_rate: f64,
}

/// The result of `burnRateAlerts`.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "kpi"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct BurnRateReport {
    #[napi(ts_type = "Array<BurnRateAlert>")]
    pub alerts: String,
    #[napi(
        ts_type = "Array<{ rule: string, longBurnRate: number, shortBurnRate: number, firing: boolean }>"
    )]
    pub current: String,
}

/// One step of a funnel.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "kpi"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct StepStats {
    pub step: String,
    pub users: u32,
    #[napi(ts_type = "number | null")]
    pub conversion: String,
    #[napi(ts_type = "number | null")]
    pub drop_off: String,
    pub users_lost: u32,
    #[napi(ts_type = "number | null")]
    pub median_secs_from_previous: String,
    #[napi(ts_type = "string | null")]
    pub top_issue: String,
}

/// A step where users are lost.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "kpi"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct FrictionPoint {
    pub journey: String,
    pub step: String,
    #[napi(ts_type = "'step_drop_off' | 'low_completion'")]
    pub reason: String,
    pub issue: String,
    pub users_lost: u32,
    pub drop_off: f64,
    pub impact: f64,
}

/// The result of `journeyFunnels`.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    namespace = "kpi"
)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct FunnelReport {
    #[napi(
        ts_type = "Array<{ journey: string, started: number, completed: number, completionRate: number | null, medianCompletionSecs: number | null, steps: Array<StepStats> }>"
    )]
    pub journeys: String,
    #[napi(ts_type = "Array<FrictionPoint>")]
    pub friction_points: String,
    pub unmatched_events: u32,
}

// ---------------------------------------------------------------- helpers

type PolicyArg<'a> = Option<Either<ClassInstance<'a, SlaPolicy>, Unknown<'a>>>;

fn policy(arg: PolicyArg<'_>) -> opsbrain::Result<CoreSlaPolicy> {
    match arg {
        None => Ok(CoreSlaPolicy::builtin()),
        Some(Either::A(p)) => {
            // The policy class keeps its core value private: go through JSON.
            let json = p
                .to_json()
                .map_err(|e| Error::new(ErrorKind::InvalidInput, e.reason.clone()))?;
            CoreSlaPolicy::from_json(&json)
        }
        Some(Either::B(v)) if conv::nullish(&v) => Ok(CoreSlaPolicy::builtin()),
        Some(Either::B(_)) => Err(Error::new(
            ErrorKind::InvalidType,
            "policy must be an SlaPolicy, or undefined for the built-in one",
        )),
    }
}

fn instant_opt(name: &str, v: Option<&Unknown<'_>>) -> opsbrain::Result<Option<DateTime<Utc>>> {
    v.map(|v| instant(name, v)).transpose()
}

/// Seconds as a whole number.
fn whole_secs(name: &str, x: f64) -> opsbrain::Result<i64> {
    if x.is_finite() && x.trunc() == x && x.abs() < 9.0e15 {
        Ok(x as i64)
    } else {
        Err(Error::new(
            ErrorKind::InvalidInput,
            format!("{name} must be a whole number of seconds, got {x}"),
        ))
    }
}

const SUPPORT_KEYS: &[&str] = &["since", "until", "groupBy", "timeBasis", "targets"];

fn support_input(
    tickets: &Unknown<'_>,
    now: &Unknown<'_>,
    options: Option<&Unknown<'_>>,
    policy_arg: PolicyArg<'_>,
) -> opsbrain::Result<Job> {
    let opts = cconv::options("options", options, SUPPORT_KEYS)?;
    let mut o = core::SupportKpiOptions {
        since: instant_opt("options.since", opts.get("since"))?,
        until: instant_opt("options.until", opts.get("until"))?,
        ..Default::default()
    };
    let mut rest = serde_json::Map::new();
    for (key, snake) in [("groupBy", "group_by"), ("timeBasis", "time_basis")] {
        if let Some(v) = opts.get(key) {
            rest.insert(
                snake.into(),
                Value::String(cconv::string(&format!("options.{key}"), v)?),
            );
        }
    }
    let rest: core::SupportKpiOptions = serde_json::from_value(Value::Object(rest))
        .map_err(|e| Error::new(ErrorKind::InvalidInput, format!("options: {e}")))?;
    o.group_by = rest.group_by;
    o.time_basis = rest.time_basis;
    o.targets = conv::optional(
        "options.targets",
        opts.get("targets"),
        serde_json::from_value,
    )?;
    Ok(Job::Support {
        policy: policy(policy_arg)?,
        tickets: conv::records(
            "tickets",
            tickets,
            serde_json::from_value::<core::TicketRecord>,
        )?,
        now: instant("now", now)?,
        options: Box::new(o),
    })
}

/// The series options shared by `errorBudget` and `burnRateAlerts`.
pub struct Series {
    start: DateTime<Utc>,
    step: i64,
    good: Vec<f64>,
    total: Vec<f64>,
    objective: f64,
}

impl Series {
    fn read<'e>(
        good: &Unknown<'e>,
        total: &Unknown<'e>,
        options: &Unknown<'e>,
        keys: &[&str],
    ) -> opsbrain::Result<(Series, Options<'e>)> {
        let opts = cconv::options("options", Some(options), keys)?;
        let step = cconv::number("options.stepSecs", opts.require("stepSecs")?)?;
        Ok((
            Series {
                start: instant("options.start", opts.require("start")?)?,
                step: whole_secs("options.stepSecs", step)?,
                good: conv::floats("good", good)?,
                total: conv::floats("total", total)?,
                objective: cconv::number("options.objective", opts.require("objective")?)?,
            },
            opts,
        ))
    }

    fn with<T>(
        &self,
        f: impl FnOnce(&CountSeries<'_>) -> opsbrain::Result<T>,
    ) -> opsbrain::Result<T> {
        f(&CountSeries::new(
            self.start,
            self.step,
            &self.good,
            &self.total,
        )?)
    }
}

const BURN_KEYS: &[&str] = &["start", "stepSecs", "objective", "rules"];

fn burn_input(
    good: &Unknown<'_>,
    total: &Unknown<'_>,
    options: &Unknown<'_>,
) -> opsbrain::Result<Job> {
    let (series, opts) = Series::read(good, total, options, BURN_KEYS)?;
    let rules = match opts.get("rules") {
        Some(r) => conv::records(
            "options.rules",
            r,
            serde_json::from_value::<core::BurnRateRule>,
        )?,
        None => core::BurnRateRule::workbook(),
    };
    Ok(Job::Burn { series, rules })
}

const FUNNEL_KEYS: &[&str] = &["attributionWindowSecs", "minCompletion", "maxStepDropOff"];

fn funnel_input(
    events: &Unknown<'_>,
    journeys: Option<&Unknown<'_>>,
    options: Option<&Unknown<'_>>,
) -> opsbrain::Result<Job> {
    let opts = cconv::options("options", options, FUNNEL_KEYS)?;
    let mut o = core::FunnelOptions::default();
    if let Some(w) = opts.number("attributionWindowSecs")? {
        o.attribution_window_secs = whole_secs("options.attributionWindowSecs", w)?;
    }
    if let Some(v) = opts.number("minCompletion")? {
        o.min_completion = v;
    }
    if let Some(v) = opts.number("maxStepDropOff")? {
        o.max_step_drop_off = v;
    }
    let journeys = match journeys.filter(|j| !conv::nullish(j)) {
        Some(j) => conv::records("journeys", j, serde_json::from_value::<core::JourneyDef>)?,
        None => core::JourneyDef::framework(),
    };
    Ok(Job::Funnels {
        events: conv::records(
            "events",
            events,
            serde_json::from_value::<core::JourneyEvent>,
        )?,
        journeys,
        options: o,
    })
}

/// Heavy work, converted on the JS thread, run on either thread.
pub enum Job {
    Support {
        policy: CoreSlaPolicy,
        tickets: Vec<core::TicketRecord>,
        now: DateTime<Utc>,
        options: Box<core::SupportKpiOptions>,
    },
    Burn {
        series: Series,
        rules: Vec<core::BurnRateRule>,
    },
    Funnels {
        events: Vec<core::JourneyEvent>,
        journeys: Vec<core::JourneyDef>,
        options: core::FunnelOptions,
    },
}

impl JsonJob for Job {
    const INSTANT_KEYS: &'static [&'static str] = &conv::INSTANT_KEYS;

    fn run(&self) -> opsbrain::Result<Value> {
        let v = match self {
            Job::Support {
                policy,
                tickets,
                now,
                options,
            } => serde_json::to_value(core::support_kpis(policy, tickets, *now, options)?),
            Job::Burn { series, rules } => serde_json::to_value(
                series.with(|s| core::burn_rate_alerts(s, series.objective, rules))?,
            ),
            Job::Funnels {
                events,
                journeys,
                options,
            } => serde_json::to_value(core::journey_funnels(events, journeys, options)?),
        };
        Ok(v?)
    }
}

// ---------------------------------------------------------------- functions

/// Support KPIs of ticket records: first-response and resolution
/// percentiles (calendar or business time, from the SLA timers), SLA
/// attainment, escalation rate, FCR, CSAT, automation and self-service
/// rates and agent productivity, overall and per `options.groupBy` group,
/// each KPI rated against the framework's threshold and target.
///
/// Throws `.code` `'invalid_input'` for an empty period, a bad event log
/// (naming `tickets[i]`) or a CSAT outside 1..5, `'invalid_config'` for
/// bad targets, `'invalid_type'` for arguments of the wrong type.
///
/// @example
/// ```js
/// const { kpi } = require('opsbrain')
/// const t0 = '2026-11-02T09:00:00Z'
/// const r = kpi.supportKpis([{ events: [
///   { type: 'created', at: t0, tier: 1, priority: 'high', channel: 'chat' },
///   { type: 'first_response', at: '2026-11-02T09:08:00Z' }], csat: 5 }],
///   '2026-11-02T10:00:00Z', { groupBy: 'channel' })
/// r.overall.firstResponse.p50 // 480
/// ```
#[napi(
    namespace = "kpi",
    ts_args_type = "tickets: Array<TicketRecord>, now: Date | string, options?: SupportKpiOptions | null, policy?: SlaPolicy | null",
    ts_return_type = "SupportReport"
)]
pub fn support_kpis<'env>(
    env: &'env Env,
    tickets: Unknown<'_>,
    now: Unknown<'_>,
    options: Option<Unknown<'_>>,
    policy: PolicyArg<'_>,
) -> errors::Result<Unknown<'env>> {
    run(|| {
        let job = support_input(&tickets, &now, options.as_ref(), policy)?;
        conv::result(env, Ok(job.run()?))
    })
}

/// As `supportKpis`, off the main thread: returns a Promise.
#[napi(
    namespace = "kpi",
    ts_args_type = "tickets: Array<TicketRecord>, now: Date | string, options?: SupportKpiOptions | null, policy?: SlaPolicy | null",
    ts_return_type = "Promise<SupportReport>"
)]
pub fn support_kpis_async(
    tickets: Unknown<'_>,
    now: Unknown<'_>,
    options: Option<Unknown<'_>>,
    policy: PolicyArg<'_>,
) -> AsyncTask<JsonTask<Job>> {
    JsonTask::spawn(guard(|| {
        support_input(&tickets, &now, options.as_ref(), policy)
    }))
}

/// Tickets per UTC month of creation, month-over-month change, and whether
/// volume decreased every month.
#[napi(
    namespace = "kpi",
    ts_args_type = "tickets: Array<TicketRecord>",
    ts_return_type = "{ months: Array<{ month: string, tickets: number, change: number | null }>, decreasingMonthly: boolean }"
)]
pub fn volume_trend<'env>(env: &'env Env, tickets: Unknown<'_>) -> errors::Result<Unknown<'env>> {
    run(|| {
        let tickets = conv::records(
            "tickets",
            &tickets,
            serde_json::from_value::<core::TicketRecord>,
        )?;
        conv::result(env, serde_json::to_value(core::volume_trend(&tickets)?))
    })
}

const BUDGET_KEYS: &[&str] = &["start", "stepSecs", "objective", "windowSecs", "targets"];

/// Availability and the error budget of `options.objective` over the last
/// `options.windowSecs` of good/total counts per `options.stepSecs` (30
/// days at 99.9 % allow 43.2 minutes), with the framework's uptime and
/// error-rate KPIs.
///
/// Throws `.code` `'invalid_input'` for an SLO of 100 % or above, a window
/// shorter than the step, bad counts or no traffic; `'dimension_mismatch'`
/// when `good` and `total` differ in length.
///
/// @example
/// ```js
/// const b = kpi.errorBudget(new Float64Array(30).fill(1e6), new Float64Array(30).fill(1e6),
///   { start: '2026-11-01T00:00:00Z', stepSecs: 86400, objective: 0.999, windowSecs: 30 * 86400 })
/// b.budgetSecs / 60 // 43.2
/// ```
#[napi(
    namespace = "kpi",
    ts_args_type = "good: Float64Array | number[], total: Float64Array | number[], options: SeriesOptions",
    ts_return_type = "ErrorBudget"
)]
pub fn error_budget<'env>(
    env: &'env Env,
    good: Unknown<'_>,
    total: Unknown<'_>,
    options: Unknown<'_>,
) -> errors::Result<Unknown<'env>> {
    run(|| {
        let (series, opts) = Series::read(&good, &total, &options, BUDGET_KEYS)?;
        let window = cconv::number("options.windowSecs", opts.require("windowSecs")?)?;
        let window = whole_secs("options.windowSecs", window)?;
        let targets: KpiTargets = conv::optional(
            "options.targets",
            opts.get("targets"),
            serde_json::from_value,
        )?;
        let b = series.with(|s| core::error_budget(s, series.objective, window, &targets))?;
        conv::result(env, serde_json::to_value(b))
    })
}

/// The multi-window, multi-burn-rate alerts of the SRE workbook (or
/// `options.rules`): when each fired and when it cleared (projected if
/// still firing), and each rule's burn rates at the end. O(n) per rule.
///
/// @example
/// ```js
/// const good = new Float64Array(240).fill(1000); good.fill(900, 60, 70)
/// const r = kpi.burnRateAlerts(good, new Float64Array(240).fill(1000),
///   { start: '2026-11-01T00:00:00Z', stepSecs: 60, objective: 0.999 })
/// r.alerts.find((a) => a.rule === 'page_1h').firedAt // Date 2026-11-01T01:09:00.000Z
/// ```
#[napi(
    namespace = "kpi",
    ts_args_type = "good: Float64Array | number[], total: Float64Array | number[], options: SeriesOptions",
    ts_return_type = "BurnRateReport"
)]
pub fn burn_rate_alerts<'env>(
    env: &'env Env,
    good: Unknown<'_>,
    total: Unknown<'_>,
    options: Unknown<'_>,
) -> errors::Result<Unknown<'env>> {
    run(|| conv::result(env, Ok(burn_input(&good, &total, &options)?.run()?)))
}

/// As `burnRateAlerts`, off the main thread: returns a Promise.
#[napi(
    namespace = "kpi",
    ts_args_type = "good: Float64Array | number[], total: Float64Array | number[], options: SeriesOptions",
    ts_return_type = "Promise<BurnRateReport>"
)]
pub fn burn_rate_alerts_async(
    good: Unknown<'_>,
    total: Unknown<'_>,
    options: Unknown<'_>,
) -> AsyncTask<JsonTask<Job>> {
    JsonTask::spawn(guard(|| burn_input(&good, &total, &options)))
}

/// The SRE workbook's burn-rate rules (page 14.4 over 1 h / 5 min, page 6
/// over 6 h / 30 min, ticket 1 over 3 days / 6 h).
#[napi(namespace = "kpi", ts_return_type = "Array<BurnRateRule>")]
pub fn workbook_rules(env: &Env) -> errors::Result<Unknown<'_>> {
    run(|| conv::result(env, serde_json::to_value(core::BurnRateRule::workbook())))
}

/// Latency samples (ms) or `{upperBounds, counts}`, copied.
enum LatencyData {
    Samples(Vec<f64>),
    Histogram(Vec<f64>, Vec<f64>),
}

impl LatencyData {
    fn read(v: &Unknown<'_>) -> opsbrain::Result<Self> {
        if conv::is_list(v) {
            return Ok(LatencyData::Samples(conv::floats("latencies", v)?));
        }
        let opts = cconv::options("latencies", Some(v), &["upperBounds", "counts"])?;
        Ok(LatencyData::Histogram(
            conv::floats("latencies.upperBounds", opts.require("upperBounds")?)?,
            conv::floats("latencies.counts", opts.require("counts")?)?,
        ))
    }

    fn view(&self) -> Latencies<'_> {
        match self {
            LatencyData::Samples(s) => Latencies::Samples(s),
            LatencyData::Histogram(b, c) => Latencies::Histogram {
                upper_bounds: b,
                counts: c,
            },
        }
    }
}

/// The share of requests at or below `options.thresholdMs` against
/// `options.objective`, with p50/p90/p99, from samples (ms) or a histogram.
///
/// @example
/// ```js
/// kpi.latencySlo([120, 250, 480, 900], { thresholdMs: 500, objective: 0.95 }).share // 0.75
/// kpi.latencySlo({ upperBounds: [100, 500, Infinity], counts: [80, 15, 5] },
///   { thresholdMs: 500, objective: 0.9 }).meetsObjective // true
/// ```
#[napi(
    namespace = "kpi",
    ts_args_type = "latencies: Float64Array | number[] | LatencyHistogram, options: { thresholdMs: number, objective: number }",
    ts_return_type = "{ thresholdMs: number, objective: number, count: number, good: number, share: number, meetsObjective: boolean, p50: number, p90: number, p99: number }"
)]
pub fn latency_slo<'env>(
    env: &'env Env,
    latencies: Unknown<'_>,
    options: Unknown<'_>,
) -> errors::Result<Unknown<'env>> {
    run(|| {
        let opts = cconv::options("options", Some(&options), &["thresholdMs", "objective"])?;
        let threshold = cconv::number("options.thresholdMs", opts.require("thresholdMs")?)?;
        let objective = cconv::number("options.objective", opts.require("objective")?)?;
        let data = LatencyData::read(&latencies)?;
        let s = core::latency_slo(data.view(), threshold, objective)?;
        conv::result(env, serde_json::to_value(s))
    })
}

/// The Apdex score for target time `tMs` (satisfied at or below T,
/// tolerating up to 4T) from samples or a histogram.
///
/// @example
/// ```js
/// kpi.apdex([100, 200, 600, 3000], 300).score // 0.625
/// ```
#[napi(
    namespace = "kpi",
    ts_args_type = "latencies: Float64Array | number[] | LatencyHistogram, tMs: number",
    ts_return_type = "{ tMs: number, satisfied: number, tolerating: number, frustrated: number, score: number, rating: 'excellent' | 'good' | 'fair' | 'poor' | 'unacceptable' }"
)]
pub fn apdex<'env>(
    env: &'env Env,
    latencies: Unknown<'_>,
    t_ms: Unknown<'_>,
) -> errors::Result<Unknown<'env>> {
    run(|| {
        let t = cconv::number("tMs", &t_ms)?;
        let data = LatencyData::read(&latencies)?;
        conv::result(env, serde_json::to_value(core::apdex(data.view(), t)?))
    })
}

/// Journey funnels from step events (any order): completion, per-step
/// conversion, drop-off and median time between steps, and friction points
/// ranked by users lost. `journeys` defaults to `frameworkJourneys()`.
///
/// @example
/// ```js
/// const r = kpi.journeyFunnels(events, [{ name: 'signup', steps: ['a', 'b'] }],
///   { attributionWindowSecs: 3600 })
/// r.frictionPoints[0].usersLost
/// ```
#[napi(
    namespace = "kpi",
    ts_args_type = "events: Array<JourneyEvent>, journeys?: Array<JourneyDef> | null, options?: FunnelOptions | null",
    ts_return_type = "FunnelReport"
)]
pub fn journey_funnels<'env>(
    env: &'env Env,
    events: Unknown<'_>,
    journeys: Option<Unknown<'_>>,
    options: Option<Unknown<'_>>,
) -> errors::Result<Unknown<'env>> {
    run(|| {
        let job = funnel_input(&events, journeys.as_ref(), options.as_ref())?;
        conv::result(env, Ok(job.run()?))
    })
}

/// As `journeyFunnels`, off the main thread: returns a Promise.
#[napi(
    namespace = "kpi",
    ts_args_type = "events: Array<JourneyEvent>, journeys?: Array<JourneyDef> | null, options?: FunnelOptions | null",
    ts_return_type = "Promise<FunnelReport>"
)]
pub fn journey_funnels_async(
    events: Unknown<'_>,
    journeys: Option<Unknown<'_>>,
    options: Option<Unknown<'_>>,
) -> AsyncTask<JsonTask<Job>> {
    JsonTask::spawn(guard(|| {
        funnel_input(&events, journeys.as_ref(), options.as_ref())
    }))
}

/// The framework's five journeys and their default steps.
#[napi(namespace = "kpi", ts_return_type = "Array<JourneyDef>")]
pub fn framework_journeys(env: &Env) -> errors::Result<Unknown<'_>> {
    run(|| conv::result(env, serde_json::to_value(core::JourneyDef::framework())))
}

/// The framework's KPI thresholds and targets.
#[napi(
    namespace = "kpi",
    ts_return_type = "{ firstResponseSecs: { threshold: number, target: number }, resolutionCriticalSecs: { threshold: number, target: number }, resolutionNormalSecs: { threshold: number, target: number }, escalationRate: { threshold: number, target: number }, firstContactResolution: { threshold: number, target: number }, csat: { threshold: number, target: number }, automationRate: { threshold: number, target: number }, selfServiceSuccess: { threshold: number, target: number }, agentProductivity: { threshold: number, target: number }, uptime: { threshold: number, target: number }, errorRate: { threshold: number, target: number }, timeQuantile: number }"
)]
pub fn default_targets(env: &Env) -> errors::Result<Unknown<'_>> {
    run(|| conv::result(env, serde_json::to_value(KpiTargets::default())))
}
