// SLA timers and escalation timelines: instants as Dates or strings, Date
// results, policies, escalationRate and the coded errors of bad arguments.

import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { describe, test } from 'node:test'

const require = createRequire(import.meta.url)
const {
  SlaPolicy,
  EscalationPolicy,
  slaStatus,
  slaStatusBatch,
  escalationTimeline,
  escalationRate,
} = require('../index.js')

function throwsCode(fn, code, message) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof Error, `not an Error: ${err}`)
    assert.equal(err.code, code, `wrong code; message: ${err.message}`)
    if (message !== undefined) assert.match(err.message, message)
    return true
  })
}

const events = [
  { type: 'created', at: '2026-11-30T09:00:00Z', tier: 1, priority: 'high', channel: 'chat' },
  { type: 'first_response', at: '2026-11-30T09:10:00Z' },
]

const escalationPolicy = EscalationPolicy.fromJson(
  JSON.stringify({
    levels: [
      { name: 'user_support', tier: 1 },
      { name: 'technical', tier: 2, delay_secs: 1800 },
      { name: 'sysadmin', tier: 3, delay_secs: 900 },
    ],
  }),
)

describe('SlaPolicy', () => {
  test('constructor is the built-in policy', () => {
    assert.equal(new SlaPolicy().toJson(), SlaPolicy.builtin().toJson())
  })

  test('toJson round-trips through fromJson', () => {
    const text = SlaPolicy.builtin().toJson()
    assert.equal(SlaPolicy.fromJson(text).toJson(), text)
  })

  test('bad text', () => {
    throwsCode(() => SlaPolicy.fromJson(42), 'invalid_type')
    throwsCode(() => SlaPolicy.fromJson('{'), 'parse_error')
  })
})

describe('slaStatus', () => {
  test('camelCase result with Dates', () => {
    const s = slaStatus(SlaPolicy.builtin(), events, '2026-11-30T12:00:00Z')
    assert.equal(s.tier, 1)
    assert.equal(s.channel, 'chat')
    const fr = s.firstResponse
    assert.equal(fr.state, 'met')
    assert.equal(fr.targetSecs, 900)
    assert.ok(fr.metAt instanceof Date)
    assert.equal(fr.metAt.toISOString(), '2026-11-30T09:10:00.000Z')
    assert.equal(fr.breachAt, null)
    assert.ok(fr.warnings[0].at instanceof Date)
    assert.ok(s.resolution.breachAt instanceof Date)
  })

  test('Date and string instants agree', () => {
    const policy = SlaPolicy.builtin()
    const asDates = events.map((e) => ({ ...e, at: new Date(e.at) }))
    const a = slaStatus(policy, events, '2026-11-30T12:00:00Z')
    const b = slaStatus(policy, asDates, new Date('2026-11-30T12:00:00Z'))
    const c = slaStatus(policy, events, '2026-11-30T07:00:00-05:00')
    assert.deepEqual(a, b)
    assert.deepEqual(a, c)
  })

  test('batch keeps order', () => {
    const policy = SlaPolicy.builtin()
    const one = slaStatus(policy, events, '2026-11-30T12:00:00Z')
    const list = slaStatusBatch(policy, [events, events.slice(0, 1)], '2026-11-30T12:00:00Z')
    assert.equal(list.length, 2)
    assert.deepEqual(list[0], one)
    assert.equal(list[1].firstResponse.state, 'breached')
  })

  test('wrong types are invalid_type', () => {
    const now = '2026-11-30T12:00:00Z'
    throwsCode(() => slaStatus({}, events, now), 'invalid_type', /policy/)
    throwsCode(() => slaStatus(SlaPolicy.builtin(), 'x', now), 'invalid_type', /events/)
    throwsCode(() => slaStatus(SlaPolicy.builtin(), [1], now), 'invalid_type', /events\[0\]/)
    throwsCode(() => slaStatus(SlaPolicy.builtin(), events, 5), 'invalid_type', /now/)
    const badAt = [{ ...events[0], at: 5 }]
    throwsCode(() => slaStatus(SlaPolicy.builtin(), badAt, now), 'invalid_type', /events\[0\]\.at/)
    throwsCode(() => slaStatusBatch(SlaPolicy.builtin(), [events, 'x'], now), 'invalid_type', /tickets\[1\]/)
  })

  test('an instant without an offset is invalid_input', () => {
    throwsCode(
      () => slaStatus(SlaPolicy.builtin(), events, '2026-11-30T12:00:00'),
      'invalid_input',
      /offset/,
    )
    const naive = [{ ...events[0], at: '2026-11-30T09:00:00' }]
    throwsCode(() => slaStatus(SlaPolicy.builtin(), naive, '2026-11-30T12:00:00Z'), 'invalid_input', /offset/)
  })

  test('shape errors are invalid_input naming the event', () => {
    const now = '2026-11-30T12:00:00Z'
    const noTier = [{ type: 'created', at: '2026-11-30T09:00:00Z', priority: 'high' }]
    throwsCode(() => slaStatus(SlaPolicy.builtin(), noTier, now), 'missing_key', /events\[0\]/)
    const unknown = [events[0], { type: 'teleported', at: '2026-11-30T09:10:00Z' }]
    throwsCode(() => slaStatus(SlaPolicy.builtin(), unknown, now), 'invalid_input', /events\[1\]/)
    const snake = [{ ...events[0], issue_type: 'x' }]
    throwsCode(() => slaStatus(SlaPolicy.builtin(), snake, now), 'invalid_input', /issueType/)
  })

  test('core errors keep their codes', () => {
    throwsCode(() => slaStatus(SlaPolicy.builtin(), [events[1]], '2026-11-30T12:00:00Z'), 'invalid_input')
    throwsCode(() => slaStatus(SlaPolicy.builtin(), events, '2026-11-30T09:05:00Z'), 'invalid_input')
  })
})

