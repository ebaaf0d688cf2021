//! Support KPIs computed per partition and merged: [`SupportPartial`].

mod group;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use self::group::GroupPartial;
use super::support::{GroupBy, group_key, in_period, prepare};
use super::{KpiTargets, SupportKpiOptions, SupportReport, TicketRecord, TimeBasis};
use crate::error::{Error, ErrorKind, Result};
use crate::sla::SlaPolicy;
use crate::stats::limit_error;

/// The serde format of [`SupportPartial`].
const FORMAT_VERSION: u32 = 1;

/// Support KPIs of one part of the tickets, mergeable with the other parts'
/// into the KPIs of all of them: made by [`support_kpis_partial`], combined
/// by [`merge`](Self::merge) (in any order and grouping), turned into a
/// [`SupportReport`] by [`finish`](Self::finish). For a cluster: one partial
/// per partition of the tickets, shipped as JSON, merged, finished once.
///
/// **What equals [`support_kpis`](super::support_kpis) on all the tickets.**
/// Every count (tickets, timers met and breached, escalations, CSAT
/// responses and distribution, self-service attempts, time counts), every
/// rate and mean (exact integer sums), agent productivity (the agent-day
/// sets are merged exactly) and each KPI's status when it rates those, bit
/// for bit. **What is estimated.** The time percentiles `p50`, `p90`, `p99`
/// and the KPI value at [`KpiTargets::time_quantile`] come from a
/// [`QuantileSketch`](crate::stats::QuantileSketch) of relative accuracy `alpha` (1 % by default): each is
/// within `alpha * exact` of the exact value `support_kpis` reports (its
/// linear interpolation between order statistics), so a time KPI whose
/// exact value lies within that margin of its threshold or target may be
/// rated differently.
///
/// Serde form: an object with `"format_version": 1`, the options that must
/// agree for a merge (`time_basis`, `group_by`, `targets`, `alpha`) and the
/// overall and per-group counts and sketches; unknown fields and other
/// versions are refused.
///
/// # Examples
/// ```
/// use chrono::{TimeZone, Utc, TimeDelta};
/// use opsbrain::kpi::{support_kpis, support_kpis_partial, SupportKpiOptions, TicketRecord};
/// use opsbrain::sla::{SlaEvent, SlaPolicy};
/// use opsbrain::{Channel, Priority, Tier};
/// let t0 = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
/// let ticket = |mins: i64| TicketRecord {
///     events: vec![
///         SlaEvent::Created { at: t0, tier: Tier::new(1).unwrap(), priority: Priority::High, channel: Channel::Chat },
///         SlaEvent::FirstResponse { at: t0 + TimeDelta::minutes(mins) },
///     ],
///     department: None, agent: None, first_contact_resolution: None,
///     csat: Some(5), automated: false, self_service: None,
/// };
/// let tickets: Vec<TicketRecord> = (1..=40).map(ticket).collect();
/// let (policy, now, o) = (SlaPolicy::builtin(), t0 + TimeDelta::hours(2), SupportKpiOptions::default());
/// let mut merged = support_kpis_partial(&policy, &tickets[..25], now, &o)?;
/// merged.merge(&support_kpis_partial(&policy, &tickets[25..], now, &o)?)?;
/// let (approx, exact) = (merged.finish()?, support_kpis(&policy, &tickets, now, &o)?);
/// assert_eq!(approx.overall.first_response.count, exact.overall.first_response.count);
/// assert_eq!(approx.overall.sla, exact.overall.sla);
/// let (p90, want) = (approx.overall.first_response.p90.unwrap(), exact.overall.first_response.p90.unwrap());
/// assert!((p90 - want).abs() <= 0.01 * want);
/// # Ok::<(), opsbrain::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupportPartial {
    format_version: u32,
    time_basis: TimeBasis,
    group_by: Option<GroupBy>,
    targets: KpiTargets,
    alpha: f64,
    overall: GroupPartial,
    groups: Vec<GroupPartial>,
}

