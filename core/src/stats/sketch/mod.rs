//! A mergeable quantile sketch of non-negative durations with a relative
//! error guarantee, after DDSketch (Masson, Rim & Lee, "DDSketch: a fast and
//! fully-mergeable quantile sketch with relative-error guarantees", VLDB 2019).

mod repr;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub(crate) use self::repr::limit_error;
use self::repr::{SketchRepr, too_many_buckets};
use crate::error::{Error, Result};

/// The default relative accuracy of a [`QuantileSketch`]: 1 %.
pub const DEFAULT_ALPHA: f64 = 0.01;

/// The smallest relative accuracy a [`QuantileSketch`] accepts.
pub const MIN_ALPHA: f64 = 1e-4;

/// The largest relative accuracy a [`QuantileSketch`] accepts.
pub const MAX_ALPHA: f64 = 0.5;

/// Most non-empty buckets in one [`QuantileSketch`] (65,536). With the
/// default 1 % accuracy, values from a nanosecond to 30,000 years take
/// about 2,400 buckets, so real durations never reach it; a sketch that
/// would pass it (hostile values spread over hundreds of orders of
/// magnitude) is refused, and so is a serialised sketch with more buckets
/// (counted while reading).
pub const MAX_SKETCH_BUCKETS: usize = 1 << 16;

/// A mergeable quantile sketch of non-negative values (durations in
/// seconds), DDSketch-style: logarithmic buckets `(γ^(i-1), γ^i]` with
/// `γ = (1 + α) / (1 - α)`, one exact count for zero, and the exact minimum
/// and maximum.
///
/// **Guarantee.** For `q` in `[0, 1]`, [`quantile`](Self::quantile) returns
/// a value within relative error `α` of the exact quantile as
/// opsbrain computes it (linear interpolation between order statistics,
/// numpy's default): `|estimate - exact| <= α * exact` (up to floating-point
/// rounding, about 1e-12 relative). Each order statistic is estimated within
/// `α` by the representative value of its bucket, and the interpolation of two
/// such estimates with the exact weights stays within `α` of the
/// interpolated exact value. Zero is counted exactly, so zeros come back
/// as 0.
///
/// **Merging** two sketches of the same `α` adds bucket counts: the merged
/// sketch is exactly the sketch of the union of the data, whatever the
/// split and the merge order, so partition-wise sketches merged give the
/// same quantiles, bit for bit, as one sketch of everything.
///
/// Serde form: `{"alpha": 0.01, "zero_count": 0, "min": 1.5, "max": 90.0,
/// "buckets": [[index, count], ...]}` with bucket indices strictly
/// increasing and counts positive (`min`/`max` are `null` when empty); at
/// most [`MAX_SKETCH_BUCKETS`] buckets.
///
/// # Examples
/// ```
/// use opsbrain::stats::QuantileSketch;
/// let mut a = QuantileSketch::new();
/// let mut b = QuantileSketch::new();
/// for i in 1..=500 { a.add(f64::from(i))?; }
/// for i in 501..=1000 { b.add(f64::from(i))?; }
/// a.merge(&b)?;
/// assert_eq!(a.count(), 1000);
/// let p90 = a.quantile(0.9).unwrap();
/// let exact = 900.1; // numpy.quantile(1..=1000, 0.9)
/// assert!((p90 - exact).abs() <= 0.01 * exact);
/// # Ok::<(), opsbrain::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "SketchRepr", into = "SketchRepr")]
pub struct QuantileSketch {
    alpha: f64,
    /// `ln γ`, derived from `alpha`.
    ln_gamma: f64,
    zero_count: u64,
    min: Option<f64>,
    max: Option<f64>,
    buckets: BTreeMap<i32, u64>,
}

impl Default for QuantileSketch {
    fn default() -> Self {
        Self::new()
    }
}

impl QuantileSketch {
    /// An empty sketch with the default accuracy [`DEFAULT_ALPHA`] (1 %).
    ///
    /// # Examples
    /// ```
    /// let s = opsbrain::stats::QuantileSketch::new();
    /// assert_eq!((s.count(), s.alpha()), (0, 0.01));
    /// ```
    pub fn new() -> Self {
        Self::empty(DEFAULT_ALPHA)
    }

