//! Python binding of the core's `anomaly` module: the fitted
//! `IsolationForestModel` (the scikit-learn-style `IsolationForest`
//! estimator is plain Python in `opsbrain/anomaly.py` and stores its
//! parameters there), `fit_isolation_forest`, `ProactiveMonitor`,
//! `FittedGroup` and `GroupAnomalies`.

use numpy::{AllowTypeChange, IntoPyArray, PyArray1, PyArrayLike2};
use opsbrain::anomaly::ProactiveMonitor;
use opsbrain::anomaly::{FittedGroup, GroupAnomalies, MAX_GROUPS};
use opsbrain::anomaly::{
    ForestOptions, IsolationForest, Threads, average_path_length as core_average_path_length,
};
use opsbrain::ndarray::{Array1, ArrayView2};
use pyo3::prelude::*;

use crate::compute::{compute, compute_py};
use crate::convert::{
    JsonForm, Opt, Shape, float, given, instance, instant, instants, int, is_float, opt, seq,
    string, to_py, type_name, value,
};
use crate::errors::Res;
use crate::{coded, getters, json_form, value_class};

json_form!(core: IsolationForest, FittedGroup);
json_form!(serde: GroupAnomalies);

impl JsonForm for ProactiveMonitor {
    fn read_json(text: &str) -> opsbrain::Result<Self> {
        ProactiveMonitor::from_json(text)
    }
    fn write_json(&self) -> opsbrain::Result<String> {
        Ok(serde_json::to_string(self.config())?)
    }
}

/// A 2-D float64 array argument: numpy arrays of any layout are borrowed
/// without a copy; other numeric dtypes and nested lists go through numpy.
fn matrix<'py>(
    obj: &Bound<'py, PyAny>,
    name: &str,
) -> Res<PyArrayLike2<'py, f64, AllowTypeChange>> {
    obj.extract::<PyArrayLike2<'py, f64, AllowTypeChange>>()
        .map_err(|e| {
            coded!(
                InvalidType,
                "{name} must be a 2-D array of numbers: {} ({e})",
                type_name(obj)
            )
        })
}

/// The forest's keyword options read by the core ([`ForestOptions`]): a
/// float stays a float (``max_samples=1.0`` is a fraction, ``1`` a count,
/// as in scikit-learn).
fn forest_options(fields: &[(&str, Opt<'_, '_>)]) -> Res<ForestOptions> {
    let mut map = serde_json::Map::new();
    for (key, v) in fields {
        if let Some(v) = given(*v) {
            let v = match is_float(v) {
                true => serde_json::Value::from(float(v, key)?),
                false => value(v, key, 1)?,
            };
            map.insert((*key).to_owned(), v);
        }
    }
    Ok(ForestOptions::from_value(
        &serde_json::Value::Object(map),
        "",
    )?)
}

/// Fits an isolation forest on ``X`` (rows x columns) and returns the
/// fitted model. ``seed`` fixes every random draw; ``n_jobs`` only changes
/// the speed. Prefer the scikit-learn-style ``opsbrain.IsolationForest``.
#[pyfunction]
#[pyo3(signature = (x, *, n_estimators=None, max_samples=None, contamination=None, max_features=None, bootstrap=None, seed=None, n_jobs=None))]
#[allow(clippy::too_many_arguments)]
pub fn fit_isolation_forest(
    py: Python<'_>,
    x: &Bound<'_, PyAny>,
    n_estimators: Opt<'_, '_>,
    max_samples: Opt<'_, '_>,
    contamination: Opt<'_, '_>,
    max_features: Opt<'_, '_>,
    bootstrap: Opt<'_, '_>,
    seed: Opt<'_, '_>,
    n_jobs: Opt<'_, '_>,
) -> Res<PyIsolationForestModel> {
    let o = forest_options(&[
        ("n_estimators", n_estimators),
        ("max_samples", max_samples),
        ("contamination", contamination),
        ("max_features", max_features),
        ("bootstrap", bootstrap),
        ("seed", seed),
        ("n_jobs", n_jobs),
    ])?;
    let x = matrix(x, "X")?;
    let view = x.as_array();
    let model = compute(py, || o.threads.install(|| o.params.fit(&view)))?;
    Ok(PyIsolationForestModel(model))
}

