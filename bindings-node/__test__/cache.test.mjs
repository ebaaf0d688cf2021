// API-level tests of the cache binding (src/cache.rs): argument forms, shapes,
// error codes for wrong argument types, async variants, the strategy table.
// The behaviour itself is pinned by the shared fixtures (conformance.test.mjs).

import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { describe, test } from 'node:test'

const require = createRequire(import.meta.url)
const { cache } = require('../index.js')

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
  assert.ok(promise instanceof Promise, 'not a Promise')
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof Error, `not an Error: ${err}`)
    assert.equal(err.code, code, `code of: ${err.message}`)
    if (message) assert.match(err.message, message)
    return true
  })
}

// The curve's observable state, for comparisons.
const curveState = (c) => ({
  json: c.toJson(),
  accesses: c.accesses,
  distinctKeys: c.distinctKeys,
  method: c.method,
  samplingRate: c.samplingRate,
  sizes: Array.from(c.sizes),
  stepHitRatios: Array.from(c.stepHitRatios),
})

const LOOP = [1, 1, 2, 1, 3, 2]
// A skewed trace with a curve of many steps.
const zipfish = (n, m = 500) => BigUint64Array.from({ length: n }, (_, i) => BigInt(Math.floor(m / (1 + ((i * 7919) % m)))))

describe('keys', () => {
  test('BigUint64Array, number[], bigint[] and Uint32Array give the same curve', () => {
    const expected = curveState(cache.lruMrc(new BigUint64Array(LOOP.map(BigInt))))
    assert.deepEqual(curveState(cache.lruMrc(LOOP)), expected)
    assert.deepEqual(curveState(cache.lruMrc(LOOP.map(BigInt))), expected)
    assert.deepEqual(curveState(cache.lruMrc([1, 1n, 2, 1n, 3, 2n])), expected)
    assert.deepEqual(curveState(cache.lruMrc(new Uint32Array(LOOP))), expected)
  })

  test('a view into a larger buffer reads only its own elements', () => {
    const buf = new BigUint64Array([9n, 9n, ...LOOP.map(BigInt), 9n])
    const view = new BigUint64Array(buf.buffer, 16, LOOP.length)
    assert.deepEqual(curveState(cache.lruMrc(view)), curveState(cache.lruMrc(LOOP)))
  })

  test('the whole u64 range is accepted', () => {
    const max = 2n ** 64n - 1n
    assert.equal(cache.lruMrc([0, 2n ** 63n, max, max]).distinctKeys, 3)
    assert.equal(cache.lruMrc(new BigUint64Array([0n, max, max])).maxHitRatio(), 1 / 3)
  })

  test('wrong types give invalid_type', () => {
    throwsCode(() => cache.lruMrc(), 'invalid_type', /keys must be .*got undefined/)
    throwsCode(() => cache.lruMrc(null), 'invalid_type', /got null/)
    throwsCode(() => cache.lruMrc('1,2'), 'invalid_type', /got string/)
    throwsCode(() => cache.lruMrc({ length: 2, 0: 1, 1: 2 }), 'invalid_type', /got object/)
    throwsCode(() => cache.lruMrc(new Int32Array([1, 2])), 'invalid_type', /got Int32Array/)
    throwsCode(() => cache.lruMrc(new Float32Array([1, 2])), 'invalid_type', /got Float32Array/)
    throwsCode(() => cache.lruMrc(new Float64Array([1, 2])), 'invalid_type', /got Float64Array/)
    throwsCode(() => cache.lruMrc([1, 'a']), 'invalid_type', /^keys\[1\] .*got string/)
    throwsCode(() => cache.lruMrc([1, , 2]), 'invalid_type', /^keys\[1\] .*got undefined/)
    throwsCode(() => cache.lruMrc([1, null]), 'invalid_type', /^keys\[1\]/)
    throwsCode(() => cache.lruMrc([[1]]), 'invalid_type', /^keys\[0\] .*got array/)
  })

  test('bad values give invalid_input', () => {
    throwsCode(() => cache.lruMrc([1, -1]), 'invalid_input', /^keys\[1\] .*-1/)
    throwsCode(() => cache.lruMrc([1.5]), 'invalid_input', /^keys\[0\]/)
    throwsCode(() => cache.lruMrc([NaN]), 'invalid_input')
    throwsCode(() => cache.lruMrc([Infinity]), 'invalid_input')
    throwsCode(() => cache.lruMrc([2 ** 64]), 'invalid_input')
    throwsCode(() => cache.lruMrc([-1n]), 'invalid_input', /negative/)
    throwsCode(() => cache.lruMrc([2n ** 64n]), 'invalid_input', /2\^64/)
  })

  test('empty keys reach the core', () => {
    throwsCode(() => cache.lruMrc([]), 'invalid_input', /the trace is empty/)
    throwsCode(() => cache.lruMrc(new BigUint64Array()), 'invalid_input', /the trace is empty/)
    throwsCode(() => cache.simulate([], [1]), 'invalid_input', /the trace is empty/)
  })

  test('keys detached while other arguments are read are seen as empty, not read', () => {
    const keys = new BigUint64Array([1n, 2n, 1n])
    const options = {
      get rate() {
        structuredClone(keys.buffer, { transfer: [keys.buffer] })
        return 1
      },
    }
    throwsCode(() => cache.shardsMrc(keys, options), 'invalid_input', /the trace is empty/)
  })
})

