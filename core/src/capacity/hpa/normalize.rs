//! Normalization of the metrics' proposal (Kubernetes `horizontal.go`):
//! the legacy path (300 s downscale stabilization, scale-up limit of
//! `max(2 * current, 4)`) and the `behavior` path (per-direction
//! stabilization windows and rate-limit policies).

use chrono::{DateTime, TimeDelta, Utc};

use super::types::{
    PolicyType, ScaleEvent, ScalingPolicy, ScalingRules, SelectPolicy, TimedRecommendation,
};

/// A direction's rules with the Kubernetes defaults filled in.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Rules {
    pub window_secs: i32,
    pub select: SelectPolicy,
    pub policies: Vec<ScalingPolicy>,
}

impl Rules {
    /// `SetDefaults_HorizontalPodAutoscalerBehavior` (+ the controller's
    /// downscale window for an unset scale-down window).
    pub(crate) fn resolve(rules: Option<&ScalingRules>, up: bool, downscale_window: i32) -> Rules {
        let p = |kind, value| ScalingPolicy {
            kind,
            value,
            period_secs: 15,
        };
        let default_policies = if up {
            vec![p(PolicyType::Pods, 4), p(PolicyType::Percent, 100)]
        } else {
            vec![p(PolicyType::Percent, 100)]
        };
        let r = rules.cloned().unwrap_or_default();
        Rules {
            window_secs: r.stabilization_window_secs.unwrap_or(if up {
                0
            } else {
                downscale_window
            }),
            select: r.select_policy.unwrap_or_default(),
            policies: r.policies.unwrap_or(default_policies),
        }
    }
}

/// Result of a normalization: replicas, AbleToScale and ScalingLimited reasons.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Normalized {
    pub replicas: i32,
    pub able_to_scale: &'static str,
    pub limited_by: &'static str,
    pub limited: bool,
}

/// Records `desired` at `now`, reusing the slot of the last entry `old`
/// says is obsolete.
fn record(
    recs: &mut Vec<TimedRecommendation>,
    old: Option<usize>,
    desired: i32,
    now: DateTime<Utc>,
) {
    let rec = TimedRecommendation {
        at: now,
        replicas: desired,
    };
    match old {
        Some(i) => recs[i] = rec,
        None => recs.push(rec),
    }
}

/// `stabilizeRecommendation`: the highest recommendation of the window.
fn stabilize(
    recs: &mut Vec<TimedRecommendation>,
    now: DateTime<Utc>,
    window: TimeDelta,
    desired: i32,
) -> i32 {
    let cutoff = now - window;
    let mut best = desired;
    let mut old = None;
    for (i, r) in recs.iter().enumerate() {
        if r.at < cutoff {
            old = Some(i);
        } else if r.replicas > best {
            best = r.replicas;
        }
    }
    record(recs, old, desired, now);
    best
}

/// `calculateScaleUpLimit`.
fn scale_up_limit(current: i32) -> i32 {
    (2.0 * f64::from(current)).max(4.0) as i32
}

/// `convertDesiredReplicasWithRules`.
fn convert_with_rules(current: i32, desired: i32, min: i32, max: i32) -> (i32, &'static str) {
    let limit = scale_up_limit(current);
    let (max_allowed, cond) = if max > limit {
        (limit, "ScaleUpLimit")
    } else {
        (max, "TooManyReplicas")
    };
    if desired < min {
        (min, "TooFewReplicas")
    } else if desired > max_allowed {
        (max_allowed, cond)
    } else {
        (desired, "DesiredWithinRange")
    }
}

/// `normalizeDesiredReplicas` (no `behavior`).
pub(crate) fn legacy(
    recs: &mut Vec<TimedRecommendation>,
    now: DateTime<Utc>,
    window: TimeDelta,
    current: i32,
    desired: i32,
    (min, max): (i32, i32),
) -> Normalized {
    let stabilized = stabilize(recs, now, window, desired);
    let able_to_scale = if stabilized == desired {
        "ReadyForNewScale"
    } else {
        "ScaleDownStabilized"
    };
    let (replicas, limited_by) = convert_with_rules(current, stabilized, min, max);
    Normalized {
        replicas,
        able_to_scale,
        limited_by,
        limited: replicas != stabilized,
    }
}

