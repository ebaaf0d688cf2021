//! `opsbrain.kpi`: thin wrappers over `opsbrain::kpi` (support KPIs, error
//! budgets, burn-rate alerts, latency SLOs, Apdex, journey funnels).
//!
//! Records, rules and options are plain dicts/lists in the serde form, read
//! through `convert::from_py` (so the core validates them as it validates
//! JSON); series are 1-D float64 arrays (numpy arrays are borrowed without a
//! copy, lists converted); results are dicts whose instants (`fired_at`,
//! `clears_at`, `window_start`, `window_end`) are aware UTC datetimes.

use std::borrow::Cow;

use chrono::TimeDelta;
use numpy::{AllowTypeChange, PyArrayLike1, PyReadonlyArray1};
use opsbrain::ErrorKind;
use opsbrain::kpi::{
    self as core, BurnRateRule, CountSeries, FunnelOptions, JourneyDef, JourneyEvent, KpiTargets,
    Latencies, SupportKpiOptions, TicketRecord,
};
use opsbrain::sla::SlaPolicy;
use pyo3::prelude::*;
use pyo3::types::{PyDelta, PyString};
use serde_json::Value;

use crate::calendar::instant;
use crate::convert::{from_py, json_to_py_with_instants, py_to_json, to_py_dict, type_name};
use crate::errors::{BindError, bind_error, compute};
use crate::sla::PySlaPolicy;

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(support_kpis, m)?)?;
    m.add_function(wrap_pyfunction!(volume_trend, m)?)?;
    m.add_function(wrap_pyfunction!(error_budget, m)?)?;
    m.add_function(wrap_pyfunction!(burn_rate_alerts, m)?)?;
    m.add_function(wrap_pyfunction!(workbook_rules, m)?)?;
    m.add_function(wrap_pyfunction!(latency_slo, m)?)?;
    m.add_function(wrap_pyfunction!(apdex, m)?)?;
    m.add_function(wrap_pyfunction!(journey_funnels, m)?)?;
    m.add_function(wrap_pyfunction!(framework_journeys, m)?)?;
    m.add_function(wrap_pyfunction!(default_targets, m)?)?;
    Ok(())
}

fn py_err(e: PyErr) -> BindError {
    bind_error(ErrorKind::InvalidInput, e.to_string())
}

/// The keys whose RFC 3339 values become datetimes in KPI results.
const INSTANT_KEYS: [&str; 4] = ["fired_at", "clears_at", "window_start", "window_end"];

fn result<'py, T: serde::Serialize>(py: Python<'py>, v: &T) -> PyResult<Bound<'py, PyAny>> {
    let v = serde_json::to_value(v).map_err(|e| PyErr::from(BindError(e.into())))?;
    json_to_py_with_instants(py, &v, &INSTANT_KEYS)
}

/// A list of serde-shaped records, each named `{what}[i]`.
fn records<T: serde::de::DeserializeOwned>(
    obj: &Bound<'_, PyAny>,
    what: &str,
) -> Result<Vec<T>, BindError> {
    if obj.cast::<PyString>().is_ok() {
        return Err(bind_error(
            ErrorKind::InvalidType,
            format!("{what} must be a list of dicts, not str"),
        ));
    }
    let iter = obj.try_iter().map_err(|_| {
        bind_error(
            ErrorKind::InvalidType,
            format!("{what} must be a list of dicts, not {}", type_name(obj)),
        )
    })?;
    let mut out = Vec::new();
    for (i, item) in iter.enumerate() {
        if i >= opsbrain::limits::MAX_BATCH_TICKETS.max(core::MAX_JOURNEY_EVENTS) {
            return Err(bind_error(
                ErrorKind::LimitExceeded,
                format!("too many {what}"),
            ));
        }
        out.push(from_py(&item.map_err(py_err)?, &format!("{what}[{i}]"))?);
    }
    Ok(out)
}

/// An optional serde-shaped argument (`None` = absent).
fn optional<T: serde::de::DeserializeOwned>(
    obj: Option<&Bound<'_, PyAny>>,
    what: &str,
) -> Result<Option<T>, BindError> {
    obj.filter(|o| !o.is_none())
        .map(|o| from_py(o, what))
        .transpose()
}

