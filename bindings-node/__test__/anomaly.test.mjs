// The anomaly binding: IsolationForest, ProactiveMonitor, FittedGroup.
// Same inputs in both data forms, thread counts and sync/async give the same
// numbers; errors carry the core's codes.

import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { describe, test } from 'node:test'

const require = createRequire(import.meta.url)
const { IsolationForest, ProactiveMonitor, FittedGroup, averagePathLength } = require('../index.js')

// A deterministic cloud of `n` points in `d` columns around 0 (a small LCG),
// with `outliers` far points appended.
function cloud(n, d, outliers = 0, seed = 1) {
  let s = seed >>> 0
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32 - 0.5
  }
  const rows = []
  for (let i = 0; i < n; i++) rows.push(Array.from({ length: d }, next))
  for (let i = 0; i < outliers; i++) rows.push(Array.from({ length: d }, (_, j) => 8 + i + j))
  return rows
}

const flat = (rows) => [Float64Array.from(rows.flat()), rows.length, rows[0].length]

function throwsCode(fn, code, pattern) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof Error, `not an Error: ${err}`)
    assert.equal(err.code, code, `wrong code; message: ${err.message}`)
    if (pattern) assert.match(err.message, pattern)
    return true
  })
}

async function rejectsCode(promise, code) {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof Error, `not an Error: ${err}`)
    assert.equal(err.code, code, `wrong code; message: ${err.message}`)
    return true
  })
}

const rows = cloud(300, 3, 3)

// See the test that uses it.
const RUST_MODEL_JSON =
  '{"format_version":1,"params":{"n_estimators":2,"max_samples":"auto","contamination":"auto","max_features":{"fraction":1.0},"bootstrap":false,"seed":42},"n_features":2,"max_samples":4,"offset":-0.5,"trees":[{"feature":[1,4294967295,1,4294967295,4294967295],"value":[-1.9001173284694224,1.0,0.17376954884091766,2.0,3.0],"left":[1,0,3,0,0]},{"feature":[0,0,4294967295,4294967295,4294967295],"value":[4.670281439319897,1.399830861286854,1.0,3.0,2.0],"left":[1,3,0,0,0]}]}'

