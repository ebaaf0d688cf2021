//! Node binding of the core's `anomaly` API: the `IsolationForest` class
//! (scikit-learn's semantics), the `ProactiveMonitor` of the framework with
//! its `FittedGroup` for streaming scoring, and `averagePathLength`.
//!
//! Data is a `Float64Array` in row-major order with `nRows` and `nCols`
//! (read in place, no copy) or an array of equally long rows (copied); see
//! `crate::convert::anomaly`. The `...Async` variants copy the data on the
//! JS thread and compute on the libuv thread pool; they reject with the same
//! coded errors. All logic is in the core; this file converts and maps
//! errors only (through `crate::errors`).

use std::sync::{Arc, Mutex, MutexGuard};

use napi::bindgen_prelude::{AsyncTask, Either, Float64Array, Int32Array, Object, This, Unknown};
use napi::{Env, JsValue, Task};
use napi_derive::napi;
use opsbrain::anomaly::monitor;
use opsbrain::anomaly::{self as iforest, IsolationForestParams};
use opsbrain::ndarray::{Array2, ArrayView2};
use opsbrain::{Error, ErrorKind};
use serde_json::Value;

use crate::classify::Priority;
use crate::convert::anomaly as conv;
use crate::convert::calendar::{date, instant};
use crate::convert::{self, StrArg};
use crate::errors::{self, Failure, from_napi, guard, run};

// ---------------------------------------------------------------- threads

/// Where parallel work runs: a pool of `nJobs` threads, or rayon's global
/// pool (one thread per core). Results do not depend on it.
#[derive(Debug, Clone, Default)]
struct Jobs(Option<Arc<rayon::ThreadPool>>);

impl Jobs {
    fn new(n: Option<usize>) -> opsbrain::Result<Self> {
        let Some(n) = n else {
            return Ok(Jobs(None));
        };
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .map(|pool| Jobs(Some(Arc::new(pool))))
            .map_err(|e| {
                Error::new(
                    ErrorKind::LimitExceeded,
                    format!("could not start {n} threads: {e}"),
                )
            })
    }

    fn install<T: Send>(
        &self,
        f: impl FnOnce() -> opsbrain::Result<T> + Send,
    ) -> opsbrain::Result<T> {
        match &self.0 {
            Some(pool) => pool.install(f),
            None => f(),
        }
    }
}

// ---------------------------------------------------------------- forest

/// The fitted model, shared with a `fitAsync` task that stores it.
type Slot = Arc<Mutex<Option<Arc<iforest::IsolationForest>>>>;

/// The slot's content (a panic never happens while it is held, so a
/// poisoned lock still holds a consistent value).
fn lock(slot: &Slot) -> MutexGuard<'_, Option<Arc<iforest::IsolationForest>>> {
    slot.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// What a scoring call returns.
#[derive(Debug, Clone, Copy)]
enum Output {
    Scores,
    Decision,
    Predict,
}

/// Scores or labels.
#[derive(Debug)]
pub enum Scored {
    /// From `scoreSamples` / `decisionFunction`.
    Floats(Vec<f64>),
    /// From `predict`.
    Labels(Vec<i32>),
}

impl Scored {
    fn into_js(self) -> Either<Float64Array, Int32Array> {
        match self {
            Scored::Floats(v) => Either::A(Float64Array::new(v)),
            Scored::Labels(v) => Either::B(Int32Array::new(v)),
        }
    }
}

fn score(
    model: &iforest::IsolationForest,
    x: ArrayView2<'_, f64>,
    output: Output,
) -> opsbrain::Result<Scored> {
    Ok(match output {
        Output::Scores => Scored::Floats(model.score_samples(&x)?.to_vec()),
        Output::Decision => Scored::Floats(model.decision_function(&x)?.to_vec()),
        Output::Predict => Scored::Labels(model.predict(&x)?.to_vec()),
    })
}

