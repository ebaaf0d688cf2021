// Fixture ops for \`capacity_scaling\`, dispatched from conformance.test.mjs.
// Inputs arrive with snake_case keys; results are compared after camelCase
// keys are turned back into snake_case.
//
// Requests get camelCase keys, except the keys of name maps (the samples per
// resource of a replica request, the policy's resource names, a pod's
// `requests` and `usage`), which are names and stay as given. `now` is passed
// as a Date, every other instant as the fixture's ISO string (both forms are
// accepted). Samples are passed as Float64Array.

import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { capacity } = require('../../index.js')

const isPlainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v)
const toCamel = (key) => key.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase())
const NAME_MAPS = new Set(['requests', 'usage'])

function js(value, keepKeys = false) {
  if (Array.isArray(value)) return value.map((v) => js(v))
  if (!isPlainObject(value)) return value
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => {
      if (keepKeys) return [k, js(v)]
      if (k === 'now') return ['now', new Date(v)]
      return [toCamel(k), js(v, NAME_MAPS.has(k))]
    }),
  )
}

function replicaRequest(request) {
  if (!isPlainObject(request)) return request
  const { metrics, ...rest } = request
  const out = js(rest)
  if (metrics !== undefined) {
    out.metrics = isPlainObject(metrics)
      ? Object.fromEntries(
          Object.entries(metrics).map(([name, samples]) => [
            name,
            Array.isArray(samples) && samples.every((x) => typeof x === 'number') ? Float64Array.from(samples) : samples,
          ]),
        )
      : metrics
  }
  return out
}

export function run(op, input) {
  switch (op) {
    case 'capacity.scaling.recommend':
      return capacity.replicaRecommendation(
        replicaRequest(input.request),
        input.policy === undefined ? undefined : js(input.policy, true),
      )
    case 'capacity.hpa.desired_replicas':
      return capacity.hpaDesiredReplicas(js(input))
    default:
      throw new Error(`unknown op ${JSON.stringify(op)}: every op must be mapped in every runner`)
  }
}
