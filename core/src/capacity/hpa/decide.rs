//! The decision: per-metric proposals, the partial-failure rule, then
//! normalisation by the legacy rules or `behavior`.

use super::*;

/// Settings resolved from the request.
pub(crate) struct Setup {
    pub(crate) tol: Tolerances,
    pub(crate) cpu_init: TimeDelta,
    pub(crate) readiness_delay: TimeDelta,
}

pub(crate) fn target_milli(v: Option<f64>, cpu: bool, what: &str) -> Result<Option<i64>> {
    v.map(|x| {
        let m = milli(x, cpu, what)?;
        if m <= 0 {
            return Err(Error::invalid_config(format!("{what} must be > 0")));
        }
        Ok(m)
    })
    .transpose()
}

pub(crate) fn outcome(spec: &MetricSpec, pods: &[Pod], p: &Proposal, cpu: bool) -> MetricOutcome {
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
pub(crate) fn one_metric(
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
