// API-level tests of the classify binding (src/classify.rs): shapes, error
// codes for wrong argument types, limits, async variants, custom routers.
// The behaviour itself is pinned by the shared fixtures (conformance.test.mjs).

import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const opsbrain = require('../index.js')
const { ClassificationTable, RuleSet, Router, classify, routeTicket, routeTickets, routeTicketsAsync } =
  opsbrain

const here = dirname(fileURLToPath(import.meta.url))
const MIB = 1024 * 1024

// The shipped sample tickets, in JS form (no `id`, `errorCodes`).
function sampleTickets() {
  const path = join(here, '..', '..', 'examples', 'data', 'sample_tickets.json')
  return JSON.parse(readFileSync(path, 'utf8')).map(({ id, error_codes, ...rest }) =>
    error_codes === undefined ? rest : { ...rest, errorCodes: error_codes },
  )
}

/** Asserts that `fn` throws an `Error` with `.code === code` (and `message` matching, if given). */
function throwsCode(fn, code, message) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof Error, `not an Error: ${err}`)
    assert.equal(err.code, code, `code of: ${err.message}`)
    if (message) assert.match(err.message, message)
    return true
  })
}

async function rejectsCode(promise, code, message) {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof Error, `not an Error: ${err}`)
    assert.equal(err.code, code, `code of: ${err.message}`)
    if (message) assert.match(err.message, message)
    return true
  })
}

const refundTable = () =>
  ClassificationTable.fromJson(
    JSON.stringify({
      extends: 'builtin',
      entries: { refund_request: { tier: 2, priority: 'high', department: 'billing' } },
    }),
  )

const refundRules = () =>
  RuleSet.fromJson(
    JSON.stringify({
      rules: [{ name: 'refunds', issue_type: 'refund_request', phrases: ['refund my'], keywords: ['refund*'] }],
    }),
  )

describe('classify', () => {
  test('returns a camelCase Route', () => {
    assert.deepEqual(classify('api_errors'), {
      issueType: 'api_errors',
      tier: 2,
      priority: 'high',
      department: 'technical',
      channel: 'email',
      firstResponseSecs: 1800,
    })
  })

  test('channel is optional; undefined and null mean email', () => {
    assert.equal(classify('login_failed', 'chat').firstResponseSecs, 900)
    assert.deepEqual(classify('login_failed', undefined), classify('login_failed'))
    assert.deepEqual(classify('login_failed', null), classify('login_failed'))
  })

  test('wrong argument types give invalid_type', () => {
    throwsCode(() => classify(42), 'invalid_type', /issueType must be a string, got number/)
    throwsCode(() => classify(), 'invalid_type', /got undefined/)
    throwsCode(() => classify(null), 'invalid_type', /got null/)
    throwsCode(() => classify(['api_errors']), 'invalid_type', /got array/)
    throwsCode(() => classify('api_errors', 5), 'invalid_type', /channel must be a string/)
  })

  test('unknown channel gives invalid_input', () => {
    throwsCode(() => classify('api_errors', 'fax'), 'invalid_input', /"fax"/)
  })
})

describe('ClassificationTable', () => {
  test('builtin, constructor, length, contains', () => {
    const t = ClassificationTable.builtin()
    assert.equal(t.length, 15)
    assert.equal(new ClassificationTable().toJson(), t.toJson())
    assert.ok(t.contains('data_leak'))
    assert.ok(!t.contains('DATA_LEAK'))
    throwsCode(() => t.contains(1), 'invalid_type')
  })

  test('JSON round trip', () => {
    const t = refundTable()
    assert.equal(t.length, 16)
    const back = ClassificationTable.fromJson(t.toJson())
    assert.equal(back.toJson(), t.toJson())
    assert.deepEqual(back.classify('refund_request', 'chat'), t.classify('refund_request', 'chat'))
    assert.equal(t.classify('refund_request').department, 'billing')
    assert.equal(t.classify('printer_on_fire').department, 'general')
  })

  test('TOML table', () => {
    const t = ClassificationTable.fromToml(
      '[[entries]]\ntype = "refund_request"\ntier = 2\npriority = "high"\ndepartment = "billing"\n',
    )
    assert.equal(t.length, 1)
    assert.equal(t.classify('refund_request').tier, 2)
  })

  test('tier 7 gives invalid_config naming the entry', () => {
    const text = JSON.stringify({
      entries: [
        { type: 'a', tier: 1, priority: 'low', department: 'x' },
        { type: 'b', tier: 7, priority: 'low', department: 'x' },
      ],
    })
    throwsCode(() => ClassificationTable.fromJson(text), 'invalid_config', /entries\[1\] \("b"\).*tier 7/)
  })

  test('parse errors and wrong types', () => {
    throwsCode(() => ClassificationTable.fromJson('{not json'), 'parse_error')
    throwsCode(() => ClassificationTable.fromToml('entries = ['), 'parse_error')
    throwsCode(() => ClassificationTable.fromJson(42), 'invalid_type', /text must be a string/)
    throwsCode(() => ClassificationTable.fromJson({ entries: [] }), 'invalid_type')
  })
})

