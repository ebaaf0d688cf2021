//! Support KPIs from ticket records (SLA event logs plus outcome flags).

use std::collections::{BTreeMap, BTreeSet};

use crate::par::*;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{Kpi, KpiResult, KpiTargets};
use crate::error::{Error, Result};
use crate::sla::{SlaEvent, SlaPolicy, TimerState, sla_status};
use crate::stats::{quantile_sorted, ratio};
use crate::types::{Channel, Priority, Tier};

/// One ticket: its SLA event log (as [`crate::sla`] defines it; it must be
/// in time order) plus what the log does not say. Serde form:
/// `{"events": [...], "department": "billing", "agent": "ana",
/// "first_contact_resolution": true, "csat": 5, "automated": false,
/// "self_service": null}`; every field but `events` is optional.
///
/// # Examples
/// ```
/// use opsbrain::kpi::TicketRecord;
/// let t: TicketRecord = serde_json::from_str(r#"{"events": [{"type": "created",
///   "at": "2026-11-02T09:00:00Z", "tier": 1, "priority": "high"}], "csat": 5}"#)?;
/// assert_eq!(t.csat, Some(5));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TicketRecord {
    /// The SLA event log, starting with `created` (which gives the initial
    /// tier, priority and channel).
    pub events: Vec<SlaEvent>,
    /// Department, for grouping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// The agent who resolved it (for agent productivity).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    /// Resolved on first contact (`None`: not recorded, not counted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_contact_resolution: Option<bool>,
    /// CSAT score, 1 to 5 (`None`: no response).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csat: Option<u8>,
    /// Handled by automation.
    #[serde(default)]
    pub automated: bool,
    /// A self-service attempt: `Some(true)` succeeded, `Some(false)` failed,
    /// `None` no attempt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_service: Option<bool>,
}

/// Which clock times are measured on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeBasis {
    /// Wall-clock time from creation (pauses included).
    #[default]
    Calendar,
    /// Business time on the SLA policy's calendars, pauses excluded (the
    /// SLA timers' elapsed time).
    Business,
}

/// Most groups in one [`support_kpis`] report. Each group's report is about
/// 1 KB in Rust and about 29 KB once converted to Python objects, so
/// 200,000 agents (2% of the ticket bound) would pass 4 GB in Python; past
/// this bound the call fails with `limit_exceeded` while grouping.
///
/// # Examples
/// ```
/// assert_eq!(opsbrain::kpi::MAX_KPI_GROUPS, 10_000);
/// ```
pub const MAX_KPI_GROUPS: usize = 10_000;

/// How to split tickets into groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    /// Initial tier (`"1"` to `"4"`).
    Tier,
    /// Channel.
    Channel,
    /// Current priority.
    Priority,
    /// Department (`"none"` when missing).
    Department,
    /// Agent (`"none"` when missing).
    Agent,
    /// UTC month of creation (`"2026-11"`).
    Month,
}

impl GroupBy {
    /// The snake_case name (`"agent"`), as in the serde form.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(opsbrain::kpi::GroupBy::Agent.as_str(), "agent");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            GroupBy::Tier => "tier",
            GroupBy::Channel => "channel",
            GroupBy::Priority => "priority",
            GroupBy::Department => "department",
            GroupBy::Agent => "agent",
            GroupBy::Month => "month",
        }
    }
}

/// Options of [`support_kpis`]. Serde form: every field optional, e.g.
/// `{"since": "2026-11-01T00:00:00Z", "until": "2026-12-01T00:00:00Z",
/// "group_by": "channel", "time_basis": "business"}`.
///
/// # Examples
/// ```
/// use opsbrain::kpi::{GroupBy, SupportKpiOptions};
/// let o = SupportKpiOptions { group_by: Some(GroupBy::Tier), ..Default::default() };
/// assert!(o.since.is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SupportKpiOptions {
    /// Only tickets created at or after this instant.
    #[serde(default, deserialize_with = "crate::input::optional_instant")]
    pub since: Option<DateTime<Utc>>,
    /// Only tickets created before this instant.
    #[serde(default, deserialize_with = "crate::input::optional_instant")]
    pub until: Option<DateTime<Utc>>,
    /// Also report each group.
    pub group_by: Option<GroupBy>,
    /// Calendar or business time.
    pub time_basis: TimeBasis,
    /// Thresholds and targets (the framework's by default).
    pub targets: KpiTargets,
}

