//! `opsbrain.kpi`: thin wrappers over `opsbrain::kpi` (support KPIs, error
//! budgets, burn-rate alerts, latency SLOs, Apdex, journey funnels).
//!
//! Records, rules and options are read into the core's serde types (so the
//! core validates them as it validates JSON); series are float64 columns
//! (numpy arrays are borrowed without a copy); results are dicts whose
//! instants are aware UTC datetimes.

use opsbrain::kpi::{
    self as core, BudgetOptions, BurnOptions, BurnRateRule, FunnelOptions, JourneyDef,
    JourneyEvent, Journeys, KpiTargets, Latencies, MAX_BURN_RULES, MAX_HISTOGRAM_BUCKETS,
    MAX_JOURNEY_EVENTS, MAX_JOURNEYS, MAX_SERIES_INTERVALS, SupportKpiOptions, SupportPartial,
    TicketRecord,
};
use opsbrain::limits::MAX_BATCH_TICKETS;
use opsbrain::sla::MAX_EVENTS;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::compute::compute;
use crate::compute::compute_py;
use crate::convert::{
    Opt, PLAIN, Shape, column, float, instant, instants, opt, opt_arg, opt_column, options,
    records, seq, string, to_py, values,
};
use crate::errors::Res;
use crate::types::PySlaPolicy;

/// Instants in KPI results.
const SHAPE: Shape = instants(&["fired_at", "clears_at", "window_start", "window_end"]);

/// Support KPIs of ticket records: first-response and resolution
/// percentiles (calendar or business time, from the SLA timers), SLA
/// attainment, escalation rate, FCR, CSAT, automation and self-service
/// rates and agent productivity, overall and per ``group_by`` group
/// ("tier", "channel", "priority", "department", "agent", "month"), each
/// KPI rated against the framework's threshold and target (or ``targets``,
/// a dict like ``default_targets()``). A ticket is a dict: ``{"events":
/// [...sla events...], "department", "agent", "first_contact_resolution",
/// "csat", "automated", "self_service"}``.
#[pyfunction]
#[pyo3(signature = (tickets, now, *, policy = None, **options))]
pub fn support_kpis<'py>(
    py: Python<'py>,
    tickets: &Bound<'py, PyAny>,
    now: &Bound<'py, PyAny>,
    policy: Opt<'_, 'py>,
    options: Option<&Bound<'py, PyDict>>,
) -> Res<Bound<'py, PyAny>> {
    let policy = opt(policy, |p| PySlaPolicy::arg(p, "policy"))?.unwrap_or_default();
    let tickets: Vec<TicketRecord> = records(tickets, "tickets", MAX_BATCH_TICKETS, MAX_EVENTS)?;
    let now = instant(now, "now")?;
    let options: SupportKpiOptions = opt_arg(options.map(|d| d.as_any()), "options", 64)?;
    compute_py(py, SHAPE, || {
        core::support_kpis(&policy, &tickets, now, &options)
    })
}

/// ``support_kpis`` of one partition of the tickets as a mergeable partial
/// (JSON): counts exact, percentiles sketched (1 % relative accuracy). A
/// partition without tickets in the period gives an empty partial.
#[pyfunction]
#[pyo3(signature = (tickets, now, *, policy = None, **options))]
pub fn support_kpis_partial<'py>(
    py: Python<'py>,
    tickets: &Bound<'py, PyAny>,
    now: &Bound<'py, PyAny>,
    policy: Opt<'_, 'py>,
    options: Option<&Bound<'py, PyDict>>,
) -> Res<String> {
    let policy = opt(policy, |p| PySlaPolicy::arg(p, "policy"))?.unwrap_or_default();
    let tickets: Vec<TicketRecord> = records(tickets, "tickets", MAX_BATCH_TICKETS, MAX_EVENTS)?;
    let now = instant(now, "now")?;
    let options: SupportKpiOptions = opt_arg(options.map(|d| d.as_any()), "options", 64)?;
    compute(py, || {
        Ok(core::support_kpis_partial(&policy, &tickets, now, &options)?.to_json())
    })
}

/// Merges ``support_kpis_partial`` results (JSON strings) into one (JSON).
#[pyfunction]
pub fn merge_support_partials(py: Python<'_>, partials: &Bound<'_, PyAny>) -> Res<String> {
    let texts = seq(partials, "partials", MAX_BATCH_TICKETS, |o, at| {
        string(o, at)
    })?;
    compute(py, || Ok(SupportPartial::merge_json(&texts)?.to_json()))
}