describe('MissRatioCurve', () => {
  test('getters and methods', () => {
    const c = cache.lruMrc(LOOP)
    assert.ok(c instanceof cache.MissRatioCurve)
    assert.equal(c.accesses, 6)
    assert.equal(c.distinctKeys, 3)
    assert.equal(c.method, 'exact')
    assert.equal(c.samplingRate, 1)
    assert.ok(c.sizes instanceof Float64Array)
    assert.ok(c.stepHitRatios instanceof Float64Array)
    assert.deepEqual(Array.from(c.sizes), [1, 2, 3])
    assert.deepEqual(Array.from(c.stepHitRatios), [1 / 6, 2 / 6, 3 / 6])
    assert.equal(c.hitRatio(0), 0)
    assert.equal(c.hitRatio(2), 1 / 3)
    assert.equal(c.hitRatio(2n), 1 / 3)
    assert.equal(c.missRatio(3), 0.5)
    assert.equal(c.maxHitRatio(), 0.5)
    assert.equal(c.sizeForHitRatio(0.3), 2)
    assert.equal(c.sizeForHitRatio(0.9), null)
    assert.equal(c.sizeForHitRatio(0), 0)
  })

  test('hitRatios takes number[], Float64Array or BigUint64Array and returns a Float64Array', () => {
    const c = cache.lruMrc(LOOP)
    const expected = [0, 1 / 6, 1 / 3, 0.5, 0.5]
    for (const sizes of [[0, 1, 2, 3, 4], new Float64Array([0, 1, 2, 3, 4]), new BigUint64Array([0n, 1n, 2n, 3n, 4n])]) {
      const got = c.hitRatios(sizes)
      assert.ok(got instanceof Float64Array)
      assert.deepEqual(Array.from(got), expected)
    }
    assert.deepEqual(Array.from(c.hitRatios([])), [])
    assert.deepEqual(
      Array.from(c.hitRatios([1, 2, 3])),
      [1, 2, 3].map((s) => c.hitRatio(s)),
    )
  })

  test('knee is {size, hitRatio} or null', () => {
    assert.equal(cache.lruMrc([1, 2, 3, 1, 2, 3]).knee(), null)
    const knee = cache.lruMrc(zipfish(5000)).knee()
    assert.deepEqual(Object.keys(knee).sort(), ['hitRatio', 'size'])
    assert.equal(typeof knee.size, 'number')
    assert.ok(knee.hitRatio > 0 && knee.hitRatio <= 1)
  })

  test('JSON round trip', () => {
    const c = cache.shardsMrc(zipfish(5000), { rate: 0.5 })
    const back = cache.MissRatioCurve.fromJson(c.toJson())
    assert.deepEqual(curveState(back), curveState(c))
    assert.deepEqual(Object.keys(JSON.parse(c.toJson())).sort(), [
      'accesses',
      'distinct_keys',
      'method',
      'points',
      'sampling_rate',
    ])
    throwsCode(() => cache.MissRatioCurve.fromJson('{not json'), 'parse_error')
    throwsCode(() => cache.MissRatioCurve.fromJson('{}'), 'parse_error')
    throwsCode(() => cache.MissRatioCurve.fromJson(42), 'invalid_type', /text must be a string/)
  })

  test('wrong argument types give our codes', () => {
    const c = cache.lruMrc(LOOP)
    throwsCode(() => c.hitRatio('2'), 'invalid_type', /size must be/)
    throwsCode(() => c.hitRatio(), 'invalid_type')
    throwsCode(() => c.missRatio(null), 'invalid_type')
    throwsCode(() => c.hitRatio(-1), 'invalid_input')
    throwsCode(() => c.hitRatio(1.5), 'invalid_input')
    throwsCode(() => c.hitRatios(3), 'invalid_type', /sizes must be/)
    throwsCode(() => c.hitRatios([1, 'a']), 'invalid_type', /^sizes\[1\]/)
    throwsCode(() => c.hitRatios(new Float64Array([1, 2.5])), 'invalid_input', /^sizes\[1\]/)
    throwsCode(() => c.sizeForHitRatio('0.5'), 'invalid_type', /target must be a number/)
  })
})