/// A float64 array argument (lists and other dtypes converted by numpy).
fn array<'py>(
    obj: &Bound<'py, PyAny>,
    name: &str,
) -> Result<PyArrayLike1<'py, f64, AllowTypeChange>, BindError> {
    obj.extract::<PyArrayLike1<'py, f64, AllowTypeChange>>()
        .map_err(|e| {
            bind_error(
                ErrorKind::InvalidType,
                format!(
                    "{name} must be a 1-D array of numbers, not {} ({e})",
                    type_name(obj)
                ),
            )
        })
}

/// The array's data, copied only when not contiguous.
fn slice<'a>(a: &'a PyReadonlyArray1<'_, f64>) -> Cow<'a, [f64]> {
    match a.as_slice() {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => Cow::Owned(a.as_array().to_vec()),
    }
}

/// A `timedelta` argument as whole seconds.
fn seconds(obj: &Bound<'_, PyAny>, name: &str) -> Result<i64, BindError> {
    if obj.cast::<PyDelta>().is_err() {
        return Err(bind_error(
            ErrorKind::InvalidType,
            format!(
                "{name} must be a datetime.timedelta, not {}",
                type_name(obj)
            ),
        ));
    }
    let d: TimeDelta = obj
        .extract()
        .map_err(|e| bind_error(ErrorKind::InvalidInput, format!("{name}: {e}")))?;
    if d.subsec_nanos() != 0 {
        return Err(bind_error(
            ErrorKind::InvalidInput,
            format!("{name} must be a whole number of seconds"),
        ));
    }
    Ok(d.num_seconds())
}

fn policy(obj: Option<&Bound<'_, PyAny>>) -> Result<SlaPolicy, BindError> {
    match obj.filter(|o| !o.is_none()) {
        None => Ok(SlaPolicy::builtin()),
        Some(p) => {
            // The policy class keeps its core value private: go through JSON.
            let json: String = crate::convert::instance::<PySlaPolicy>(p, "policy")?
                .call_method0("to_json")
                .and_then(|j| j.extract())
                .map_err(py_err)?;
            Ok(SlaPolicy::from_json(&json)?)
        }
    }
}

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
#[pyo3(signature = (tickets, now, *, policy = None, since = None, until = None, group_by = None, time_basis = None, targets = None))]
#[allow(clippy::too_many_arguments, reason = "mirrors the keyword API")]
fn support_kpis<'py>(
    py: Python<'py>,
    tickets: &Bound<'py, PyAny>,
    now: &Bound<'py, PyAny>,
    policy: Option<&Bound<'py, PyAny>>,
    since: Option<&Bound<'py, PyAny>>,
    until: Option<&Bound<'py, PyAny>>,
    group_by: Option<&Bound<'py, PyAny>>,
    time_basis: Option<&Bound<'py, PyAny>>,
    targets: Option<&Bound<'py, PyAny>>,
) -> Result<Bound<'py, PyAny>, BindError> {
    let policy = self::policy(policy)?;
    let tickets: Vec<TicketRecord> = records(tickets, "tickets")?;
    let now = instant(now, "now")?;
    let mut opts = serde_json::Map::new();
    for (key, v) in [
        ("since", since),
        ("until", until),
        ("group_by", group_by),
        ("time_basis", time_basis),
        ("targets", targets),
    ] {
        if let Some(v) = v.filter(|o| !o.is_none()) {
            opts.insert(key.to_owned(), py_to_json(v, key)?);
        }
    }
    let options: SupportKpiOptions = serde_json::from_value(Value::Object(opts))
        .map_err(|e| bind_error(ErrorKind::InvalidInput, format!("options: {e}")))?;
    let out = compute(py, || core::support_kpis(&policy, &tickets, now, &options))?;
    result(py, &out).map_err(py_err)
}

/// Tickets per UTC month of creation, month-over-month change, and whether
/// volume decreased every month.
#[pyfunction]
fn volume_trend<'py>(
    py: Python<'py>,
    tickets: &Bound<'py, PyAny>,
) -> Result<Bound<'py, PyAny>, BindError> {
    let tickets: Vec<TicketRecord> = records(tickets, "tickets")?;
    let out = compute(py, || core::volume_trend(&tickets))?;
    to_py_dict(py, &out).map_err(py_err)
}

