//! A user's report, the diagnosis options, and the symptoms found in it.

use super::*;

/// A user's report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Report {
    /// Short title or subject.
    pub title: String,
    /// What the user wrote.
    pub description: String,
    /// Features the user or the form named (ids or names; matched
    /// case-insensitively against the knowledge base).
    pub features: Vec<String>,
}

/// Options of [`extract_symptoms`] and [`diagnose`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct DiagnoseOptions {
    /// IANA time zone for phrases like "since yesterday" (`UTC`).
    pub timezone: String,
    /// Evidence weight of one matched error code (0.6).
    pub error_code_weight: f64,
    /// Of one matched feature (0.35).
    pub feature_weight: f64,
    /// Of one matched keyword or phrase (0.2).
    pub keyword_weight: f64,
    /// Of one matched action (0.25).
    pub action_weight: f64,
    /// Most causes returned (10).
    pub max_causes: usize,
}

impl Default for DiagnoseOptions {
    fn default() -> Self {
        DiagnoseOptions {
            timezone: "UTC".into(),
            error_code_weight: 0.6,
            feature_weight: 0.35,
            keyword_weight: 0.2,
            action_weight: 0.25,
            max_causes: 10,
        }
    }
}

impl DiagnoseOptions {
    pub(crate) fn tz(&self) -> Result<Tz> {
        self.timezone.parse::<Tz>().map_err(|_| {
            Error::invalid_config(format!(
                "options.timezone: unknown time zone {:?}",
                self.timezone
            ))
        })
    }

    pub(crate) fn validate(&self) -> Result<Tz> {
        for (name, w) in [
            ("error_code_weight", self.error_code_weight),
            ("feature_weight", self.feature_weight),
            ("keyword_weight", self.keyword_weight),
            ("action_weight", self.action_weight),
        ] {
            if !(w.is_finite() && (0.0..1.0).contains(&w)) {
                return Err(Error::invalid_config(format!(
                    "options.{name}: {w} is not in [0, 1)"
                )));
            }
        }
        if self.max_causes > MAX_KB_ENTRIES {
            return Err(Error::invalid_config(format!(
                "options.max_causes: at most {MAX_KB_ENTRIES}"
            )));
        }
        self.tz()
    }
}

/// What kind of error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeKind {
    /// An HTTP status (4xx/5xx with context, or any status after "HTTP").
    Http,
    /// A QuickBooks/Intuit-style code (`H202`, `6000, -83`, `OL-301`,
    /// `PS038`, a number after "error" in a QuickBooks report).
    Quickbooks,
    /// An application code (`ERR_SYNC_TIMEOUT`, `AUTH-1001`, `E1234`,
    /// `0x80070057`).
    Application,
}

/// An error code found in a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorCode {
    /// The code as normalised (`503`, `H202`, `-6000,-83`).
    pub code: String,
    /// Its kind.
    pub kind: CodeKind,
}

/// A time phrase resolved against `now`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timeframe {
    /// The phrase as written (lower-cased).
    pub phrase: String,
    /// When the problem started, at the earliest (`None` when it is tied
    /// to an event whose time the report does not give).
    #[serde(default, deserialize_with = "crate::input::optional_instant")]
    pub since: Option<DateTime<Utc>>,
    /// When it ended, for phrases like "yesterday".
    #[serde(default, deserialize_with = "crate::input::optional_instant")]
    pub until: Option<DateTime<Utc>>,
    /// The event it is relative to (`update`, `release`, ...).
    pub event: Option<String>,
}

/// Symptoms extracted from a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Symptoms {
    /// Content words, most frequent first (then first seen).
    pub keywords: Vec<String>,
    /// Error codes, in order of appearance.
    pub error_codes: Vec<ErrorCode>,
    /// What the user was doing ("upload the invoice", "sync").
    pub user_actions: Vec<String>,
    /// Knowledge-base feature ids, from the text and the report's own
    /// list; names the report gave that the knowledge base does not know
    /// are kept as given.
    pub affected_features: Vec<String>,
    /// Time phrases, in order of appearance.
    pub timeframes: Vec<Timeframe>,
}