describe('shardsMrc', () => {
  test('rate 1 and a large budget are exact', () => {
    const exact = cache.lruMrc(LOOP)
    for (const options of [{ rate: 1 }, { maxKeys: 10 }, { maxKeys: 10n }]) {
      const c = cache.shardsMrc(LOOP, options)
      assert.equal(c.method, 'shards')
      assert.deepEqual(Array.from(c.hitRatios([1, 2, 3, 4])), Array.from(exact.hitRatios([1, 2, 3, 4])))
    }
  })

  test('sampling approximates the exact curve', () => {
    const keys = BigUint64Array.from({ length: 20000 }, (_, i) => BigInt((i * 7919) % 1000))
    const exact = cache.lruMrc(keys)
    const approx = cache.shardsMrc(keys, { rate: 0.1 })
    assert.ok(Math.abs(approx.hitRatio(1000) - exact.hitRatio(1000)) < 0.05)
    const budget = cache.shardsMrc(keys, { maxKeys: 64 })
    assert.ok(budget.samplingRate < 1)
  })

  test('exactly one of rate or maxKeys', () => {
    throwsCode(() => cache.shardsMrc(LOOP), 'invalid_input', /exactly one/)
    throwsCode(() => cache.shardsMrc(LOOP, {}), 'invalid_input', /exactly one/)
    throwsCode(() => cache.shardsMrc(LOOP, { rate: undefined, maxKeys: null }), 'invalid_input', /exactly one/)
    throwsCode(() => cache.shardsMrc(LOOP, { rate: 0.5, maxKeys: 3 }), 'invalid_input', /exactly one/)
    throwsCode(() => cache.shardsMrc(LOOP, { rate: 0 }), 'invalid_input', /\(0, 1\]/)
    throwsCode(() => cache.shardsMrc(LOOP, { maxKeys: 0 }), 'invalid_input')
  })

  test('option keys and types', () => {
    throwsCode(() => cache.shardsMrc(LOOP, { max_keys: 3 }), 'invalid_input', /unknown key "max_keys"/)
    throwsCode(() => cache.shardsMrc(LOOP, 0.5), 'invalid_type', /options must be an object/)
    throwsCode(() => cache.shardsMrc(LOOP, [0.5]), 'invalid_type', /options must be an object/)
    throwsCode(() => cache.shardsMrc(LOOP, { rate: '0.5' }), 'invalid_type', /^options\.rate: invalid type/)
    throwsCode(() => cache.shardsMrc(LOOP, { maxKeys: 1.5 }), 'invalid_type', /options.maxKeys/)
    throwsCode(() => cache.shardsMrc('x', { rate: 1 }), 'invalid_type', /keys must be/)
  })
})

describe('simulate', () => {
  test('rows are policies-major, camelCase', () => {
    const rows = cache.simulate([1, 2, 3, 1, 2, 3, 1, 2, 3], [2, 3], ['lru', 'fifo'])
    assert.deepEqual(
      rows.map((r) => [r.policy, r.capacity]),
      [
        ['lru', 2],
        ['lru', 3],
        ['fifo', 2],
        ['fifo', 3],
      ],
    )
    assert.deepEqual(rows[1], { policy: 'lru', capacity: 3, accesses: 9, hits: 6, hitRatio: 6 / 9 })
  })

  test('the Policy object lists every name; the new ones run by name', () => {
    assert.deepEqual(Object.values(cache.Policy), [
      'lru', 'fifo', 'lfu', 'w_tiny_lfu', 'w_tiny_lfu_adaptive', 's3_fifo', 'sieve', 'belady',
    ])
    const rows = cache.simulate([1, 2, 3, 1, 2, 3, 1, 2, 3], [2], [cache.Policy.Belady, cache.Policy.Sieve])
    assert.deepEqual(rows.map((r) => [r.policy, r.hits]), [['belady', 4], ['sieve', 0]])
  })

  test('policies default to the original four; a single name is accepted', () => {
    const all = cache.simulate(LOOP, [2])
    assert.deepEqual(
      all.map((r) => r.policy),
      ['lru', 'fifo', 'lfu', 'w_tiny_lfu'],
    )
    assert.deepEqual(cache.simulate(LOOP, [2], null), all)
    assert.deepEqual(cache.simulate(LOOP, [2], 'lfu'), [all[2]])
    assert.deepEqual(cache.simulate(LOOP, new Float64Array([2]), cache.Policy.WTinyLfu), [all[3]])
  })

  test('errors', () => {
    throwsCode(() => cache.simulate(LOOP, [2], ['arc']), 'invalid_input', /arc/)
    throwsCode(() => cache.simulate(LOOP, [0]), 'invalid_input')
    throwsCode(() => cache.simulate(LOOP, []), 'invalid_input')
    throwsCode(() => cache.simulate(LOOP, [2 ** 31]), 'limit_exceeded')
    throwsCode(() => cache.simulate(LOOP, 2), 'invalid_type', /capacities must be/)
    throwsCode(() => cache.simulate(LOOP), 'invalid_type', /capacities must be/)
    throwsCode(() => cache.simulate(LOOP, [2], [1]), 'invalid_type', /^policies\[0\]: invalid type/)
    throwsCode(() => cache.simulate(LOOP, [2], { lru: true }), 'invalid_type', /^policies: invalid type/)
  })
})

