//! The file form of policies (raw, unvalidated), shared by JSON and TOML.
//!
//! Values are read leniently (tiers and delays as integers, enums as strings)
//! so that validation, not the parser, reports what is wrong and names the
//! field.

use std::collections::BTreeMap;

use chrono::TimeDelta;
use serde::Deserialize;

use super::policy::{
    EscalationLevel, EscalationPolicy, MAX_LEVELS, MAX_REPEAT, MAX_SLA_RULES, SlaMetric, SlaRule,
    StopOn, check_delay, normalize_stop_on,
};
use crate::calendar::BusinessCalendar;
use crate::error::{Error, Result};
use crate::types::Tier;

fn check_tier(at: &str, n: i64) -> Result<Tier> {
    Tier::new(n).map_err(|_| Error::invalid_config(format!("{at}: {n} is outside 1..=4")))
}

fn required<T>(at: &str, v: Option<T>) -> Result<T> {
    v.ok_or_else(|| Error::invalid_config(format!("{at}: missing field")))
}

/// The file form, read leniently so that validation names the bad field.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPolicy {
    levels: Option<Vec<RawLevel>>,
    #[serde(default)]
    repeat: Option<i64>,
    #[serde(default)]
    repeat_delay_secs: Option<i64>,
    #[serde(default)]
    stop_on: Option<Vec<String>>,
    #[serde(default)]
    critical_immediate: Option<bool>,
    #[serde(default)]
    sla_rules: Vec<RawSlaRule>,
    #[serde(default)]
    calendars: BTreeMap<String, BusinessCalendar>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLevel {
    name: Option<String>,
    tier: Option<i64>,
    #[serde(default)]
    delay_secs: Option<i64>,
    #[serde(default)]
    calendar: Option<String>,
    #[serde(default)]
    follow_pauses: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSlaRule {
    metric: Option<String>,
    at_percent: Option<f64>,
    escalate_to_tier: Option<i64>,
}

impl RawPolicy {
    pub(super) fn check(self) -> Result<EscalationPolicy> {
        let raw_levels = required("levels", self.levels)?;
        if raw_levels.len() > MAX_LEVELS {
            return Err(Error::limit(format!(
                "levels: {} levels; at most {MAX_LEVELS} are allowed",
                raw_levels.len()
            )));
        }
        let mut levels = Vec::with_capacity(raw_levels.len());
        for (i, l) in raw_levels.into_iter().enumerate() {
            let at = format!("levels[{i}]");
            let name = required(&format!("{at}.name"), l.name)?;
            let tier = check_tier(
                &format!("{at}.tier"),
                required(&format!("{at}.tier"), l.tier)?,
            )?;
            let secs = l.delay_secs.unwrap_or(0);
            check_delay(&format!("{at}.delay_secs"), secs)?;
            let mut level = EscalationLevel::new(name, tier, TimeDelta::seconds(secs))
                .with_follow_pauses(l.follow_pauses.unwrap_or(false));
            level.calendar = l.calendar;
            levels.push(level);
        }
        let repeat = self.repeat.unwrap_or(0);
        if repeat < 0 {
            return Err(Error::invalid_config(format!(
                "repeat: {repeat} must not be negative"
            )));
        }
        if repeat > i64::from(MAX_REPEAT) {
            return Err(Error::limit(format!(
                "repeat: {repeat} is more than {MAX_REPEAT}"
            )));
        }
        let repeat_secs = self.repeat_delay_secs.unwrap_or(0);
        check_delay("repeat_delay_secs", repeat_secs)?;
        let stop_on = match self.stop_on {
            None => StopOn::ALL.to_vec(),
            Some(names) => {
                let mut v = Vec::with_capacity(names.len());
                for (i, n) in names.iter().enumerate() {
                    let s = StopOn::ALL
                        .iter()
                        .find(|s| s.as_str() == n)
                        .ok_or_else(|| {
                            Error::invalid_config(format!(
                                "stop_on[{i}]: unknown event {n:?}; expected acknowledged or resolved"
                            ))
                        })?;
                    v.push(*s);
                }
                normalize_stop_on(v)
            }
        };
        if self.sla_rules.len() > MAX_SLA_RULES {
            return Err(Error::limit(format!(
                "sla_rules: {} rules; at most {MAX_SLA_RULES} are allowed",
                self.sla_rules.len()
            )));
        }
        let mut sla_rules = Vec::with_capacity(self.sla_rules.len());
        for (i, r) in self.sla_rules.into_iter().enumerate() {
            let at = format!("sla_rules[{i}]");
            let m = required(&format!("{at}.metric"), r.metric)?;
            let metric = *SlaMetric::ALL
                .iter()
                .find(|s| s.as_str() == m)
                .ok_or_else(|| {
                    Error::invalid_config(format!(
                        "{at}.metric: unknown metric {m:?}; expected first_response or resolution"
                    ))
                })?;
            let at_percent = required(&format!("{at}.at_percent"), r.at_percent)?;
            let t = required(&format!("{at}.escalate_to_tier"), r.escalate_to_tier)?;
            let escalate_to_tier = check_tier(&format!("{at}.escalate_to_tier"), t)?;
            sla_rules.push(SlaRule {
                metric,
                at_percent,
                escalate_to_tier,
            });
        }
        let p = EscalationPolicy {
            levels,
            repeat: u32::try_from(repeat).unwrap_or(MAX_REPEAT),
            repeat_delay: TimeDelta::seconds(repeat_secs),
            stop_on,
            critical_immediate: self.critical_immediate.unwrap_or(true),
            sla_rules,
            calendars: self.calendars,
        };
        p.validate()?;
        Ok(p)
    }
}
