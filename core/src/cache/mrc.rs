//! LRU miss-ratio curves: exact (Mattson stack distances) and sampled (SHARDS).

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::stack::StackDistances;
use super::trace::{Trace, mix64};
use crate::error::{Error, Result};

/// Hit ratio of an LRU cache at every size, from one pass over a trace.
///
/// A step function given by `points`: `(size, hit_ratio)` pairs with sizes
/// increasing from 1; the hit ratio at any size is the value of the last
/// point at or below it (0 below the first point). Sizes count entries.
///
/// # Examples
/// ```
/// use opsbrain::cache::{MissRatioCurve, Trace};
/// let keys = [1u64, 2, 3, 1, 2, 3, 1, 2, 3];
/// let mrc = MissRatioCurve::exact_lru(&Trace::new(&keys)?)?;
/// assert_eq!(mrc.hit_ratio(2), 0.0);            // a loop of 3 thrashes a cache of 2
/// assert!((mrc.hit_ratio(3) - 6.0 / 9.0).abs() < 1e-12);
/// assert_eq!(mrc.size_for_hit_ratio(0.5), Some(3));
/// # Ok::<(), opsbrain::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "CurveRepr")]
pub struct MissRatioCurve {
    /// Accesses in the trace.
    pub accesses: u64,
    /// Distinct keys in the trace (estimated when sampled).
    pub distinct_keys: u64,
    /// `"exact"` or `"shards"`.
    pub method: String,
    /// The sampling rate in effect at the end (1 for exact).
    pub sampling_rate: f64,
    /// `(size, hit ratio)` steps, sizes strictly increasing.
    pub points: Vec<(u64, f64)>,
}

/// A point of a curve where extra cache stops paying: see [`MissRatioCurve::knee`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Knee {
    /// Cache size, in entries.
    pub size: u64,
    /// Hit ratio at that size.
    pub hit_ratio: f64,
}

/// How SHARDS samples keys.
///
/// # Examples
/// ```
/// use opsbrain::cache::Sampling;
/// let s: Sampling = serde_json::from_str(r#"{"rate": 0.01}"#)?;
/// assert_eq!(s, Sampling::Rate(0.01));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sampling {
    /// Fixed rate R in (0, 1]: keys whose hash falls below R are tracked.
    Rate(f64),
    /// Fixed budget: track at most this many distinct keys, lowering the
    /// rate as needed (starting from 1).
    MaxKeys(usize),
}

impl Sampling {
    /// The sampling given by exactly one of `rate` and `max_keys`.
    ///
    /// # Examples
    /// ```
    /// use opsbrain::cache::Sampling;
    /// assert_eq!(Sampling::one_of(Some(0.1), None)?, Sampling::Rate(0.1));
    /// assert!(Sampling::one_of(Some(0.1), Some(10)).is_err());
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    ///
    /// # Errors
    /// `invalid_input` when both or neither are given.
    pub fn one_of(rate: Option<f64>, max_keys: Option<usize>) -> Result<Self> {
        match (rate, max_keys) {
            (Some(r), None) => Ok(Sampling::Rate(r)),
            (None, Some(k)) => Ok(Sampling::MaxKeys(k)),
            _ => Err(Error::invalid_input("give exactly one of rate or max_keys")),
        }
    }
}

/// Modulus of the sampling hash (2^24), as in the SHARDS paper.
const P: u64 = 1 << 24;