describe('async variants', () => {
  test('equal the sync calls', async () => {
    const keys = zipfish(20000)
    const p = cache.lruMrcAsync(keys)
    assert.ok(p instanceof Promise)
    const lru = await p
    assert.ok(lru instanceof cache.MissRatioCurve)
    assert.deepEqual(curveState(lru), curveState(cache.lruMrc(keys)))
    assert.deepEqual(curveState(await cache.lruMrcAsync(LOOP)), curveState(cache.lruMrc(LOOP)))
    for (const options of [{ rate: 0.25 }, { maxKeys: 50 }]) {
      assert.deepEqual(curveState(await cache.shardsMrcAsync(keys, options)), curveState(cache.shardsMrc(keys, options)))
    }
    assert.deepEqual(await cache.simulateAsync(keys, [10, 100]), cache.simulate(keys, [10, 100]))
    assert.deepEqual(await cache.simulateAsync(LOOP, [2], 'lru'), cache.simulate(LOOP, [2], 'lru'))
  })

  test('the keys are copied: changing them after the call does not matter', async () => {
    const keys = new BigUint64Array(LOOP.map(BigInt))
    const p = cache.lruMrcAsync(keys)
    keys.fill(7n)
    assert.deepEqual(curveState(await p), curveState(cache.lruMrc(LOOP)))
  })

  test('errors reject (never throw synchronously) with our codes', async () => {
    await rejectsCode(cache.lruMrcAsync('x'), 'invalid_type', /keys must be/)
    await rejectsCode(cache.lruMrcAsync([]), 'invalid_input', /the trace is empty/)
    await rejectsCode(cache.lruMrcAsync([-1]), 'invalid_input')
    await rejectsCode(cache.shardsMrcAsync(LOOP, {}), 'invalid_input', /exactly one/)
    await rejectsCode(cache.shardsMrcAsync(LOOP, { rate: 2 }), 'invalid_input')
    await rejectsCode(cache.shardsMrcAsync(LOOP, 'x'), 'invalid_type')
    await rejectsCode(cache.simulateAsync(LOOP, [0]), 'invalid_input')
    await rejectsCode(cache.simulateAsync(LOOP, [2], ['arc']), 'invalid_input')
    await rejectsCode(cache.simulateAsync(LOOP, 'x'), 'invalid_type')
  })
})