/// The report (as ``support_kpis``'s) of merged partials (JSON strings).
#[pyfunction]
pub fn finish_support_partials<'py>(
    py: Python<'py>,
    partials: &Bound<'py, PyAny>,
) -> Res<Bound<'py, PyAny>> {
    let texts = seq(partials, "partials", MAX_BATCH_TICKETS, |o, at| {
        string(o, at)
    })?;
    compute_py(py, SHAPE, || SupportPartial::merge_json(&texts)?.finish())
}

/// Tickets per UTC month of creation, month-over-month change, and whether
/// volume decreased every month.
#[pyfunction]
pub fn volume_trend<'py>(py: Python<'py>, tickets: &Bound<'py, PyAny>) -> Res<Bound<'py, PyAny>> {
    let tickets: Vec<TicketRecord> = records(tickets, "tickets", MAX_BATCH_TICKETS, MAX_EVENTS)?;
    compute_py(py, PLAIN, || core::volume_trend(&tickets))
}

/// `error_budget` and `burn_rate_alerts`: the good and total count columns
/// and the options (series start and step included) the core reads.
fn on_counts<'py, O: DeserializeOwned + Sync, T: Send + Serialize>(
    py: Python<'py>,
    (good, total): (&Bound<'py, PyAny>, &Bound<'py, PyAny>),
    fields: &[(&str, Opt<'_, 'py>)],
    max: usize,
    run: impl FnOnce(&O, &[f64], &[f64]) -> opsbrain::Result<T> + Send,
) -> Res<Bound<'py, PyAny>> {
    let g = column::<f64>(good, "good", MAX_SERIES_INTERVALS)?;
    let t = column::<f64>(total, "total", MAX_SERIES_INTERVALS)?;
    let o: O = options(fields, max)?;
    let (g, t) = (g.values(), t.values());
    compute_py(py, SHAPE, || run(&o, &g, &t))
}

/// Availability and the error budget of ``objective`` over the last
/// ``window`` of good/total counts per ``step`` (30 days at 99.9 % allow
/// 43.2 minutes), with the framework's uptime and error-rate KPIs.
#[pyfunction]
#[pyo3(signature = (good, total, *, start, step, objective, window, targets = None))]
pub fn error_budget<'py>(
    py: Python<'py>,
    good: &Bound<'py, PyAny>,
    total: &Bound<'py, PyAny>,
    start: &Bound<'py, PyAny>,
    step: &Bound<'py, PyAny>,
    objective: &Bound<'py, PyAny>,
    window: &Bound<'py, PyAny>,
    targets: Opt<'_, 'py>,
) -> Res<Bound<'py, PyAny>> {
    let fields = [
        ("start", Some(start)),
        ("step_secs", Some(step)),
        ("objective", Some(objective)),
        ("window_secs", Some(window)),
        ("targets", targets),
    ];
    on_counts(py, (good, total), &fields, 64, BudgetOptions::run)
}

/// The multi-window, multi-burn-rate alerts of the SRE workbook (or
/// ``rules``, a list of dicts like ``workbook_rules()``): when each fired
/// and when it cleared (projected if still firing), and each rule's burn
/// rates at the end of the series. O(n) per rule.
#[pyfunction]
#[pyo3(signature = (good, total, *, start, step, objective, rules = None))]
pub fn burn_rate_alerts<'py>(
    py: Python<'py>,
    good: &Bound<'py, PyAny>,
    total: &Bound<'py, PyAny>,
    start: &Bound<'py, PyAny>,
    step: &Bound<'py, PyAny>,
    objective: &Bound<'py, PyAny>,
    rules: Opt<'_, 'py>,
) -> Res<Bound<'py, PyAny>> {
    let fields = [
        ("start", Some(start)),
        ("step_secs", Some(step)),
        ("objective", Some(objective)),
        ("rules", rules),
    ];
    on_counts(py, (good, total), &fields, MAX_BURN_RULES, BurnOptions::run)
}

