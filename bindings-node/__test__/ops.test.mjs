// Operations rules from Node: camelCase objects in and out, node-postgres
// rows (numeric strings, BigInt), plans as text or objects, hostile deep
// and cyclic values, Dates in symptoms, diagnoseAsync, and the coded errors
// of bad arguments.

import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { describe, test } from 'node:test'

const require = createRequire(import.meta.url)
const { ops } = require('../index.js')

function throwsCode(fn, code, message) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof Error, `not an Error: ${err}`)
    assert.equal(err.code, code, `wrong code; message: ${err.message}`)
    if (message !== undefined) assert.match(err.message, message)
    return true
  })
}

function rejectsCode(promise, code, message) {
  return assert.rejects(promise, (err) => {
    assert.ok(err instanceof Error, `not an Error: ${err}`)
    assert.equal(err.code, code, `wrong code; message: ${err.message}`)
    if (message !== undefined) assert.match(err.message, message)
    return true
  })
}

describe('optimizePerformance', () => {
  test('actions in the framework order, camelCase keys', () => {
    const actions = ops.optimizePerformance({
      responseTimeMs: 2500,
      errorRate: 0.002,
      cpuUsage: 0.75,
      memoryUsage: 0.9,
      cacheHitRatio: 0.8,
      originLoad: 0.65,
      slowQueries: [
        { query: 'SELECT id FROM a', executionTimeMs: 1200 },
        { query: 'SELECT id FROM b', executionTimeMs: 999 },
        { query: 'SELECT * FROM c WHERE x NOT IN (SELECT y FROM d)', executionTimeMs: 5000 },
      ],
    })
    assert.deepEqual(
      actions.map((a) => a.action),
      ['optimize_query', 'optimize_query', 'optimize_caching', 'auto_scale', 'optimize_cdn', 'investigate_latency', 'investigate_errors'],
    )
    assert.equal(actions[0].metric, 'slow_queries[2]')
    assert.deepEqual(actions[0].rewriteHints.map((h) => h.id), ['select_star', 'not_in_subquery'])
    assert.equal(actions[1].rewriteHints, undefined)
    assert.equal(actions[2].direction, 'below')
    assert.equal(actions[2].threshold, 0.85)
    assert.ok(Array.isArray(actions[3].steps) && actions[3].steps.length > 0)
  })

  test('thresholds are strict and configurable', () => {
    const m = { cpuUsage: 0.7, cacheHitRatio: 0.85, originLoad: 0.6 }
    assert.deepEqual(ops.optimizePerformance(m), [])
    assert.deepEqual(ops.optimizePerformance(m, null), [])
    const a = ops.optimizePerformance(m, { cpuUsage: 0.5 })
    assert.equal(a.length, 1)
    assert.equal(a[0].threshold, 0.5)
    assert.deepEqual(ops.optimizePerformance({}), [])
  })

  test('coded errors', () => {
    throwsCode(() => ops.optimizePerformance({ cpuUsage: 1.5 }), 'invalid_input', /cpu_usage/)
    throwsCode(() => ops.optimizePerformance({ cpu_usage: 0.9 }), 'invalid_input', /cpuUsage/)
    throwsCode(() => ops.optimizePerformance({ cpuUsage: 0.9, colour: 'red' }), 'invalid_input', /colour/)
    throwsCode(() => ops.optimizePerformance({ slowQueries: [{ query: 'x' }] }), 'missing_key', /executionTimeMs/)
    throwsCode(() => ops.optimizePerformance({ cpuUsage: NaN }), 'invalid_input')
    throwsCode(() => ops.optimizePerformance('metrics'), 'invalid_type')
    throwsCode(() => ops.optimizePerformance(), 'invalid_type')
    throwsCode(() => ops.optimizePerformance({}, { errorRate: 2 }), 'invalid_config', /error_rate/)
    throwsCode(() => ops.optimizePerformance({}, 0.5), 'invalid_type')
  })
})