/// Options of `new IsolationForest(options)`; every key is optional.
#[napi(object, object_from_js = false, object_to_js = false)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct IsolationForestOptions {
    /// Number of trees (default 100).
    pub n_estimators: Option<u32>,
    /// Rows per tree: `'auto'` (min(256, rows), the default), an integer
    /// >= 1 (a count), a number in (0, 1) (a fraction), `{count}` or
    /// `{fraction}`. A count above the rows is clipped (see `warnings`).
    #[napi(ts_type = "'auto' | number | { count: number } | { fraction: number }")]
    pub max_samples: Option<String>,
    /// `'auto'` (offset -0.5, the default) or the expected share of
    /// outliers in (0, 0.5].
    #[napi(ts_type = "'auto' | number")]
    pub contamination: Option<String>,
    /// Columns per tree (default all): an integer >= 1, a number in (0, 1),
    /// `{count}` or `{fraction}`.
    #[napi(ts_type = "number | { count: number } | { fraction: number }")]
    pub max_features: Option<String>,
    /// Draw each tree's rows with replacement (default false).
    pub bootstrap: Option<bool>,
    /// Seed, a non-negative integer (default 0).
    #[napi(ts_type = "number | bigint")]
    pub random_state: Option<String>,
    /// Threads (default: one per core; results do not depend on it).
    pub n_jobs: Option<u32>,
}

/// An Isolation Forest (Liu, Ting & Zhou, 2008) with scikit-learn's
/// semantics: `scoreSamples` in [-1, 0) (lower is more abnormal),
/// `decisionFunction = scoreSamples - offset`, `predict` -1 for outliers and
/// +1 for inliers. The same `randomState` gives bit-identical scores in
/// Rust, Python and Node, whatever `nJobs`.
///
/// Throws `.code` `'invalid_type'` for an argument of the wrong type,
/// `'invalid_config'` for parameters the core refuses (contamination
/// outside (0, 0.5], `nEstimators` 0, ...), `'limit_exceeded'` past the
/// core's bounds (at most 100 000 trees), `'invalid_input'` for NaN or
/// infinite values, fewer than 2 rows or no columns, `'dimension_mismatch'`
/// for a different column count than at fit time, `'not_fitted'` before
/// `fit`.
///
/// @example
/// ```js
/// const { IsolationForest } = require('opsbrain')
/// const rows = [[0, 0.1], [0.1, 0], [0.05, 0.05], [0, 0], [0.1, 0.1], [8, 9]]
/// const forest = new IsolationForest({ contamination: 0.2, randomState: 7 }).fit(rows)
/// forest.predict(rows) // Int32Array [1, 1, 1, 1, 1, -1]
/// ```
#[napi]
#[derive(Debug, Clone)]
pub struct IsolationForest {
    params: IsolationForestParams,
    jobs: Jobs,
    model: Slot,
}

impl IsolationForest {
    fn fitted(&self) -> opsbrain::Result<Arc<iforest::IsolationForest>> {
        lock(&self.model).clone().ok_or_else(|| {
            Error::new(
                ErrorKind::NotFitted,
                "this IsolationForest is not fitted yet: call fit() (or await fitAsync()) first",
            )
        })
    }

    fn fit_on(&self, x: ArrayView2<'_, f64>) -> opsbrain::Result<Arc<iforest::IsolationForest>> {
        let model = Arc::new(self.jobs.install(|| self.params.fit(&x))?);
        *lock(&self.model) = Some(Arc::clone(&model));
        Ok(model)
    }

    fn scored(
        &self,
        output: Output,
        data: &Unknown<'_>,
        n_rows: Option<&Unknown<'_>>,
        n_cols: Option<&Unknown<'_>>,
    ) -> errors::Result<Either<Float64Array, Int32Array>> {
        run(|| {
            let model = self.fitted()?;
            let m = conv::matrix("data", data, n_rows, n_cols)?;
            let x = m.view()?;
            self.jobs
                .install(|| score(&model, x, output))
                .map(Scored::into_js)
        })
    }

    fn score_task(
        &self,
        output: Output,
        data: &Unknown<'_>,
        n_rows: Option<&Unknown<'_>>,
        n_cols: Option<&Unknown<'_>>,
    ) -> AsyncTask<ScoreTask> {
        let input = guard(|| {
            let model = self.fitted()?;
            let x = conv::matrix("data", data, n_rows, n_cols)?.into_owned()?;
            Ok((model, x))
        });
        AsyncTask::new(ScoreTask {
            input: Some(input),
            jobs: self.jobs.clone(),
            output,
        })
    }
}

#[napi]
impl IsolationForest {
    /// A forest with these options (see `IsolationForestOptions`), checked
    /// now: bad values throw here, not at `fit`.
    #[napi(constructor, ts_args_type = "options?: IsolationForestOptions | null")]
    pub fn new(options: Option<Unknown<'_>>) -> errors::Result<Self> {
        run(|| {
            let opts = conv::forest_options(options.as_ref())?;
            Ok(IsolationForest {
                params: opts.params,
                jobs: Jobs::new(opts.n_jobs)?,
                model: Slot::default(),
            })
        })
    }

