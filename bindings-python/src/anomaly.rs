//! Python binding of the core's `anomaly` module: the fitted
//! `IsolationForestModel` (the scikit-learn-style `IsolationForest`
//! estimator is plain Python in `opsbrain/anomaly.py` and stores its
//! parameters there), `fit_isolation_forest`, `ProactiveMonitor`,
//! `FittedGroup` and `GroupAnomalies`.

use numpy::{AllowTypeChange, IntoPyArray, PyArray1, PyArrayLike2};
use opsbrain::ErrorKind;
use opsbrain::anomaly::ProactiveMonitor;
use opsbrain::anomaly::{
    Contamination, IsolationForest, IsolationForestParams, MaxFeatures, MaxSamples,
    average_path_length as core_average_path_length,
};
use opsbrain::anomaly::{FittedGroup, GroupAnomalies};
use opsbrain::ndarray as ndarray_view;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyFloat, PyInt, PyString};

use crate::calendar::instant;
use crate::convert::{instance, str_arg, to_py_dict, to_py_with_instants, type_name};
use crate::errors::{BindError, bind_error, compute};

/// A core-coded Python exception.
fn err(kind: ErrorKind, message: impl Into<String>) -> PyErr {
    bind_error(kind, message).into()
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyIsolationForestModel>()?;
    m.add_class::<PyProactiveMonitor>()?;
    m.add_class::<PyFittedGroup>()?;
    m.add_class::<PyGroupAnomalies>()?;
    m.add_function(wrap_pyfunction!(fit_isolation_forest, m)?)?;
    m.add_function(wrap_pyfunction!(average_path_length, m)?)?;
    Ok(())
}

/// A 2-D float64 array argument: numpy arrays of any layout are borrowed
/// without a copy; other dtypes, lists and DataFrames go through
/// `numpy.asarray`.
fn matrix<'py>(
    obj: &Bound<'py, PyAny>,
    name: &str,
) -> PyResult<PyArrayLike2<'py, f64, AllowTypeChange>> {
    obj.extract::<PyArrayLike2<'py, f64, AllowTypeChange>>()
        .map_err(|e| {
            err(
                ErrorKind::InvalidType,
                format!(
                    "{name} must be a 2-D array of numbers (rows x columns): {} ({e})",
                    type_name(obj)
                ),
            )
        })
}

/// Runs `f` on a pool of `n_jobs` threads (None: the global pool, all
/// cores; negative: as joblib, `cores + 1 + n_jobs`). Results never depend
/// on it.
fn with_threads<T: Send>(
    py: Python<'_>,
    n_jobs: Option<i64>,
    f: impl FnOnce() -> opsbrain::Result<T> + Send,
) -> PyResult<T> {
    let threads = match n_jobs {
        None => return Ok(compute(py, f)?),
        Some(0) => {
            return Err(err(
                ErrorKind::InvalidInput,
                "n_jobs must not be 0 (None or -1 use every core)",
            ));
        }
        Some(n) if n > 0 => n as usize,
        Some(n) => {
            let cores = std::thread::available_parallelism().map_or(1, usize::from) as i64;
            (cores + 1 + n).max(1) as usize
        }
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.min(1024))
        .build()
        .map_err(|e| {
            err(
                ErrorKind::InvalidInput,
                format!("cannot start threads: {e}"),
            )
        })?;
    Ok(compute(py, || pool.install(f))?)
}

fn max_samples(obj: &Bound<'_, PyAny>) -> PyResult<MaxSamples> {
    if let Ok(s) = obj.cast::<PyString>() {
        if s.to_cow()? == "auto" {
            return Ok(MaxSamples::Auto);
        }
    } else if obj.is_instance_of::<PyInt>() && !obj.is_instance_of::<PyBool>() {
        let n: i64 = obj.extract()?;
        return usize::try_from(n).map(MaxSamples::Count).map_err(|_| {
            err(
                ErrorKind::InvalidConfig,
                format!("max_samples must be at least 1, got {n}"),
            )
        });
    } else if obj.is_instance_of::<PyFloat>() {
        return Ok(MaxSamples::Fraction(obj.extract()?));
    }
    Err(err(
        ErrorKind::InvalidType,
        format!(
            "max_samples must be \"auto\", an int or a float, not {}",
            type_name(obj)
        ),
    ))
}

fn max_features(obj: &Bound<'_, PyAny>) -> PyResult<MaxFeatures> {
    if obj.is_instance_of::<PyInt>() && !obj.is_instance_of::<PyBool>() {
        let n: i64 = obj.extract()?;
        return usize::try_from(n).map(MaxFeatures::Count).map_err(|_| {
            err(
                ErrorKind::InvalidConfig,
                format!("max_features must be at least 1, got {n}"),
            )
        });
    }
    if obj.is_instance_of::<PyFloat>() {
        return Ok(MaxFeatures::Fraction(obj.extract()?));
    }
    Err(err(
        ErrorKind::InvalidType,
        format!(
            "max_features must be an int or a float, not {}",
            type_name(obj)
        ),
    ))
}

