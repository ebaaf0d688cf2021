//! User-journey funnels: completion, per-step conversion and drop-off,
//! time between steps and friction points.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::stats::{median, ratio};

/// Most events in one funnel computation.
pub const MAX_JOURNEY_EVENTS: usize = 50_000_000;

/// Most journeys in one computation.
pub const MAX_JOURNEYS: usize = 1_000;

/// Most steps in one journey.
pub const MAX_JOURNEY_STEPS: usize = 100;

/// One step event. Serde form: `{"user": "u1", "journey":
/// "user_login_to_dashboard", "step": "login_page", "at":
/// "2026-11-02T09:00:00Z", "outcome": "success"}`; `outcome` defaults to
/// `"success"`, and any other value (e.g. `"error"`, `"timeout"`) names
/// what went wrong at that step: the step is not reached by that event.
///
/// # Examples
/// ```
/// use opsbrain::kpi::JourneyEvent;
/// let e: JourneyEvent = serde_json::from_str(r#"{"user": "u1", "journey": "report_generation",
///   "step": "report_requested", "at": "2026-11-02T09:00:00Z"}"#)?;
/// assert_eq!(e.outcome, "success");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JourneyEvent {
    /// Who.
    pub user: String,
    /// Which journey.
    pub journey: String,
    /// Which step of it.
    pub step: String,
    /// When.
    #[serde(deserialize_with = "crate::input::instant")]
    pub at: DateTime<Utc>,
    /// `"success"`, or what went wrong.
    #[serde(default = "success")]
    pub outcome: String,
}

fn success() -> String {
    SUCCESS.to_owned()
}

const SUCCESS: &str = "success";

/// A journey: its name and its steps in order.
///
/// # Examples
/// ```
/// use opsbrain::kpi::JourneyDef;
/// let j = JourneyDef::framework();
/// assert_eq!(j[0].name, "user_login_to_dashboard");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JourneyDef {
    /// The journey's name.
    pub name: String,
    /// Step names, in order (the first starts the journey).
    pub steps: Vec<String>,
}

impl JourneyDef {
    /// The framework's five journeys with default step names:
    /// `user_login_to_dashboard` (login_page, credentials_submitted,
    /// authenticated, dashboard_loaded), `document_upload_to_analysis`
    /// (upload_started, upload_completed, processing, analysis_ready),
    /// `quickbooks_sync_process` (sync_requested, authorized, data_fetched,
    /// sync_completed), `report_generation` (report_requested,
    /// report_configured, report_rendered, report_downloaded) and
    /// `workflow_execution` (workflow_started, steps_executed,
    /// workflow_completed). Replace the steps with your own event names.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(opsbrain::kpi::JourneyDef::builtin().len(), 5);
    /// ```
    pub fn builtin() -> Vec<JourneyDef> {
        Self::framework()
    }

    /// The same as [`Self::builtin`] (its name before every built-in
    /// default was called `builtin()`; kept so existing code still builds).
    ///
    /// ```
    /// use opsbrain::kpi::JourneyDef;
    /// assert_eq!(JourneyDef::framework(), JourneyDef::builtin());
    /// ```
    pub fn framework() -> Vec<JourneyDef> {
        let def = |name: &str, steps: &[&str]| JourneyDef {
            name: name.to_owned(),
            steps: steps.iter().map(|s| (*s).to_owned()).collect(),
        };
        vec![
            def(
                "user_login_to_dashboard",
                &[
                    "login_page",
                    "credentials_submitted",
                    "authenticated",
                    "dashboard_loaded",
                ],
            ),
            def(
                "document_upload_to_analysis",
                &[
                    "upload_started",
                    "upload_completed",
                    "processing",
                    "analysis_ready",
                ],
            ),
            def(
                "quickbooks_sync_process",
                &[
                    "sync_requested",
                    "authorized",
                    "data_fetched",
                    "sync_completed",
                ],
            ),
            def(
                "report_generation",
                &[
                    "report_requested",
                    "report_configured",
                    "report_rendered",
                    "report_downloaded",
                ],
            ),
            def(
                "workflow_execution",
                &["workflow_started", "steps_executed", "workflow_completed"],
            ),
        ]
    }
}

/// Options of [`journey_funnels`]. Serde form: every field optional.
///
/// # Examples
/// ```
/// let o = opsbrain::kpi::FunnelOptions::default();
/// assert_eq!((o.attribution_window_secs, o.min_completion, o.max_step_drop_off), (86_400, 0.95, 0.10));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct FunnelOptions {
    /// How long after starting a journey (its first step) later steps still
    /// count for that attempt, seconds (default one day).
    pub attribution_window_secs: i64,
    /// A journey completing less often is flagged (the framework's 0.95).
    pub min_completion: f64,
    /// A step losing more than this share of the users who reached the step
    /// before is a friction point (the framework's 0.10).
    pub max_step_drop_off: f64,
}

