//! Anomaly scoring: an Isolation Forest with scikit-learn's semantics
//! ([`isolation_forest`]), standard scaling ([`scale`]) and the framework's
//! proactive monitoring ([`monitor`]): per metric group scaling, scoring, a
//! percentile threshold and alerts with a severity and a recommendation.
//!
//! The forest also implements linfa's `Fit` and `Predict` traits
//! ([`isolation_forest::IsolationForestParams`] fits a
//! `linfa::DatasetBase`; the model predicts -1/+1 labels).
//!
//! # Example
//! ```
//! use opsbrain::anomaly::isolation_forest::IsolationForestParams;
//! use opsbrain::ndarray::Array2;
//!
//! // 200 points on a line and one far away.
//! let mut x = Array2::from_shape_fn((201, 2), |(i, j)| (i as f64 / 100.0) * (j as f64 + 1.0));
//! x[[200, 0]] = 40.0;
//! let model = IsolationForestParams::new().seed(0).fit(&x)?;
//! let scores = model.score_samples(&x)?;
//! let lowest = (0..201).min_by(|&a, &b| scores[a].total_cmp(&scores[b])).unwrap();
//! assert_eq!(lowest, 200);
//! # Ok::<(), opsbrain::Error>(())
//! ```

pub mod isolation_forest;
mod linfa_impl;
pub mod monitor;
pub mod scale;

pub use isolation_forest::{IsolationForest, IsolationForestParams};
pub use monitor::ProactiveMonitor;
pub use scale::StandardScaler;

/// Most threads [`threads`] gives.
pub const MAX_THREADS: usize = 1024;

/// The thread count for scikit-learn's `n_jobs`, as joblib reads it: `None`
/// keeps the global pool (`Ok(None)`); a positive `n` is `n` threads; a
/// negative `n` is `cores + 1 + n` (so -1 is every core), at least one; 0
/// is an error. Clamped at [`MAX_THREADS`]. Results never depend on it.
///
/// # Examples
/// ```
/// use opsbrain::anomaly::threads;
/// assert_eq!(threads(None)?, None);
/// assert_eq!(threads(Some(3))?, Some(3));
/// assert_eq!(threads(Some(1 << 40))?, Some(1024));
/// assert!(threads(Some(0)).is_err());
/// # Ok::<(), opsbrain::Error>(())
/// ```
///
/// # Errors
/// `invalid_input` for 0.
pub fn threads(n_jobs: Option<i64>) -> crate::Result<Option<usize>> {
    let n = match n_jobs {
        None => return Ok(None),
        Some(0) => {
            return Err(crate::Error::invalid_input(
                "n_jobs must not be 0 (None or -1 use every core)",
            ));
        }
        Some(n) => n,
    };
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let count = if n > 0 {
        usize::try_from(n).unwrap_or(MAX_THREADS)
    } else {
        let back = usize::try_from(n.unsigned_abs() - 1).unwrap_or(usize::MAX);
        cores.saturating_sub(back).max(1)
    };
    Ok(Some(count.min(MAX_THREADS)))
}
