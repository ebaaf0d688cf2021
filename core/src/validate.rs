//! Checks shared by every module that reads configuration.

use crate::error::{Error, Result};
use crate::limits;

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
