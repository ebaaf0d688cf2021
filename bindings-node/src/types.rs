//! Shared types: the string enums of core `types` (runtime objects and
//! TypeScript unions) and the `SlaPolicy` class that the sla and kpi
//! families both take.

use napi::bindgen_prelude::Unknown;
use napi_derive::napi;
use opsbrain::sla;

use crate::convert::scalar;
use crate::errors::{self, run};

/// How urgent an issue is, from lowest to highest.
#[napi(string_enum = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    /// Can wait.
    Low,
    /// The default.
    Medium,
    /// Affects work now.
    High,
    /// Outage, security or data at risk.
    Critical,
}

/// The channel a ticket arrived on; tier 1's first-response target depends on it.
#[napi(string_enum = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// In-app live chat.
    Chat,
    /// Email (the default).
    Email,
    /// Phone lines.
    Phone,
    /// The self-service portal's ticket form.
    Portal,
}

/// What a holiday closes.
#[napi(string_enum = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HolidayRule {
    /// The local date is closed from 00:00 to 24:00 (the default).
    CalendarDate,
    /// Every window that starts on the holiday is cancelled.
    ShiftStartDate,
}

/// A simulated eviction policy.
#[napi(string_enum = "snake_case", namespace = "cache")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// Least recently used.
    Lru,
    /// First in, first out.
    Fifo,
    /// In-cache LFU (ties by least recent access).
    Lfu,
    /// W-TinyLFU: a 1% LRU window, a segmented LRU main region and a
    /// count-min sketch admission filter, as in Caffeine.
    #[napi(value = "w_tiny_lfu")]
    WTinyLfu,
}

/// How a cache type is filled and kept fresh.
#[napi(string_enum = "snake_case", namespace = "cache")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheStrategy {
    /// Writes go to the cache and the store together.
    WriteThrough,
    /// Filled on a miss.
    LazyLoading,
    /// Refreshed before expiry.
    RefreshAhead,
    /// The application reads around the cache.
    CacheAside,
}

/// SLA targets per tier and priority, on business calendars.
#[napi]
#[derive(Debug, Clone)]
pub struct SlaPolicy {
    /// The core policy.
    pub(crate) inner: sla::SlaPolicy,
}

#[napi]
impl SlaPolicy {
    /// The built-in policy.
    #[napi(constructor)]
    pub fn new() -> Self {
        Self::builtin()
    }

    /// The framework's built-in policy.
    #[napi(factory)]
    pub fn builtin() -> Self {
        SlaPolicy {
            inner: sla::SlaPolicy::builtin(),
        }
    }

    /// Parses and validates a JSON policy.
    #[napi(factory, ts_args_type = "text: string")]
    pub fn from_json(text: Unknown<'_>) -> errors::Result<Self> {
        run(|| {
            sla::SlaPolicy::from_json(&scalar::string("text", &text)?).map(|inner| Self { inner })
        })
    }

    /// Parses and validates a TOML policy.
    #[napi(factory, ts_args_type = "text: string")]
    pub fn from_toml(text: Unknown<'_>) -> errors::Result<Self> {
        run(|| {
            sla::SlaPolicy::from_toml(&scalar::string("text", &text)?).map(|inner| Self { inner })
        })
    }

    /// The policy as JSON.
    #[napi]
    pub fn to_json(&self) -> String {
        self.inner.to_json()
    }
}

impl Default for SlaPolicy {
    fn default() -> Self {
        Self::builtin()
    }
}

impl From<opsbrain::Priority> for Priority {
    fn from(p: opsbrain::Priority) -> Self {
        match p {
            opsbrain::Priority::Low => Priority::Low,
            opsbrain::Priority::Medium => Priority::Medium,
            opsbrain::Priority::High => Priority::High,
            opsbrain::Priority::Critical => Priority::Critical,
        }
    }
}