describe('pgQueries', () => {
  test('column names follow the server version', () => {
    const q = ops.pgQueries(150004)
    assert.deepEqual(Object.keys(q).sort(), ['indexes', 'statements', 'tables'])
    assert.match(q.statements, /total_exec_time/)
    assert.match(q.indexes, /indisprimary/)
    assert.match(ops.pgQueries(120000).statements, /\btotal_time\b/)
  })

  test('coded errors', () => {
    throwsCode(() => ops.pgQueries('150004'), 'invalid_type')
    throwsCode(() => ops.pgQueries(-1), 'invalid_input')
    throwsCode(() => ops.pgQueries(1.5), 'invalid_input')
    throwsCode(() => ops.pgQueries(2 ** 40), 'invalid_input')
  })
})

// Rows as node-postgres returns them: bigint and numeric columns as strings.
const statements = [
  {
    queryid: '-7412312830456712345',
    query: 'SELECT * FROM orders WHERE customer_id = $1',
    calls: '40',
    total_exec_time: 9200,
    mean_exec_time: 230,
    rows: '40',
    shared_blks_hit: '90',
    shared_blks_read: '10',
    hit_percent: null,
  },
  { queryid: '1', query: 'SELECT 1', calls: '1000', total_exec_time: 12, mean_exec_time: 0.012, rows: '1000' },
]
const indexes = [
  { schemaname: 'public', relname: 'orders', indexrelname: 'orders_pkey', idx_scan: '0', indisunique: true, indisprimary: true },
  { schemaname: 'public', relname: 'orders', indexrelname: 'orders_status_idx', idx_scan: '3', indisunique: false, indisprimary: false, index_bytes: '81920' },
]
const tables = [
  { schemaname: 'public', relname: 'orders', n_tup_ins: '10000', n_tup_upd: '4000', n_tup_del: '1000', n_live_tup: '9000', n_dead_tup: '4500' },
  { schemaname: 'public', relname: 'tiny', n_tup_ins: 1, n_tup_upd: 0, n_tup_del: 0, n_dead_tup: 0 },
]

