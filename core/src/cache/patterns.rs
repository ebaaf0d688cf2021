//! Per-pattern access statistics and TTL recommendations.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::trace::Trace;
use crate::error::{Error, ErrorKind, Result};
use crate::stats::quantile_sorted;

/// Quantiles of the time between consecutive accesses to the same key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GapStats {
    /// Re-accesses measured (accesses to a key seen before).
    pub count: u64,
    /// Mean gap, seconds.
    pub mean_secs: f64,
    /// Median gap, seconds.
    pub p50_secs: f64,
    /// 90th percentile, seconds.
    pub p90_secs: f64,
    /// 99th percentile, seconds.
    pub p99_secs: f64,
    /// Counts of gaps in power-of-two buckets: `(upper bound in seconds,
    /// count)`, from `(1, count of gaps <= 1 s)` up.
    pub histogram: Vec<(f64, u64)>,
}

/// Statistics of one key pattern.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PatternStats {
    /// The pattern id (all accesses share pattern 0 when none are given).
    pub pattern: u32,
    /// Accesses.
    pub accesses: u64,
    /// Distinct keys.
    pub distinct_keys: u64,
    /// Writes / accesses (0 when no write flags are given).
    pub write_ratio: f64,
    /// Re-accesses / accesses: the share of accesses to a key seen before,
    /// the best hit ratio an unbounded cache could reach. This is the
    /// "access frequency" the framework's rules compare with 0.5.
    pub access_frequency: f64,
    /// Inter-access gaps, when the trace has timestamps and re-accesses.
    pub gaps: Option<GapStats>,
    /// The idle TTL that keeps `target_share` of re-accesses (the gap
    /// quantile), in seconds, rounded up; `None` without timestamps or
    /// re-accesses.
    pub recommended_ttl_secs: Option<f64>,
}

/// The share of re-accesses an idle TTL keeps when none is given (90 %).
pub const DEFAULT_TARGET_SHARE: f64 = 0.9;

/// Access statistics per key pattern and a TTL for each.
///
/// `patterns[i]` labels access `i` (e.g. an id per key prefix such as
/// `user:*`); `None` treats the whole trace as one pattern, 0. The TTL
/// recommendation assumes idle expiry (the TTL restarts on every access):
/// with `ttl = q-quantile of gaps`, about a share `q` of re-accesses arrive
/// before the entry expires. Quantiles interpolate linearly between order
/// statistics (numpy's default), as every quantile in the crate does.
///
/// # Examples
/// ```
/// use opsbrain::cache::{pattern_stats, Trace};
/// let keys = [1u64, 1, 1, 2, 2];
/// let ts = [0.0, 10.0, 20.0, 30.0, 90.0];
/// let trace = Trace::new(&keys)?.with_timestamps(&ts)?;
/// let stats = pattern_stats(&trace, None, 0.9)?;
/// assert_eq!(stats[0].accesses, 5);
/// assert!((stats[0].access_frequency - 0.6).abs() < 1e-12);
/// // Gaps 10, 10 and 60: their linear 0.9 quantile is 50.
/// assert_eq!(stats[0].recommended_ttl_secs, Some(50.0));
/// # Ok::<(), opsbrain::Error>(())
/// ```
///
/// # Errors
/// `dimension_mismatch` when `patterns` is not as long as the trace;
/// `invalid_input` for `target_share` outside (0, 1].
pub fn pattern_stats(
    trace: &Trace<'_>,
    patterns: Option<&[u32]>,
    target_share: f64,
) -> Result<Vec<PatternStats>> {
    if !(target_share > 0.0 && target_share <= 1.0) {
        return Err(Error::invalid_input(format!(
            "target_share must be in (0, 1], got {target_share}"
        )));
    }
    if let Some(p) = patterns
        && p.len() != trace.len()
    {
        return Err(Error::new(
            ErrorKind::DimensionMismatch,
            format!(
                "patterns has {} entries but the trace has {} keys",
                p.len(),
                trace.len()
            ),
        ));
    }
    #[derive(Default)]
    struct Acc {
        accesses: u64,
        writes: u64,
        reaccesses: u64,
        distinct: u64,
        gaps: Vec<f64>,
    }
    let mut by_pattern: FxHashMap<u32, Acc> = FxHashMap::default();
    // Last access time per (pattern, key); NaN without timestamps.
    let mut last: FxHashMap<(u32, u64), f64> = FxHashMap::default();
    let ts = trace.timestamps();
    for (i, &key) in trace.keys().iter().enumerate() {
        let pat = patterns.map_or(0, |p| p[i]);
        let t = ts.map_or(f64::NAN, |t| t[i]);
        let acc = by_pattern.entry(pat).or_default();
        acc.accesses += 1;
        if trace.writes().is_some_and(|w| w[i]) {
            acc.writes += 1;
        }
        match last.insert((pat, key), t) {
            Some(prev) => {
                acc.reaccesses += 1;
                if ts.is_some() {
                    acc.gaps.push(t - prev);
                }
            }
            None => acc.distinct += 1,
        }
    }
    let mut out: Vec<PatternStats> = by_pattern
        .into_iter()
        .map(|(pattern, mut a)| {
            let gaps = gap_stats(&mut a.gaps);
            let ttl = if a.gaps.is_empty() {
                None
            } else {
                Some(quantile_sorted(&a.gaps, target_share).ceil())
            };
            PatternStats {
                pattern,
                accesses: a.accesses,
                distinct_keys: a.distinct,
                write_ratio: a.writes as f64 / a.accesses as f64,
                access_frequency: a.reaccesses as f64 / a.accesses as f64,
                gaps,
                recommended_ttl_secs: ttl,
            }
        })
        .collect();
    out.sort_unstable_by_key(|s| s.pattern);
    Ok(out)
}

