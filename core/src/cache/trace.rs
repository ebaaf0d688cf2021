//! Access traces: keys, optional timestamps, optional write flags.

use crate::error::{Error, ErrorKind, Result};
use crate::limits;

/// One cache access trace, borrowed: parallel slices of the same length.
///
/// Keys are `u64` (hash string keys first, e.g. with [`hash_key`]).
/// Timestamps, when given, are seconds (any epoch), finite and
/// non-decreasing. `writes[i]` marks access `i` as a write.
///
/// # Examples
/// ```
/// use opsbrain::cache::Trace;
/// let keys = [1u64, 2, 1, 3];
/// let t = Trace::new(&keys)?;
/// assert_eq!(t.len(), 4);
/// let ts = [0.0, 1.0, 1.0, 0.5];
/// assert_eq!(Trace::new(&keys)?.with_timestamps(&ts).unwrap_err().code(), "invalid_input");
/// # Ok::<(), opsbrain::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Trace<'a> {
    keys: &'a [u64],
    timestamps: Option<&'a [f64]>,
    writes: Option<&'a [bool]>,
}

impl<'a> Trace<'a> {
    /// A trace with its optional columns: [`new`](Self::new), then
    /// [`with_timestamps`](Self::with_timestamps) and
    /// [`with_writes`](Self::with_writes) for those given.
    ///
    /// # Errors
    /// As those three.
    ///
    /// # Examples
    /// ```
    /// use opsbrain::cache::Trace;
    /// let t = Trace::with_columns(&[1, 2], Some(&[0.0, 1.0]), None)?;
    /// assert_eq!(t.len(), 2);
    /// let err = Trace::with_columns(&[1, 2], None, Some(&[true])).unwrap_err();
    /// assert_eq!(err.code(), "dimension_mismatch");
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    pub fn with_columns(
        keys: &'a [u64],
        timestamps: Option<&'a [f64]>,
        writes: Option<&'a [bool]>,
    ) -> Result<Self> {
        let mut trace = Trace::new(keys)?;
        if let Some(ts) = timestamps {
            trace = trace.with_timestamps(ts)?;
        }
        if let Some(w) = writes {
            trace = trace.with_writes(w)?;
        }
        Ok(trace)
    }

    /// A trace of keys only.
    ///
    /// # Errors
    /// `invalid_input` for an empty trace; `limit_exceeded` past
    /// [`limits::MAX_TRACE_LEN`].
    pub fn new(keys: &'a [u64]) -> Result<Self> {
        if keys.is_empty() {
            return Err(Error::invalid_input("the trace is empty"));
        }
        if keys.len() > limits::MAX_TRACE_LEN {
            return Err(Error::limit(format!(
                "the trace has {} accesses; at most {} are allowed",
                keys.len(),
                limits::MAX_TRACE_LEN
            )));
        }
        Ok(Trace {
            keys,
            timestamps: None,
            writes: None,
        })
    }

    /// Adds timestamps (seconds).
    ///
    /// # Errors
    /// `dimension_mismatch` when the length differs from the keys';
    /// `invalid_input` for a non-finite timestamp or one earlier than the
    /// one before it (the message gives the index).
    pub fn with_timestamps(mut self, timestamps: &'a [f64]) -> Result<Self> {
        check_len("timestamps", timestamps.len(), self.keys.len())?;
        let mut prev = f64::NEG_INFINITY;
        for (i, &t) in timestamps.iter().enumerate() {
            if !t.is_finite() {
                return Err(Error::invalid_input(format!(
                    "timestamps[{i}] is {t}, not a finite number"
                )));
            }
            if t < prev {
                return Err(Error::invalid_input(format!(
                    "timestamps go backwards at index {i}: {t} after {prev}"
                )));
            }
            prev = t;
        }
        self.timestamps = Some(timestamps);
        Ok(self)
    }

    /// Adds write flags.
    ///
    /// # Errors
    /// `dimension_mismatch` when the length differs from the keys'.
    pub fn with_writes(mut self, writes: &'a [bool]) -> Result<Self> {
        check_len("writes", writes.len(), self.keys.len())?;
        self.writes = Some(writes);
        Ok(self)
    }

    /// The keys.
    pub fn keys(&self) -> &'a [u64] {
        self.keys
    }

    /// The timestamps, if given.
    pub fn timestamps(&self) -> Option<&'a [f64]> {
        self.timestamps
    }

    /// The write flags, if given.
    pub fn writes(&self) -> Option<&'a [bool]> {
        self.writes
    }

    /// Number of accesses (never 0).
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Always false: an empty trace is refused by [`Trace::new`].
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

fn check_len(what: &str, got: usize, want: usize) -> Result<()> {
    if got != want {
        return Err(Error::new(
            ErrorKind::DimensionMismatch,
            format!("{what} has {got} entries but the trace has {want} keys"),
        ));
    }
    Ok(())
}

#[doc(hidden)] // a helper for the bindings and tests, not part of the documented API
/// Mixes a `u64` into a well-distributed `u64` (the splitmix64 finaliser);
/// used for spatial sampling and sketches. A bijection, so distinct keys
/// stay distinct.
///
/// # Examples
/// ```
/// use opsbrain::cache::mix64;
/// assert_ne!(mix64(1), mix64(2));
/// assert_eq!(mix64(7), mix64(7));
/// ```
#[inline]
pub fn mix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// A stable 64-bit key for a string (FNV-1a, then [`mix64`]); the same in
/// Rust, Python and Node, so traces of string keys agree across languages.
///
/// # Examples
/// ```
/// use opsbrain::cache::hash_key;
/// assert_eq!(hash_key("user:42"), hash_key("user:42"));
/// assert_ne!(hash_key("user:42"), hash_key("user:43"));
/// ```
pub fn hash_key(key: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    mix64(h)
}