describe('analyzePgStats', () => {
  test('node-postgres rows with numeric strings', () => {
    const r = ops.analyzePgStats(statements, indexes, tables)
    assert.equal(r.slowQueries.length, 1)
    const s = r.slowQueries[0]
    assert.equal(s.queryid, '-7412312830456712345')
    assert.equal(s.calls, 40)
    assert.equal(s.totalTimeMs, 9200)
    assert.equal(s.hitPercent, 90)
    assert.deepEqual(s.rewriteHints.map((h) => h.id), ['select_star'])
    assert.equal(r.unusedIndexes.length, 1)
    assert.equal(r.unusedIndexes[0].dropStatement, 'DROP INDEX CONCURRENTLY IF EXISTS public.orders_status_idx;')
    assert.equal(r.unusedIndexes[0].indexBytes, 81920)
    assert.equal(r.constraintIndexesSkipped, 1)
    assert.equal(r.bloatedTables.length, 1)
    assert.equal(r.bloatedTables[0].deadTuplePercent, 30)
    assert.equal(r.bloatedTables[0].deadFraction, 4500 / 13500)
    assert.equal(r.bloatedTables[0].vacuumStatement, 'VACUUM (ANALYZE) public.orders;')
  })

  test('BigInt, Date and pre-13 columns; options', () => {
    const rows = [
      {
        queryid: 18446744073709551615n,
        query: 'SELECT 2',
        calls: 10n,
        total_time: 5000,
        mean_time: 500,
        stats_since: new Date('2026-11-01T00:00:00Z'),
      },
    ]
    const r = ops.analyzePgStats(rows, [], [], { slowMeanMs: 100, slowLimit: 5 })
    assert.equal(r.slowQueries[0].queryid, '18446744073709551615')
    assert.equal(r.slowQueries[0].calls, 10)
    assert.deepEqual(ops.analyzePgStats(rows, [], [], { slowMeanMs: 600 }).slowQueries, [])
    assert.deepEqual(ops.analyzePgStats([], [], []), {
      slowQueries: [],
      unusedIndexes: [],
      constraintIndexesSkipped: 0,
      bloatedTables: [],
    })
  })

  test('coded errors', () => {
    const { calls, ...noCalls } = statements[0]
    throwsCode(() => ops.analyzePgStats([statements[1], noCalls], [], []), 'missing_key', /^statements\[1\]: missing column `calls`/)
    const { relname, ...noRel } = tables[0]
    throwsCode(() => ops.analyzePgStats([], [], [noRel]), 'missing_key', /^tables\[0\]: missing column `relname`/)
    const { indisunique, ...noUnique } = indexes[1]
    throwsCode(() => ops.analyzePgStats([], [noUnique], []), 'missing_key', /indexes\[0\].*indisunique/)
    throwsCode(() => ops.analyzePgStats([{ ...statements[0], calls: 'many' }], [], []), 'invalid_input', /statements\[0\]/)
    throwsCode(() => ops.analyzePgStats([{ ...statements[0], calls: '-4' }], [], []), 'invalid_input', /calls/)
    throwsCode(() => ops.analyzePgStats('rows', [], []), 'invalid_input', /statements/)
    throwsCode(() => ops.analyzePgStats([1], [], []), 'invalid_input', /statements\[0\]/)
    throwsCode(() => ops.analyzePgStats([], [], [], { maxSelectivity: 2 }), 'invalid_config', /max_selectivity/)
    throwsCode(() => ops.analyzePgStats([], [], [], { slow_mean_ms: 1 }), 'invalid_input', /slowMeanMs/)
    throwsCode(() => ops.analyzePgStats([], [], [], 'fast'), 'invalid_type')
  })
})

const analyzedPlan = [
  {
    Plan: {
      'Node Type': 'Seq Scan',
      'Relation Name': 'orders',
      Alias: 'orders',
      'Total Cost': 41000.0,
      'Plan Rows': 30,
      'Actual Rows': 30,
      'Actual Loops': 1,
      'Actual Total Time': 180.0,
      Filter: '(customer_id = 42)',
      'Rows Removed by Filter': 1999970,
    },
    'Execution Time': 181.0,
  },
]
const createOrders = 'CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_id_idx ON orders (customer_id);'

function deepPlan(depth) {
  let node = { 'Node Type': 'Seq Scan', 'Relation Name': 't' }
  for (let i = 0; i < depth; i++) node = { 'Node Type': 'Nested Loop', Plans: [node] }
  return { Plan: node }
}

