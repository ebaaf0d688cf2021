//! Request bounds and validation, and Kubernetes' milli-value arithmetic.

use super::*;

/// Most pods in one request.
pub const MAX_PODS: usize = 100_000;
/// Most metrics in one request.
pub const MAX_METRICS: usize = 100;
/// Most recommendations or scale events (each list) in one request.
pub const MAX_HISTORY: usize = 100_000;
/// Largest value accepted in natural units (1e15).
pub const MAX_VALUE: f64 = 1e15;

/// Largest duration setting (one day) and stabilization window (one hour).
pub(crate) const MAX_SETTING_SECS: i64 = 86_400;

pub(crate) fn bad(msg: impl Into<String>) -> Error {
    Error::invalid_input(msg)
}

/// `x` (natural unit) as a milli-value: `x` for CPU, `x * 1000` otherwise,
/// rounded up (with a tolerance for binary fractions like 8.6 * 1000).
pub(crate) fn milli(x: f64, cpu: bool, what: &str) -> Result<i64> {
    milli_at(x, cpu, || what.to_owned())
}

/// As [`milli`], naming the value only when it is bad (no allocation per pod).
pub(crate) fn milli_at(x: f64, cpu: bool, what: impl FnOnce() -> String) -> Result<i64> {
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

pub(crate) fn natural(m: i64, cpu: bool) -> f64 {
    if cpu { m as f64 } else { m as f64 / 1000.0 }
}

pub(crate) fn secs(v: Option<i64>, default: i64, what: &str) -> Result<TimeDelta> {
    let s = v.unwrap_or(default);
    if !(0..=MAX_SETTING_SECS).contains(&s) {
        return Err(Error::invalid_config(format!(
            "{what} must be in 0..={MAX_SETTING_SECS} seconds, got {s}"
        )));
    }
    Ok(TimeDelta::seconds(s))
}

pub(crate) fn check_tolerance(t: f64, what: &str) -> Result<f64> {
    if t.is_finite() && (0.0..=1000.0).contains(&t) {
        Ok(t)
    } else {
        Err(Error::invalid_config(format!(
            "{what} must be in [0, 1000], got {t}"
        )))
    }
}

pub(crate) fn check_rules(r: &ScalingRules, what: &str) -> Result<()> {
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
pub(crate) fn validate(req: &HpaRequest) -> Result<()> {
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