    /// Grows the forest on `data` (rows are points, columns features) and
    /// returns `this`.
    ///
    /// @example
    /// ```js
    /// const forest = new IsolationForest({ randomState: 1 })
    /// forest.fit(new Float64Array([0, 0, 0.1, 0.1, 0.2, 0, 5, 5]), 4, 2).nFeatures // 2
    /// ```
    #[napi(
        ts_args_type = "data: Float64Array | ArrayLike<number>[], nRows?: number, nCols?: number",
        ts_return_type = "this"
    )]
    pub fn fit<'a>(
        &self,
        this: This<'a>,
        data: Unknown<'_>,
        n_rows: Option<Unknown<'_>>,
        n_cols: Option<Unknown<'_>>,
    ) -> errors::Result<Object<'a>> {
        run(|| {
            let m = conv::matrix("data", &data, n_rows.as_ref(), n_cols.as_ref())?;
            self.fit_on(m.view()?)
        })?;
        Ok(this.object)
    }

    /// As `fit`, off the JS thread (the data is copied first); the promise
    /// resolves once the model is stored in this forest.
    #[napi(
        ts_args_type = "data: Float64Array | ArrayLike<number>[], nRows?: number, nCols?: number",
        ts_return_type = "Promise<void>"
    )]
    pub fn fit_async(
        &self,
        data: Unknown<'_>,
        n_rows: Option<Unknown<'_>>,
        n_cols: Option<Unknown<'_>>,
    ) -> AsyncTask<FitTask> {
        let input =
            guard(|| conv::matrix("data", &data, n_rows.as_ref(), n_cols.as_ref())?.into_owned());
        AsyncTask::new(FitTask {
            input: Some(input),
            params: self.params.clone(),
            jobs: self.jobs.clone(),
            slot: Arc::clone(&self.model),
        })
    }

    /// scikit-learn's `score_samples`: `-2^(-E[h(x)] / c(maxSamples))`, in
    /// [-1, 0); lower is more abnormal.
    #[napi(
        ts_args_type = "data: Float64Array | ArrayLike<number>[], nRows?: number, nCols?: number",
        ts_return_type = "Float64Array"
    )]
    pub fn score_samples(
        &self,
        data: Unknown<'_>,
        n_rows: Option<Unknown<'_>>,
        n_cols: Option<Unknown<'_>>,
    ) -> errors::Result<Either<Float64Array, Int32Array>> {
        self.scored(Output::Scores, &data, n_rows.as_ref(), n_cols.as_ref())
    }

    /// `scoreSamples - offset`: negative for outliers.
    #[napi(
        ts_args_type = "data: Float64Array | ArrayLike<number>[], nRows?: number, nCols?: number",
        ts_return_type = "Float64Array"
    )]
    pub fn decision_function(
        &self,
        data: Unknown<'_>,
        n_rows: Option<Unknown<'_>>,
        n_cols: Option<Unknown<'_>>,
    ) -> errors::Result<Either<Float64Array, Int32Array>> {
        self.scored(Output::Decision, &data, n_rows.as_ref(), n_cols.as_ref())
    }

    /// -1 for outliers (decision function below 0), +1 for inliers.
    #[napi(
        ts_args_type = "data: Float64Array | ArrayLike<number>[], nRows?: number, nCols?: number",
        ts_return_type = "Int32Array"
    )]
    pub fn predict(
        &self,
        data: Unknown<'_>,
        n_rows: Option<Unknown<'_>>,
        n_cols: Option<Unknown<'_>>,
    ) -> errors::Result<Either<Float64Array, Int32Array>> {
        self.scored(Output::Predict, &data, n_rows.as_ref(), n_cols.as_ref())
    }

    /// `fit(data)` then `predict(data)`.
    #[napi(
        ts_args_type = "data: Float64Array | ArrayLike<number>[], nRows?: number, nCols?: number"
    )]
    pub fn fit_predict(
        &self,
        data: Unknown<'_>,
        n_rows: Option<Unknown<'_>>,
        n_cols: Option<Unknown<'_>>,
    ) -> errors::Result<Int32Array> {
        run(|| {
            let m = conv::matrix("data", &data, n_rows.as_ref(), n_cols.as_ref())?;
            let x = m.view()?;
            let model = self.fit_on(x)?;
            let labels = self.jobs.install(|| model.predict(&x))?;
            Ok(Int32Array::new(labels.to_vec()))
        })
    }

    /// As `scoreSamples`, off the JS thread.
    #[napi(
        ts_args_type = "data: Float64Array | ArrayLike<number>[], nRows?: number, nCols?: number",
        ts_return_type = "Promise<Float64Array>"
    )]
    pub fn score_samples_async(
        &self,
        data: Unknown<'_>,
        n_rows: Option<Unknown<'_>>,
        n_cols: Option<Unknown<'_>>,
    ) -> AsyncTask<ScoreTask> {
        self.score_task(Output::Scores, &data, n_rows.as_ref(), n_cols.as_ref())
    }

    /// As `decisionFunction`, off the JS thread.
    #[napi(
        ts_args_type = "data: Float64Array | ArrayLike<number>[], nRows?: number, nCols?: number",
        ts_return_type = "Promise<Float64Array>"
    )]
    pub fn decision_function_async(
        &self,
        data: Unknown<'_>,
        n_rows: Option<Unknown<'_>>,
        n_cols: Option<Unknown<'_>>,
    ) -> AsyncTask<ScoreTask> {
        self.score_task(Output::Decision, &data, n_rows.as_ref(), n_cols.as_ref())
    }

    /// As `predict`, off the JS thread.
    #[napi(
        ts_args_type = "data: Float64Array | ArrayLike<number>[], nRows?: number, nCols?: number",
        ts_return_type = "Promise<Int32Array>"
    )]
    pub fn predict_async(
        &self,
        data: Unknown<'_>,
        n_rows: Option<Unknown<'_>>,
        n_cols: Option<Unknown<'_>>,
    ) -> AsyncTask<ScoreTask> {
        self.score_task(Output::Predict, &data, n_rows.as_ref(), n_cols.as_ref())
    }

    /// The decision threshold on `scoreSamples` (scikit-learn's `offset_`):
    /// -0.5 for contamination `'auto'`.
    #[napi(getter)]
    pub fn offset(&self) -> errors::Result<f64> {
        run(|| Ok(self.fitted()?.offset()))
    }

    /// Columns the forest was fitted on.
    #[napi(getter)]
    pub fn n_features(&self) -> errors::Result<f64> {
        run(|| Ok(self.fitted()?.n_features() as f64))
    }

    /// Rows each tree was grown on (scikit-learn's `max_samples_`).
    #[napi(getter)]
    pub fn max_samples(&self) -> errors::Result<f64> {
        run(|| Ok(self.fitted()?.max_samples() as f64))
    }

    /// Whether `fit` (or `fitAsync`, once resolved) has run.
    #[napi(getter)]
    pub fn is_fitted(&self) -> bool {
        lock(&self.model).is_some()
    }

    /// Warnings from fitting (e.g. `maxSamples` clipped to the row count);
    /// empty before `fit`.
    #[napi(getter)]
    pub fn warnings(&self) -> Vec<String> {
        lock(&self.model)
            .as_ref()
            .map(|m| m.warnings().to_vec())
            .unwrap_or_default()
    }

    /// The fitted model as JSON (with `format_version`), readable by
    /// `fromJson` here and by Rust and Python.
    #[napi]
    pub fn to_json(&self) -> errors::Result<String> {
        run(|| Ok(self.fitted()?.to_json()))
    }

    /// Loads a model written by `toJson` in any language. Throws `.code`
    /// `'parse_error'`, `'unsupported_version'` (another `format_version`),
    /// `'missing_key'` or `'invalid_input'` (a corrupt model).
    #[napi(factory, ts_args_type = "text: string")]
    pub fn from_json(text: StrArg<'_>) -> errors::Result<Self> {
        run(|| {
            let model = iforest::IsolationForest::from_json(&convert::string("text", text)?)?;
            Ok(IsolationForest {
                params: model.params().clone(),
                jobs: Jobs::default(),
                model: Arc::new(Mutex::new(Some(Arc::new(model)))),
            })
        })
    }
}

