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
#[non_exhaustive]
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

    /// A builder for a policy in Rust types (no JSON), validated by
    /// [`SlaPolicyBuilder::build`] exactly as [`Self::from_json`] validates.
    ///
    /// # Examples
    /// ```
    /// use opsbrain::calendar::BusinessCalendar;
    /// use opsbrain::sla::{Metric, SlaPolicy, SlaTarget};
    /// use opsbrain::{Channel, Priority, Tier};
    /// let policy = SlaPolicy::builder()
    ///     .calendar("new_york", BusinessCalendar::nine_to_five("America/New_York")?)
    ///     .target(SlaTarget::new("new_york").first_response_secs(4 * 3600).resolution_secs(3 * 86_400))
    ///     .warning_percents([75.0, 100.0])
    ///     .build()?;
    /// let t = policy.target(Metric::Resolution, Tier::new(2)?, Priority::Low, Channel::Email).unwrap();
    /// assert_eq!(t.resolution_secs, Some(259_200));
    /// assert_eq!(policy.warning_percents(), [75.0, 100.0]);
    /// // The same checks as the JSON reader:
    /// let e = SlaPolicy::builder().target(SlaTarget::new("nowhere").first_response_secs(60)).build();
    /// assert_eq!(e.unwrap_err().code(), "invalid_config");
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    pub fn builder() -> SlaPolicyBuilder {
        SlaPolicyBuilder {
            file: PolicyFile {
                calendars: BTreeMap::new(),
                targets: Vec::new(),
                warning_percents: default_warnings(),
            },
        }
    }

    /// This policy with calendar `name` replaced (or added): the documented
    /// way to move a policy onto your own zones and hours without a JSON
    /// round trip. Targets keep naming their calendars.
    ///
    /// # Examples
    /// ```
    /// use opsbrain::calendar::BusinessCalendar;
    /// use opsbrain::sla::SlaPolicy;
    /// let berlin = BusinessCalendar::sixteen_five("Europe/Berlin")?;
    /// let p = SlaPolicy::builtin().with_calendar("business_16_5", berlin)?;
    /// assert_eq!(p.calendars()["business_16_5"].time_zone(), "Europe/Berlin");
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    ///
    /// # Errors
    /// `invalid_config` for a bad calendar name.
    pub fn with_calendar(mut self, name: &str, calendar: BusinessCalendar) -> Result<Self> {
        check_name("calendar name", name)?;
        self.calendars.insert(name.to_owned(), calendar);
        Ok(self)
    }

    /// The targets, in matching order.
    pub fn targets(&self) -> &[SlaTarget] {
        &self.targets
    }
}

/// Builds an [`SlaPolicy`] from Rust values ([`SlaPolicy::builder`]).
#[derive(Debug, Clone)]
#[must_use]
pub struct SlaPolicyBuilder {
    file: PolicyFile,
}

impl SlaPolicyBuilder {
    /// Adds (or replaces) the calendar `name`.
    pub fn calendar(mut self, name: impl Into<String>, calendar: BusinessCalendar) -> Self {
        self.file.calendars.insert(name.into(), calendar);
        self
    }

    /// Appends a target (targets match in the order they are added).
    pub fn target(mut self, target: SlaTarget) -> Self {
        self.file.targets.push(target);
        self
    }

    /// The percentages of a target at which warnings fire (default 50, 75,
    /// 90, 100).
    pub fn warning_percents(mut self, percents: impl IntoIterator<Item = f64>) -> Self {
        self.file.warning_percents = percents.into_iter().collect();
        self
    }

    /// Validates and builds the policy.
    ///
    /// # Errors
    /// As [`SlaPolicy::from_json`], minus parsing.
    pub fn build(self) -> Result<SlaPolicy> {
        SlaPolicy::from_file(self.file)
    }
}

impl SlaTarget {
    /// A target on calendar `calendar` that matches every ticket and sets
    /// no metric yet: narrow it with [`Self::tier`], [`Self::priority`],
    /// [`Self::channel`] and set [`Self::first_response_secs`] and/or
    /// [`Self::resolution_secs`].
    ///
    /// ```
    /// use opsbrain::sla::SlaTarget;
    /// use opsbrain::{Channel, Tier};
    /// let t = SlaTarget::new("24x7").tier(Tier::new(1)?).channel(Channel::Chat).first_response_secs(900);
    /// assert_eq!((t.calendar.as_str(), t.first_response_secs, t.resolution_secs), ("24x7", Some(900), None));
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    pub fn new(calendar: impl Into<String>) -> Self {
        SlaTarget {
            tier: None,
            priority: None,
            channel: None,
            first_response_secs: None,
            resolution_secs: None,
            calendar: calendar.into(),
        }
    }

    /// Only tickets of `tier`.
    #[must_use]
    pub fn tier(mut self, tier: Tier) -> Self {
        self.tier = Some(tier);
        self
    }

    /// Only tickets of `priority`.
    #[must_use]
    pub fn priority(mut self, priority: Priority) -> Self {
        self.priority = Some(priority);
        self
    }

    /// Only tickets from `channel`.
    #[must_use]
    pub fn channel(mut self, channel: Channel) -> Self {
        self.channel = Some(channel);
        self
    }

    /// The first-response target, in seconds of business time.
    #[must_use]
    pub fn first_response_secs(mut self, secs: i64) -> Self {
        self.first_response_secs = Some(secs);
        self
    }

    /// The resolution target, in seconds of business time.
    #[must_use]
    pub fn resolution_secs(mut self, secs: i64) -> Self {
        self.resolution_secs = Some(secs);
        self
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
