//! Python binding of the core's `anomaly` module: the fitted
//! `IsolationForestModel` (the scikit-learn-style `IsolationForest`
//! estimator is plain Python in `opsbrain/anomaly.py` and stores its
//! parameters there), `fit_isolation_forest`, `ProactiveMonitor`,
//! `FittedGroup` and `GroupAnomalies`.

use chrono::{DateTime, Utc};
use numpy::{AllowTypeChange, IntoPyArray, PyArray1, PyArrayLike2};
use opsbrain::anomaly::stream::{
    EpisodeConfig, Episodes, MAX_BATCH_POINTS, StreamConfig, StreamDetector, StreamPoint,
};
use opsbrain::anomaly::{FittedGroup, GroupAnomalies, MAX_GROUPS};
use opsbrain::anomaly::{
    ForestOptions, IsolationForest, Threads, average_path_length as core_average_path_length,
};
use opsbrain::anomaly::{IsolationForestParams, MonitorConfig, ProactiveMonitor};
use opsbrain::ndarray::{Array1, ArrayView2};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::compute::{compute, compute_py};
use crate::convert::{
    Array, Data, Opt, PLAIN, Shape, arg, column, float, given, instance, instant, instants, int,
    is_float, opt, opt_arg, seq, string, time_array, time_column, to_py, type_name, value,
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
    /// Share of the flags each input column drove (sums to 1; empty
    /// without flags).
    attribution -> Array<f64> = |v| Array(v.attribution.clone());
});

#[pymethods]
impl PyGroupAnomalies {
    /// The instants of the anomalous rows (``datetime64[ns]`` UTC), or
    /// ``None`` when the rows' instants were not given.
    #[getter]
    fn anomalous_instants<'py>(&self, py: Python<'py>) -> Res<Option<Bound<'py, PyAny>>> {
        let Some(at) = &self.0.anomalous_instants else {
            return Ok(None);
        };
        let at: Vec<_> = at.iter().copied().map(Some).collect();
        Ok(Some(time_array(py, &at)?))
    }
}

/// One instant per row: a ``DatetimeIndex``, ``datetime64`` array or aware
/// datetimes, read up to `max`; NaT and None are errors.
fn instant_column(obj: &Bound<'_, PyAny>, name: &str, max: usize) -> Res<Vec<DateTime<Utc>>> {
    let at = time_column::<DateTime<Utc>>(obj, name, max)?;
    at.into_iter()
        .enumerate()
        .map(|(i, t)| t.ok_or_else(|| coded!(InvalidInput, "{name}[{i}] is NaT or None")))
        .collect()
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
const ALERTS: Shape = instants(&["timestamp", "first_at", "peak_at", "last_at"]);

getters!(PyProactiveMonitor {
    /// The configuration as a dict.
    config -> Data<&MonitorConfig> = |v| Data(v.config());
});

#[pymethods]
impl PyProactiveMonitor {
    /// Batch detection as the framework does it: scale the window, fit the
    /// group's forest on it, flag rows below the window's percentile.
    /// With ``instants`` (one per row), the anomalies and their alerts
    /// carry the instants of the flagged rows.
    #[pyo3(signature = (group, x, instants = None))]
    fn detect(
        &self,
        py: Python<'_>,
        group: &Bound<'_, PyAny>,
        x: &Bound<'_, PyAny>,
        instants: Opt<'_, '_>,
    ) -> Res<PyGroupAnomalies> {
        let group = string(group, "group")?;
        let at = given(instants)
            .map(|a| instant_column(a, "instants", MAX_BATCH_POINTS))
            .transpose()?;
        let found = on_matrix(py, x, "X", |v| {
            let found = self.0.detect(&group, v)?;
            match &at {
                Some(a) => found.with_instants(a),
                None => Ok(found),
            }
        })?;
        Ok(PyGroupAnomalies(found))
    }
    /// Streams the group's rows causally, one ``StreamDetector`` per
    /// column; returns the alert episodes (dicts with ``column``), sorted
    /// by start. ``stream`` and ``episodes`` are ``StreamConfig`` and
    /// ``EpisodeConfig`` dicts (the core's defaults when omitted).
    #[pyo3(signature = (group, x, instants, stream = None, episodes = None))]
    fn detect_stream<'py>(
        &self,
        py: Python<'py>,
        group: &Bound<'py, PyAny>,
        x: &Bound<'py, PyAny>,
        instants: &Bound<'py, PyAny>,
        stream: Opt<'_, 'py>,
        episodes: Opt<'_, 'py>,
    ) -> Res<Bound<'py, PyAny>> {
        let group = string(group, "group")?;
        let at = instant_column(instants, "instants", MAX_BATCH_POINTS)?;
        let stream: StreamConfig = opt_arg(stream, "stream", 16)?;
        let episodes: EpisodeConfig = opt_arg(episodes, "episodes", 16)?;
        let found = on_matrix(py, x, "X", |v| {
            self.0.detect_stream(&group, v, &at, &stream, &episodes)
        })?;
        to_py(py, &found, EPISODE)
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

/// A streaming anomaly detector for one metric (``opsbrain::anomaly::stream``):
/// ``update`` scores one point from it and the points before it; the state
/// round-trips through ``to_json``/``from_json`` and pickles.
#[pyclass(name = "StreamDetector", module = "opsbrain._native", frozen)]
#[derive(Debug)]
pub struct PyStreamDetector(Mutex<StreamDetector>);

crate::value_class!(@json mut PyStreamDetector(StreamDetector) as "StreamDetector", |s| &*s.lock(), |c| Self(Mutex::new(c)));

/// Locks a binding object's core state (a panic never leaves it poisoned
/// for good: the core changes nothing before its checks pass).
fn locked<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl PyStreamDetector {
    fn lock(&self) -> MutexGuard<'_, StreamDetector> {
        locked(&self.0)
    }
}

