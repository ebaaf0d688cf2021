//! `opsbrain::anomaly` for Node: `IsolationForest`, `ProactiveMonitor`,
//! `FittedGroup` and `averagePathLength`. Data is a row-major
//! `Float64Array` with `nRows` and `nCols` (read in place by `fit`,
//! `fitPredict` and `FittedGroup.score`; copied by the calls that share
//! their reading with an `...Async` twin) or an array of rows.

use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use napi::bindgen_prelude::{
    AsyncTask, Float64Array, Int32Array, Object, This, ToNapiValue, Unknown,
};
use napi::{Env, JsValue, ValueType};
use napi_derive::napi;
use opsbrain::anomaly as monitor;
use opsbrain::anomaly::stream;
use opsbrain::anomaly::{self as iforest, ForestOptions, IsolationForestParams, Threads};
use opsbrain::ndarray::ArrayView2;
use opsbrain::{Error, ErrorKind};

use crate::convert::column;
use crate::convert::scalar;
use crate::convert::value::{self, Shape};
use crate::errors::{self, run};
use crate::task::{self, Job, Work, twins};
use crate::types::{class, parsed};

const SHAPE: Shape = Shape {
    instants: &[
        "timestamp",
        "anomalous_instants",
        "first_at",
        "peak_at",
        "last_at",
    ],
    floats: &["scores"],
    ..Shape::PLAIN
};

type Opt<'a> = Option<Unknown<'a>>;

/// The core forest.
type Model = iforest::IsolationForest;

type Slot = Arc<Mutex<Option<Arc<Model>>>>;

fn lock(slot: &Slot) -> MutexGuard<'_, Option<Arc<Model>>> {
    slot.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn scores(model: &Model, x: &ArrayView2<'_, f64>) -> opsbrain::Result<Float64Array> {
    Ok(Float64Array::new(model.score_samples(x)?.to_vec()))
}

fn decisions(model: &Model, x: &ArrayView2<'_, f64>) -> opsbrain::Result<Float64Array> {
    Ok(Float64Array::new(model.decision_function(x)?.to_vec()))
}

fn labels(model: &Model, x: &ArrayView2<'_, f64>) -> opsbrain::Result<Int32Array> {
    Ok(Int32Array::new(model.predict(x)?.to_vec()))
}

/// Isolation Forest anomaly detection (scikit-learn's semantics).
#[napi]
#[derive(Debug, Clone)]
pub struct IsolationForest {
    params: IsolationForestParams,
    jobs: Threads,
    model: Slot,
}

impl IsolationForest {
    fn fitted(&self) -> opsbrain::Result<Arc<Model>> {
        lock(&self.model).clone().ok_or_else(|| {
            Error::new(
                ErrorKind::NotFitted,
                "this IsolationForest is not fitted yet: call fit() (or await fitAsync()) first",
            )
        })
    }

    fn fit_on(&self, x: ArrayView2<'_, f64>) -> opsbrain::Result<Arc<Model>> {
        let model = Arc::new(self.jobs.install(|| self.params.fit(&x))?);
        *lock(&self.model) = Some(Arc::clone(&model));
        Ok(model)
    }

    fn scoring<T: ToNapiValue + Send + 'static>(
        &self,
        f: fn(&Model, &ArrayView2<'_, f64>) -> opsbrain::Result<T>,
        data: &Unknown<'_>,
        rows: &Opt<'_>,
        cols: &Opt<'_>,
    ) -> opsbrain::Result<Work> {
        let model = self.fitted()?;
        let x = column::matrix("data", data, rows, cols)?.into_owned()?;
        let jobs = self.jobs.clone();
        task::work_with(move || jobs.install(|| f(&model, &x.view())), task::js)
    }
}

#[napi]
impl IsolationForest {
    /// An unfitted forest with the given options.
    #[napi(constructor, ts_args_type = "options?: IsolationForestOptions | null")]
    pub fn new(options: Option<Unknown<'_>>) -> errors::Result<Self> {
        run(|| {
            let o = value::with(
                "options",
                options.as_ref(),
                &Shape::PLAIN,
                ForestOptions::from_value,
            )?;
            Ok(IsolationForest {
                params: o.params,
                jobs: o.threads,
                model: Slot::default(),
            })
        })
    }