describe('patternStats', () => {
  test('shape, camelCase, null gaps without timestamps', () => {
    const [s] = cache.patternStats([1, 1, 1, 2, 2])
    assert.deepEqual(s, {
      pattern: 0,
      accesses: 5,
      distinctKeys: 2,
      writeRatio: 0,
      accessFrequency: 0.6,
      gaps: null,
      recommendedTtlSecs: null,
    })
  })

  test('gaps and TTL with timestamps; targetShare defaults to 0.9', () => {
    const keys = [1, 1, 1, 2, 2]
    const timestamps = [0, 10, 20, 30, 90]
    const [s] = cache.patternStats(keys, { timestamps })
    assert.deepEqual(Object.keys(s.gaps).sort(), ['count', 'histogram', 'meanSecs', 'p50Secs', 'p90Secs', 'p99Secs'])
    assert.equal(s.gaps.count, 3)
    assert.deepEqual(s.gaps.histogram, [
      [16, 2],
      [64, 1],
    ])
    assert.equal(s.recommendedTtlSecs, 50)
    assert.deepEqual(cache.patternStats(keys, { timestamps, targetShare: 0.9 }), [s])
    assert.deepEqual(cache.patternStats(keys, { timestamps, targetShare: undefined }), [s])
  })

  test('typed and plain columns give the same stats', () => {
    const keys = [1, 2, 1, 2, 3, 1]
    const plain = cache.patternStats(keys, {
      timestamps: [0, 1, 3, 5, 6, 100],
      writes: [false, true, false, false, true, false],
      patterns: [0, 1, 0, 1, 1, 0],
      targetShare: 0.5,
    })
    const typed = cache.patternStats(new BigUint64Array(keys.map(BigInt)), {
      timestamps: new Float64Array([0, 1, 3, 5, 6, 100]),
      writes: new Uint8Array([0, 1, 0, 0, 1, 0]),
      patterns: new Uint32Array([0, 1, 0, 1, 1, 0]),
      targetShare: 0.5,
    })
    assert.deepEqual(typed, plain)
    assert.deepEqual(
      plain.map((s) => [s.pattern, s.accesses, s.recommendedTtlSecs]),
      [
        [0, 3, 50],
        [1, 3, 4],
      ],
    )
    assert.equal(plain[1].writeRatio, 2 / 3)
  })

  test('errors', () => {
    throwsCode(() => cache.patternStats([1, 2], { timestamps: [5, 4] }), 'invalid_input', /backwards/)
    throwsCode(() => cache.patternStats([1, 2], { timestamps: [5] }), 'dimension_mismatch')
    throwsCode(() => cache.patternStats([1, 2], { patterns: [0] }), 'dimension_mismatch')
    throwsCode(() => cache.patternStats([1, 2], { targetShare: 0 }), 'invalid_input')
    throwsCode(() => cache.patternStats([1, 2], { target_share: 0.5 }), 'invalid_input', /unknown key "target_share"/)
    throwsCode(() => cache.patternStats([1, 2], 'x'), 'invalid_type', /options must be an object/)
    throwsCode(() => cache.patternStats([1, 2], { timestamps: 'x' }), 'invalid_type', /timestamps must be/)
    throwsCode(() => cache.patternStats([1, 2], { timestamps: [0, '1'] }), 'invalid_type', /^timestamps\[1\]/)
    throwsCode(() => cache.patternStats([1, 2], { timestamps: new Float32Array(2) }), 'invalid_type')
    throwsCode(() => cache.patternStats([1, 2], { writes: [true, 1] }), 'invalid_type', /^writes\[1\]/)
    throwsCode(() => cache.patternStats([1, 2], { writes: new Int8Array(2) }), 'invalid_type')
    throwsCode(() => cache.patternStats([1, 2], { patterns: [0, -1] }), 'invalid_input', /^patterns\[1\]/)
    throwsCode(() => cache.patternStats([1, 2], { patterns: [0, 'a'] }), 'invalid_type', /^patterns\[1\]/)
    throwsCode(() => cache.patternStats([1, 2], { targetShare: '0.5' }), 'invalid_type')
  })
})

describe('warmCandidates', () => {
  const keys = [1, 2, 1, 3, 1, 2]
  const timestamps = [0, 10, 20, 30, 40, 50]

  test('shape: bigint keys, best first', () => {
    const top = cache.warmCandidates(keys, timestamps, { now: 60, windowSecs: 60, topK: 2, halfLifeSecs: 300 })
    assert.equal(top.length, 2)
    assert.deepEqual(Object.keys(top[0]).sort(), ['expectedRequests', 'key', 'probability', 'ratePerSec'])
    assert.deepEqual(
      top.map((c) => c.key),
      [1n, 2n],
    )
    assert.ok(top[0].probability > top[1].probability && top[1].probability > 0)
  })

  test('defaults: topK 100, halfLifeSecs 3600; typed timestamps; writes are not reads', () => {
    const all = cache.warmCandidates(keys, timestamps, { now: 60, windowSecs: 60 })
    assert.equal(all.length, 3)
    assert.deepEqual(all, cache.warmCandidates(keys, new Float64Array(timestamps), { now: 60, windowSecs: 60, topK: 100, halfLifeSecs: 3600 }))
    const noWrites = cache.warmCandidates(keys, timestamps, { now: 60, windowSecs: 60, writes: [false, false, false, true, false, false] })
    assert.deepEqual(
      noWrites.map((c) => c.key),
      [1n, 2n],
    )
    const big = 2n ** 64n - 1n
    assert.equal(cache.warmCandidates(new BigUint64Array([big]), [0], { now: 1, windowSecs: 1 })[0].key, big)
  })

  test('missing timestamps reach the core; errors', () => {
    throwsCode(() => cache.warmCandidates(keys, undefined, { now: 60, windowSecs: 60 }), 'invalid_input', /timestamps/)
    throwsCode(() => cache.warmCandidates(keys, null, { now: 60, windowSecs: 60 }), 'invalid_input', /timestamps/)
    throwsCode(() => cache.warmCandidates(keys, timestamps, { now: 49, windowSecs: 60 }), 'invalid_input')
    throwsCode(() => cache.warmCandidates(keys, timestamps, { now: 60, windowSecs: 60, topK: 0 }), 'invalid_input')
    throwsCode(() => cache.warmCandidates(keys, timestamps, { now: 60 }), 'missing_key', /windowSecs/)
    throwsCode(() => cache.warmCandidates(keys, timestamps), 'missing_key', /now/)
    throwsCode(() => cache.warmCandidates(keys, timestamps, { now: '60', windowSecs: 60 }), 'invalid_type', /options.now/)
    throwsCode(() => cache.warmCandidates(keys, timestamps, { now: 60, window_secs: 60 }), 'invalid_input', /unknown key/)
    throwsCode(() => cache.warmCandidates(keys, 'x', { now: 60, windowSecs: 60 }), 'invalid_type', /timestamps must be/)
  })
})