fn contamination(obj: &Bound<'_, PyAny>) -> PyResult<Contamination> {
    if let Ok(s) = obj.cast::<PyString>()
        && s.to_cow()? == "auto"
    {
        return Ok(Contamination::Auto);
    }
    if (obj.is_instance_of::<PyFloat>() || obj.is_instance_of::<PyInt>())
        && !obj.is_instance_of::<PyBool>()
    {
        return Ok(Contamination::Fraction(obj.extract()?));
    }
    Err(err(
        ErrorKind::InvalidType,
        format!(
            "contamination must be \"auto\" or a float in (0, 0.5], not {}",
            type_name(obj)
        ),
    ))
}

/// Fits an isolation forest on ``X`` (rows x columns) and returns the
/// fitted model. ``seed`` fixes every random draw; ``n_jobs`` only changes
/// the speed. Prefer the scikit-learn-style ``opsbrain.IsolationForest``.
#[pyfunction]
#[pyo3(signature = (x, *, n_estimators=100, max_samples=None, contamination=None, max_features=None, bootstrap=false, seed=0, n_jobs=None))]
#[allow(clippy::too_many_arguments)]
fn fit_isolation_forest(
    py: Python<'_>,
    x: &Bound<'_, PyAny>,
    n_estimators: i64,
    max_samples: Option<&Bound<'_, PyAny>>,
    contamination: Option<&Bound<'_, PyAny>>,
    max_features: Option<&Bound<'_, PyAny>>,
    bootstrap: bool,
    seed: u64,
    n_jobs: Option<i64>,
) -> PyResult<PyIsolationForestModel> {
    let n_estimators = usize::try_from(n_estimators).map_err(|_| {
        err(
            ErrorKind::InvalidConfig,
            format!("n_estimators must be at least 1, got {n_estimators}"),
        )
    })?;
    let mut params = IsolationForestParams::new()
        .n_estimators(n_estimators)
        .bootstrap(bootstrap)
        .seed(seed);
    if let Some(m) = max_samples {
        params = params.max_samples(self::max_samples(m)?);
    }
    if let Some(c) = contamination {
        params = params.contamination(self::contamination(c)?);
    }
    if let Some(f) = max_features {
        params = params.max_features(self::max_features(f)?);
    }
    let x = matrix(x, "X")?;
    let view = x.as_array();
    let model = with_threads(py, n_jobs, || params.fit(&view))?;
    Ok(PyIsolationForestModel(model))
}

/// ``c(n)``, the average path length of an unsuccessful search in a binary
/// search tree of ``n`` points.
#[pyfunction]
fn average_path_length(n: u64) -> f64 {
    core_average_path_length(usize::try_from(n).unwrap_or(usize::MAX))
}

/// A fitted isolation forest (returned by ``fit_isolation_forest`` and held
/// by ``IsolationForest.model_``). Pickles, and loads from the JSON any
/// opsbrain binding writes.
#[pyclass(name = "IsolationForestModel", module = "opsbrain._native", frozen)]
#[derive(Debug)]
pub struct PyIsolationForestModel(IsolationForest);

type Scores<'py> = Bound<'py, PyArray1<f64>>;

impl PyIsolationForestModel {
    /// Runs one of the model's per-row functions on ``X`` with the GIL
    /// released, on ``n_jobs`` threads.
    fn apply<'py, T: numpy::Element + Send>(
        &self,
        py: Python<'py>,
        x: &Bound<'py, PyAny>,
        n_jobs: Option<i64>,
        f: impl FnOnce(
            &IsolationForest,
            &ndarray_view::ArrayView2<'_, f64>,
        ) -> opsbrain::Result<ndarray_view::Array1<T>>
        + Send,
    ) -> PyResult<Bound<'py, PyArray1<T>>> {
        let x = matrix(x, "X")?;
        let view = x.as_array();
        let out = with_threads(py, n_jobs, || f(&self.0, &view))?;
        Ok(out.into_pyarray(py))
    }
}

