//! Fixture ops for `anomaly` (see tests/README.md for the format).

use opsbrain::Error;
use opsbrain::anomaly::ProactiveMonitor;
use opsbrain::anomaly::stream::{EpisodeConfig, Episodes, StreamConfig, StreamDetector};
use opsbrain::anomaly::{IsolationForest, IsolationForestParams, average_path_length};
use opsbrain::ndarray::Array2;
use serde_json::{Value, json};

/// A list of equally long rows as an array (the fixtures hold no ragged
/// data: that is a binding-level type error, not a core one).
fn rows(v: &Value) -> Result<Array2<f64>, Error> {
    let rows: Vec<Vec<f64>> = super::de(v)?;
    let cols = rows.first().map_or(0, Vec::len);
    assert!(
        rows.iter().all(|r| r.len() == cols),
        "fixture rows must not be ragged"
    );
    Ok(Array2::from_shape_vec((rows.len(), cols), rows.concat()).expect("rectangular"))
}

fn params(input: &Value) -> Result<IsolationForestParams, Error> {
    match input.get("params") {
        Some(p) => super::de(p),
        None => Ok(IsolationForestParams::new()),
    }
}

fn monitor(input: &Value) -> Result<ProactiveMonitor, Error> {
    match input.get("config") {
        Some(c) => ProactiveMonitor::from_json(&c.to_string()),
        None => Ok(ProactiveMonitor::framework()),
    }
}

fn forest_summary(m: &IsolationForest, test: &Array2<f64>) -> Result<Value, Error> {
    Ok(json!({
        "scores": m.score_samples(test)?.to_vec(),
        "decision": m.decision_function(test)?.to_vec(),
        "predict": m.predict(test)?.to_vec(),
        "offset": m.offset(),
        "max_samples": m.max_samples(),
        "n_features": m.n_features(),
    }))
}

/// An optional configuration read as the bindings read it (path `config`).
fn config<T: serde::de::DeserializeOwned + Default>(v: Option<&Value>) -> Result<T, Error> {
    v.map_or_else(|| Ok(T::default()), |c| super::de_at(c, "config"))
}

/// `instants`: a list of instant texts.
fn instants(v: &Value) -> Result<Vec<opsbrain::chrono::DateTime<opsbrain::chrono::Utc>>, Error> {
    let list = v.as_array().map(Vec::as_slice).unwrap_or_default();
    list.iter()
        .map(|t| super::parse_instant(t, "instants"))
        .collect()
}

/// `anomaly.stream.run`: scores `points` (`[instant, value]`, `null` for
/// NaN) one by one (or with `update_many` when `batch`), feeds each point to
/// an episode tracker, and (with `resume_at` = k) reloads both from their
/// JSON after k points before going on.
fn stream_run(input: &Value) -> Result<Value, Error> {
    let mut d = StreamDetector::new(config::<StreamConfig>(input.get("config"))?)?;
    let ep = config::<EpisodeConfig>(input.get("episode_config"))?;
    let mut e = Episodes::new(super::text(input, "metric")?, ep)?;
    let pts = input["points"].as_array().expect("points array");
    let at = pts
        .iter()
        .map(|p| super::parse_instant(&p[0], "at"))
        .collect::<Result<Vec<_>, _>>()?;
    let values: Vec<f64> = pts
        .iter()
        .map(|p| p[1].as_f64().unwrap_or(f64::NAN))
        .collect();
    let n = at.len();
    let k = input
        .get("resume_at")
        .and_then(Value::as_u64)
        .map_or(n, |k| k as usize);
    let batch = input.get("batch").and_then(Value::as_bool).unwrap_or(false);
    let (mut points, mut episodes) = (Vec::new(), Vec::new());
    for (part, range) in [0..k, k..n].into_iter().enumerate() {
        if part == 1 {
            d = StreamDetector::from_json(&d.to_json())?;
            e = Episodes::from_json(&e.to_json())?;
        }
        let new = match batch {
            true => d.update_many(&at[range.clone()], &values[range])?,
            false => range
                .map(|i| d.update(at[i], values[i]))
                .collect::<Result<Vec<_>, _>>()?,
        };
        episodes.extend(new.iter().filter_map(|p| e.push(p)));
        points.extend(new);
    }
    episodes.extend(e.finish());
    Ok(json!({"points": points, "episodes": episodes, "deduplicated": e.deduplicated()}))
}

pub fn run(op: &str, input: &Value) -> Result<Value, Error> {
    match op {
        "anomaly.isolation_forest" => {
            let train = rows(&input["train"])?;
            let test = match input.get("test") {
                Some(t) => rows(t)?,
                None => train.clone(),
            };
            let model = params(input)?.fit(&train)?;
            forest_summary(&model, &test)
        }
        "anomaly.isolation_forest.json_round_trip" => {
            let train = rows(&input["train"])?;
            let model = params(input)?.fit(&train)?;
            let back = IsolationForest::from_json(&model.to_json())?;
            forest_summary(&back, &train)
        }
        "anomaly.isolation_forest.from_json" => {
            IsolationForest::from_json(&super::text(input, "text")?).map(|m| json!(m.n_features()))
        }
        "anomaly.average_path_length" => {
            let n: usize = super::de(&input["n"])?;
            Ok(json!(average_path_length(n)))
        }
        "anomaly.monitor.detect" => {
            let m = monitor(input)?;
            let data = rows(&input["data"])?;
            let mut found = m.detect(&super::text(input, "group")?, &data)?;
            if let Some(at) = input.get("instants") {
                found = found.with_instants(&instants(at)?)?;
            }
            let alerts = m.alerts(std::slice::from_ref(&found), super::when(input, "now")?)?;
            Ok(json!({"anomalies": found, "alerts": alerts}))
        }
        "anomaly.monitor.score" => {
            let m = monitor(input)?;
            let fitted = m.fit(&super::text(input, "group")?, &rows(&input["reference"])?)?;
            let found = fitted.score(&rows(&input["data"])?)?;
            let alerts = m.alerts(std::slice::from_ref(&found), super::when(input, "now")?)?;
            Ok(json!({"anomalies": found, "alerts": alerts}))
        }
        "anomaly.monitor.detect_stream" => {
            let m = monitor(input)?;
            let at = instants(&input["instants"])?;
            let found = m.detect_stream(
                &super::text(input, "group")?,
                &rows(&input["data"])?,
                &at,
                &config(input.get("stream"))?,
                &config(input.get("episodes"))?,
            )?;
            Ok(json!(found))
        }
        "anomaly.monitor.from_json" => {
            ProactiveMonitor::from_json(&super::text(input, "text")?).map(|m| json!(m.config()))
        }
        "anomaly.stream.run" => stream_run(input),
        "anomaly.stream.from_json" => {
            StreamDetector::from_json(&super::text(input, "text")?).map(|d| json!(d.points()))
        }
        other => panic!("unknown op {other:?}: every op must be mapped in every runner"),
    }
}