describe('hashKey / hashKeys', () => {
  test('stable values, bigint and BigUint64Array', () => {
    assert.equal(cache.hashKey('user:42'), 4659431455776223581n)
    assert.equal(cache.hashKey(''), 14087677454934409008n)
    const strings = ['user:42', '', 'documents/2026/report.pdf', 'user:42', 'héllo']
    const hashed = cache.hashKeys(strings)
    assert.ok(hashed instanceof BigUint64Array)
    assert.deepEqual(Array.from(hashed), strings.map(cache.hashKey))
    assert.equal(cache.hashKeys([]).length, 0)
    assert.equal(cache.lruMrc(hashed).distinctKeys, 4)
  })

  test('wrong types give invalid_type', () => {
    throwsCode(() => cache.hashKey(42), 'invalid_type', /key must be a string/)
    throwsCode(() => cache.hashKey(), 'invalid_type')
    throwsCode(() => cache.hashKeys('a'), 'invalid_type', /keys must be an array of strings/)
    throwsCode(() => cache.hashKeys(['a', 2]), 'invalid_type', /^keys\[1\] must be a string/)
  })
})

describe('StrategyTable', () => {
  test('builtin, constructor, get, length', () => {
    const t = cache.StrategyTable.builtin()
    assert.equal(t.length, 4)
    assert.equal(new cache.StrategyTable().toJson(), t.toJson())
    assert.deepEqual(t.get('user_data'), { ttlSecs: 300, strategy: 'write_through' })
    assert.deepEqual(t.get('static_content'), { ttlSecs: 86400, strategy: cache.CacheStrategy.CacheAside })
    assert.equal(t.get('sessions'), null)
    throwsCode(() => t.get(1), 'invalid_type', /cacheType must be a string/)
  })

  test('JSON and TOML round trips', () => {
    const t = cache.StrategyTable.fromJson(
      JSON.stringify({ b: { ttl_secs: 5, strategy: 'write-through' }, a: { ttl_secs: 7, strategy: 'lazy_loading' } }),
    )
    assert.equal(t.length, 2)
    assert.deepEqual(JSON.parse(t.toJson()), {
      a: { ttl_secs: 7, strategy: 'lazy_loading' },
      b: { ttl_secs: 5, strategy: 'write_through' },
    })
    assert.equal(cache.StrategyTable.fromJson(t.toJson()).toJson(), t.toJson())
    const toml = cache.StrategyTable.fromToml('[b]\nttl_secs = 5\nstrategy = "write-through"\n\n[a]\nttl_secs = 7\nstrategy = "lazy_loading"\n')
    assert.equal(toml.toJson(), t.toJson())
  })

  test('errors', () => {
    throwsCode(() => cache.StrategyTable.fromJson('{not json'), 'parse_error')
    throwsCode(() => cache.StrategyTable.fromJson('{"a": {"ttl_secs": 5, "strategy": "sideways"}}'), 'parse_error')
    throwsCode(() => cache.StrategyTable.fromJson('{"a": {"ttl_secs": 0, "strategy": "lazy_loading"}}'), 'invalid_config')
    throwsCode(() => cache.StrategyTable.fromToml('[a'), 'parse_error')
    throwsCode(() => cache.StrategyTable.fromJson({}), 'invalid_type', /text must be a string/)
  })
})