/// Percentiles of a set of durations, seconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TimeStats {
    /// How many tickets have a time.
    pub count: usize,
    /// Mean (`None` without data).
    pub mean: Option<f64>,
    /// Median.
    pub p50: Option<f64>,
    /// 90th percentile.
    pub p90: Option<f64>,
    /// 99th percentile.
    pub p99: Option<f64>,
}

/// Share of decided SLA timers that were met.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SlaAttainment {
    /// First-response timers met.
    pub first_response_met: usize,
    /// First-response timers breached (stopped late or running past target).
    pub first_response_breached: usize,
    /// `met / (met + breached)`; running timers within target are undecided.
    pub first_response: Option<f64>,
    /// Resolution timers met.
    pub resolution_met: usize,
    /// Resolution timers breached.
    pub resolution_breached: usize,
    /// `met / (met + breached)`.
    pub resolution: Option<f64>,
}

/// CSAT mean and distribution.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CsatStats {
    /// Tickets with a score.
    pub responses: usize,
    /// Mean score (`None` without responses).
    pub mean: Option<f64>,
    /// How many scored 1, 2, 3, 4 and 5.
    pub distribution: [usize; 5],
}

/// The KPIs of one group of tickets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GroupKpis {
    /// The group (`"all"` for the whole period).
    pub key: String,
    /// Tickets in the group.
    pub tickets: usize,
    /// First-response times.
    pub first_response: TimeStats,
    /// Resolution times of resolved tickets.
    pub resolution: TimeStats,
    /// Resolution times of critical tickets.
    pub resolution_critical: TimeStats,
    /// Resolution times of the other tickets.
    pub resolution_normal: TimeStats,
    /// SLA attainment.
    pub sla: SlaAttainment,
    /// Tickets moved above their initial tier.
    pub escalated: usize,
    /// `escalated / tickets`.
    pub escalation_rate: Option<f64>,
    /// Share resolved on first contact, among tickets where it is recorded.
    pub first_contact_resolution: Option<f64>,
    /// CSAT.
    pub csat: CsatStats,
    /// Share of tickets handled by automation.
    pub automation_rate: Option<f64>,
    /// Self-service attempts.
    pub self_service_attempts: usize,
    /// Share of attempts that succeeded.
    pub self_service_success: Option<f64>,
    /// Resolved tickets with an agent per distinct (agent, UTC day of
    /// resolution).
    pub agent_productivity: Option<f64>,
    /// Every KPI against its threshold and target.
    pub kpis: Vec<KpiResult>,
}

/// The result of [`support_kpis`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SupportReport {
    /// The clock times were measured on.
    pub time_basis: TimeBasis,
    /// All tickets of the period.
    pub overall: GroupKpis,
    /// One entry per group (sorted by key; tiers numerically), empty
    /// without `group_by`.
    pub groups: Vec<GroupKpis>,
}

/// What one ticket contributes.
pub(super) struct Measured {
    pub(super) created: DateTime<Utc>,
    pub(super) tier: Tier,
    pub(super) channel: Channel,
    pub(super) priority: Priority,
    pub(super) first_response: Option<f64>,
    pub(super) resolution: Option<f64>,
    pub(super) resolved_at: Option<DateTime<Utc>>,
    pub(super) fr_met: Option<bool>,
    pub(super) res_met: Option<bool>,
    pub(super) escalated: bool,
}

fn decided(state: TimerState) -> Option<bool> {
    match state {
        TimerState::Met => Some(true),
        TimerState::Breached => Some(false),
        TimerState::Running | TimerState::Paused => None,
    }
}

