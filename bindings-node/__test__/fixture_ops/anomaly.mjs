// Fixture ops for `anomaly`, dispatched from conformance.test.mjs; mirrors
// tests/conformance/anomaly.rs through the public JS API.
// Inputs arrive with snake_case keys; results are compared after camelCase
// keys are turned back into snake_case (typed arrays become arrays, Dates
// ISO strings without milliseconds).

import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { IsolationForest, ProactiveMonitor, averagePathLength, anomaly } = require('../../index.js')

const camel = (o) =>
  o === undefined ? undefined : Object.fromEntries(Object.entries(o).map(([k, v]) => [k.replace(/_(.)/g, (_, c) => c.toUpperCase()), v]))

// As `stream_run` in tests/conformance/anomaly.rs, through the public API.
function streamRun(input) {
  let d = new anomaly.StreamDetector(camel(input.config))
  let e = new anomaly.Episodes(input.metric, camel(input.episode_config))
  const at = input.points.map((p) => p[0])
  const values = input.points.map((p) => (p[1] === null ? NaN : p[1]))
  const n = at.length
  const k = input.resume_at ?? n
  const points = []
  const episodes = []
  for (const [part, lo, hi] of [[0, 0, k], [1, k, n]]) {
    if (part === 1) {
      d = anomaly.StreamDetector.fromJson(d.toJson())
      e = anomaly.Episodes.fromJson(e.toJson())
    }
    let fresh
    if (input.batch) {
      // Epoch milliseconds and a Float64Array.
      const ms = Float64Array.from(at.slice(lo, hi), (a) => Date.parse(a))
      const cols = d.updateMany(ms, Float64Array.from(values.slice(lo, hi)))
      fresh = cols.at.map((t, i) => ({ at: t, score: cols.score[i], anomaly: cols.anomaly[i], raw: cols.raw[i], expected: cols.expected[i] }))
    } else {
      fresh = at.slice(lo, hi).map((a, i) => d.update(new Date(a), values[lo + i]))
    }
    for (const p of fresh) {
      const closed = e.push(p)
      if (closed !== null) episodes.push(closed)
      points.push(p)
    }
  }
  const last = e.finish()
  if (last !== null) episodes.push(last)
  return { points, episodes, deduplicated: e.deduplicated }
}

// The core's serde parameters as constructor options: a count becomes an
// integer, a fraction a number in (0, 1) (or {fraction} for 1, which would
// read as a count), contamination {fraction} its number.
function forestOptions(params) {
  if (params === undefined) return undefined
  const out = {}
  const countOrFraction = (v) => {
    if (v === 'auto') return v
    if (v.count !== undefined) return v.count
    return v.fraction > 0 && v.fraction < 1 ? v.fraction : { fraction: v.fraction }
  }
  for (const [key, value] of Object.entries(params)) {
    switch (key) {
      case 'n_estimators':
        out.nEstimators = value
        break
      case 'max_samples':
        out.maxSamples = countOrFraction(value)
        break
      case 'max_features':
        out.maxFeatures = countOrFraction(value)
        break
      case 'contamination':
        out.contamination = value === 'auto' ? value : value.fraction
        break
      case 'bootstrap':
        out.bootstrap = value
        break
      case 'seed':
        out.randomState = value
        break
      default:
        throw new Error(`unknown isolation forest parameter ${JSON.stringify(key)}`)
    }
  }
  return out
}

// Rows as the flat Float64Array form (the other form is tested in
// anomaly.test.mjs); the Rust runner's `rows` turns [] into 0 x 0.
function flat(rows) {
  const nRows = rows.length
  const nCols = nRows === 0 ? 0 : rows[0].length
  return [Float64Array.from(rows.flat()), nRows, nCols]
}

// As `forest_summary` in tests/conformance/anomaly.rs.
function forestSummary(model, test) {
  return {
    scores: model.scoreSamples(...flat(test)),
    decision: model.decisionFunction(...flat(test)),
    predict: model.predict(test),
    offset: model.offset,
    maxSamples: model.maxSamples,
    nFeatures: model.nFeatures,
  }
}

const monitor = (input) =>
  input.config === undefined ? new ProactiveMonitor() : new ProactiveMonitor(JSON.stringify(input.config))

export function run(op, input) {
  switch (op) {
    case 'anomaly.isolation_forest': {
      const model = new IsolationForest(forestOptions(input.params)).fit(input.train)
      return forestSummary(model, input.test ?? input.train)
    }
    case 'anomaly.isolation_forest.json_round_trip': {
      const model = new IsolationForest(forestOptions(input.params)).fit(...flat(input.train))
      return forestSummary(IsolationForest.fromJson(model.toJson()), input.train)
    }
    case 'anomaly.isolation_forest.from_json':
      return IsolationForest.fromJson(input.text).nFeatures
    case 'anomaly.average_path_length':
      return averagePathLength(input.n)
    case 'anomaly.monitor.detect': {
      const m = monitor(input)
      const found =
        input.instants === undefined
          ? m.detect(input.group, input.data)
          : m.detectAt(input.group, input.data, input.instants.map((t) => new Date(t)))
      return { anomalies: found, alerts: m.alerts([found], input.now) }
    }
    case 'anomaly.monitor.detect_stream': {
      const options = { stream: input.stream, episodes: input.episodes }
      return monitor(input).detectStream(input.group, input.data, input.instants, options)
    }
    case 'anomaly.monitor.score': {
      const m = monitor(input)
      const fitted = m.fit(input.group, ...flat(input.reference))
      const found = fitted.score(input.data)
      return { anomalies: found, alerts: m.alerts([found], input.now) }
    }
    case 'anomaly.monitor.from_json':
      return new ProactiveMonitor(input.text).config
    case 'anomaly.stream.run':
      return streamRun(input)
    case 'anomaly.stream.from_json':
      return anomaly.StreamDetector.fromJson(input.text).points
    default:
      throw new Error(`unknown op ${JSON.stringify(op)}: every op must be mapped in every runner`)
  }
}