/// ``c(n)``, the average path length of an unsuccessful search in a binary
/// search tree of ``n`` points.
#[pyfunction]
pub fn average_path_length(n: &Bound<'_, PyAny>) -> Res<f64> {
    Ok(core_average_path_length(int(n, "n")?))
}

value_class! {
    /// A fitted isolation forest (returned by ``fit_isolation_forest`` and held
    /// by ``IsolationForest.model_``). Pickles, and loads from the JSON any
    /// opsbrain binding writes.
    PyIsolationForestModel(IsolationForest) as "IsolationForestModel"
}

impl PyIsolationForestModel {
    /// Runs one of the model's per-row functions on ``X`` with the GIL
    /// released, on ``n_jobs`` threads.
    fn apply<'py, T: numpy::Element + Send>(
        &self,
        py: Python<'py>,
        x: &Bound<'py, PyAny>,
        n_jobs: Opt<'_, 'py>,
        f: impl FnOnce(&IsolationForest, &ArrayView2<'_, f64>) -> opsbrain::Result<Array1<T>> + Send,
    ) -> Res<Bound<'py, PyArray1<T>>> {
        let threads = Threads::new(opt(n_jobs, |o| int(o, "n_jobs"))?)?;
        let x = matrix(x, "X")?;
        let view = x.as_array();
        let out = compute(py, || threads.install(|| f(&self.0, &view)))?;
        Ok(out.into_pyarray(py))
    }
}

/// The model's per-row functions, each taking ``X`` and ``n_jobs``.
macro_rules! per_row {
    ($($(#[$doc:meta])* $name:ident -> $t:ty = $f:expr;)*) => {
        #[pymethods]
        impl PyIsolationForestModel {$(
            $(#[$doc])*
            #[pyo3(signature = (x, *, n_jobs=None))]
            fn $name<'py>(
                &self,
                py: Python<'py>,
                x: &Bound<'py, PyAny>,
                n_jobs: Opt<'_, 'py>,
            ) -> Res<Bound<'py, PyArray1<$t>>> {
                self.apply(py, x, n_jobs, $f)
            }
        )*}
    };
}

per_row! {
    /// scikit-learn's ``score_samples``: higher is more normal, in [-1, 0).
    score_samples -> f64 = |m, v| m.score_samples(v);
    /// ``score_samples - offset``: negative for outliers.
    decision_function -> f64 = |m, v| m.decision_function(v);
    /// The paper's anomaly score in (0, 1]: near 1 is anomalous.
    anomaly_score -> f64 = |m, v| m.anomaly_score(v);
    /// -1 for outliers, +1 for inliers.
    predict -> i64 = |m, v| Ok(m.predict(v)?.mapv(i64::from));
}

getters!(PyIsolationForestModel {
    /// The threshold on ``score_samples`` (scikit-learn's ``offset_``).
    offset -> f64 = |v| v.offset();
    /// Columns the model was fitted on.
    n_features -> usize = |v| v.n_features();
    /// Rows each tree was grown on (scikit-learn's ``max_samples_``).
    max_samples -> usize = |v| v.max_samples();
    /// Number of trees.
    n_estimators -> usize = |v| v.trees().len();
    /// Warnings from fitting (e.g. max_samples clipped to the row count).
    warnings -> Vec<String> = |v| v.warnings().to_vec();
} repr |v| format!(
    "IsolationForestModel({} trees, {} features, max_samples={}, offset={})",
    v.trees().len(),
    v.n_features(),
    v.max_samples(),
    v.offset()
));

#[pymethods]
impl PyIsolationForestModel {
    /// The parameters the model was fitted with, as a dict.
    #[getter]
    fn params<'py>(&self, py: Python<'py>) -> Res<Bound<'py, PyAny>> {
        to_py(py, self.0.params(), crate::convert::PLAIN)
    }
}