    fn empty(alpha: f64) -> Self {
        QuantileSketch {
            alpha,
            ln_gamma: ((1.0 + alpha) / (1.0 - alpha)).ln(),
            zero_count: 0,
            min: None,
            max: None,
            buckets: BTreeMap::new(),
        }
    }

    /// An empty sketch of relative accuracy `alpha`, in
    /// `[MIN_ALPHA, MAX_ALPHA]`.
    ///
    /// # Examples
    /// ```
    /// use opsbrain::stats::QuantileSketch;
    /// assert_eq!(QuantileSketch::with_alpha(0.05)?.alpha(), 0.05);
    /// assert_eq!(QuantileSketch::with_alpha(0.0).unwrap_err().code(), "invalid_input");
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    ///
    /// # Errors
    /// `invalid_input` for an `alpha` outside the range (or not a number).
    pub fn with_alpha(alpha: f64) -> Result<Self> {
        if !(MIN_ALPHA..=MAX_ALPHA).contains(&alpha) {
            return Err(Error::invalid_input(format!(
                "alpha {alpha} is outside [{MIN_ALPHA}, {MAX_ALPHA}]"
            )));
        }
        Ok(Self::empty(alpha))
    }

    /// The relative accuracy `α`.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(opsbrain::stats::QuantileSketch::new().alpha(), 0.01);
    /// ```
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// How many values were added (merged sketches included).
    ///
    /// # Examples
    /// ```
    /// let mut s = opsbrain::stats::QuantileSketch::new();
    /// s.add(0.0)?;
    /// s.add(3.0)?;
    /// assert_eq!(s.count(), 2);
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    pub fn count(&self) -> u64 {
        // Bounded by construction: `add` and `merge` refuse a count past u64.
        self.buckets
            .values()
            .fold(self.zero_count, |a, &c| a.saturating_add(c))
    }