/// Runs `f` on the count series (`good`, `total` per `step` from `start`)
/// with the interpreter released.
fn with_series<'py, T: Send>(
    py: Python<'py>,
    good: &Bound<'py, PyAny>,
    total: &Bound<'py, PyAny>,
    start: &Bound<'py, PyAny>,
    step: &Bound<'py, PyAny>,
    f: impl FnOnce(&CountSeries<'_>) -> opsbrain::Result<T> + Send,
) -> Result<T, BindError> {
    let (g, t) = (array(good, "good")?, array(total, "total")?);
    let (start, step) = (instant(start, "start")?, seconds(step, "step")?);
    let (g, t) = (slice(&g), slice(&t));
    compute(py, || f(&CountSeries::new(start, step, &g, &t)?))
}

/// Availability and the error budget of ``objective`` over the last
/// ``window`` of good/total counts per ``step`` (30 days at 99.9 % allow
/// 43.2 minutes), with the framework's uptime and error-rate KPIs.
#[pyfunction]
#[pyo3(signature = (good, total, *, start, step, objective, window, targets = None))]
#[allow(clippy::too_many_arguments, reason = "mirrors the keyword API")]
fn error_budget<'py>(
    py: Python<'py>,
    good: &Bound<'py, PyAny>,
    total: &Bound<'py, PyAny>,
    start: &Bound<'py, PyAny>,
    step: &Bound<'py, PyAny>,
    objective: f64,
    window: &Bound<'py, PyAny>,
    targets: Option<&Bound<'py, PyAny>>,
) -> Result<Bound<'py, PyAny>, BindError> {
    let window = seconds(window, "window")?;
    let targets: KpiTargets = optional(targets, "targets")?.unwrap_or_default();
    let out = with_series(py, good, total, start, step, |s| {
        core::error_budget(s, objective, window, &targets)
    })?;
    result(py, &out).map_err(py_err)
}

/// The multi-window, multi-burn-rate alerts of the SRE workbook (or
/// ``rules``, a list of dicts like ``workbook_rules()``): when each fired
/// and when it cleared (projected if still firing), and each rule's burn
/// rates at the end of the series. O(n) per rule.
#[pyfunction]
#[pyo3(signature = (good, total, *, start, step, objective, rules = None))]
fn burn_rate_alerts<'py>(
    py: Python<'py>,
    good: &Bound<'py, PyAny>,
    total: &Bound<'py, PyAny>,
    start: &Bound<'py, PyAny>,
    step: &Bound<'py, PyAny>,
    objective: f64,
    rules: Option<&Bound<'py, PyAny>>,
) -> Result<Bound<'py, PyAny>, BindError> {
    let rules: Vec<BurnRateRule> = match rules.filter(|r| !r.is_none()) {
        Some(r) => records(r, "rules")?,
        None => BurnRateRule::workbook(),
    };
    let out = with_series(py, good, total, start, step, |s| {
        core::burn_rate_alerts(s, objective, &rules)
    })?;
    result(py, &out).map_err(py_err)
}

/// The SRE workbook's burn-rate rules as dicts (page 14.4 over 1 h / 5 min,
/// page 6 over 6 h / 30 min, ticket 1 over 3 days / 6 h).
#[pyfunction]
fn workbook_rules(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    to_py_dict(py, &BurnRateRule::workbook())
}

/// Runs `f` on the latencies: ``samples``, or ``upper_bounds`` and ``counts``.
fn with_latencies<'py, T: Send>(
    py: Python<'py>,
    samples: Option<&Bound<'py, PyAny>>,
    upper_bounds: Option<&Bound<'py, PyAny>>,
    counts: Option<&Bound<'py, PyAny>>,
    f: impl FnOnce(Latencies<'_>) -> opsbrain::Result<T> + Send,
) -> Result<T, BindError> {
    let some = |o: Option<&Bound<'py, PyAny>>| o.filter(|x| !x.is_none()).cloned();
    match (some(samples), some(upper_bounds), some(counts)) {
        (Some(s), None, None) => {
            let s = array(&s, "samples")?;
            let s = slice(&s);
            compute(py, || f(Latencies::Samples(&s)))
        }
        (None, Some(b), Some(c)) => {
            let (b, c) = (array(&b, "upper_bounds")?, array(&c, "counts")?);
            let (b, c) = (slice(&b), slice(&c));
            compute(py, || {
                f(Latencies::Histogram {
                    upper_bounds: &b,
                    counts: &c,
                })
            })
        }
        _ => Err(bind_error(
            ErrorKind::InvalidInput,
            "give either samples, or upper_bounds and counts",
        )),
    }
}

