// capacity.forecast / capacity.maintenanceWindows from Node.

import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { test } from 'node:test'

const require = createRequire(import.meta.url)
const { capacity } = require('../index.js')

const start = new Date('2026-01-05T00:00:00Z') // a Monday

// Weekdays busy 08-20, weekends quiet, quietest 02-04 every day.
function office(weeks) {
  return Float64Array.from({ length: weeks * 168 }, (_, t) => {
    const day = Math.floor(t / 24) % 7
    const hour = t % 24
    const base = day < 5 && hour >= 8 && hour < 20 ? 100 : 20
    return base + (hour >= 2 && hour < 4 ? -10 : hour % 5)
  })
}

test('forecast returns typed arrays, Dates and a schedule', () => {
  const f = capacity.forecast(office(4), {
    start,
    stepSecs: 3600,
    thresholds: [90],
    scaling: { capacityPerReplica: 10 },
  })
  assert.ok(f.mean instanceof Float64Array)
  assert.equal(f.mean.length, 168)
  assert.ok(f.start instanceof Date)
  assert.equal(f.start.getTime(), start.getTime() + 28 * 86400e3)
  assert.ok(['seasonal_naive_weekly', 'holt_winters_weekly', 'mstl'].includes(f.method))
  for (let i = 0; i < f.mean.length; i++) assert.ok(f.lower[i] <= f.mean[i] && f.mean[i] <= f.upper[i])
  assert.ok(f.crossings[0].at instanceof Date)
  assert.ok(f.schedule.peakReplicas >= 15)
})

test('a pure weekly pattern is reproduced', () => {
  const y = office(3)
  const f = capacity.forecast(y, { start, stepSecs: 3600, method: 'holt_winters_weekly' })
  for (let i = 0; i < 168; i++) assert.ok(Math.abs(f.mean[i] - y[i]) < 1e-6)
})

test('bad input throws with a stable code', () => {
  const cases = [
    [new Float64Array(0), { start, stepSecs: 3600 }, 'invalid_input'],
    [office(3).map((v) => -v), { start, stepSecs: 3600 }, 'invalid_input'],
    [office(3), { start, stepSecs: 420 }, 'invalid_input'],
    [office(3), { start, stepSecs: 3600, horizonSecs: 60 * 86400 }, 'limit_exceeded'],
    [office(3), { start, stepSecs: 3600, method: 'prophet' }, 'invalid_config'],
    [office(3), { start, stepSecs: 3600, scaling: { capacityPerReplica: 1, minReplicas: 3, maxReplicas: 1 } }, 'invalid_config'],
    [office(3), { start: '2026-01-05T00:00:00', stepSecs: 3600 }, 'invalid_input'],
    [office(3), { start, stepSecs: 3600, bogus: 1 }, 'invalid_input'],
    ['nope', { start, stepSecs: 3600 }, 'invalid_type'],
  ]
  for (const [values, options, code] of cases) {
    assert.throws(() => capacity.forecast(values, options), (e) => e.code === code, JSON.stringify(options))
  }
})

test('maintenance windows find the quiet hours and label regimes', () => {
  const w = capacity.maintenanceWindows(office(4), { start, stepSecs: 3600, count: 2 })
  assert.deepEqual(
    w.regimes.map((r) => r.label),
    ['weekday', 'weekend'],
  )
  assert.equal(w.windows[0].startSecs, 7200)
  assert.equal(w.windows[0].expectedLoad, 10)
  assert.equal(w.windows[0].nextStart.toISOString(), '2026-02-02T02:00:00.000Z')
  assert.ok(w.weeklyProfile instanceof Float64Array)
  assert.throws(
    () => capacity.maintenanceWindows(office(4), { start, stepSecs: 3600, lengthSecs: 5400 }),
    (e) => e.code === 'invalid_config',
  )
})