describe('IsolationForest', () => {
  test('flat Float64Array and array of rows give identical results', () => {
    const a = new IsolationForest({ randomState: 3, nEstimators: 50 }).fit(rows)
    const b = new IsolationForest({ randomState: 3, nEstimators: 50 }).fit(...flat(rows))
    assert.deepEqual(a.scoreSamples(rows), b.scoreSamples(...flat(rows)))
    assert.deepEqual(a.scoreSamples(rows), a.scoreSamples(...flat(rows)))
    assert.equal(a.toJson(), b.toJson())
    // Rows may also be Float64Arrays.
    assert.deepEqual(a.decisionFunction(rows.map((r) => Float64Array.from(r))), a.decisionFunction(rows))
  })

  test('results: types, ranges, the planted outliers score lowest', () => {
    const forest = new IsolationForest({ randomState: 0, contamination: 0.01 })
    assert.equal(forest.isFitted, false)
    assert.equal(forest.fit(rows), forest, 'fit returns this')
    assert.equal(forest.isFitted, true)
    const scores = forest.scoreSamples(rows)
    assert.ok(scores instanceof Float64Array)
    assert.equal(scores.length, rows.length)
    assert.ok(scores.every((s) => s >= -1 && s < 0))
    const order = Array.from(scores.keys()).sort((i, j) => scores[i] - scores[j])
    assert.deepEqual(order.slice(0, 3).sort((i, j) => i - j), [300, 301, 302])
    const decision = forest.decisionFunction(rows)
    decision.forEach((d, i) => assert.equal(d, scores[i] - forest.offset))
    const labels = forest.predict(rows)
    assert.ok(labels instanceof Int32Array)
    labels.forEach((l, i) => assert.equal(l, decision[i] < 0 ? -1 : 1))
    assert.deepEqual([labels[300], labels[301], labels[302]], [-1, -1, -1])
    assert.equal(forest.nFeatures, 3)
    assert.equal(forest.maxSamples, 256)
    assert.deepEqual(forest.warnings, [])
  })

  test('contamination auto has offset -0.5', () => {
    assert.equal(new IsolationForest().fit(rows).offset, -0.5)
  })

  test('the same seed gives identical scores with nJobs 1 and 2 (and the default)', () => {
    const opts = { randomState: 11, nEstimators: 64, maxSamples: 128 }
    const one = new IsolationForest({ ...opts, nJobs: 1 }).fit(rows)
    const two = new IsolationForest({ ...opts, nJobs: 2 }).fit(rows)
    const all = new IsolationForest(opts).fit(rows)
    assert.deepEqual(one.scoreSamples(rows), two.scoreSamples(rows))
    assert.deepEqual(one.scoreSamples(rows), all.scoreSamples(rows))
    assert.equal(one.toJson(), two.toJson())
    // A different seed gives different trees.
    const other = new IsolationForest({ ...opts, randomState: 12 }).fit(rows)
    assert.notDeepEqual(other.scoreSamples(rows), one.scoreSamples(rows))
  })

  test('randomState accepts a bigint', () => {
    const a = new IsolationForest({ randomState: 2n ** 63n, nEstimators: 5 }).fit(rows)
    assert.equal(JSON.parse(a.toJson()).params.seed, 2 ** 63)
  })

  test('fitPredict is fit then predict', () => {
    const a = new IsolationForest({ randomState: 5, nEstimators: 20 })
    const labels = a.fitPredict(...flat(rows))
    assert.ok(labels instanceof Int32Array)
    const b = new IsolationForest({ randomState: 5, nEstimators: 20 }).fit(rows)
    assert.deepEqual(labels, b.predict(rows))
    assert.equal(a.toJson(), b.toJson())
  })

  test('async variants equal the sync ones', async () => {
    const opts = { randomState: 9, nEstimators: 40, contamination: 0.05 }
    const sync = new IsolationForest(opts).fit(rows)
    const forest = new IsolationForest(opts)
    const pending = forest.fitAsync(...flat(rows))
    assert.ok(pending instanceof Promise)
    assert.equal(await pending, undefined)
    assert.equal(forest.isFitted, true)
    assert.equal(forest.toJson(), sync.toJson())
    assert.deepEqual(await forest.scoreSamplesAsync(rows), sync.scoreSamples(rows))
    assert.deepEqual(await forest.decisionFunctionAsync(...flat(rows)), sync.decisionFunction(rows))
    const labels = await forest.predictAsync(rows)
    assert.ok(labels instanceof Int32Array)
    assert.deepEqual(labels, sync.predict(rows))
  })

  test('async errors reject with the core codes', async () => {
    await rejectsCode(new IsolationForest().scoreSamplesAsync(rows), 'not_fitted')
    await rejectsCode(new IsolationForest().fitAsync([[1, 2]]), 'invalid_input')
    await rejectsCode(new IsolationForest().fitAsync('rows'), 'invalid_type')
    const fitted = new IsolationForest({ nEstimators: 5 }).fit(rows)
    await rejectsCode(fitted.predictAsync([[1, 2]]), 'dimension_mismatch')
    await rejectsCode(fitted.decisionFunctionAsync([[NaN, 1, 2]]), 'invalid_input')
  })

  test('toJson / fromJson round trip', () => {
    const forest = new IsolationForest({ randomState: 4, nEstimators: 30, contamination: 0.1 }).fit(rows)
    const text = forest.toJson()
    assert.equal(JSON.parse(text).format_version, 1)
    const back = IsolationForest.fromJson(text)
    assert.equal(back.isFitted, true)
    assert.equal(back.toJson(), text)
    assert.deepEqual(back.scoreSamples(rows), forest.scoreSamples(rows))
    assert.deepEqual(back.predict(rows), forest.predict(rows))
    assert.equal(back.offset, forest.offset)
  })

  test('a model JSON written by the Rust core loads and equals a JS fit with the same seed', () => {
    // Written by `IsolationForestParams::new().n_estimators(2).seed(42)
    // .fit(&array![[0.0, 1.0], [1.0, 0.0], [2.0, 2.0], [10.0, -3.0]])?.to_json()`
    // in Rust (opsbrain core, format_version 1).
    const rustJson = RUST_MODEL_JSON
    const loaded = IsolationForest.fromJson(rustJson)
    const data = [[0, 1], [1, 0], [2, 2], [10, -3]]
    const fitted = new IsolationForest({ nEstimators: 2, randomState: 42 }).fit(data)
    assert.equal(fitted.toJson(), rustJson)
    assert.deepEqual(loaded.scoreSamples(data), fitted.scoreSamples(data))
    assert.equal(loaded.nFeatures, 2)
    assert.equal(loaded.maxSamples, 4)
  })

  test('maxSamples above the row count is clipped, with a warning', () => {
    const small = rows.slice(0, 10)
    const forest = new IsolationForest({ maxSamples: 1000, nEstimators: 5 }).fit(small)
    assert.equal(forest.maxSamples, 10)
    assert.equal(forest.warnings.length, 1)
    assert.match(forest.warnings[0], /max_samples/)
  })

  test('maxSamples and maxFeatures: count, fraction and object forms', () => {
    const count = (o) => new IsolationForest({ nEstimators: 3, ...o }).fit(rows).maxSamples
    assert.equal(count({ maxSamples: 64 }), 64)
    assert.equal(count({ maxSamples: { count: 64 } }), 64)
    assert.equal(count({ maxSamples: 0.5 }), 151)
    assert.equal(count({ maxSamples: { fraction: 1 } }), 303)
    assert.equal(count({ maxSamples: 'auto' }), 256)
    const a = new IsolationForest({ nEstimators: 3, maxFeatures: 2 }).fit(rows)
    const b = new IsolationForest({ nEstimators: 3, maxFeatures: { count: 2 } }).fit(rows)
    assert.equal(a.toJson(), b.toJson())
    assert.deepEqual(JSON.parse(a.toJson()).params.max_features, { count: 2 })
    const c = new IsolationForest({ nEstimators: 3, maxFeatures: 0.5 }).fit(rows)
    assert.deepEqual(JSON.parse(c.toJson()).params.max_features, { fraction: 0.5 })
  })

  test('averagePathLength', () => {
    assert.equal(averagePathLength(0), 0)
    assert.equal(averagePathLength(1), 0)
    assert.equal(averagePathLength(2), 1)
    assert.ok(Math.abs(averagePathLength(256) - 10.244770920119917) < 1e-12)
    throwsCode(() => averagePathLength(-1), 'invalid_input')
    throwsCode(() => averagePathLength('3'), 'invalid_type')
  })
})