#[pymethods]
impl PyIsolationForestModel {
    /// scikit-learn's ``score_samples``: higher is more normal, in [-1, 0).
    #[pyo3(signature = (x, *, n_jobs=None))]
    fn score_samples<'py>(
        &self,
        py: Python<'py>,
        x: &Bound<'py, PyAny>,
        n_jobs: Option<i64>,
    ) -> PyResult<Scores<'py>> {
        self.apply(py, x, n_jobs, |m, v| m.score_samples(v))
    }
    /// ``score_samples - offset``: negative for outliers.
    #[pyo3(signature = (x, *, n_jobs=None))]
    fn decision_function<'py>(
        &self,
        py: Python<'py>,
        x: &Bound<'py, PyAny>,
        n_jobs: Option<i64>,
    ) -> PyResult<Scores<'py>> {
        self.apply(py, x, n_jobs, |m, v| m.decision_function(v))
    }
    /// The paper's anomaly score in (0, 1]: near 1 is anomalous.
    #[pyo3(signature = (x, *, n_jobs=None))]
    fn anomaly_score<'py>(
        &self,
        py: Python<'py>,
        x: &Bound<'py, PyAny>,
        n_jobs: Option<i64>,
    ) -> PyResult<Scores<'py>> {
        self.apply(py, x, n_jobs, |m, v| m.anomaly_score(v))
    }
    /// -1 for outliers, +1 for inliers.
    #[pyo3(signature = (x, *, n_jobs=None))]
    fn predict<'py>(
        &self,
        py: Python<'py>,
        x: &Bound<'py, PyAny>,
        n_jobs: Option<i64>,
    ) -> PyResult<Bound<'py, PyArray1<i64>>> {
        self.apply(py, x, n_jobs, |m, v| Ok(m.predict(v)?.mapv(i64::from)))
    }
    /// The threshold on ``score_samples`` (scikit-learn's ``offset_``).
    #[getter]
    fn offset(&self) -> f64 {
        self.0.offset()
    }
    /// Columns the model was fitted on.
    #[getter]
    fn n_features(&self) -> usize {
        self.0.n_features()
    }
    /// Rows each tree was grown on (scikit-learn's ``max_samples_``).
    #[getter]
    fn max_samples(&self) -> usize {
        self.0.max_samples()
    }
    /// Number of trees.
    #[getter]
    fn n_estimators(&self) -> usize {
        self.0.trees().len()
    }
    /// Warnings from fitting (e.g. max_samples clipped to the row count).
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.0.warnings().to_vec()
    }
    /// The parameters the model was fitted with, as a dict.
    #[getter]
    fn params<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_dict(py, self.0.params())
    }
    /// The model as JSON (loads in Python, Node and Rust).
    fn to_json(&self) -> String {
        self.0.to_json()
    }
    /// Loads a model written by ``to_json`` in any language.
    #[staticmethod]
    fn from_json(text: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(Self(
            IsolationForest::from_json(&str_arg(text, "text")?).map_err(BindError)?,
        ))
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((
            slf.get_type().getattr("from_json")?,
            (slf.get().0.to_json(),),
        ))
    }
    fn __repr__(&self) -> String {
        format!(
            "IsolationForestModel({} trees, {} features, max_samples={}, offset={})",
            self.0.trees().len(),
            self.0.n_features(),
            self.0.max_samples(),
            self.0.offset()
        )
    }
}

/// The anomalies found in one metric group's window.
#[pyclass(name = "GroupAnomalies", module = "opsbrain._native", frozen)]
#[derive(Debug)]
pub struct PyGroupAnomalies(GroupAnomalies);

#[pymethods]
impl PyGroupAnomalies {
    /// The group's name.
    #[getter]
    fn metric(&self) -> String {
        self.0.metric.clone()
    }
    /// Decision scores, one per row.
    #[getter]
    fn scores<'py>(&self, py: Python<'py>) -> Scores<'py> {
        self.0.scores.clone().into_pyarray(py)
    }
    /// The percentile threshold.
    #[getter]
    fn threshold(&self) -> f64 {
        self.0.threshold
    }
    /// Rows scored below the threshold.
    #[getter]
    fn anomalous_points<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<i64>> {
        self.0
            .anomalous_points
            .iter()
            .map(|&i| i as i64)
            .collect::<Vec<_>>()
            .into_pyarray(py)
    }
    /// The share of rows the percentile expects to flag.
    #[getter]
    fn expected_share(&self) -> f64 {
        self.0.expected_share
    }
    /// Plain data (lists, floats).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_dict(py, &self.0)
    }
    fn __repr__(&self) -> String {
        format!(
            "GroupAnomalies({:?}, {} of {} rows below {})",
            self.0.metric,
            self.0.anomalous_points.len(),
            self.0.scores.len(),
            self.0.threshold
        )
    }
}

/// One metric group fitted on a reference window, for streaming scoring.
#[pyclass(name = "FittedGroup", module = "opsbrain._native", frozen)]
#[derive(Debug)]
pub struct PyFittedGroup(FittedGroup);

