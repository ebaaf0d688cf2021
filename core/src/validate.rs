//! Checks shared by every module that reads configuration.

use chrono::{DateTime, Utc};

use crate::error::{Error, Result};
use crate::limits;

// Every family checks names; the shared readers (input) do not.
#[cfg(any(
    feature = "classify",
    feature = "cache",
    feature = "anomaly",
    feature = "capacity"
))]
pub(crate) fn check_name(what: &str, name: &str) -> Result<()> {
    if name.trim().is_empty() {
        return Err(Error::invalid_config(format!("{what} must not be empty")));
    }
    if name.len() > limits::MAX_NAME_BYTES {
        return Err(Error::invalid_config(format!(
            "{what} is {} bytes long; at most {} are allowed",
            name.len(),
            limits::MAX_NAME_BYTES
        )));
    }
    Ok(())
}

pub(crate) fn check_config_size(text: &str) -> Result<()> {
    if text.len() > limits::MAX_CONFIG_BYTES {
        return Err(Error::limit(format!(
            "configuration text is {} bytes; at most {} are allowed",
            text.len(),
            limits::MAX_CONFIG_BYTES
        )));
    }
    Ok(())
}

/// Instants from 0001-01-02 to 9999-12-31 are supported (so that every
/// bounded search stays inside chrono's range).
pub(crate) fn check_instant(t: DateTime<Utc>, what: &str) -> Result<()> {
    const MIN: i64 = -62_135_596_800 + 86_400; // 0001-01-02T00:00:00Z
    const MAX: i64 = 253_402_300_800 - 86_400; // 9999-12-31T00:00:00Z
    if (MIN..MAX).contains(&t.timestamp()) {
        Ok(())
    } else {
        Err(Error::invalid_input(format!(
            "{what} {t} is outside the supported years 1 to 9999"
        )))
    }
}