/// The mergeable support KPIs of `tickets` (one partition of them), as
/// [`support_kpis`](super::support_kpis) measures them: same options, same
/// checks and errors, except that a partition with no ticket in the period
/// is not an error (an empty partial; [`SupportPartial::finish`] refuses an
/// empty total). Percentiles are sketched at the default 1 % relative
/// accuracy ([`SupportPartial`] says what is exact and what is estimated).
///
/// # Examples
/// ```
/// use chrono::{TimeZone, Utc};
/// use opsbrain::kpi::{support_kpis_partial, SupportKpiOptions};
/// use opsbrain::sla::SlaPolicy;
/// let now = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
/// let p = support_kpis_partial(&SlaPolicy::builtin(), &[], now, &SupportKpiOptions::default())?;
/// assert_eq!(p.tickets(), 0);
/// assert_eq!(p.finish().unwrap_err().code(), "invalid_input");
/// # Ok::<(), opsbrain::Error>(())
/// ```
///
/// # Errors
/// As [`support_kpis`](super::support_kpis), but for the empty period;
/// `invalid_input` for a negative time (a stop before creation).
pub fn support_kpis_partial(
    policy: &SlaPolicy,
    tickets: &[TicketRecord],
    now: DateTime<Utc>,
    options: &SupportKpiOptions,
) -> Result<SupportPartial> {
    let measured = prepare(policy, tickets, now, options)?;
    let alpha = crate::stats::DEFAULT_ALPHA;
    let mut overall = GroupPartial::new(0, "all".into(), alpha)?;
    let mut groups: BTreeMap<(u8, String), GroupPartial> = BTreeMap::new();
    let mut groups_len = 0usize;
    for (i, (t, m)) in tickets.iter().zip(&measured).enumerate() {
        if !in_period(options, m) {
            continue;
        }
        let at = |e: Error| e.at(format!("tickets[{i}]"));
        overall.add(t, m).map_err(at)?;
        if let Some(by) = options.group_by {
            let (order, key) = group_key(by, t, m);
            let g = match groups.entry((order, key)) {
                std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::btree_map::Entry::Vacant(e) => {
                    if groups_full(groups_len) {
                        return Err(too_many_groups(by));
                    }
                    groups_len += 1;
                    let (order, key) = e.key().clone();
                    e.insert(GroupPartial::new(order, key, alpha)?)
                }
            };
            g.add(t, m).map_err(at)?;
        }
    }
    Ok(SupportPartial {
        format_version: FORMAT_VERSION,
        time_basis: options.time_basis,
        group_by: options.group_by,
        targets: options.targets,
        alpha,
        overall,
        groups: groups.into_values().collect(),
    })
}

/// Whether a partial already holds [`MAX_KPI_GROUPS`](super::MAX_KPI_GROUPS) groups.
fn groups_full(n: usize) -> bool {
    n >= super::MAX_KPI_GROUPS
}

fn too_many_groups(by: GroupBy) -> Error {
    Error::limit(format!(
        "more than {} distinct {} groups; at most {} are reported (group the tickets more coarsely)",
        super::MAX_KPI_GROUPS,
        by.as_str(),
        super::MAX_KPI_GROUPS
    ))
}

impl SupportPartial {
    /// Reads partials from their JSON and merges them, in order: what a
    /// driver does with the partials of every partition.
    ///
    /// # Examples
    /// ```
    /// use opsbrain::kpi::SupportPartial;
    /// assert_eq!(SupportPartial::merge_json::<&str>(&[]).unwrap_err().code(), "invalid_input");
    /// assert!(SupportPartial::merge_json(&["{}"]).unwrap_err().message.starts_with("partials[0]"));
    /// ```
    ///
    /// # Errors
    /// As [`from_json`](Self::from_json) and [`merge`](Self::merge), naming
    /// `partials[i]`; `invalid_input` for no partial.
    pub fn merge_json<S: AsRef<str>>(texts: &[S]) -> Result<SupportPartial> {
        let read = |i: usize, t: &S| {
            SupportPartial::from_json(t.as_ref()).map_err(|e| e.at(format!("partials[{i}]")))
        };
        let Some(first) = texts.first() else {
            return Err(Error::invalid_input("partials: none given"));
        };
        let mut acc = read(0, first)?;
        for (i, t) in texts.iter().enumerate().skip(1) {
            acc.merge(&read(i, t)?)
                .map_err(|e| e.at(format!("partials[{i}]")))?;
        }
        Ok(acc)
    }

    /// Tickets of the period counted so far.
    ///
    /// # Examples
    /// See [`support_kpis_partial`].
    pub fn tickets(&self) -> u64 {
        self.overall.tickets
    }

