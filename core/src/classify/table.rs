//! The issue-type table: issue type -> (tier, priority, department), and the
//! [`Route`] it yields.

use std::collections::HashMap;

use chrono::TimeDelta;
use serde::{Deserialize, Serialize};

use super::config::{RawEntry, TableFile};
use crate::error::{Error, Result};
use crate::limits;
use crate::types::{Channel, Priority, Tier};
use crate::validate::check_name;

/// Where an issue type goes: its tier, priority and owning department.
///
/// # Examples
/// ```
/// use opsbrain::classify::Classification;
/// use opsbrain::{Priority, Tier};
/// let c = Classification::new(Tier::new(2)?, Priority::High, "technical")?;
/// assert_eq!(c.department(), "technical");
/// # Ok::<(), opsbrain::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Classification {
    tier: Tier,
    priority: Priority,
    department: String,
}

impl Classification {
    /// Builds a classification.
    ///
    /// # Errors
    /// `invalid_config` when `department` is blank or longer than
    /// [`limits::MAX_NAME_BYTES`].
    pub fn new(tier: Tier, priority: Priority, department: impl Into<String>) -> Result<Self> {
        let department = department.into();
        check_name("department", &department)?;
        Ok(Classification {
            tier,
            priority,
            department,
        })
    }

    /// The support tier.
    pub fn tier(&self) -> Tier {
        self.tier
    }

    /// The priority.
    pub fn priority(&self) -> Priority {
        self.priority
    }

    /// The owning department (`"user_support"`, `"security"`, ...).
    pub fn department(&self) -> &str {
        &self.department
    }
}

/// The result of classifying one issue type for one channel.
///
/// Serialises as `{"issue_type", "tier", "priority", "department", "channel",
/// "first_response_secs"}`.
///
/// # Examples
/// ```
/// use opsbrain::classify::ClassificationTable;
/// let route = ClassificationTable::builtin().classify("api_errors");
/// assert_eq!(route.tier.get(), 2);
/// assert_eq!(route.department, "technical");
/// assert_eq!(route.first_response.num_minutes(), 30);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Route {
    /// The issue type that was classified, as given.
    pub issue_type: String,
    /// Support tier, 1 to 4.
    pub tier: Tier,
    /// Priority.
    pub priority: Priority,
    /// Owning department.
    pub department: String,
    /// Channel the ticket arrived on.
    pub channel: Channel,
    /// The tier's first-response target (see [`first_response_target`]).
    #[serde(rename = "first_response_secs", with = "crate::serde_secs")]
    pub first_response: TimeDelta,
}

/// The framework's first-response target for a tier and channel.
///
/// Tier 1: chat 15 min, email 1 h; phone is answered like chat (15 min) and
/// portal tickets like email (1 h), since the framework names only chat and
/// email. Tier 2: 30 min. Tier 3: 15 min. Tier 4: 30 min.
///
/// # Examples
/// ```
/// use opsbrain::classify::first_response_target;
/// use opsbrain::{Channel, Tier};
/// assert_eq!(first_response_target(Tier::new(1)?, Channel::Email).num_minutes(), 60);
/// assert_eq!(first_response_target(Tier::new(3)?, Channel::Email).num_minutes(), 15);
/// # Ok::<(), opsbrain::Error>(())
/// ```
pub fn first_response_target(tier: Tier, channel: Channel) -> TimeDelta {
    let minutes = match (tier.get(), channel) {
        (1, Channel::Chat | Channel::Phone) => 15,
        (1, Channel::Email | Channel::Portal) => 60,
        (2, _) => 30,
        (3, _) => 15,
        _ => 30,
    };
    TimeDelta::minutes(minutes)
}

