// Fixture ops for `kpi`, dispatched from conformance.test.mjs.
// Inputs arrive with snake_case keys; results are compared after camelCase
// keys are turned back into snake_case.

import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { SlaPolicy, kpi } = require('../../index.js')

const isPlainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v)
const toCamel = (key) => key.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase())

// Keys in JS spelling, all the way down (values untouched).
function camelDeep(value) {
  if (Array.isArray(value)) return value.map(camelDeep)
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [toCamel(k), camelDeep(v)]))
  }
  return value
}

// `null` stands for an infinite histogram bound (JSON has no Infinity).
const floats = (list) => Float64Array.from(list, (x) => (x === null ? Infinity : x))

function latencies(input) {
  if (input.samples !== undefined) return floats(input.samples)
  return { upperBounds: floats(input.upper_bounds), counts: floats(input.counts) }
}

function seriesOptions(input, extra) {
  return { start: input.start, stepSecs: input.step_secs, objective: input.objective, ...extra }
}

export function run(op, input) {
  switch (op) {
    case 'kpi.support_kpis': {
      const policy = input.policy === undefined ? undefined : SlaPolicy.fromJson(JSON.stringify(input.policy))
      return kpi.supportKpis(camelDeep(input.tickets), input.now, camelDeep(input.options), policy)
    }
    case 'kpi.volume_trend':
      return kpi.volumeTrend(camelDeep(input.tickets))
    case 'kpi.error_budget': {
      const extra = { windowSecs: input.window_secs }
      if (input.targets !== undefined) extra.targets = camelDeep(input.targets)
      return kpi.errorBudget(floats(input.good), floats(input.total), seriesOptions(input, extra))
    }
    case 'kpi.burn_rate_alerts': {
      const extra = input.rules === undefined ? {} : { rules: camelDeep(input.rules) }
      return kpi.burnRateAlerts(floats(input.good), floats(input.total), seriesOptions(input, extra))
    }
    case 'kpi.latency_slo':
      return kpi.latencySlo(latencies(input), { thresholdMs: input.threshold_ms, objective: input.objective })
    case 'kpi.apdex':
      return kpi.apdex(latencies(input), input.t_ms)
    case 'kpi.journey_funnels':
      return kpi.journeyFunnels(camelDeep(input.events), camelDeep(input.journeys), camelDeep(input.options))
    default:
      throw new Error(`unknown op ${JSON.stringify(op)}: every op must be mapped in every runner`)
  }
}