describe('analyzeExplain', () => {
  test('text, parsed list, object and bare node give the same analysis', () => {
    const a = ops.analyzeExplain(JSON.stringify(analyzedPlan))
    assert.equal(a.analyzed, true)
    assert.equal(a.total, 181)
    assert.equal(a.seqScans.length, 1)
    assert.equal(a.seqScans[0].table, 'orders')
    assert.equal(a.seqScans[0].skipped, null)
    assert.deepEqual(a.seqScans[0].columns, ['customer_id'])
    assert.equal(a.suggestions[0].createStatement, createOrders)
    assert.equal(a.suggestions[0].indexType, 'btree')
    assert.ok(a.suggestions[0].estimatedImpact > 0.99 && a.suggestions[0].build)
    assert.deepEqual(ops.analyzeExplain(analyzedPlan), a)
    assert.deepEqual(ops.analyzeExplain(analyzedPlan[0]), a)
  })

  test('plain EXPLAIN with table rows from the options (keys kept as given)', () => {
    const plan = {
      Plan: {
        'Node Type': 'Seq Scan',
        'Relation Name': 'order_items',
        'Total Cost': 5000,
        'Plan Rows': 10,
        Filter: "(status = 'open'::text)",
      },
    }
    const unknown = ops.analyzeExplain(plan)
    assert.equal(unknown.analyzed, false)
    assert.equal(unknown.seqScans[0].selectivity, null)
    assert.match(unknown.seqScans[0].skipped, /selectivity unknown/)
    const known = ops.analyzeExplain(plan, { tableRows: { 'public.order_items': 100000 } })
    assert.equal(known.seqScans[0].selectivity, 10 / 100000)
    assert.equal(known.suggestions[0].columns[0], 'status')
  })

  test('a moderately deep plan is walked', () => {
    const a = ops.analyzeExplain(deepPlan(50))
    assert.deepEqual(a.seqScans, [])
  })

  test('coded errors', () => {
    throwsCode(() => ops.analyzeExplain('{"Plan": '), 'parse_error', /invalid JSON/)
    throwsCode(() => ops.analyzeExplain('not json'), 'parse_error')
    throwsCode(() => ops.analyzeExplain('['.repeat(100_000) + ']'.repeat(100_000)), 'limit_exceeded')
    throwsCode(() => ops.analyzeExplain(JSON.stringify(deepPlan(300))), 'limit_exceeded')
    throwsCode(() => ops.analyzeExplain({ plan: 1 }), 'invalid_input')
    throwsCode(() => ops.analyzeExplain([]), 'invalid_input')
    throwsCode(() => ops.analyzeExplain({ Plan: { 'Relation Name': 't' } }), 'missing_key', /Node Type/)
    throwsCode(() => ops.analyzeExplain(42), 'invalid_type')
    throwsCode(() => ops.analyzeExplain(), 'invalid_type')
    throwsCode(() => ops.analyzeExplain(analyzedPlan, { buildImpact: -1 }), 'invalid_config')
  })

  test('a hostile 100k-deep object is an error, not a crash', () => {
    let deep = {}
    for (let i = 0; i < 100_000; i++) deep = { Plans: [deep], 'Node Type': 'Nested Loop' }
    throwsCode(() => ops.analyzeExplain({ Plan: deep }), 'limit_exceeded')
    let arrays = []
    for (let i = 0; i < 100_000; i++) arrays = [arrays]
    throwsCode(() => ops.analyzeExplain(arrays), 'limit_exceeded')
    // Still usable afterwards.
    assert.equal(ops.analyzeExplain(analyzedPlan).suggestions.length, 1)
  })

  test('a cyclic object is a clear error', () => {
    const node = { 'Node Type': 'Nested Loop' }
    node.Plans = [node]
    throwsCode(() => ops.analyzeExplain({ Plan: node }), 'invalid_input', /cyclic/)
    throwsCode(() => ops.analyzeExplain({ Plan: { 'Node Type': 'Seq Scan', 'Total Cost': 1n } }), 'invalid_input', /BigInt/)
  })
})

describe('evaluateIndex', () => {
  test('keep or drop', () => {
    const keep = ops.evaluateIndex(250, 2)
    assert.deepEqual(Object.keys(keep).sort(), ['afterMs', 'beforeMs', 'dropCandidate', 'improvement', 'threshold'])
    assert.equal(keep.dropCandidate, false)
    assert.equal(keep.improvement, (250 - 2) / 250)
    assert.equal(keep.threshold, 0.1)
    assert.equal(ops.evaluateIndex(100, 95).dropCandidate, true)
    assert.equal(ops.evaluateIndex(100, 95, { dropImprovement: 0.05 }).dropCandidate, false)
    assert.ok(ops.evaluateIndex(100, 150).improvement < 0)
  })

  test('coded errors', () => {
    throwsCode(() => ops.evaluateIndex(0, 1), 'invalid_input', /before_ms/)
    throwsCode(() => ops.evaluateIndex(-1, 1), 'invalid_input')
    throwsCode(() => ops.evaluateIndex(10, Infinity), 'invalid_input')
    throwsCode(() => ops.evaluateIndex('10', 1), 'invalid_type')
    throwsCode(() => ops.evaluateIndex(10, 1, { dropImprovement: 3 }), 'invalid_config')
  })
})