impl MissRatioCurve {
    /// The curve as JSON (its serde form).
    ///
    /// # Examples
    /// ```
    /// use opsbrain::cache::{MissRatioCurve, Trace};
    /// let mrc = MissRatioCurve::exact_lru(&Trace::new(&[1, 2, 1])?)?;
    /// assert_eq!(MissRatioCurve::from_json(&mrc.to_json())?, mrc);
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a miss-ratio curve always serialises")
    }

    /// A curve from [`to_json`](Self::to_json) output.
    ///
    /// # Errors
    /// `parse_error` for malformed JSON or a missing, unknown or mistyped
    /// field; `invalid_input` for a curve no builder makes (sizes not
    /// increasing, hit ratios outside `[0, 1]` or decreasing, a sampling
    /// rate outside `(0, 1]`, an unknown method).
    ///
    /// ```
    /// use opsbrain::cache::MissRatioCurve;
    /// assert_eq!(MissRatioCurve::from_json("{}").unwrap_err().code(), "parse_error");
    /// ```
    pub fn from_json(text: &str) -> Result<Self> {
        let repr: CurveRepr = crate::input::from_json(text)?;
        Self::try_from(repr)
    }

    /// The LRU curve of a trace: exact without `sampling`
    /// ([`exact_lru`](Self::exact_lru)), else sampled ([`shards`](Self::shards)).
    ///
    /// # Errors
    /// As those two.
    ///
    /// # Examples
    /// ```
    /// use opsbrain::cache::{MissRatioCurve, Sampling, Trace};
    /// let t = Trace::new(&[1, 2, 1, 2])?;
    /// assert_eq!(MissRatioCurve::lru(&t, None)?.method, "exact");
    /// assert_eq!(MissRatioCurve::lru(&t, Some(Sampling::Rate(1.0)))?.method, "shards");
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    pub fn lru(trace: &Trace<'_>, sampling: Option<Sampling>) -> Result<Self> {
        match sampling {
            None => Self::exact_lru(trace),
            Some(s) => Self::shards(trace, s),
        }
    }

    /// The exact LRU curve, in one pass, O(N log M) for N accesses over M
    /// distinct keys (a Fenwick tree over last-access positions, compacted
    /// when it fills).
    ///
    /// # Errors
    /// None beyond those of [`Trace`] (which is never empty).
    pub fn exact_lru(trace: &Trace<'_>) -> Result<Self> {
        let mut sd = StackDistances::new(1 << 16);
        let mut hist: Vec<u64> = Vec::new();
        for &k in trace.keys() {
            if let Some(d) = sd.access(k) {
                let d = d as usize;
                if d >= hist.len() {
                    hist.resize(d + 1, 0);
                }
                hist[d] += 1;
            }
        }
        let n = trace.len() as u64;
        let mut points = Vec::with_capacity(hist.len());
        let mut hits = 0u64;
        for (d, &count) in hist.iter().enumerate().skip(1) {
            hits += count;
            if count > 0 {
                points.push((d as u64, hits as f64 / n as f64));
            }
        }
        Ok(MissRatioCurve {
            accesses: n,
            distinct_keys: sd.distinct() as u64,
            method: "exact".to_owned(),
            sampling_rate: 1.0,
            points,
        })
    }

    /// An approximate LRU curve by SHARDS spatial sampling (Waldspurger,
    /// Park, Garthwaite & Ahmad, FAST 2015): only keys whose hash
    /// `mix64(key) mod 2^24` falls below `R * 2^24` are tracked, and their
    /// stack distances are scaled by `1/R`.
    ///
    /// The histogram gets the paper's SHARDS-adj correction: the difference
    /// between the expected (`N * R`) and actual number of sampled accesses
    /// is credited to the smallest distances (added to the first bucket when
    /// positive; taken from the smallest buckets until used up when
    /// negative, which is where an over-sampled hot key's reuses lie). With
    /// [`Sampling::MaxKeys`] the rate starts at 1 and drops whenever the
    /// sample would exceed the budget (the key with the largest hash leaves
    /// the sample and the histogram is rescaled by `R_new / R_old`); the
    /// correction then uses the final rate.
    ///
    /// # Examples
    /// ```
    /// use opsbrain::cache::{MissRatioCurve, Sampling, Trace};
    /// let keys: Vec<u64> = (0..20_000u64).map(|i| (i * 7919) % 1000).collect();
    /// let trace = Trace::new(&keys)?;
    /// let exact = MissRatioCurve::exact_lru(&trace)?;
    /// let approx = MissRatioCurve::shards(&trace, Sampling::Rate(0.1))?;
    /// assert!((exact.hit_ratio(1000) - approx.hit_ratio(1000)).abs() < 0.05);
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    ///
    /// # Errors
    /// `invalid_input` for a rate outside (0, 1] or a budget of 0 keys.
    pub fn shards(trace: &Trace<'_>, sampling: Sampling) -> Result<Self> {
        match sampling {
            Sampling::Rate(r) => {
                if !(r > 0.0 && r <= 1.0) {
                    return Err(Error::invalid_input(format!(
                        "sampling rate must be in (0, 1], got {r}"
                    )));
                }
                Ok(shards_fixed_rate(trace, r))
            }
            Sampling::MaxKeys(0) => Err(Error::invalid_input(
                "the sample budget must be at least 1 key",
            )),
            Sampling::MaxKeys(s) => Ok(shards_fixed_size(trace, s)),
        }
    }

    /// Hit ratio of an LRU cache of `size` entries.
    pub fn hit_ratio(&self, size: u64) -> f64 {
        let i = self.points.partition_point(|&(s, _)| s <= size);
        if i == 0 { 0.0 } else { self.points[i - 1].1 }
    }

    /// Miss ratio (`1 - hit_ratio`).
    pub fn miss_ratio(&self, size: u64) -> f64 {
        1.0 - self.hit_ratio(size)
    }

    /// Hit ratios at several sizes.
    pub fn hit_ratios(&self, sizes: &[u64]) -> Vec<f64> {
        sizes.iter().map(|&s| self.hit_ratio(s)).collect()
    }

    /// The best hit ratio any size reaches (cold misses are never hits).
    pub fn max_hit_ratio(&self) -> f64 {
        self.points.last().map_or(0.0, |p| p.1)
    }

    /// The smallest size whose hit ratio reaches `target`, or `None` when
    /// no size does.
    pub fn size_for_hit_ratio(&self, target: f64) -> Option<u64> {
        if target <= 0.0 {
            return Some(0);
        }
        self.points.iter().find(|p| p.1 >= target).map(|p| p.0)
    }

    /// The knee by the Kneedle rule (Satopaa et al., 2011): with size and hit
    /// ratio both scaled to [0, 1] over the curve's range, the point farthest
    /// above the straight line from the first point to the last. `None`
    /// when the curve has fewer than 3 points.
    pub fn knee(&self) -> Option<Knee> {
        let (first, last) = (self.points.first()?, self.points.last()?);
        if self.points.len() < 3 || last.0 == first.0 || last.1 <= first.1 {
            return None;
        }
        let (dx, dy) = ((last.0 - first.0) as f64, last.1 - first.1);
        let mut best = (f64::NEG_INFINITY, *first);
        for &p in &self.points {
            let gain = (p.1 - first.1) / dy - (p.0 - first.0) as f64 / dx;
            if gain > best.0 {
                best = (gain, p);
            }
        }
        Some(Knee {
            size: best.1.0,
            hit_ratio: best.1.1,
        })
    }
}

