//! Anomaly scoring: an Isolation Forest with scikit-learn's semantics
//! ([`IsolationForestParams`], [`IsolationForest`]), standard scaling
//! ([`StandardScaler`]) and the framework's proactive monitoring
//! ([`ProactiveMonitor`]): per metric group scaling, scoring, a
//! percentile threshold and alerts with a severity and a recommendation.
//!
//! The forest also implements linfa's `Fit` and `Predict` traits
//! ([`IsolationForestParams`] fits a
//! `linfa::DatasetBase`; the model predicts -1/+1 labels).
//!
//! # Example
//! ```
//! use opsbrain::anomaly::IsolationForestParams;
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
//!
//! ## Isolation Forest
//!
//! Isolation Forest (Liu, Ting & Zhou, 2008) with scikit-learn's semantics.
//!
//! Each tree is grown on a random subsample (`max_samples` rows, drawn
//! without replacement unless `bootstrap`) and, if `max_features` is below
//! the number of columns, on a random subset of the columns. A node splits on
//! a column drawn uniformly from those that are not constant in the node, at
//! a threshold drawn uniformly between the column's minimum and maximum
//! there; points `<= threshold` go left. Trees stop at depth
//! `ceil(log2(max_samples))`, at one sample, or when every column is
//! constant. A point's path length in a tree is the depth of its leaf plus
//! `c(n)`, the average path length of an unsuccessful search in a binary
//! search tree of the `n` training samples that reached the leaf.
//!
//! Scores follow scikit-learn: [`IsolationForest::score_samples`] is
//! `-2^(-E[h(x)] / c(max_samples))`, the opposite of the paper's anomaly
//! score (higher is more normal, values in `[-1, 0)`);
//! [`IsolationForest::decision_function`] subtracts [`IsolationForest::offset`]
//! (-0.5 for `contamination = auto`, otherwise the contamination percentile of
//! the training scores); [`IsolationForest::predict`] gives -1 for outliers
//! (decision < 0) and +1 for inliers.
//!
//! ### Determinism
//! Every tree draws from its own ChaCha8 stream seeded from `seed`, and every
//! point sums its trees' path lengths in tree order, so the same seed gives
//! bit-identical models and scores whatever the number of rayon threads.
//!
//! ### Example
//! ```
//! use opsbrain::anomaly::{Contamination, IsolationForestParams};
//! use opsbrain::ndarray::array;
//!
//! let x = array![[0.0, 0.1], [0.1, 0.0], [0.05, 0.05], [0.0, 0.0], [0.1, 0.1], [8.0, 9.0]];
//! let model = IsolationForestParams::new()
//!     .contamination(Contamination::Fraction(0.2))
//!     .seed(7)
//!     .fit(&x)?;
//! let labels = model.predict(&x)?;
//! assert_eq!(labels[5], -1); // the far point is an outlier
//! assert_eq!(labels[2], 1);
//! # Ok::<(), opsbrain::Error>(())
//! ```
//!
//! ## Standard scaling
//!
//! Standard scaling as scikit-learn's `StandardScaler` does it: subtract
//! each column's mean and divide by its population standard deviation
//! (ddof 0); a constant column is divided by 1.
//!
//! ```
//! use opsbrain::anomaly::StandardScaler;
//! use opsbrain::ndarray::array;
//!
//! let x = array![[1.0, 5.0], [3.0, 5.0]];
//! let scaler = StandardScaler::fit(&x)?;
//! assert_eq!(scaler.transform(&x)?, array![[-1.0, 0.0], [1.0, 0.0]]);
//! # Ok::<(), opsbrain::Error>(())
//! ```
//!
//! ## Proactive monitoring
//!
//! The framework's proactive monitoring ("Anomaly Detection System") as pure
//! functions: named metric groups, each with its own contamination; standard
//! scaling; isolation-forest decision scores; a threshold at a percentile of
//! the scores (by default each group's contamination: 0.1 flags the lowest
//! 10%; [`MonitorConfig::threshold_percentile`] sets one percentile for
//! every group, 5 as the framework's text does); the anomalous points; and
//! alerts of type `anomaly_detected` with a severity and a recommendation
//! per group. Group names outside the configuration are scored with
//! [`MonitorConfig::other_groups`] (the built-in monitor: contamination 0.05
//! and a generic recommendation naming the metric), or rejected when it is
//! `None`.
//!
//! Two ways to use it:
//! - **batch**, as the framework does: [`ProactiveMonitor::detect`] scales a
//!   window, fits the group's forest on it, and flags the points whose
//!   decision score is below the window's own percentile;
//! - **streaming**: [`ProactiveMonitor::fit`] fits the scaler, the forest
//!   and the threshold on a reference window once, and
//!   [`FittedGroup::score`] then scores new points (one or many) against
//!   that fixed threshold, cheaply.
//!
//! ### Severity
//! An alert's severity takes the larger of two levels (see
//! [`SeverityRules`]): how far the lowest score falls below the threshold
//! (`depth`, in decision-function units: 0.03 medium, 0.08 high, 0.15
//! critical), and how many points are flagged compared with the share the
//! percentile expects (`excess`: 1.5x medium, 2x high, 4x critical). In
//! batch mode about `percentile`% of points are flagged by construction, so
//! there the depth decides.
//!
//! ### Example
//! ```
//! use chrono::{TimeZone, Utc};
//! use opsbrain::anomaly::ProactiveMonitor;
//! use opsbrain::ndarray::Array2;
//!
//! let monitor = ProactiveMonitor::framework();
//! // 200 minutes of (latency ms, cpu %), with a spike at minute 150.
//! let mut perf = Array2::from_shape_fn((200, 2), |(i, j)| {
//!     if j == 0 { 120.0 + (i % 7) as f64 } else { 40.0 + (i % 5) as f64 }
//! });
//! perf[[150, 0]] = 2400.0;
//! perf[[150, 1]] = 97.0;
//! let found = monitor.detect("performance", &perf)?;
//! assert!(found.anomalous_points.contains(&150));
//! let now = Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).unwrap();
//! let alerts = monitor.alerts(&[found], now)?;
//! assert_eq!(alerts[0].kind, "anomaly_detected");
//! assert_eq!(alerts[0].metric, "performance");
//! // Any group name: a machine's temperature, scored at contamination 0.05.
//! let mut temp = Array2::from_shape_fn((200, 1), |(i, _)| 70.0 + (i % 9) as f64);
//! temp[[120, 0]] = 140.0;
//! let t = monitor.detect("temperature", &temp)?;
//! assert_eq!(t.expected_share, 0.05);
//! assert!(t.anomalous_points.contains(&120));
//! assert!(monitor.alerts(&[t], now)?[0].recommendation.contains("temperature"));
//! # Ok::<(), opsbrain::Error>(())
//! ```

