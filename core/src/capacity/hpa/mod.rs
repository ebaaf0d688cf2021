//! The Kubernetes Horizontal Pod Autoscaler's replica calculation, as a
//! pure function.
//!
//! [`hpa_desired_replicas`] reproduces one reconciliation of the HPA
//! controller (`pkg/controller/podautoscaler`, `horizontal.go` and
//! `replica_calculator.go` of Kubernetes 1.34, with per-direction
//! tolerances): pods are grouped into ready, unready (pending, or for CPU
//! not ready / still in the CPU initialization period without a full
//! metric window since becoming ready), missing-metric and ignored
//! (deleting, failed); each metric proposes a replica count (resource
//! utilization and average value, pods, object and external metrics with
//! value and average-value targets), with the tolerance check, the
//! rebalancing of missing pods (their request, or the target, on a scale
//! down; 0 on a scale up) and unready pods (0 on a scale up), and the
//! re-check that the direction did not flip; the largest proposal wins;
//! then the legacy normalization (300 s downscale stabilization, scale-up
//! limit `max(2 * current, 4)`, min/max) or, with `behavior`, the
//! per-direction stabilization windows and the Pods/Percent rate limits
//! with `selectPolicy` Max/Min/Disabled.
//!
//! The controller's memory is explicit: the call takes `now`, the past
//! recommendations and scale events, and returns them updated.
//!
//! **Quantities.** CPU values (usage, requests, `average_value` targets)
//! are millicores, which are Kubernetes' milli-values as they are. Every
//! other value is given in its own unit (bytes, requests per second, queue
//! length) and converted to the milli-value Kubernetes computes with
//! (`x * 1000`, rounded up as `Quantity.MilliValue` does), so integer
//! averages and percentages truncate exactly where Kubernetes' do; averages
//! are reported back in the same unit.
//!
//! **Not modelled:** `ContainerResource` metrics, label selectors (give the
//! selected pods), readings of pods that are not in `pods` (superfluous
//! metrics), and pod-level requests; a pod with neither `start_time` nor
//! `recently_started` is taken as started long ago (Kubernetes counts a pod
//! without a start time as unready for CPU).

mod calc;
mod normalize;
mod types;

use chrono::TimeDelta;

pub use types::{
    Behavior, HpaDecision, HpaRequest, MetricOutcome, MetricSpec, MetricTarget, Pod, PodPhase,
    PolicyType, ScaleEvent, ScalingPolicy, ScalingRules, SelectPolicy, TimedRecommendation,
};

use crate::error::{Error, Result};
use crate::validate::check_instant;
use calc::{Clock, Proposal, Tolerances};
use normalize::{Events, Rules};

/// Most pods in one request.
pub const MAX_PODS: usize = 100_000;
/// Most metrics in one request.
pub const MAX_METRICS: usize = 100;
/// Most recommendations or scale events (each list) in one request.
pub const MAX_HISTORY: usize = 100_000;
/// Largest value accepted in natural units (1e15).
pub const MAX_VALUE: f64 = 1e15;

/// Largest duration setting (one day) and stabilization window (one hour).
const MAX_SETTING_SECS: i64 = 86_400;

fn bad(msg: impl Into<String>) -> Error {
    Error::invalid_input(msg)
}

/// `x` (natural unit) as a milli-value: `x` for CPU, `x * 1000` otherwise,
/// rounded up (with a tolerance for binary fractions like 8.6 * 1000).
fn milli(x: f64, cpu: bool, what: &str) -> Result<i64> {
    milli_at(x, cpu, || what.to_owned())
}

/// As [`milli`], naming the value only when it is bad (no allocation per pod).
fn milli_at(x: f64, cpu: bool, what: impl FnOnce() -> String) -> Result<i64> {
    if !(0.0..=MAX_VALUE).contains(&x) {
        return Err(bad(format!(
            "{}: {x} is not a finite value in [0, {MAX_VALUE}]",
            what()
        )));
    }
    let m = if cpu { x } else { x * 1000.0 };
    let r = m.round();
    let v = if (m - r).abs() <= 1e-9 * r.abs().max(1.0) {
        r
    } else {
        m.ceil()
    };
    Ok(v as i64)
}

fn natural(m: i64, cpu: bool) -> f64 {
    if cpu { m as f64 } else { m as f64 / 1000.0 }
}