/// The framework's table, exactly (issue type, tier, priority, department).
const BUILTIN: [(&str, u8, Priority, &str); 15] = [
    ("login_failed", 1, Priority::Medium, "user_support"),
    ("password_reset", 1, Priority::Low, "user_support"),
    ("mfa_issues", 1, Priority::Medium, "user_support"),
    ("quickbooks_sync_failed", 2, Priority::High, "integrations"),
    ("api_errors", 2, Priority::High, "technical"),
    ("webhook_failures", 2, Priority::Medium, "integrations"),
    ("slow_response_times", 3, Priority::High, "infrastructure"),
    (
        "system_unavailable",
        3,
        Priority::Critical,
        "infrastructure",
    ),
    ("data_corruption", 3, Priority::Critical, "database"),
    ("security_breach", 4, Priority::Critical, "security"),
    ("unauthorized_access", 3, Priority::Critical, "security"),
    ("data_leak", 4, Priority::Critical, "security"),
    ("payment_failures", 3, Priority::Critical, "billing"),
    ("data_loss", 4, Priority::Critical, "infrastructure"),
    ("compliance_violation", 4, Priority::Critical, "compliance"),
];

/// Maps issue types to [`Classification`]s, with a fallback for unknown types.
///
/// Built-in: the framework's 15 types, and tier 1 / medium / `general` for
/// any other. A user table in JSON or TOML replaces it, or extends it with
/// `"extends": "builtin"` (user entries then override built-in ones of the
/// same type). Lookups are exact and case-sensitive.
///
/// File format (JSON; TOML takes the same keys):
/// ```json
/// {"extends": "builtin",
///  "default": {"tier": 1, "priority": "medium", "department": "general"},
///  "entries": [{"type": "refund_request", "tier": 2, "priority": "high", "department": "billing"}]}
/// ```
/// `entries` may also be an object keyed by type, as in the framework:
/// `{"refund_request": {"tier": 2, "priority": "high", "department": "billing"}}`.
///
/// # Examples
/// ```
/// use opsbrain::classify::ClassificationTable;
/// let table = ClassificationTable::from_json(r#"{"extends": "builtin",
///     "entries": {"refund_request": {"tier": 2, "priority": "high", "department": "billing"}}}"#)?;
/// assert_eq!(table.classify("refund_request").department, "billing");
/// assert_eq!(table.classify("password_reset").priority.as_str(), "low");
/// assert_eq!(table.classify("printer_on_fire").department, "general");
/// # Ok::<(), opsbrain::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassificationTable {
    entries: Vec<(String, Classification)>,
    index: HashMap<String, usize>,
    default: Classification,
}

impl ClassificationTable {
    /// The framework's built-in table.
    ///
    /// # Examples
    /// ```
    /// let t = opsbrain::classify::ClassificationTable::builtin();
    /// assert_eq!(t.len(), 15);
    /// ```
    pub fn builtin() -> Self {
        let entries = BUILTIN
            .iter()
            .map(|&(ty, tier, priority, department)| {
                let class = Classification {
                    tier: Tier(tier),
                    priority,
                    department: department.to_owned(),
                };
                (ty.to_owned(), class)
            })
            .collect();
        Self::from_parts(entries, Self::builtin_default())
    }

    fn builtin_default() -> Classification {
        Classification {
            tier: Tier::MIN,
            priority: Priority::Medium,
            department: "general".to_owned(),
        }
    }

    fn from_parts(entries: Vec<(String, Classification)>, default: Classification) -> Self {
        let index = entries
            .iter()
            .enumerate()
            .map(|(i, (ty, _))| (ty.clone(), i))
            .collect();
        ClassificationTable {
            entries,
            index,
            default,
        }
    }

    /// Parses and validates a JSON table.
    ///
    /// # Errors
    /// `parse_error` for malformed JSON or unknown keys; `invalid_config` for
    /// a tier outside 1..=4, an unknown priority, an empty department or a
    /// duplicate type (the message names the entry); `limit_exceeded` past
    /// [`limits::MAX_CONFIG_BYTES`] or [`limits::MAX_TABLE_ENTRIES`].
    pub fn from_json(text: &str) -> Result<Self> {
        let file: TableFile = crate::input::from_json(text)?;
        Self::from_file(file)
    }