    /// Fits the forest; returns it.
    #[napi(
        ts_args_type = "data: Matrix, nRows?: number, nCols?: number",
        ts_return_type = "this"
    )]
    pub fn fit<'a>(
        &self,
        this: This<'a>,
        data: Unknown<'_>,
        n_rows: Opt<'_>,
        n_cols: Opt<'_>,
    ) -> errors::Result<Object<'a>> {
        run(|| self.fit_on(column::matrix("data", &data, &n_rows, &n_cols)?.view()?))?;
        Ok(this.object)
    }

    /// As `fit`, off the main thread.
    #[napi(
        ts_args_type = "data: Matrix, nRows?: number, nCols?: number",
        ts_return_type = "Promise<void>"
    )]
    pub fn fit_async(&self, data: Unknown<'_>, n_rows: Opt<'_>, n_cols: Opt<'_>) -> AsyncTask<Job> {
        task::spawn(|| {
            let x = column::matrix("data", &data, &n_rows, &n_cols)?.into_owned()?;
            let forest = self.clone();
            task::work_with(move || forest.fit_on(x.view()).map(drop), task::js)
        })
    }

    /// Fits, then predicts the same data.
    #[napi(ts_args_type = "data: Matrix, nRows?: number, nCols?: number")]
    pub fn fit_predict(
        &self,
        data: Unknown<'_>,
        n_rows: Opt<'_>,
        n_cols: Opt<'_>,
    ) -> errors::Result<Int32Array> {
        run(|| {
            let m = column::matrix("data", &data, &n_rows, &n_cols)?;
            let x = m.view()?;
            let model = self.fit_on(x)?;
            self.jobs.install(|| labels(&model, &x))
        })
    }

    /// The threshold between inliers and outliers.
    #[napi(getter)]
    pub fn offset(&self) -> errors::Result<f64> {
        run(|| Ok(self.fitted()?.offset()))
    }

    /// Columns seen by `fit`.
    #[napi(getter)]
    pub fn n_features(&self) -> errors::Result<f64> {
        // Counts stay far below 2^53: exact.
        run(|| Ok(self.fitted()?.n_features() as f64))
    }

    /// Rows drawn per tree.
    #[napi(getter)]
    pub fn max_samples(&self) -> errors::Result<f64> {
        run(|| Ok(self.fitted()?.max_samples() as f64))
    }

    /// Whether `fit` has run.
    #[napi(getter)]
    pub fn is_fitted(&self) -> bool {
        lock(&self.model).is_some()
    }

    /// Warnings from fitting (as scikit-learn's).
    #[napi(getter)]
    pub fn warnings(&self) -> Vec<String> {
        lock(&self.model)
            .as_ref()
            .map(|m| m.warnings().to_vec())
            .unwrap_or_default()
    }

    /// The fitted model as JSON.
    #[napi]
    pub fn to_json(&self) -> errors::Result<String> {
        run(|| Ok(self.fitted()?.to_json()))
    }

    /// A fitted forest from `toJson`.
    #[napi(factory, ts_args_type = "text: string")]
    pub fn from_json(text: Unknown<'_>) -> errors::Result<Self> {
        run(|| {
            let model = Model::from_json(&scalar::string("text", &text)?)?;
            Ok(IsolationForest {
                params: model.params().clone(),
                jobs: Threads::default(),
                model: Arc::new(Mutex::new(Some(Arc::new(model)))),
            })
        })
    }
}