describe('healingPlan', () => {
  test('routine steps, escalations and the confirmed flush', () => {
    const plan = ops.healingPlan({ cachePing: false, diskUsagePercent: 91 })
    assert.equal(plan.healthy, false)
    assert.deepEqual(plan.failedChecks, ['cache_ping', 'disk_usage_percent'])
    assert.deepEqual(plan.steps.map((s) => s.id), ['reconnect_cache', 'cleanup_temp_files', 'cleanup_old_logs', 'escalate_disk'])
    assert.ok(plan.steps.every((s) => typeof s.requiresConfirmation === 'boolean'))
    const again = ops.healingPlan({ cachePing: false, alreadyTried: ['reconnect_cache'] }, { appDeployment: 'web' })
    const flush = again.steps.find((s) => s.id === 'flush_cache')
    assert.equal(flush.safety, 'destructive')
    assert.equal(flush.requiresConfirmation, true)
    assert.match(flush.command, /deployment\/web/)
    assert.deepEqual(ops.healingPlan({ databaseReachable: true, appHealthStatus: 200 }), {
      healthy: true,
      failedChecks: [],
      steps: [],
    })
  })

  test('coded errors', () => {
    throwsCode(() => ops.healingPlan({ diskUsagePercent: 150 }), 'invalid_input', /disk_usage_percent/)
    throwsCode(() => ops.healingPlan({ appHealthStatus: 42 }), 'invalid_input')
    throwsCode(() => ops.healingPlan({ appHealthStatus: -1 }), 'invalid_input')
    throwsCode(() => ops.healingPlan({ cachePing: 'no' }), 'invalid_type')
    throwsCode(() => ops.healingPlan({}, { tmpAgeDays: 0 }), 'invalid_config')
    throwsCode(() => ops.healingPlan(null), 'invalid_type')
  })
})

const customKb = {
  features: [{ id: 'exports', name: 'Exports', keywords: ['export*', 'csv'] }],
  causes: [
    {
      id: 'disk_full',
      description: 'The export disk is full',
      issue_type: 'performance_issues',
      symptoms: { keywords: ['no space left'], error_codes: ['ENOSPC'], features: ['exports'] },
      diagnostics: ['Check df -h on the export host'],
    },
  ],
  resolutions: [
    { id: 'free_space', cause: 'disk_full', steps: ['Delete old exports'], estimated_minutes: 10, success_rate: 0.9 },
  ],
}

describe('KnowledgeBase', () => {
  test('built-in, fromJson, toJson and the getters', () => {
    const builtin = ops.KnowledgeBase.builtin()
    assert.ok(builtin.causes.length >= 10)
    assert.ok(builtin.resolutions.length >= 10)
    assert.ok(builtin.features.length >= 5)
    const cause = builtin.causes.find((c) => c.id === 'quickbooks_token_expired')
    assert.ok(cause, 'quickbooks_token_expired is built in')
    assert.ok(Array.isArray(cause.symptoms.errorCodes))
    assert.ok('successRate' in builtin.resolutions[0])
    const kb = ops.KnowledgeBase.fromJson(JSON.stringify(customKb))
    assert.equal(kb.causes[0].issueType, 'performance_issues')
    assert.deepEqual(kb.resolutions[0], {
      id: 'free_space',
      cause: 'disk_full',
      steps: ['Delete old exports'],
      estimatedMinutes: 10,
      successRate: 0.9,
      requiresEscalation: false,
    })
    const back = ops.KnowledgeBase.fromJson(kb.toJson())
    assert.equal(back.toJson(), kb.toJson())
    assert.deepEqual(JSON.parse(builtin.toJson()).causes.length, builtin.causes.length)
  })

  test('coded errors', () => {
    const dup = { causes: [customKb.causes[0], { ...customKb.causes[0], description: 'again' }] }
    throwsCode(() => ops.KnowledgeBase.fromJson(JSON.stringify(dup)), 'invalid_config', /duplicate id "disk_full"/)
    const badRef = { ...customKb, resolutions: [{ ...customKb.resolutions[0], cause: 'nope' }] }
    throwsCode(() => ops.KnowledgeBase.fromJson(JSON.stringify(badRef)), 'invalid_config', /unknown cause/)
    throwsCode(() => ops.KnowledgeBase.fromJson('{"causes": ['), 'parse_error')
    throwsCode(() => ops.KnowledgeBase.fromJson(customKb), 'invalid_type')
  })
})

