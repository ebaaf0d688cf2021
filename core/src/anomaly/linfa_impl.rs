//! linfa's `Fit` and `Predict` for the isolation forest, so Rust users of
//! linfa get the API they know:
//!
//! ```
//! use linfa::prelude::*;
//! use opsbrain::anomaly::IsolationForestParams;
//! use opsbrain::ndarray::{Array1, array};
//!
//! let x = array![[0.0, 0.0], [0.1, 0.0], [0.0, 0.1], [0.1, 0.1], [5.0, 5.0]];
//! let dataset = DatasetBase::from(x.clone());
//! // linfa's trait, spelled out (the inherent `fit` takes datasets too).
//! let model = Fit::<_, _, opsbrain::Error>::fit(&IsolationForestParams::new().seed(1), &dataset)?;
//! let labels: Array1<i32> = Predict::predict(&model, &x);
//! assert_eq!(labels.len(), 5);
//! # Ok::<(), opsbrain::Error>(())
//! ```
//!
//! Generic linfa code (`P: Fit<..>`, `M: Predict<..>`) works unchanged.
//! `predict` through linfa cannot return an error, so like linfa's own
//! models it panics on a column count that differs from the fit or a NaN;
//! use [`IsolationForest::predict`] for a `Result`.

use linfa::dataset::DatasetBase;
use linfa::traits::{Fit, PredictInplace};
use ndarray::{Array1, ArrayBase, Data, Ix2};

use super::isolation_forest::{IsolationForest, IsolationForestParams};
use crate::error::{Error, ErrorKind};

impl From<linfa::Error> for Error {
    fn from(e: linfa::Error) -> Self {
        Error::new(ErrorKind::InvalidInput, e.to_string())
    }
}

impl<D: Data<Elem = f64>, T> Fit<ArrayBase<D, Ix2>, T, Error> for IsolationForestParams {
    type Object = IsolationForest;

    fn fit(&self, dataset: &DatasetBase<ArrayBase<D, Ix2>, T>) -> Result<IsolationForest, Error> {
        IsolationForestParams::fit(self, dataset)
    }
}

impl<D: Data<Elem = f64>> PredictInplace<ArrayBase<D, Ix2>, Array1<i32>> for IsolationForest {
    fn predict_inplace(&self, x: &ArrayBase<D, Ix2>, y: &mut Array1<i32>) {
        assert_eq!(y.len(), x.nrows(), "one target per row");
        match IsolationForest::predict(self, x) {
            Ok(labels) => y.assign(&labels),
            Err(e) => panic!("isolation forest predict: {e}"),
        }
    }

    fn default_target(&self, x: &ArrayBase<D, Ix2>) -> Array1<i32> {
        Array1::zeros(x.nrows())
    }
}