twins! {
    impl IsolationForest {
        #[napi(ts_args_type = "data: Matrix, nRows?: number, nCols?: number")]
        "Anomaly scores (lower is more abnormal)."
        fn score_samples -> "Float64Array";
        "Anomaly scores (lower is more abnormal)."
        fn score_samples_async -> "Promise<Float64Array>";
        with scoring[scores](data: Unknown<'_>, n_rows: Opt<'_>, n_cols: Opt<'_>);

        #[napi(ts_args_type = "data: Matrix, nRows?: number, nCols?: number")]
        "Scores shifted by the offset (negative is an outlier)."
        fn decision_function -> "Float64Array";
        "Scores shifted by the offset (negative is an outlier)."
        fn decision_function_async -> "Promise<Float64Array>";
        with scoring[decisions](data: Unknown<'_>, n_rows: Opt<'_>, n_cols: Opt<'_>);

        #[napi(ts_args_type = "data: Matrix, nRows?: number, nCols?: number")]
        "Labels: -1 for outliers, 1 for inliers."
        fn predict -> "Int32Array";
        "Labels: -1 for outliers, 1 for inliers."
        fn predict_async -> "Promise<Int32Array>";
        with scoring[labels](data: Unknown<'_>, n_rows: Opt<'_>, n_cols: Opt<'_>);
    }
}

/// The average path length of an unsuccessful search in a binary search
/// tree of `n` points (the forest's normaliser).
#[napi(ts_args_type = "n: number | bigint")]
pub fn average_path_length(n: Unknown<'_>) -> errors::Result<f64> {
    run(|| Ok(iforest::average_path_length(scalar::count("n", &n)?)))
}

class! {
    "Anomaly detection per metric group, with the framework's alert rules."
    #[napi()]
    pub struct ProactiveMonitor(monitor::ProactiveMonitor);
    "The framework's metric groups."
    fn framework = monitor::ProactiveMonitor::framework();
    "The config."
    fn config => "MonitorConfig" = monitor::ProactiveMonitor::config;
    "The config as JSON."
    fn to_json;
}

#[napi]
impl ProactiveMonitor {
    /// The monitor of a JSON config (default: the framework's).
    #[napi(constructor, ts_args_type = "configJson?: string | null")]
    pub fn new(config_json: Option<Unknown<'_>>) -> errors::Result<Self> {
        match config_json.filter(|v| v.get_type().ok() != Some(ValueType::Undefined)) {
            None => Ok(Self::framework()),
            Some(text) => parsed("configJson", &text, monitor::ProactiveMonitor::from_json),
        }
    }

    /// The monitor of a JSON config.
    #[napi(factory, ts_args_type = "text: string")]
    pub fn from_json(text: Unknown<'_>) -> errors::Result<Self> {
        Self::new(Some(text))
    }

    /// Alerts for anomaly sets at `timestamp`.
    #[napi(
        ts_args_type = "anomalies: GroupAnomalies[] | GroupAnomalies, timestamp: Instant",
        ts_return_type = "AnomalyAlert[]"
    )]
    pub fn alerts<'e>(
        &self,
        env: &'e Env,
        anomalies: Unknown<'_>,
        timestamp: Unknown<'_>,
    ) -> errors::Result<Unknown<'e>> {
        task::reply(env, &SHAPE, || {
            let sets: Vec<monitor::GroupAnomalies> = if anomalies.is_array().unwrap_or(false) {
                value::items("anomalies", &anomalies, &SHAPE, true)?
            } else {
                vec![value::object("anomalies", &anomalies, &SHAPE)?]
            };
            let at = scalar::instant("timestamp", &timestamp)?;
            self.inner.alerts(&sets, at)
        })
    }
}

impl ProactiveMonitor {
    fn detection(
        &self,
        group: &Unknown<'_>,
        data: &Unknown<'_>,
        n_rows: &Opt<'_>,
        n_cols: &Opt<'_>,
    ) -> opsbrain::Result<Work> {
        self.detection_at(group, data, &None, n_rows, n_cols)
    }

    fn detection_at(
        &self,
        group: &Unknown<'_>,
        data: &Unknown<'_>,
        instants: &Opt<'_>,
        n_rows: &Opt<'_>,
        n_cols: &Opt<'_>,
    ) -> opsbrain::Result<Work> {
        let group = scalar::string("group", group)?;
        let x = column::matrix("data", data, n_rows, n_cols)?.into_owned()?;
        let at = instants
            .as_ref()
            .map(|v| column::required_instants("instants", v))
            .transpose()?;
        let m = self.inner.clone();
        task::work(&SHAPE, move || {
            let found = m.detect(&group, &x.view())?;
            match at {
                Some(at) => found.with_instants(&at),
                None => Ok(found),
            }
        })
    }

    fn streaming(
        &self,
        group: &Unknown<'_>,
        data: &Unknown<'_>,
        instants: &Unknown<'_>,
        options: &Opt<'_>,
        n_rows: &Opt<'_>,
        n_cols: &Opt<'_>,
    ) -> opsbrain::Result<Work> {
        let group = scalar::string("group", group)?;
        let x = column::matrix("data", data, n_rows, n_cols)?.into_owned()?;
        let at = column::required_instants("instants", instants)?;
        let o: monitor::StreamMonitorOptions = match options {
            Some(o) if o.get_type().ok() != Some(ValueType::Undefined) => {
                value::object("options", o, &STREAM)?
            }
            _ => Default::default(),
        };
        let m = self.inner.clone();
        task::work(&STREAM, move || {
            m.detect_stream(&group, &x.view(), &at, &o.stream, &o.episodes)
        })
    }

