//! Inputs that read as 2-D arrays of `f64` rows.

use super::*;

/// Anything that reads as a 2-D array of `f64` rows: ndarray arrays and
/// views of any layout, and linfa datasets (their records).
///
/// ```
/// use opsbrain::anomaly::AsRows;
/// use opsbrain::ndarray::array;
/// let x = array![[1.0, 2.0], [3.0, 4.0]];
/// assert_eq!(x.as_rows().dim(), (2, 2));
/// ```
pub trait AsRows {
    /// A view of the rows.
    fn as_rows(&self) -> ArrayView2<'_, f64>;
}

impl<D: ndarray::Data<Elem = f64>> AsRows for ndarray::ArrayBase<D, ndarray::Ix2> {
    fn as_rows(&self) -> ArrayView2<'_, f64> {
        self.view()
    }
}

impl<D: ndarray::Data<Elem = f64>, T> AsRows
    for linfa::DatasetBase<ndarray::ArrayBase<D, ndarray::Ix2>, T>
{
    fn as_rows(&self) -> ArrayView2<'_, f64> {
        self.records().view()
    }
}
