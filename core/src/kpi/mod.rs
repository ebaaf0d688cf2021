//! KPIs and SLOs: support quality, uptime and error budgets with burn-rate
//! alerts, and user-journey funnels.
//!
//! - [`support_kpis`]: first-response and resolution percentiles (calendar
//!   or business time, from the SLA timers of [`crate::sla`]), SLA
//!   attainment, escalation rate, first-contact resolution, CSAT, automation
//!   and self-service rates and agent productivity, for a period and a
//!   grouping, each KPI reported against the framework's threshold and
//!   target ([`KpiTargets`]); [`volume_trend`] for month-over-month volume.
//!   [`support_kpis_partial`] computes them per partition of the tickets
//!   as a mergeable [`SupportPartial`] (counts exact, percentiles sketched).
//! - [`error_budget`]: availability and the error budget of an SLO over a
//!   rolling window, from good/total counts per interval ([`CountSeries`]);
//!   [`burn_rate_alerts`]: the multi-window, multi-burn-rate alerts of the
//!   Google SRE workbook ([`BurnRateRule::workbook`]), in O(n) per rule.
//! - [`latency_slo`] and [`apdex`] from raw samples or a histogram
//!   ([`Latencies`]).
//! - [`journey_funnels`]: completion, per-step conversion, drop-off and
//!   median time between steps for user journeys, and the friction points
//!   ranked by users lost.
//!
//! Input order: a ticket's event log must be in time order (it is
//! rejected otherwise, as by [`crate::sla::sla_status`]); journey events
//! may come in any order (they are sorted by time, stably); count series
//! are positional (interval `i` covers `start + i*step ..= start + (i+1)*step`).
//!
//! # Examples
//! ```
//! use opsbrain::kpi::{latency_slo, Latencies};
//! // 97 of 100 requests under 300 ms: the 95% objective is met.
//! let mut ms = vec![120.0; 97];
//! ms.extend([450.0, 900.0, 1500.0]);
//! let slo = latency_slo(Latencies::Samples(&ms), 300.0, 0.95)?;
//! assert!(slo.meets_objective);
//! assert_eq!(slo.good, 97.0);
//! # Ok::<(), opsbrain::Error>(())
//! ```

mod budget;
mod funnel;
mod latency;
mod partial;
mod request;
mod support;

pub use budget::{
    AlertSeverity, BurnRateAlert, BurnRateReport, BurnRateRule, CountSeries, ErrorBudget,
    MAX_BURN_RULES, MAX_SERIES_INTERVALS, RuleBurn, burn_rate_alerts, error_budget,
};
pub use funnel::{
    FrictionPoint, FrictionReason, FunnelOptions, FunnelReport, JourneyDef, JourneyEvent,
    JourneyFunnel, MAX_JOURNEY_EVENTS, MAX_JOURNEY_STEPS, MAX_JOURNEYS, StepStats, journey_funnels,
};
pub use latency::{
    Apdex, ApdexRating, Latencies, LatencySlo, MAX_HISTOGRAM_BUCKETS, MAX_REQUESTS, apdex,
    latency_slo,
};
pub use partial::{SupportPartial, support_kpis_partial};
pub use request::{
    BudgetOptions, BurnOptions, Histogram, Journeys, LatencyData, LatencySloOptions,
};
pub use support::{
    CsatStats, GroupBy, GroupKpis, MAX_KPI_GROUPS, MonthVolume, SlaAttainment, SupportKpiOptions,
    SupportReport, TicketRecord, TimeBasis, TimeStats, VolumeTrend, support_kpis, volume_trend,
};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The KPIs the framework sets ("Success Metrics & KPI Tracking").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kpi {
    /// First-response time (the [`KpiTargets::time_quantile`] quantile, seconds).
    FirstResponseTime,
    /// Resolution time of critical tickets (quantile, seconds).
    ResolutionTimeCritical,
    /// Resolution time of the other tickets (quantile, seconds).
    ResolutionTimeNormal,
    /// Share of tickets moved above their initial tier.
    EscalationRate,
    /// Share of tickets resolved on first contact.
    FirstContactResolution,
    /// Mean customer satisfaction, 1 to 5.
    Csat,
    /// Share of tickets handled by automation.
    AutomationRate,
    /// Share of self-service attempts that succeeded.
    SelfServiceSuccess,
    /// Tickets resolved per agent-day.
    AgentProductivity,
    /// Availability (good / total).
    Uptime,
    /// Error rate (bad / total).
    ErrorRate,
}