describe('IsolationForest errors', () => {
  const fitted = new IsolationForest({ nEstimators: 5 }).fit(rows)

  test('NaN or infinite values are invalid_input', () => {
    throwsCode(() => new IsolationForest().fit([[0, 1], [NaN, 2], [3, 4]]), 'invalid_input')
    throwsCode(() => new IsolationForest().fit(new Float64Array([0, 1, Infinity, 2]), 2, 2), 'invalid_input')
    throwsCode(() => fitted.scoreSamples([[0, -Infinity, 1]]), 'invalid_input')
  })

  test('a NaN row gets the message it gets in Rust and Python (tests/mistakes.rs NAN_ROW)', () => {
    const nanRow = 'row 1, column 0 is NaN: isolation forests need finite values'
    throwsCode(() => new IsolationForest().fit([[1, 2], [NaN, 3], [4, 5]]), 'invalid_input', new RegExp(`^${nanRow}$`))
    const small = new IsolationForest().fit([[1, 2], [2, 3], [4, 5]])
    throwsCode(() => small.decisionFunction([[1, 2], [NaN, 3], [4, 5]]), 'invalid_input', new RegExp(`^${nanRow}$`))
  })

  test('zero rows, one row, zero columns are invalid_input', () => {
    throwsCode(() => new IsolationForest().fit([]), 'invalid_input', /at least 2 rows/)
    throwsCode(() => new IsolationForest().fit(new Float64Array(0), 0, 3), 'invalid_input')
    throwsCode(() => new IsolationForest().fit([[1, 2]]), 'invalid_input', /got 1/)
    throwsCode(() => new IsolationForest().fit([[], []]), 'invalid_input', /no columns/)
    throwsCode(() => new IsolationForest().fit(new Float64Array(0), 2, 0), 'invalid_input', /no columns/)
  })

  test('a different column count is dimension_mismatch', () => {
    throwsCode(() => fitted.scoreSamples([[1, 2]]), 'dimension_mismatch', /3 columns, got 2/)
    throwsCode(() => fitted.predict(new Float64Array(8), 2, 4), 'dimension_mismatch')
  })

  test('a Float64Array whose length is not nRows x nCols is dimension_mismatch', () => {
    throwsCode(() => fitted.scoreSamples(new Float64Array(7), 2, 3), 'dimension_mismatch', /7 values/)
    throwsCode(() => new IsolationForest().fit(new Float64Array(5), 3, 2), 'dimension_mismatch')
  })

  test('bad counts are invalid_input', () => {
    throwsCode(() => fitted.scoreSamples(new Float64Array(6), -2, 3), 'invalid_input', /nRows/)
    throwsCode(() => fitted.scoreSamples(new Float64Array(6), 2, 1.5), 'invalid_input', /nCols/)
    throwsCode(() => fitted.scoreSamples(new Float64Array(6), 2 ** 40, 2 ** 40), 'invalid_input', /overflow/)
    throwsCode(() => fitted.scoreSamples(new Float64Array(6)), 'invalid_input', /nRows and nCols/)
    throwsCode(() => fitted.scoreSamples([[1, 2, 3]], 1, 3), 'invalid_input', /only for a Float64Array/)
  })

  test('ragged rows are invalid_input naming the row', () => {
    throwsCode(() => new IsolationForest().fit([[1, 2], [3, 4], [5]]), 'invalid_input', /data\[2\] has 1 values/)
  })

  test('bad parameters: invalid_config and limit_exceeded', () => {
    throwsCode(() => new IsolationForest({ contamination: 0.7 }), 'invalid_config', /contamination/)
    throwsCode(() => new IsolationForest({ contamination: 0 }), 'invalid_config')
    throwsCode(() => new IsolationForest({ contamination: 'high' }), 'invalid_config')
    throwsCode(() => new IsolationForest({ nEstimators: 0 }), 'invalid_config', /nEstimators/)
    throwsCode(() => new IsolationForest({ nEstimators: 1e9 }), 'limit_exceeded')
    throwsCode(() => new IsolationForest({ maxSamples: 1.5 }), 'invalid_config', /maxSamples/)
    throwsCode(() => new IsolationForest({ maxSamples: { count: 3, fraction: 0.5 } }), 'invalid_config')
    throwsCode(() => new IsolationForest({ maxFeatures: -1 }), 'invalid_config')
    throwsCode(() => new IsolationForest({ maxFeatures: 4 }).fit(rows), 'invalid_config', /more than the 3 columns/)
    throwsCode(() => new IsolationForest({ nJobs: 0 }), 'invalid_input', /nJobs/)
    // joblib's rule, as in Python: -1 is every core, larger counts are clamped at 1024.
    assert.equal(new IsolationForest({ nJobs: -1 }).isFitted, false)
    throwsCode(() => new IsolationForest({ randomState: -1 }), 'invalid_config', /randomState/)
    throwsCode(() => new IsolationForest({ nTrees: 10 }), 'invalid_input', /unknown field `nTrees`/)
  })

  test('scoring before fit is not_fitted', () => {
    const forest = new IsolationForest()
    throwsCode(() => forest.scoreSamples(rows), 'not_fitted')
    throwsCode(() => forest.decisionFunction(rows), 'not_fitted')
    throwsCode(() => forest.predict(rows), 'not_fitted')
    throwsCode(() => forest.offset, 'not_fitted')
    throwsCode(() => forest.nFeatures, 'not_fitted')
    throwsCode(() => forest.toJson(), 'not_fitted')
    assert.deepEqual(forest.warnings, [])
  })

  test('wrong argument types are invalid_type', () => {
    throwsCode(() => new IsolationForest('fast'), 'invalid_type', /options/)
    throwsCode(() => new IsolationForest({ nEstimators: '10' }), 'invalid_type', /nEstimators/)
    throwsCode(() => new IsolationForest({ contamination: true }), 'invalid_type')
    throwsCode(() => new IsolationForest({ bootstrap: 1 }), 'invalid_type')
    throwsCode(() => new IsolationForest({ maxSamples: [64] }), 'invalid_type')
    throwsCode(() => new IsolationForest().fit('rows'), 'invalid_type', /data/)
    throwsCode(() => new IsolationForest().fit(new Float32Array(4), 2, 2), 'invalid_type', /Float32Array/)
    throwsCode(() => new IsolationForest().fit([[1, 2], [3, '4']]), 'invalid_type', /data\[1\]\[1\]/)
    throwsCode(() => new IsolationForest().fit([[1, 2], 3]), 'invalid_type', /data\[1\]/)
    throwsCode(() => new IsolationForest().fit(new Float64Array(4), '2', 2), 'invalid_type', /nRows/)
    throwsCode(() => IsolationForest.fromJson(42), 'invalid_type')
  })

  test('fromJson refuses other versions and malformed text', () => {
    throwsCode(() => IsolationForest.fromJson('{"format_version": 2}'), 'unsupported_version')
    throwsCode(() => IsolationForest.fromJson('{"trees": []}'), 'missing_key')
    throwsCode(() => IsolationForest.fromJson('{"format_version": 1,'), 'parse_error')
    const model = JSON.parse(fitted.toJson())
    model.trees[0].left[0] = 1e6
    throwsCode(() => IsolationForest.fromJson(JSON.stringify(model)), 'invalid_input')
  })
})