describe('RuleSet', () => {
  test('builtin, JSON and TOML round trips', () => {
    assert.ok(RuleSet.builtin().length >= 15)
    assert.equal(new RuleSet().toJson(), RuleSet.builtin().toJson())
    const rules = refundRules()
    assert.equal(rules.length, 1)
    assert.equal(RuleSet.fromJson(rules.toJson()).toJson(), rules.toJson())
    const toml = RuleSet.fromToml('[[rules]]\nname = "r"\nissue_type = "api_errors"\nkeywords = ["api"]\n')
    assert.deepEqual(JSON.parse(toml.toJson()).rules[0].keywords, ['api'])
  })

  test('errors', () => {
    throwsCode(() => RuleSet.fromJson('{"rules": [{"name": "r", "issue_type": "x"}]}'), 'invalid_config')
    throwsCode(() => RuleSet.fromJson('{"rules": [], "bogus": 1}'), 'parse_error')
    throwsCode(() => RuleSet.fromToml(null), 'invalid_type')
  })
})

describe('routeTicket', () => {
  test('returns a camelCase Routing', () => {
    const r = routeTicket({ subject: 'Password reset link expired' })
    assert.deepEqual(Object.keys(r).sort(), ['candidates', 'confidence', 'evidence', 'issueType', 'route', 'rule', 'score'])
    assert.equal(r.issueType, 'password_reset')
    assert.equal(typeof r.rule, 'string')
    assert.ok(r.confidence > 0.5 && r.confidence < 1)
    assert.deepEqual(Object.keys(r.route).sort(), [
      'channel',
      'department',
      'firstResponseSecs',
      'issueType',
      'priority',
      'tier',
    ])
  })

  test('unclassified has rule null', () => {
    const r = routeTicket({ subject: 'dark mode please' })
    assert.equal(r.issueType, 'unclassified')
    assert.equal(r.rule, null)
    assert.equal(r.confidence, 0)
  })

  test('errorCodes are read', () => {
    const r = routeTicket({ subject: 'help', errorCodes: ['QB-1021'] })
    assert.equal(r.issueType, 'quickbooks_sync_failed')
  })

  test('undefined fields are absent', () => {
    assert.deepEqual(
      routeTicket({ subject: 'Site is down', body: undefined, errorCodes: undefined, channel: undefined }),
      routeTicket({ subject: 'Site is down' }),
    )
  })

  test('wrong types give our codes, never napi codes', () => {
    throwsCode(() => routeTicket('x'), 'invalid_type')
    throwsCode(() => routeTicket(), 'invalid_type')
    throwsCode(() => routeTicket(null), 'invalid_type')
    throwsCode(() => routeTicket([{ subject: 'x' }]), 'invalid_type')
    throwsCode(() => routeTicket({ subject: 42 }), 'invalid_type')
    throwsCode(() => routeTicket({ subject: 'a', errorCodes: 'E1' }), 'invalid_type')
    throwsCode(() => routeTicket({ subject: 'a', errorCodes: [1, 2] }), 'invalid_type')
    throwsCode(() => routeTicket({ subject: 'a', body: () => 'x' }), 'invalid_type', /body/)
    // undefined reads as null: a null where a value is required is invalid_input, as in every reader.
    throwsCode(() => routeTicket({ subject: 'a', errorCodes: [undefined] }), 'invalid_input', /^ticket\.error_codes\[0\]: /)
    throwsCode(() => routeTicket({ subject: 'a', errorCodes: [Symbol('x')] }), 'invalid_type')
    throwsCode(() => routeTicket({ subject: 'a', channel: 3 }), 'invalid_type')
  })

  test('missing subject, unknown keys, unknown channel', () => {
    throwsCode(() => routeTicket({}), 'missing_key')
    throwsCode(() => routeTicket({ body: 'help' }), 'missing_key')
    throwsCode(() => routeTicket({ subject: 'a', priority: 'high' }), 'invalid_input', /^ticket\.priority: unknown field `priority`/)
    throwsCode(() => routeTicket({ subject: 'a', channel: 'fax' }), 'invalid_input', /^ticket\.channel: unknown channel "fax"/)
  })

  test('the snake_case error_codes key is refused in JS', () => {
    throwsCode(() => routeTicket({ subject: 'a', error_codes: ['E1'] }), 'invalid_input', /errorCodes/)
  })

  test('cyclic and deeply nested values are refused, not a crash', () => {
    const t = { subject: 'a' }
    t.body = t
    throwsCode(() => routeTicket(t), 'limit_exceeded')
    let deep = []
    for (let i = 0; i < 10_000; i++) deep = [deep]
    throwsCode(() => routeTicket({ subject: 'a', errorCodes: deep }), 'limit_exceeded')
  })

  test('huge input gives limit_exceeded', () => {
    throwsCode(() => routeTicket({ subject: 'x'.repeat(MIB + 1) }), 'limit_exceeded', /1048577 bytes/)
    throwsCode(() => routeTicket({ subject: 'x'.repeat(MIB / 2), body: 'y'.repeat(MIB / 2 + 1) }), 'limit_exceeded')
    assert.equal(routeTicket({ subject: 'x'.repeat(MIB) }).issueType, 'unclassified')
    throwsCode(() => routeTicket({ subject: 'a', errorCodes: new Array(257).fill('E1') }), 'limit_exceeded')
    throwsCode(() => routeTicket({ subject: 'a', errorCodes: ['E'.repeat(257)] }), 'limit_exceeded')
  })
})

