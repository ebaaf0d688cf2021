//! Latency SLOs and Apdex from raw samples or histograms.

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};
use crate::stats::quantile_sorted;

/// Most buckets in one histogram.
pub const MAX_HISTOGRAM_BUCKETS: usize = 10_000;

/// Latencies in milliseconds: raw samples, or a histogram of counts per
/// bucket with increasing upper bounds (bucket `i` holds latencies in
/// `(upper_bounds[i-1], upper_bounds[i]]`, the first from 0; the last bound
/// may be infinite).
///
/// # Examples
/// ```
/// use opsbrain::kpi::Latencies;
/// let h = Latencies::Histogram { upper_bounds: &[100.0, 500.0, f64::INFINITY], counts: &[80.0, 15.0, 5.0] };
/// assert_eq!(h.count()?, 100.0);
/// # Ok::<(), opsbrain::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub enum Latencies<'a> {
    /// One latency per request.
    Samples(&'a [f64]),
    /// Counts per bucket.
    Histogram {
        /// Strictly increasing upper bounds, positive.
        upper_bounds: &'a [f64],
        /// Count per bucket.
        counts: &'a [f64],
    },
}

impl<'a> Latencies<'a> {
    /// Raw `samples`, or a histogram of `upper_bounds` and `counts`: exactly
    /// one of the two forms.
    ///
    /// # Examples
    /// ```
    /// use opsbrain::kpi::Latencies;
    /// assert!(Latencies::one_of(Some(&[1.0]), None, None).is_ok());
    /// assert!(Latencies::one_of(Some(&[1.0]), Some(&[1.0]), Some(&[1.0])).is_err());
    /// ```
    ///
    /// # Errors
    /// `invalid_input` when both forms, neither, or half a histogram are given.
    pub fn one_of(
        samples: Option<&'a [f64]>,
        upper_bounds: Option<&'a [f64]>,
        counts: Option<&'a [f64]>,
    ) -> Result<Self> {
        match (samples, upper_bounds, counts) {
            (Some(s), None, None) => Ok(Latencies::Samples(s)),
            (None, Some(upper_bounds), Some(counts)) => Ok(Latencies::Histogram {
                upper_bounds,
                counts,
            }),
            _ => Err(Error::invalid_input(
                "give either samples, or upper_bounds and counts",
            )),
        }
    }
}

/// The most requests a histogram may count in total: 2^53, the largest
/// count an `f64` holds exactly (sums past it lose requests, and past
/// `f64::MAX` they made shares NaN).
pub const MAX_REQUESTS: f64 = 9_007_199_254_740_992.0;