// A monitoring window: two steady metrics with a spike at row 150.
function window(n = 200, spikeAt = 150) {
  const out = []
  for (let i = 0; i < n; i++) out.push([120 + (i % 7), 40 + (i % 5)])
  out[spikeAt] = [2400, 97]
  return out
}

describe('ProactiveMonitor', () => {
  const perf = window()

  test('the framework configuration', () => {
    const config = new ProactiveMonitor().config
    assert.deepEqual(
      config.groups.map((g) => [g.name, g.contamination]),
      [
        ['performance', 0.1],
        ['usage_patterns', 0.05],
        ['error_trends', 0.15],
      ],
    )
    assert.equal(config.thresholdPercentile, null) // each group's contamination
    assert.equal(config.otherGroups.contamination, 0.05)
    assert.equal(config.nEstimators, 100)
    assert.equal(config.maxSamples, 'auto')
    assert.deepEqual(config.severity.depth, [0.03, 0.08, 0.15])
    assert.deepEqual(ProactiveMonitor.framework().config, config)
    assert.equal(new ProactiveMonitor(ProactiveMonitor.framework().toJson()).toJson(), ProactiveMonitor.framework().toJson())
  })

  test('detect flags the spike; both data forms agree; alerts carry a Date', () => {
    const monitor = new ProactiveMonitor()
    const found = monitor.detect('performance', perf)
    assert.equal(found.metric, 'performance')
    assert.ok(found.scores instanceof Float64Array)
    assert.equal(found.scores.length, perf.length)
    assert.ok(found.anomalousPoints.includes(150))
    assert.equal(found.expectedShare, 0.1) // performance's contamination
    found.anomalousPoints.forEach((i) => assert.ok(found.scores[i] < found.threshold))
    assert.deepEqual(monitor.detect('performance', ...flat(perf)), found)
    const now = new Date('2026-11-27T09:00:00Z')
    const [alert, ...rest] = monitor.alerts([found], now)
    assert.equal(rest.length, 0)
    assert.equal(alert.type, 'anomaly_detected')
    assert.equal(alert.metric, 'performance')
    assert.ok(['low', 'medium', 'high', 'critical'].includes(alert.severity))
    assert.ok(alert.timestamp instanceof Date)
    assert.equal(alert.timestamp.getTime(), now.getTime())
    assert.equal(alert.anomalousCount, found.anomalousPoints.length)
    assert.equal(alert.minScore, Math.min(...found.anomalousPoints.map((i) => found.scores[i])))
    assert.equal(alert.depth, found.threshold - alert.minScore)
    // The same set as a plain object (e.g. after JSON), and an ISO string.
    const plain = { ...found, scores: Array.from(found.scores) }
    assert.deepEqual(monitor.alerts(plain, '2026-11-27T10:00:00+01:00'), [alert])
  })

  test('detectAsync and fitAsync equal the sync calls', async () => {
    const monitor = new ProactiveMonitor()
    assert.deepEqual(await monitor.detectAsync('performance', ...flat(perf)), monitor.detect('performance', perf))
    const fitted = await monitor.fitAsync('error_trends', perf)
    assert.ok(fitted instanceof FittedGroup)
    assert.equal(fitted.toJson(), monitor.fit('error_trends', perf).toJson())
    await rejectsCode(monitor.detectAsync(' ', perf), 'invalid_input')
    await rejectsCode(monitor.fitAsync(7, perf), 'invalid_type')
  })

  test('streaming: FittedGroup scores new rows against the reference threshold', () => {
    const reference = cloud(500, 2, 0, 7)
    const fitted = new ProactiveMonitor().fit('error_trends', reference)
    assert.equal(fitted.metric, 'error_trends')
    assert.equal(fitted.expectedShare, 0.15)
    const out = fitted.score([[0, 0], [40, 40]])
    assert.deepEqual(out.anomalousPoints, [1])
    assert.equal(out.threshold, fitted.threshold)
    const back = FittedGroup.fromJson(fitted.toJson())
    assert.deepEqual(back.score(...flat([[0, 0], [40, 40]])), out)
    throwsCode(() => fitted.score([[1, 2, 3]]), 'dimension_mismatch')
  })

  test('a corrupt FittedGroup JSON is an error, not a crash', () => {
    const fitted = new ProactiveMonitor().fit('performance', perf)
    const model = JSON.parse(fitted.toJson())
    model.scaler.mean.push(1)
    throwsCode(() => FittedGroup.fromJson(JSON.stringify(model)), 'invalid_input', /scaler/)
    const bad = JSON.parse(fitted.toJson())
    bad.forest.format_version = 7
    throwsCode(() => FittedGroup.fromJson(JSON.stringify(bad)), 'unsupported_version')
    throwsCode(() => FittedGroup.fromJson('{}'), 'missing_key')
  })

  test('errors', () => {
    const monitor = new ProactiveMonitor()
    const disk = monitor.detect('disk', perf) // any group name, at other_groups' 0.05
    assert.equal(disk.expectedShare, 0.05)
    assert.match(monitor.alerts([disk], new Date())[0].recommendation, /disk/)
    const strict = new ProactiveMonitor('{"groups": [{"name": "performance", "contamination": 0.1, "recommendation": "r"}]}')
    throwsCode(() => strict.detect('disk', perf), 'invalid_input', /unknown metric group/)
    throwsCode(() => monitor.detect(3, perf), 'invalid_type')
    throwsCode(() => monitor.detect('performance', 'perf'), 'invalid_type')
    throwsCode(() => new ProactiveMonitor('{"groups": []}'), 'invalid_config')
    throwsCode(() => new ProactiveMonitor('{'), 'parse_error')
    throwsCode(() => new ProactiveMonitor(5), 'invalid_type')
    const found = monitor.detect('performance', perf)
    throwsCode(() => monitor.alerts([found], '2026-11-27T09:00:00'), 'invalid_input')
    throwsCode(() => monitor.alerts([found], 12), 'invalid_type')
    throwsCode(() => strict.alerts([{ ...found, metric: 'disk' }], new Date()), 'invalid_input')
    throwsCode(() => monitor.alerts([{ metric: 'performance' }], new Date()), 'missing_key')
    throwsCode(() => monitor.alerts(['x'], new Date()), 'invalid_type')
  })
})

