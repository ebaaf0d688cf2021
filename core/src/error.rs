//! The one error type of the crate, with a stable string code per kind.
//!
//! Every fallible function in opsbrain returns [`Result<T>`]. The bindings map
//! [`ErrorKind::code`] unchanged: Python exceptions carry it as `.code`, Node
//! errors as `.code`. Codes are part of the public contract: new ones may be
//! added, none is ever renamed.
//!
//! # Examples
//! ```
//! use opsbrain::{ErrorKind, Tier};
//! let e = Tier::new(7).unwrap_err();
//! assert_eq!((e.kind, e.code()), (ErrorKind::InvalidInput, "invalid_input"));
//! assert_eq!(e.to_string(), "tier 7 is outside 1..=4");
//! // Locations are prefixed as errors travel up a request.
//! assert_eq!(e.at("tickets[3].tier").message, "tickets[3].tier: tier 7 is outside 1..=4");
//! ```

use std::fmt;

/// Result alias used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, as a closed set of stable codes.
///
/// # Examples
/// ```
/// use opsbrain::ErrorKind;
/// assert_eq!(ErrorKind::InvalidConfig.code(), "invalid_config");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// An argument has a bad value.
    InvalidInput,
    /// An argument or a request value has the wrong type (an object where a
    /// list goes, a string where a number goes), in every reader.
    InvalidType,
    /// A required field or key is missing, in every reader.
    MissingKey,
    /// A table, policy or calendar fails validation; the message names the field.
    InvalidConfig,
    /// Malformed JSON or TOML.
    ParseError,
    /// Array shapes do not agree.
    DimensionMismatch,
    /// A model was used before it was fitted.
    NotFitted,
    /// A serialised model carries a format version this build does not know.
    UnsupportedVersion,
    /// A request exceeds a documented bound (see [`crate::limits`]).
    LimitExceeded,
}

impl ErrorKind {
    /// Every kind, in declaration order (the error catalogue the bindings expose).
    pub const ALL: [ErrorKind; 9] = [
        ErrorKind::InvalidInput,
        ErrorKind::InvalidType,
        ErrorKind::MissingKey,
        ErrorKind::InvalidConfig,
        ErrorKind::ParseError,
        ErrorKind::DimensionMismatch,
        ErrorKind::NotFitted,
        ErrorKind::UnsupportedVersion,
        ErrorKind::LimitExceeded,
    ];

    /// The stable snake_case code of this kind.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(opsbrain::ErrorKind::LimitExceeded.code(), "limit_exceeded");
    /// ```
    pub const fn code(self) -> &'static str {
        match self {
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::InvalidType => "invalid_type",
            ErrorKind::MissingKey => "missing_key",
            ErrorKind::InvalidConfig => "invalid_config",
            ErrorKind::ParseError => "parse_error",
            ErrorKind::DimensionMismatch => "dimension_mismatch",
            ErrorKind::NotFitted => "not_fitted",
            ErrorKind::UnsupportedVersion => "unsupported_version",
            ErrorKind::LimitExceeded => "limit_exceeded",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// An error: a [`ErrorKind`] plus a message that names the offending input.
///
/// # Examples
/// ```
/// use opsbrain::classify::ClassificationTable;
/// let err = ClassificationTable::from_json("{not json").unwrap_err();
/// assert_eq!(err.code(), "parse_error");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
#[non_exhaustive]
pub struct Error {
    /// The kind, whose [`ErrorKind::code`] is stable.
    pub kind: ErrorKind,
    /// Human-readable description naming the bad field, entry or value.
    pub message: String,
}

impl Error {
    /// Builds an error of `kind` with `message`.
    ///
    /// # Examples
    /// ```
    /// use opsbrain::{Error, ErrorKind};
    /// let e = Error::new(ErrorKind::InvalidInput, "channel \"fax\" is unknown");
    /// assert_eq!(e.to_string(), "channel \"fax\" is unknown");
    /// ```
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
        }
    }

    /// Shorthand for the stable code of [`Error::kind`].
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }

    /// Prefixes the message with a location (`"tickets[3]: "`), keeping the kind.
    #[must_use]
    pub fn at(self, location: impl fmt::Display) -> Self {
        Error {
            kind: self.kind,
            message: format!("{location}: {}", self.message),
        }
    }

    pub(crate) fn invalid_input(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::InvalidInput, message)
    }

    #[cfg(any(
        feature = "classify",
        feature = "cache",
        feature = "anomaly",
        feature = "capacity"
    ))]
    pub(crate) fn invalid_config(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::InvalidConfig, message)
    }

    pub(crate) fn limit(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::LimitExceeded, message)
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::new(ErrorKind::ParseError, format!("invalid JSON: {e}"))
    }
}

#[cfg(feature = "toml")]
impl From<toml::de::Error> for Error {
    fn from(e: toml::de::Error) -> Self {
        Error::new(ErrorKind::ParseError, format!("invalid TOML: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_snake_case() {
        let mut codes: Vec<&str> = ErrorKind::ALL.iter().map(|k| k.code()).collect();
        assert!(
            codes
                .iter()
                .all(|c| c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_'))
        );
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), ErrorKind::ALL.len());
    }

    #[test]
    fn at_prefixes_location_and_keeps_kind() {
        let e = Error::invalid_input("bad").at("tickets[2]");
        assert_eq!(e.kind, ErrorKind::InvalidInput);
        assert_eq!(e.message, "tickets[2]: bad");
    }
}