fn measure(
    policy: &SlaPolicy,
    t: &TicketRecord,
    now: DateTime<Utc>,
    basis: TimeBasis,
) -> Result<Measured> {
    let status = sla_status(policy, &t.events, now)?;
    let Some(SlaEvent::Created {
        at: created,
        tier,
        channel,
        ..
    }) = t.events.first()
    else {
        return Err(Error::invalid_input("the first event must be \"created\""));
    };
    if let Some(c) = t.csat
        && !(1..=5).contains(&c)
    {
        return Err(Error::invalid_input(format!("csat {c} is outside 1..=5")));
    }
    let time = |m: &Option<crate::sla::MetricStatus>| -> Option<f64> {
        let m = m.as_ref()?;
        let stop = m.met_at?;
        Some(match basis {
            TimeBasis::Calendar => (stop - *created).num_seconds() as f64,
            TimeBasis::Business => m.elapsed_secs as f64,
        })
    };
    let escalated = t
        .events
        .iter()
        .any(|e| matches!(e, SlaEvent::Escalated { tier: to, .. } if to > tier));
    Ok(Measured {
        created: *created,
        tier: *tier,
        channel: *channel,
        priority: status.priority,
        first_response: time(&status.first_response),
        resolution: time(&status.resolution),
        resolved_at: status.resolution.as_ref().and_then(|m| m.met_at),
        fr_met: status
            .first_response
            .as_ref()
            .and_then(|m| decided(m.state)),
        res_met: status.resolution.as_ref().and_then(|m| decided(m.state)),
        escalated,
    })
}

/// The stats of `v` and its `kpi_q` quantile (for the KPI rating).
fn time_stats(mut v: Vec<f64>, kpi_q: f64) -> (TimeStats, Option<f64>) {
    v.sort_unstable_by(f64::total_cmp);
    let q = |p: f64| (!v.is_empty()).then(|| quantile_sorted(&v, p));
    let stats = TimeStats {
        count: v.len(),
        mean: ratio(v.iter().sum(), v.len() as f64),
        p50: q(0.5),
        p90: q(0.9),
        p99: q(0.99),
    };
    (stats, q(kpi_q))
}

fn month_key(t: DateTime<Utc>) -> String {
    format!("{:04}-{:02}", t.year(), t.month())
}

fn group_kpis(key: String, rows: &[(&TicketRecord, &Measured)], targets: &KpiTargets) -> GroupKpis {
    let n = rows.len() as f64;
    let collect = |f: &dyn Fn(&Measured) -> Option<f64>| -> Vec<f64> {
        rows.iter().filter_map(|(_, m)| f(m)).collect()
    };
    let q = targets.time_quantile;
    let (first_response, fr_q) = time_stats(collect(&|m| m.first_response), q);
    let (resolution, _) = time_stats(collect(&|m| m.resolution), q);
    let (resolution_critical, crit_q) = time_stats(
        collect(&|m| m.resolution.filter(|_| m.priority == Priority::Critical)),
        q,
    );
    let (resolution_normal, normal_q) = time_stats(
        collect(&|m| m.resolution.filter(|_| m.priority != Priority::Critical)),
        q,
    );
    let count = |f: &dyn Fn(&TicketRecord, &Measured) -> bool| -> usize {
        rows.iter().filter(|(t, m)| f(t, m)).count()
    };
    let fr_met = count(&|_, m| m.fr_met == Some(true));
    let fr_breached = count(&|_, m| m.fr_met == Some(false));
    let res_met = count(&|_, m| m.res_met == Some(true));
    let res_breached = count(&|_, m| m.res_met == Some(false));
    let sla = SlaAttainment {
        first_response_met: fr_met,
        first_response_breached: fr_breached,
        first_response: ratio(fr_met as f64, (fr_met + fr_breached) as f64),
        resolution_met: res_met,
        resolution_breached: res_breached,
        resolution: ratio(res_met as f64, (res_met + res_breached) as f64),
    };
    let escalated = count(&|_, m| m.escalated);
    let fcr_known = count(&|t, _| t.first_contact_resolution.is_some());
    let fcr_yes = count(&|t, _| t.first_contact_resolution == Some(true));
    let mut distribution = [0usize; 5];
    let mut csat_sum = 0.0;
    for (t, _) in rows {
        if let Some(c) = t.csat {
            distribution[usize::from(c - 1)] += 1;
            csat_sum += f64::from(c);
        }
    }
    let responses: usize = distribution.iter().sum();
    let csat = CsatStats {
        responses,
        mean: ratio(csat_sum, responses as f64),
        distribution,
    };
    let attempts = count(&|t, _| t.self_service.is_some());
    let ss_ok = count(&|t, _| t.self_service == Some(true));
    let mut agent_days = BTreeSet::new();
    let mut agent_resolved = 0usize;
    for (t, m) in rows {
        if let (Some(agent), Some(at)) = (&t.agent, m.resolved_at) {
            agent_days.insert((agent.as_str(), at.date_naive()));
            agent_resolved += 1;
        }
    }
    let mut g = GroupKpis {
        key,
        tickets: rows.len(),
        first_response,
        resolution,
        resolution_critical,
        resolution_normal,
        sla,
        escalated,
        escalation_rate: ratio(escalated as f64, n),
        first_contact_resolution: ratio(fcr_yes as f64, fcr_known as f64),
        csat,
        automation_rate: ratio(count(&|t, _| t.automated) as f64, n),
        self_service_attempts: attempts,
        self_service_success: ratio(ss_ok as f64, attempts as f64),
        agent_productivity: ratio(agent_resolved as f64, agent_days.len() as f64),
        kpis: Vec::new(),
    };
    g.kpis = evaluate(&g, targets, [fr_q, crit_q, normal_q]);
    g
}

