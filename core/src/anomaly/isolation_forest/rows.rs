//! Inputs that read as 2-D arrays of `f64` rows.

use super::*;
use ndarray::Array2;

/// Anything that reads as a 2-D array of `f64` rows, without a copy:
/// ndarray arrays and views of any layout, linfa datasets (their records),
/// and slices, vectors and arrays of fixed-width rows (`[[f64; N]]`).
/// Rows of varying width (`&[Vec<f64>]`) are copied once into [`Rows`],
/// which checks their widths.
///
/// ```
/// use opsbrain::anomaly::{AsRows, IsolationForestParams};
/// use opsbrain::ndarray::array;
/// let x = array![[1.0, 2.0], [3.0, 4.0]];
/// assert_eq!(x.as_rows().dim(), (2, 2));
/// // Plain Rust rows: no ndarray needed at the call site.
/// let rows = [[120.0, 0.4], [118.0, 0.5], [121.0, 0.4], [2400.0, 0.97]];
/// assert_eq!(rows.as_rows().dim(), (4, 2));
/// let forest = IsolationForestParams::new().seed(0).fit(&rows)?;
/// let scores: Vec<f64> = forest.score_samples(&rows)?.to_vec();
/// assert!(scores[3] < scores[0]);
/// # Ok::<(), opsbrain::Error>(())
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

impl<const N: usize> AsRows for [[f64; N]] {
    fn as_rows(&self) -> ArrayView2<'_, f64> {
        ndarray::aview2(self)
    }
}

impl<const N: usize> AsRows for Vec<[f64; N]> {
    fn as_rows(&self) -> ArrayView2<'_, f64> {
        self.as_slice().as_rows()
    }
}

impl<const N: usize, const M: usize> AsRows for [[f64; N]; M] {
    fn as_rows(&self) -> ArrayView2<'_, f64> {
        self.as_slice().as_rows()
    }
}

/// Rows of possibly varying width (`Vec<Vec<f64>>`, JSON arrays), copied
/// once into one row-major array after checking that every row has the
/// first row's width.
///
/// ```
/// use opsbrain::anomaly::{AsRows, Rows};
/// let rows = Rows::from_vecs(&[vec![1.0, 2.0], vec![3.0, 4.0]])?;
/// assert_eq!(rows.as_rows().dim(), (2, 2));
/// let e = Rows::from_vecs(&[vec![1.0, 2.0], vec![3.0]]).unwrap_err();
/// assert_eq!((e.code(), e.message.as_str()), ("dimension_mismatch", "rows[1] has 1 values; rows[0] has 2"));
/// # Ok::<(), opsbrain::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Rows(Array2<f64>);

impl Rows {
    /// Copies `rows` into one array.
    ///
    /// # Errors
    /// `dimension_mismatch` naming the first row whose width differs from
    /// the first row's.
    pub fn from_vecs<R: AsRef<[f64]>>(rows: &[R]) -> Result<Rows> {
        let width = rows.first().map_or(0, |r| r.as_ref().len());
        let mut flat = Vec::with_capacity(rows.len().saturating_mul(width));
        for (i, r) in rows.iter().enumerate() {
            let r = r.as_ref();
            if r.len() != width {
                return Err(Error::new(
                    ErrorKind::DimensionMismatch,
                    format!("rows[{i}] has {} values; rows[0] has {width}", r.len()),
                ));
            }
            flat.extend_from_slice(r);
        }
        Array2::from_shape_vec((rows.len(), width), flat)
            .map(Rows)
            .map_err(|e| Error::new(ErrorKind::DimensionMismatch, e.to_string()))
    }

    /// The rows as an owned array.
    pub fn into_array(self) -> Array2<f64> {
        self.0
    }
}

impl AsRows for Rows {
    fn as_rows(&self) -> ArrayView2<'_, f64> {
        self.0.view()
    }
}
