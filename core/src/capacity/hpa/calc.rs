//! The replica calculator: one metric's proposal (Kubernetes
//! `replica_calculator.go` and `metrics/utilization.go`).
//!
//! Values are Kubernetes milli-values (`i64`); sums use `i128`, so the
//! integer divisions are those of Kubernetes without its overflow cases.

use chrono::{DateTime, TimeDelta, Utc};

use super::types::{Pod, PodPhase};

/// Per-direction tolerances around a usage ratio of 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Tolerances {
    pub down: f64,
    pub up: f64,
}

impl Tolerances {
    pub(crate) fn within(&self, ratio: f64) -> bool {
        (1.0 - self.down) <= ratio && ratio <= (1.0 + self.up)
    }
}

/// What the readiness rules of CPU need.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Clock {
    pub now: DateTime<Utc>,
    pub cpu_initialization_period: TimeDelta,
    pub delay_of_initial_readiness: TimeDelta,
    /// Timestamp and window of the readings.
    pub metric_timestamp: DateTime<Utc>,
    pub metric_window: TimeDelta,
}

/// One metric's proposal and the numbers behind it.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Proposal {
    pub replicas: i32,
    pub utilization: Option<i32>,
    /// Milli-value.
    pub average: Option<i64>,
    /// Milli-value.
    pub value: Option<i64>,
    pub ready_pods: Option<usize>,
    pub unready: Vec<usize>,
    pub missing: Vec<usize>,
    pub ignored: Vec<usize>,
}

pub(crate) const NO_PODS: &str = "no pods returned by selector while calculating replica count";
const NO_METRICS: &str = "did not receive metrics for targeted pods (pods might be unready)";

/// Pods grouped as in Kubernetes' `groupPods`.
struct Groups {
    ready: usize,
    unready: Vec<usize>,
    missing: Vec<usize>,
    ignored: Vec<usize>,
}

fn cpu_unready(pod: &Pod, clock: &Clock) -> bool {
    let Some(ready) = pod.ready else {
        return true; // no Ready condition
    };
    let in_init = match (pod.recently_started, pod.start_time) {
        (Some(r), _) => r,
        (None, Some(start)) => start + clock.cpu_initialization_period > clock.now,
        (None, None) => false,
    };
    if in_init {
        // Unready, or no full metric window since the last transition.
        !ready
            || pod
                .ready_transition_time
                .is_some_and(|t| clock.metric_timestamp < t + clock.metric_window)
    } else {
        // Unready and never ready since start.
        !ready
            && match (pod.start_time, pod.ready_transition_time) {
                (Some(start), Some(t)) => start + clock.delay_of_initial_readiness > t,
                _ => true,
            }
    }
}

fn group(pods: &[Pod], values: &[Option<i64>], cpu: Option<&Clock>) -> Groups {
    let mut g = Groups {
        ready: 0,
        unready: Vec::new(),
        missing: Vec::new(),
        ignored: Vec::new(),
    };
    for (i, pod) in pods.iter().enumerate() {
        if pod.deleting || pod.phase == PodPhase::Failed {
            g.ignored.push(i);
        } else if pod.phase == PodPhase::Pending {
            g.unready.push(i);
        } else if values[i].is_none() {
            g.missing.push(i);
        } else if cpu.is_some_and(|c| cpu_unready(pod, c)) {
            g.unready.push(i);
        } else {
            g.ready += 1;
        }
    }
    g
}

/// `(utilization ratio, utilization %, raw average)` over the counted pods.
fn resource_ratio(
    metrics: &[(usize, i64)],
    requests: &[i64],
    target: i32,
) -> Result<(f64, i32, i64), String> {
    let (mut total, mut req_total) = (0i128, 0i128);
    for &(i, v) in metrics {
        total += i128::from(v);
        req_total += i128::from(requests[i]);
    }
    if req_total == 0 {
        return Err("no metrics returned matched known pods".into());
    }
    let pct = (total * 100 / req_total).clamp(i128::from(i32::MIN), i128::from(i32::MAX)) as i32;
    let raw = (total / metrics.len() as i128) as i64;
    Ok((f64::from(pct) / f64::from(target), pct, raw))
}

