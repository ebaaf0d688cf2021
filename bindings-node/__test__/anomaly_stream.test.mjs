// anomaly.StreamDetector and anomaly.Episodes (the core's anomaly::stream);
// the shared fixtures run in conformance.test.mjs.
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { test } from 'node:test'

const require = createRequire(import.meta.url)
const { anomaly } = require('../index.js')

const t0 = Date.parse('2026-03-02T00:00:00Z')
const at = Float64Array.from({ length: 400 }, (_, i) => t0 + i * 300_000)
const values = Float64Array.from({ length: 400 }, (_, i) => (i === 200 ? 95 : 40 + (i % 9)))

test('updateMany equals update; Dates, ISO strings and epoch ms agree; JSON round trip', () => {
  const one = new anomaly.StreamDetector({ warmup: 50 })
  const points = Array.from(at, (ms, i) => one.update(i % 2 ? new Date(ms) : new Date(ms).toISOString(), values[i]))
  const many = new anomaly.StreamDetector({ warmup: 50 })
  const cols = many.updateMany(at, values)
  assert.ok(cols.score instanceof Float64Array && cols.at[0] instanceof Date)
  assert.deepEqual(Array.from(cols.score), points.map((p) => p.score))
  assert.equal(many.toJson(), one.toJson())
  assert.equal(anomaly.StreamDetector.fromJson(one.toJson()).points, 400)
  assert.equal(one.config.warmup, 50)
  assert.ok(one.stateBytes > 0 && one.stateBytes < 64 * 1024)
})

test('errors carry the core codes', () => {
  const code = (f) => {
    try {
      f()
    } catch (e) {
      return e.code
    }
    return 'no error'
  }
  assert.notEqual(code(() => new anomaly.StreamDetector({ warmpu: 5 })), 'no error')
  assert.equal(code(() => new anomaly.StreamDetector({ detectLevel: 2 })), 'invalid_config')
  const d = new anomaly.StreamDetector()
  assert.equal(code(() => d.updateMany(at, values.subarray(0, 5))), 'dimension_mismatch')
  assert.equal(code(() => d.updateMany([new Date(t0), null], [1, 2])), 'invalid_input')
  d.update(new Date(t0 + 600_000), 1)
  assert.equal(code(() => d.update(new Date(t0), 1)), 'invalid_input')
  assert.equal(code(() => d.update(new Date(t0 + 900_000), NaN)), 'invalid_input')
  assert.equal(d.points, 1)
  assert.equal(code(() => anomaly.StreamDetector.fromJson('{"format_version": 9}')), 'unsupported_version')
  assert.equal(code(() => new anomaly.Episodes('cpu', { mergeGap: 60 })), code(() => new anomaly.StreamDetector({ warmpu: 5 })))
  const e = new anomaly.Episodes('cpu', { cooldownSecs: 60 })
  assert.equal(e.push({ at: new Date(t0), score: 0, anomaly: 0.8, raw: 1, expected: 1 }), null)
  const ep = e.finish()
  assert.equal(ep.severity, 'high')
  assert.ok(ep.peakAt instanceof Date && ep.peakScore === 0.8)
})
