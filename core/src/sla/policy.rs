//! SLA policies: targets per (tier, priority, channel), each on a calendar.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::calendar::{BusinessCalendar, MAX_SEARCH_DAYS};
use crate::error::{Error, Result};
use crate::types::{Channel, Priority, Tier};
use crate::validate::check_name;

/// The two measured metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Time to the first response.
    FirstResponse,
    /// Time to resolution.
    Resolution,
}

impl Metric {
    /// The snake_case name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Metric::FirstResponse => "first_response",
            Metric::Resolution => "resolution",
        }
    }
}

/// One target: filters (absent = any) and durations on a named calendar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaTarget {
    /// Only tickets of this tier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<Tier>,
    /// Only tickets of this priority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    /// Only tickets from this channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    /// First-response target, seconds of business time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_response_secs: Option<i64>,
    /// Resolution target, seconds of business time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution_secs: Option<i64>,
    /// Name of the calendar (a key of the policy's `calendars`).
    pub calendar: String,
}

impl SlaTarget {
    fn matches(&self, tier: Tier, priority: Priority, channel: Channel) -> bool {
        self.tier.is_none_or(|t| t == tier)
            && self.priority.is_none_or(|p| p == priority)
            && self.channel.is_none_or(|c| c == channel)
    }

    fn secs(&self, metric: Metric) -> Option<i64> {
        match metric {
            Metric::FirstResponse => self.first_response_secs,
            Metric::Resolution => self.resolution_secs,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    calendars: BTreeMap<String, BusinessCalendar>,
    targets: Vec<SlaTarget>,
    #[serde(default = "default_warnings")]
    warning_percents: Vec<f64>,
}

fn default_warnings() -> Vec<f64> {
    vec![50.0, 75.0, 90.0, 100.0]
}

/// Most targets in one policy.
pub const MAX_TARGETS: usize = 10_000;

/// SLA targets as data. For each metric, the first target that matches the
/// ticket's (tier, priority, channel) and defines that metric wins.
///
/// Serde form:
/// ```json
/// {"calendars": {"follow_the_sun": {"time_zone": "UTC", "weekly": {"mon": [["00:00", "24:00"]]}}},
///  "targets": [{"tier": 1, "channel": "chat", "first_response_secs": 900, "calendar": "follow_the_sun"},
///              {"priority": "critical", "resolution_secs": 7200, "calendar": "follow_the_sun"}],
///  "warning_percents": [50, 75, 90, 100]}
/// ```
///
/// Built in, from the framework: first response tier 1 chat and phone 15 min,
/// email and portal 1 h, tier 2 30 min, tier 3 15 min, tier 4 30 min;
/// resolution 2 h for critical, 24 h otherwise. Tier 1 runs on a 24/7
/// follow-the-sun calendar, tier 2 on 16/5 (Mon–Fri 06:00–22:00), tiers 3–4
/// and critical resolution on 24/7 on-call; all in UTC (replace the
/// calendars to use your zones).
///
/// # Examples
/// ```
/// use opsbrain::sla::{Metric, SlaPolicy};
/// use opsbrain::{Channel, Priority, Tier};
/// let p = SlaPolicy::builtin();
/// let t = p.target(Metric::FirstResponse, Tier::new(1)?, Priority::Medium, Channel::Chat).unwrap();
/// assert_eq!(t.first_response_secs, Some(900));
/// # Ok::<(), opsbrain::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SlaPolicy {
    calendars: BTreeMap<String, BusinessCalendar>,
    targets: Vec<SlaTarget>,
    warnings: Vec<f64>,
}

impl SlaPolicy {
    /// The framework's policy (see the type docs).
    pub fn builtin() -> Self {
        let text = r#"{
          "calendars": {
            "follow_the_sun": {"time_zone": "UTC", "weekly": {"mon": [["00:00", "24:00"]], "tue": [["00:00", "24:00"]],
              "wed": [["00:00", "24:00"]], "thu": [["00:00", "24:00"]], "fri": [["00:00", "24:00"]],
              "sat": [["00:00", "24:00"]], "sun": [["00:00", "24:00"]]}},
            "business_16_5": {"time_zone": "UTC", "weekly": {"mon": [["06:00", "22:00"]], "tue": [["06:00", "22:00"]],
              "wed": [["06:00", "22:00"]], "thu": [["06:00", "22:00"]], "fri": [["06:00", "22:00"]]}},
            "on_call": {"time_zone": "UTC", "weekly": {"mon": [["00:00", "24:00"]], "tue": [["00:00", "24:00"]],
              "wed": [["00:00", "24:00"]], "thu": [["00:00", "24:00"]], "fri": [["00:00", "24:00"]],
              "sat": [["00:00", "24:00"]], "sun": [["00:00", "24:00"]]}}
          },
          "targets": [
            {"tier": 1, "channel": "chat", "first_response_secs": 900, "calendar": "follow_the_sun"},
            {"tier": 1, "channel": "phone", "first_response_secs": 900, "calendar": "follow_the_sun"},
            {"tier": 1, "first_response_secs": 3600, "calendar": "follow_the_sun"},
            {"tier": 2, "first_response_secs": 1800, "calendar": "business_16_5"},
            {"tier": 3, "first_response_secs": 900, "calendar": "on_call"},
            {"tier": 4, "first_response_secs": 1800, "calendar": "on_call"},
            {"priority": "critical", "resolution_secs": 7200, "calendar": "on_call"},
            {"resolution_secs": 86400, "calendar": "follow_the_sun"}
          ]
        }"#;
        Self::from_json(text).expect("the built-in SLA policy is valid")
    }