/// Instants in stream points.
const POINT: Shape = instants(&["at"]);

#[pymethods]
impl PyStreamDetector {
    /// A detector with ``config`` (a dict of ``StreamConfig`` fields; the
    /// core's defaults for the rest).
    #[new]
    #[pyo3(signature = (config = None))]
    fn new(config: Opt<'_, '_>) -> Res<Self> {
        let config: StreamConfig = opt_arg(config, "config", 16)?;
        Ok(Self(Mutex::new(StreamDetector::new(config)?)))
    }
    /// Scores one point (``at`` an aware datetime or ``numpy.datetime64``);
    /// returns the point as a dict (``at``, ``score``, ``anomaly``, ``raw``,
    /// ``expected``).
    fn update<'py>(
        &self,
        py: Python<'py>,
        at: &Bound<'py, PyAny>,
        value: &Bound<'py, PyAny>,
    ) -> Res<Bound<'py, PyAny>> {
        let (at, value) = (instant(at, "at")?, float(value, "value")?);
        compute_py(py, POINT, || locked(&self.0).update(at, value))
    }
    /// Scores many points with the GIL released: ``instants`` a
    /// ``DatetimeIndex``, ``datetime64`` array or datetimes, ``values``
    /// floats. Returns a dict of numpy arrays (``pandas.DataFrame(result)``
    /// makes a frame).
    fn update_many<'py>(
        &self,
        py: Python<'py>,
        instants: &Bound<'py, PyAny>,
        values: &Bound<'py, PyAny>,
    ) -> Res<Bound<'py, PyDict>> {
        let at = instant_column(instants, "instants", MAX_BATCH_POINTS)?;
        let values = column::<f64>(values, "values", MAX_BATCH_POINTS)?;
        let values = values.values();
        let points = compute(py, || locked(&self.0).update_many(&at, &values))?;
        let out = PyDict::new(py);
        let ats: Vec<_> = points.iter().map(|p| Some(p.at)).collect();
        out.set_item("at", time_array(py, &ats)?)?;
        let col = |f: fn(&StreamPoint) -> f64| Array(points.iter().map(f).collect());
        out.set_item("score", col(|p| p.score))?;
        out.set_item("anomaly", col(|p| p.anomaly))?;
        out.set_item("raw", col(|p| p.raw))?;
        out.set_item("expected", col(|p| p.expected))?;
        Ok(out)
    }
    /// Bytes the detector's state holds.
    #[getter]
    fn state_bytes(&self) -> usize {
        self.lock().state_bytes()
    }
    /// Points seen.
    #[getter]
    fn points(&self) -> u64 {
        self.lock().points()
    }
    /// The configuration as a dict.
    #[getter]
    fn config<'py>(&self, py: Python<'py>) -> Res<Bound<'py, PyAny>> {
        to_py(py, self.lock().config(), PLAIN)
    }
}

/// Turns one metric's stream points into alert episodes: ``push`` each point
/// (the dicts ``StreamDetector.update`` returns); it returns an episode (a
/// dict) when one closes; ``finish`` closes the last.
#[pyclass(name = "Episodes", module = "opsbrain._native", frozen)]
#[derive(Debug)]
pub struct PyEpisodes(Mutex<Episodes>);

crate::value_class!(@json mut PyEpisodes(Episodes) as "Episodes", |s| &*locked(&s.0), |c| Self(Mutex::new(c)));

/// Instants in episodes.
const EPISODE: Shape = instants(&["start", "end", "peak_at"]);

#[pymethods]
impl PyEpisodes {
    /// A tracker for ``metric`` with ``config`` (a dict of ``EpisodeConfig``
    /// fields; durations as ``timedelta`` or seconds).
    #[new]
    #[pyo3(signature = (metric, config = None))]
    fn new(metric: &Bound<'_, PyAny>, config: Opt<'_, '_>) -> Res<Self> {
        let config: EpisodeConfig = opt_arg(config, "config", 16)?;
        Ok(Self(Mutex::new(Episodes::new(
            string(metric, "metric")?,
            config,
        )?)))
    }
    /// Takes one point (a dict as ``StreamDetector.update`` returns); returns
    /// the episode it closes, or ``None``.
    fn push<'py>(&self, py: Python<'py>, point: &Bound<'py, PyAny>) -> Res<Bound<'py, PyAny>> {
        let p: StreamPoint = arg(point, "point", 16)?;
        compute_py(py, EPISODE, || Ok(locked(&self.0).push(&p)))
    }
    /// Closes the open episode, if any (at the end of the stream).
    fn finish<'py>(&self, py: Python<'py>) -> Res<Bound<'py, PyAny>> {
        compute_py(py, EPISODE, || Ok(locked(&self.0).finish()))
    }
    /// Anomalous points dropped in cooldowns (de-duplicated alerts).
    #[getter]
    fn deduplicated(&self) -> u64 {
        locked(&self.0).deduplicated()
    }
}
