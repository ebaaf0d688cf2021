//! Escalation policies as data: levels, repeats, stop conditions and the
//! framework's tier-ladder rules, with parsing and validation.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use chrono::TimeDelta;
use serde::{Deserialize, Serialize};

use super::config::RawPolicy;
use crate::calendar::BusinessCalendar;
use crate::error::{Error, Result};
use crate::types::Tier;
use crate::validate::check_name;

/// Most levels in one policy.
pub const MAX_LEVELS: usize = 100;

/// Most extra passes through the levels after the last one.
pub const MAX_REPEAT: u32 = 10;

/// Longest delay of a level, and longest repeat delay: 30 days, in seconds.
pub const MAX_DELAY_SECS: i64 = 30 * 86_400;

/// Most SLA-risk rules in one policy.
pub const MAX_SLA_RULES: usize = 100;

/// Largest `at_percent` of an SLA-risk rule (values above 100 mean "after the
/// breach", e.g. 150 is half the target again past the deadline).
pub const MAX_SLA_PERCENT: f64 = 1000.0;

/// One level of a policy: who is notified (a tier) and when.
///
/// `delay` counts from the moment the level before it was notified; for the
/// first level it counts from ticket creation (usually zero). Serialises as
/// `{"name", "tier", "delay_secs", "calendar", "follow_pauses"}`; the last
/// two are optional.
///
/// The delay is wall-clock time unless the level names a `calendar` (a key
/// of the policy's `calendars`): then it is that calendar's open time
/// ([`BusinessCalendar::add`]), so a 30-minute delay started at 16:50 on a
/// Friday in a 9-to-5 calendar ends at 09:20 on Monday. With
/// `follow_pauses`, the delay also stops while the ticket is paused
/// (`paused` / `resumed` events); without a calendar it then counts
/// wall-clock time outside pauses (an always-open calendar).
///
/// # Examples
/// ```
/// use chrono::TimeDelta;
/// use opsbrain::escalation::EscalationLevel;
/// use opsbrain::Tier;
/// let level = EscalationLevel::new("technical", Tier::new(2)?, TimeDelta::minutes(30));
/// assert_eq!(level.delay.num_seconds(), 1800);
/// # Ok::<(), opsbrain::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct EscalationLevel {
    /// Unique name of the level (`"user_support"`, `"on_call_sre"`, ...).
    pub name: String,
    /// The support tier this level belongs to.
    pub tier: Tier,
    /// Wait after the previous level (or after creation, for the first level).
    #[serde(rename = "delay_secs", with = "crate::serde_secs")]
    pub delay: TimeDelta,
    /// The calendar the delay is counted on; `None` for wall-clock time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<String>,
    /// Whether the delay stops while the ticket is paused.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub follow_pauses: bool,
}

impl EscalationLevel {
    /// Builds a level (validated when it becomes part of a policy).
    pub fn new(name: impl Into<String>, tier: Tier, delay: TimeDelta) -> Self {
        EscalationLevel {
            name: name.into(),
            tier,
            delay,
            calendar: None,
            follow_pauses: false,
        }
    }

    /// This level with its delay counted on the policy's calendar `name`
    /// (checked when the level becomes part of a policy).
    ///
    /// # Examples
    /// ```
    /// use chrono::TimeDelta;
    /// use opsbrain::calendar::BusinessCalendar;
    /// use opsbrain::escalation::{EscalationLevel, EscalationPolicy};
    /// use opsbrain::Tier;
    /// let level = EscalationLevel::new("technical", Tier::new(2)?, TimeDelta::minutes(30))
    ///     .with_calendar("support_hours");
    /// assert_eq!(level.calendar.as_deref(), Some("support_hours"));
    /// let err = EscalationPolicy::new(vec![level.clone()]).unwrap_err();
    /// assert_eq!(err.message, "levels[0].calendar: unknown calendar \"support_hours\"");
    /// let p = EscalationPolicy::with_calendars(
    ///     vec![level],
    ///     [("support_hours".to_owned(), BusinessCalendar::nine_to_five("UTC")?)].into(),
    /// )?;
    /// assert_eq!(p.calendars()["support_hours"].time_zone(), "UTC");
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    pub fn with_calendar(mut self, name: impl Into<String>) -> Self {
        self.calendar = Some(name.into());
        self
    }

