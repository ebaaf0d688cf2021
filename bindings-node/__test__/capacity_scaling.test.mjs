// Scaling decisions from Node beyond the shared fixtures: Dates in and out,
// history round trips, name maps keep their keys, coded errors.

import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { describe, test } from 'node:test'

const require = createRequire(import.meta.url)
const { capacity } = require('../index.js')

function throwsCode(fn, code) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof Error, `not an Error: ${err}`)
    assert.equal(err.code, code, `wrong code; message: ${err.message}`)
    return true
  })
}

const NOW = new Date('2026-01-01T00:00:00Z')
const hpa = (usages, extra = {}) => ({
  currentReplicas: usages.length,
  maxReplicas: 100,
  now: NOW,
  metrics: [{ type: 'resource', name: 'cpu', target: { averageUtilization: 50 } }],
  pods: usages.map((cpu, i) => ({ name: `p${i}`, requests: { cpu: 1000 }, usage: { cpu } })),
  ...extra,
})

describe('capacity.hpaDesiredReplicas', () => {
  test('history comes back as Dates and feeds the next call', () => {
    const first = capacity.hpaDesiredReplicas(hpa([900, 900, 900, 900]))
    assert.equal(first.desiredReplicas, 8)
    assert.ok(first.recommendations[0].at instanceof Date)
    assert.equal(first.recommendations[0].at.getTime(), NOW.getTime())
    const later = hpa(Array(8).fill(100), {
      now: new Date(NOW.getTime() + 60_000),
      recommendations: first.recommendations,
    })
    const second = capacity.hpaDesiredReplicas(later)
    assert.equal(second.metricReplicas, 2)
    assert.equal(second.desiredReplicas, 8)
    assert.equal(second.ableToScale, 'ScaleDownStabilized')
  })

  test('custom metric names with underscores stay as given in requests and usage', () => {
    const d = capacity.hpaDesiredReplicas({
      currentReplicas: 2,
      maxReplicas: 10,
      now: '2026-01-01T00:00:00Z',
      metrics: [{ type: 'pods', name: 'queue_depth', target: { averageValue: 10 } }],
      pods: [
        { name: 'a', usage: { queue_depth: 30 } },
        { name: 'b', usage: { queue_depth: 30 } },
      ],
    })
    assert.equal(d.desiredReplicas, 4) // legacy cap max(2 x 2, 4); the metric asks 6
    assert.equal(d.metricReplicas, 6)
    assert.equal(d.limitedBy, 'ScaleUpLimit')
  })

  test('bad input throws coded errors', () => {
    throwsCode(() => capacity.hpaDesiredReplicas(hpa([500], { minReplicas: 5, maxReplicas: 4 })), 'invalid_config')
    throwsCode(() => capacity.hpaDesiredReplicas(hpa([-1])), 'invalid_input')
    throwsCode(() => capacity.hpaDesiredReplicas(hpa([500], { now: '2026-01-01T00:00:00' })), 'invalid_input')
    throwsCode(() => capacity.hpaDesiredReplicas(hpa([500], { current_replicas: 1 })), 'invalid_input')
    throwsCode(() => capacity.hpaDesiredReplicas('nope'), 'invalid_type')
    assert.throws(
      () => capacity.hpaDesiredReplicas({ currentReplicas: 1, now: NOW, metrics: [] }),
      (err) => err.code === 'missing_key' && /`maxReplicas`/.test(err.message),
    )
    throwsCode(() => capacity.hpaDesiredReplicas(hpa([500], { now: () => 1 })), 'invalid_type')
  })
})

describe('capacity.replicaRecommendation', () => {
  test('Float64Array samples and a custom policy', () => {
    const rec = capacity.replicaRecommendation(
      { currentReplicas: 2, maxReplicas: 10, metrics: { gpu_util: Float64Array.from([0.9, 0.9, 0.9]) } },
      { gpu_util: { scaleUp: 0.8, scaleDown: 0.2, band: 0.05, sustain: 3 } },
    )
    assert.equal(rec.action, 'scale_up')
    assert.equal(rec.desiredReplicas, 4)
    assert.equal(rec.resources[0].resource, 'gpu_util')
  })

  test('more demand never gives fewer replicas', () => {
    let seed = 7
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
    for (let n = 0; n < 200; n++) {
      const len = 1 + Math.floor(rand() * 8)
      const low = Array.from({ length: len }, () => rand() * 1.2)
      const high = low.map((x) => x + rand() * 0.3)
      const current = 1 + Math.floor(rand() * 30)
      const a = capacity.replicaRecommendation({ currentReplicas: current, maxReplicas: 100, metrics: { cpu: low } })
      const b = capacity.replicaRecommendation({ currentReplicas: current, maxReplicas: 100, metrics: { cpu: high } })
      assert.ok(b.desiredReplicas >= a.desiredReplicas, JSON.stringify({ low, high, current }))
    }
  })

  test('bad input throws coded errors', () => {
    const req = { currentReplicas: 3, maxReplicas: 10, metrics: { cpu: [0.5] } }
    throwsCode(() => capacity.replicaRecommendation({ ...req, minReplicas: 11 }), 'invalid_config')
    throwsCode(() => capacity.replicaRecommendation({ ...req, metrics: { cpu: [NaN] } }), 'invalid_input')
    throwsCode(() => capacity.replicaRecommendation({ ...req, metrics: { disk: [0.5] } }), 'invalid_input')
    throwsCode(() => capacity.replicaRecommendation(req, { cpu: { scaleUp: 0.2, scaleDown: 0.5 } }), 'invalid_config')
  })
})
