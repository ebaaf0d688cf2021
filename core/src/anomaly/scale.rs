//! Standard scaling: see the [`crate::anomaly`] docs for the model and its rules.

use ndarray::{Array1, Array2, Axis};
use serde::{Deserialize, Serialize};

use super::isolation_forest::AsRows;
use crate::error::{Error, ErrorKind, Result};

/// Per-column mean and scale, fitted on reference data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StandardScaler {
    /// Column means.
    pub mean: Vec<f64>,
    /// Column standard deviations (1 where a column is constant).
    pub scale: Vec<f64>,
}

impl StandardScaler {
    /// Fits the means and scales. Errors on no rows, no columns or a
    /// non-finite value (`invalid_input`).
    ///
    /// ```
    /// # use opsbrain::anomaly::StandardScaler;
    /// # use opsbrain::ndarray::array;
    /// let s = StandardScaler::fit(&array![[0.0], [2.0]])?;
    /// assert_eq!((s.mean[0], s.scale[0]), (1.0, 1.0));
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    pub fn fit<X: AsRows + ?Sized>(x: &X) -> Result<Self> {
        let x = x.as_rows();
        if x.nrows() == 0 || x.ncols() == 0 {
            return Err(Error::invalid_input(format!(
                "cannot scale data of shape {} x {}",
                x.nrows(),
                x.ncols()
            )));
        }
        if let Some(v) = x.iter().find(|v| !v.is_finite()) {
            return Err(Error::invalid_input(format!(
                "cannot scale a non-finite value ({v})"
            )));
        }
        let mut mean = x
            .mean_axis(Axis(0))
            .ok_or_else(|| Error::invalid_input("no rows"))?;
        let mut std = x.std_axis(Axis(0), 0.0);
        for (j, col) in x.axis_iter(Axis(1)).enumerate() {
            if !(mean[j].is_finite() && std[j].is_finite()) {
                // Sums past f64::MAX: the same statistics on the column
                // divided by its largest magnitude, scaled back.
                let m = col.iter().fold(0.0f64, |a, v| a.max(v.abs()));
                let c = col.mapv(|v| v / m);
                mean[j] = c.mean().unwrap_or(0.0) * m;
                std[j] = c.std(0.0) * m;
            }
        }
        let scale = std.mapv(|s| if s > f64::EPSILON * 10.0 { s } else { 1.0 });
        Ok(Self {
            mean: mean.to_vec(),
            scale: scale.to_vec(),
        })
    }

    /// Scales `x` with the fitted means and scales. Errors on a different
    /// column count (`dimension_mismatch`).
    ///
    /// ```
    /// # use opsbrain::anomaly::StandardScaler;
    /// # use opsbrain::ndarray::array;
    /// let s = StandardScaler::fit(&array![[0.0], [2.0]])?;
    /// assert_eq!(s.transform(&array![[3.0]])?[[0, 0]], 2.0);
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    pub fn transform<X: AsRows + ?Sized>(&self, x: &X) -> Result<Array2<f64>> {
        let x = x.as_rows();
        if x.ncols() != self.mean.len() {
            return Err(Error::new(
                ErrorKind::DimensionMismatch,
                format!(
                    "the scaler was fitted on {} columns, got {}",
                    self.mean.len(),
                    x.ncols()
                ),
            ));
        }
        let mean = Array1::from(self.mean.clone());
        let scale = Array1::from(self.scale.clone());
        let mut out = (&x - &mean) / &scale;
        // A difference past f64::MAX (1e308 - -1e308): scale first.
        for ((i, j), v) in out.indexed_iter_mut() {
            if !v.is_finite() {
                *v = x[[i, j]] / scale[j] - mean[j] / scale[j];
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    /// Finite data whose sums pass f64::MAX used to give NaN statistics
    /// (reported as "row 0, column 0 is NaN" downstream).
    #[test]
    fn huge_finite_columns_scale_to_finite_values() {
        let x = array![[-1e308, 1.0], [1e308, 2.0], [0.0, 3.0], [f64::MAX, 4.0]];
        let s = StandardScaler::fit(&x).unwrap();
        assert!(
            s.mean.iter().chain(&s.scale).all(|v| v.is_finite()),
            "{s:?}"
        );
        assert_eq!((s.mean[1], s.scale[1]), (2.5, 1.25f64.sqrt()));
        let t = s.transform(&x).unwrap();
        assert!(t.iter().all(|v| v.is_finite() && v.abs() < 10.0), "{t}");
        // Ordinary columns are untouched by the fallback.
        let plain = StandardScaler::fit(&array![[0.0], [2.0]]).unwrap();
        assert_eq!((plain.mean[0], plain.scale[0]), (1.0, 1.0));
    }

    /// The monitor used to panic (rand's range overflow) or fail on such data.
    #[test]
    fn the_monitor_fits_and_detects_on_huge_finite_data() {
        let x = ndarray::Array2::from_shape_fn((60, 2), |(i, j)| {
            let sign = if i % 2 == 0 { 1.0 } else { -1.0 };
            sign * 1e307 * (1.0 + (i * (j + 1) % 7) as f64)
        });
        let m = crate::anomaly::ProactiveMonitor::framework();
        let found = m.detect("error_trends", &x).unwrap();
        assert!(found.scores.iter().all(|v| v.is_finite()));
        let fitted = m.fit("performance", &x).unwrap();
        assert!(fitted.threshold.is_finite());
    }
}