#[pymethods]
impl PyFittedGroup {
    /// Scores new rows against the reference window's threshold.
    fn score(&self, py: Python<'_>, x: &Bound<'_, PyAny>) -> PyResult<PyGroupAnomalies> {
        let x = matrix(x, "X")?;
        let view = x.as_array();
        Ok(PyGroupAnomalies(compute(py, || self.0.score(&view))?))
    }
    /// The group's name.
    #[getter]
    fn metric(&self) -> String {
        self.0.group.name.clone()
    }
    /// The reference window's decision-score percentile.
    #[getter]
    fn threshold(&self) -> f64 {
        self.0.threshold
    }
    /// The group's forest.
    #[getter]
    fn forest(&self) -> PyIsolationForestModel {
        PyIsolationForestModel(self.0.forest.clone())
    }
    /// As JSON (scaler, forest, threshold).
    fn to_json(&self) -> String {
        self.0.to_json()
    }
    /// Loads ``to_json`` output (checked).
    #[staticmethod]
    fn from_json(text: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(Self(
            FittedGroup::from_json(&str_arg(text, "text")?).map_err(BindError)?,
        ))
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((slf.get_type().getattr("from_json")?, (slf.get().to_json(),)))
    }
    fn __repr__(&self) -> String {
        format!(
            "FittedGroup({:?}, threshold={})",
            self.0.group.name, self.0.threshold
        )
    }
}

/// The framework's proactive monitor. ``ProactiveMonitor()`` has the
/// framework's three groups (performance 0.1, usage_patterns 0.05,
/// error_trends 0.15); ``ProactiveMonitor.from_json`` reads another
/// configuration.
#[pyclass(name = "ProactiveMonitor", module = "opsbrain._native", frozen)]
#[derive(Debug)]
pub struct PyProactiveMonitor(ProactiveMonitor);

#[pymethods]
impl PyProactiveMonitor {
    #[new]
    fn new() -> Self {
        Self(ProactiveMonitor::framework())
    }
    /// The framework's monitor.
    #[staticmethod]
    fn framework() -> Self {
        Self::new()
    }
    /// Reads and validates a configuration.
    #[staticmethod]
    fn from_json(text: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(Self(
            ProactiveMonitor::from_json(&str_arg(text, "text")?).map_err(BindError)?,
        ))
    }
    /// The configuration as JSON.
    fn to_json(&self) -> String {
        serde_json::to_string(self.0.config()).unwrap_or_default()
    }
    /// The configuration as a dict.
    #[getter]
    fn config<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_dict(py, self.0.config())
    }
    /// Batch detection as the framework does it: scale the window, fit the
    /// group's forest on it, flag rows below the window's percentile.
    fn detect(
        &self,
        py: Python<'_>,
        group: &Bound<'_, PyAny>,
        x: &Bound<'_, PyAny>,
    ) -> PyResult<PyGroupAnomalies> {
        let group = str_arg(group, "group")?;
        let x = matrix(x, "X")?;
        let view = x.as_array();
        Ok(PyGroupAnomalies(compute(py, || {
            self.0.detect(&group, &view)
        })?))
    }
    /// Fits a group on a reference window for streaming scoring.
    fn fit(
        &self,
        py: Python<'_>,
        group: &Bound<'_, PyAny>,
        reference: &Bound<'_, PyAny>,
    ) -> PyResult<PyFittedGroup> {
        let group = str_arg(group, "group")?;
        let x = matrix(reference, "reference")?;
        let view = x.as_array();
        Ok(PyFittedGroup(compute(py, || self.0.fit(&group, &view))?))
    }
    /// One ``anomaly_detected`` alert (a dict) per group with anomalies;
    /// ``timestamp`` (an aware datetime) is stamped on each.
    fn alerts<'py>(
        &self,
        py: Python<'py>,
        anomalies: &Bound<'py, PyAny>,
        timestamp: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut found = Vec::new();
        for (i, item) in anomalies.try_iter()?.enumerate() {
            let item = item?;
            found.push(
                instance::<PyGroupAnomalies>(&item, &format!("anomalies[{i}]"))?
                    .get()
                    .0
                    .clone(),
            );
        }
        let at = instant(timestamp, "timestamp")?;
        let alerts = self.0.alerts(&found, at).map_err(BindError)?;
        to_py_with_instants(py, &alerts)
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((slf.get_type().getattr("from_json")?, (slf.get().to_json(),)))
    }
    fn __repr__(&self) -> String {
        let names: Vec<&str> = self
            .0
            .config()
            .groups
            .iter()
            .map(|g| g.name.as_str())
            .collect();
        format!("ProactiveMonitor({names:?})")
    }
}
