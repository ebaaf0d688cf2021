//! Predictive cache warming: which keys will be requested next.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::trace::Trace;
use crate::error::{Error, Result};

/// A key worth warming.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WarmCandidate {
    /// The key.
    pub key: u64,
    /// Estimated request rate at `now`, per second.
    pub rate_per_sec: f64,
    /// Expected requests in the next window.
    pub expected_requests: f64,
    /// Probability of at least one request in the next window.
    pub probability: f64,
}

/// How many keys [`warm_candidates`] ranks when no count is given.
pub const DEFAULT_TOP_K: usize = 100;

/// The recency half-life [`warm_candidates`] uses when none is given (one hour).
pub const DEFAULT_HALF_LIFE_SECS: f64 = 3600.0;

/// The shortest half-life [`warm_candidates`] accepts (one millisecond):
/// shorter ones overflow the decay rate and give no meaningful ranking.
pub const MIN_HALF_LIFE_SECS: f64 = 1e-3;

/// The longest window [`warm_candidates`] accepts (about 31,700 years), so
/// that expected request counts stay finite.
pub const MAX_WINDOW_SECS: f64 = 1e12;

/// Ranks keys by how likely they are to be read in `[now, now + window)`.
///
/// Each key's read rate is an exponentially decayed count of its past reads
/// (half-life `half_life_secs`) turned into a rate: a Poisson stream of rate
/// λ leaves an expected decayed count of λ·h/ln 2, so λ = count·ln 2/h. The
/// probability of a read in the window is then 1 − e^(−λ·window). Writes are
/// not counted when the trace has write flags. Ties go to the smaller key.
///
/// # Examples
/// ```
/// use opsbrain::cache::{warm_candidates, Trace};
/// let keys = [1u64, 2, 1, 3, 1, 2];
/// let ts = [0.0, 10.0, 20.0, 30.0, 40.0, 50.0];
/// let trace = Trace::new(&keys)?.with_timestamps(&ts)?;
/// let top = warm_candidates(&trace, 60.0, 60.0, 2, 300.0)?;
/// assert_eq!(top.iter().map(|c| c.key).collect::<Vec<_>>(), vec![1, 2]);
/// assert!(top[0].probability > top[1].probability);
/// # Ok::<(), opsbrain::Error>(())
/// ```
///
/// # Errors
/// `invalid_input` when the trace has no timestamps, `now` is before the
/// last access, `window_secs` is not in `(0, MAX_WINDOW_SECS]`,
/// `half_life_secs` is not finite and at least [`MIN_HALF_LIFE_SECS`], or
/// `top_k` is 0. Every number of the result is finite.
pub fn warm_candidates(
    trace: &Trace<'_>,
    now: f64,
    window_secs: f64,
    top_k: usize,
    half_life_secs: f64,
) -> Result<Vec<WarmCandidate>> {
    let ts = trace
        .timestamps()
        .ok_or_else(|| Error::invalid_input("warming needs a trace with timestamps"))?;
    for (name, v) in [
        ("window_secs", window_secs),
        ("half_life_secs", half_life_secs),
    ] {
        if !(v.is_finite() && v > 0.0) {
            return Err(Error::invalid_input(format!(
                "{name} must be a positive number, got {v}"
            )));
        }
    }
    if half_life_secs < MIN_HALF_LIFE_SECS {
        return Err(Error::invalid_input(format!(
            "half_life_secs must be at least {MIN_HALF_LIFE_SECS}, got {half_life_secs}"
        )));
    }
    if window_secs > MAX_WINDOW_SECS {
        return Err(Error::invalid_input(format!(
            "window_secs must be at most {MAX_WINDOW_SECS:e}, got {window_secs}"
        )));
    }
    if top_k == 0 {
        return Err(Error::invalid_input("top_k must be at least 1"));
    }
    let last = ts[ts.len() - 1];
    if !(now.is_finite() && now >= last) {
        return Err(Error::invalid_input(format!(
            "now ({now}) is before the last access ({last})"
        )));
    }
    let decay = std::f64::consts::LN_2 / half_life_secs;
    let mut score: FxHashMap<u64, f64> = FxHashMap::default();
    for (i, (&k, &t)) in trace.keys().iter().zip(ts).enumerate() {
        if trace.writes().is_some_and(|w| w[i]) {
            continue;
        }
        *score.entry(k).or_insert(0.0) += (-(now - t) * decay).exp();
    }
    let mut ranked: Vec<(u64, f64)> = score.into_iter().collect();
    let by_rank = |a: &(u64, f64), b: &(u64, f64)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
    if ranked.len() > top_k {
        ranked.select_nth_unstable_by(top_k - 1, by_rank);
        ranked.truncate(top_k);
    }
    ranked.sort_unstable_by(by_rank);
    Ok(ranked
        .into_iter()
        .map(|(key, count)| {
            let rate = count * decay;
            WarmCandidate {
                key,
                rate_per_sec: rate,
                expected_requests: rate * window_secs,
                probability: 1.0 - (-rate * window_secs).exp(),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_beats_old_and_writes_are_skipped() {
        let keys = [1u64, 1, 1, 2, 3];
        let ts = [0.0, 1.0, 2.0, 1000.0, 1001.0];
        let w = [false, false, false, false, true];
        let t = Trace::new(&keys)
            .unwrap()
            .with_timestamps(&ts)
            .unwrap()
            .with_writes(&w)
            .unwrap();
        let top = warm_candidates(&t, 1001.0, 60.0, 10, 60.0).unwrap();
        assert_eq!(top.iter().map(|c| c.key).collect::<Vec<_>>(), vec![2, 1]);
        assert!(top.iter().all(|c| (0.0..=1.0).contains(&c.probability)));
    }

    #[test]
    fn errors() {
        let keys = [1u64];
        let t = Trace::new(&keys).unwrap();
        assert!(warm_candidates(&t, 0.0, 1.0, 1, 1.0).is_err());
        let ts = [5.0];
        let t = t.with_timestamps(&ts).unwrap();
        assert!(warm_candidates(&t, 4.0, 1.0, 1, 1.0).is_err());
        assert!(warm_candidates(&t, 5.0, 0.0, 1, 1.0).is_err());
        assert!(warm_candidates(&t, 5.0, 1.0, 0, 1.0).is_err());
        // Extremes that gave NaN or infinite results are refused ...
        for (window, half_life) in [(1.0, 5e-324), (1.0, 1e-4), (1e300, 1.0)] {
            let e = warm_candidates(&t, 5.0, window, 1, half_life).unwrap_err();
            assert_eq!(e.code(), "invalid_input", "{e}");
        }
        // ... and those at the bounds give finite numbers.
        let top = warm_candidates(&t, 5.0, MAX_WINDOW_SECS, 1, MIN_HALF_LIFE_SECS).unwrap();
        let c = &top[0];
        assert!(
            [c.rate_per_sec, c.expected_requests, c.probability]
                .iter()
                .all(|v| v.is_finite())
        );
        let top = warm_candidates(&t, 1e300, 1.0, 1, MIN_HALF_LIFE_SECS).unwrap();
        assert_eq!(top[0].probability, 0.0);
    }
}