/// Fits a forest on the libuv thread pool and stores it in the class.
#[derive(Debug)]
pub struct FitTask {
    /// The copied data, or why conversion failed (a rejection).
    input: Option<Result<Array2<f64>, Failure>>,
    params: IsolationForestParams,
    jobs: Jobs,
    slot: Slot,
}

/// napi calls `compute` once; a second call would find no input.
fn taken<T>(input: &mut Option<Result<T, Failure>>) -> Result<T, Failure> {
    input
        .take()
        .unwrap_or_else(|| Err(Failure::Panic("task computed twice".to_owned())))
}

#[napi]
impl Task for FitTask {
    type Output = Result<iforest::IsolationForest, Failure>;
    type JsValue = ();

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let (params, jobs) = (&self.params, &self.jobs);
        Ok(taken(&mut self.input).and_then(|x| guard(|| jobs.install(|| params.fit(&x)))))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<Self::JsValue> {
        match output {
            Ok(model) => {
                *lock(&self.slot) = Some(Arc::new(model));
                Ok(())
            }
            Err(failure) => Err(failure.into_rejection(env)),
        }
    }
}

/// A model and the rows to score.
type ScoreInput = (Arc<iforest::IsolationForest>, Array2<f64>);

/// Scores rows on the libuv thread pool.
#[derive(Debug)]
pub struct ScoreTask {
    /// The model and the copied data, or why conversion failed.
    input: Option<Result<ScoreInput, Failure>>,
    jobs: Jobs,
    output: Output,
}