impl Latencies<'_> {
    /// Checks the data; returns the number of requests.
    ///
    /// # Errors
    /// `invalid_input` for no requests, a negative or non-finite sample or
    /// count, or bounds that are not positive and strictly increasing;
    /// `dimension_mismatch` when bounds and counts differ in length;
    /// `limit_exceeded` past [`MAX_HISTOGRAM_BUCKETS`] or when the counts
    /// total more than [`MAX_REQUESTS`].
    pub fn count(&self) -> Result<f64> {
        let n = match *self {
            Latencies::Samples(v) => {
                if let Some(i) = v.iter().position(|x| !(x.is_finite() && *x >= 0.0)) {
                    return Err(Error::invalid_input(format!(
                        "samples[{i}] = {} is not a finite, non-negative latency",
                        v[i]
                    )));
                }
                v.len() as f64
            }
            Latencies::Histogram {
                upper_bounds,
                counts,
            } => {
                if upper_bounds.len() != counts.len() {
                    return Err(Error::new(
                        ErrorKind::DimensionMismatch,
                        format!(
                            "{} upper bounds but {} counts",
                            upper_bounds.len(),
                            counts.len()
                        ),
                    ));
                }
                if counts.len() > MAX_HISTOGRAM_BUCKETS {
                    return Err(Error::limit(format!(
                        "{} buckets; at most {MAX_HISTOGRAM_BUCKETS} are allowed",
                        counts.len()
                    )));
                }
                let mut prev = 0.0;
                for (i, &b) in upper_bounds.iter().enumerate() {
                    if b.is_nan() || b <= prev {
                        return Err(Error::invalid_input(format!(
                            "upper_bounds[{i}] = {b} must be positive and above the bound before it"
                        )));
                    }
                    prev = b;
                }
                if let Some(i) = counts.iter().position(|c| !(c.is_finite() && *c >= 0.0)) {
                    return Err(Error::invalid_input(format!(
                        "counts[{i}] = {} is not a finite, non-negative count",
                        counts[i]
                    )));
                }
                counts.iter().sum()
            }
        };
        if n <= 0.0 {
            return Err(Error::invalid_input("no requests: latencies are empty"));
        }
        if n > MAX_REQUESTS {
            return Err(Error::limit(format!(
                "counts total {n:e} requests; at most 2^53 ({MAX_REQUESTS:e}) are allowed"
            )));
        }
        Ok(n)
    }

    /// Requests at or below `x` ms (interpolated linearly inside a
    /// histogram bucket; nothing counted inside an unbounded last bucket).
    fn at_or_below(&self, x: f64) -> f64 {
        match *self {
            Latencies::Samples(v) => v.iter().filter(|&&s| s <= x).count() as f64,
            Latencies::Histogram {
                upper_bounds,
                counts,
            } => {
                let mut acc = 0.0;
                let mut lower = 0.0;
                for (&b, &c) in upper_bounds.iter().zip(counts) {
                    if x >= b {
                        acc += c;
                    } else {
                        if x > lower && b.is_finite() {
                            acc += c * (x - lower) / (b - lower);
                        }
                        break;
                    }
                    lower = b;
                }
                acc
            }
        }
    }

    /// p50, p90 and p99 (linear between order statistics for samples;
    /// interpolated inside the bucket for histograms, capped at the last
    /// finite bound).
    fn quantiles(&self, total: f64) -> [f64; 3] {
        const Q: [f64; 3] = [0.5, 0.9, 0.99];
        match *self {
            Latencies::Samples(v) => {
                let mut s = v.to_vec();
                s.sort_unstable_by(f64::total_cmp);
                Q.map(|q| quantile_sorted(&s, q))
            }
            Latencies::Histogram {
                upper_bounds,
                counts,
            } => Q.map(|q| {
                let rank = q * total;
                let (mut acc, mut lower) = (0.0, 0.0);
                for (&b, &c) in upper_bounds.iter().zip(counts) {
                    if c > 0.0 && acc + c >= rank {
                        if !b.is_finite() {
                            return lower;
                        }
                        return lower + (b - lower) * ((rank - acc) / c).clamp(0.0, 1.0);
                    }
                    acc += c;
                    lower = b;
                }
                lower
            }),
        }
    }
}

/// The share of requests within a latency threshold, against an objective.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LatencySlo {
    /// The threshold, ms.
    pub threshold_ms: f64,
    /// The objective, e.g. 0.95.
    pub objective: f64,
    /// Requests.
    pub count: f64,
    /// Requests at or below the threshold.
    pub good: f64,
    /// `good / count`.
    pub share: f64,
    /// `share >= objective`.
    pub meets_objective: bool,
    /// Median latency, ms.
    pub p50: f64,
    /// 90th percentile, ms.
    pub p90: f64,
    /// 99th percentile, ms.
    pub p99: f64,
}

/// The share of requests at or below `threshold_ms` (the framework's API
/// response time: <500 ms, target <300 ms), against `objective`, with the
/// p50/p90/p99.
///
/// # Examples
/// ```
/// use opsbrain::kpi::{latency_slo, Latencies};
/// let s = latency_slo(Latencies::Samples(&[120.0, 250.0, 480.0, 900.0]), 500.0, 0.95)?;
/// assert_eq!((s.good, s.share, s.meets_objective), (3.0, 0.75, false));
/// # Ok::<(), opsbrain::Error>(())
/// ```
///
/// # Errors
/// As [`Latencies::count`]; `invalid_input` for a threshold that is not
/// positive or an objective outside (0, 1).
pub fn latency_slo(
    latencies: Latencies<'_>,
    threshold_ms: f64,
    objective: f64,
) -> Result<LatencySlo> {
    if !(threshold_ms.is_finite() && threshold_ms > 0.0) {
        return Err(Error::invalid_input(format!(
            "threshold_ms {threshold_ms} must be positive"
        )));
    }
    if !(objective.is_finite() && objective > 0.0 && objective < 1.0) {
        return Err(Error::invalid_input(format!(
            "objective {objective} must be a fraction in (0, 1): an SLO of 100% or above cannot be budgeted"
        )));
    }
    let count = latencies.count()?;
    let good = latencies.at_or_below(threshold_ms);
    let share = good / count;
    let [p50, p90, p99] = latencies.quantiles(count);
    Ok(LatencySlo {
        threshold_ms,
        objective,
        count,
        good,
        share,
        meets_objective: share >= objective,
        p50,
        p90,
        p99,
    })
}

