//! What one group of tickets contributes to a [`super::SupportPartial`]:
//! exact counts, agent-day sets and time sketches, merged and finished.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::kpi::support::{Measured, evaluate};
use crate::kpi::{CsatStats, GroupKpis, KpiTargets, SlaAttainment, TicketRecord, TimeStats};
use crate::stats::{QuantileSketch, ratio};
use crate::types::Priority;

/// Durations of one clock in one group: exact count and sum, sketched
/// quantiles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TimePartial {
    pub(super) count: u64,
    /// Exact: times are whole seconds, and sums of integers below 2^53 are
    /// exact in f64 whatever the order.
    sum: f64,
    pub(super) sketch: QuantileSketch,
}

impl TimePartial {
    fn new(alpha: f64) -> Result<Self> {
        Ok(TimePartial {
            count: 0,
            sum: 0.0,
            sketch: QuantileSketch::with_alpha(alpha)?,
        })
    }

    fn add(&mut self, x: Option<f64>) -> Result<()> {
        if let Some(x) = x {
            self.sketch.add(x)?;
            self.count += 1;
            self.sum += x;
        }
        Ok(())
    }

    fn merge(&mut self, o: &TimePartial) -> Result<()> {
        self.sketch.merge(&o.sketch)?;
        self.count += o.count;
        self.sum += o.sum;
        Ok(())
    }

    fn finish(&self, kpi_q: f64) -> Result<(TimeStats, Option<f64>)> {
        let count = usize::try_from(self.count)
            .map_err(|_| Error::limit(format!("{} times do not fit in memory", self.count)))?;
        let q = |p: f64| self.sketch.quantile(p);
        let stats = TimeStats {
            count,
            // The same division as `support_kpis` (the sum is exact).
            mean: ratio(self.sum, count as f64),
            p50: q(0.5),
            p90: q(0.9),
            p99: q(0.99),
        };
        Ok((stats, q(kpi_q)))
    }
}

/// Everything a group's KPIs need, as exact counts and mergeable sketches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct GroupPartial {
    /// Sort key (the tier for tiers, else 0) and label.
    pub(super) order: u8,
    pub(super) key: String,
    pub(super) tickets: u64,
    pub(super) first_response: TimePartial,
    pub(super) resolution: TimePartial,
    pub(super) resolution_critical: TimePartial,
    pub(super) resolution_normal: TimePartial,
    first_response_met: u64,
    first_response_breached: u64,
    resolution_met: u64,
    resolution_breached: u64,
    escalated: u64,
    fcr_known: u64,
    fcr_yes: u64,
    csat: [u64; 5],
    automated: u64,
    self_service_attempts: u64,
    self_service_ok: u64,
    agent_resolved: u64,
    agent_days: BTreeSet<(String, NaiveDate)>,
}

fn count(b: bool) -> u64 {
    u64::from(b)
}

impl GroupPartial {
    pub(super) fn new(order: u8, key: String, alpha: f64) -> Result<Self> {
        Ok(GroupPartial {
            order,
            key,
            tickets: 0,
            first_response: TimePartial::new(alpha)?,
            resolution: TimePartial::new(alpha)?,
            resolution_critical: TimePartial::new(alpha)?,
            resolution_normal: TimePartial::new(alpha)?,
            first_response_met: 0,
            first_response_breached: 0,
            resolution_met: 0,
            resolution_breached: 0,
            escalated: 0,
            fcr_known: 0,
            fcr_yes: 0,
            csat: [0; 5],
            automated: 0,
            self_service_attempts: 0,
            self_service_ok: 0,
            agent_resolved: 0,
            agent_days: BTreeSet::new(),
        })
    }

