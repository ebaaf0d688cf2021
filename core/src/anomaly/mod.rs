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
