//! Statistics shared by the families: one quantile definition for the whole
//! crate, and a mergeable quantile sketch.
//!
//! Every quantile, percentile and median opsbrain reports (KPI p50/p90/p99,
//! cache gap quantiles and TTLs, Isolation Forest offsets, monitoring
//! thresholds) interpolates linearly between order statistics: the "type 7"
//! definition, numpy's and pandas' default. So "p90" means the same thing in
//! every result.
//!
//! [`QuantileSketch`] estimates those quantiles within a stated relative
//! error from a small summary that merges exactly, so that data split into
//! partitions (on a cluster, say) can be summarised per partition and
//! merged (the support KPI partials of `kpi` use it).
//!
//! This module imports no family. Each private helper is compiled for the
//! features whose families use it.
//!
//! # Examples
//! ```
//! use opsbrain::stats::QuantileSketch;
//! let mut s = QuantileSketch::new();
//! for x in [12.0, 30.0, 45.0, 600.0] { s.add(x)?; }
//! assert_eq!(s.count(), 4);
//! # Ok::<(), opsbrain::Error>(())
//! ```

mod sketch;

#[cfg(feature = "kpi")]
pub(crate) use sketch::limit_error;

pub use sketch::{DEFAULT_ALPHA, MAX_ALPHA, MAX_SKETCH_BUCKETS, MIN_ALPHA, QuantileSketch};

/// The `q` quantile (`q` in `[0, 1]`, clamped) of sorted values,
/// interpolating linearly between order statistics; NaN when empty.
///
/// ```ignore
/// assert_eq!(quantile_sorted(&[1.0, 2.0, 3.0, 4.0], 0.5), 2.5);
/// ```
#[cfg(any(test, feature = "anomaly", feature = "cache", feature = "kpi"))]
pub(crate) fn quantile_sorted(v: &[f64], q: f64) -> f64 {
    match v.len() {
        0 => f64::NAN,
        1 => v[0],
        n => {
            let h = (n - 1) as f64 * q.clamp(0.0, 1.0);
            let lo = (h.floor() as usize).min(n - 1);
            let hi = (lo + 1).min(n - 1);
            v[lo] + (h - lo as f64) * (v[hi] - v[lo])
        }
    }
}

/// The `p` percentile (`p` in `[0, 100]`) of sorted values, as
/// [`quantile_sorted`] at `p / 100`.
#[cfg(any(test, feature = "anomaly"))]
pub(crate) fn percentile_sorted(sorted: &[f64], p: f64) -> f64 {
    quantile_sorted(sorted, p / 100.0)
}

/// The `p` percentile (`p` in `[0, 100]`) of unsorted values (sorts a copy).
#[cfg(any(test, feature = "anomaly"))]
pub(crate) fn percentile(values: &[f64], p: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    percentile_sorted(&sorted, p)
}

/// The median of unsorted values (sorts them); `None` when empty.
#[cfg(any(test, feature = "kpi"))]
pub(crate) fn median(v: &mut [f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable_by(f64::total_cmp);
    Some(quantile_sorted(v, 0.5))
}

/// `num / den`, or `None` when `den` is zero.
#[cfg(any(test, feature = "kpi"))]
pub(crate) fn ratio(num: f64, den: f64) -> Option<f64> {
    (den > 0.0).then(|| num / den)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_match_numpy_linear() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile_sorted(&v, 0.5), 2.5);
        assert!((quantile_sorted(&v, 0.9) - 3.7).abs() < 1e-12);
        assert_eq!(quantile_sorted(&v, 0.0), 1.0);
        assert_eq!(quantile_sorted(&v, 1.0), 4.0);
        assert_eq!(quantile_sorted(&[7.0], 0.99), 7.0);
        assert!(quantile_sorted(&[], 0.5).is_nan());
        // numpy.percentile([1, 2, 3, 4, 10], 95) == 8.8
        assert!((percentile(&[10.0, 1.0, 3.0, 2.0, 4.0], 95.0) - 8.8).abs() < 1e-12);
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut []), None);
        assert_eq!(ratio(1.0, 0.0), None);
        assert_eq!(ratio(1.0, 4.0), Some(0.25));
    }
}