    /// Parses and validates a TOML table (same keys as [`Self::from_json`]).
    ///
    /// # Examples
    /// ```
    /// let t = opsbrain::classify::ClassificationTable::from_toml(r#"
    /// [[entries]]
    /// type = "refund_request"
    /// tier = 2
    /// priority = "high"
    /// department = "billing"
    /// "#)?;
    /// assert_eq!(t.len(), 1);
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`Self::from_json`].
    #[cfg(feature = "toml")]
    #[cfg_attr(docsrs, doc(cfg(feature = "toml")))]
    pub fn from_toml(text: &str) -> Result<Self> {
        let file: TableFile = crate::input::from_toml(text)?;
        Self::from_file(file)
    }

    fn from_file(file: TableFile) -> Result<Self> {
        let raw = file.entries.0;
        if raw.len() > limits::MAX_TABLE_ENTRIES {
            return Err(Error::limit(format!(
                "table has {} entries; at most {} are allowed",
                raw.len(),
                limits::MAX_TABLE_ENTRIES
            )));
        }
        let (mut entries, default) = if file.extends.is_builtin() {
            let b = Self::builtin();
            (b.entries, b.default)
        } else {
            (Vec::new(), Self::builtin_default())
        };
        let default = match file.default {
            Some(d) => d.validate("default", None)?,
            None => default,
        };
        let base_len = entries.len();
        let mut index: HashMap<String, usize> = entries
            .iter()
            .enumerate()
            .map(|(i, (t, _))| (t.clone(), i))
            .collect();
        let mut first_seen: HashMap<String, usize> = HashMap::with_capacity(raw.len());
        for (pos, (key, entry)) in raw.into_iter().enumerate() {
            let at = format!("entries[{pos}]");
            let ty = entry_type(&at, key, &entry)?;
            let class = entry.validate(&at, Some(&ty))?;
            if let Some(first) = first_seen.insert(ty.clone(), pos) {
                return Err(Error::invalid_config(format!(
                    "{at}: duplicate type {ty:?} (first defined at entries[{first}])"
                )));
            }
            match index.get(&ty) {
                Some(&i) if i < base_len => entries[i].1 = class,
                _ => {
                    index.insert(ty.clone(), entries.len());
                    entries.push((ty, class));
                }
            }
        }
        Ok(ClassificationTable {
            entries,
            index,
            default,
        })
    }

    /// Serialises the full table (never with `extends`) as JSON that
    /// [`Self::from_json`] reads back to an equal table.
    ///
    /// # Examples
    /// ```
    /// use opsbrain::classify::ClassificationTable;
    /// let t = ClassificationTable::builtin();
    /// assert_eq!(ClassificationTable::from_json(&t.to_json())?, t);
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a table always serialises to JSON")
    }

    /// Classifies `issue_type` for the email channel (see [`Self::classify_for`]).
    pub fn classify(&self, issue_type: &str) -> Route {
        self.classify_for(issue_type, Channel::Email)
    }

    /// Classifies `issue_type` for `channel`; an unknown type gets the
    /// table's default classification.
    ///
    /// # Examples
    /// ```
    /// use opsbrain::classify::ClassificationTable;
    /// use opsbrain::Channel;
    /// let r = ClassificationTable::builtin().classify_for("login_failed", Channel::Chat);
    /// assert_eq!(r.first_response.num_minutes(), 15);
    /// ```
    pub fn classify_for(&self, issue_type: &str, channel: Channel) -> Route {
        let class = self.get(issue_type).unwrap_or(&self.default);
        Route {
            issue_type: issue_type.to_owned(),
            tier: class.tier,
            priority: class.priority,
            department: class.department.clone(),
            channel,
            first_response: first_response_target(class.tier, channel),
        }
    }

    /// The classification of a known type, or `None`.
    pub fn get(&self, issue_type: &str) -> Option<&Classification> {
        self.index.get(issue_type).map(|&i| &self.entries[i].1)
    }

    /// Whether `issue_type` has its own entry.
    pub fn contains(&self, issue_type: &str) -> bool {
        self.index.contains_key(issue_type)
    }

    /// The classification used for unknown types.
    pub fn default_classification(&self) -> &Classification {
        &self.default
    }

    /// Entries in table order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Classification)> {
        self.entries.iter().map(|(t, c)| (t.as_str(), c))
    }

    /// Number of entries (not counting the default).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the table has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl Default for ClassificationTable {
    fn default() -> Self {
        Self::builtin()
    }
}

