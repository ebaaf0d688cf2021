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
//! # Determinism
//! Every tree draws from its own ChaCha8 stream seeded from `seed`, and every
//! point sums its trees' path lengths in tree order, so the same seed gives
//! bit-identical models and scores whatever the number of rayon threads.
//!
//! # Example
//! ```
//! use opsbrain::anomaly::isolation_forest::{Contamination, IsolationForestParams};
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

use ndarray::{Array1, ArrayView2, Axis};
use rand::seq::index;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};
use crate::stats::percentile;

mod growth;
mod model;
mod params;
mod rows;
mod score;
mod scorer;

pub use growth::*;
pub use model::*;
pub use params::*;
pub use rows::*;
use scorer::*;

/// The serialised model format this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// Most trees in one forest.
pub const MAX_ESTIMATORS: usize = 100_000;

/// Most tree nodes in one forest (`n_estimators x (2 max_samples - 1)`),
/// about 1.6 GB of nodes; larger requests are `limit_exceeded`.
pub const MAX_TOTAL_NODES: usize = 100_000_000;

/// Largest serialised model [`IsolationForest::from_json`] reads (1 GiB).
pub const MAX_MODEL_BYTES: usize = 1 << 30;

/// Most columns a forest accepts.
pub const MAX_FEATURES: usize = u32::MAX as usize - 1;

/// Marks a leaf in [`Tree::feature`].
const LEAF: u32 = u32::MAX;

/// A column is constant in a node when its range is at most this (as in
/// scikit-learn's tree splitters).
const CONSTANT_RANGE: f64 = 1e-7;

/// Bytes of rows scored together: each tree is walked for a whole block
/// while its nodes stay in L1, and the block itself stays in L2, so a tree
/// is fetched from memory once per block rather than once per row.
const BLOCK_BYTES: usize = 64 * 1024;

#[cfg(test)]
mod tests;
