// Hostile inputs: each case runs in its own child process (node -e) with a
// timeout and RSS polling (V8 reserves huge address ranges, so the address
// space is no measure), and must end normally having caught an Error whose
// .code is one of ours. Sparse and huge arrays, deep and cyclic objects,
// unknown keys, lossy numbers, wrong types, foreign `this`, classes called
// without `new`, dates outside years 1 to 9999, NaN.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'

const INDEX = join(dirname(fileURLToPath(import.meta.url)), '..', 'index.js')
const CODES = new Set([
  'invalid_input', 'invalid_type', 'missing_key', 'invalid_config', 'parse_error',
  'dimension_mismatch', 'not_fitted', 'unsupported_version', 'limit_exceeded',
])
const TIMEOUT_MS = 20_000
const MAX_RSS_KB = 1.5 * 1024 * 1024

// Shared by every case: the module, a sparse array, deep and cyclic values.
const PRELUDE = `
const o = require(${JSON.stringify(INDEX)})
const sparse = () => { const a = []; a.length = 2 ** 32 - 1; return a }
const deep = (n) => { let d = {}; for (let i = 0; i < n; i++) d = { a: d }; return d }
const deepList = (n) => { let d = []; for (let i = 0; i < n; i++) d = [d]; return d }
const cyclic = () => { const c = { x: 1 }; c.self = c; return c }
const now = '2026-11-30T12:00:00Z'
const created = { type: 'created', at: '2026-11-30T09:00:00Z', tier: 1, priority: 'high' }
const hpa = { currentReplicas: 2, minReplicas: 1, maxReplicas: 10, now, metrics: [] }
const replicas = { currentReplicas: 2, minReplicas: 1, maxReplicas: 10, metrics: { cpu: [0.5] } }
const series = { start: '2026-01-05T00:00:00Z', stepSecs: 60, objective: 0.999, windowSecs: 60 }
const cal = () => o.BusinessCalendar.always('UTC')
const policy = () => o.SlaPolicy.builtin()
`

function rss(pid) {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) : 0
  } catch {
    return 0
  }
}

/** Runs `body` (an expression that should throw or reject) in a child. */
function run(body) {
  const script = `${PRELUDE}
const out = (r) => { process.stdout.write(JSON.stringify(r)); process.exit(0) }
Promise.resolve()
  .then(() => (${body}))
  .then(() => out({ thrown: false }), (e) => out({ thrown: true, code: e && e.code, message: String(e && e.message) }))
`
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    let peak = 0
    let killed = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const poll = setInterval(() => {
      peak = Math.max(peak, rss(child.pid))
      if (peak > MAX_RSS_KB && !killed) {
        killed = `RSS ${peak} kB`
        child.kill('SIGKILL')
      }
    }, 25)
    const timer = setTimeout(() => {
      killed = `timeout after ${TIMEOUT_MS} ms`
      child.kill('SIGKILL')
    }, TIMEOUT_MS)
    child.on('close', (status, signal) => {
      clearInterval(poll)
      clearTimeout(timer)
      resolve({ status, signal, stdout, stderr: stderr.slice(0, 2000), peak, killed })
    })
  })
}

