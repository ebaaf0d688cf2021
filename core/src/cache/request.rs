//! Option types of the cache entry points that take positional parameters,
//! with their defaults, for the bindings (serde, unknown keys refused).

use serde::{Deserialize, Serialize};

use super::Sampling;
use super::policy::Policy;
use crate::error::{Error, Result};

/// SHARDS sampling as options: exactly one of `rate` and `max_keys`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct ShardsOptions {
    /// Fixed sampling rate in (0, 1].
    pub rate: Option<f64>,
    /// Fixed-size sampling: at most this many distinct keys.
    pub max_keys: Option<usize>,
}

impl ShardsOptions {
    /// The sampling these options select.
    ///
    /// # Errors
    /// `invalid_input` unless exactly one of `rate` and `max_keys` is given.
    pub fn sampling(&self) -> Result<Sampling> {
        match (self.rate, self.max_keys) {
            (Some(rate), None) => Ok(Sampling::Rate(rate)),
            (None, Some(max_keys)) => Ok(Sampling::MaxKeys(max_keys)),
            _ => Err(Error::invalid_input(
                "give exactly one of `rate` and `max_keys`",
            )),
        }
    }
}

/// Options of [`super::pattern_stats`] besides the trace columns.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct PatternOptions {
    /// Share of re-accesses the recommended TTL keeps (default 0.9).
    pub target_share: f64,
}

impl Default for PatternOptions {
    fn default() -> Self {
        PatternOptions {
            target_share: super::DEFAULT_TARGET_SHARE,
        }
    }
}

/// Options of [`super::warm_candidates`] besides the trace columns.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct WarmOptions {
    /// The instant to warm for, seconds (the timestamps' clock).
    pub now: f64,
    /// The window ahead, seconds.
    pub window_secs: f64,
    /// Most candidates returned (default 100).
    #[serde(default = "default_top_k")]
    pub top_k: usize,
    /// Half-life of the rate estimate, seconds (default 3600).
    #[serde(default = "default_half_life")]
    pub half_life_secs: f64,
}

impl WarmOptions {
    /// Options for `now` and `window_secs`, the others at their defaults.
    pub fn new(now: f64, window_secs: f64) -> Self {
        WarmOptions {
            now,
            window_secs,
            top_k: default_top_k(),
            half_life_secs: default_half_life(),
        }
    }
}

fn default_top_k() -> usize {
    super::DEFAULT_TOP_K
}

fn default_half_life() -> f64 {
    super::DEFAULT_HALF_LIFE_SECS
}

/// The policies to simulate (default: LRU, FIFO, LFU and W-TinyLFU, the
/// four there were before the adaptive W-TinyLFU, S3-FIFO, SIEVE and
/// Belady, which are asked for by name, so that a default request keeps its
/// answer). Reads a list of policy names or one name.
///
/// ```
/// use opsbrain::cache::{Policies, Policy};
/// let one: Policies = serde_json::from_str(r#""lru""#)?;
/// assert_eq!(one.0, vec![Policy::Lru]);
/// let two: Policies = serde_json::from_str(r#"["fifo", "lfu"]"#)?;
/// assert_eq!(two.0, vec![Policy::Fifo, Policy::Lfu]);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Policies(pub Vec<Policy>);

impl<'de> Deserialize<'de> for Policies {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Names;
        impl<'de> serde::de::Visitor<'de> for Names {
            type Value = Policies;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a policy name or a list of policy names")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<Policies, E> {
                let one = Policy::deserialize(serde::de::value::StrDeserializer::<E>::new(v))?;
                Ok(Policies(vec![one]))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Policies, A::Error> {
                let mut out = Vec::new();
                while let Some(p) = seq.next_element()? {
                    out.push(p);
                }
                Ok(Policies(out))
            }
        }
        d.deserialize_any(Names)
    }
}

impl Default for Policies {
    fn default() -> Self {
        Policies(vec![
            Policy::Lru,
            Policy::Fifo,
            Policy::Lfu,
            Policy::WTinyLfu,
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults() {
        let w: WarmOptions =
            serde_json::from_value(serde_json::json!({"now": 1.0, "window_secs": 2.0})).unwrap();
        assert_eq!((w.top_k, w.half_life_secs), (100, 3600.0));
        assert_eq!(PatternOptions::default().target_share, 0.9);
        assert_eq!(Policies::default().0.len(), 4);
        assert!(ShardsOptions::default().sampling().is_err());
        let s = ShardsOptions {
            rate: Some(0.1),
            max_keys: None,
        };
        assert_eq!(s.sampling().unwrap(), Sampling::Rate(0.1));
    }
}