    /// This level with its delay stopping (`true`) or not while the ticket
    /// is paused.
    ///
    /// # Examples
    /// ```
    /// use chrono::TimeDelta;
    /// use opsbrain::escalation::EscalationLevel;
    /// use opsbrain::Tier;
    /// let level = EscalationLevel::new("technical", Tier::new(2)?, TimeDelta::minutes(30))
    ///     .with_follow_pauses(true);
    /// assert!(level.follow_pauses);
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    pub fn with_follow_pauses(mut self, on: bool) -> Self {
        self.follow_pauses = on;
        self
    }
}

/// An event that stops escalation. Serialises as `"acknowledged"` / `"resolved"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopOn {
    /// Stop once someone acknowledges the ticket.
    Acknowledged,
    /// Stop once the ticket is resolved.
    Resolved,
}

impl StopOn {
    /// Every value, in order.
    pub const ALL: &'static [StopOn] = &[StopOn::Acknowledged, StopOn::Resolved];

    /// The snake_case name (the serde form).
    pub const fn as_str(self) -> &'static str {
        match self {
            StopOn::Acknowledged => "acknowledged",
            StopOn::Resolved => "resolved",
        }
    }
}

impl fmt::Display for StopOn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An SLA metric whose warnings can trigger escalation. Serialises as
/// `"first_response"` / `"resolution"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaMetric {
    /// Time to the first response.
    FirstResponse,
    /// Time to resolution.
    Resolution,
}

impl SlaMetric {
    /// Every value, in order.
    pub const ALL: &'static [SlaMetric] = &[SlaMetric::FirstResponse, SlaMetric::Resolution];

    /// The snake_case name (the serde form).
    pub const fn as_str(self) -> &'static str {
        match self {
            SlaMetric::FirstResponse => "first_response",
            SlaMetric::Resolution => "resolution",
        }
    }
}

impl fmt::Display for SlaMetric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An SLA-risk rule: once a warning for `metric` reports at least
/// `at_percent` of the target used, escalate to `escalate_to_tier`.
///
/// Serialises as `{"metric", "at_percent", "escalate_to_tier"}`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaRule {
    /// The SLA metric the rule watches.
    pub metric: SlaMetric,
    /// Percentage of the target used (0 to 100, above 100 after the breach).
    pub at_percent: f64,
    /// The tier to escalate to.
    pub escalate_to_tier: Tier,
}

/// A time-based escalation policy (as in PagerDuty or Opsgenie) plus the
/// framework's tier-ladder rules.
///
/// Serde form (also [`EscalationPolicy::from_json`], and TOML with the same keys):
/// ```json
/// {"levels": [{"name": "user_support", "tier": 1, "delay_secs": 0},
///             {"name": "technical", "tier": 2, "delay_secs": 1800},
///             {"name": "sysadmin", "tier": 3, "delay_secs": 3600}],
///  "repeat": 1, "repeat_delay_secs": 600,
///  "stop_on": ["acknowledged", "resolved"],
///  "critical_immediate": true,
///  "sla_rules": [{"metric": "first_response", "at_percent": 75, "escalate_to_tier": 2}],
///  "calendars": {"support_hours": {"time_zone": "America/New_York",
///                                  "weekly": {"mon": [["09:00", "17:00"]], "fri": [["09:00", "17:00"]]}}}}
/// ```
/// A level may add `"calendar": "support_hours"` (its delay counts that
/// calendar's open time) and `"follow_pauses": true` (its delay stops while
/// the ticket is paused); see [`EscalationLevel`]. `calendars` uses the
/// calendar form of [`BusinessCalendar`], as the SLA policy does.
/// `repeat_delay_secs` is counted like the delay of the level a repeat pass
/// returns to, `levels[0]`: on its calendar and following pauses if it does,
/// wall-clock time otherwise.
///
/// Defaults: `repeat` 0, `repeat_delay_secs` 0, `stop_on` both events,
/// `critical_immediate` true, no `sla_rules`, `delay_secs` 0, no
/// `calendars`, no level `calendar` (wall-clock time), `follow_pauses` false.
///
/// Validation: at least one level; level names non-empty and unique; tiers in
/// 1..=4 and never decreasing along `levels`; delays not negative. Errors are
/// `invalid_config` naming the field (`levels[2].tier: 7 is outside 1..=4`);
/// a level `calendar` must name one of `calendars` that has opening hours,
/// and calendar names must be non-empty. More than [`MAX_LEVELS`] levels or
/// calendars, a delay over [`MAX_DELAY_SECS`], `repeat`
/// over [`MAX_REPEAT`], more than [`MAX_SLA_RULES`] rules or `at_percent`
/// over [`MAX_SLA_PERCENT`] are `limit_exceeded`.
///
/// # Examples
/// ```
/// use opsbrain::escalation::{EscalationPolicy, StopOn};
/// let p = EscalationPolicy::from_json(r#"{"levels": [
///     {"name": "user_support", "tier": 1},
///     {"name": "technical", "tier": 2, "delay_secs": 1800}]}"#)?;
/// assert_eq!(p.levels().len(), 2);
/// assert!(p.stops_on(StopOn::Acknowledged));
/// assert_eq!(EscalationPolicy::from_json(&p.to_json())?, p);
///
/// let err = EscalationPolicy::from_json(r#"{"levels": [{"name": "x", "tier": 7}]}"#).unwrap_err();
/// assert_eq!(err.code(), "invalid_config");
/// assert_eq!(err.message, "levels[0].tier: 7 is outside 1..=4");
/// # Ok::<(), opsbrain::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EscalationPolicy {
    pub(super) levels: Vec<EscalationLevel>,
    pub(super) repeat: u32,
    #[serde(rename = "repeat_delay_secs", with = "crate::serde_secs")]
    pub(super) repeat_delay: TimeDelta,
    pub(super) stop_on: Vec<StopOn>,
    pub(super) critical_immediate: bool,
    pub(super) sla_rules: Vec<SlaRule>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub(super) calendars: BTreeMap<String, BusinessCalendar>,
}

