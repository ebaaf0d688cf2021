//! Scores, predictions and JSON of a fitted forest.

use super::*;

impl IsolationForest {
    /// The parameters the forest was fitted with.
    ///
    /// ```
    /// # use opsbrain::anomaly::IsolationForestParams;
    /// # use opsbrain::ndarray::array;
    /// let m = IsolationForestParams::new().n_estimators(5).fit(&array![[1.0], [2.0]])?;
    /// assert_eq!(m.params().n_estimators, 5);
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    pub fn params(&self) -> &IsolationForestParams {
        &self.params
    }

    /// Number of columns the forest was fitted on (and scores).
    ///
    /// ```
    /// # use opsbrain::anomaly::IsolationForestParams;
    /// # use opsbrain::ndarray::array;
    /// let m = IsolationForestParams::new().fit(&array![[1.0, 0.0], [2.0, 1.0]])?;
    /// assert_eq!(m.n_features(), 2);
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// The rows each tree was grown on (scikit-learn's `max_samples_`).
    ///
    /// ```
    /// # use opsbrain::anomaly::IsolationForestParams;
    /// # use opsbrain::ndarray::Array2;
    /// let m = IsolationForestParams::new().fit(&Array2::from_shape_fn((1000, 1), |(i, _)| i as f64))?;
    /// assert_eq!(m.max_samples(), 256);
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    pub fn max_samples(&self) -> usize {
        self.max_samples
    }

    /// The decision threshold on [`score_samples`](Self::score_samples)
    /// (scikit-learn's `offset_`).
    ///
    /// ```
    /// # use opsbrain::anomaly::IsolationForestParams;
    /// # use opsbrain::ndarray::array;
    /// let m = IsolationForestParams::new().fit(&array![[1.0], [2.0]])?;
    /// assert_eq!(m.offset(), -0.5); // contamination "auto"
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    pub fn offset(&self) -> f64 {
        self.offset
    }

    /// The trees.
    ///
    /// ```
    /// # use opsbrain::anomaly::IsolationForestParams;
    /// # use opsbrain::ndarray::array;
    /// let m = IsolationForestParams::new().n_estimators(7).fit(&array![[1.0], [2.0]])?;
    /// assert_eq!(m.trees().len(), 7);
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    pub fn trees(&self) -> &[Tree] {
        &self.trees
    }

    /// Warnings from fitting (e.g. `max_samples` clipped to the row count).
    ///
    /// ```
    /// use opsbrain::anomaly::{IsolationForestParams, MaxSamples};
    /// # use opsbrain::ndarray::array;
    /// let m = IsolationForestParams::new().max_samples(MaxSamples::Count(10)).fit(&array![[1.0], [2.0]])?;
    /// assert_eq!(m.max_samples(), 2);
    /// assert!(m.warnings()[0].contains("max_samples"));
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    pub(crate) fn check_columns(&self, x: ArrayView2<'_, f64>) -> Result<()> {
        if x.ncols() != self.n_features {
            return Err(Error::new(
                ErrorKind::DimensionMismatch,
                format!(
                    "the forest was fitted on {} columns, got {}",
                    self.n_features,
                    x.ncols()
                ),
            ));
        }
        check_finite(x)
    }

    /// Mean path length of every row over the trees, in parallel over
    /// blocks of rows.
    pub(crate) fn mean_path_lengths(&self, x: ArrayView2<'_, f64>) -> Result<Vec<f64>> {
        self.check_columns(x)?;
        let n = x.nrows();
        let d = x.ncols();
        let mut out = vec![0.0; n];
        let contiguous = x.as_slice();
        let block_rows = (BLOCK_BYTES / (8 * d)).clamp(64, 8192);
        out.par_chunks_mut(block_rows)
            .enumerate()
            .for_each(|(b, acc)| {
                let start = b * block_rows;
                let rows = acc.len();
                // Row-major input is used in place; any other layout is
                // copied one block at a time.
                let copied;
                let block: &[f64] = match contiguous {
                    Some(all) => &all[start * d..(start + rows) * d],
                    None => {
                        copied = x
                            .slice(ndarray::s![start..start + rows, ..])
                            .iter()
                            .copied()
                            .collect::<Vec<f64>>();
                        &copied
                    }
                };
                for tree in &self.compiled {
                    tree.accumulate(block, d, acc);
                }
            });
        let trees = self.trees.len() as f64;
        for v in &mut out {
            *v /= trees;
        }
        Ok(out)
    }