/// Where a KPI stands against its threshold and target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KpiStatus {
    /// At or better than the target.
    MeetsTarget,
    /// At or better than the threshold, short of the target.
    MeetsThreshold,
    /// Worse than the threshold.
    Misses,
    /// Nothing to measure (e.g. no CSAT responses in the group).
    NoData,
}

/// A threshold (the minimum acceptable) and a target (the goal).
///
/// # Examples
/// ```
/// use opsbrain::kpi::Objective;
/// let o = Objective { threshold: 0.85, target: 0.90 };
/// assert_eq!(o.target, 0.90);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Objective {
    /// The minimum acceptable value.
    pub threshold: f64,
    /// The goal.
    pub target: f64,
}

/// One KPI's value against its threshold and target.
///
/// For lower-is-better KPIs (times, escalation and error rates) the value
/// must be strictly below the threshold or target ("<15 minutes"); for the
/// others at or above ("85%").
///
/// # Examples
/// ```
/// use opsbrain::kpi::{Kpi, KpiResult, KpiStatus, Objective};
/// let r = KpiResult::evaluate(Kpi::EscalationRate, Some(0.12), Objective { threshold: 0.15, target: 0.10 });
/// assert_eq!(r.status, KpiStatus::MeetsThreshold);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct KpiResult {
    /// Which KPI.
    pub kpi: Kpi,
    /// The measured value (`None` without data).
    pub value: Option<f64>,
    /// The threshold.
    pub threshold: f64,
    /// The target.
    pub target: f64,
    /// Whether larger values are better.
    pub higher_is_better: bool,
    /// Meets target, meets threshold, misses or no data.
    pub status: KpiStatus,
}

impl Kpi {
    /// Whether larger values are better for this KPI.
    ///
    /// # Examples
    /// ```
    /// assert!(opsbrain::kpi::Kpi::Csat.higher_is_better());
    /// ```
    pub const fn higher_is_better(self) -> bool {
        !matches!(
            self,
            Kpi::FirstResponseTime
                | Kpi::ResolutionTimeCritical
                | Kpi::ResolutionTimeNormal
                | Kpi::EscalationRate
                | Kpi::ErrorRate
        )
    }
}

impl KpiResult {
    /// Rates `value` against `objective` (see the type docs for the comparison).
    ///
    /// # Examples
    /// ```
    /// use opsbrain::kpi::{Kpi, KpiResult, KpiStatus, Objective};
    /// let r = KpiResult::evaluate(Kpi::Csat, Some(4.8), Objective { threshold: 4.5, target: 4.7 });
    /// assert_eq!(r.status, KpiStatus::MeetsTarget);
    /// ```
    pub fn evaluate(kpi: Kpi, value: Option<f64>, objective: Objective) -> KpiResult {
        let higher = kpi.higher_is_better();
        let better = |v: f64, bound: f64| if higher { v >= bound } else { v < bound };
        let status = match value {
            None => KpiStatus::NoData,
            Some(v) if better(v, objective.target) => KpiStatus::MeetsTarget,
            Some(v) if better(v, objective.threshold) => KpiStatus::MeetsThreshold,
            Some(_) => KpiStatus::Misses,
        };
        KpiResult {
            kpi,
            value,
            threshold: objective.threshold,
            target: objective.target,
            higher_is_better: higher,
            status,
        }
    }
}

