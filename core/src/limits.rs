//! Documented bounds. Input past any of them is refused with
//! [`ErrorKind::LimitExceeded`](crate::ErrorKind::LimitExceeded), never a hang
//! or an unbounded allocation; each is checked while reading, before the
//! work it bounds.
//!
//! Every bound of the crate is listed here: the shared ones (text sizes,
//! rule sets, ticket batches, traces) as constants of this module, and each
//! family's own in a submodule ([`anomaly`], [`cache`], [`calendar`],
//! [`capacity`], [`classify`], [`escalation`], [`kpi`], [`ops`], [`sla`],
//! [`stats`])
//! that re-exports them from where they are defined (the same constants
//! under both paths). Each constant's documentation says what it bounds and
//! why it is set where it is. A service with tighter needs checks its own
//! smaller bounds before calling in (see the example).
//!
//! # Examples
//! Input past a bound is refused before any work:
//! ```
//! use opsbrain::limits::MAX_TICKET_TEXT_BYTES;
//! let body = "x".repeat(MAX_TICKET_TEXT_BYTES + 1);
//! let e = opsbrain::classify::Router::builtin()
//!     .route_ticket(&opsbrain::classify::Ticket::new(body))
//!     .unwrap_err();
//! assert_eq!(e.code(), "limit_exceeded");
//! ```

/// Largest JSON or TOML text accepted for a table or rule set (16 MiB).
pub const MAX_CONFIG_BYTES: usize = 16 * 1024 * 1024;

/// Largest JSON request body [`crate::input::from_body`] reads (64 MiB).
pub const MAX_REQUEST_BYTES: usize = 64 * 1024 * 1024;

/// Most entries in one classification table.
pub const MAX_TABLE_ENTRIES: usize = 100_000;

/// Most rules in one rule set.
pub const MAX_RULES: usize = 100_000;

/// Most phrases + keywords + error-code patterns in one rule.
pub const MAX_PATTERNS_PER_RULE: usize = 1_000;

/// Longest single phrase, keyword or error-code pattern, in bytes.
pub const MAX_PATTERN_BYTES: usize = 1_000;

/// Most error-code patterns across a whole rule set (they compile into one
/// linear-time regex set, whose size is also capped by [`MAX_REGEX_BYTES`]).
/// Which bound binds first depends on the patterns: 10,000 ASCII patterns
/// such as `QB-?[0-9]{3,5}N` fit the size cap, while Unicode classes compile
/// larger (about 2,000 of `QB-?\d{3,5}N` fit, 5,000 do not: write `[0-9]`
/// for ASCII digits). Either way a rule set compiles in about a second at
/// most on a 2-core machine, or is refused with `limit_exceeded`.
pub const MAX_ERROR_CODE_PATTERNS: usize = 10_000;

/// Memory cap for the compiled error-code regex set (64 MiB).
pub const MAX_REGEX_BYTES: usize = 64 * 1024 * 1024;

/// Longest name (issue type, rule name, department), in bytes.
pub const MAX_NAME_BYTES: usize = 256;

/// Largest subject + body of one ticket (1 MiB).
pub const MAX_TICKET_TEXT_BYTES: usize = 1024 * 1024;

/// Most error codes attached to one ticket.
pub const MAX_TICKET_ERROR_CODES: usize = 256;

/// Most tickets in one batch call.
pub const MAX_BATCH_TICKETS: usize = 10_000_000;

/// Most accesses in one cache trace (2^32 - 1, so positions fit in `u32`).
pub const MAX_TRACE_LEN: usize = u32::MAX as usize;

/// Most cache sizes in one request (curve points, simulated capacities).
pub const MAX_CACHE_SIZES: usize = 10_000;

/// Largest simulated cache capacity, in entries.
pub const MAX_CACHE_CAPACITY: usize = 1 << 30;

/// Bounds of [`crate::anomaly`]: forest size (trees, nodes, columns), the
/// size of a saved model, monitor groups and worker threads.
///
/// ```
/// use opsbrain::anomaly::IsolationForestParams;
/// use opsbrain::limits::anomaly::MAX_ESTIMATORS;
/// let x = opsbrain::ndarray::array![[0.0], [1.0], [2.0]];
/// let e = IsolationForestParams::new().n_estimators(MAX_ESTIMATORS + 1).fit(&x).unwrap_err();
/// assert_eq!(e.code(), "limit_exceeded");
/// ```
#[cfg(feature = "anomaly")]
#[cfg_attr(docsrs, doc(cfg(feature = "anomaly")))]
pub mod anomaly {
    pub use crate::anomaly::stream::{MAX_BATCH_POINTS, MAX_STREAM_VALUE};
    pub use crate::anomaly::{
        MAX_ESTIMATORS, MAX_FEATURES, MAX_GROUPS, MAX_MODEL_BYTES, MAX_THREADS, MAX_TOTAL_NODES,
    };
}