#[napi]
impl Task for ScoreTask {
    type Output = Result<Scored, Failure>;
    type JsValue = Either<Float64Array, Int32Array>;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let (jobs, output) = (&self.jobs, self.output);
        Ok(taken(&mut self.input)
            .and_then(|(model, x)| guard(|| jobs.install(|| score(&model, x.view(), output)))))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<Self::JsValue> {
        match output {
            Ok(scored) => Ok(scored.into_js()),
            Err(failure) => Err(failure.into_rejection(env)),
        }
    }
}

/// `c(n)`, the average path length of an unsuccessful search in a binary
/// search tree of `n` points (0 for n <= 1), which normalises path lengths.
///
/// @example
/// ```js
/// averagePathLength(2) // 1
/// ```
#[napi(ts_args_type = "n: number | bigint")]
pub fn average_path_length(n: Unknown<'_>) -> errors::Result<f64> {
    run(|| {
        let n = convert::cache::uint("n", &n)?;
        Ok(iforest::average_path_length(convert::cache::usize_of(n)))
    })
}

// ---------------------------------------------------------------- monitor

/// The anomalies found in one group's rows.
#[napi(object, object_from_js = false)]
pub struct GroupAnomalies {
    /// The group's name.
    pub metric: String,
    /// Decision scores, one per row (negative: an outlier at the group's
    /// contamination).
    pub scores: Float64Array,
    /// The percentile threshold the scores were compared with.
    pub threshold: f64,
    /// Rows whose score is below the threshold, in row order.
    pub anomalous_points: Vec<f64>,
    /// The share of rows the threshold percentile expects to flag.
    pub expected_share: f64,
}

impl std::fmt::Debug for GroupAnomalies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GroupAnomalies")
            .field("metric", &self.metric)
            .field("scores", &&self.scores[..])
            .field("threshold", &self.threshold)
            .field("anomalous_points", &self.anomalous_points)
            .field("expected_share", &self.expected_share)
            .finish()
    }
}

impl From<monitor::GroupAnomalies> for GroupAnomalies {
    fn from(a: monitor::GroupAnomalies) -> Self {
        GroupAnomalies {
            metric: a.metric,
            scores: Float64Array::new(a.scores),
            threshold: a.threshold,
            anomalous_points: a.anomalous_points.into_iter().map(|i| i as f64).collect(),
            expected_share: a.expected_share,
        }
    }
}

/// An `anomaly_detected` alert for one group.
#[napi(object, object_from_js = false, object_to_js = false)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct AnomalyAlert {
    #[napi(js_name = "type", ts_type = "'anomaly_detected'")]
    pub kind: String,
    /// The group's name.
    pub metric: String,
    /// From depth and excess (see the core's `SeverityRules`).
    pub severity: Priority,
    /// The group's recommendation.
    pub recommendation: String,
    /// The instant given to `alerts`.
    #[napi(ts_type = "Date")]
    pub timestamp: String,
    /// How many points were flagged.
    pub anomalous_count: f64,
    /// Threshold minus the lowest score.
    pub depth: f64,
    /// Flagged share over expected share.
    pub excess: f64,
    /// The lowest score.
    pub min_score: f64,
}

