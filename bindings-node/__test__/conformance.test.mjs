// Runs every case in tests/fixtures/**/*.json against the Node API.
// The same files are run by tests/conformance.rs (Rust) and
// bindings-python/tests/test_conformance.py; tests/README.md has the format.
//
// Inputs are in the serde (snake_case) form: tickets, cache metrics and rules
// get camelCase keys before the call, and results get snake_case keys before
// the comparison (typed arrays become arrays, and bigints that are safe
// integers become numbers). Calendar instants are passed as the fixture's ISO
// strings and returned Dates compared as `toISOString()` without the `.000`
// milliseconds, as the Rust runner formats them. SLA and escalation events
// get camelCase keys; their results' Dates (`at`, `metAt`, `breachAt`) are
// compared the same way.

import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative } from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'

import * as anomalyOps from './fixture_ops/anomaly.mjs'
import * as capacityForecastOps from './fixture_ops/capacity_forecast.mjs'
import * as capacityScalingOps from './fixture_ops/capacity_scaling.mjs'
import * as kpiOps from './fixture_ops/kpi.mjs'
import * as opsOps from './fixture_ops/ops.mjs'

const require = createRequire(import.meta.url)
const opsbrain = require('../index.js')
const {
  BusinessCalendar,
  ClassificationTable,
  EscalationPolicy,
  RuleSet,
  Router,
  SlaPolicy,
  cache,
} = opsbrain

const here = dirname(fileURLToPath(import.meta.url))
const fixturesDir = join(here, '..', '..', 'tests', 'fixtures')

// Node 20 has no glob for --test or fs.glob: walk the tree.
function fixtureFiles(dir) {
  const out = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...fixtureFiles(path))
    else if (entry.name.endsWith('.json')) out.push(path)
  }
  return out.sort()
}

const isPlainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v)
const toCamel = (key) => key.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase())
const toSnake = (key) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)

// A ticket's own keys in JS spelling (values untouched; non-objects as given,
// so that the error cases reach the binding unchanged).
function jsTicket(ticket) {
  if (!isPlainObject(ticket)) return ticket
  return Object.fromEntries(Object.entries(ticket).map(([k, v]) => [toCamel(k), v]))
}

// An object's own keys in JS spelling (one level; non-objects as given).
function camelKeys(value) {
  if (!isPlainObject(value)) return value
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [toCamel(k), v]))
}

function snakeKeys(value) {
  if (value instanceof Date) return iso(value)
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value
  if (ArrayBuffer.isView(value)) return Array.from(value, snakeKeys)
  if (Array.isArray(value)) return value.map(snakeKeys)
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [toSnake(k), snakeKeys(v)]))
  }
  return value
}

// As `same` in tests/conformance.rs: numbers that are floats within `tol`,
// everything else (integers, strings, keys, null, booleans) exactly. JSON.parse
// reads 5.0 as 5, so a number is a float here unless both sides are integers.
function same(expected, actual, tol) {
  if (typeof expected === 'number' && typeof actual === 'number') {
    if (Number.isInteger(expected) && Number.isInteger(actual)) return expected === actual
    return Math.abs(expected - actual) <= tol
  }
  if (Array.isArray(expected) || Array.isArray(actual)) {
    return (
      Array.isArray(expected) &&
      Array.isArray(actual) &&
      expected.length === actual.length &&
      expected.every((e, i) => same(e, actual[i], tol))
    )
  }
  if (isPlainObject(expected) || isPlainObject(actual)) {
    if (!isPlainObject(expected) || !isPlainObject(actual)) return false
    const keys = Object.keys(expected)
    return (
      keys.length === Object.keys(actual).length &&
      keys.every((k) => Object.hasOwn(actual, k) && same(expected[k], actual[k], tol))
    )
  }
  return expected === actual
}

const table = (input) => ClassificationTable.fromJson(JSON.stringify(input.table))
const rules = (input) => RuleSet.fromJson(JSON.stringify(input.rules))

// A custom router when the case gives a table or rules, else none (the
// top-level functions use the shared built-in router).
function customRouter(input) {
  if (input.table === undefined && input.rules === undefined) return null
  return new Router(
    input.table === undefined ? undefined : table(input),
    input.rules === undefined ? undefined : rules(input),
  )
}

// Trace keys as the preferred BigUint64Array.
const bigKeys = (input) => BigUint64Array.from(input.keys, (k) => BigInt(k))

// The Rust runner's curve summary (tests/conformance.rs `curve_summary`).
function curveSummary(curve, input) {
  return {
    accesses: curve.accesses,
    distinct_keys: curve.distinctKeys,
    hit_ratios: Array.from(curve.hitRatios(input.sizes)),
    max_hit_ratio: curve.maxHitRatio(),
    sizes_for_targets: input.targets.map((t) => curve.sizeForHitRatio(t)),
  }
}