/// Bounds of [`crate::cache`]: traces, capacities and curve sizes (shared,
/// re-exported here), hash partitions of a trace and the warming window.
///
/// ```
/// use opsbrain::cache::{warm_candidates, Trace};
/// use opsbrain::limits::cache::MAX_WINDOW_SECS;
/// let keys = [1u64, 2, 1];
/// let trace = Trace::new(&keys)?.with_timestamps(&[0.0, 1.0, 2.0])?;
/// let e = warm_candidates(&trace, 3.0, MAX_WINDOW_SECS * 2.0, 5, 60.0).unwrap_err();
/// assert_eq!(e.code(), "invalid_input");
/// # Ok::<(), opsbrain::Error>(())
/// ```
#[cfg(feature = "cache")]
#[cfg_attr(docsrs, doc(cfg(feature = "cache")))]
pub mod cache {
    pub use super::{MAX_CACHE_CAPACITY, MAX_CACHE_SIZES, MAX_TRACE_LEN};
    pub use crate::cache::{
        MAX_TRACE_BYTES, MAX_TRACE_PARTITIONS, MAX_WINDOW_SECS, MIN_HALF_LIFE_SECS,
    };
}

/// Bounds of [`crate::calendar`]: holidays, windows per day, pauses, the
/// deadline search horizon and batch rows.
///
/// ```
/// use chrono::{TimeDelta, TimeZone, Utc};
/// use opsbrain::calendar::BusinessCalendar;
/// use opsbrain::limits::calendar::MAX_PAUSES;
/// let cal = BusinessCalendar::nine_to_five("UTC")?;
/// let t = Utc.with_ymd_and_hms(2026, 12, 1, 10, 0, 0).unwrap();
/// let pauses = vec![(t, t); MAX_PAUSES + 1];
/// assert_eq!(cal.add(t, TimeDelta::hours(1), &pauses).unwrap_err().code(), "limit_exceeded");
/// # Ok::<(), opsbrain::Error>(())
/// ```
#[cfg(feature = "sla")]
#[cfg_attr(docsrs, doc(cfg(feature = "sla")))]
pub mod calendar {
    pub use crate::calendar::{
        MAX_BATCH_ROWS, MAX_HOLIDAYS, MAX_PAUSES, MAX_SEARCH_DAYS, MAX_WINDOWS_PER_DAY,
    };
}

/// Bounds of [`crate::capacity`]: series length and values, forecast
/// horizon and steps, scaling resources, samples and replicas, maintenance
/// windows, and the HPA calculator's pods, metrics and history.
///
/// ```
/// use std::collections::BTreeMap;
/// use opsbrain::capacity::{replica_recommendation, ReplicaRequest, ThresholdPolicy};
/// use opsbrain::limits::capacity::MAX_SAMPLES;
/// let req = ReplicaRequest {
///     current_replicas: 1, min_replicas: 1, max_replicas: 2,
///     metrics: BTreeMap::from([("cpu".to_owned(), vec![0.5; MAX_SAMPLES + 1])]),
/// };
/// let e = replica_recommendation(&req, &ThresholdPolicy::builtin()).unwrap_err();
/// assert_eq!(e.code(), "limit_exceeded");
/// ```
#[cfg(feature = "capacity")]
#[cfg_attr(docsrs, doc(cfg(feature = "capacity")))]
pub mod capacity {
    pub use crate::capacity::hpa::{MAX_HISTORY, MAX_METRICS, MAX_PODS, MAX_VALUE};
    pub use crate::capacity::{
        MAX_FORECAST_STEPS, MAX_HORIZON_DAYS, MAX_REGIMES, MAX_REPLICAS, MAX_RESOURCES,
        MAX_SAMPLES, MAX_SERIES_LEN, MAX_SERIES_VALUE, MAX_WINDOW_DAYS, MAX_WINDOWS, MIN_STEP_SECS,
    };
}

/// Bounds of [`crate::classify`]: tables, rule sets and their patterns,
/// ticket text and batches (shared, re-exported here), and the learned
/// model's labels, features and training tickets.
///
/// ```
/// use opsbrain::classify::{Router, Ticket};
/// use opsbrain::limits::classify::MAX_TICKET_ERROR_CODES;
/// let mut t = Ticket::new("Sync failed");
/// t.error_codes = vec!["QB-1".into(); MAX_TICKET_ERROR_CODES + 1];
/// assert_eq!(Router::builtin().route_ticket(&t).unwrap_err().code(), "limit_exceeded");
/// ```
#[cfg(feature = "classify")]
#[cfg_attr(docsrs, doc(cfg(feature = "classify")))]
pub mod classify {
    pub use super::{
        MAX_BATCH_TICKETS, MAX_CONFIG_BYTES, MAX_ERROR_CODE_PATTERNS, MAX_NAME_BYTES,
        MAX_PATTERN_BYTES, MAX_PATTERNS_PER_RULE, MAX_REGEX_BYTES, MAX_RULES, MAX_TABLE_ENTRIES,
        MAX_TICKET_ERROR_CODES, MAX_TICKET_TEXT_BYTES,
    };
    pub use crate::classify::{MAX_FIT_TICKETS, MAX_LABELS, MAX_MODEL_FEATURES};
}

