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
        let mean = x
            .mean_axis(Axis(0))
            .ok_or_else(|| Error::invalid_input("no rows"))?;
        let scale = x
            .std_axis(Axis(0), 0.0)
            .mapv(|s| if s > f64::EPSILON * 10.0 { s } else { 1.0 });
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
        Ok((&x - &mean) / &scale)
    }
}
