//! Documented bounds. Input past any of them is refused with
//! [`ErrorKind::LimitExceeded`](crate::ErrorKind::LimitExceeded), never a hang
//! or an unbounded allocation.

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
