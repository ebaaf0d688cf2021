//! The compiled scorer: packed nodes walked 16 rows in lockstep.

use super::*;

/// A tree laid out for branch-free batch walks: a leaf loops to itself
/// (`left == i`, threshold +inf, so `x > threshold` is always false), so
/// every point takes exactly `depth` steps and several points can be walked
/// in lockstep without a data-dependent exit. A split's threshold, column
/// and left child sit in one 16-byte node (one load, one bounds check per
/// step); the leaves' path lengths are a separate array read once per walk.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Compiled {
    pub(crate) nodes: Vec<Node>,
    pub(crate) leaf: Vec<f64>,
    pub(crate) depth: u32,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Node {
    pub(crate) threshold: f64,
    pub(crate) feature: u32,
    pub(crate) left: u32,
}

impl Compiled {
    /// Expects a checked tree (children after their parent).
    pub(crate) fn new(t: &Tree) -> Self {
        let n = t.feature.len();
        let mut c = Compiled {
            nodes: (0..n as u32)
                .map(|i| Node {
                    threshold: f64::INFINITY,
                    feature: 0,
                    left: i,
                })
                .collect(),
            leaf: vec![0.0; n],
            depth: 0,
        };
        let mut depth = vec![0u32; n];
        for i in 0..n {
            if t.feature[i] == LEAF {
                c.leaf[i] = t.value[i];
                c.depth = c.depth.max(depth[i]);
            } else {
                let l = t.left[i] as usize;
                c.nodes[i] = Node {
                    threshold: t.value[i],
                    feature: t.feature[i],
                    left: t.left[i],
                };
                depth[l] = depth[i] + 1;
                depth[l + 1] = depth[i] + 1;
            }
        }
        c
    }

    /// Adds each row's path length to `acc` (rows of `d` values in
    /// `block`), sixteen rows at a time in lockstep (measured: 16 lanes
    /// beat 4, 6, 8 and 12 on 3-column data).
    #[inline]
    pub(crate) fn accumulate(&self, block: &[f64], d: usize, acc: &mut [f64]) {
        const LANES: usize = 16;
        let mut groups = acc.chunks_exact_mut(LANES);
        let mut base = 0;
        for group in &mut groups {
            let rows = &block[base * d..(base + LANES) * d];
            let mut idx = [0usize; LANES];
            for _ in 0..self.depth {
                for (k, i) in idx.iter_mut().enumerate() {
                    let node = self.nodes[*i];
                    let go_right = rows[k * d + node.feature as usize] > node.threshold;
                    *i = node.left as usize + usize::from(go_right);
                }
            }
            for (a, i) in group.iter_mut().zip(idx) {
                *a += self.leaf[i];
            }
            base += LANES;
        }
        for (k, a) in groups.into_remainder().iter_mut().enumerate() {
            let row = &block[(base + k) * d..(base + k + 1) * d];
            let mut i = 0usize;
            for _ in 0..self.depth {
                let node = self.nodes[i];
                i = node.left as usize + usize::from(row[node.feature as usize] > node.threshold);
            }
            *a += self.leaf[i];
        }
    }
}