    fn fitting(
        &self,
        group: &Unknown<'_>,
        reference: &Unknown<'_>,
        n_rows: &Opt<'_>,
        n_cols: &Opt<'_>,
    ) -> opsbrain::Result<Work> {
        let group = scalar::string("group", group)?;
        let x = column::matrix("reference", reference, n_rows, n_cols)?.into_owned()?;
        let m = self.inner.clone();
        task::work_with(
            move || m.fit(&group, &x.view()),
            |env, inner| task::js(env, FittedGroup::from(inner)),
        )
    }
}

twins! {
    impl ProactiveMonitor {
        #[napi(ts_args_type = "group: string, data: Matrix, nRows?: number, nCols?: number")]
        "Fits a group's forest on `data` and scores it."
        fn detect -> "GroupAnomalies";
        "As `detect`, off the main thread."
        fn detect_async -> "Promise<GroupAnomalies>";
        with detection(group: Unknown<'_>, data: Unknown<'_>, n_rows: Opt<'_>, n_cols: Opt<'_>);

        #[napi(ts_args_type = "group: string, data: Matrix, instants: Float64Array | Instant[], nRows?: number, nCols?: number")]
        "As `detect`, with one instant per row: the anomalies carry `anomalousInstants` and their alerts `firstAt`, `peakAt` and `lastAt`."
        fn detect_at -> "GroupAnomalies";
        "As `detectAt`, off the main thread."
        fn detect_at_async -> "Promise<GroupAnomalies>";
        with detection_at(group: Unknown<'_>, data: Unknown<'_>, instants: Opt<'_>, n_rows: Opt<'_>, n_cols: Opt<'_>);

        #[napi(ts_args_type = "group: string, data: Matrix, instants: Float64Array | Instant[], options?: StreamMonitorOptions | null, nRows?: number, nCols?: number")]
        "Streams the rows causally, one `anomaly.StreamDetector` per column; the alert episodes (each with its `column`), sorted by start."
        fn detect_stream -> "Array<anomaly.Episode>";
        "As `detectStream`, off the main thread."
        fn detect_stream_async -> "Promise<Array<anomaly.Episode>>";
        with streaming(group: Unknown<'_>, data: Unknown<'_>, instants: Unknown<'_>, options: Opt<'_>, n_rows: Opt<'_>, n_cols: Opt<'_>);

        #[napi(ts_args_type = "group: string, reference: Matrix, nRows?: number, nCols?: number")]
        "Fits a group's forest on reference data, for scoring later."
        fn fit -> "FittedGroup";
        "As `fit`, off the main thread."
        fn fit_async -> "Promise<FittedGroup>";
        with fitting(group: Unknown<'_>, reference: Unknown<'_>, n_rows: Opt<'_>, n_cols: Opt<'_>);
    }
}

class! {
    "A group's forest fitted on reference data."
    #[napi()]
    pub struct FittedGroup(monitor::FittedGroup);
    "The group's metric name."
    fn metric: String = |g| g.group.name.clone();
    "The score threshold."
    fn threshold: f64 = |g| g.threshold;
    "The expected share of anomalies."
    fn expected_share: f64 = |g| g.expected_share;
    "The fitted group as JSON."
    fn to_json;
    "A fitted group from `toJson`."
    fn from_json;
}

#[napi]
impl FittedGroup {
    /// Scores data against the reference.
    #[napi(
        ts_args_type = "data: Matrix, nRows?: number, nCols?: number",
        ts_return_type = "GroupAnomalies"
    )]
    pub fn score<'e>(
        &self,
        env: &'e Env,
        data: Unknown<'_>,
        n_rows: Opt<'_>,
        n_cols: Opt<'_>,
    ) -> errors::Result<Unknown<'e>> {
        task::reply(env, &SHAPE, || {
            let m = column::matrix("data", &data, &n_rows, &n_cols)?;
            self.inner.score(&m.view()?)
        })
    }
}

/// Instants in stream points and episodes; the columns of `updateMany`.
const STREAM: Shape = Shape {
    instants: &["at", "start", "end", "peak_at"],
    floats: &["score", "anomaly", "raw", "expected"],
    ..Shape::PLAIN
};

/// `updateMany`'s result: one column per `StreamPoint` field.
#[derive(serde::Serialize)]
struct Columns {
    at: Vec<DateTime<Utc>>,
    score: Vec<f64>,
    anomaly: Vec<f64>,
    raw: Vec<f64>,
    expected: Vec<f64>,
}