value_class! {
    /// The anomalies found in one metric group's window.
    PyGroupAnomalies(GroupAnomalies) as "GroupAnomalies"
}

getters!(PyGroupAnomalies {
    /// The group's name.
    metric -> String = |v| v.metric.clone();
    /// The percentile threshold.
    threshold -> f64 = |v| v.threshold;
    /// The share of rows the percentile expects to flag.
    expected_share -> f64 = |v| v.expected_share;
} repr |v| format!(
    "GroupAnomalies({:?}, {} of {} rows below {})",
    v.metric,
    v.anomalous_points.len(),
    v.scores.len(),
    v.threshold
));

#[pymethods]
impl PyGroupAnomalies {
    /// Decision scores, one per row.
    #[getter]
    fn scores<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        self.0.scores.clone().into_pyarray(py)
    }
    /// Rows scored below the threshold.
    #[getter]
    fn anomalous_points<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<i64>> {
        let v: Vec<i64> = self.0.anomalous_points.iter().map(|&i| i as i64).collect();
        v.into_pyarray(py)
    }
}

value_class! {
    /// One metric group fitted on a reference window, for streaming scoring.
    PyFittedGroup(FittedGroup) as "FittedGroup"
}

getters!(PyFittedGroup {
    /// The group's name.
    metric -> String = |v| v.group.name.clone();
    /// The reference window's decision-score percentile.
    threshold -> f64 = |v| v.threshold;
    /// The group's forest.
    forest -> PyIsolationForestModel = |v| PyIsolationForestModel(v.forest.clone());
} repr |v| format!("FittedGroup({:?}, threshold={})", v.group.name, v.threshold));

#[pymethods]
impl PyFittedGroup {
    /// Scores new rows against the reference window's threshold.
    fn score(&self, py: Python<'_>, x: &Bound<'_, PyAny>) -> Res<PyGroupAnomalies> {
        let x = matrix(x, "X")?;
        let view = x.as_array();
        Ok(PyGroupAnomalies(compute(py, || self.0.score(&view))?))
    }
}

value_class! {
    /// The framework's proactive monitor. ``ProactiveMonitor()`` has the
    /// framework's three groups (performance 0.1, usage_patterns 0.05,
    /// error_trends 0.15); ``ProactiveMonitor.from_json`` reads another
    /// configuration.
    PyProactiveMonitor(ProactiveMonitor) as "ProactiveMonitor", new = framework
}

/// Instants in alerts.
const ALERTS: Shape = instants(&["timestamp"]);

#[pymethods]
impl PyProactiveMonitor {
    /// The configuration as a dict.
    #[getter]
    fn config<'py>(&self, py: Python<'py>) -> Res<Bound<'py, PyAny>> {
        to_py(py, self.0.config(), crate::convert::PLAIN)
    }
    /// Batch detection as the framework does it: scale the window, fit the
    /// group's forest on it, flag rows below the window's percentile.
    fn detect(
        &self,
        py: Python<'_>,
        group: &Bound<'_, PyAny>,
        x: &Bound<'_, PyAny>,
    ) -> Res<PyGroupAnomalies> {
        let group = string(group, "group")?;
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
    ) -> Res<PyFittedGroup> {
        let group = string(group, "group")?;
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
    ) -> Res<Bound<'py, PyAny>> {
        let found = seq(anomalies, "anomalies", MAX_GROUPS, |a, at| {
            Ok(instance::<PyGroupAnomalies>(a, at)?.get().0.clone())
        })?;
        let at = instant(timestamp, "timestamp")?;
        compute_py(py, ALERTS, || self.0.alerts(&found, at))
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