/// `stabilizeRecommendationWithBehaviors`.
fn stabilize_with_behaviors(
    recs: &mut Vec<TimedRecommendation>,
    now: DateTime<Utc>,
    current: i32,
    desired: i32,
    up: &Rules,
    down: &Rules,
) -> (i32, &'static str) {
    let up_cutoff = now - TimeDelta::seconds(i64::from(up.window_secs));
    let down_cutoff = now - TimeDelta::seconds(i64::from(down.window_secs));
    let (mut up_rec, mut down_rec) = (desired, desired);
    let mut old = None;
    for (i, r) in recs.iter().enumerate() {
        if r.at > up_cutoff {
            up_rec = up_rec.min(r.replicas);
        }
        if r.at > down_cutoff {
            down_rec = down_rec.max(r.replicas);
        }
        if r.at < up_cutoff && r.at < down_cutoff {
            old = Some(i);
        }
    }
    let mut rec = current;
    if rec < up_rec {
        rec = up_rec;
    }
    if rec > down_rec {
        rec = down_rec;
    }
    record(recs, old, desired, now);
    let reason = if desired >= current {
        "ScaleUpStabilized"
    } else {
        "ScaleDownStabilized"
    };
    (rec, reason)
}

/// `getReplicasChangePerPeriod`: changes strictly after `now - period`.
fn change_in_period(now: DateTime<Utc>, period_secs: i32, events: &[ScaleEvent]) -> i64 {
    let cutoff = now - TimeDelta::seconds(i64::from(period_secs));
    events
        .iter()
        .filter(|e| e.at > cutoff)
        .map(|e| i64::from(e.change))
        .sum()
}

/// Replicas at the start of a policy's period.
fn period_start(now: DateTime<Utc>, current: i32, p: &ScalingPolicy, ev: &Events<'_>) -> i64 {
    i64::from(current) - change_in_period(now, p.period_secs, ev.up)
        + change_in_period(now, p.period_secs, ev.down)
}

fn to_i32(v: i64) -> i32 {
    v.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32
}

/// The scale events a rate limit looks at.
pub(crate) struct Events<'a> {
    pub up: &'a [ScaleEvent],
    pub down: &'a [ScaleEvent],
}

/// `calculateScaleUpLimitWithScalingRules`.
fn scale_up_limit_with_rules(now: DateTime<Utc>, current: i32, ev: &Events<'_>, r: &Rules) -> i32 {
    let (mut result, pick): (i64, fn(i64, i64) -> i64) = match r.select {
        SelectPolicy::Disabled => return current,
        SelectPolicy::Min => (i64::from(i32::MAX), i64::min),
        SelectPolicy::Max => (i64::from(i32::MIN), i64::max),
    };
    for p in &r.policies {
        let start = period_start(now, current, p, ev);
        let proposed = match p.kind {
            PolicyType::Pods => start + i64::from(p.value),
            PolicyType::Percent => {
                (start as f64 * (1.0 + f64::from(p.value) / 100.0)).ceil() as i64
            }
        };
        result = pick(result, proposed);
    }
    to_i32(result)
}

/// `calculateScaleDownLimitWithBehaviors`.
fn scale_down_limit_with_rules(
    now: DateTime<Utc>,
    current: i32,
    ev: &Events<'_>,
    r: &Rules,
) -> i32 {
    let (mut result, pick): (i64, fn(i64, i64) -> i64) = match r.select {
        SelectPolicy::Disabled => return current,
        SelectPolicy::Min => (i64::from(i32::MIN), i64::max),
        SelectPolicy::Max => (i64::from(i32::MAX), i64::min),
    };
    for p in &r.policies {
        let start = period_start(now, current, p, ev);
        let proposed = match p.kind {
            PolicyType::Pods => start - i64::from(p.value),
            PolicyType::Percent => (start as f64 * (1.0 - f64::from(p.value) / 100.0)) as i64,
        };
        result = pick(result, proposed);
    }
    to_i32(result)
}