/// Every KPI of `g`; `times` are the quantiles of first response,
/// critical and normal resolution.
pub(super) fn evaluate(g: &GroupKpis, t: &KpiTargets, times: [Option<f64>; 3]) -> Vec<KpiResult> {
    vec![
        KpiResult::evaluate(Kpi::FirstResponseTime, times[0], t.first_response_secs),
        KpiResult::evaluate(
            Kpi::ResolutionTimeCritical,
            times[1],
            t.resolution_critical_secs,
        ),
        KpiResult::evaluate(
            Kpi::ResolutionTimeNormal,
            times[2],
            t.resolution_normal_secs,
        ),
        KpiResult::evaluate(Kpi::EscalationRate, g.escalation_rate, t.escalation_rate),
        KpiResult::evaluate(
            Kpi::FirstContactResolution,
            g.first_contact_resolution,
            t.first_contact_resolution,
        ),
        KpiResult::evaluate(Kpi::Csat, g.csat.mean, t.csat),
        KpiResult::evaluate(Kpi::AutomationRate, g.automation_rate, t.automation_rate),
        KpiResult::evaluate(
            Kpi::SelfServiceSuccess,
            g.self_service_success,
            t.self_service_success,
        ),
        KpiResult::evaluate(
            Kpi::AgentProductivity,
            g.agent_productivity,
            t.agent_productivity,
        ),
    ]
}

fn check_batch(n: usize) -> Result<()> {
    if n > crate::limits::MAX_BATCH_TICKETS {
        return Err(Error::limit(format!(
            "{n} tickets in one batch; at most {} are allowed",
            crate::limits::MAX_BATCH_TICKETS
        )));
    }
    Ok(())
}

/// Checks the options and measures every ticket (in parallel).
pub(super) fn prepare(
    policy: &SlaPolicy,
    tickets: &[TicketRecord],
    now: DateTime<Utc>,
    options: &SupportKpiOptions,
) -> Result<Vec<Measured>> {
    check_batch(tickets.len())?;
    options.targets.check()?;
    crate::validate::check_instant(now, "now")?;
    if let (Some(since), Some(until)) = (options.since, options.until)
        && since >= until
    {
        return Err(Error::invalid_input(format!(
            "the period is empty: since {since} is not before until {until}"
        )));
    }
    tickets
        .par_iter()
        .enumerate()
        .map(|(i, t)| {
            measure(policy, t, now, options.time_basis).map_err(|e| e.at(format!("tickets[{i}]")))
        })
        .collect::<Result<_>>()
}

/// Whether a ticket was created in the options' period.
pub(super) fn in_period(options: &SupportKpiOptions, m: &Measured) -> bool {
    options.since.is_none_or(|f| m.created >= f) && options.until.is_none_or(|t| m.created < t)
}