/// The published Apdex rating bands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApdexRating {
    /// 0.94 and above.
    Excellent,
    /// 0.85 to 0.94.
    Good,
    /// 0.70 to 0.85.
    Fair,
    /// 0.50 to 0.70.
    Poor,
    /// Below 0.50.
    Unacceptable,
}

/// An Apdex score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Apdex {
    /// The target time T, ms.
    pub t_ms: f64,
    /// Requests at or below T.
    pub satisfied: f64,
    /// Requests above T, at or below 4T.
    pub tolerating: f64,
    /// Requests above 4T.
    pub frustrated: f64,
    /// `(satisfied + tolerating / 2) / count`, in [0, 1].
    pub score: f64,
    /// The rating band of the score.
    pub rating: ApdexRating,
}

/// The Apdex score for target time `t_ms`: satisfied at or below T,
/// tolerating up to 4T, frustrated above.
///
/// # Examples
/// ```
/// use opsbrain::kpi::{apdex, ApdexRating, Latencies};
/// let a = apdex(Latencies::Samples(&[100.0, 200.0, 600.0, 3000.0]), 300.0)?;
/// assert_eq!((a.satisfied, a.tolerating, a.frustrated, a.score), (2.0, 1.0, 1.0, 0.625));
/// assert_eq!(a.rating, ApdexRating::Poor);
/// # Ok::<(), opsbrain::Error>(())
/// ```
///
/// # Errors
/// As [`Latencies::count`]; `invalid_input` for a `t_ms` that is not positive.
pub fn apdex(latencies: Latencies<'_>, t_ms: f64) -> Result<Apdex> {
    if !(t_ms.is_finite() && t_ms > 0.0) {
        return Err(Error::invalid_input(format!(
            "t_ms {t_ms} must be positive"
        )));
    }
    let count = latencies.count()?;
    let satisfied = latencies.at_or_below(t_ms);
    let within4 = latencies.at_or_below(4.0 * t_ms);
    let tolerating = within4 - satisfied;
    let score = (satisfied + tolerating / 2.0) / count;
    let rating = match score {
        s if s >= 0.94 => ApdexRating::Excellent,
        s if s >= 0.85 => ApdexRating::Good,
        s if s >= 0.70 => ApdexRating::Fair,
        s if s >= 0.50 => ApdexRating::Poor,
        _ => ApdexRating::Unacceptable,
    };
    Ok(Apdex {
        t_ms,
        satisfied,
        tolerating,
        frustrated: count - within4,
        score,
        rating,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts totalling past f64::MAX gave `count: inf` (None in Python)
    /// and a share of NaN; past 2^53 they are now refused.
    #[test]
    fn huge_histogram_counts_are_refused() {
        let h = |counts: &'static [f64]| Latencies::Histogram {
            upper_bounds: &[100.0, 500.0],
            counts,
        };
        for counts in [&[1.7e308, 1.7e308][..], &[1e16, 0.0]] {
            let e = latency_slo(h(counts), 300.0, 0.9).unwrap_err();
            assert_eq!(e.code(), "limit_exceeded", "{e}");
        }
        let s = latency_slo(h(&[MAX_REQUESTS / 2.0, MAX_REQUESTS / 2.0]), 100.0, 0.4).unwrap();
        assert_eq!((s.count, s.share), (MAX_REQUESTS, 0.5));
    }
}