fn threshold(rate: f64) -> u64 {
    ((rate * P as f64).round() as u64).clamp(1, P)
}

fn shards_fixed_rate(trace: &Trace<'_>, rate: f64) -> MissRatioCurve {
    let t = threshold(rate);
    let rate = t as f64 / P as f64;
    let mut sd = StackDistances::new(1 << 12);
    let mut hist: Vec<u64> = Vec::new();
    let mut sampled = 0u64;
    for &k in trace.keys() {
        if mix64(k) & (P - 1) >= t {
            continue;
        }
        sampled += 1;
        if let Some(d) = sd.access(k) {
            let d = d as usize;
            if d >= hist.len() {
                hist.resize(d + 1, 0);
            }
            hist[d] += 1;
        }
    }
    let n = trace.len() as u64;
    let expected = n as f64 * rate;
    let counts: Vec<(u64, f64)> = hist
        .iter()
        .enumerate()
        .skip(1)
        .map(|(d, &c)| ((d as f64 / rate).round().max(1.0) as u64, c as f64))
        .collect();
    let points = adjusted_points(&counts, expected, expected - sampled as f64);
    MissRatioCurve {
        accesses: n,
        distinct_keys: (sd.distinct() as f64 / rate).round() as u64,
        method: "shards".to_owned(),
        sampling_rate: rate,
        points,
    }
}