class! {
    "A streaming anomaly detector for one metric: `update` scores one point"
    "from it and the points before it; the state round-trips through JSON."
    #[napi(namespace = "anomaly")]
    pub struct StreamDetector(stream::StreamDetector);
    "Bytes the detector's state holds (a few kilobytes: exact)."
    fn state_bytes: f64 = |d| d.state_bytes() as f64;
    "Points seen (far below 2^53: exact)."
    fn points: f64 = |d| d.points() as f64;
    "The configuration."
    fn config => "Required<StreamConfig>" = stream::StreamDetector::config;
    "The detector (configuration and state) as versioned JSON."
    fn to_json;
    "A detector from `toJson` (strict)."
    fn from_json;
}

#[napi(namespace = "anomaly")]
impl StreamDetector {
    /// A detector with `config` (`StreamConfig` fields; the core's defaults
    /// for the rest).
    #[napi(constructor, ts_args_type = "config?: StreamConfig | null")]
    pub fn new(config: Option<Unknown<'_>>) -> errors::Result<Self> {
        run(|| {
            let config = value::opt("config", config.as_ref(), &Shape::PLAIN)?;
            stream::StreamDetector::new(config).map(Self::from)
        })
    }

    /// Scores one point.
    #[napi(
        ts_args_type = "at: Instant, value: number",
        ts_return_type = "StreamPoint"
    )]
    pub fn update<'e>(
        &mut self,
        env: &'e Env,
        at: Unknown<'_>,
        value: Unknown<'_>,
    ) -> errors::Result<Unknown<'e>> {
        task::reply(env, &STREAM, || {
            let at = scalar::instant("at", &at)?;
            self.inner.update(at, scalar::number("value", &value)?)
        })
    }

    /// Scores many points: `instants` as `BusinessCalendar.addMany` reads
    /// them, `values` a `Float64Array` or numbers. Returns one column per
    /// point field.
    #[napi(
        ts_args_type = "instants: Float64Array | Instant[], values: Numbers",
        ts_return_type = "StreamColumns"
    )]
    pub fn update_many<'e>(
        &mut self,
        env: &'e Env,
        instants: Unknown<'_>,
        values: Unknown<'_>,
    ) -> errors::Result<Unknown<'e>> {
        task::reply(env, &STREAM, || {
            let at = column::required_instants("instants", &instants)?;
            let points = self
                .inner
                .update_many(&at, &column::floats("values", &values)?)?;
            let col = |f: fn(&stream::StreamPoint) -> f64| points.iter().map(f).collect();
            Ok(Columns {
                at: points.iter().map(|p| p.at).collect(),
                score: col(|p| p.score),
                anomaly: col(|p| p.anomaly),
                raw: col(|p| p.raw),
                expected: col(|p| p.expected),
            })
        })
    }
}

class! {
    "Turns one metric's stream points into alert episodes: `push` each point;"
    "it returns an episode when one closes; `finish` closes the last."
    #[napi(namespace = "anomaly")]
    pub struct Episodes(stream::Episodes);
    "Anomalous points dropped in cooldowns (de-duplicated alerts; exact)."
    fn deduplicated: f64 = |e| e.deduplicated() as f64;
    "The tracker as JSON."
    fn to_json;
    "A tracker from `toJson` (strict)."
    fn from_json;
}

#[napi(namespace = "anomaly")]
impl Episodes {
    /// A tracker for `metric` with `config` (durations in seconds).
    #[napi(
        constructor,
        ts_args_type = "metric: string, config?: EpisodeConfig | null"
    )]
    pub fn new(metric: Unknown<'_>, config: Option<Unknown<'_>>) -> errors::Result<Self> {
        run(|| {
            let config = value::opt("config", config.as_ref(), &Shape::PLAIN)?;
            stream::Episodes::new(scalar::string("metric", &metric)?, config).map(Self::from)
        })
    }

    /// Takes one point (as `StreamDetector.update` returns it); returns the
    /// episode it closes, or `null`.
    #[napi(ts_args_type = "point: StreamPoint", ts_return_type = "Episode | null")]
    pub fn push<'e>(&mut self, env: &'e Env, point: Unknown<'_>) -> errors::Result<Unknown<'e>> {
        task::reply(env, &STREAM, || {
            let p: stream::StreamPoint = value::object("point", &point, &STREAM)?;
            Ok(self.inner.push(&p))
        })
    }

    /// Closes the open episode, if any (at the end of the stream).
    #[napi(ts_return_type = "Episode | null")]
    pub fn finish<'e>(&mut self, env: &'e Env) -> errors::Result<Unknown<'e>> {
        task::reply(env, &STREAM, || Ok(self.inner.finish()))
    }
}