describe('escalation', () => {
  const created = { type: 'created', at: '2026-11-30T09:00:00Z', tier: 1, priority: 'high' }

  test('timeline with Dates', () => {
    const tl = escalationTimeline(escalationPolicy, [created], new Date('2026-11-30T09:40:00Z'))
    assert.equal(tl.initialTier, 1)
    assert.equal(tl.currentTier, 2)
    assert.equal(tl.currentLevel, 'technical')
    assert.deepEqual(
      tl.fired.map((f) => [f.at.toISOString(), f.level, f.reason]),
      [
        ['2026-11-30T09:00:00.000Z', 'user_support', 'level'],
        ['2026-11-30T09:30:00.000Z', 'technical', 'level'],
      ],
    )
    assert.ok(tl.next.at instanceof Date)
    assert.equal(tl.next.level, 'sysadmin')
    assert.equal(tl.stopped, false)
    assert.equal(tl.stopReason, null)
  })

  test('acknowledgement stops; options are checked', () => {
    const acked = [created, { type: 'acknowledged', at: '2026-11-30T09:05:00Z', by: 'ana' }]
    const tl = escalationTimeline(escalationPolicy, acked, '2026-11-30T10:00:00Z', { useBuiltinTable: true })
    assert.equal(tl.stopped, true)
    assert.equal(tl.stopReason, 'acknowledged')
    throwsCode(() => escalationTimeline(escalationPolicy, acked, '2026-11-30T10:00:00Z', { bogus: 1 }), 'invalid_input')
    throwsCode(
      () => escalationTimeline(escalationPolicy, acked, '2026-11-30T10:00:00Z', { useBuiltinTable: 'yes' }),
      'invalid_type',
    )
    throwsCode(() => escalationTimeline(SlaPolicy.builtin(), acked, '2026-11-30T10:00:00Z'), 'invalid_type')
  })

  test('escalationRate over timelines', () => {
    const escalated = escalationTimeline(escalationPolicy, [created], '2026-11-30T09:40:00Z')
    const quiet = escalationTimeline(escalationPolicy, [created], '2026-11-30T09:10:00Z')
    assert.deepEqual(escalationRate([escalated, quiet, quiet, quiet]), {
      tickets: 4,
      escalated: 1,
      rate: 0.25,
      meetsThreshold: false,
      meetsTarget: false,
    })
    assert.deepEqual(escalationRate([]), {
      tickets: 0,
      escalated: 0,
      rate: 0,
      meetsThreshold: true,
      meetsTarget: true,
    })
    throwsCode(() => escalationRate('x'), 'invalid_type')
    throwsCode(() => escalationRate([{ initialTier: 1 }]), 'missing_key', /timelines\[0\]/)
  })

  test('policy round trip and errors', () => {
    const text = escalationPolicy.toJson()
    assert.equal(EscalationPolicy.fromJson(text).toJson(), text)
    throwsCode(() => EscalationPolicy.fromJson(null), 'invalid_type')
    throwsCode(() => EscalationPolicy.fromJson('{"levels": [{"name": "x", "tier": 7}]}'), 'invalid_config')
  })
})