/// Bounds of [`crate::escalation`]: policy levels, delays, repeats and SLA
/// rules, events per ticket and timeline entries.
///
/// ```
/// use opsbrain::escalation::EscalationPolicy;
/// use opsbrain::limits::escalation::MAX_LEVELS;
/// let levels: Vec<String> = (0..=MAX_LEVELS)
///     .map(|i| format!(r#"{{"name": "l{i}", "tier": 1}}"#))
///     .collect();
/// let e = EscalationPolicy::from_json(&format!(r#"{{"levels": [{}]}}"#, levels.join(","))).unwrap_err();
/// assert_eq!(e.code(), "limit_exceeded");
/// ```
#[cfg(feature = "sla")]
#[cfg_attr(docsrs, doc(cfg(feature = "sla")))]
pub mod escalation {
    pub use crate::escalation::{
        MAX_DELAY_SECS, MAX_EVENTS, MAX_LEVELS, MAX_REPEAT, MAX_SLA_PERCENT, MAX_SLA_RULES,
        MAX_TIMELINE_ENTRIES,
    };
}

/// Bounds of [`crate::kpi`]: histogram buckets and request counts, series
/// intervals, burn-rate rules, journeys, their steps and events.
///
/// ```
/// use opsbrain::kpi::{journey_funnels, FunnelOptions, JourneyDef};
/// use opsbrain::limits::kpi::MAX_JOURNEYS;
/// let journeys = vec![JourneyDef::builtin()[0].clone(); MAX_JOURNEYS + 1];
/// let e = journey_funnels(&[], &journeys, &FunnelOptions::default()).unwrap_err();
/// assert_eq!(e.code(), "limit_exceeded");
/// ```
#[cfg(feature = "kpi")]
#[cfg_attr(docsrs, doc(cfg(feature = "kpi")))]
pub mod kpi {
    pub use crate::kpi::{
        MAX_BURN_RULES, MAX_HISTOGRAM_BUCKETS, MAX_JOURNEY_EVENTS, MAX_JOURNEY_STEPS, MAX_JOURNEYS,
        MAX_KPI_GROUPS, MAX_REQUESTS, MAX_SERIES_INTERVALS,
    };
}

/// Bounds of [`crate::ops`]: EXPLAIN plans (bytes, nodes, depth), slow
/// queries and their text, PostgreSQL statistics rows, troubleshooting
/// reports, knowledge-base entries and symptoms.
///
/// ```
/// use opsbrain::ops::{analyze_explain_json, PgOptions};
/// use opsbrain::limits::ops::MAX_PLAN_BYTES;
/// let huge = " ".repeat(MAX_PLAN_BYTES + 1);
/// assert_eq!(analyze_explain_json(&huge, &PgOptions::default()).unwrap_err().code(), "limit_exceeded");
/// ```
#[cfg(feature = "ops")]
#[cfg_attr(docsrs, doc(cfg(feature = "ops")))]
pub mod ops {
    pub use crate::ops::{
        MAX_KB_ENTRIES, MAX_PG_ROWS, MAX_PLAN_BYTES, MAX_PLAN_DEPTH, MAX_PLAN_NODES,
        MAX_QUERY_TEXT_BYTES, MAX_REPORT_BYTES, MAX_SLOW_QUERIES, MAX_SYMPTOMS,
    };
}

/// Bounds of [`crate::sla`]: events per ticket, policy targets, and ticket
/// batches (shared, re-exported here).
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use opsbrain::sla::{sla_status, SlaEvent, SlaPolicy};
/// use opsbrain::limits::sla::MAX_EVENTS;
/// let t = Utc.with_ymd_and_hms(2026, 12, 1, 10, 0, 0).unwrap();
/// let events = vec![SlaEvent::Paused { at: t }; MAX_EVENTS + 1];
/// assert_eq!(sla_status(&SlaPolicy::builtin(), &events, t).unwrap_err().code(), "limit_exceeded");
/// ```
#[cfg(feature = "sla")]
#[cfg_attr(docsrs, doc(cfg(feature = "sla")))]
pub mod sla {
    pub use super::MAX_BATCH_TICKETS;
    pub use crate::sla::{MAX_EVENTS, MAX_TARGETS};
}

/// Bounds of [`crate::stats`]: the buckets of a quantile sketch.
///
/// ```
/// use opsbrain::limits::stats::MAX_SKETCH_BUCKETS;
/// use opsbrain::stats::QuantileSketch;
/// let buckets: Vec<String> = (0..=MAX_SKETCH_BUCKETS).map(|i| format!("[{i},1]")).collect();
/// let text = format!(r#"{{"alpha":0.01,"zero_count":0,"min":1.0,"max":2.0,"buckets":[{}]}}"#, buckets.join(","));
/// assert_eq!(QuantileSketch::from_json(&text).unwrap_err().code(), "limit_exceeded");
/// ```
#[cfg(any(feature = "anomaly", feature = "cache", feature = "kpi"))]
#[cfg_attr(
    docsrs,
    doc(cfg(any(feature = "anomaly", feature = "cache", feature = "kpi")))
)]
pub mod stats {
    pub use crate::stats::MAX_SKETCH_BUCKETS;
}