    /// Adds `other`'s tickets: counts add, agent-day sets unite, sketches
    /// merge exactly (so the result does not depend on how the tickets were
    /// split or in which order the parts are merged).
    ///
    /// # Examples
    /// See [`SupportPartial`].
    ///
    /// # Errors
    /// `invalid_input` when the two were made with different `time_basis`,
    /// `group_by` or `targets` (`self` is then unchanged); `limit_exceeded`
    /// from the sketches' bucket bound.
    pub fn merge(&mut self, other: &SupportPartial) -> Result<()> {
        if self.time_basis != other.time_basis
            || self.group_by != other.group_by
            || self.targets != other.targets
            || self.alpha.to_bits() != other.alpha.to_bits()
        {
            return Err(Error::invalid_input(
                "cannot merge support KPI partials made with different time_basis, group_by, targets or alpha",
            ));
        }
        let mut merged = self.clone();
        merged.overall.merge(&other.overall)?;
        let mut groups: BTreeMap<(u8, String), GroupPartial> = std::mem::take(&mut merged.groups)
            .into_iter()
            .map(|g| ((g.order, g.key.clone()), g))
            .collect();
        for g in &other.groups {
            match groups.get_mut(&(g.order, g.key.clone())) {
                Some(mine) => mine.merge(g)?,
                None => {
                    if groups_full(groups.len()) {
                        return Err(too_many_groups(other.group_by.unwrap_or(GroupBy::Agent)));
                    }
                    groups.insert((g.order, g.key.clone()), g.clone());
                }
            }
        }
        merged.groups = groups.into_values().collect();
        *self = merged;
        Ok(())
    }

    /// The report: the shape and meaning of
    /// [`support_kpis`](super::support_kpis)'s, with the percentiles
    /// estimated (see [`SupportPartial`]).
    ///
    /// # Examples
    /// See [`SupportPartial`].
    ///
    /// # Errors
    /// `invalid_input` when no ticket was created in the period (as
    /// `support_kpis`).
    pub fn finish(&self) -> Result<SupportReport> {
        if self.overall.tickets == 0 {
            return Err(Error::invalid_input(
                "the period is empty: no ticket was created in it",
            ));
        }
        let groups = match self.group_by {
            None => Vec::new(),
            Some(_) => self
                .groups
                .iter()
                .map(|g| g.finish(&self.targets))
                .collect::<Result<_>>()?,
        };
        Ok(SupportReport {
            time_basis: self.time_basis,
            overall: self.overall.finish(&self.targets)?,
            groups,
        })
    }

    /// The partial as JSON (its serde form).
    ///
    /// # Examples
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use opsbrain::kpi::{support_kpis_partial, SupportKpiOptions, SupportPartial};
    /// let now = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
    /// let p = support_kpis_partial(&Default::default(), &[], now, &SupportKpiOptions::default())?;
    /// assert_eq!(SupportPartial::from_json(&p.to_json())?, p);
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A partial from [`to_json`](Self::to_json) output.
    ///
    /// # Examples
    /// ```
    /// use opsbrain::kpi::SupportPartial;
    /// assert_eq!(SupportPartial::from_json("{}").unwrap_err().code(), "missing_key");
    /// ```
    ///
    /// # Errors
    /// `limit_exceeded` past [`MAX_REQUEST_BYTES`](crate::limits::MAX_REQUEST_BYTES)
    /// or a sketch's bucket bound; `parse_error` for text that is not
    /// JSON; `unsupported_version` for another `format_version`;
    /// `missing_key` for a missing field; `invalid_input` for unknown or
    /// mistyped fields or a partial
    /// no merge makes (groups out of order, sketches of another accuracy,
    /// time counts that disagree with their sketch).
    pub fn from_json(text: &str) -> Result<Self> {
        let p: SupportPartial = crate::input::from_body(text).map_err(limit_error)?;
        if p.format_version != FORMAT_VERSION {
            return Err(Error::new(
                ErrorKind::UnsupportedVersion,
                format!(
                    "support KPI partial format_version {} (this version reads {FORMAT_VERSION})",
                    p.format_version
                ),
            ));
        }
        if p.groups.len() > super::MAX_KPI_GROUPS {
            return Err(too_many_groups(p.group_by.unwrap_or(GroupBy::Agent)));
        }
        let bad = |what: String| Err(Error::invalid_input(format!("corrupt partial: {what}")));
        let mut last: Option<(u8, &str)> = None;
        for (i, g) in std::iter::once(&p.overall).chain(&p.groups).enumerate() {
            if i > 0 {
                if last.is_some_and(|l| l >= (g.order, g.key.as_str())) {
                    return bad(format!(
                        "groups[{}]: groups must be sorted and unique",
                        i - 1
                    ));
                }
                last = Some((g.order, g.key.as_str()));
            }
            for t in [
                &g.first_response,
                &g.resolution,
                &g.resolution_critical,
                &g.resolution_normal,
            ] {
                if t.count != t.sketch.count() || t.sketch.alpha().to_bits() != p.alpha.to_bits() {
                    return bad(format!(
                        "group {:?}: a time sketch disagrees with its count or alpha",
                        g.key
                    ));
                }
            }
        }
        p.targets.check()?;
        Ok(p)
    }
}
