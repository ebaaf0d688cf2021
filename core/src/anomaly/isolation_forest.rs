//! Isolation Forest: see the [`crate::anomaly`] docs for the model and its rules.

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