    pub(super) fn add(&mut self, t: &TicketRecord, m: &Measured) -> Result<()> {
        self.tickets += 1;
        self.first_response.add(m.first_response)?;
        self.resolution.add(m.resolution)?;
        let critical = m.priority == Priority::Critical;
        self.resolution_critical
            .add(m.resolution.filter(|_| critical))?;
        self.resolution_normal
            .add(m.resolution.filter(|_| !critical))?;
        self.first_response_met += count(m.fr_met == Some(true));
        self.first_response_breached += count(m.fr_met == Some(false));
        self.resolution_met += count(m.res_met == Some(true));
        self.resolution_breached += count(m.res_met == Some(false));
        self.escalated += count(m.escalated);
        self.fcr_known += count(t.first_contact_resolution.is_some());
        self.fcr_yes += count(t.first_contact_resolution == Some(true));
        if let Some(c) = t.csat {
            // Checked to be in 1..=5 when measured.
            if let Some(slot) = self.csat.get_mut(usize::from(c).wrapping_sub(1)) {
                *slot += 1;
            }
        }
        self.automated += count(t.automated);
        self.self_service_attempts += count(t.self_service.is_some());
        self.self_service_ok += count(t.self_service == Some(true));
        if let (Some(agent), Some(at)) = (&t.agent, m.resolved_at) {
            self.agent_days.insert((agent.clone(), at.date_naive()));
            self.agent_resolved += 1;
        }
        Ok(())
    }

    pub(super) fn merge(&mut self, o: &GroupPartial) -> Result<()> {
        self.first_response.merge(&o.first_response)?;
        self.resolution.merge(&o.resolution)?;
        self.resolution_critical.merge(&o.resolution_critical)?;
        self.resolution_normal.merge(&o.resolution_normal)?;
        self.tickets += o.tickets;
        self.first_response_met += o.first_response_met;
        self.first_response_breached += o.first_response_breached;
        self.resolution_met += o.resolution_met;
        self.resolution_breached += o.resolution_breached;
        self.escalated += o.escalated;
        self.fcr_known += o.fcr_known;
        self.fcr_yes += o.fcr_yes;
        for (a, b) in self.csat.iter_mut().zip(o.csat) {
            *a += b;
        }
        self.automated += o.automated;
        self.self_service_attempts += o.self_service_attempts;
        self.self_service_ok += o.self_service_ok;
        self.agent_resolved += o.agent_resolved;
        self.agent_days.extend(o.agent_days.iter().cloned());
        Ok(())
    }

    pub(super) fn finish(&self, targets: &KpiTargets) -> Result<GroupKpis> {
        let size = |n: u64| {
            usize::try_from(n).map_err(|_| Error::limit(format!("count {n} does not fit")))
        };
        let q = targets.time_quantile;
        let (first_response, fr_q) = self.first_response.finish(q)?;
        let (resolution, _) = self.resolution.finish(q)?;
        let (resolution_critical, crit_q) = self.resolution_critical.finish(q)?;
        let (resolution_normal, normal_q) = self.resolution_normal.finish(q)?;
        let n = self.tickets as f64;
        let (fr_met, fr_br) = (self.first_response_met, self.first_response_breached);
        let (res_met, res_br) = (self.resolution_met, self.resolution_breached);
        let sla = SlaAttainment {
            first_response_met: size(fr_met)?,
            first_response_breached: size(fr_br)?,
            first_response: ratio(fr_met as f64, (fr_met + fr_br) as f64),
            resolution_met: size(res_met)?,
            resolution_breached: size(res_br)?,
            resolution: ratio(res_met as f64, (res_met + res_br) as f64),
        };
        let mut distribution = [0usize; 5];
        let mut csat_sum = 0.0;
        for (i, (d, &c)) in distribution.iter_mut().zip(&self.csat).enumerate() {
            *d = size(c)?;
            // Score i + 1, c times (in order, as `support_kpis` adds them:
            // every partial sum is an integer, so both are exact).
            csat_sum += (i + 1) as f64 * c as f64;
        }
        let responses: usize = distribution.iter().sum();
        let mut g = GroupKpis {
            key: self.key.clone(),
            tickets: size(self.tickets)?,
            first_response,
            resolution,
            resolution_critical,
            resolution_normal,
            sla,
            escalated: size(self.escalated)?,
            escalation_rate: ratio(self.escalated as f64, n),
            first_contact_resolution: ratio(self.fcr_yes as f64, self.fcr_known as f64),
            csat: CsatStats {
                responses,
                mean: ratio(csat_sum, responses as f64),
                distribution,
            },
            automation_rate: ratio(self.automated as f64, n),
            self_service_attempts: size(self.self_service_attempts)?,
            self_service_success: ratio(
                self.self_service_ok as f64,
                self.self_service_attempts as f64,
            ),
            agent_productivity: ratio(self.agent_resolved as f64, self.agent_days.len() as f64),
            kpis: Vec::new(),
        };
        g.kpis = evaluate(&g, targets, [fr_q, crit_q, normal_q]);
        Ok(g)
    }
}