// Optional trace columns, in their typed-array forms, as options.
function traceOptions(input) {
  const out = {}
  if (input.timestamps !== undefined) out.timestamps = Float64Array.from(input.timestamps)
  if (input.writes !== undefined) out.writes = Uint8Array.from(input.writes, Number)
  return out
}

function runCache(op, input) {
  switch (op) {
    case 'cache.lru_mrc':
      // A plain array of numbers here; every other trace op gets a BigUint64Array.
      return curveSummary(cache.lruMrc(input.keys), input)
    case 'cache.shards_mrc': {
      const options = {}
      if (input.rate !== undefined) options.rate = input.rate
      if (input.max_keys !== undefined) options.maxKeys = input.max_keys
      return curveSummary(cache.shardsMrc(bigKeys(input), options), input)
    }
    case 'cache.size_for_hit_ratio':
      return cache.sizeForHitRatio(bigKeys(input), input.policy, input.target)
    case 'cache.simulate':
      return cache.simulate(bigKeys(input), input.capacities, input.policies)
    case 'cache.pattern_stats': {
      const options = { ...traceOptions(input), targetShare: input.target_share }
      if (input.patterns !== undefined) options.patterns = Uint32Array.from(input.patterns)
      return cache.patternStats(bigKeys(input), options)
    }
    case 'cache.warm_candidates': {
      const { timestamps, ...columns } = traceOptions(input)
      return cache.warmCandidates(bigKeys(input), timestamps, {
        ...columns,
        now: input.now,
        windowSecs: input.window_secs,
        topK: input.top_k,
        halfLifeSecs: input.half_life_secs,
      })
    }
    case 'cache.hash_key':
      return String(cache.hashKey(input.key))
    case 'cache.adjust': {
      const table =
        input.table === undefined ? undefined : cache.StrategyTable.fromJson(JSON.stringify(input.table))
      const metrics = Array.isArray(input.metrics) ? input.metrics.map(camelKeys) : input.metrics
      return cache.adjust(metrics, table, camelKeys(input.rules))
    }
    case 'cache.strategy_table.from_json':
      return JSON.parse(cache.StrategyTable.fromJson(input.text).toJson())
    case 'cache.strategy_table.builtin':
      return JSON.parse(cache.StrategyTable.builtin().toJson())
    default:
      throw new Error(`unknown op ${JSON.stringify(op)}: every op must be mapped in every runner`)
  }
}

// As `calendar` in tests/conformance.rs: a preset or a spec object.
function calendar(input) {
  if (input.preset !== undefined) {
    const { name, time_zone: timeZone } = input.preset
    switch (name) {
      case 'always':
        return BusinessCalendar.always(timeZone)
      case 'sixteen_five':
        return BusinessCalendar.sixteenFive(timeZone)
      case 'nine_to_five':
        return BusinessCalendar.nineToFive(timeZone)
      default:
        throw new Error(`unknown preset ${JSON.stringify(name)}`)
    }
  }
  return BusinessCalendar.fromJson(JSON.stringify(input.calendar))
}

// As `iso` in tests/conformance.rs: whole seconds, `Z`.
function iso(date) {
  assert.ok(date instanceof Date, `expected a Date, got ${date}`)
  const text = date.toISOString()
  assert.ok(text.endsWith('.000Z'), `expected whole seconds, got ${text}`)
  return text.replace(/\.000Z$/, 'Z')
}

function runCalendar(op, input) {
  switch (op) {
    case 'calendar.from_json':
      return JSON.parse(BusinessCalendar.fromJson(input.text).toJson())
    case 'calendar.add':
      return iso(calendar(input).add(input.start, input.duration_secs, input.pauses))
    case 'calendar.elapsed':
      return calendar(input).elapsed(input.start, input.end, input.pauses)
    case 'calendar.is_open':
      return calendar(input).isOpen(input.t)
    case 'calendar.next_open':
      return iso(calendar(input).nextOpen(input.t))
    case 'calendar.next_close': {
      const close = calendar(input).nextClose(input.t)
      return close === null ? null : iso(close)
    }
    default:
      throw new Error(`unknown op ${JSON.stringify(op)}: every op must be mapped in every runner`)
  }
}

// Event lists in JS spelling (non-arrays as given, for the error cases).
const jsEvents = (events) => (Array.isArray(events) ? events.map(camelKeys) : events)