/// A monitor configuration as `config` returns it (camelCase keys).
#[napi(object, object_from_js = false, object_to_js = false)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct MonitorConfig {
    #[napi(ts_type = "Array<{ name: string, contamination: number, recommendation: string }>")]
    pub groups: String,
    /// Percentile of decision scores below which points are anomalous.
    pub threshold_percentile: f64,
    /// Trees per forest.
    pub n_estimators: f64,
    #[napi(ts_type = "'auto' | { count: number } | { fraction: number }")]
    pub max_samples: String,
    /// Seed of every forest.
    pub seed: f64,
    /// Medium, high and critical bounds of depth and excess.
    #[napi(ts_type = "{ depth: [number, number, number], excess: [number, number, number] }")]
    pub severity: String,
}

fn napi_out(e: &napi::Error) -> Error {
    from_napi(ErrorKind::InvalidInput, "creating the result", e)
}

/// An alert as a JS object (camelCase keys, `timestamp` a `Date`).
fn alert_js<'e>(env: &'e Env, a: monitor::Alert) -> opsbrain::Result<Object<'e>> {
    let mut obj = Object::new(env).map_err(|e| napi_out(&e))?;
    let severity = Priority::from(a.severity);
    let out = |e: napi::Error| napi_out(&e);
    obj.set("type", a.kind).map_err(out)?;
    obj.set("metric", a.metric).map_err(out)?;
    obj.set("severity", severity).map_err(out)?;
    obj.set("recommendation", a.recommendation).map_err(out)?;
    obj.set("timestamp", date(env, a.timestamp)?).map_err(out)?;
    obj.set("anomalousCount", a.anomalous_count as f64)
        .map_err(out)?;
    obj.set("depth", a.depth).map_err(out)?;
    obj.set("excess", a.excess).map_err(out)?;
    obj.set("minScore", a.min_score).map_err(out)?;
    Ok(obj)
}

/// The framework's proactive monitor: named metric groups (each with its
/// own contamination), standard scaling, isolation-forest decision scores,
/// a threshold at a percentile of the scores (the 5th by default) and
/// `anomaly_detected` alerts with a severity and a recommendation.
///
/// `new ProactiveMonitor()` is the framework's three groups
/// (`performance`, `usage_patterns`, `error_trends`); `new
/// ProactiveMonitor(json)` reads a configuration (snake_case keys, as in
/// Rust and Python). Throws `.code` `'parse_error'` or `'invalid_config'`.
///
/// @example
/// ```js
/// const { ProactiveMonitor } = require('opsbrain')
/// const monitor = new ProactiveMonitor()
/// const found = monitor.detect('performance', rows)
/// monitor.alerts([found], new Date())
/// ```
#[napi]
#[derive(Debug, Clone)]
pub struct ProactiveMonitor {
    inner: monitor::ProactiveMonitor,
}

#[napi]
impl ProactiveMonitor {
    /// The framework's monitor, or one read from `configJson`.
    #[napi(constructor, ts_args_type = "configJson?: string | null")]
    pub fn new(config_json: Option<StrArg<'_>>) -> errors::Result<Self> {
        run(|| {
            let inner = match config_json {
                None => monitor::ProactiveMonitor::framework(),
                Some(text) => {
                    monitor::ProactiveMonitor::from_json(&convert::string("configJson", text)?)?
                }
            };
            Ok(ProactiveMonitor { inner })
        })
    }

    /// The framework's three groups, the 5th percentile, 100 trees, seed 0.
    #[napi(factory)]
    pub fn framework() -> Self {
        ProactiveMonitor {
            inner: monitor::ProactiveMonitor::framework(),
        }
    }

    /// Reads a configuration (as `new ProactiveMonitor(text)`).
    #[napi(factory, ts_args_type = "text: string")]
    pub fn from_json(text: StrArg<'_>) -> errors::Result<Self> {
        Self::new(Some(text))
    }

    /// The configuration as a plain object with camelCase keys (a new
    /// object on each read).
    #[napi(getter, ts_return_type = "MonitorConfig")]
    pub fn config(&self) -> errors::Result<Value> {
        run(|| Ok(conv::camel_keys(serde_json::to_value(self.inner.config())?)))
    }

    /// The configuration as JSON (snake_case keys); the constructor reads
    /// it back.
    #[napi]
    pub fn to_json(&self) -> errors::Result<String> {
        run(|| Ok(serde_json::to_string(self.inner.config())?))
    }