/// The share of requests at or below ``threshold_ms`` against
/// ``objective``, with p50/p90/p99, from raw ``samples`` (ms) or a
/// histogram (``upper_bounds`` in ms, ``math.inf`` allowed last, and
/// ``counts`` per bucket).
#[pyfunction]
#[pyo3(signature = (samples = None, *, threshold_ms, objective, upper_bounds = None, counts = None))]
fn latency_slo<'py>(
    py: Python<'py>,
    samples: Option<&Bound<'py, PyAny>>,
    threshold_ms: f64,
    objective: f64,
    upper_bounds: Option<&Bound<'py, PyAny>>,
    counts: Option<&Bound<'py, PyAny>>,
) -> Result<Bound<'py, PyAny>, BindError> {
    let out = with_latencies(py, samples, upper_bounds, counts, |l| {
        core::latency_slo(l, threshold_ms, objective)
    })?;
    to_py_dict(py, &out).map_err(py_err)
}

/// The Apdex score for target time ``t_ms`` (satisfied at or below T,
/// tolerating up to 4T), from samples or a histogram as ``latency_slo``.
#[pyfunction]
#[pyo3(signature = (samples = None, *, t_ms, upper_bounds = None, counts = None))]
fn apdex<'py>(
    py: Python<'py>,
    samples: Option<&Bound<'py, PyAny>>,
    t_ms: f64,
    upper_bounds: Option<&Bound<'py, PyAny>>,
    counts: Option<&Bound<'py, PyAny>>,
) -> Result<Bound<'py, PyAny>, BindError> {
    let out = with_latencies(py, samples, upper_bounds, counts, |l| core::apdex(l, t_ms))?;
    to_py_dict(py, &out).map_err(py_err)
}

/// Journey funnels from step events (dicts ``{"user", "journey", "step",
/// "at", "outcome"}``, any order): completion, per-step conversion,
/// drop-off and median time between steps, and friction points ranked by
/// users lost. ``journeys`` defaults to ``framework_journeys()``.
#[pyfunction]
#[pyo3(signature = (events, journeys = None, *, attribution_window = None, min_completion = None, max_step_drop_off = None))]
fn journey_funnels<'py>(
    py: Python<'py>,
    events: &Bound<'py, PyAny>,
    journeys: Option<&Bound<'py, PyAny>>,
    attribution_window: Option<&Bound<'py, PyAny>>,
    min_completion: Option<f64>,
    max_step_drop_off: Option<f64>,
) -> Result<Bound<'py, PyAny>, BindError> {
    let events: Vec<JourneyEvent> = records(events, "events")?;
    let journeys: Vec<JourneyDef> = match journeys.filter(|j| !j.is_none()) {
        Some(j) => records(j, "journeys")?,
        None => JourneyDef::framework(),
    };
    let mut options = FunnelOptions::default();
    if let Some(w) = attribution_window.filter(|w| !w.is_none()) {
        options.attribution_window_secs = seconds(w, "attribution_window")?;
    }
    if let Some(v) = min_completion {
        options.min_completion = v;
    }
    if let Some(v) = max_step_drop_off {
        options.max_step_drop_off = v;
    }
    let out = compute(py, || core::journey_funnels(&events, &journeys, &options))?;
    to_py_dict(py, &out).map_err(py_err)
}

/// The framework's five journeys and their default steps, as dicts.
#[pyfunction]
fn framework_journeys(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    to_py_dict(py, &JourneyDef::framework())
}

/// The framework's KPI thresholds and targets, as a dict.
#[pyfunction]
fn default_targets(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    to_py_dict(py, &KpiTargets::default())
}