/// `normalizeDesiredReplicasWithBehaviors`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn with_behaviors(
    recs: &mut Vec<TimedRecommendation>,
    now: DateTime<Utc>,
    current: i32,
    desired: i32,
    (min, max): (i32, i32),
    up: &Rules,
    down: &Rules,
    ev: &Events<'_>,
) -> Normalized {
    let (stabilized, reason) = stabilize_with_behaviors(recs, now, current, desired, up, down);
    let able_to_scale = if stabilized == desired {
        "ReadyForNewScale"
    } else {
        reason
    };
    let (replicas, limited_by) = if stabilized > current {
        let limit = scale_up_limit_with_rules(now, current, ev, up).max(current);
        let (allowed, cond) = if max > limit {
            (limit, "ScaleUpLimit")
        } else {
            (max, "TooManyReplicas")
        };
        if stabilized > allowed {
            (allowed, cond)
        } else {
            (stabilized, "DesiredWithinRange")
        }
    } else if stabilized < current {
        let limit = scale_down_limit_with_rules(now, current, ev, down).min(current);
        let (allowed, cond) = if min < limit {
            (limit, "ScaleDownLimit")
        } else {
            (min, "TooFewReplicas")
        };
        if stabilized < allowed {
            (allowed, cond)
        } else {
            (stabilized, "DesiredWithinRange")
        }
    } else {
        (stabilized, "DesiredWithinRange")
    };
    Normalized {
        replicas,
        able_to_scale,
        limited_by,
        limited: replicas != stabilized,
    }
}

/// `storeScaleEvent`: marks events older than the direction's longest
/// policy period outdated, then stores the change in the last outdated
/// slot (or appends it).
pub(crate) fn store_event(
    events: &mut Vec<ScaleEvent>,
    rules: &Rules,
    now: DateTime<Utc>,
    change: i32,
) {
    let longest = rules
        .policies
        .iter()
        .map(|p| p.period_secs)
        .max()
        .unwrap_or(0)
        .max(0);
    let cutoff = now - TimeDelta::seconds(i64::from(longest));
    let mut slot = None;
    for (i, e) in events.iter_mut().enumerate() {
        if e.at < cutoff {
            e.outdated = true;
        }
        if e.outdated {
            slot = Some(i);
        }
    }
    let ev = ScaleEvent {
        at: now,
        change,
        outdated: false,
    };
    match slot {
        Some(i) => events[i] = ev,
        None => events.push(ev),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000 + secs, 0).expect("valid")
    }

    #[test]
    fn legacy_scale_up_limit_is_twice_current_or_four() {
        assert_eq!(scale_up_limit(1), 4);
        assert_eq!(scale_up_limit(3), 6);
        assert_eq!(convert_with_rules(3, 20, 1, 100), (6, "ScaleUpLimit"));
        assert_eq!(convert_with_rules(3, 20, 1, 5), (5, "TooManyReplicas"));
        assert_eq!(convert_with_rules(3, 0, 2, 5), (2, "TooFewReplicas"));
    }

    #[test]
    fn stabilization_keeps_the_highest_recent_and_reuses_old_slots() {
        let mut recs = vec![
            TimedRecommendation {
                at: t(-400),
                replicas: 9,
            },
            TimedRecommendation {
                at: t(-200),
                replicas: 7,
            },
        ];
        let best = stabilize(&mut recs, t(0), TimeDelta::seconds(300), 3);
        assert_eq!(best, 7);
        assert_eq!(
            recs[0],
            TimedRecommendation {
                at: t(0),
                replicas: 3
            }
        );
        assert_eq!(recs.len(), 2);
    }

    #[test]
    fn store_event_reuses_the_last_outdated_slot() {
        let rules = Rules::resolve(None, true, 300);
        let e = |at, change| ScaleEvent {
            at: t(at),
            change,
            outdated: false,
        };
        let mut events = vec![e(-100, 1), e(-60, 2), e(-5, 3)];
        store_event(&mut events, &rules, t(0), 4);
        assert_eq!(events.len(), 3);
        assert!(events[0].outdated);
        assert_eq!(
            (events[1].at, events[1].change, events[1].outdated),
            (t(0), 4, false)
        );
    }
}
