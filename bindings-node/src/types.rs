//! Shared types: the string enums of core `types` (runtime objects and
//! TypeScript unions), the [`class!`] declaration of classes wrapping core
//! values, and the `SlaPolicy` class that the sla and kpi families both
//! take.

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

/// Declares a class holding a core value (`inner`, with `From`) and the
/// members listed after it, each delegating to the core type's item of the
/// same name: `new` (the constructor) and `builtin` (also `Default`) give
/// the value `= expr`; `from_json`/`from_toml` parse and validate a text;
/// `to_json` writes one. Docs are string literals, one per line (napi
/// renders doc comments passed through a macro with their raw-string
/// prefix).
macro_rules! class {
    (
        $($doc:literal)+
        #[napi $attr:tt]
        pub struct $class:ident($core:ty);
        $($($mdoc:literal)+ fn $member:ident $(= $value:expr)?;)*
    ) => {
        $(#[doc = $doc])+
        #[napi $attr]
        #[derive(Debug, Clone)]
        pub struct $class {
            /// The core value.
            pub(crate) inner: $core,
        }

        impl From<$core> for $class {
            fn from(inner: $core) -> Self {
                $class { inner }
            }
        }

        $($crate::types::class!(@$member $attr $class $core [$($mdoc)+] $($value)?);)*
    };
    (@new $attr:tt $class:ident $core:ty [$($doc:literal)+] $value:expr) => {
        #[napi $attr]
        impl $class {
            $(#[doc = $doc])+
            #[napi(constructor)]
            pub fn new() -> Self {
                $class { inner: $value }
            }
        }
    };
    (@builtin $attr:tt $class:ident $core:ty [$($doc:literal)+] $value:expr) => {
        #[napi $attr]
        impl $class {
            $(#[doc = $doc])+
            #[napi(factory)]
            pub fn builtin() -> Self {
                $class { inner: $value }
            }
        }

        impl Default for $class {
            fn default() -> Self {
                Self::builtin()
            }
        }
    };
    (@from_json $attr:tt $class:ident $core:ty [$($doc:literal)+]) => {
        #[napi $attr]
        impl $class {
            $(#[doc = $doc])+
            #[napi(factory, ts_args_type = "text: string")]
            pub fn from_json(text: napi::bindgen_prelude::Unknown<'_>) -> $crate::errors::Result<Self> {
                $crate::types::parsed("text", &text, <$core>::from_json)
            }
        }
    };
    (@from_toml $attr:tt $class:ident $core:ty [$($doc:literal)+]) => {
        #[napi $attr]
        impl $class {
            $(#[doc = $doc])+
            #[napi(factory, ts_args_type = "text: string")]
            pub fn from_toml(text: napi::bindgen_prelude::Unknown<'_>) -> $crate::errors::Result<Self> {
                $crate::types::parsed("text", &text, <$core>::from_toml)
            }
        }
    };
    (@to_json $attr:tt $class:ident $core:ty [$($doc:literal)+]) => {
        #[napi $attr]
        impl $class {
            $(#[doc = $doc])+
            #[napi]
            pub fn to_json(&self) -> String {
                self.inner.to_json()
            }
        }
    };
}

pub(crate) use class;

/// A class of the core value that `parse` reads from the string argument `v`.
pub fn parsed<C, T: From<C>>(
    path: &str,
    v: &Unknown<'_>,
    parse: impl FnOnce(&str) -> opsbrain::Result<C>,
) -> errors::Result<T> {
    run(|| parse(&scalar::string(path, v)?).map(T::from))
}

class! {
    "SLA targets per tier and priority, on business calendars."
    #[napi()]
    pub struct SlaPolicy(sla::SlaPolicy);
    "The built-in policy."
    fn new = sla::SlaPolicy::builtin();
    "The framework's built-in policy."
    fn builtin = sla::SlaPolicy::builtin();
    "Parses and validates a JSON policy."
    fn from_json;
    "Parses and validates a TOML policy."
    fn from_toml;
    "The policy as JSON."
    fn to_json;
}