mod isolation_forest;
mod linfa_impl;
mod monitor;
mod scale;
pub mod stream;

pub use isolation_forest::{
    AsRows, Contamination, FORMAT_VERSION, IsolationForest, IsolationForestParams, MAX_ESTIMATORS,
    MAX_FEATURES, MAX_MODEL_BYTES, MAX_TOTAL_NODES, MaxFeatures, MaxSamples, Rows, Tree,
    average_path_length,
};
pub use monitor::{
    Alert, FittedGroup, GroupAnomalies, MAX_GROUPS, MetricGroup, MonitorConfig, OtherGroups,
    ProactiveMonitor, SeverityRules, StreamMonitorOptions,
};
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
                "`n_jobs` must not be 0 (None or -1 use every core)",
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

/// A rayon pool of [`threads`]`(n_jobs)` threads, or the global pool when
/// `n_jobs` is `None`. Cheap to clone (the pool is shared).
///
/// # Examples
/// ```
/// use opsbrain::anomaly::Threads;
/// let two = Threads::new(Some(2))?;
/// assert_eq!(two.install(rayon::current_num_threads), 2);
/// assert_eq!(Threads::new(Some(0)).unwrap_err().code(), "invalid_input");
/// # Ok::<(), opsbrain::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Threads(Option<std::sync::Arc<rayon::ThreadPool>>);

impl Threads {
    /// The pool for scikit-learn's `n_jobs` (see [`threads`]).
    ///
    /// # Errors
    /// `invalid_input` for 0; `limit_exceeded` when the threads cannot start.
    pub fn new(n_jobs: Option<i64>) -> crate::Result<Self> {
        let Some(n) = threads(n_jobs)? else {
            return Ok(Threads(None));
        };
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .map(|pool| Threads(Some(std::sync::Arc::new(pool))))
            .map_err(|e| crate::Error::limit(format!("could not start {n} threads: {e}")))
    }

    /// Runs `f` on the pool.
    pub fn install<T: Send>(&self, f: impl FnOnce() -> T + Send) -> T {
        match &self.0 {
            Some(pool) => pool.install(f),
            None => f(),
        }
    }
}

/// A forest's options as the bindings take them: the
/// [`IsolationForestParams`] (with scikit-learn's names; `random_state` is
/// `seed`) and `n_jobs`, all optional, in one object.
///
/// # Examples
/// ```
/// use opsbrain::anomaly::{ForestOptions, MaxSamples};
/// let o = ForestOptions::from_value(&serde_json::json!({"max_samples": 64, "n_jobs": -1}), "options")?;
/// assert_eq!(o.params.max_samples, MaxSamples::Count(64));
/// let e = ForestOptions::from_value(&serde_json::json!({"contamination": 0.9}), "options").unwrap_err();
/// assert_eq!(e.code(), "invalid_config");
/// assert!(e.message.starts_with("options: `contamination`"), "{}", e.message);
/// # Ok::<(), opsbrain::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct ForestOptions {
    /// The forest's parameters, validated.
    pub params: IsolationForestParams,
    /// The pool `n_jobs` asks for.
    pub threads: Threads,
}

impl ForestOptions {
    /// Reads and validates the options at path `at` (`null`: the defaults).
    ///
    /// # Errors
    /// The one reader's codes ([`crate::input::from_value_at`]), a bad
    /// value being `invalid_config`, as a parameter out of range is.
    pub fn from_value(value: &serde_json::Value, at: &str) -> crate::Result<Self> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Jobs {
            #[serde(default)]
            n_jobs: Option<i64>,
        }
        if value.is_null() {
            return Ok(Self::default());
        }
        let located = |e: crate::Error| if at.is_empty() { e } else { e.at(at) };
        let (jobs, params): (Jobs, IsolationForestParams) =
            crate::input::split_at(value, at, &["n_jobs"]).map_err(crate::input::as_config)?;
        params.validate().map_err(located)?;
        Ok(ForestOptions {
            params,
            threads: Threads::new(jobs.n_jobs).map_err(located)?,
        })
    }
}