impl EscalationPolicy {
    /// A policy over `levels` with the defaults: no repeat, stop on
    /// acknowledgement or resolution, critical tickets jump immediately, no
    /// SLA rules.
    ///
    /// # Examples
    /// ```
    /// use chrono::TimeDelta;
    /// use opsbrain::escalation::{EscalationLevel, EscalationPolicy};
    /// use opsbrain::Tier;
    /// let p = EscalationPolicy::new(vec![
    ///     EscalationLevel::new("user_support", Tier::new(1)?, TimeDelta::zero()),
    ///     EscalationLevel::new("technical", Tier::new(2)?, TimeDelta::minutes(30)),
    /// ])?
    /// .with_repeat(2, TimeDelta::minutes(10))?;
    /// assert_eq!(p.repeat(), 2);
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    ///
    /// # Errors
    /// As the validation described on [`EscalationPolicy`].
    pub fn new(levels: Vec<EscalationLevel>) -> Result<Self> {
        let p = Self::new_unchecked(levels);
        p.validate()?;
        Ok(p)
    }

    /// [`Self::new`] with the named calendars the levels' `calendar` refer to.
    ///
    /// # Examples
    /// ```
    /// use chrono::TimeDelta;
    /// use opsbrain::calendar::BusinessCalendar;
    /// use opsbrain::escalation::{EscalationLevel, EscalationPolicy};
    /// use opsbrain::Tier;
    /// let nine_to_five = BusinessCalendar::nine_to_five("America/New_York")?;
    /// let p = EscalationPolicy::with_calendars(
    ///     vec![
    ///         EscalationLevel::new("on_call", Tier::new(1)?, TimeDelta::zero()),
    ///         EscalationLevel::new("technical", Tier::new(2)?, TimeDelta::minutes(30))
    ///             .with_calendar("new_york"),
    ///     ],
    ///     [("new_york".to_owned(), nine_to_five)].into(),
    /// )?;
    /// assert_eq!(p.levels()[1].calendar.as_deref(), Some("new_york"));
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    ///
    /// # Errors
    /// As the validation described on [`EscalationPolicy`].
    pub fn with_calendars(
        levels: Vec<EscalationLevel>,
        calendars: BTreeMap<String, BusinessCalendar>,
    ) -> Result<Self> {
        let p = EscalationPolicy {
            calendars,
            ..Self::new_unchecked(levels)
        };
        p.validate()?;
        Ok(p)
    }

    fn new_unchecked(levels: Vec<EscalationLevel>) -> Self {
        EscalationPolicy {
            levels,
            repeat: 0,
            repeat_delay: TimeDelta::zero(),
            stop_on: StopOn::ALL.to_vec(),
            critical_immediate: true,
            sla_rules: Vec::new(),
            calendars: BTreeMap::new(),
        }
    }