describe('ProactiveMonitor: instants, attribution and streaming', () => {
  const t0 = Date.UTC(2026, 10, 2)
  const at = (n) => Float64Array.from({ length: n }, (_, i) => t0 + i * 300_000)
  const data = Array.from({ length: 80 }, (_, i) => [(i * 7) % 11, (i * 5) % 13])
  data[50][1] = 90

  test('detectAt carries the instants of the flagged rows and alerts their span', async () => {
    const m = new ProactiveMonitor()
    const found = m.detectAt('performance', data, at(80))
    const i = found.anomalousPoints.indexOf(50)
    assert.ok(i >= 0)
    assert.equal(found.anomalousInstants[i].getTime(), t0 + 50 * 300_000)
    assert.ok(found.attribution[1] > found.attribution[0], String(found.attribution))
    const [alert] = m.alerts([found], new Date(t0 + 86_400_000))
    assert.deepEqual(alert.peakAt, found.anomalousInstants[i])
    assert.ok(alert.firstAt <= alert.peakAt && alert.peakAt <= alert.lastAt)
    assert.deepEqual(await m.detectAtAsync('performance', data, at(80)), found)
    // Without instants: no instants anywhere.
    assert.equal(m.detect('performance', data).anomalousInstants, undefined)
  })

  test('detectAt checks its instants', () => {
    const m = new ProactiveMonitor()
    const short = at(79)
    assert.throws(() => m.detectAt('performance', data, short), { code: 'dimension_mismatch' })
    const gap = at(80)
    gap[3] = NaN
    assert.throws(() => m.detectAt('performance', data, gap), { code: 'invalid_input', message: /instants\[3\]/ })
  })

  test('detectStream returns one episode per disturbed column, with the column', async () => {
    const n = 450
    const rows = Array.from({ length: n }, (_, i) => [50 + ((i * 3) % 7), 20 + ((i * 4) % 5)])
    for (let i = 400; i < 408; i++) rows[i][0] = 400
    const m = new ProactiveMonitor()
    const found = m.detectStream('latency', rows, at(n))
    assert.equal(found.length, 1)
    assert.equal(found[0].column, 0)
    assert.equal(found[0].metric, 'latency')
    assert.ok(found[0].start instanceof Date)
    assert.deepEqual(await m.detectStreamAsync('latency', rows, at(n), {}), found)
    assert.throws(() => m.detectStream('latency', rows, at(n), { stream: { warmupp: 1 } }), { code: 'invalid_input' })
  })
})
