//! The file forms of tables (raw, unvalidated), shared by JSON and TOML.
//!
//! Values are read leniently (priority as a string, tier as an integer) so that
//! validation, not the parser, reports what is wrong and names the entry.

use std::fmt;

use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::ser::SerializeSeq;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::table::Classification;
use crate::error::{Error, Result};
use crate::types::{Priority, Tier};

/// Whether a user table starts from the built-in one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Extends {
    /// Start empty: the user table replaces the built-in one.
    #[default]
    Nothing,
    /// Start from the built-in table.
    Builtin,
}

impl Extends {
    pub(crate) fn is_builtin(self) -> bool {
        self == Extends::Builtin
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TableFile {
    #[serde(default, skip_serializing_if = "is_nothing")]
    pub(crate) extends: Extends,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) default: Option<RawEntry>,
    #[serde(default)]
    pub(crate) entries: RawEntries,
}

fn is_nothing(e: &Extends) -> bool {
    *e == Extends::Nothing
}

impl TableFile {
    pub(crate) fn from_table(
        entries: &[(String, Classification)],
        default: &Classification,
    ) -> Self {
        TableFile {
            extends: Extends::Nothing,
            default: Some(RawEntry::from_class(None, default)),
            entries: RawEntries(
                entries
                    .iter()
                    .map(|(t, c)| (None, RawEntry::from_class(Some(t.clone()), c)))
                    .collect(),
            ),
        }
    }
}

/// One entry as written; every field optional so validation can name what is missing.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawEntry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) r#type: Option<String>,
    pub(crate) tier: Option<i64>,
    pub(crate) priority: Option<String>,
    pub(crate) department: Option<String>,
}

impl RawEntry {
    fn from_class(ty: Option<String>, c: &Classification) -> Self {
        RawEntry {
            r#type: ty,
            tier: Some(i64::from(c.tier().get())),
            priority: Some(c.priority().as_str().to_owned()),
            department: Some(c.department().to_owned()),
        }
    }

    /// Validates into a [`Classification`]; errors are prefixed with `at` and the type.
    pub(crate) fn validate(self, at: &str, ty: Option<&str>) -> Result<Classification> {
        let here = match ty {
            Some(t) => format!("{at} ({t:?})"),
            None => at.to_owned(),
        };
        let missing =
            |field: &str| Error::invalid_config(format!("{here}: missing field {field:?}"));
        let tier = self.tier.ok_or_else(|| missing("tier"))?;
        let priority = self.priority.ok_or_else(|| missing("priority"))?;
        let department = self.department.ok_or_else(|| missing("department"))?;
        let bad = |e: Error| Error::invalid_config(format!("{here}: {}", e.message));
        let tier = Tier::new(tier).map_err(bad)?;
        let priority: Priority = priority.parse().map_err(bad)?;
        Classification::new(tier, priority, department).map_err(bad)
    }
}

/// Entries as a list of `{type, ...}` objects or a map keyed by type; keeps
/// order and duplicates so validation can report them.
#[derive(Debug, Default)]
pub(crate) struct RawEntries(pub(crate) Vec<(Option<String>, RawEntry)>);

impl Serialize for RawEntries {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for (_, e) in &self.0 {
            seq.serialize_element(e)?;
        }
        seq.end()
    }
}

impl<'de> Deserialize<'de> for RawEntries {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(EntriesVisitor)
    }
}

struct EntriesVisitor;

impl<'de> Visitor<'de> for EntriesVisitor {
    type Value = RawEntries;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of entries or a map from issue type to entry")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<RawEntries, A::Error> {
        let mut out = Vec::new();
        while let Some(e) = seq.next_element::<RawEntry>()? {
            out.push((None, e));
        }
        Ok(RawEntries(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<RawEntries, A::Error> {
        let mut out = Vec::new();
        while let Some((k, e)) = map.next_entry::<String, RawEntry>()? {
            out.push((Some(k), e));
        }
        Ok(RawEntries(out))
    }
}