    /// This policy with calendar `name` replaced (or added); levels keep
    /// naming their calendars.
    ///
    /// # Examples
    /// ```
    /// use opsbrain::calendar::BusinessCalendar;
    /// use opsbrain::escalation::EscalationPolicy;
    /// let p = EscalationPolicy::from_json(r#"{"levels": [
    ///     {"name": "user_support", "tier": 1},
    ///     {"name": "technical", "tier": 2, "delay_secs": 1800, "calendar": "support"}],
    ///   "calendars": {"support": {"time_zone": "UTC", "weekly": {"mon": [["09:00", "17:00"]]}}}}"#)?;
    /// let p = p.with_calendar("support", BusinessCalendar::nine_to_five("Europe/Berlin")?)?;
    /// assert_eq!(p.calendars()["support"].time_zone(), "Europe/Berlin");
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    ///
    /// # Errors
    /// As the validation described on [`EscalationPolicy`] (an empty name,
    /// a calendar without opening hours, too many calendars).
    pub fn with_calendar(mut self, name: &str, calendar: BusinessCalendar) -> Result<Self> {
        self.calendars.insert(name.to_owned(), calendar);
        self.validate()?;
        Ok(self)
    }

    /// The named calendars levels can count their delays on (empty for a
    /// policy on the wall clock only).
    ///
    /// # Examples
    /// ```
    /// use opsbrain::escalation::EscalationPolicy;
    /// let p = EscalationPolicy::from_json(r#"{"levels": [{"name": "user_support", "tier": 1}]}"#)?;
    /// assert!(p.calendars().is_empty());
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    pub fn calendars(&self) -> &BTreeMap<String, BusinessCalendar> {
        &self.calendars
    }

    /// Sets how many extra passes follow the last level, and the wait after
    /// the last level before each pass.
    ///
    /// # Errors
    /// `limit_exceeded` when `repeat` exceeds [`MAX_REPEAT`] or `delay`
    /// exceeds [`MAX_DELAY_SECS`]; `invalid_config` for a negative delay.
    pub fn with_repeat(mut self, repeat: u32, delay: TimeDelta) -> Result<Self> {
        self.repeat = repeat;
        self.repeat_delay = delay;
        self.validate()?;
        Ok(self)
    }

    /// Sets which events stop escalation (duplicates are ignored; an empty
    /// list means nothing stops it but the end of the ladder).
    pub fn with_stop_on(mut self, stop_on: &[StopOn]) -> Self {
        self.stop_on = normalize_stop_on(stop_on.to_vec());
        self
    }

    /// Sets whether critical tickets jump straight to their tier's level.
    pub fn with_critical_immediate(mut self, on: bool) -> Self {
        self.critical_immediate = on;
        self
    }

    /// Sets the SLA-risk rules.
    ///
    /// # Errors
    /// `invalid_config` for a negative or non-finite `at_percent`;
    /// `limit_exceeded` past [`MAX_SLA_RULES`] or [`MAX_SLA_PERCENT`].
    pub fn with_sla_rules(mut self, rules: Vec<SlaRule>) -> Result<Self> {
        self.sla_rules = rules;
        self.validate()?;
        Ok(self)
    }

    /// Parses and validates a JSON policy.
    ///
    /// # Errors
    /// `parse_error` for malformed JSON, unknown keys or values of the wrong
    /// JSON type; otherwise as the validation described on [`EscalationPolicy`].
    pub fn from_json(text: &str) -> Result<Self> {
        let raw: RawPolicy = crate::input::from_json(text)?;
        raw.check()
    }