fn secs(v: Option<i64>, default: i64, what: &str) -> Result<TimeDelta> {
    let s = v.unwrap_or(default);
    if !(0..=MAX_SETTING_SECS).contains(&s) {
        return Err(Error::invalid_config(format!(
            "{what} must be in 0..={MAX_SETTING_SECS} seconds, got {s}"
        )));
    }
    Ok(TimeDelta::seconds(s))
}

fn check_tolerance(t: f64, what: &str) -> Result<f64> {
    if t.is_finite() && (0.0..=1000.0).contains(&t) {
        Ok(t)
    } else {
        Err(Error::invalid_config(format!(
            "{what} must be in [0, 1000], got {t}"
        )))
    }
}

fn check_rules(r: &ScalingRules, what: &str) -> Result<()> {
    if let Some(w) = r.stabilization_window_secs
        && !(0..=3600).contains(&w)
    {
        return Err(Error::invalid_config(format!(
            "{what}.stabilization_window_secs must be in 0..=3600, got {w}"
        )));
    }
    if let Some(ps) = &r.policies {
        if ps.is_empty() && r.select_policy != Some(SelectPolicy::Disabled) {
            return Err(Error::invalid_config(format!(
                "{what}.policies: give at least one policy"
            )));
        }
        if ps.len() > 100 {
            return Err(Error::limit(format!(
                "{what}.policies: at most 100 are allowed"
            )));
        }
        for (i, p) in ps.iter().enumerate() {
            if p.value <= 0 || !(1..=1800).contains(&p.period_secs) {
                return Err(Error::invalid_config(format!(
                    "{what}.policies[{i}]: value must be > 0 and period_secs in 1..=1800"
                )));
            }
        }
    }
    if let Some(t) = r.tolerance {
        check_tolerance(t, &format!("{what}.tolerance"))?;
    }
    Ok(())
}

/// Checks counts, bounds and instants of a request.
fn validate(req: &HpaRequest) -> Result<()> {
    let min = req.min_replicas.unwrap_or(1);
    if min < 0 || req.max_replicas < 1 {
        return Err(Error::invalid_config(format!(
            "min_replicas must be >= 0 and max_replicas >= 1, got {min} and {}",
            req.max_replicas
        )));
    }
    if min > req.max_replicas {
        return Err(Error::invalid_config(format!(
            "min_replicas {min} is greater than max_replicas {}",
            req.max_replicas
        )));
    }
    if req.current_replicas < 0 || req.status_replicas.is_some_and(|s| s < 0) {
        return Err(bad("current_replicas and status_replicas must be >= 0"));
    }
    if req.pods.len() > MAX_PODS {
        return Err(Error::limit(format!(
            "{} pods; at most {MAX_PODS} are allowed",
            req.pods.len()
        )));
    }
    if req.metrics.is_empty() || req.metrics.len() > MAX_METRICS {
        return Err(bad(format!(
            "give 1 to {MAX_METRICS} metrics, got {}",
            req.metrics.len()
        )));
    }
    for (what, n) in [
        ("recommendations", req.recommendations.len()),
        ("scale_up_events", req.scale_up_events.len()),
        ("scale_down_events", req.scale_down_events.len()),
    ] {
        if n > MAX_HISTORY {
            return Err(Error::limit(format!(
                "{what}: {n} entries; at most {MAX_HISTORY} are allowed"
            )));
        }
    }
    check_instant(req.now, "now")?;
    for r in &req.recommendations {
        check_instant(r.at, "recommendations: at")?;
    }
    for e in req.scale_up_events.iter().chain(&req.scale_down_events) {
        check_instant(e.at, "scale events: at")?;
        if e.change < 0 {
            return Err(bad(format!(
                "scale events: change {} must be >= 0",
                e.change
            )));
        }
    }
    let mut names = std::collections::BTreeSet::new();
    for (i, p) in req.pods.iter().enumerate() {
        if !names.insert(p.name.as_str()) {
            return Err(bad(format!("pods[{i}]: duplicate pod name {:?}", p.name)));
        }
        for t in [p.start_time, p.ready_transition_time]
            .into_iter()
            .flatten()
        {
            check_instant(t, &format!("pods[{i}]"))?;
        }
    }
    if let Some(b) = &req.behavior {
        if let Some(r) = &b.scale_up {
            check_rules(r, "behavior.scale_up")?;
        }
        if let Some(r) = &b.scale_down {
            check_rules(r, "behavior.scale_down")?;
        }
    }
    Ok(())
}

/// Settings resolved from the request.
struct Setup {
    tol: Tolerances,
    cpu_init: TimeDelta,
    readiness_delay: TimeDelta,
}