describe('adjust', () => {
  const documents = { cacheType: 'documents', hitRatio: 0.6, accessFrequency: 0.7, writeRatio: 0.4 }

  test('plan shape, camelCase', () => {
    const plan = cache.adjust([documents])
    assert.deepEqual(Object.keys(plan).sort(), ['adjustments', 'optimizationNeeded', 'overallHitRatio', 'table'])
    assert.equal(plan.overallHitRatio, 0.6)
    assert.equal(plan.optimizationNeeded, true)
    assert.deepEqual(plan.adjustments[0].before, { ttlSecs: 3600, strategy: 'lazy_loading' })
    assert.deepEqual(plan.adjustments[0].after, { ttlSecs: 5400, strategy: 'write_through' })
    assert.equal(plan.adjustments[0].cacheType, 'documents')
    assert.equal(plan.adjustments[0].reasons.length, 2)
    assert.deepEqual(Object.keys(plan.table), ['analytics', 'documents', 'static_content', 'user_data'])
    assert.deepEqual(plan.table.documents, { ttlSecs: 5400, strategy: 'write_through' })
    assert.deepEqual(cache.adjust([documents], null, null), plan)
    assert.deepEqual(cache.adjust([documents], cache.StrategyTable.builtin(), {}), plan)
  })

  test('custom table and rules; requests weight the overall ratio', () => {
    const table = cache.StrategyTable.fromJson('{"sessions": {"ttl_secs": 60, "strategy": "cache-aside"}}')
    const plan = cache.adjust(
      [{ cacheType: 'sessions', hitRatio: 0.85, accessFrequency: 0.6, writeRatio: 0.31 }],
      table,
      { minHitRatio: 0.9, ttlMultiplier: 2 },
    )
    assert.deepEqual(plan.table, { sessions: { ttlSecs: 120, strategy: 'write_through' } })
    const weighted = cache.adjust([
      { ...documents, hitRatio: 1, requests: 3 },
      { cacheType: 'analytics', hitRatio: 0, accessFrequency: 0, writeRatio: 0, requests: 1n },
    ])
    assert.equal(weighted.overallHitRatio, 0.75)
  })

  test('shape errors are coded by cause (the core reader), naming the path, in camelCase', () => {
    const { writeRatio, ...noWrite } = documents
    throwsCode(() => cache.adjust([noWrite]), 'missing_key', /^metrics\[0\]: missing field `writeRatio`/)
    throwsCode(() => cache.adjust([documents, { ...documents, bogus: 1 }]), 'invalid_input', /^metrics\[1\]\.bogus: unknown field `bogus`/)
    throwsCode(() => cache.adjust([{ ...documents, hitRatio: '0.6' }]), 'invalid_type', /^metrics\[0\]/)
    throwsCode(() => cache.adjust([{ ...documents, hitRatio: NaN }]), 'invalid_input', /hitRatio/)
    throwsCode(() => cache.adjust([{ ...documents, requests: -1 }]), 'invalid_input')
    throwsCode(() => cache.adjust([documents], null, { minHitRatio: 'x' }), 'invalid_type', /^rules\.minHitRatio: invalid type/)
    throwsCode(() => cache.adjust([documents], null, { bogus: 1 }), 'invalid_input', /^rules\.bogus: unknown field `bogus`/)
  })

  test('the snake_case spelling is refused with a hint', () => {
    const { cacheType, ...rest } = documents
    throwsCode(() => cache.adjust([{ ...rest, cache_type: 'documents' }]), 'invalid_input', /"cache_type".*"cacheType"/)
    throwsCode(() => cache.adjust([documents], null, { min_hit_ratio: 0.5 }), 'invalid_input', /"minHitRatio"/)
  })

  test('core validation errors keep the core code', () => {
    throwsCode(() => cache.adjust([]), 'invalid_input', /no cache metrics/)
    throwsCode(() => cache.adjust([{ ...documents, cacheType: 'sessions' }]), 'invalid_input', /unknown cache type/)
    throwsCode(() => cache.adjust([{ ...documents, hitRatio: 1.2 }]), 'invalid_input')
    throwsCode(() => cache.adjust([documents, documents]), 'invalid_input', /twice/)
    throwsCode(() => cache.adjust([documents], null, { minHitRatio: 2 }), 'invalid_config')
  })

  test('wrong argument types give invalid_type', () => {
    throwsCode(() => cache.adjust(), 'invalid_type', /metrics must be an array/)
    throwsCode(() => cache.adjust(documents), 'invalid_type', /metrics must be an array/)
    throwsCode(() => cache.adjust([5]), 'invalid_type', /^metrics\[0\] must be an object/)
    throwsCode(() => cache.adjust([[documents]]), 'invalid_type', /^metrics\[0\] must be an object/)
    throwsCode(() => cache.adjust([{ ...documents, cacheType: () => 'x' }]), 'invalid_type')
    throwsCode(() => cache.adjust([documents], 'builtin'), 'invalid_type', /cache.StrategyTable/)
    throwsCode(() => cache.adjust([documents], {}), 'invalid_type', /cache.StrategyTable/)
    throwsCode(() => cache.adjust([documents], null, 3), 'invalid_type', /rules must be an object/)
  })
})