/// Thresholds and targets of the support and system KPIs. The default is
/// the framework's: first response <15 min (target <10), resolution <2 h
/// critical and <24 h otherwise, escalation <15 % (<10 %), FCR 85 % (90 %),
/// CSAT 4.5 (4.7), automation 60 % (75 %), self-service 70 % (80 %), agent
/// productivity 20 (25) tickets per agent-day, uptime 99.9 % (99.95 %),
/// error rate <0.1 % (<0.05 %). Times are compared at the
/// `time_quantile` (default 0.9, the p90).
///
/// Serde form: every field optional, e.g. `{"csat": {"threshold": 4.0,
/// "target": 4.5}, "time_quantile": 0.5}`.
///
/// # Examples
/// ```
/// use opsbrain::kpi::KpiTargets;
/// let t = KpiTargets::default();
/// assert_eq!(t.first_response_secs.threshold, 900.0);
/// t.check()?;
/// # Ok::<(), opsbrain::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct KpiTargets {
    /// First-response time, seconds.
    pub first_response_secs: Objective,
    /// Resolution time of critical tickets, seconds.
    pub resolution_critical_secs: Objective,
    /// Resolution time of other tickets, seconds.
    pub resolution_normal_secs: Objective,
    /// Escalation rate, fraction.
    pub escalation_rate: Objective,
    /// First-contact resolution, fraction.
    pub first_contact_resolution: Objective,
    /// CSAT mean, 1 to 5.
    pub csat: Objective,
    /// Automation rate, fraction.
    pub automation_rate: Objective,
    /// Self-service success, fraction.
    pub self_service_success: Objective,
    /// Tickets resolved per agent-day.
    pub agent_productivity: Objective,
    /// Availability, fraction.
    pub uptime: Objective,
    /// Error rate, fraction.
    pub error_rate: Objective,
    /// The quantile of times compared with the time objectives, in [0, 1].
    pub time_quantile: f64,
}

const fn obj(threshold: f64, target: f64) -> Objective {
    Objective { threshold, target }
}

impl Default for KpiTargets {
    fn default() -> Self {
        KpiTargets {
            first_response_secs: obj(900.0, 600.0),
            resolution_critical_secs: obj(7200.0, 7200.0),
            resolution_normal_secs: obj(86_400.0, 86_400.0),
            escalation_rate: obj(0.15, 0.10),
            first_contact_resolution: obj(0.85, 0.90),
            csat: obj(4.5, 4.7),
            automation_rate: obj(0.60, 0.75),
            self_service_success: obj(0.70, 0.80),
            agent_productivity: obj(20.0, 25.0),
            uptime: obj(0.999, 0.9995),
            error_rate: obj(0.001, 0.0005),
            time_quantile: 0.9,
        }
    }
}

impl KpiTargets {
    /// Checks that every bound is finite and each target is at least as
    /// demanding as its threshold.
    ///
    /// # Errors
    /// `invalid_config` naming the field.
    ///
    /// # Examples
    /// ```
    /// use opsbrain::kpi::{KpiTargets, Objective};
    /// let mut t = KpiTargets::default();
    /// t.csat = Objective { threshold: 4.7, target: 4.5 };
    /// assert_eq!(t.check().unwrap_err().code(), "invalid_config");
    /// ```
    pub fn check(&self) -> Result<()> {
        let fields = [
            ("first_response_secs", self.first_response_secs, false),
            (
                "resolution_critical_secs",
                self.resolution_critical_secs,
                false,
            ),
            ("resolution_normal_secs", self.resolution_normal_secs, false),
            ("escalation_rate", self.escalation_rate, false),
            (
                "first_contact_resolution",
                self.first_contact_resolution,
                true,
            ),
            ("csat", self.csat, true),
            ("automation_rate", self.automation_rate, true),
            ("self_service_success", self.self_service_success, true),
            ("agent_productivity", self.agent_productivity, true),
            ("uptime", self.uptime, true),
            ("error_rate", self.error_rate, false),
        ];
        for (name, o, higher) in fields {
            if !o.threshold.is_finite() || !o.target.is_finite() {
                return Err(Error::invalid_config(format!(
                    "targets.{name}: threshold and target must be finite numbers"
                )));
            }
            let ordered = if higher {
                o.target >= o.threshold
            } else {
                o.target <= o.threshold
            };
            if !ordered {
                return Err(Error::invalid_config(format!(
                    "targets.{name}: the target {} is less demanding than the threshold {}",
                    o.target, o.threshold
                )));
            }
        }
        if !(0.0..=1.0).contains(&self.time_quantile) {
            return Err(Error::invalid_config(format!(
                "targets.time_quantile {} is outside [0, 1]",
                self.time_quantile
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