const now = new Date('2026-11-27T15:00:00Z')
const qbReport = {
  title: "Can't sync",
  description: 'QuickBooks says the connection expired, error 401 when I try to sync invoices',
}

describe('extractSymptoms', () => {
  test('codes, actions, features and timeframes as Dates', () => {
    const s = ops.extractSymptoms(
      { description: 'Since yesterday QuickBooks sync fails with error H202 when I try to sync invoices.' },
      now,
    )
    assert.equal(s.errorCodes[0].code, 'H202')
    assert.equal(s.errorCodes[0].kind, 'quickbooks')
    assert.deepEqual(s.userActions, ['sync invoices'])
    assert.ok(s.affectedFeatures.includes('quickbooks_sync'))
    assert.ok(s.timeframes[0].since instanceof Date)
    assert.equal(s.timeframes[0].since.toISOString(), '2026-11-26T00:00:00.000Z')
    assert.ok(s.timeframes[0].until === null || s.timeframes[0].until instanceof Date)
    // An ISO string for now, and a time zone.
    const paris = ops.extractSymptoms({ description: 'broken since yesterday' }, '2026-11-27T15:00:00Z', null, {
      timezone: 'Europe/Paris',
    })
    assert.equal(paris.timeframes[0].since.toISOString(), '2026-11-25T23:00:00.000Z')
  })

  test('a custom knowledge base', () => {
    const kb = ops.KnowledgeBase.fromJson(JSON.stringify(customKb))
    const s = ops.extractSymptoms({ description: 'The CSV export says no space left', features: ['Exports'] }, now, kb)
    assert.deepEqual(s.affectedFeatures, ['exports'])
  })

  test('coded errors', () => {
    throwsCode(() => ops.extractSymptoms({ description: 'x' }, '2026-11-27T15:00:00'), 'invalid_input', /offset/)
    throwsCode(() => ops.extractSymptoms({ description: 'x' }, 12), 'invalid_type')
    throwsCode(() => ops.extractSymptoms({ description: 'x' }, now, 'builtin'), 'invalid_type', /KnowledgeBase/)
    throwsCode(() => ops.extractSymptoms({ description: 'x' }, now, null, { timezone: 'Mars/Olympus' }), 'invalid_config')
    throwsCode(() => ops.extractSymptoms({ body: 'x' }, now), 'invalid_input', /body/)
    throwsCode(() => ops.extractSymptoms('x', now), 'invalid_type')
  })
})