// As `run_sla` in tests/conformance.rs.
function runSla(op, input) {
  const policy =
    input.policy === undefined ? SlaPolicy.builtin() : SlaPolicy.fromJson(JSON.stringify(input.policy))
  switch (op) {
    case 'sla.status':
      return opsbrain.slaStatus(policy, jsEvents(input.events), input.now)
    case 'sla.status_batch': {
      const tickets = Array.isArray(input.tickets) ? input.tickets.map(jsEvents) : input.tickets
      return opsbrain.slaStatusBatch(policy, tickets, input.now)
    }
    case 'sla.policy.from_json':
      return JSON.parse(SlaPolicy.fromJson(input.text).toJson())
    default:
      throw new Error(`unknown op ${JSON.stringify(op)}: every op must be mapped in every runner`)
  }
}

// As `run_escalation` in tests/conformance.rs.
function runEscalation(op, input) {
  if (op === 'escalation.policy.from_json') {
    return JSON.parse(EscalationPolicy.fromJson(input.text).toJson())
  }
  const policy = EscalationPolicy.fromJson(JSON.stringify(input.policy))
  const options = { useBuiltinTable: input.use_builtin_table ?? false }
  const timeline = (events, now) => opsbrain.escalationTimeline(policy, jsEvents(events), now, options)
  switch (op) {
    case 'escalation.timeline':
      return timeline(input.events, input.now)
    case 'escalation.rate':
      return opsbrain.escalationRate(input.tickets.map((t) => timeline(t.events, t.now)))
    default:
      throw new Error(`unknown op ${JSON.stringify(op)}: every op must be mapped in every runner`)
  }
}

function run(op, input) {
  if (op.startsWith('sla.')) return runSla(op, input)
  if (op.startsWith('escalation.')) return runEscalation(op, input)
  if (op.startsWith('cache.')) return runCache(op, input)
  if (op.startsWith('calendar.')) return runCalendar(op, input)
  if (op.startsWith('anomaly.')) return anomalyOps.run(op, input)
  if (op.startsWith('capacity.scaling.') || op.startsWith('capacity.hpa.')) return capacityScalingOps.run(op, input)
  if (op.startsWith('capacity.')) return capacityForecastOps.run(op, input)
  if (op.startsWith('kpi.')) return kpiOps.run(op, input)
  if (op.startsWith('ops.')) return opsOps.run(op, input)
  switch (op) {
    case 'classify':
      return input.table === undefined
        ? opsbrain.classify(input.issue_type, input.channel)
        : table(input).classify(input.issue_type, input.channel)
    case 'table.from_json':
      return JSON.parse(ClassificationTable.fromJson(input.text).toJson())
    case 'table.from_toml':
      return JSON.parse(ClassificationTable.fromToml(input.text).toJson())
    case 'rules.from_json':
      return JSON.parse(RuleSet.fromJson(input.text).toJson())
    case 'rules.from_toml':
      return JSON.parse(RuleSet.fromToml(input.text).toJson())
    case 'route_ticket': {
      const router = customRouter(input)
      const ticket = jsTicket(input.ticket)
      return router ? router.route(ticket) : opsbrain.routeTicket(ticket)
    }
    case 'route_tickets': {
      const router = customRouter(input)
      const tickets = Array.isArray(input.tickets) ? input.tickets.map(jsTicket) : input.tickets
      return router ? router.routeMany(tickets) : opsbrain.routeTickets(tickets)
    }
    default:
      throw new Error(`unknown op ${JSON.stringify(op)}: every op must be mapped in every runner`)
  }
}

const files = fixtureFiles(fixturesDir)

test('fixture files exist', () => {
  assert.ok(files.length > 0, `no fixture files under ${fixturesDir}`)
})

for (const file of files) {
  const { cases } = JSON.parse(readFileSync(file, 'utf8'))
  describe(relative(fixturesDir, file), () => {
    for (const c of cases) {
      test(c.name, () => {
        const hasExpected = Object.hasOwn(c, 'expected')
        const hasCode = Object.hasOwn(c, 'error_code')
        assert.ok(hasExpected !== hasCode, `${c.name}: needs exactly one of expected / error_code`)
        const tol = c.tol ?? 0
        let actual
        try {
          actual = snakeKeys(run(c.op, c.input))
        } catch (err) {
          if (hasCode && err instanceof Error && err.code !== undefined) {
            assert.equal(err.code, c.error_code, `wrong code; message: ${err.message}`)
            if (Object.hasOwn(c, 'error_message')) assert.equal(err.message, c.error_message)
            return
          }
          throw err
        }
        if (hasCode) {
          assert.fail(`expected error ${c.error_code}, got ${JSON.stringify(actual)}`)
        }
        assert.ok(
          same(c.expected, actual, tol),
          `expected ${JSON.stringify(c.expected)}\n     got ${JSON.stringify(actual)}`,
        )
      })
    }
  })
}