    /// Which columns make each row abnormal: for every column `j`, how much
    /// the row's mean path length grows when `x[j]` alone is replaced by
    /// `reference[j]` (a typical value: the training data's mean or
    /// median), clipped at 0; each row's gains normalised to sum to 1 (all
    /// zero when no single column changes the path length, as for a normal
    /// row or identical training rows). A perturbation attribution, like
    /// occlusion for images: it needs no access to training-time node
    /// sizes, and holds for rows outside the training data as for rows in
    /// it. Shape `(rows, columns)`; costs `columns + 1` scorings per row.
    ///
    /// # Examples
    /// ```
    /// use opsbrain::anomaly::IsolationForestParams;
    /// use opsbrain::ndarray::{array, Array2};
    /// // Two columns of ordinary values around 8; a new row extreme in column 1 only.
    /// let x = Array2::from_shape_fn((200, 2), |(i, j)| ((i * 37 + j * 11) % 17) as f64);
    /// let m = IsolationForestParams::new().seed(3).fit(&x)?;
    /// let a = m.feature_attributions(&array![[8.0, 90.0]], &[8.0, 8.0])?;
    /// assert!(a[[0, 1]] > 0.9, "{}", a[[0, 1]]);
    /// assert!((a.row(0).sum() - 1.0).abs() < 1e-12);
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`score_samples`](Self::score_samples): `dimension_mismatch` for
    /// another column count (of `x` or of `reference`), `invalid_input` for
    /// a NaN or infinite value.
    pub fn feature_attributions<X: AsRows + ?Sized>(
        &self,
        x: &X,
        reference: &[f64],
    ) -> Result<ndarray::Array2<f64>> {
        let x = x.as_rows();
        self.check_columns(x)?;
        if reference.len() != self.n_features {
            return Err(Error::new(
                ErrorKind::DimensionMismatch,
                format!(
                    "the forest was fitted on {} columns, got a reference of {}",
                    self.n_features,
                    reference.len()
                ),
            ));
        }
        if reference.iter().any(|v| !v.is_finite()) {
            return Err(Error::invalid_input("the reference values must be finite"));
        }
        let (n, d) = x.dim();
        let base = self.mean_path_lengths(x)?;
        let mut out = ndarray::Array2::<f64>::zeros((n, d));
        for j in 0..d {
            let mut moved = x.to_owned();
            moved.column_mut(j).fill(reference[j]);
            let h = self.mean_path_lengths(moved.view())?;
            for r in 0..n {
                out[[r, j]] = (h[r] - base[r]).max(0.0);
            }
        }
        for mut row in out.rows_mut() {
            let total: f64 = row.sum();
            if total > 0.0 {
                row.mapv_inplace(|v| v / total);
            }
        }
        Ok(out)
    }

    /// scikit-learn's `score_samples`: `-2^(-E[h(x)] / c(max_samples))`,
    /// in `[-1, 0)`; lower is more abnormal.
    ///
    /// Errors: a different column count (`dimension_mismatch`), a NaN or
    /// infinite value (`invalid_input`).
    ///
    /// ```
    /// # use opsbrain::anomaly::IsolationForestParams;
    /// # use opsbrain::ndarray::array;
    /// let x = array![[0.0], [0.1], [0.2], [0.1], [9.0]];
    /// let m = IsolationForestParams::new().seed(1).fit(&x)?;
    /// let s = m.score_samples(&x)?;
    /// assert!(s[4] < s[1]);
    /// assert!(s.iter().all(|v| (-1.0..0.0).contains(v)));
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    pub fn score_samples<X: AsRows + ?Sized>(&self, x: &X) -> Result<Array1<f64>> {
        let c = average_path_length(self.max_samples);
        let depths = self.mean_path_lengths(x.as_rows())?;
        Ok(depths.into_iter().map(|h| -(-h / c).exp2()).collect())
    }

    /// The paper's anomaly score `2^(-E[h(x)] / c(max_samples))`, in
    /// `(0, 1]`: near 1 is anomalous, well below 0.5 normal.
    ///
    /// ```
    /// # use opsbrain::anomaly::IsolationForestParams;
    /// # use opsbrain::ndarray::array;
    /// let x = array![[0.0], [0.1], [0.2], [0.1], [9.0]];
    /// let m = IsolationForestParams::new().fit(&x)?;
    /// let a = m.anomaly_score(&x)?;
    /// assert!(a.iter().all(|v| *v > 0.0 && *v <= 1.0));
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    pub fn anomaly_score<X: AsRows + ?Sized>(&self, x: &X) -> Result<Array1<f64>> {
        Ok(-self.score_samples(x)?)
    }

    /// `score_samples - offset`: negative for outliers.
    ///
    /// ```
    /// # use opsbrain::anomaly::IsolationForestParams;
    /// # use opsbrain::ndarray::array;
    /// let x = array![[0.0], [0.1], [0.2], [0.1], [9.0]];
    /// let m = IsolationForestParams::new().fit(&x)?;
    /// let d = m.decision_function(&x)?;
    /// assert_eq!(d[0], m.score_samples(&x)?[0] - m.offset());
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    pub fn decision_function<X: AsRows + ?Sized>(&self, x: &X) -> Result<Array1<f64>> {
        Ok(self.score_samples(x)? - self.offset)
    }

    /// -1 for outliers (decision function below 0), +1 for inliers.
    ///
    /// ```
    /// # use opsbrain::anomaly::IsolationForestParams;
    /// # use opsbrain::ndarray::array;
    /// let x = array![[0.0], [0.1], [0.2], [0.1], [9.0]];
    /// let m = IsolationForestParams::new().fit(&x)?;
    /// assert!(m.predict(&x)?.iter().all(|&v| v == 1 || v == -1));
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    pub fn predict<X: AsRows + ?Sized>(&self, x: &X) -> Result<Array1<i32>> {
        Ok(self
            .decision_function(x)?
            .mapv(|d| if d < 0.0 { -1 } else { 1 }))
    }

    /// The model as JSON (see [`from_json`](Self::from_json)).
    ///
    /// ```
    /// # use opsbrain::anomaly::IsolationForestParams;
    /// # use opsbrain::ndarray::array;
    /// let m = IsolationForestParams::new().n_estimators(2).fit(&array![[1.0], [2.0]])?;
    /// assert!(m.to_json().starts_with("{\"format_version\":1"));
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("an isolation forest always serialises")
    }

    /// Loads a model written by [`to_json`](Self::to_json) in any language.
    /// A different `format_version` is `unsupported_version`; a corrupt
    /// model (index out of range, NaN) is `invalid_input`.
    ///
    /// ```
    /// use opsbrain::anomaly::IsolationForest;
    /// let err = IsolationForest::from_json(r#"{"format_version": 99}"#).unwrap_err();
    /// assert_eq!(err.code(), "unsupported_version");
    /// ```
    pub fn from_json(text: &str) -> Result<Self> {
        if text.len() > MAX_MODEL_BYTES {
            return Err(Error::limit(format!(
                "model text of {} bytes is over the limit of {MAX_MODEL_BYTES}",
                text.len()
            )));
        }
        #[derive(Deserialize)]
        struct Version {
            format_version: Option<u32>,
        }
        let v: Version = serde_json::from_str(text)?;
        match v.format_version {
            Some(FORMAT_VERSION) => {}
            Some(other) => {
                return Err(Error::new(
                    ErrorKind::UnsupportedVersion,
                    format!(
                        "isolation forest format_version {other}; this build reads {FORMAT_VERSION}"
                    ),
                ));
            }
            None => return Err(Error::new(ErrorKind::MissingKey, "format_version")),
        }
        let repr: ForestRepr = serde_json::from_str(text)?;
        IsolationForest::try_from(repr)
    }
}