describe('routeTickets', () => {
  test('keeps order and equals routeTicket one by one', () => {
    const tickets = sampleTickets()
    const batch = routeTickets(tickets)
    assert.equal(batch.length, tickets.length)
    assert.deepEqual(
      batch,
      tickets.map((t) => routeTicket(t)),
    )
    assert.deepEqual(routeTickets([]), [])
  })

  test('errors name the bad ticket', () => {
    throwsCode(() => routeTickets({}), 'invalid_type', /must be an array/)
    throwsCode(() => routeTickets('x'), 'invalid_type')
    throwsCode(() => routeTickets(), 'invalid_type')
    throwsCode(() => routeTickets([{ subject: 'ok' }, 'x']), 'invalid_type', /^tickets\[1\] must be an object/)
    throwsCode(() => routeTickets([{ subject: 'ok' }, { subject: 'x', channel: 'pigeon' }]), 'invalid_input', /^tickets\[1\]\.channel: /)
    throwsCode(() => routeTickets([{ subject: 'x'.repeat(MIB + 1) }]), 'limit_exceeded', /^tickets\[0\]: /)
  })

  test('a batch over the core bound gives limit_exceeded before any work', () => {
    const huge = []
    huge.length = 2 ** 32 - 1
    throwsCode(() => routeTickets(huge), 'limit_exceeded')
  })
})

describe('async variants', () => {
  test('routeTicketsAsync equals routeTickets', async () => {
    const tickets = sampleTickets()
    const promise = routeTicketsAsync(tickets)
    assert.ok(promise instanceof Promise)
    assert.deepEqual(await promise, routeTickets(tickets))
    assert.deepEqual(await routeTicketsAsync([]), [])
  })

  test('Router.routeManyAsync equals routeMany', async () => {
    const router = new Router(refundTable(), refundRules())
    const tickets = [{ subject: 'please refund my order' }, { subject: 'refunds' }, { subject: 'hello' }]
    assert.deepEqual(await router.routeManyAsync(tickets), router.routeMany(tickets))
  })

  test('errors reject (never throw synchronously) with our codes', async () => {
    await rejectsCode(routeTicketsAsync({}), 'invalid_type')
    await rejectsCode(routeTicketsAsync([{ body: 'x' }]), 'missing_key', /^tickets\[0\]: /)
    await rejectsCode(routeTicketsAsync([{ subject: 'x'.repeat(MIB + 1) }]), 'limit_exceeded')
    await rejectsCode(new Router().routeManyAsync([{ subject: 'a', errorCodes: 'E1' }]), 'invalid_type')
  })
})