describe('sizeForHitRatio', () => {
  // Hot keys 0..9 and a never-seen key every fifth request.
  const keys = BigUint64Array.from({ length: 2000 }, (_, i) => BigInt(i % 5 === 4 ? 1000 + i : i % 10))

  test('LRU agrees with the exact curve; every policy reaches the target at its answer', async () => {
    const exact = cache.lruMrc(keys).sizeForHitRatio(0.7)
    assert.equal(cache.sizeForHitRatio(keys, 'lru', 0.7), exact)
    for (const policy of Object.values(cache.Policy)) {
      const size = cache.sizeForHitRatio(keys, policy, 0.7)
      assert.ok(size !== null && size >= 1, `${policy}: ${size}`)
      const [atSize, below] = cache.simulate(keys, [size, Math.max(size - 1, 1)], [policy])
      assert.ok(atSize.hitRatio >= 0.7, `${policy} at ${size}: ${atSize.hitRatio}`)
      assert.ok(size === 1 || below.hitRatio < 0.7, `${policy} at ${size - 1}: ${below.hitRatio}`)
      assert.equal(await cache.sizeForHitRatioAsync(keys, policy, 0.7), size)
    }
    assert.equal(cache.sizeForHitRatio(keys, 'lru', 0.95), null) // a fifth of the requests are first sights
  })

  test('bad policy, target or keys give coded errors', async () => {
    throwsCode(() => cache.sizeForHitRatio(keys, 'arc', 0.5), 'invalid_input', /arc/)
    throwsCode(() => cache.sizeForHitRatio(keys, 'lru', 1.5), 'invalid_input', /target/)
    throwsCode(() => cache.sizeForHitRatio(keys, 'lru', '0.5'), 'invalid_type')
    throwsCode(() => cache.sizeForHitRatio('x', 'lru', 0.5), 'invalid_type')
    await rejectsCode(cache.sizeForHitRatioAsync(keys, 'lru', Number.NaN), 'invalid_input')
  })
})

describe('cache.readTrace', () => {
  const { cache: c } = require('../index.js')
  test('reads each layout from a Buffer, compressed or not', () => {
    const text = c.readTrace(Buffer.from('1 0.5\n/a 1.5\n'))
    assert.deepEqual([...text.keys], [1n, c.hashKey('/a')])
    assert.deepEqual([...text.timestamps], [0.5, 1.5])
    const be = c.readTrace(Uint8Array.of(0, 0, 1, 0, 0, 0, 0, 9), { format: 'u32', bigEndian: true })
    assert.deepEqual([...be.keys], [256n, 9n])
    assert.equal(be.timestamps, undefined)
    const gz = require('node:zlib').gzipSync(Buffer.from('10 2 0 0\n5 1 0 1\n'))
    assert.deepEqual([...c.readTrace(gz, { format: 'arc' }).keys], [10n, 11n, 5n])
  })
  test('errors are coded and name the place', () => {
    assert.throws(() => c.readTrace('1\n'), { code: 'invalid_type' })
    assert.throws(() => c.readTrace(Buffer.from('1\n'), { formatt: 'text' }), { code: 'invalid_input' })
    assert.throws(() => c.readTrace(Buffer.from('3\nx\n'), { format: 'lirs' }), { code: 'invalid_input', message: /line 2/ })
    assert.throws(() => c.readTrace(Buffer.from([0x1f, 0x8b, 1, 2, 3])), { code: 'invalid_input', message: /gzip/ })
  })
})

describe('hash-partitioned curves and support partials', () => {
  const { cache: c, kpi } = require('../index.js')
  test('partials merge to the exact curve with one partition, and are checked', () => {
    const keys = BigUint64Array.from({ length: 5000 }, (_, i) => BigInt((i * 7919) % 800))
    const one = c.mergeLruPartials([c.lruPartial(keys, 0, 1)])
    const exact = c.lruMrc(keys)
    for (const size of [10, 100, 500]) assert.equal(one.hitRatio(size), exact.hitRatio(size))
    const part = c.tracePartitions(keys, 4)
    assert.ok(part instanceof Uint32Array && part.every((p) => p < 4))
    // A key of another partition, a missing partition, bad JSON: coded, with the place.
    const wrong = keys.filter((_, i) => part[i] !== 0)
    assert.throws(() => c.lruPartial(wrong, 0, 4), { code: 'invalid_input', message: /keys\[/ })
    assert.throws(() => c.mergeLruPartials([c.lruPartial(keys.filter((_, i) => part[i] === 0), 0, 4)]), { code: 'invalid_input' })
    assert.throws(() => c.mergeLruPartials(['{']), { code: 'parse_error', message: /partials\[0\]/ })
    assert.throws(() => kpi.mergeSupportPartials([]), { code: 'invalid_input' })
  })
})