impl Default for FunnelOptions {
    fn default() -> Self {
        FunnelOptions {
            attribution_window_secs: 86_400,
            min_completion: 0.95,
            max_step_drop_off: 0.10,
        }
    }
}

/// One step of a funnel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StepStats {
    /// The step.
    pub step: String,
    /// Users who reached it.
    pub users: usize,
    /// `users / users of the step before` (1 for the first step; `None`
    /// when nobody reached the step before).
    pub conversion: Option<f64>,
    /// `1 - conversion`.
    pub drop_off: Option<f64>,
    /// Users who reached the step before but not this one.
    pub users_lost: usize,
    /// Median time from the step before, seconds (`None` for the first step
    /// or without data).
    pub median_secs_from_previous: Option<f64>,
    /// The most frequent failure outcome of the users lost here (ties: the
    /// first alphabetically); `"drop_off"` when they left without one.
    pub top_issue: Option<String>,
}

/// One journey's funnel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct JourneyFunnel {
    /// The journey.
    pub journey: String,
    /// Users who reached the first step.
    pub started: usize,
    /// Users who reached the last step.
    pub completed: usize,
    /// `completed / started` (`None` when nobody started).
    pub completion_rate: Option<f64>,
    /// Median time from first to last step of completed journeys, seconds.
    pub median_completion_secs: Option<f64>,
    /// Per-step figures, in order.
    pub steps: Vec<StepStats>,
}

/// Why a friction point was flagged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FrictionReason {
    /// The step's drop-off is above `max_step_drop_off`.
    StepDropOff,
    /// The journey completes below `min_completion` and no step crosses the
    /// drop-off bound: the step losing most users is flagged.
    LowCompletion,
}

/// A step where users are lost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FrictionPoint {
    /// The journey.
    pub journey: String,
    /// The step.
    pub step: String,
    /// Why it was flagged.
    pub reason: FrictionReason,
    /// The step's top issue (`"drop_off"` without failure outcomes).
    pub issue: String,
    /// Users lost at the step.
    pub users_lost: usize,
    /// The step's drop-off.
    pub drop_off: f64,
    /// Impact: users lost as a share of the users who started the journey.
    pub impact: f64,
}

/// The result of [`journey_funnels`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FunnelReport {
    /// One funnel per journey, in the order given.
    pub journeys: Vec<JourneyFunnel>,
    /// Friction points, most users lost first (then journey order, step order).
    pub friction_points: Vec<FrictionPoint>,
    /// Events whose journey or step is not defined (ignored).
    pub unmatched_events: usize,
}

/// A user's furthest attempt: steps reached, when, and the failure
/// outcome last seen at the step where it stopped.
#[derive(Default)]
struct Attempt<'e> {
    start: Option<DateTime<Utc>>,
    times: Vec<DateTime<Utc>>,
    failure: Option<&'e str>,
}

/// Keeps `cur` if it got further than `best`, and starts afresh.
fn finish<'e>(cur: &mut Attempt<'e>, best: &mut Attempt<'e>) {
    if cur.times.len() > best.times.len() {
        *best = std::mem::take(cur);
    }
    *cur = Attempt::default();
}

fn check(journeys: &[JourneyDef], o: &FunnelOptions) -> Result<()> {
    if journeys.len() > MAX_JOURNEYS {
        return Err(Error::limit(format!(
            "{} journeys; at most {MAX_JOURNEYS} are allowed",
            journeys.len()
        )));
    }
    let mut names = std::collections::HashSet::new();
    for (i, j) in journeys.iter().enumerate() {
        crate::validate::check_name(&format!("journeys[{i}].name"), &j.name)?;
        if !names.insert(j.name.as_str()) {
            return Err(Error::invalid_config(format!(
                "journeys[{i}]: journey {:?} is defined twice",
                j.name
            )));
        }
        if j.steps.is_empty() || j.steps.len() > MAX_JOURNEY_STEPS {
            return Err(Error::invalid_config(format!(
                "journeys[{i}]: {} steps; a journey needs 1 to {MAX_JOURNEY_STEPS}",
                j.steps.len()
            )));
        }
        let mut steps = std::collections::HashSet::new();
        for (k, s) in j.steps.iter().enumerate() {
            crate::validate::check_name(&format!("journeys[{i}].steps[{k}]"), s)?;
            if !steps.insert(s.as_str()) {
                return Err(Error::invalid_config(format!(
                    "journeys[{i}].steps[{k}]: step {s:?} appears twice"
                )));
            }
        }
    }
    if o.attribution_window_secs <= 0 {
        return Err(Error::invalid_config(format!(
            "attribution_window_secs {} must be positive",
            o.attribution_window_secs
        )));
    }
    for (name, v) in [
        ("min_completion", o.min_completion),
        ("max_step_drop_off", o.max_step_drop_off),
    ] {
        if !(0.0..=1.0).contains(&v) {
            return Err(Error::invalid_config(format!(
                "{name} {v} is outside [0, 1]"
            )));
        }
    }
    Ok(())
}