fn target_milli(v: Option<f64>, cpu: bool, what: &str) -> Result<Option<i64>> {
    v.map(|x| {
        let m = milli(x, cpu, what)?;
        if m <= 0 {
            return Err(Error::invalid_config(format!("{what} must be > 0")));
        }
        Ok(m)
    })
    .transpose()
}

fn outcome(spec: &MetricSpec, pods: &[Pod], p: &Proposal, cpu: bool) -> MetricOutcome {
    let names = |ix: &[usize]| ix.iter().map(|&i| pods[i].name.clone()).collect();
    MetricOutcome {
        name: spec.name().to_owned(),
        kind: match spec {
            MetricSpec::Resource { .. } => "resource",
            MetricSpec::Pods { .. } => "pods",
            MetricSpec::Object { .. } => "object",
            MetricSpec::External { .. } => "external",
        }
        .to_owned(),
        replicas: Some(p.replicas),
        utilization: p.utilization,
        average_value: p.average.map(|m| natural(m, cpu)),
        value: p.value.map(|m| natural(m, cpu)),
        ready_pods: p.ready_pods,
        unready_pods: names(&p.unready),
        missing_pods: names(&p.missing),
        ignored_pods: names(&p.ignored),
        error: None,
    }
}

/// One metric's proposal and its Kubernetes description, or the reason it
/// cannot be computed (`Ok(Err(..))`); `Err` for invalid input.
fn one_metric(
    req: &HpaRequest,
    spec: &MetricSpec,
    s: &Setup,
) -> Result<std::result::Result<(Proposal, String, bool), String>> {
    let spec_replicas = req.current_replicas;
    let status_replicas = req.status_replicas.unwrap_or(req.current_replicas);
    let name = spec.name();
    let target = match spec {
        MetricSpec::Resource { target, .. }
        | MetricSpec::Pods { target, .. }
        | MetricSpec::Object { target, .. }
        | MetricSpec::External { target, .. } => target,
    };
    let given = [
        target.average_utilization.is_some(),
        target.average_value.is_some(),
        target.value.is_some(),
    ];
    if given.iter().filter(|g| **g).count() != 1 {
        return Err(Error::invalid_config(format!(
            "metric {name:?}: give exactly one of average_utilization, average_value, value"
        )));
    }
    let what = format!("metric {name:?}");
    Ok(match spec {
        MetricSpec::Resource {
            timestamp,
            window_secs,
            ..
        } => {
            let cpu = name == "cpu";
            if target.value.is_some() {
                return Err(Error::invalid_config(format!(
                    "{what}: resource metrics take average_utilization or average_value"
                )));
            }
            if let Some(u) = target.average_utilization
                && u <= 0
            {
                return Err(Error::invalid_config(format!(
                    "{what}: average_utilization must be > 0"
                )));
            }
            let avg = target_milli(target.average_value, cpu, &format!("{what}: target"))?;
            let mut values = Vec::with_capacity(req.pods.len());
            let mut requests = Vec::with_capacity(req.pods.len());
            for (i, p) in req.pods.iter().enumerate() {
                let at = || format!("pods[{i}] {name}");
                values.push(
                    p.usage
                        .get(name)
                        .map(|&v| milli_at(v, cpu, at))
                        .transpose()?,
                );
                requests.push(
                    p.requests
                        .get(name)
                        .map(|&v| milli_at(v, cpu, at))
                        .transpose()?,
                );
            }
            if let Some(t) = timestamp {
                check_instant(*t, &format!("{what}: timestamp"))?;
            }
            let clock = Clock {
                now: req.now,
                cpu_initialization_period: s.cpu_init,
                delay_of_initial_readiness: s.readiness_delay,
                metric_timestamp: timestamp.unwrap_or(req.now),
                metric_window: secs(*window_secs, 60, "window_secs")?,
            };
            let clock = cpu.then_some(&clock);
            let (requests, desc) = if target.average_utilization.is_some() {
                (
                    Some((name, requests.as_slice())),
                    format!("{name} resource utilization (percentage of request)"),
                )
            } else {
                (None, format!("{name} resource"))
            };
            calc::pod_metric(
                spec_replicas,
                &req.pods,
                &values,
                requests,
                (target.average_utilization, avg),
                s.tol,
                clock,
            )
            .map(|p| (p, desc, cpu))
        }
        MetricSpec::Pods { .. } => {
            let Some(avg) = target_milli(target.average_value, false, &format!("{what}: target"))?
            else {
                return Err(Error::invalid_config(format!(
                    "{what}: pods metrics take an average_value target"
                )));
            };
            let values = req
                .pods
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    p.usage
                        .get(name)
                        .map(|&v| milli_at(v, false, || format!("pods[{i}] {name}")))
                        .transpose()
                })
                .collect::<Result<Vec<_>>>()?;
            calc::pod_metric(
                spec_replicas,
                &req.pods,
                &values,
                None,
                (None, Some(avg)),
                s.tol,
                None,
            )
            .map(|p| (p, format!("pods metric {name}"), false))
        }
        MetricSpec::Object { .. } | MetricSpec::External { .. } => {
            if target.average_utilization.is_some() {
                return Err(Error::invalid_config(format!(
                    "{what}: object and external metrics take value or average_value"
                )));
            }
            let (kind, total) = match spec {
                MetricSpec::Object { current, .. } => ("object", milli(*current, false, &what)?),
                MetricSpec::External { current, .. } => {
                    if current.len() > MAX_PODS {
                        return Err(Error::limit(format!(
                            "{what}: at most {MAX_PODS} readings are allowed"
                        )));
                    }
                    let mut sum = 0i64;
                    for v in current {
                        sum = sum.saturating_add(milli(*v, false, &what)?);
                    }
                    ("external", sum)
                }
                _ => unreachable!("matched above"),
            };
            let desc = format!("{kind} metric {name}");
            if let Some(t) = target_milli(target.value, false, &format!("{what}: target"))? {
                calc::value_metric(spec_replicas, total, t, &req.pods, s.tol)
                    .map(|p| (p, desc, false))
            } else {
                let t = target_milli(target.average_value, false, &format!("{what}: target"))?
                    .ok_or_else(|| bad(format!("{what}: give a value or average_value target")))?;
                Ok((
                    calc::per_pod_metric(status_replicas, total, t, s.tol),
                    desc,
                    false,
                ))
            }
        }
    })
}

