//! Growing one isolation tree from a sample.

use super::*;

pub(crate) fn check_finite(x: ArrayView2<'_, f64>) -> Result<()> {
    for (r, row) in x.axis_iter(Axis(0)).enumerate() {
        if let Some(c) = row.iter().position(|v| !v.is_finite()) {
            return Err(Error::invalid_input(format!(
                "row {r}, column {c} is {}: isolation forests need finite values",
                row[c]
            )));
        }
    }
    Ok(())
}

pub(crate) fn ceil_log2(n: usize) -> u32 {
    let n = n.max(2);
    usize::BITS - (n - 1).leading_zeros()
}

/// `c(n)`: the average path length of an unsuccessful search in a binary
/// search tree of `n` points (0 for `n <= 1`, 1 for `n = 2`), which
/// normalises path lengths and adjusts leaves holding several points.
///
/// ```
/// use opsbrain::anomaly::average_path_length;
/// assert_eq!(average_path_length(1), 0.0);
/// assert_eq!(average_path_length(2), 1.0);
/// assert!((average_path_length(256) - 10.244_770_920_3).abs() < 1e-9);
/// ```
pub fn average_path_length(n: usize) -> f64 {
    const EULER_GAMMA: f64 = 0.577_215_664_901_532_9;
    match n {
        0 | 1 => 0.0,
        2 => 1.0,
        _ => {
            let n = n as f64;
            2.0 * ((n - 1.0).ln() + EULER_GAMMA) - 2.0 * (n - 1.0) / n
        }
    }
}

/// One isolation tree in struct-of-arrays form: node `i` splits on
/// `feature[i]` at `value[i]`, its children are `left[i]` and `left[i] + 1`;
/// a leaf has `feature[i] == u32::MAX` and `value[i]` = its depth plus
/// `c(samples in the leaf)`, the path length a point reaching it gets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tree {
    pub(crate) feature: Vec<u32>,
    pub(crate) value: Vec<f64>,
    pub(crate) left: Vec<u32>,
}

impl Tree {
    /// Number of nodes (splits and leaves).
    ///
    /// ```
    /// use opsbrain::anomaly::IsolationForestParams;
    /// use opsbrain::ndarray::array;
    /// let m = IsolationForestParams::new().n_estimators(1).fit(&array![[1.0], [2.0]])?;
    /// assert_eq!(m.trees()[0].n_nodes(), 3);
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    pub fn n_nodes(&self) -> usize {
        self.feature.len()
    }

    /// Checks a deserialised tree against what a fit guarantees: indices in
    /// range, children after their parent (so walks always end), features
    /// below `n_features`, at most `2 * max_samples - 1` nodes, no split
    /// deeper than `ceil(log2(max_samples))`, leaf values (path lengths) in
    /// `[0, max_depth + c(max_samples)]`.
    pub(crate) fn check(&self, n_features: usize, max_samples: usize) -> Result<()> {
        let n = self.feature.len();
        let bad = |what: &str| Error::new(ErrorKind::InvalidInput, format!("corrupt tree: {what}"));
        if n == 0 || self.value.len() != n || self.left.len() != n {
            return Err(bad("node arrays are empty or of different lengths"));
        }
        if n > max_samples.saturating_mul(2) - 1 {
            return Err(bad("more nodes than max_samples allows"));
        }
        let max_depth = ceil_log2(max_samples);
        // Path lengths as the fit writes them, with room for rounding.
        let top = (f64::from(max_depth) + average_path_length(max_samples)) * (1.0 + 1e-12);
        let mut depth = vec![0u32; n];
        for i in 0..n {
            if !self.value[i].is_finite() {
                return Err(bad("non-finite value"));
            }
            if self.feature[i] == LEAF {
                if !(0.0..=top).contains(&self.value[i]) {
                    return Err(bad("leaf path length outside what max_samples allows"));
                }
                continue;
            }
            let l = self.left[i] as usize;
            if self.feature[i] as usize >= n_features {
                return Err(bad("feature index out of range"));
            }
            if l <= i || l + 1 >= n {
                return Err(bad("child index out of range"));
            }
            if depth[i] >= max_depth {
                return Err(bad("deeper than max_samples allows"));
            }
            for c in [l, l + 1] {
                depth[c] = depth[c].max(depth[i] + 1);
            }
        }
        Ok(())
    }
}