/// Funnels of user journeys from step events.
///
/// Events may come in any order: they are sorted by time (stably, so
/// events at the same instant keep their input order). Each user is
/// counted once per journey, at their furthest attempt: an attempt starts
/// at a successful first-step event and collects the following steps in
/// order while they fall within the attribution window of its start; a
/// repeated step is counted once, a step out of order is skipped, and a
/// user who abandons and returns within the window continues the same
/// attempt. After the window (or a completed journey) the next first-step
/// event starts a new attempt. Times between steps are taken from each
/// user's furthest attempt (the earliest of equally far ones).
///
/// # Examples
/// A funnel where the second step loses 30 % of users.
/// ```
/// use chrono::{TimeDelta, TimeZone, Utc};
/// use opsbrain::kpi::{journey_funnels, FunnelOptions, JourneyDef, JourneyEvent};
/// let j = JourneyDef { name: "report_generation".into(), steps: vec!["requested".into(), "rendered".into()] };
/// let t0 = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
/// let mut events = Vec::new();
/// for u in 0..10 {
///     let ev = |step: &str, mins| JourneyEvent { user: format!("u{u}"), journey: j.name.clone(),
///         step: step.into(), at: t0 + TimeDelta::minutes(mins), outcome: "success".into() };
///     events.push(ev("requested", 0));
///     if u < 7 { events.push(ev("rendered", 2)); }
/// }
/// let r = journey_funnels(&events, &[j], &FunnelOptions::default())?;
/// assert_eq!(r.journeys[0].completion_rate, Some(0.7));
/// assert_eq!(r.friction_points[0].users_lost, 3);
/// # Ok::<(), opsbrain::Error>(())
/// ```
///
/// # Errors
/// `invalid_config` for journeys without steps or with duplicate names or
/// steps, or options out of range (a window that is not positive);
/// `invalid_input` for an instant outside the supported years;
/// `limit_exceeded` past [`MAX_JOURNEY_EVENTS`], [`MAX_JOURNEYS`] or
/// [`MAX_JOURNEY_STEPS`].
pub fn journey_funnels(
    events: &[JourneyEvent],
    journeys: &[JourneyDef],
    options: &FunnelOptions,
) -> Result<FunnelReport> {
    if events.len() > MAX_JOURNEY_EVENTS {
        return Err(Error::limit(format!(
            "{} events; at most {MAX_JOURNEY_EVENTS} are allowed",
            events.len()
        )));
    }
    check(journeys, options)?;
    let window = TimeDelta::seconds(options.attribution_window_secs);
    let index: HashMap<&str, (usize, HashMap<&str, usize>)> = journeys
        .iter()
        .enumerate()
        .map(|(j, d)| {
            let steps = d
                .steps
                .iter()
                .enumerate()
                .map(|(k, s)| (s.as_str(), k))
                .collect();
            (d.name.as_str(), (j, steps))
        })
        .collect();
    // (journey, user, at, input index, step, event)
    let mut rows = Vec::with_capacity(events.len());
    let mut unmatched = 0usize;
    for (i, e) in events.iter().enumerate() {
        crate::validate::check_instant(e.at, &format!("events[{i}].at"))?;
        match index
            .get(e.journey.as_str())
            .and_then(|(j, steps)| Some((*j, *steps.get(e.step.as_str())?)))
        {
            Some((j, k)) => rows.push((j, e.user.as_str(), e.at, i, k, e)),
            None => unmatched += 1,
        }
    }
    rows.sort_unstable_by(|a, b| (a.0, a.1, a.2, a.3).cmp(&(b.0, b.1, b.2, b.3)));

    // Per journey: users reaching each step, step durations, losses by issue.
    struct Acc<'e> {
        reached: Vec<usize>,
        gaps: Vec<Vec<f64>>,
        issues: Vec<BTreeMap<&'e str, usize>>,
        completion: Vec<f64>,
    }
    let mut acc: Vec<Acc<'_>> = journeys
        .iter()
        .map(|d| Acc {
            reached: vec![0; d.steps.len()],
            gaps: vec![Vec::new(); d.steps.len()],
            issues: vec![BTreeMap::new(); d.steps.len()],
            completion: Vec::new(),
        })
        .collect();
    let mut start = 0;
    while start < rows.len() {
        let (j, user) = (rows[start].0, rows[start].1);
        let mut end = start;
        while end < rows.len() && rows[end].0 == j && rows[end].1 == user {
            end += 1;
        }
        let n_steps = journeys[j].steps.len();
        let mut best = Attempt::default();
        let mut cur = Attempt::default();
        for &(_, _, at, _, k, e) in &rows[start..end] {
            if cur.start.is_some_and(|s| at > s + window) {
                finish(&mut cur, &mut best);
            }
            let ok = e.outcome == SUCCESS;
            if cur.start.is_none() {
                if k == 0 && ok {
                    cur.start = Some(at);
                    cur.times.push(at);
                    if n_steps == 1 {
                        finish(&mut cur, &mut best);
                    }
                }
                continue;
            }
            if k == cur.times.len() {
                if ok {
                    cur.times.push(at);
                    cur.failure = None;
                    if cur.times.len() == n_steps {
                        finish(&mut cur, &mut best);
                    }
                } else {
                    cur.failure = Some(e.outcome.as_str());
                }
            }
        }
        finish(&mut cur, &mut best);
        let a = &mut acc[j];
        let depth = best.times.len();
        for k in 0..depth {
            a.reached[k] += 1;
            if k > 0 {
                a.gaps[k].push((best.times[k] - best.times[k - 1]).num_seconds() as f64);
            }
        }
        if depth == n_steps {
            a.completion
                .push((best.times[depth - 1] - best.times[0]).num_seconds() as f64);
        } else if depth > 0 {
            *a.issues[depth]
                .entry(best.failure.unwrap_or("drop_off"))
                .or_default() += 1;
        }
        start = end;
    }

    let mut out = Vec::with_capacity(journeys.len());
    let mut friction = Vec::new();
    for (j, (d, mut a)) in journeys.iter().zip(acc).enumerate() {
        let started = a.reached[0];
        let completed = a.reached[a.reached.len() - 1];
        let mut steps = Vec::with_capacity(d.steps.len());
        for (k, name) in d.steps.iter().enumerate() {
            let prev = if k == 0 {
                a.reached[0]
            } else {
                a.reached[k - 1]
            };
            let conversion = ratio(a.reached[k] as f64, prev as f64);
            // Most users first, then alphabetical (the map is sorted by issue).
            let top_issue = a.issues[k]
                .iter()
                .max_by(|x, y| x.1.cmp(y.1).then(y.0.cmp(x.0)))
                .map(|(issue, _)| (*issue).to_owned());
            steps.push(StepStats {
                step: name.clone(),
                users: a.reached[k],
                conversion,
                drop_off: conversion.map(|c| 1.0 - c),
                users_lost: prev - a.reached[k],
                median_secs_from_previous: if k == 0 { None } else { median(&mut a.gaps[k]) },
                top_issue,
            });
        }
        let completion_rate = ratio(completed as f64, started as f64);
        let point = |s: &StepStats, reason| FrictionPoint {
            journey: d.name.clone(),
            step: s.step.clone(),
            reason,
            issue: s.top_issue.clone().unwrap_or_else(|| "drop_off".to_owned()),
            users_lost: s.users_lost,
            drop_off: s.drop_off.unwrap_or(0.0),
            impact: s.users_lost as f64 / started.max(1) as f64,
        };
        let mut flagged: Vec<(usize, usize, FrictionPoint)> = steps
            .iter()
            .enumerate()
            .filter(|(_, s)| s.drop_off.is_some_and(|x| x > options.max_step_drop_off))
            .map(|(k, s)| (j, k, point(s, FrictionReason::StepDropOff)))
            .collect();
        if flagged.is_empty()
            && completion_rate.is_some_and(|c| c < options.min_completion)
            && let Some((k, s)) = steps
                .iter()
                .enumerate()
                .filter(|(_, s)| s.users_lost > 0)
                .max_by(|x, y| x.1.users_lost.cmp(&y.1.users_lost).then(y.0.cmp(&x.0)))
        {
            flagged.push((j, k, point(s, FrictionReason::LowCompletion)));
        }
        friction.extend(flagged);
        out.push(JourneyFunnel {
            journey: d.name.clone(),
            started,
            completed,
            completion_rate,
            median_completion_secs: median(&mut a.completion),
            steps,
        });
    }
    friction.sort_by(|a, b| {
        b.2.users_lost
            .cmp(&a.2.users_lost)
            .then(a.0.cmp(&b.0))
            .then(a.1.cmp(&b.1))
    });
    Ok(FunnelReport {
        journeys: out,
        friction_points: friction.into_iter().map(|(_, _, p)| p).collect(),
        unmatched_events: unmatched,
    })
}