    /// The framework's batch detection on one group's rows: scale, fit the
    /// group's forest, score, and flag the rows below the rows' own
    /// percentile. Throws `.code` `'invalid_input'` for an unknown group.
    #[napi(
        ts_args_type = "group: string, data: Float64Array | ArrayLike<number>[], nRows?: number, nCols?: number"
    )]
    pub fn detect(
        &self,
        group: StrArg<'_>,
        data: Unknown<'_>,
        n_rows: Option<Unknown<'_>>,
        n_cols: Option<Unknown<'_>>,
    ) -> errors::Result<GroupAnomalies> {
        run(|| {
            let group = convert::string("group", group)?;
            let m = conv::matrix("data", &data, n_rows.as_ref(), n_cols.as_ref())?;
            self.inner.detect(&group, &m.view()?).map(Into::into)
        })
    }

    /// As `detect`, off the JS thread (the data is copied first).
    #[napi(
        ts_args_type = "group: string, data: Float64Array | ArrayLike<number>[], nRows?: number, nCols?: number",
        ts_return_type = "Promise<GroupAnomalies>"
    )]
    pub fn detect_async(
        &self,
        group: StrArg<'_>,
        data: Unknown<'_>,
        n_rows: Option<Unknown<'_>>,
        n_cols: Option<Unknown<'_>>,
    ) -> AsyncTask<MonitorTask> {
        self.task(
            MonitorJob::Detect,
            group,
            &data,
            n_rows.as_ref(),
            n_cols.as_ref(),
        )
    }

    /// Fits a group on a reference window for streaming scoring: the
    /// scaler, the forest, and the threshold at the configured percentile
    /// of the window's decision scores.
    #[napi(
        ts_args_type = "group: string, reference: Float64Array | ArrayLike<number>[], nRows?: number, nCols?: number"
    )]
    pub fn fit(
        &self,
        group: StrArg<'_>,
        reference: Unknown<'_>,
        n_rows: Option<Unknown<'_>>,
        n_cols: Option<Unknown<'_>>,
    ) -> errors::Result<FittedGroup> {
        run(|| {
            let group = convert::string("group", group)?;
            let m = conv::matrix("reference", &reference, n_rows.as_ref(), n_cols.as_ref())?;
            self.inner
                .fit(&group, &m.view()?)
                .map(|inner| FittedGroup { inner })
        })
    }

    /// As `fit`, off the JS thread (the data is copied first).
    #[napi(
        ts_args_type = "group: string, reference: Float64Array | ArrayLike<number>[], nRows?: number, nCols?: number",
        ts_return_type = "Promise<FittedGroup>"
    )]
    pub fn fit_async(
        &self,
        group: StrArg<'_>,
        reference: Unknown<'_>,
        n_rows: Option<Unknown<'_>>,
        n_cols: Option<Unknown<'_>>,
    ) -> AsyncTask<MonitorTask> {
        self.task(
            MonitorJob::Fit,
            group,
            &reference,
            n_rows.as_ref(),
            n_cols.as_ref(),
        )
    }

    /// One `anomaly_detected` alert per anomaly set with at least one
    /// anomalous point, in the order given, stamped with `timestamp` (a
    /// `Date` or an ISO-8601 string with an offset). Throws `.code`
    /// `'invalid_input'` for a set naming a group this monitor does not know.
    #[napi(
        ts_args_type = "anomalies: GroupAnomalies[] | GroupAnomalies, timestamp: Date | string",
        ts_return_type = "AnomalyAlert[]"
    )]
    pub fn alerts<'env>(
        &self,
        env: &'env Env,
        anomalies: Unknown<'_>,
        timestamp: Unknown<'_>,
    ) -> errors::Result<Unknown<'env>> {
        run(|| {
            let sets = conv::anomaly_list(&anomalies)?;
            let at = instant("timestamp", &timestamp)?;
            let alerts = self.inner.alerts(&sets, at)?;
            let len = u32::try_from(alerts.len())
                .map_err(|_| Error::new(ErrorKind::LimitExceeded, "too many alerts"))?;
            let mut arr = env.create_array(len).map_err(|e| napi_out(&e))?;
            for (i, a) in (0..len).zip(alerts) {
                arr.set(i, alert_js(env, a)?).map_err(|e| napi_out(&e))?;
            }
            Ok(arr.to_unknown())
        })
    }
}