/// `(usage ratio, average)`: the integer average over the counted pods.
fn usage_ratio(metrics: &[(usize, i64)], target: i64) -> (f64, i64) {
    let total: i128 = metrics.iter().map(|&(_, v)| i128::from(v)).sum();
    let avg = (total / metrics.len() as i128) as i64;
    (avg as f64 / target as f64, avg)
}

/// `ceil(x)` as replicas, saturating like Kubernetes' newer int32 guards.
pub(crate) fn ceil_replicas(x: f64) -> i32 {
    let c = x.ceil();
    if c >= f64::from(i32::MAX) {
        i32::MAX
    } else if c <= f64::from(i32::MIN) || c.is_nan() {
        0
    } else {
        c as i32
    }
}

/// The two ways the pod-based calculators compute a ratio.
enum Ratio<'a> {
    /// Percent of requests (`GetResourceReplicas`).
    Utilization { target: i32, requests: &'a [i64] },
    /// Average value (`calcPlainMetricReplicas`).
    Plain { target: i64 },
}

/// Pod-based metrics: resource utilization, resource average value and
/// pods metrics. `cpu` is the clock for CPU readiness rules (resource
/// `cpu` only).
pub(crate) fn pod_metric(
    current: i32,
    pods: &[Pod],
    values: &[Option<i64>],
    requests: Option<(&str, &[Option<i64>])>,
    target: (Option<i32>, Option<i64>),
    tol: Tolerances,
    cpu: Option<&Clock>,
) -> Result<Proposal, String> {
    if pods.is_empty() {
        return Err(NO_PODS.into());
    }
    let g = group(pods, values, cpu);
    // removeMetricsForPods(ignored), removeMetricsForPods(unready).
    let mut excluded = vec![false; pods.len()];
    for &i in g.ignored.iter().chain(&g.unready) {
        excluded[i] = true;
    }
    let mut metrics: Vec<(usize, i64)> = (0..pods.len())
        .filter(|&i| !excluded[i])
        .filter_map(|i| values[i].map(|v| (i, v)))
        .collect();
    if metrics.is_empty() {
        return Err(NO_METRICS.into());
    }
    let requests: Option<Vec<i64>> = match requests {
        Some((resource, r)) => Some(
            r.iter()
                .zip(pods)
                .map(|(v, p)| {
                    v.ok_or_else(|| format!("missing request for {resource} in pod {}", p.name))
                })
                .collect::<Result<_, _>>()?,
        ),
        None => None,
    };
    let ratio = match (target, requests.as_deref()) {
        ((Some(t), _), Some(r)) => Ratio::Utilization {
            target: t,
            requests: r,
        },
        ((_, Some(t)), _) => Ratio::Plain { target: t },
        _ => unreachable!("targets are validated before"),
    };
    let mut out = Proposal {
        ready_pods: Some(g.ready),
        unready: g.unready.clone(),
        missing: g.missing.clone(),
        ignored: g.ignored.clone(),
        ..Proposal::default()
    };
    let compute = |m: &[(usize, i64)]| -> Result<f64, String> {
        match ratio {
            Ratio::Utilization { target, requests } => Ok(resource_ratio(m, requests, target)?.0),
            Ratio::Plain { target } => Ok(usage_ratio(m, target).0),
        }
    };
    let usage = match ratio {
        Ratio::Utilization { target, requests } => {
            let (r, pct, raw) = resource_ratio(&metrics, requests, target)?;
            out.utilization = Some(pct);
            out.average = Some(raw);
            r
        }
        Ratio::Plain { target } => {
            let (r, avg) = usage_ratio(&metrics, target);
            out.average = Some(avg);
            r
        }
    };
    let scale_up_with_unready = !g.unready.is_empty() && usage > 1.0;
    if !scale_up_with_unready && g.missing.is_empty() {
        out.replicas = if tol.within(usage) {
            current
        } else {
            ceil_replicas(usage * g.ready as f64)
        };
        return Ok(out);
    }
    if !g.missing.is_empty() {
        if usage < 1.0 {
            // Scale down: missing pods use 100 % of their request (or the
            // target when above 100 %), or exactly the target value.
            for &i in &g.missing {
                let v = match ratio {
                    Ratio::Utilization { target, requests } => {
                        (i128::from(requests[i]) * i128::from(target.max(100)) / 100) as i64
                    }
                    Ratio::Plain { target } => target,
                };
                metrics.push((i, v));
            }
        } else if usage > 1.0 {
            // Scale up: missing pods use nothing.
            metrics.extend(g.missing.iter().map(|&i| (i, 0)));
        }
    }
    if scale_up_with_unready {
        metrics.extend(g.unready.iter().map(|&i| (i, 0)));
    }
    let new_usage = compute(&metrics)?;
    if tol.within(new_usage) || (usage < 1.0 && new_usage > 1.0) || (usage > 1.0 && new_usage < 1.0)
    {
        out.replicas = current; // too small a change, or the direction flipped
        return Ok(out);
    }
    let new_replicas = ceil_replicas(new_usage * metrics.len() as f64);
    out.replicas = if (new_usage < 1.0 && new_replicas > current)
        || (new_usage > 1.0 && new_replicas < current)
    {
        current
    } else {
        new_replicas
    };
    Ok(out)
}