/// A ticket's group: (sort key, label); tiers sort numerically.
pub(super) fn group_key(by: GroupBy, t: &TicketRecord, m: &Measured) -> (u8, String) {
    match by {
        GroupBy::Tier => (m.tier.get(), m.tier.to_string()),
        GroupBy::Channel => (0, m.channel.as_str().to_owned()),
        GroupBy::Priority => (0, m.priority.as_str().to_owned()),
        GroupBy::Department => (0, t.department.clone().unwrap_or_else(|| "none".into())),
        GroupBy::Agent => (0, t.agent.clone().unwrap_or_else(|| "none".into())),
        GroupBy::Month => (0, month_key(m.created)),
    }
}

/// Support KPIs of the tickets created in `[since, until)` (all tickets when
/// unbounded), overall and per group: first-response and resolution time
/// percentiles on calendar or business time (from [`sla_status`] at
/// `now`; a time exists once the timer stopped: first response sent, or
/// resolved and not reopened), SLA attainment, escalation rate (a ticket
/// counts when an `escalated` event moves it above its initial tier), FCR,
/// CSAT, automation and self-service rates and agent productivity, each
/// KPI rated against `options.targets`.
///
/// Ticket measurements run in parallel; the result does not depend on the
/// number of threads.
///
/// # Examples
/// ```
/// use chrono::{TimeZone, Utc, TimeDelta};
/// use opsbrain::kpi::{support_kpis, Kpi, KpiStatus, SupportKpiOptions, TicketRecord};
/// use opsbrain::sla::{SlaEvent, SlaPolicy};
/// use opsbrain::{Channel, Priority, Tier};
/// let t0 = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
/// let ticket = |mins: i64, csat: u8| TicketRecord {
///     events: vec![
///         SlaEvent::Created { at: t0, tier: Tier::new(1).unwrap(), priority: Priority::High, channel: Channel::Chat },
///         SlaEvent::FirstResponse { at: t0 + TimeDelta::minutes(mins) },
///     ],
///     department: None, agent: None, first_contact_resolution: Some(true),
///     csat: Some(csat), automated: false, self_service: None,
/// };
/// let tickets = [ticket(4, 5), ticket(8, 4), ticket(12, 5)];
/// let r = support_kpis(&SlaPolicy::builtin(), &tickets, t0 + TimeDelta::hours(1), &SupportKpiOptions::default())?;
/// assert_eq!(r.overall.first_response.p50, Some(480.0));
/// let csat = r.overall.kpis.iter().find(|k| k.kpi == Kpi::Csat).unwrap();
/// assert_eq!(csat.status, KpiStatus::MeetsThreshold); // 4.67: above 4.5, below 4.7
/// # Ok::<(), opsbrain::Error>(())
/// ```
///
/// # Errors
/// `invalid_input` when `since >= until`, when no ticket was created in the
/// period (an empty period), for a bad event log (out of time order, after
/// `now`, ...; naming `tickets[i]`) or a CSAT outside 1..=5;
/// `invalid_config` for bad targets; `limit_exceeded` past
/// [`MAX_BATCH_TICKETS`](crate::limits::MAX_BATCH_TICKETS) or
/// [`MAX_KPI_GROUPS`] groups.
pub fn support_kpis(
    policy: &SlaPolicy,
    tickets: &[TicketRecord],
    now: DateTime<Utc>,
    options: &SupportKpiOptions,
) -> Result<SupportReport> {
    let measured = prepare(policy, tickets, now, options)?;
    let rows: Vec<(&TicketRecord, &Measured)> = tickets
        .iter()
        .zip(&measured)
        .filter(|(_, m)| in_period(options, m))
        .collect();
    if rows.is_empty() {
        return Err(Error::invalid_input(
            "the period is empty: no ticket was created in it",
        ));
    }
    let targets = &options.targets;
    let groups = match options.group_by {
        None => Vec::new(),
        Some(by) => {
            // (sort key, label) -> rows; tiers sort numerically.
            let mut map: BTreeMap<(u8, String), Vec<(&TicketRecord, &Measured)>> = BTreeMap::new();
            for &(t, m) in &rows {
                let key = group_key(by, t, m);
                if map.len() == MAX_KPI_GROUPS && !map.contains_key(&key) {
                    return Err(Error::limit(format!(
                        "more than {MAX_KPI_GROUPS} distinct {} groups; at most {MAX_KPI_GROUPS} are reported (group the tickets more coarsely)",
                        by.as_str()
                    )));
                }
                map.entry(key).or_default().push((t, m));
            }
            map.into_iter()
                .map(|((_, label), g)| group_kpis(label, &g, targets))
                .collect()
        }
    };
    Ok(SupportReport {
        time_basis: options.time_basis,
        overall: group_kpis("all".into(), &rows, targets),
        groups,
    })
}

