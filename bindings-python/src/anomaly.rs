//! Python binding of the core's `anomaly` module: the fitted
//! `IsolationForestModel` (the scikit-learn-style `IsolationForest`
//! estimator is plain Python in `opsbrain/anomaly.py` and stores its
//! parameters there), `fit_isolation_forest`, `ProactiveMonitor`,
//! `FittedGroup` and `GroupAnomalies`.

use numpy::{AllowTypeChange, IntoPyArray, PyArray1, PyArrayLike2};
use opsbrain::anomaly::{FittedGroup, GroupAnomalies, MAX_GROUPS};
use opsbrain::anomaly::{
    ForestOptions, IsolationForest, Threads, average_path_length as core_average_path_length,
};
use opsbrain::anomaly::{IsolationForestParams, MonitorConfig, ProactiveMonitor};
use opsbrain::ndarray::{Array1, ArrayView2};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::compute::{compute, compute_py};
use crate::convert::{
    Array, Data, Opt, Shape, float, instance, instant, instants, int, is_float, opt, seq, string,
    type_name, value,
};
use crate::errors::Res;
use crate::{coded, getters, value_class};

/// Runs `f` (with the GIL released) on a 2-D float64 array argument: numpy
/// arrays of any layout are borrowed without a copy; other numeric dtypes
/// and nested lists go through numpy.
fn on_matrix<T: Send>(
    py: Python<'_>,
    obj: &Bound<'_, PyAny>,
    name: &str,
    f: impl FnOnce(&ArrayView2<'_, f64>) -> opsbrain::Result<T> + Send,
) -> Res<T> {
    let x = obj.extract::<PyArrayLike2<'_, f64, AllowTypeChange>>();
    let x = x.map_err(|e| {
        let what = type_name(obj);
        coded!(
            InvalidType,
            "{name} must be a 2-D array of numbers: {what} ({e})"
        )
    })?;
    let view = x.as_array();
    compute(py, || f(&view))
}

/// The forest's keyword options read by the core ([`ForestOptions`]): a
/// float stays a float (``max_samples=1.0`` is a fraction, ``1`` a count,
/// as in scikit-learn).
fn forest_options(options: Option<&Bound<'_, PyDict>>) -> Res<ForestOptions> {
    let mut v = serde_json::Map::new();
    for (key, o) in options.into_iter().flat_map(|d| d.iter()) {
        let key = string(&key, "option name")?;
        let x = match is_float(&o) {
            true => float(&o, &key)?.into(),
            false => value(&o, &key, 1)?,
        };
        v.insert(key, x);
    }
    Ok(ForestOptions::from_value(&v.into(), "")?)
}

/// Fits an isolation forest on ``X`` (rows x columns) and returns the
/// fitted model. ``seed`` fixes every random draw; ``n_jobs`` only changes
/// the speed. Prefer the scikit-learn-style ``opsbrain.IsolationForest``.
#[pyfunction]
#[pyo3(signature = (x, **options))]
pub fn fit_isolation_forest(
    py: Python<'_>,
    x: &Bound<'_, PyAny>,
    options: Option<&Bound<'_, PyDict>>,
) -> Res<PyIsolationForestModel> {
    let o = forest_options(options)?;
    let model = on_matrix(py, x, "X", |v| o.threads.install(|| o.params.fit(v)))?;
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
        let out = on_matrix(py, x, "X", |v| threads.install(|| f(&self.0, v)))?;
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
    /// The parameters the model was fitted with, as a dict.
    params -> Data<&IsolationForestParams> = |v| Data(v.params());
});

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
    /// Decision scores, one per row.
    scores -> Array<f64> = |v| Array(v.scores.clone());
    /// Rows scored below the threshold.
    anomalous_points -> Array<i64> = |v| Array(v.anomalous_points.iter().map(|&i| i as i64).collect());
});

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
});

#[pymethods]
impl PyFittedGroup {
    /// Scores new rows against the reference window's threshold.
    fn score(&self, py: Python<'_>, x: &Bound<'_, PyAny>) -> Res<PyGroupAnomalies> {
        Ok(PyGroupAnomalies(on_matrix(py, x, "X", |v| {
            self.0.score(v)
        })?))
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

getters!(PyProactiveMonitor {
    /// The configuration as a dict.
    config -> Data<&MonitorConfig> = |v| Data(v.config());
});

#[pymethods]
impl PyProactiveMonitor {
    /// Batch detection as the framework does it: scale the window, fit the
    /// group's forest on it, flag rows below the window's percentile.
    fn detect(
        &self,
        py: Python<'_>,
        group: &Bound<'_, PyAny>,
        x: &Bound<'_, PyAny>,
    ) -> Res<PyGroupAnomalies> {
        let group = string(group, "group")?;
        let found = on_matrix(py, x, "X", |v| self.0.detect(&group, v))?;
        Ok(PyGroupAnomalies(found))
    }
    /// Fits a group on a reference window for streaming scoring.
    fn fit(
        &self,
        py: Python<'_>,
        group: &Bound<'_, PyAny>,
        reference: &Bound<'_, PyAny>,
    ) -> Res<PyFittedGroup> {
        let group = string(group, "group")?;
        let fitted = on_matrix(py, reference, "reference", |v| self.0.fit(&group, v))?;
        Ok(PyFittedGroup(fitted))
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
}