fn shards_fixed_size(trace: &Trace<'_>, max_keys: usize) -> MissRatioCurve {
    let mut t = P;
    let mut sd = StackDistances::new(max_keys.min(1 << 16) * 2);
    // Sampled keys by hash, to find the largest when over budget.
    let mut heap: std::collections::BinaryHeap<(u64, u64)> = Default::default();
    let mut hist: FxHashMap<u64, f64> = FxHashMap::default();
    let mut total = 0.0f64;
    // Counts are stored divided by `scale`, the product of every rescale so
    // far, so that a rescale is O(1): true count = stored * scale.
    let mut scale = 1.0f64;
    for &k in trace.keys() {
        let h = mix64(k) & (P - 1);
        if h >= t {
            continue;
        }
        let rate = t as f64 / P as f64;
        total += 1.0 / scale;
        match sd.access(k) {
            Some(d) => {
                *hist
                    .entry((d as f64 / rate).round().max(1.0) as u64)
                    .or_insert(0.0) += 1.0 / scale
            }
            None => {
                heap.push((h, k));
                while sd.distinct() > max_keys {
                    let Some((h_max, k_max)) = heap.pop() else {
                        break;
                    };
                    sd.forget(k_max);
                    scale *= h_max as f64 / t as f64;
                    t = h_max;
                }
            }
        }
    }
    for v in hist.values_mut() {
        *v *= scale;
    }
    let total = total * scale;
    let mut steps: Vec<(u64, f64)> = hist.into_iter().collect();
    steps.sort_unstable_by_key(|s| s.0);
    let expected = trace.len() as f64 * t as f64 / P as f64;
    let points = adjusted_points(&steps, expected, expected - total);
    let rate = t as f64 / P as f64;
    MissRatioCurve {
        accesses: trace.len() as u64,
        distinct_keys: (sd.distinct() as f64 / rate).round() as u64,
        method: "shards".to_owned(),
        sampling_rate: rate,
        points,
    }
}

/// Turns `(size, sampled count)` buckets (sizes increasing) into curve
/// points with the SHARDS-adj correction: the difference `adjust` between the
/// expected and the actual number of sampled accesses is credited to the
/// smallest distances, i.e. the hits up to each size are
/// `clamp(cumulative + adjust, 0, expected)`. For a positive `adjust` this
/// is the paper's "add to the first bucket"; a negative one is taken from
/// the smallest distances until used up (where an over-sampled hot key's
/// reuses lie).
fn adjusted_points(counts: &[(u64, f64)], expected: f64, adjust: f64) -> Vec<(u64, f64)> {
    let mut points = Vec::with_capacity(counts.len());
    if expected <= 0.0 {
        return points;
    }
    let mut cumulative = 0.0;
    for (i, &(size, count)) in counts.iter().enumerate() {
        cumulative += count;
        if count > 0.0 || i == 0 {
            push_point(
                &mut points,
                size,
                ((cumulative + adjust) / expected).clamp(0.0, 1.0),
            );
        }
    }
    points
}

/// Appends a step, merging equal sizes (scaling can map two distances to one size).
fn push_point(points: &mut Vec<(u64, f64)>, size: u64, ratio: f64) {
    match points.last_mut() {
        Some(last) if last.0 == size => last.1 = ratio,
        _ => points.push((size, ratio)),
    }
}

/// The serialised fields of a curve, checked by `TryFrom`: what a curve
/// read back must satisfy is what the builders guarantee.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CurveRepr {
    accesses: u64,
    distinct_keys: u64,
    method: String,
    sampling_rate: f64,
    points: Vec<(u64, f64)>,
}