    /// Parses and validates a TOML policy (same keys as JSON).
    ///
    /// # Examples
    /// ```
    /// let p = opsbrain::escalation::EscalationPolicy::from_toml(r#"
    /// repeat = 1
    /// stop_on = ["resolved"]
    /// [[levels]]
    /// name = "user_support"
    /// tier = 1
    /// [[levels]]
    /// name = "technical"
    /// tier = 2
    /// delay_secs = 900
    /// "#)?;
    /// assert_eq!(p.levels()[1].delay.num_minutes(), 15);
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`Self::from_json`].
    #[cfg(feature = "toml")]
    #[cfg_attr(docsrs, doc(cfg(feature = "toml")))]
    pub fn from_toml(text: &str) -> Result<Self> {
        let raw: RawPolicy = crate::input::from_toml(text)?;
        raw.check()
    }

    /// The policy's JSON form, which [`Self::from_json`] reads back to an
    /// equal policy.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a policy always serialises to JSON")
    }

    /// The levels, in order.
    pub fn levels(&self) -> &[EscalationLevel] {
        &self.levels
    }

    /// Extra passes through the levels after the last one.
    pub fn repeat(&self) -> u32 {
        self.repeat
    }

    /// Wait after the last level before the next pass starts.
    pub fn repeat_delay(&self) -> TimeDelta {
        self.repeat_delay
    }

    /// The events that stop escalation, sorted.
    pub fn stop_on(&self) -> &[StopOn] {
        &self.stop_on
    }

    /// Whether `event` stops escalation.
    pub fn stops_on(&self, event: StopOn) -> bool {
        self.stop_on.contains(&event)
    }

    /// Whether critical tickets jump straight to their tier's level.
    pub fn critical_immediate(&self) -> bool {
        self.critical_immediate
    }

    /// The SLA-risk rules.
    pub fn sla_rules(&self) -> &[SlaRule] {
        &self.sla_rules
    }

    pub(super) fn validate(&self) -> Result<()> {
        if self.levels.is_empty() {
            return Err(Error::invalid_config(
                "levels: at least one level is required",
            ));
        }
        if self.levels.len() > MAX_LEVELS {
            return Err(Error::limit(format!(
                "levels: {} levels; at most {MAX_LEVELS} are allowed",
                self.levels.len()
            )));
        }
        if self.calendars.len() > MAX_LEVELS {
            return Err(Error::limit(format!(
                "calendars: {} calendars; at most {MAX_LEVELS} are allowed",
                self.calendars.len()
            )));
        }
        for (name, cal) in &self.calendars {
            check_name("calendar name", name).map_err(|e| e.at("calendars"))?;
            if cal.week_secs == 0 {
                return Err(Error::invalid_config(format!(
                    "calendars.{name}: the calendar has no opening hours"
                )));
            }
        }
        let mut seen: HashMap<&str, usize> = HashMap::with_capacity(self.levels.len());
        for (i, level) in self.levels.iter().enumerate() {
            let at = format!("levels[{i}]");
            check_name("name", &level.name).map_err(|e| e.at(&at))?;
            if let Some(first) = seen.insert(level.name.as_str(), i) {
                return Err(Error::invalid_config(format!(
                    "{at}.name: duplicate level name {:?} (first at levels[{first}])",
                    level.name
                )));
            }
            check_delay(&format!("{at}.delay_secs"), level.delay.num_seconds())?;
            if let Some(c) = &level.calendar
                && !self.calendars.contains_key(c)
            {
                return Err(Error::invalid_config(format!(
                    "{at}.calendar: unknown calendar {c:?}"
                )));
            }
            if i > 0 && level.tier < self.levels[i - 1].tier {
                return Err(Error::invalid_config(format!(
                    "{at}.tier: {} is below levels[{}].tier {}; tiers must not decrease along the levels",
                    level.tier,
                    i - 1,
                    self.levels[i - 1].tier
                )));
            }
        }
        if self.repeat > MAX_REPEAT {
            return Err(Error::limit(format!(
                "repeat: {} is more than {MAX_REPEAT}",
                self.repeat
            )));
        }
        check_delay("repeat_delay_secs", self.repeat_delay.num_seconds())?;
        if self.sla_rules.len() > MAX_SLA_RULES {
            return Err(Error::limit(format!(
                "sla_rules: {} rules; at most {MAX_SLA_RULES} are allowed",
                self.sla_rules.len()
            )));
        }
        for (i, rule) in self.sla_rules.iter().enumerate() {
            let p = rule.at_percent;
            let at = format!("sla_rules[{i}].at_percent");
            if !p.is_finite() || p < 0.0 {
                return Err(Error::invalid_config(format!(
                    "{at}: {p} must be a finite number at least 0"
                )));
            }
            if p > MAX_SLA_PERCENT {
                return Err(Error::limit(format!(
                    "{at}: {p} is more than {MAX_SLA_PERCENT}"
                )));
            }
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for EscalationPolicy {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        RawPolicy::deserialize(d)?
            .check()
            .map_err(serde::de::Error::custom)
    }
}

pub(super) fn check_delay(at: &str, secs: i64) -> Result<()> {
    if secs < 0 {
        return Err(Error::invalid_config(format!(
            "{at}: {secs} must not be negative"
        )));
    }
    if secs > MAX_DELAY_SECS {
        return Err(Error::limit(format!(
            "{at}: {secs} s is more than 30 days ({MAX_DELAY_SECS} s)"
        )));
    }
    Ok(())
}

pub(super) fn normalize_stop_on(mut v: Vec<StopOn>) -> Vec<StopOn> {
    v.sort_unstable();
    v.dedup();
    v
}