/// Pods that are running and ready (`getReadyPodsCount`).
fn ready_count(pods: &[Pod]) -> Result<usize, String> {
    if pods.is_empty() {
        return Err(format!("unable to calculate ready pods: {NO_PODS}"));
    }
    Ok(pods
        .iter()
        .filter(|p| p.phase == PodPhase::Running && p.ready == Some(true))
        .count())
}

/// `getUsageRatioReplicaCount`: object and external `value` targets.
fn usage_ratio_replicas(
    current: i32,
    ratio: f64,
    pods: &[Pod],
    tol: Tolerances,
) -> Result<(i32, Option<usize>), String> {
    if current == 0 {
        return Ok((ceil_replicas(ratio), None)); // scale from zero
    }
    if tol.within(ratio) {
        return Ok((current, None));
    }
    let ready = ready_count(pods)?;
    Ok((ceil_replicas(ratio * ready as f64), Some(ready)))
}

/// Object or external metric with a `value` target (`total` summed).
pub(crate) fn value_metric(
    spec_replicas: i32,
    total: i64,
    target: i64,
    pods: &[Pod],
    tol: Tolerances,
) -> Result<Proposal, String> {
    let (replicas, ready) =
        usage_ratio_replicas(spec_replicas, total as f64 / target as f64, pods, tol)?;
    Ok(Proposal {
        replicas,
        value: Some(total),
        ready_pods: ready,
        ..Proposal::default()
    })
}

/// Object or external metric with an `average_value` target
/// (`GetObjectPerPodMetricReplicas`, `GetExternalPerPodMetricReplicas`).
pub(crate) fn per_pod_metric(
    status_replicas: i32,
    total: i64,
    target: i64,
    tol: Tolerances,
) -> Proposal {
    let mut replicas = status_replicas;
    let ratio = total as f64 / (target as f64 * f64::from(status_replicas));
    if !tol.within(ratio) {
        replicas = ceil_replicas(total as f64 / target as f64);
    }
    let average = (status_replicas > 0).then(|| {
        let a = (total as f64 / f64::from(status_replicas)).ceil();
        if a >= i64::MAX as f64 {
            i64::MAX
        } else {
            a as i64
        }
    });
    Proposal {
        replicas,
        average,
        ..Proposal::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tolerance_bounds_are_inclusive() {
        let t = Tolerances { down: 0.1, up: 0.2 };
        assert!(t.within(0.9) && t.within(1.2));
        assert!(!t.within(0.899) && !t.within(1.2001));
    }

    #[test]
    fn integer_division_truncates_like_go() {
        // 95 % of request, target 50: ratio from the truncated percentage.
        let (r, pct, raw) = resource_ratio(&[(0, 950), (1, 951)], &[1000, 1000], 50).expect("ok");
        assert_eq!((pct, raw), (95, 950));
        assert!((r - 1.9).abs() < 1e-12);
        let (r, avg) = usage_ratio(&[(0, 2), (1, 3)], 2);
        assert_eq!(avg, 2);
        assert!((r - 1.0).abs() < 1e-12);
    }

    #[test]
    fn ceil_saturates() {
        assert_eq!(ceil_replicas(1e12), i32::MAX);
        assert_eq!(ceil_replicas(2.000_1), 3);
        assert_eq!(ceil_replicas(f64::NAN), 0);
    }
}
