// KPIs and SLOs from Node: Dates in and out, Float64Array series, async
// variants and the coded errors of bad arguments.

import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { describe, test } from 'node:test'

const require = createRequire(import.meta.url)
const { SlaPolicy, kpi } = require('../index.js')

function throwsCode(fn, code, message) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof Error, `not an Error: ${err}`)
    assert.equal(err.code, code, `wrong code; message: ${err.message}`)
    if (message !== undefined) assert.match(err.message, message)
    return true
  })
}

const t0 = new Date('2026-11-02T09:00:00Z')
const minutes = (m) => new Date(t0.getTime() + m * 60_000)

function ticket(frMin, extra = {}) {
  return {
    events: [
      { type: 'created', at: t0, tier: 1, priority: 'high', channel: 'chat' },
      { type: 'first_response', at: minutes(frMin) },
    ],
    ...extra,
  }
}

describe('supportKpis', () => {
  test('percentiles, grouping and statuses', () => {
    const tickets = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((m) =>
      ticket(m, { csat: 5, firstContactResolution: m !== 3, department: m % 2 ? 'billing' : 'tech' }),
    )
    const r = kpi.supportKpis(tickets, minutes(60), { groupBy: 'department' }, new SlaPolicy())
    assert.equal(r.overall.tickets, 10)
    assert.equal(r.overall.firstResponse.p50, 330)
    assert.equal(r.overall.firstContactResolution, 0.9)
    assert.deepEqual(r.groups.map((g) => g.key), ['billing', 'tech'])
    const csat = r.overall.kpis.find((k) => k.kpi === 'csat')
    assert.equal(csat.status, 'meets_target')
  })

  test('async gives the same report', async () => {
    const tickets = [ticket(4), ticket(9)]
    const sync = kpi.supportKpis(tickets, minutes(60))
    assert.deepEqual(await kpi.supportKpisAsync(tickets, minutes(60)), sync)
  })

  test('coded errors', async () => {
    throwsCode(() => kpi.supportKpis([ticket(5)], minutes(60), { since: t0, until: t0 }), 'invalid_input', /period is empty/)
    throwsCode(() => kpi.supportKpis([ticket(5, { first_contact_resolution: true })], minutes(60)), 'invalid_input')
    throwsCode(() => kpi.supportKpis('tickets', minutes(60)), 'invalid_type')
    throwsCode(() => kpi.supportKpis([ticket(5)], minutes(60), { groupBy: 'planet' }), 'invalid_input')
    throwsCode(() => kpi.supportKpis([ticket(5)], minutes(60), undefined, 'builtin'), 'invalid_type')
    throwsCode(() => kpi.supportKpis([ticket(5)], minutes(60), { colour: 'red' }), 'invalid_input', /unknown field `colour`/)
    await assert.rejects(kpi.supportKpisAsync([ticket(5, { csat: 9 })], minutes(60)), (err) => err.code === 'invalid_input')
  })
})

