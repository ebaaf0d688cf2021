// Fixture ops for `capacity_forecast`, dispatched from conformance.test.mjs.
// Inputs arrive with snake_case keys; results are compared after camelCase
// keys are turned back into snake_case (Float64Arrays become arrays, Dates
// ISO strings).

import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { capacity } = require('../../index.js')

const toCamel = (key) => key.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase())

function camel(value) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [toCamel(k), camel(v)]))
}

function args(input) {
  const values = Float64Array.from(input.values, (v) => (v === null ? NaN : v))
  return [values, { start: input.start, stepSecs: input.step_secs, ...camel(input.params ?? {}) }]
}

export function run(op, input) {
  switch (op) {
    case 'capacity.forecast.predict':
      return capacity.forecast(...args(input))
    case 'capacity.windows.maintenance':
      return capacity.maintenanceWindows(...args(input))
    default:
      throw new Error(`unknown op ${JSON.stringify(op)}: every op must be mapped in every runner`)
  }
}