pub(crate) struct GrowSpec<'a> {
    pub(crate) x: ArrayView2<'a, f64>,
    pub(crate) max_samples: usize,
    pub(crate) features_per_tree: usize,
    pub(crate) max_depth: u32,
    pub(crate) bootstrap: bool,
}

impl GrowSpec<'_> {
    pub(crate) fn grow(&self, seed: u64) -> Tree {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let (n_rows, n_cols) = self.x.dim();
        let mut rows: Vec<u32> = if self.bootstrap {
            (0..self.max_samples)
                .map(|_| rng.gen_range(0..n_rows) as u32)
                .collect()
        } else {
            index::sample(&mut rng, n_rows, self.max_samples)
                .into_iter()
                .map(|i| i as u32)
                .collect()
        };
        let features: Vec<u32> = if self.features_per_tree >= n_cols {
            (0..n_cols as u32).collect()
        } else {
            let mut f: Vec<u32> = index::sample(&mut rng, n_cols, self.features_per_tree)
                .into_iter()
                .map(|i| i as u32)
                .collect();
            f.sort_unstable();
            f
        };
        let mut tree = Tree {
            feature: Vec::with_capacity(2 * self.max_samples - 1),
            value: Vec::with_capacity(2 * self.max_samples - 1),
            left: Vec::with_capacity(2 * self.max_samples - 1),
        };
        tree.feature.push(LEAF);
        tree.value.push(0.0);
        tree.left.push(0);
        // Depth-first with an explicit stack: (node, start, end, depth).
        let mut stack = vec![(0usize, 0usize, rows.len(), 0u32)];
        let mut candidates = features.clone();
        while let Some((node, start, end, depth)) = stack.pop() {
            let n = end - start;
            let split = if depth >= self.max_depth || n < 2 {
                None
            } else {
                self.draw_split(&mut rng, &rows[start..end], &mut candidates, &features)
            };
            let Some((feature, threshold)) = split else {
                tree.value[node] = f64::from(depth) + average_path_length(n);
                continue;
            };
            // Partition rows[start..end]: <= threshold first.
            let slice = &mut rows[start..end];
            let mut mid = 0;
            for k in 0..slice.len() {
                if self.x[[slice[k] as usize, feature as usize]] <= threshold {
                    slice.swap(mid, k);
                    mid += 1;
                }
            }
            let left = tree.feature.len();
            for _ in 0..2 {
                tree.feature.push(LEAF);
                tree.value.push(0.0);
                tree.left.push(0);
            }
            tree.feature[node] = feature;
            tree.value[node] = threshold;
            tree.left[node] = left as u32;
            stack.push((left + 1, start + mid, end, depth + 1));
            stack.push((left, start, start + mid, depth + 1));
        }
        tree
    }

    /// Draws a column uniformly among those not constant over `rows`, and a
    /// threshold uniformly in its `[min, max)`; `None` if all are constant.
    pub(crate) fn draw_split(
        &self,
        rng: &mut ChaCha8Rng,
        rows: &[u32],
        candidates: &mut Vec<u32>,
        features: &[u32],
    ) -> Option<(u32, f64)> {
        candidates.clear();
        candidates.extend_from_slice(features);
        while !candidates.is_empty() {
            let k = rng.gen_range(0..candidates.len());
            let f = candidates[k];
            let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
            for &r in rows {
                let v = self.x[[r as usize, f as usize]];
                lo = lo.min(v);
                hi = hi.max(v);
            }
            if hi - lo <= CONSTANT_RANGE {
                candidates.swap_remove(k);
                continue;
            }
            let mut t = if (hi - lo).is_finite() {
                rng.gen_range(lo..hi)
            } else {
                // A range wider than f64::MAX (say -1e308 to 1e308): rand's
                // sampler would panic on it; interpolate instead.
                let u: f64 = rng.r#gen();
                lo * (1.0 - u) + hi * u
            };
            if t >= hi {
                t = lo;
            }
            return Some((f, t));
        }
        None
    }
}