impl Serialize for ClassificationTable {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        TableFile::from_table(&self.entries, &self.default).serialize(s)
    }
}

impl<'de> Deserialize<'de> for ClassificationTable {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let file = TableFile::deserialize(d)?;
        Self::from_file(file).map_err(serde::de::Error::custom)
    }
}

fn entry_type(at: &str, key: Option<String>, entry: &RawEntry) -> Result<String> {
    let ty = match (key, &entry.r#type) {
        (Some(k), None) => k,
        (None, Some(t)) => t.clone(),
        (Some(k), Some(t)) if &k == t => k,
        (Some(k), Some(t)) => {
            return Err(Error::invalid_config(format!(
                "{at}: key {k:?} and \"type\" {t:?} disagree"
            )));
        }
        (None, None) => {
            return Err(Error::invalid_config(format!(
                "{at}: missing field \"type\""
            )));
        }
    };
    check_name("type", &ty).map_err(|e| e.at(at))?;
    Ok(ty)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_matches_framework() {
        let t = ClassificationTable::builtin();
        let r = t.classify("security_breach");
        assert_eq!(
            (r.tier.get(), r.priority, r.department.as_str()),
            (4, Priority::Critical, "security")
        );
        let r = t.classify("unauthorized_access");
        assert_eq!(r.tier.get(), 3);
        let r = t.classify("nope");
        assert_eq!(
            (r.tier.get(), r.priority, r.department.as_str()),
            (1, Priority::Medium, "general")
        );
    }

    #[test]
    fn validation_names_the_entry() {
        let bad = r#"{"entries": [{"type": "a", "tier": 1, "priority": "low", "department": "x"},
                                  {"type": "b", "tier": 7, "priority": "low", "department": "x"}]}"#;
        let e = ClassificationTable::from_json(bad).unwrap_err();
        assert_eq!(e.code(), "invalid_config");
        assert!(
            e.message.contains("entries[1]") && e.message.contains("\"b\""),
            "{}",
            e.message
        );

        let dup = r#"{"entries": [{"type": "a", "tier": 1, "priority": "low", "department": "x"},
                                  {"type": "a", "tier": 2, "priority": "low", "department": "x"}]}"#;
        let e = ClassificationTable::from_json(dup).unwrap_err();
        assert!(e.message.contains("duplicate type \"a\""), "{}", e.message);

        let e = ClassificationTable::from_json(
            r#"{"entries": {"a": {"tier": 1, "priority": "urgent", "department": "x"}}}"#,
        )
        .unwrap_err();
        assert_eq!(e.code(), "invalid_config");
        assert!(e.message.contains("urgent"), "{}", e.message);

        let e = ClassificationTable::from_json(
            r#"{"entries": {"a": {"tier": 1, "priority": "low", "department": " "}}}"#,
        )
        .unwrap_err();
        assert!(e.message.contains("department"), "{}", e.message);
    }

    #[test]
    fn extends_overrides_builtin_in_place() {
        let t = ClassificationTable::from_json(
            r#"{"extends": "builtin", "entries": {"password_reset": {"tier": 1, "priority": "high", "department": "user_support"}}}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.len(), 15);
        assert_eq!(t.classify("password_reset").priority, Priority::High);
        assert_eq!(t.iter().nth(1).map(|(k, _)| k), Some("password_reset"));
    }

    #[test]
    fn duplicate_map_keys_are_rejected() {
        let dup = r#"{"entries": {"a": {"tier": 1, "priority": "low", "department": "x"},
                                  "a": {"tier": 2, "priority": "low", "department": "x"}}}"#;
        let e = ClassificationTable::from_json(dup).unwrap_err();
        assert_eq!(e.code(), "invalid_config");
    }
}