/// Sorts `gaps` and summarises them.
fn gap_stats(gaps: &mut [f64]) -> Option<GapStats> {
    if gaps.is_empty() {
        return None;
    }
    gaps.sort_unstable_by(f64::total_cmp);
    let mut histogram: Vec<(f64, u64)> = Vec::new();
    let mut upper = 1.0f64;
    let mut count = 0u64;
    for &g in gaps.iter() {
        while g > upper {
            if count > 0 {
                histogram.push((upper, count));
            }
            count = 0;
            upper *= 2.0;
        }
        count += 1;
    }
    histogram.push((upper, count));
    Some(GapStats {
        count: gaps.len() as u64,
        mean_secs: gaps.iter().sum::<f64>() / gaps.len() as f64,
        p50_secs: quantile_sorted(gaps, 0.5),
        p90_secs: quantile_sorted(gaps, 0.9),
        p99_secs: quantile_sorted(gaps, 0.99),
        histogram,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_pattern_split_and_writes() {
        let keys = [1u64, 2, 1, 2, 3, 1];
        let pats = [0u32, 1, 0, 1, 1, 0];
        let writes = [false, true, false, false, true, false];
        let ts = [0.0, 1.0, 3.0, 5.0, 6.0, 100.0];
        let t = Trace::new(&keys)
            .unwrap()
            .with_timestamps(&ts)
            .unwrap()
            .with_writes(&writes)
            .unwrap();
        let s = pattern_stats(&t, Some(&pats), 0.5).unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(
            (s[0].accesses, s[0].distinct_keys, s[0].write_ratio),
            (3, 1, 0.0)
        );
        assert_eq!(
            s[0].gaps.as_ref().map(|g| (g.p50_secs, g.p99_secs)),
            Some((50.0, 3.0 + 0.99 * 94.0))
        );
        // Gaps 3 and 97: the linear median is 50 (numpy.quantile([3, 97], 0.5)).
        assert_eq!(s[0].recommended_ttl_secs, Some(50.0));
        assert!((s[1].write_ratio - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(s[1].recommended_ttl_secs, Some(4.0));
        let h = &s[0].gaps.as_ref().unwrap().histogram;
        assert_eq!(h.iter().map(|b| b.1).sum::<u64>(), 2);
    }

    #[test]
    fn without_timestamps_no_ttl_and_errors() {
        let keys = [5u64, 5, 5];
        let s = pattern_stats(&Trace::new(&keys).unwrap(), None, 0.9).unwrap();
        assert_eq!(
            (s[0].gaps.is_none(), s[0].recommended_ttl_secs),
            (true, None)
        );
        assert!((s[0].access_frequency - 2.0 / 3.0).abs() < 1e-12);
        assert!(pattern_stats(&Trace::new(&keys).unwrap(), Some(&[0, 1]), 0.9).is_err());
        assert!(pattern_stats(&Trace::new(&keys).unwrap(), None, 0.0).is_err());
    }
}