describe('diagnose', () => {
  test('ranked causes, steps and resolutions', () => {
    const d = ops.diagnose(qbReport, now)
    assert.equal(d.possibleCauses[0].id, 'quickbooks_token_expired')
    assert.ok(d.confidence > 0.4 && d.confidence < 1)
    assert.ok(d.possibleCauses[0].strength > d.possibleCauses[1].strength)
    assert.equal(d.resolutions[0].cause, 'quickbooks_token_expired')
    assert.ok(Array.isArray(d.possibleCauses[0].evidence.errorCodes))
    assert.ok(d.diagnosticSteps.every((s) => typeof s.cause === 'string' && typeof s.step === 'string'))
    assert.deepEqual(ops.diagnose(qbReport, now.toISOString(), ops.KnowledgeBase.builtin()), d)
  })

  test('a custom knowledge base and options', () => {
    const kb = ops.KnowledgeBase.fromJson(JSON.stringify(customKb))
    const d = ops.diagnose({ description: 'CSV export fails: ENOSPC, no space left on device' }, now, kb, { maxCauses: 1 })
    assert.equal(d.possibleCauses.length, 1)
    assert.equal(d.possibleCauses[0].id, 'disk_full')
    assert.deepEqual(d.possibleCauses[0].evidence.errorCodes, ['ENOSPC'])
    assert.equal(d.resolutions[0].id, 'free_space')
    assert.equal(d.resolutions[0].escalateTo, null)
    const none = ops.diagnose({ description: 'hello' }, now, kb)
    assert.equal(none.confidence, 0)
    assert.deepEqual(none.possibleCauses, [])
  })

  test('coded errors', () => {
    const big = 'x'.repeat(10 * 1024 * 1024)
    throwsCode(() => ops.diagnose({ description: big }, now), 'limit_exceeded', /report/)
    throwsCode(() => ops.diagnose({ description: 'x' }, now, null, { keywordWeight: 1.5 }), 'invalid_config')
    let deep = {}
    for (let i = 0; i < 100_000; i++) deep = { d: deep }
    throwsCode(() => ops.diagnose({ description: 'x', features: [deep] }, now), 'limit_exceeded')
    const cyclic = { description: 'x' }
    cyclic.self = cyclic
    throwsCode(() => ops.diagnose(cyclic, now), 'limit_exceeded', /cyclic/)
  })

  test('diagnoseAsync resolves like diagnose and rejects with codes', async () => {
    const sync = ops.diagnose(qbReport, now)
    const kb = ops.KnowledgeBase.builtin()
    assert.deepEqual(await ops.diagnoseAsync(qbReport, now), sync)
    assert.deepEqual(await ops.diagnoseAsync(qbReport, now, kb, { timezone: 'UTC' }), sync)
    const results = await Promise.all([1, 2, 3, 4].map(() => ops.diagnoseAsync(qbReport, now)))
    for (const r of results) assert.deepEqual(r, sync)
    const big = 'y '.repeat(6 * 1024 * 1024)
    await rejectsCode(ops.diagnoseAsync({ description: big }, now), 'limit_exceeded')
    await rejectsCode(ops.diagnoseAsync(qbReport, 'yesterday'), 'invalid_input')
    await rejectsCode(ops.diagnoseAsync(qbReport, now, 42), 'invalid_type')
    // A report of the 1 MiB limit is accepted.
    const full = 'QuickBooks sync error 401. '.repeat(Math.floor((1024 * 1024) / 27))
    const d = await ops.diagnoseAsync({ description: full }, now)
    assert.equal(d.possibleCauses[0].id, 'quickbooks_token_expired')
  })

  test('analyzePgStatsAsync and analyzeExplainAsync resolve like the sync calls and reject with codes', async () => {
    assert.deepEqual(await ops.analyzePgStatsAsync(statements, indexes, tables), ops.analyzePgStats(statements, indexes, tables))
    assert.deepEqual(await ops.analyzeExplainAsync(analyzedPlan), ops.analyzeExplain(analyzedPlan))
    assert.deepEqual(await ops.analyzeExplainAsync(JSON.stringify(analyzedPlan)), ops.analyzeExplain(analyzedPlan))
    await rejectsCode(ops.analyzePgStatsAsync([{ query: 'SELECT 1' }], [], []), 'missing_key')
    await rejectsCode(ops.analyzeExplainAsync('[{'), 'parse_error')
    let deep = { 'Node Type': 'Result' }
    for (let i = 0; i < 100000; i++) deep = { 'Node Type': 'Hash', Plans: [deep] }
    await rejectsCode(ops.analyzeExplainAsync(deep), 'limit_exceeded')
  })
})