describe('error budgets and burn rates', () => {
  test('43.2 minutes for 30 days at 99.9%', () => {
    const n = 30 * 1440
    const good = new Float64Array(n).fill(1)
    good.fill(0, 0, 10)
    const b = kpi.errorBudget(good, new Float64Array(n).fill(1), {
      start: t0,
      stepSecs: 60,
      objective: 0.999,
      windowSecs: 30 * 86400,
    })
    assert.ok(Math.abs(b.budgetSecs - 2592) < 1e-6)
    assert.ok(Math.abs(b.badSecs - 600) < 1e-9)
    assert.ok(b.windowEnd instanceof Date)
    assert.equal(b.windowEnd.getTime(), t0.getTime() + 30 * 86400_000)
    assert.equal(b.uptime.status, 'meets_target') // 99.977% up
  })

  test('a burst pages and clears; async agrees', async () => {
    const good = new Float64Array(240).fill(1000)
    good.fill(900, 60, 70)
    const total = new Float64Array(240).fill(1000)
    const options = { start: t0, stepSecs: 60, objective: 0.999, rules: kpi.workbookRules().slice(0, 1) }
    const r = kpi.burnRateAlerts(good, total, options)
    assert.equal(r.alerts.length, 1)
    assert.equal(r.alerts[0].firedAt.getTime(), minutes(69).getTime())
    assert.equal(r.alerts[0].clearsAt.getTime(), minutes(75).getTime())
    assert.deepEqual(await kpi.burnRateAlertsAsync(Array.from(good), total, options), r)
  })

  test('coded errors', async () => {
    const one = new Float64Array([1])
    const base = { start: t0, stepSecs: 60, objective: 0.999, windowSecs: 60 }
    throwsCode(() => kpi.errorBudget(one, one, { ...base, objective: 1 }), 'invalid_input', /100%/)
    throwsCode(() => kpi.errorBudget(one, one, { ...base, windowSecs: 30 }), 'invalid_input', /shorter than the series step/)
    throwsCode(() => kpi.errorBudget(one, new Float64Array(2), base), 'dimension_mismatch')
    throwsCode(() => kpi.errorBudget(one, one, { start: t0, objective: 0.999, windowSecs: 60 }), 'missing_key')
    throwsCode(() => kpi.errorBudget(new Int32Array([1]), one, base), 'invalid_type')
    throwsCode(() => kpi.errorBudget(['1'], one, base), 'invalid_type')
    await assert.rejects(
      kpi.burnRateAlertsAsync(one, one, { start: t0, stepSecs: 60, objective: 0.999, rules: [{ name: 'x', severity: 'page', longWindowSecs: 60, shortWindowSecs: 60, burnRate: 2 }] }),
      (err) => err.code === 'invalid_config',
    )
  })
})

describe('latency and funnels', () => {
  test('samples and histograms', () => {
    const s = kpi.latencySlo([120, 250, 480, 900], { thresholdMs: 500, objective: 0.95 })
    assert.equal(s.share, 0.75)
    assert.equal(s.meetsObjective, false)
    const h = kpi.latencySlo({ upperBounds: [100, 500, Infinity], counts: [50, 30, 20] }, { thresholdMs: 300, objective: 0.5 })
    assert.equal(h.good, 65)
    assert.equal(kpi.apdex(new Float64Array([100, 200, 600, 3000]), 300).score, 0.625)
    throwsCode(() => kpi.apdex([], 300), 'invalid_input')
    throwsCode(() => kpi.latencySlo({ upperBounds: [1] }, { thresholdMs: 1, objective: 0.5 }), 'missing_key')
  })

  test('the framework journeys by default, in any order, async too', async () => {
    const [login] = kpi.frameworkJourneys()
    const events = []
    for (let u = 0; u < 10; u++) {
      login.steps.forEach((step, i) => {
        if (u >= 7 && i >= 2) return
        events.push({ user: `u${u}`, journey: login.name, step, at: minutes(i) })
      })
    }
    events.reverse()
    const r = kpi.journeyFunnels(events)
    const f = r.journeys[0]
    assert.deepEqual([f.started, f.completed, f.completionRate], [10, 7, 0.7])
    assert.equal(r.frictionPoints[0].step, login.steps[2])
    assert.equal(r.frictionPoints[0].issue, 'drop_off')
    assert.deepEqual(await kpi.journeyFunnelsAsync(events), r)
    throwsCode(() => kpi.journeyFunnels(events, null, { attributionWindowSecs: 0 }), 'invalid_config')
  })

  test('default targets feed back as targets', () => {
    const targets = kpi.defaultTargets()
    assert.deepEqual(targets.uptime, { threshold: 0.999, target: 0.9995 })
    targets.timeQuantile = 0.5
    const r = kpi.supportKpis([ticket(5), ticket(7), ticket(30)], minutes(60), { targets })
    assert.equal(r.overall.kpis.find((k) => k.kpi === 'first_response_time').value, 420)
  })
})