impl TryFrom<CurveRepr> for MissRatioCurve {
    type Error = Error;

    fn try_from(r: CurveRepr) -> Result<Self> {
        let bad = |what: String| Err(Error::invalid_input(format!("corrupt curve: {what}")));
        match r.method.as_str() {
            "exact" if r.sampling_rate != 1.0 => {
                return bad(format!(
                    "an exact curve has sampling_rate 1, not {}",
                    r.sampling_rate
                ));
            }
            "exact" | "shards" => {}
            m => return bad(format!("method {m:?} (expected \"exact\" or \"shards\")")),
        }
        if !(r.sampling_rate > 0.0 && r.sampling_rate <= 1.0) {
            return bad(format!(
                "sampling_rate {} is outside (0, 1]",
                r.sampling_rate
            ));
        }
        let mut last: Option<(u64, f64)> = None;
        for (i, &(size, ratio)) in r.points.iter().enumerate() {
            if !(0.0..=1.0).contains(&ratio) {
                return bad(format!("points[{i}]: hit ratio {ratio} is outside [0, 1]"));
            }
            if let Some((s, h)) = last
                && (size <= s || ratio < h)
            {
                return bad(format!(
                    "points[{i}]: sizes must increase and hit ratios must not decrease"
                ));
            }
            last = Some((size, ratio));
        }
        Ok(MissRatioCurve {
            accesses: r.accesses,
            distinct_keys: r.distinct_keys,
            method: r.method,
            sampling_rate: r.sampling_rate,
            points: r.points,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tampered_curves_are_refused() {
        let keys = [1u64, 2, 3, 1, 2, 3, 1, 2, 3, 4, 1];
        let good = MissRatioCurve::exact_lru(&Trace::new(&keys).unwrap()).unwrap();
        let text = good.to_json();
        assert_eq!(MissRatioCurve::from_json(&text).unwrap(), good);
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        for (field, bad) in [
            ("points", serde_json::json!([[3, 0.5], [2, 0.6]])),
            ("points", serde_json::json!([[2, 0.6], [3, 0.5]])),
            ("points", serde_json::json!([[2, -1.0]])),
            ("points", serde_json::json!([[2, 2.0]])),
            ("sampling_rate", serde_json::json!(7.0)),
            ("method", serde_json::json!("magic")),
        ] {
            let mut t = v.clone();
            t[field] = bad.clone();
            let e = MissRatioCurve::from_json(&t.to_string()).unwrap_err();
            assert_eq!(e.code(), "invalid_input", "{field} = {bad}: {e}");
            assert!(e.to_string().contains("corrupt curve"), "{e}");
        }
        let mut t = v.clone();
        t["extra"] = 1.into();
        assert!(MissRatioCurve::from_json(&t.to_string()).is_err());
    }

    /// Brute-force LRU hit count at `size`.
    fn lru_hits(keys: &[u64], size: usize) -> u64 {
        let mut stack: Vec<u64> = Vec::new();
        let mut hits = 0;
        for &k in keys {
            if let Some(pos) = stack.iter().position(|&x| x == k) {
                if pos < size {
                    hits += 1;
                }
                stack.remove(pos);
            }
            stack.insert(0, k);
        }
        hits
    }

    fn xorshift_trace(n: usize, universe: u64, seed: u64) -> Vec<u64> {
        let mut s = seed | 1;
        (0..n)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                // skewed: square a uniform draw
                let u = (s % 10_000) as f64 / 10_000.0;
                (u * u * universe as f64) as u64
            })
            .collect()
    }

    #[test]
    fn exact_curve_equals_brute_force_lru() {
        for (n, universe, seed) in [(3000, 50, 1), (5000, 400, 2), (2000, 5, 3), (4000, 3000, 4)] {
            let keys = xorshift_trace(n, universe, seed);
            let mrc = MissRatioCurve::exact_lru(&Trace::new(&keys).unwrap()).unwrap();
            for size in [1usize, 2, 3, 7, 10, 33, 100, 250, 1000, 5000] {
                let want = lru_hits(&keys, size) as f64 / n as f64;
                assert!(
                    (mrc.hit_ratio(size as u64) - want).abs() < 1e-12,
                    "n={n} size={size}"
                );
            }
        }
    }

    #[test]
    fn compaction_keeps_distances_exact() {
        // Many more accesses than the initial tree size, few distinct keys.
        let keys: Vec<u64> = (0..3_000_000u64).map(|i| (i * 31) % 977).collect();
        let mrc = MissRatioCurve::exact_lru(&Trace::new(&keys).unwrap()).unwrap();
        assert_eq!(mrc.distinct_keys, 977);
        // A cyclic scan: every reuse is at distance 977.
        assert_eq!(mrc.hit_ratio(976), 0.0);
        assert!((mrc.hit_ratio(977) - (3_000_000.0 - 977.0) / 3_000_000.0).abs() < 1e-12);
    }

    #[test]
    fn shards_full_rate_is_exact() {
        let keys = xorshift_trace(5000, 300, 9);
        let trace = Trace::new(&keys).unwrap();
        let exact = MissRatioCurve::exact_lru(&trace).unwrap();
        let s = MissRatioCurve::shards(&trace, Sampling::Rate(1.0)).unwrap();
        for size in [1, 5, 50, 300] {
            assert!((exact.hit_ratio(size) - s.hit_ratio(size)).abs() < 1e-12);
        }
        let s = MissRatioCurve::shards(&trace, Sampling::MaxKeys(1000)).unwrap();
        for size in [1, 5, 50, 300] {
            assert!((exact.hit_ratio(size) - s.hit_ratio(size)).abs() < 1e-12);
        }
    }

    #[test]
    fn shards_sampling_is_close() {
        let keys = xorshift_trace(400_000, 50_000, 5);
        let trace = Trace::new(&keys).unwrap();
        let exact = MissRatioCurve::exact_lru(&trace).unwrap();
        for sampling in [Sampling::Rate(0.1), Sampling::MaxKeys(4096)] {
            let s = MissRatioCurve::shards(&trace, sampling).unwrap();
            let sizes: Vec<u64> = (1..=50).map(|i| i * 1000).collect();
            let mae: f64 = sizes
                .iter()
                .map(|&c| (exact.hit_ratio(c) - s.hit_ratio(c)).abs())
                .sum::<f64>()
                / sizes.len() as f64;
            assert!(mae < 0.02, "{sampling:?}: mean absolute error {mae}");
        }
    }

    #[test]
    fn bad_sampling_is_refused() {
        let keys = [1u64, 2, 3];
        let t = Trace::new(&keys).unwrap();
        for r in [0.0, -0.1, 1.5, f64::NAN] {
            assert_eq!(
                MissRatioCurve::shards(&t, Sampling::Rate(r))
                    .unwrap_err()
                    .code(),
                "invalid_input"
            );
        }
        assert!(MissRatioCurve::shards(&t, Sampling::MaxKeys(0)).is_err());
    }

    #[test]
    fn knee_and_sizing() {
        // Hot set of 100 keys (90% of accesses) plus a long uniform tail.
        let mut s = 7u64;
        let keys: Vec<u64> = (0..200_000)
            .map(|_| {
                s = mix64(s);
                if s % 10 < 9 {
                    s % 100
                } else {
                    100 + s % 20_000
                }
            })
            .collect();
        let mrc = MissRatioCurve::exact_lru(&Trace::new(&keys).unwrap()).unwrap();
        let knee = mrc.knee().unwrap();
        assert!(knee.size >= 90 && knee.size <= 400, "{knee:?}");
        let s80 = mrc.size_for_hit_ratio(0.8).unwrap();
        assert!(mrc.hit_ratio(s80) >= 0.8 && mrc.hit_ratio(s80 - 1) < 0.8);
        assert_eq!(mrc.size_for_hit_ratio(0.999), None);
    }
}