/// The SRE workbook's burn-rate rules as dicts (page 14.4 over 1 h / 5 min,
/// page 6 over 6 h / 30 min, ticket 1 over 3 days / 6 h).
#[pyfunction]
pub fn workbook_rules(py: Python<'_>) -> Res<Bound<'_, PyAny>> {
    to_py(py, &BurnRateRule::workbook(), PLAIN)
}

/// Runs `f` on the latencies: ``samples``, or ``upper_bounds`` and ``counts``.
fn with_latencies<'py, T: Send + Serialize>(
    py: Python<'py>,
    (samples, upper_bounds, counts): (Opt<'_, 'py>, Opt<'_, 'py>, Opt<'_, 'py>),
    f: impl FnOnce(Latencies<'_>) -> opsbrain::Result<T> + Send,
) -> Res<Bound<'py, PyAny>> {
    let s = opt_column::<f64>(samples, "samples", MAX_SERIES_INTERVALS)?;
    let b = opt_column::<f64>(upper_bounds, "upper_bounds", MAX_HISTOGRAM_BUCKETS)?;
    let c = opt_column::<f64>(counts, "counts", MAX_HISTOGRAM_BUCKETS)?;
    let (s, b, c) = (values(&s), values(&b), values(&c));
    compute_py(py, PLAIN, || {
        f(Latencies::one_of(s.as_deref(), b.as_deref(), c.as_deref())?)
    })
}

/// The share of requests at or below ``threshold_ms`` against
/// ``objective``, with p50/p90/p99, from raw ``samples`` (ms) or a
/// histogram (``upper_bounds`` in ms, ``math.inf`` allowed last, and
/// ``counts`` per bucket).
#[pyfunction]
#[pyo3(signature = (samples = None, *, threshold_ms, objective, upper_bounds = None, counts = None))]
pub fn latency_slo<'py>(
    py: Python<'py>,
    samples: Opt<'_, 'py>,
    threshold_ms: &Bound<'py, PyAny>,
    objective: &Bound<'py, PyAny>,
    upper_bounds: Opt<'_, 'py>,
    counts: Opt<'_, 'py>,
) -> Res<Bound<'py, PyAny>> {
    let threshold = float(threshold_ms, "threshold_ms")?;
    let objective = float(objective, "objective")?;
    with_latencies(py, (samples, upper_bounds, counts), |l| {
        core::latency_slo(l, threshold, objective)
    })
}

/// The Apdex score for target time ``t_ms`` (satisfied at or below T,
/// tolerating up to 4T), from samples or a histogram as ``latency_slo``.
#[pyfunction]
#[pyo3(signature = (samples = None, *, t_ms, upper_bounds = None, counts = None))]
pub fn apdex<'py>(
    py: Python<'py>,
    samples: Opt<'_, 'py>,
    t_ms: &Bound<'py, PyAny>,
    upper_bounds: Opt<'_, 'py>,
    counts: Opt<'_, 'py>,
) -> Res<Bound<'py, PyAny>> {
    let t = float(t_ms, "t_ms")?;
    with_latencies(py, (samples, upper_bounds, counts), |l| core::apdex(l, t))
}

/// Journey funnels from step events (dicts ``{"user", "journey", "step",
/// "at", "outcome"}``, any order): completion, per-step conversion,
/// drop-off and median time between steps, and friction points ranked by
/// users lost. ``journeys`` defaults to ``framework_journeys()``.
#[pyfunction]
#[pyo3(signature = (events, journeys = None, *, attribution_window = None, min_completion = None, max_step_drop_off = None))]
pub fn journey_funnels<'py>(
    py: Python<'py>,
    events: &Bound<'py, PyAny>,
    journeys: Opt<'_, 'py>,
    attribution_window: Opt<'_, 'py>,
    min_completion: Opt<'_, 'py>,
    max_step_drop_off: Opt<'_, 'py>,
) -> Res<Bound<'py, PyAny>> {
    let events: Vec<JourneyEvent> = records(events, "events", MAX_JOURNEY_EVENTS, 64)?;
    let journeys: Journeys = opt_arg(journeys, "journeys", MAX_JOURNEYS)?;
    let options: FunnelOptions = options(
        &[
            ("attribution_window_secs", attribution_window),
            ("min_completion", min_completion),
            ("max_step_drop_off", max_step_drop_off),
        ],
        64,
    )?;
    compute_py(py, PLAIN, || {
        core::journey_funnels(&events, &journeys.0, &options)
    })
}

/// The framework's five journeys and their default steps, as dicts.
#[pyfunction]
pub fn framework_journeys(py: Python<'_>) -> Res<Bound<'_, PyAny>> {
    to_py(py, &JourneyDef::framework(), PLAIN)
}

/// The framework's KPI thresholds and targets, as a dict.
#[pyfunction]
pub fn default_targets(py: Python<'_>) -> Res<Bound<'_, PyAny>> {
    to_py(py, &KpiTargets::default(), PLAIN)
}