    /// Whether no value was added.
    ///
    /// # Examples
    /// ```
    /// assert!(opsbrain::stats::QuantileSketch::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.zero_count == 0 && self.buckets.is_empty()
    }

    /// The bucket index of a positive finite value: `ceil(log_γ(x))`.
    fn index(&self, x: f64) -> Result<i32> {
        let i = (x.ln() / self.ln_gamma).ceil();
        // |ln x| <= 745 for every positive finite f64 and ln γ >= 2e-4, so
        // |i| < 4e6 always fits an i32; checked all the same.
        if !(f64::from(i32::MIN)..=f64::from(i32::MAX)).contains(&i) {
            return Err(Error::invalid_input(format!(
                "value {x} cannot be sketched"
            )));
        }
        Ok(i as i32)
    }

    /// The representative value of bucket `i`: `2 γ^i / (γ + 1)`, within
    /// relative error `α` of every value of the bucket.
    fn value(&self, i: i32) -> f64 {
        let gamma = self.ln_gamma.exp();
        2.0 * (f64::from(i) * self.ln_gamma).exp() / (gamma + 1.0)
    }

    /// Adds one value: a non-negative, finite duration.
    ///
    /// # Examples
    /// ```
    /// let mut s = opsbrain::stats::QuantileSketch::new();
    /// s.add(42.0)?;
    /// assert_eq!(s.add(-1.0).unwrap_err().code(), "invalid_input");
    /// assert_eq!(s.add(f64::NAN).unwrap_err().code(), "invalid_input");
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    ///
    /// # Errors
    /// `invalid_input` for a negative or non-finite value; `limit_exceeded`
    /// when a new bucket would pass [`MAX_SKETCH_BUCKETS`].
    pub fn add(&mut self, x: f64) -> Result<()> {
        if !(x.is_finite() && x >= 0.0) {
            return Err(Error::invalid_input(format!(
                "{x} is not a duration: a sketch takes finite values >= 0"
            )));
        }
        if x == 0.0 {
            self.zero_count = self.zero_count.saturating_add(1);
        } else {
            let i = self.index(x)?;
            if !self.buckets.contains_key(&i) && self.buckets.len() >= MAX_SKETCH_BUCKETS {
                return Err(too_many_buckets());
            }
            let c = self.buckets.entry(i).or_insert(0);
            *c = c.saturating_add(1);
        }
        // `-0.0` is stored as 0.0, so that equal data give equal sketches.
        let x = if x == 0.0 { 0.0 } else { x };
        self.min = Some(self.min.map_or(x, |m| m.min(x)));
        self.max = Some(self.max.map_or(x, |m| m.max(x)));
        Ok(())
    }

    /// Adds every value of `other` (exactly: bucket counts add).
    ///
    /// # Examples
    /// ```
    /// use opsbrain::stats::QuantileSketch;
    /// let mut a = QuantileSketch::new();
    /// a.add(1.0)?;
    /// let mut b = QuantileSketch::new();
    /// b.add(2.0)?;
    /// a.merge(&b)?;
    /// assert_eq!(a.count(), 2);
    /// let coarse = QuantileSketch::with_alpha(0.05)?;
    /// assert_eq!(a.merge(&coarse).unwrap_err().code(), "invalid_input");
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    ///
    /// # Errors
    /// `invalid_input` when the two accuracies differ; `limit_exceeded`
    /// when the union would pass [`MAX_SKETCH_BUCKETS`] (`self` is then
    /// unchanged).
    pub fn merge(&mut self, other: &QuantileSketch) -> Result<()> {
        if self.alpha.to_bits() != other.alpha.to_bits() {
            return Err(Error::invalid_input(format!(
                "cannot merge sketches of different accuracy: alpha {} and {}",
                self.alpha, other.alpha
            )));
        }
        let new = other
            .buckets
            .keys()
            .filter(|i| !self.buckets.contains_key(i))
            .count();
        if self.buckets.len() + new > MAX_SKETCH_BUCKETS {
            return Err(too_many_buckets());
        }
        self.zero_count = self.zero_count.saturating_add(other.zero_count);
        for (&i, &c) in &other.buckets {
            let e = self.buckets.entry(i).or_insert(0);
            *e = e.saturating_add(c);
        }
        self.min = match (self.min, other.min) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.max = match (self.max, other.max) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        Ok(())
    }

    /// The estimate of the value of rank `r` (0-based) in sorted order.
    fn at_rank(&self, r: u64) -> f64 {
        if r < self.zero_count {
            return 0.0;
        }
        let mut seen = self.zero_count;
        for (&i, &c) in &self.buckets {
            seen = seen.saturating_add(c);
            if r < seen {
                return self.value(i);
            }
        }
        self.max.unwrap_or(0.0)
    }

    /// The `q` quantile (`q` in `[0, 1]`, clamped), interpolating linearly
    /// between the estimates of the two order statistics around rank
    /// `q (n - 1)`, as opsbrain's exact quantiles do; within relative error
    /// `α` of the exact quantile (see the type docs). `None` when empty.
    ///
    /// # Examples
    /// ```
    /// let mut s = opsbrain::stats::QuantileSketch::new();
    /// for x in [0.0, 10.0, 20.0, 30.0] { s.add(x)?; }
    /// assert_eq!(s.quantile(0.0), Some(0.0));
    /// assert_eq!(s.quantile(1.0), Some(30.0)); // the exact maximum
    /// let median = s.quantile(0.5).unwrap(); // exact: 15
    /// assert!((median - 15.0).abs() <= 0.01 * 15.0);
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    pub fn quantile(&self, q: f64) -> Option<f64> {
        let n = self.count();
        let (min, max) = (self.min?, self.max?);
        let q = if q.is_nan() { 0.0 } else { q.clamp(0.0, 1.0) };
        // Ranks are exact in f64 below 2^53 values.
        let h = (n - 1) as f64 * q;
        let lo = h.floor();
        let frac = h - lo;
        let lo = lo as u64;
        let hi = (lo + 1).min(n - 1);
        let (a, b) = (self.at_rank(lo), self.at_rank(hi));
        Some((a + frac * (b - a)).clamp(min, max))
    }

    /// The sketch as JSON (its serde form).
    ///
    /// # Examples
    /// ```
    /// use opsbrain::stats::QuantileSketch;
    /// let mut s = QuantileSketch::new();
    /// s.add(5.0)?;
    /// assert_eq!(QuantileSketch::from_json(&s.to_json())?, s);
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::Value::from(SketchRepr::from(self.clone())).to_string()
    }

    /// A sketch from [`to_json`](Self::to_json) output.
    ///
    /// # Examples
    /// ```
    /// use opsbrain::stats::QuantileSketch;
    /// let s = QuantileSketch::from_json(r#"{"alpha": 0.01, "zero_count": 2, "min": 0.0,
    ///     "max": 0.0, "buckets": []}"#)?;
    /// assert_eq!(s.quantile(0.5), Some(0.0));
    /// assert_eq!(QuantileSketch::from_json("{}").unwrap_err().code(), "parse_error");
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    ///
    /// # Errors
    /// `parse_error` for malformed JSON or a missing, unknown or mistyped
    /// field; `limit_exceeded` past [`MAX_SKETCH_BUCKETS`] buckets;
    /// `invalid_input` for a sketch no sketch makes (alpha out of range,
    /// indices not increasing, zero counts, `min`/`max` inconsistent with the
    /// counts).
    pub fn from_json(text: &str) -> Result<Self> {
        let repr: SketchRepr = crate::input::from_json(text).map_err(limit_error)?;
        Self::try_from(repr)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::quantile_sorted;
    use proptest::prelude::*;

    fn within(est: f64, exact: f64, alpha: f64) -> bool {
        (est - exact).abs() <= alpha * exact * (1.0 + 1e-9) + 1e-300
    }

    #[test]
    fn serde_round_trip_and_corruption() {
        let mut s = QuantileSketch::new();
        for x in [0.0, 1.0, 2.5, 1e6, 3.0] {
            s.add(x).unwrap();
        }
        let text = s.to_json();
        assert_eq!(QuantileSketch::from_json(&text).unwrap(), s);
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        for (field, bad) in [
            ("alpha", serde_json::json!(0.9)),
            ("buckets", serde_json::json!([[3, 1], [2, 1]])),
            ("buckets", serde_json::json!([[3, 0]])),
            ("min", serde_json::json!(-1.0)),
            ("min", serde_json::json!(5.0)),
            ("max", serde_json::json!(null)),
        ] {
            let mut t = v.clone();
            t[field] = bad.clone();
            let e = QuantileSketch::from_json(&t.to_string()).unwrap_err();
            assert_eq!(e.code(), "invalid_input", "{field} = {bad}: {e}");
        }
        let mut t = v.clone();
        t["extra"] = 1.into();
        assert_eq!(
            QuantileSketch::from_json(&t.to_string())
                .unwrap_err()
                .code(),
            "parse_error"
        );
        let many: Vec<(i32, u64)> = (0..=MAX_SKETCH_BUCKETS as i32).map(|i| (i, 1)).collect();
        let mut t = v.clone();
        t["buckets"] = serde_json::json!(many);
        assert_eq!(
            QuantileSketch::from_json(&t.to_string())
                .unwrap_err()
                .code(),
            "limit_exceeded"
        );
    }

    #[test]
    fn hostile_values_hit_the_bucket_limit() {
        let mut s = QuantileSketch::with_alpha(MIN_ALPHA).unwrap();
        let mut x = f64::MIN_POSITIVE;
        let mut refused = false;
        for _ in 0..2_000_000 {
            if s.add(x).is_err() {
                refused = true;
                break;
            }
            x *= 1.001;
        }
        assert!(refused);
        assert_eq!(s.buckets.len(), MAX_SKETCH_BUCKETS);
    }

    proptest! {
        #[test]
        fn merged_equals_single_and_is_within_alpha(
            values in prop::collection::vec(prop_oneof![Just(0.0), 0.0f64..1e7, 1e-6f64..1.0], 1..400),
            split in 0usize..400,
            alpha in prop_oneof![Just(0.01), Just(0.001), Just(0.05)],
        ) {
            let split = split.min(values.len());
            let mut one = QuantileSketch::with_alpha(alpha).unwrap();
            let (mut a, mut b) = (one.clone(), one.clone());
            for &x in &values { one.add(x).unwrap(); }
            for &x in &values[..split] { a.add(x).unwrap(); }
            for &x in &values[split..] { b.add(x).unwrap(); }
            b.merge(&a).unwrap();
            prop_assert_eq!(&b, &one);
            let back = QuantileSketch::from_json(&b.to_json()).unwrap();
            prop_assert_eq!(&back, &one);
            let mut sorted = values.clone();
            sorted.sort_by(f64::total_cmp);
            for q in [0.0, 0.01, 0.25, 0.5, 0.9, 0.99, 1.0] {
                let est = b.quantile(q).unwrap();
                prop_assert_eq!(est.to_bits(), one.quantile(q).unwrap().to_bits());
                let exact = quantile_sorted(&sorted, q);
                prop_assert!(within(est, exact, alpha), "q={} est={} exact={}", q, est, exact);
            }
        }
    }
}