/// One reconciliation of the Kubernetes HPA (see the module docs).
///
/// # Examples
/// ```
/// use opsbrain::capacity::{hpa_desired_replicas, HpaRequest};
/// // Three pods at 50 % of their CPU request against a 30 % target.
/// let req: HpaRequest = serde_json::from_value(serde_json::json!({
///     "current_replicas": 3, "max_replicas": 10, "now": "2026-01-01T00:00:00Z",
///     "metrics": [{"type": "resource", "name": "cpu", "target": {"average_utilization": 30}}],
///     "pods": [
///         {"name": "a", "requests": {"cpu": 1000}, "usage": {"cpu": 300}},
///         {"name": "b", "requests": {"cpu": 1000}, "usage": {"cpu": 500}},
///         {"name": "c", "requests": {"cpu": 1000}, "usage": {"cpu": 700}}
///     ]
/// }))?;
/// let d = hpa_desired_replicas(&req)?;
/// assert_eq!(d.desired_replicas, 5); // ceil(50 / 30 * 3)
/// assert_eq!(d.metrics[0].utilization, Some(50));
/// assert_eq!(d.limited_by.as_deref(), Some("DesiredWithinRange"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// `invalid_config` for `min_replicas > max_replicas`, a bad target,
/// tolerance, window or policy; `invalid_input` for a negative or
/// non-finite value, a duplicate pod name, an instant outside years 1 to
/// 9999, and when no metric can be computed (or some cannot and the others
/// would scale down), with Kubernetes' reason; `limit_exceeded` past
/// [`MAX_PODS`], [`MAX_METRICS`] or [`MAX_HISTORY`].
pub fn hpa_desired_replicas(req: &HpaRequest) -> Result<HpaDecision> {
    validate(req)?;
    let base_tol = check_tolerance(req.tolerance.unwrap_or(0.1), "tolerance")?;
    let rule_tol = |r: Option<&ScalingRules>| r.and_then(|r| r.tolerance).unwrap_or(base_tol);
    let behavior = req.behavior.as_ref();
    let setup = Setup {
        tol: Tolerances {
            down: rule_tol(behavior.and_then(|b| b.scale_down.as_ref())),
            up: rule_tol(behavior.and_then(|b| b.scale_up.as_ref())),
        },
        cpu_init: secs(
            req.cpu_initialization_period_secs,
            300,
            "cpu_initialization_period_secs",
        )?,
        readiness_delay: secs(
            req.delay_of_initial_readiness_status_secs,
            30,
            "delay_of_initial_readiness_status_secs",
        )?,
    };
    let window = secs(
        req.downscale_stabilization_secs,
        300,
        "downscale_stabilization_secs",
    )?;
    let min = req.min_replicas.unwrap_or(1);
    let max = req.max_replicas;
    let current = req.current_replicas;
    let mut decision = HpaDecision {
        desired_replicas: current,
        current_replicas: current,
        rescale: false,
        metric_replicas: None,
        metric: None,
        metrics: Vec::new(),
        rescale_reason: None,
        scaling_active: "ValidMetricFound".to_owned(),
        able_to_scale: None,
        limited_by: None,
        scaling_limited: false,
        recommendations: req.recommendations.clone(),
        scale_up_events: req.scale_up_events.clone(),
        scale_down_events: req.scale_down_events.clone(),
    };
    let desired = if current == 0 && min != 0 {
        decision.scaling_active = "ScalingDisabled".to_owned();
        return Ok(decision);
    } else if current > max {
        decision.rescale_reason = Some("Current number of replicas above Spec.MaxReplicas".into());
        max
    } else if current < min {
        decision.rescale_reason = Some("Current number of replicas below Spec.MinReplicas".into());
        min
    } else {
        let mut best: Option<(i32, String)> = None;
        let mut invalid: Vec<String> = Vec::new();
        for spec in &req.metrics {
            match one_metric(req, spec, &setup)? {
                Ok((p, desc, cpu)) => {
                    decision.metrics.push(outcome(spec, &req.pods, &p, cpu));
                    if best
                        .as_ref()
                        .is_none_or(|(r, _)| *r == 0 || p.replicas > *r)
                    {
                        best = Some((p.replicas, desc));
                    }
                }
                Err(e) => {
                    let mut o = outcome(spec, &req.pods, &Proposal::default(), false);
                    o.replicas = None;
                    o.error = Some(e.clone());
                    decision.metrics.push(o);
                    invalid.push(format!("metric {:?}: {e}", spec.name()));
                }
            }
        }
        let replicas = best.as_ref().map_or(0, |b| b.0);
        if invalid.len() >= req.metrics.len() || (!invalid.is_empty() && replicas < current) {
            return Err(bad(format!(
                "invalid metrics ({} invalid out of {}), first error is: {}",
                invalid.len(),
                req.metrics.len(),
                invalid[0]
            )));
        }
        let Some((metric_replicas, metric)) = best else {
            return Err(bad("no metric could be computed"));
        };
        decision.metric_replicas = Some(metric_replicas);
        let desired = metric_replicas.max(0);
        if desired > current {
            decision.rescale_reason = Some(format!("{metric} above target"));
        } else if desired < current {
            decision.rescale_reason = Some("All metrics below target".into());
        }
        decision.metric = Some(metric);
        let n = match behavior {
            None => normalize::legacy(
                &mut decision.recommendations,
                req.now,
                window,
                current,
                desired,
                (min, max),
            ),
            Some(b) => {
                let down_window = window.num_seconds() as i32;
                let up = Rules::resolve(b.scale_up.as_ref(), true, down_window);
                let down = Rules::resolve(b.scale_down.as_ref(), false, down_window);
                let ev = Events {
                    up: &req.scale_up_events,
                    down: &req.scale_down_events,
                };
                normalize::with_behaviors(
                    &mut decision.recommendations,
                    req.now,
                    current,
                    desired,
                    (min, max),
                    &up,
                    &down,
                    &ev,
                )
            }
        };
        decision.able_to_scale = Some(n.able_to_scale.to_owned());
        decision.limited_by = Some(n.limited_by.to_owned());
        decision.scaling_limited = n.limited;
        n.replicas
    };
    decision.rescale = desired != current;
    if decision.rescale {
        decision.desired_replicas = desired;
        if let Some(b) = behavior {
            let down_window = window.num_seconds() as i32;
            if desired > current {
                let up = Rules::resolve(b.scale_up.as_ref(), true, down_window);
                normalize::store_event(
                    &mut decision.scale_up_events,
                    &up,
                    req.now,
                    desired - current,
                );
            } else {
                let down = Rules::resolve(b.scale_down.as_ref(), false, down_window);
                normalize::store_event(
                    &mut decision.scale_down_events,
                    &down,
                    req.now,
                    current - desired,
                );
            }
        }
    } else {
        decision.rescale_reason = None;
    }
    Ok(decision)
}

#[cfg(test)]
mod tests;