impl ProactiveMonitor {
    fn task(
        &self,
        job: MonitorJob,
        group: StrArg<'_>,
        data: &Unknown<'_>,
        n_rows: Option<&Unknown<'_>>,
        n_cols: Option<&Unknown<'_>>,
    ) -> AsyncTask<MonitorTask> {
        let input = guard(|| {
            let group = convert::string("group", group)?;
            let x = conv::matrix("data", data, n_rows, n_cols)?.into_owned()?;
            Ok((group, x))
        });
        AsyncTask::new(MonitorTask {
            monitor: self.inner.clone(),
            job,
            input: Some(input),
        })
    }
}

/// Which monitor call a task runs.
#[derive(Debug, Clone, Copy)]
enum MonitorJob {
    Detect,
    Fit,
}

/// The result of a monitor task.
#[derive(Debug)]
pub enum MonitorDone {
    /// From `detectAsync`.
    Detected(monitor::GroupAnomalies),
    /// From `fitAsync`.
    Fitted(Box<monitor::FittedGroup>),
}

/// Runs `detect` or `fit` on the libuv thread pool.
#[derive(Debug)]
pub struct MonitorTask {
    monitor: monitor::ProactiveMonitor,
    job: MonitorJob,
    input: Option<Result<(String, Array2<f64>), Failure>>,
}

#[napi]
impl Task for MonitorTask {
    type Output = Result<MonitorDone, Failure>;
    type JsValue = Either<GroupAnomalies, FittedGroup>;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let (monitor, job) = (&self.monitor, self.job);
        Ok(taken(&mut self.input).and_then(|(group, x)| {
            guard(|| match job {
                MonitorJob::Detect => monitor.detect(&group, &x).map(MonitorDone::Detected),
                MonitorJob::Fit => monitor
                    .fit(&group, &x)
                    .map(|f| MonitorDone::Fitted(Box::new(f))),
            })
        }))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<Self::JsValue> {
        match output {
            Ok(MonitorDone::Detected(a)) => Ok(Either::A(a.into())),
            Ok(MonitorDone::Fitted(f)) => Ok(Either::B(FittedGroup { inner: *f })),
            Err(failure) => Err(failure.into_rejection(env)),
        }
    }
}

/// One metric group fitted on a reference window by `ProactiveMonitor.fit`:
/// scores new rows against that window's fixed threshold.
///
/// @example
/// ```js
/// const fitted = new ProactiveMonitor().fit('error_trends', reference)
/// fitted.score([[0.5, 0.5], [40, 40]]).anomalousPoints // [1]
/// ```
#[napi]
#[derive(Debug, Clone)]
pub struct FittedGroup {
    inner: monitor::FittedGroup,
}

#[napi]
impl FittedGroup {
    /// Scores rows against the reference threshold. Throws `.code`
    /// `'dimension_mismatch'` for a different column count.
    #[napi(
        ts_args_type = "data: Float64Array | ArrayLike<number>[], nRows?: number, nCols?: number"
    )]
    pub fn score(
        &self,
        data: Unknown<'_>,
        n_rows: Option<Unknown<'_>>,
        n_cols: Option<Unknown<'_>>,
    ) -> errors::Result<GroupAnomalies> {
        run(|| {
            let m = conv::matrix("data", &data, n_rows.as_ref(), n_cols.as_ref())?;
            self.inner.score(&m.view()?).map(Into::into)
        })
    }

    /// The group's name.
    #[napi(getter)]
    pub fn metric(&self) -> String {
        self.inner.group.name.clone()
    }

    /// The percentile of the reference window's decision scores.
    #[napi(getter)]
    pub fn threshold(&self) -> f64 {
        self.inner.threshold
    }

    /// The share of rows the percentile expects to flag.
    #[napi(getter)]
    pub fn expected_share(&self) -> f64 {
        self.inner.expected_share
    }

    /// The fitted group as JSON (group, scaler, forest, threshold), as in
    /// Rust and Python.
    #[napi]
    pub fn to_json(&self) -> errors::Result<String> {
        run(|| Ok(serde_json::to_string(&self.inner)?))
    }

    /// Reads the JSON written by `toJson`. The forest is checked as
    /// `IsolationForest.fromJson` checks it; throws `.code` `'parse_error'`,
    /// `'unsupported_version'`, `'missing_key'` or `'invalid_input'`.
    #[napi(factory, ts_args_type = "text: string")]
    pub fn from_json(text: StrArg<'_>) -> errors::Result<Self> {
        run(|| {
            monitor::FittedGroup::from_json(&convert::string("text", text)?)
                .map(|inner| Self { inner })
        })
    }
}
