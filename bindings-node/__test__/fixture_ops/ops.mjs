// Fixture ops for `ops`, dispatched from conformance.test.mjs.
// Inputs arrive with snake_case keys; results are compared after camelCase
// keys are turned back into snake_case (and Dates into ISO strings).
//
// What is camelCased: opsbrain's own objects (metrics, thresholds, options,
// checks, reports). What is not: PostgreSQL's statistics rows (column
// names), EXPLAIN plans, the keys of `options.table_rows` (table names) and
// knowledge-base JSON text.

import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { ops } = require('../../index.js')

const isPlainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v)
const toCamel = (key) => key.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase())

// Keys in JS spelling, all the way down (values untouched), except inside
// the data map `table_rows`.
function camelDeep(value) {
  if (Array.isArray(value)) return value.map(camelDeep)
  if (isPlainObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [toCamel(k), k === 'table_rows' ? v : camelDeep(v)]),
    )
  }
  return value
}

const kb = (input) => (input.kb_json === undefined ? undefined : ops.KnowledgeBase.fromJson(input.kb_json))

export function run(op, input) {
  switch (op) {
    case 'ops.optimize_performance':
      return ops.optimizePerformance(camelDeep(input.metrics), camelDeep(input.thresholds))
    case 'ops.pg_queries':
      return ops.pgQueries(input.server_version_num)
    case 'ops.analyze_pg_stats':
      return ops.analyzePgStats(input.statements, input.indexes, input.tables, camelDeep(input.options))
    case 'ops.analyze_explain': {
      const plan = input.plan_text !== undefined ? input.plan_text : input.plan
      return ops.analyzeExplain(plan, camelDeep(input.options))
    }
    case 'ops.evaluate_index':
      return ops.evaluateIndex(input.before_ms, input.after_ms, camelDeep(input.options))
    case 'ops.healing_plan':
      return ops.healingPlan(camelDeep(input.checks), camelDeep(input.options))
    case 'ops.extract_symptoms':
      return ops.extractSymptoms(camelDeep(input.report), input.now, kb(input), camelDeep(input.options))
    case 'ops.diagnose':
      return ops.diagnose(camelDeep(input.report), input.now, kb(input), camelDeep(input.options))
    case 'ops.knowledge_base': {
      const base = kb(input) ?? ops.KnowledgeBase.builtin()
      return {
        causes: base.causes.length,
        resolutions: base.resolutions.length,
        features: base.features.length,
      }
    }
    default:
      throw new Error(`unknown op ${JSON.stringify(op)}: every op must be mapped in every runner`)
  }
}