const CASES = {
  'sparse arrays': [
    "o.routeTicket({ subject: 'x', errorCodes: sparse() })",
    'o.routeTickets(sparse())',
    'o.routeTicketsAsync(sparse())',
    'new o.Router().routeMany(sparse())',
    "new o.Router().fit(sparse(), ['a', 'b'])",
    "new o.Router().fit([{ subject: 'x' }, { subject: 'y' }], sparse())",
    'o.slaStatus(policy(), sparse(), now)',
    'o.slaStatusBatch(policy(), sparse(), now)',
    'o.slaStatusBatch(policy(), [sparse()], now)',
    'o.kpi.supportKpis(sparse(), now)',
    'o.kpi.supportKpis([{ events: sparse() }], now)',
    'o.kpi.journeyFunnels(sparse())',
    'o.kpi.errorBudget(sparse(), sparse(), series)',
    "o.kpi.latencySlo(sparse(), { thresholdMs: 1, objective: 0.5 })",
    'o.ops.analyzePgStats(sparse(), [], [])',
    'o.ops.healingPlan({ alreadyTried: sparse() })',
    'o.capacity.hpaDesiredReplicas({ ...hpa, metrics: sparse() })',
    "o.capacity.hpaDesiredReplicas({ ...hpa, metrics: [{ type: 'pods', name: 'x', target: 1, pods: sparse() }] })",
    "o.capacity.forecast(sparse(), { start: '2026-01-05T00:00:00Z', stepSecs: 3600 })",
    'o.cache.lruMrc(sparse())',
    'o.cache.lruMrcAsync(sparse())',
    'o.cache.simulate([1, 2, 1], sparse())',
    'o.cache.hashKeys(sparse())',
    'o.cache.patternStats([1, 2], { timestamps: sparse() })',
    'o.cache.adjust(sparse())',
    'new o.IsolationForest().fit(sparse())',
    'new o.IsolationForest().fit([sparse()])',
    "cal().add(now, 60, sparse())",
  ],
  'huge arrays over the limit': [
    'o.routeTickets(new Array(10_000_001))',
    'o.slaStatusBatch(policy(), new Array(10_000_001).fill([]), now)',
    'o.cache.lruMrc(new Array(10_000_001).fill(1))',
    "o.routeTicket({ subject: 'x', errorCodes: new Array(10_000_001).fill('E') })",
  ],
  'deep and cyclic values': [
    "o.routeTicket({ subject: 'x', body: deep(100_000) })",
    "o.routeTicket({ subject: 'x', errorCodes: deepList(100_000) })",
    "o.routeTicket({ subject: 'x', body: cyclic() })",
    'o.ops.healingPlan(deep(100_000))',
    'o.ops.healingPlan(cyclic())',
    'o.kpi.supportKpis([cyclic()], now)',
    'o.capacity.hpaDesiredReplicas(cyclic())',
    'o.ops.analyzeExplain(deep(100_000))',
  ],
  'unknown keys at each level': [
    "o.routeTicket({ subject: 'x', priority: 'high' })",
    "o.routeTicket({ subject: 'x', error_codes: [] })",
    "o.slaStatus(policy(), [{ ...created, chanel: 'chat' }], now)",
    "o.slaStatusBatch(policy(), [[created], [{ ...created, chanel: 'chat' }]], now)",
    'o.kpi.supportKpis([{ events: [created], colour: 1 }], now)',
    'o.kpi.supportKpis([{ events: [{ ...created, colour: 1 }] }], now)',
    'o.kpi.supportKpis([{ events: [created] }], now, { colour: 1 })',
    'o.kpi.errorBudget([1], [1], { ...series, colour: 1 })',
    "o.kpi.latencySlo({ upperBounds: [1], counts: [1], colour: 1 }, { thresholdMs: 1, objective: 0.5 })",
    'o.ops.healingPlan({ cachePing: false, colour: 1 })',
    "o.ops.optimizePerformance({ slowQueries: [{ query: 'x', executionTimeMs: 1, colour: 1 }] })",
    'o.capacity.hpaDesiredReplicas({ ...hpa, colour: 1 })',
    'o.capacity.replicaRecommendation({ ...replicas, colour: 1 })',
    "o.capacity.forecast([1, 2, 3], { start: '2026-01-05T00:00:00Z', stepSecs: 3600, colour: 1 })",
    'o.cache.shardsMrc([1, 2], { rate: 1, colour: 1 })',
    "o.cache.adjust([{ cacheType: 'x', hitRatio: 0.5, accessFrequency: 1, writeRatio: 0, colour: 1 }])",
    "new o.BusinessCalendar({ timeZone: 'UTC', weekly: {}, colour: 1 })",
    "new o.BusinessCalendar({ timeZone: 'UTC', weekly: { funday: [] } })",
    'new o.IsolationForest({ nTrees: 10 })',
  ],
  'lossy numbers': [
    "new o.Router().fit([{ subject: 'x' }, { subject: 'y' }], ['a', 'b'], { folds: 1.5 })",
    "new o.Router().fit([{ subject: 'x' }, { subject: 'y' }], ['a', 'b'], { seed: -1 })",
    'o.cache.lruMrc([1.5, 1.7])',
    'o.cache.lruMrc([-1])',
    'o.cache.lruMrc([2 ** 53 + 2])',
    'o.cache.lruMrc(new Float64Array([1.5]))',
    'o.cache.lruMrc([1, 2]).hitRatio(1.5)',
    'o.cache.simulate([1, 2, 1], [2.7])',
    'o.capacity.replicaRecommendation({ ...replicas, currentReplicas: 2.7 })',
    'o.capacity.hpaDesiredReplicas({ ...hpa, currentReplicas: -1 })',
    "o.capacity.forecast([1, 2, 3], { start: '2026-01-05T00:00:00Z', stepSecs: 1.5 })",
    'o.kpi.errorBudget([1], [1], { ...series, stepSecs: 1.5 })',
    'o.kpi.supportKpis([{ events: [created], csat: 4.5 }], now)',
    'new o.IsolationForest({ nEstimators: 2.7 })',
    'new o.IsolationForest({ nEstimators: true }).fit([[1, 2], [3, 4]])',
    'new o.IsolationForest({ maxSamples: true }).fit([[1, 2], [3, 4]])',
    'new o.IsolationForest({ randomState: -1 })',
    'o.averagePathLength(2 ** 53 + 2)',
    'o.averagePathLength(-1)',
    'o.ops.pgQueries(1.5)',
    'o.ops.pgQueries(-1)',
    'o.cache.shardsMrc([1, 2], { maxKeys: 1.5 })',
  ],
  'wrong scalar types': [
    'o.classify(5)',
    "o.classify('api_errors', 3)",
    "o.routeTicket('x')",
    'o.routeTicket()',
    'o.ClassificationTable.fromJson(42)',
    'o.SlaPolicy.fromToml({})',
    'new o.BusinessCalendar(42)',
    "cal().isOpen(42)",
    "cal().add(now, '60')",
    'o.cache.hashKey(1)',
    "o.kpi.apdex([1, 2], '3')",
    "o.slaStatus('policy', [created], now)",
    'o.ops.evaluateIndex(true, 1)',
    "new o.IsolationForest({ bootstrap: 'yes' })",
    'new o.Router(42)',
    'o.cache.simulate([1], [1], [1])',
  ],
  'foreign this': [
    "o.ClassificationTable.prototype.classify.call({}, 'x')",
    "o.Router.prototype.route.call({}, { subject: 'x' })",
    "o.Router.prototype.route.call(new o.RuleSet(), { subject: 'x' })",
    "Object.getOwnPropertyDescriptor(o.RuleSet.prototype, 'length').get.call({})",
    'o.cache.MissRatioCurve.prototype.hitRatio.call({}, 1)',
    'o.IsolationForest.prototype.fit.call({}, [[1, 2], [3, 4]])',
    "o.BusinessCalendar.prototype.isOpen.call(o.SlaPolicy.builtin(), now)",
    "o.ops.KnowledgeBase.prototype.toJson.call(null)",
    'o.IsolationForest.prototype.fitAsync.call({}, [[1, 2], [3, 4]])',
  ],
  'classes without new': [
    'o.Router()',
    'o.ClassificationTable()',
    'o.RuleSet()',
    'o.SlaPolicy()',
    "o.BusinessCalendar({ timeZone: 'UTC', weekly: {} })",
    'o.IsolationForest()',
    'o.ProactiveMonitor()',
    'o.cache.StrategyTable()',
    'o.ops.KnowledgeBase()',
    'new o.ops.KnowledgeBase()',
  ],
  'dates outside years 1 to 9999': [
    "cal().isOpen(new Date('0000-12-31T23:59:59Z'))",
    "cal().isOpen('0000-12-31T23:59:59Z')",
    "cal().isOpen(new Date('+010000-01-01T00:00:00Z'))",
    "cal().isOpen('+010000-01-01T00:00:00Z')",
    "cal().add(new Date('9999-12-31T23:00:00Z'), 7200)",
    "cal().nextOpen(new Date(-8.64e15))",
    "o.slaStatus(policy(), [created], new Date('+010000-01-01T00:00:00Z'))",
    "o.slaStatus(policy(), [{ ...created, at: new Date('0000-01-01T00:00:00Z') }], now)",
    "o.kpi.supportKpis([{ events: [{ ...created, at: '+010000-01-01T00:00:00Z' }] }], now)",
    "o.capacity.hpaDesiredReplicas({ ...hpa, now: new Date(8.64e15) })",
  ],
  'NaN where a number is required': [
    'o.cache.lruMrc([1, 2]).sizeForHitRatio(NaN)',
    'o.cache.lruMrc([NaN])',
    'o.kpi.apdex([1, 2], NaN)',
    'o.kpi.apdex([1, NaN], 3)',
    'o.kpi.errorBudget([NaN], [1], series)',
    'cal().add(now, NaN)',
    'new o.IsolationForest().fit([[NaN, 1], [2, 3]])',
    'o.ops.evaluateIndex(NaN, 1)',
    "o.capacity.replicaRecommendation({ ...replicas, metrics: { cpu: [NaN] } })",
    'o.ops.healingPlan({ diskUsagePercent: NaN })',
    "cal().isOpen(new Date(NaN))",
  ],
}

for (const [group, bodies] of Object.entries(CASES)) {
  describe(`hostile: ${group}`, { concurrency: 4 }, () => {
    for (const body of bodies) {
      test(body, async () => {
        const r = await run(body)
        assert.equal(r.killed, '', `killed (${r.killed}); stderr: ${r.stderr}`)
        assert.equal(r.status, 0, `exit ${r.status} / ${r.signal}; stderr: ${r.stderr}`)
        const res = JSON.parse(r.stdout)
        assert.ok(res.thrown, 'no error was thrown')
        assert.ok(CODES.has(res.code), `uncoded error: code ${res.code}: ${res.message}`)
      })
    }
  })
}