describe('Router', () => {
  test('defaults to the built-in table and rules', () => {
    const tickets = sampleTickets()
    assert.deepEqual(new Router().routeMany(tickets), routeTickets(tickets))
    assert.deepEqual(new Router(null, undefined).route(tickets[0]), routeTicket(tickets[0]))
  })

  test('custom table and rules', () => {
    const router = new Router(refundTable(), refundRules())
    const r = router.route({ subject: 'please refund my order', channel: 'chat' })
    assert.equal(r.issueType, 'refund_request')
    assert.equal(r.rule, 'refunds')
    assert.deepEqual(r.route, {
      issueType: 'refund_request',
      tier: 2,
      priority: 'high',
      department: 'billing',
      channel: 'chat',
      firstResponseSecs: 1800,
    })
    // Only the custom rules apply: built-in evidence no longer counts.
    assert.equal(router.route({ subject: 'Site is down' }).issueType, 'unclassified')
    // Custom table, built-in rules.
    assert.equal(new Router(refundTable()).route({ subject: 'Site is down' }).issueType, 'system_unavailable')
  })

  test('wrong argument types give invalid_type', () => {
    throwsCode(() => new Router('builtin'), 'invalid_type', /ClassificationTable/)
    throwsCode(() => new Router(RuleSet.builtin()), 'invalid_type', /ClassificationTable/)
    throwsCode(() => new Router(undefined, ClassificationTable.builtin()), 'invalid_type', /RuleSet/)
    throwsCode(() => new Router().route('x'), 'invalid_type')
    throwsCode(() => new Router().routeMany({}), 'invalid_type')
  })
})

describe('Router.fit', () => {
  const subjects = [
    'The invoice PDF comes out blank',
    'pdf export of invoices is empty',
    'exported pdf has no content at all',
    'blank pages when I download the invoice as pdf',
    "Can't log in since this morning",
    'login keeps failing, invalid credentials',
    'unable to sign in to my account',
    'locked out after the update',
  ]
  const tickets = subjects.map((subject) => ({ subject }))
  const labels = [...Array(4).fill('pdf_export'), ...Array(4).fill('login_failed')]

  test('learns a team type, reports cross-validation, survives JSON', () => {
    const router = new Router()
    const report = router.fit(tickets, labels, { folds: 4, seed: 1 })
    assert.equal(report.tickets, 8)
    assert.equal(report.folds, 4)
    assert.ok(report.labels.includes('pdf_export') && router.labels.includes('pdf_export'))
    assert.equal(report.confusion.flat().reduce((a, b) => a + b, 0), 8)
    assert.ok(report.cvAccuracy >= 0 && report.cvAccuracy <= 1)
    const r = router.route({ subject: 'my invoice pdf is blank again' })
    assert.equal(r.issueType, 'pdf_export')
    assert.equal(r.candidates[0].issueType, 'pdf_export')
    assert.equal(r.confidence, r.candidates[0].probability)
    const again = new Router()
    assert.deepEqual(again.fit(tickets, labels, { folds: 4, seed: 1 }), report)
    assert.equal(again.toJson(), router.toJson())
    assert.deepEqual(Router.fromJson(router.toJson()).route({ subject: 'my invoice pdf is blank again' }), r)
  })

  test('without folds there is no cross-validation', () => {
    const r = new Router().fit(tickets, labels, { folds: 0 })
    assert.equal(r.folds, 0)
    assert.equal(r.cvAccuracy, null)
  })

  test('errors are coded', () => {
    const router = new Router()
    throwsCode(() => router.fit(tickets, labels.slice(0, 3)), 'dimension_mismatch')
    throwsCode(() => router.fit(tickets.slice(0, 2), ['a', 'a']), 'invalid_input')
    throwsCode(() => router.fit(tickets, labels, { epochs: 0 }), 'invalid_config')
    throwsCode(() => router.fit(tickets, labels, { foldz: 3 }), 'invalid_input')
    throwsCode(() => router.fit(tickets, labels, { folds: 2.5 }), 'invalid_type')
    throwsCode(() => router.fit(tickets, labels.map(() => 1)), 'invalid_type')
    throwsCode(() => router.fit('x', labels), 'invalid_type')
    throwsCode(() => Router.fromJson('{"table": {}}'), 'parse_error')
    // A failed fit leaves the router as it was.
    assert.equal(router.labels.includes('pdf_export'), false)
  })
})