/// Ticket volume of one UTC month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MonthVolume {
    /// `"2026-11"`.
    pub month: String,
    /// Tickets created in the month.
    pub tickets: usize,
    /// Month-over-month change, `(this - previous) / previous`; `None` for
    /// the first month or after a month without tickets.
    pub change: Option<f64>,
}

/// Monthly ticket volume and the framework's "decreasing monthly" check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VolumeTrend {
    /// Every month from the first ticket's to the last's (months without
    /// tickets included, with 0).
    pub months: Vec<MonthVolume>,
    /// At least two months, each with fewer tickets than the month before.
    pub decreasing_monthly: bool,
}

/// Tickets per UTC month of creation, with month-over-month change and
/// whether volume decreased every month. Only the `created` event of each
/// log is read (the first event).
///
/// # Examples
/// ```
/// use chrono::{TimeZone, Utc};
/// use opsbrain::kpi::{volume_trend, TicketRecord};
/// use opsbrain::sla::SlaEvent;
/// use opsbrain::{Channel, Priority, Tier};
/// let ticket = |m: u32| TicketRecord {
///     events: vec![SlaEvent::Created { at: Utc.with_ymd_and_hms(2026, m, 3, 9, 0, 0).unwrap(),
///         tier: Tier::new(1).unwrap(), priority: Priority::Low, channel: Channel::Email }],
///     department: None, agent: None, first_contact_resolution: None, csat: None,
///     automated: false, self_service: None,
/// };
/// let trend = volume_trend(&[ticket(1), ticket(1), ticket(2)])?;
/// assert_eq!(trend.months[1].change, Some(-0.5));
/// assert!(trend.decreasing_monthly);
/// # Ok::<(), opsbrain::Error>(())
/// ```
///
/// # Errors
/// `invalid_input` when there are no tickets or a log does not start with
/// `created`; `limit_exceeded` past the batch bound.
pub fn volume_trend(tickets: &[TicketRecord]) -> Result<VolumeTrend> {
    check_batch(tickets.len())?;
    let mut counts: BTreeMap<(i32, u32), usize> = BTreeMap::new();
    for (i, t) in tickets.iter().enumerate() {
        let Some(SlaEvent::Created { at, .. }) = t.events.first() else {
            return Err(Error::invalid_input(format!(
                "tickets[{i}]: the first event must be \"created\""
            )));
        };
        crate::validate::check_instant(*at, "created")?;
        *counts.entry((at.year(), at.month())).or_default() += 1;
    }
    let (Some((&first, _)), Some((&last, _))) = (counts.first_key_value(), counts.last_key_value())
    else {
        return Err(Error::invalid_input(
            "no tickets: a trend needs at least one",
        ));
    };
    let mut months = Vec::new();
    let mut ym = first;
    let mut prev: Option<usize> = None;
    loop {
        let n = counts.get(&ym).copied().unwrap_or(0);
        let change = prev.and_then(|p| ratio(n as f64 - p as f64, p as f64));
        let label = NaiveDate::from_ymd_opt(ym.0, ym.1, 1).map_or_else(
            || format!("{:04}-{:02}", ym.0, ym.1),
            |d| d.format("%Y-%m").to_string(),
        );
        months.push(MonthVolume {
            month: label,
            tickets: n,
            change,
        });
        prev = Some(n);
        if ym == last {
            break;
        }
        ym = if ym.1 == 12 {
            (ym.0 + 1, 1)
        } else {
            (ym.0, ym.1 + 1)
        };
    }
    let decreasing_monthly =
        months.len() >= 2 && months.windows(2).all(|w| w[1].tickets < w[0].tickets);
    Ok(VolumeTrend {
        months,
        decreasing_monthly,
    })
}
