//! The troubleshooting assistant: symptoms from a user's report, matched
//! against a knowledge base given as data, to ranked causes, diagnostic
//! steps and resolutions.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Datelike, Duration, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::classify::{ClassificationTable, LiteralKind, RuleSet, RuleSpec};
use crate::error::{Error, Result};
use crate::limits;
use crate::validate::{check_instant, check_name};

mod extract;
mod kb;
mod patterns;
mod rank;
mod report;
mod stopwords;
mod timeframe;

pub use extract::*;
pub use kb::*;
use patterns::*;
pub use rank::*;
pub use report::*;
use stopwords::*;
use timeframe::*;

/// Largest report accepted (title + description), 1 MiB: past it,
/// `limit_exceeded`. Everything below is linear in the text.
pub const MAX_REPORT_BYTES: usize = limits::MAX_TICKET_TEXT_BYTES;

/// Most causes, resolutions or features in one knowledge base.
pub const MAX_KB_ENTRIES: usize = 10_000;

/// Most items of each kind reported in [`Symptoms`] (keywords, error
/// codes, actions, timeframes).
pub const MAX_SYMPTOMS: usize = 32;

#[cfg(test)]
mod tests;