    /// Parses and validates a JSON policy.
    ///
    /// # Errors
    /// `parse_error` for malformed JSON, unknown keys or a bad calendar;
    /// `invalid_config` for a target naming an unknown calendar, a target
    /// with no metric, a duration not in 1 s..=10 years, or a warning
    /// percent outside (0, 1000] (naming the field); `limit_exceeded` past
    /// [`MAX_TARGETS`].
    pub fn from_json(text: &str) -> Result<Self> {
        Self::from_file(crate::input::from_json(text)?)
    }

    /// Parses and validates a TOML policy.
    ///
    /// # Errors
    /// As [`Self::from_json`].
    #[cfg(feature = "toml")]
    #[cfg_attr(docsrs, doc(cfg(feature = "toml")))]
    pub fn from_toml(text: &str) -> Result<Self> {
        Self::from_file(crate::input::from_toml(text)?)
    }

    /// The policy as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a policy always serialises to JSON")
    }

    fn from_file(file: PolicyFile) -> Result<Self> {
        if file.targets.len() > MAX_TARGETS {
            return Err(Error::limit(format!(
                "{} targets; at most {MAX_TARGETS} are allowed",
                file.targets.len()
            )));
        }
        for name in file.calendars.keys() {
            check_name("calendar name", name)?;
        }
        for (i, t) in file.targets.iter().enumerate() {
            let at = format!("targets[{i}]");
            if !file.calendars.contains_key(&t.calendar) {
                return Err(Error::invalid_config(format!(
                    "{at}.calendar: unknown calendar {:?}",
                    t.calendar
                )));
            }
            if t.first_response_secs.is_none() && t.resolution_secs.is_none() {
                return Err(Error::invalid_config(format!(
                    "{at}: give first_response_secs, resolution_secs or both"
                )));
            }
            for (field, v) in [
                ("first_response_secs", t.first_response_secs),
                ("resolution_secs", t.resolution_secs),
            ] {
                if let Some(v) = v
                    && !(1..=MAX_SEARCH_DAYS * 86_400).contains(&v)
                {
                    return Err(Error::invalid_config(format!(
                        "{at}.{field}: {v} is not between 1 s and 10 years"
                    )));
                }
            }
        }
        let mut warnings = file.warning_percents;
        for (i, &w) in warnings.iter().enumerate() {
            if !(w > 0.0 && w <= 1000.0) {
                return Err(Error::invalid_config(format!(
                    "warning_percents[{i}]: {w} is not in (0, 1000]"
                )));
            }
        }
        warnings.sort_by(f64::total_cmp);
        warnings.dedup();
        Ok(SlaPolicy {
            calendars: file.calendars,
            targets: file.targets,
            warnings,
        })
    }

    /// The first target that matches and defines `metric`.
    pub fn target(
        &self,
        metric: Metric,
        tier: Tier,
        priority: Priority,
        channel: Channel,
    ) -> Option<&SlaTarget> {
        self.targets
            .iter()
            .find(|t| t.secs(metric).is_some() && t.matches(tier, priority, channel))
    }

    /// The target's duration and calendar for `metric`, if any target matches.
    pub(crate) fn resolve(
        &self,
        metric: Metric,
        tier: Tier,
        priority: Priority,
        channel: Channel,
    ) -> Option<(i64, &str, &BusinessCalendar)> {
        let t = self.target(metric, tier, priority, channel)?;
        let cal = self.calendars.get(&t.calendar)?;
        Some((t.secs(metric)?, t.calendar.as_str(), cal))
    }

    /// Warning thresholds, percent of the target, ascending.
    pub fn warning_percents(&self) -> &[f64] {
        &self.warnings
    }

    /// The named calendars.
    pub fn calendars(&self) -> &BTreeMap<String, BusinessCalendar> {
        &self.calendars
    }

    /// The targets, in matching order.
    pub fn targets(&self) -> &[SlaTarget] {
        &self.targets
    }
}

impl Default for SlaPolicy {
    fn default() -> Self {
        Self::builtin()
    }
}

impl Serialize for SlaPolicy {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        PolicyFile {
            calendars: self.calendars.clone(),
            targets: self.targets.clone(),
            warning_percents: self.warnings.clone(),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for SlaPolicy {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Self::from_file(PolicyFile::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}
