// BusinessCalendar: constructors, presets, instants as Dates or strings,
// durations, pauses and the coded errors of bad arguments.

import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { describe, test } from 'node:test'

const require = createRequire(import.meta.url)
const { BusinessCalendar } = require('../index.js')

// Asserts that `fn` throws an Error whose `.code` is `code` (and whose message
// matches `message`, when given).
function throwsCode(fn, code, message) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof Error, `not an Error: ${err}`)
    assert.equal(err.code, code, `wrong code; message: ${err.message}`)
    if (message !== undefined) assert.match(err.message, message)
    return true
  })
}

const MONDAY_9_NY = '2026-11-30T09:00:00-05:00'

describe('README example', () => {
  test('9-5 New York: Monday 09:00 + 8 h is Monday 17:00', () => {
    const cal = BusinessCalendar.nineToFive('America/New_York')
    const due = cal.add(MONDAY_9_NY, 8 * 3600)
    assert.ok(due instanceof Date)
    assert.equal(due.toISOString(), '2026-11-30T22:00:00.000Z') // 17:00 EST
    assert.equal(cal.elapsed(MONDAY_9_NY, due), 8 * 3600)
    // One second more rolls over to Tuesday 09:00:01.
    assert.equal(cal.add(MONDAY_9_NY, 8 * 3600 + 1).toISOString(), '2026-12-01T14:00:01.000Z')
  })
})

describe('construction', () => {
  const json = {
    time_zone: 'Europe/London',
    weekly: { mon: [['09:00', '17:00']], sat: [['22:00', '06:00']] },
    holidays: ['2026-12-25'],
    holiday_rule: 'shift_start_date',
  }
  const spec = {
    timeZone: 'Europe/London',
    weekly: { mon: [['09:00', '17:00']], sat: [['22:00', '06:00']] },
    holidays: ['2026-12-25'],
    holidayRule: 'shift_start_date',
  }

  test('an object equals fromJson of the same JSON', () => {
    const a = new BusinessCalendar(spec)
    const b = BusinessCalendar.fromJson(JSON.stringify(json))
    assert.deepEqual(JSON.parse(a.toJson()), JSON.parse(b.toJson()))
    assert.equal(a.timeZone, 'Europe/London')
    assert.equal(a.holidayRule, 'shift_start_date')
  })

  test('optional keys take the defaults of fromJson', () => {
    const a = new BusinessCalendar({ timeZone: 'UTC', weekly: {} })
    const b = BusinessCalendar.fromJson('{"time_zone": "UTC", "weekly": {}}')
    assert.equal(a.toJson(), b.toJson())
    assert.equal(a.holidayRule, 'calendar_date')
  })

  test('fromToml and toJson round trip', () => {
    const cal = BusinessCalendar.fromToml(
      'time_zone = "Europe/London"\nholidays = ["2026-12-25"]\nholiday_rule = "shift_start_date"\n' +
        '[weekly]\nmon = [["09:00", "17:00"]]\nsat = [["22:00", "06:00"]]\n',
    )
    assert.equal(cal.toJson(), new BusinessCalendar(spec).toJson())
    assert.equal(BusinessCalendar.fromJson(cal.toJson()).toJson(), cal.toJson())
  })

  test('presets', () => {
    const week = (cal) => JSON.parse(cal.toJson()).weekly
    const always = BusinessCalendar.always('UTC')
    assert.deepEqual(week(always).sun, [['00:00', '24:00']])
    assert.equal(always.nextClose('2026-11-30T10:00:00Z'), null)
    const sixteen = BusinessCalendar.sixteenFive('Europe/Berlin')
    assert.deepEqual(week(sixteen).fri, [['06:00', '22:00']])
    assert.deepEqual(week(sixteen).sat, [])
    assert.equal(sixteen.timeZone, 'Europe/Berlin')
    const nine = BusinessCalendar.nineToFive('Asia/Tokyo')
    assert.deepEqual(week(nine).mon, [['09:00', '17:00']])
    assert.equal(nine.holidayRule, 'calendar_date')
    throwsCode(() => BusinessCalendar.nineToFive('Mars/Olympus'), 'invalid_config')
  })

  test('the core validates the spec', () => {
    throwsCode(() => new BusinessCalendar({ timeZone: 'Mars/Olympus', weekly: {} }), 'invalid_config')
    throwsCode(() => new BusinessCalendar({ timeZone: 'UTC', weekly: { mon: [['25:00', '26:00']] } }), 'invalid_config')
    throwsCode(
      () => new BusinessCalendar({ timeZone: 'UTC', weekly: {}, holidays: ['2026-02-30'] }),
      'invalid_config',
    )
    throwsCode(() => BusinessCalendar.fromJson('{"time_zone": "UTC"'), 'parse_error')
  })

  test('unknown keys are invalid_input, snake_case included', () => {
    throwsCode(() => new BusinessCalendar({ ...spec, colour: 'blue' }), 'invalid_input', /colour/)
    throwsCode(() => new BusinessCalendar({ time_zone: 'UTC', weekly: {} }), 'invalid_input', /time_zone/)
    throwsCode(() => new BusinessCalendar({ timeZone: 'UTC', weekly: { funday: [] } }), 'invalid_input', /funday/)
    throwsCode(() => new BusinessCalendar({ ...spec, holidayRule: 'sometimes' }), 'invalid_input')
    throwsCode(() => new BusinessCalendar({ timeZone: 'UTC', weekly: { mon: [['09:00']] } }), 'invalid_input')
  })

  test('missing keys and wrong types', () => {
    throwsCode(() => new BusinessCalendar({ weekly: {} }), 'missing_key', /timeZone/)
    throwsCode(() => new BusinessCalendar({ timeZone: 'UTC' }), 'missing_key', /weekly/)
    for (const bad of [undefined, null, 'UTC', 42, [], () => {}]) {
      throwsCode(() => new BusinessCalendar(bad), 'invalid_type')
    }
    throwsCode(() => new BusinessCalendar({ timeZone: 7, weekly: {} }), 'invalid_type')
    throwsCode(() => new BusinessCalendar({ timeZone: 'UTC', weekly: [] }), 'invalid_type')
    throwsCode(() => new BusinessCalendar({ timeZone: 'UTC', weekly: { mon: '09:00-17:00' } }), 'invalid_type')
    throwsCode(() => new BusinessCalendar({ timeZone: 'UTC', weekly: { mon: [[9, 17]] } }), 'invalid_type')
    throwsCode(() => new BusinessCalendar({ timeZone: 'UTC', weekly: {}, holidays: '2026-12-25' }), 'invalid_type')
    throwsCode(() => new BusinessCalendar({ timeZone: 'UTC', weekly: {}, holidayRule: 1 }), 'invalid_type')
    for (const bad of [undefined, 42, {}]) {
      throwsCode(() => BusinessCalendar.fromJson(bad), 'invalid_type')
      throwsCode(() => BusinessCalendar.fromToml(bad), 'invalid_type')
      throwsCode(() => BusinessCalendar.always(bad), 'invalid_type')
      throwsCode(() => BusinessCalendar.sixteenFive(bad), 'invalid_type')
      throwsCode(() => BusinessCalendar.nineToFive(bad), 'invalid_type')
    }
  })
})

describe('instants', () => {
  const cal = BusinessCalendar.nineToFive('America/New_York')

  test('Dates and strings with any offset agree', () => {
    const forms = [MONDAY_9_NY, '2026-11-30T14:00:00Z', '2026-11-30T15:00:00+01:00', new Date('2026-11-30T14:00:00Z')]
    const end = new Date('2026-12-02T18:30:00Z')
    for (const start of forms) {
      assert.equal(cal.add(start, 3600).getTime(), Date.parse('2026-11-30T15:00:00Z'))
      assert.equal(cal.elapsed(start, end), cal.elapsed('2026-11-30T14:00:00Z', end.toISOString()))
      assert.equal(cal.isOpen(start), true)
      assert.equal(cal.nextOpen(start).getTime(), Date.parse('2026-11-30T14:00:00Z'))
      assert.equal(cal.nextClose(start).getTime(), Date.parse('2026-11-30T22:00:00Z'))
    }
    const saturday = '2026-11-28T12:00:00Z'
    assert.equal(cal.isOpen(saturday), cal.isOpen(new Date(saturday)))
    assert.equal(cal.nextOpen(saturday).toISOString(), '2026-11-30T14:00:00.000Z')
  })

  test('results are whole-second Dates', () => {
    const due = cal.add(new Date('2026-11-30T14:00:00.750Z'), 60)
    assert.equal(due.toISOString(), '2026-11-30T14:01:00.000Z')
  })

  test('a string without an offset is invalid_input', () => {
    for (const naive of ['2026-11-30T09:00:00', '2026-11-30T09:00:00.5', '2026-11-30 09:00:00', '2026-11-30T09:00', '2026-11-30']) {
      throwsCode(() => cal.isOpen(naive), 'invalid_input', /offset is missing/)
    }
    throwsCode(() => cal.add('2026-11-30T09:00:00', 60), 'invalid_input', /start.*offset is missing/)
    throwsCode(() => cal.elapsed(MONDAY_9_NY, '2026-11-30T17:00:00'), 'invalid_input', /end.*offset/)
  })

  test('other bad strings and invalid Dates are invalid_input', () => {
    for (const bad of ['', 'tomorrow', '2026-13-01T00:00:00Z', '2026-11-30T25:00:00Z']) {
      throwsCode(() => cal.isOpen(bad), 'invalid_input')
    }
    throwsCode(() => cal.isOpen(new Date('nope')), 'invalid_input', /invalid Date/)
    throwsCode(() => cal.nextOpen(new Date(NaN)), 'invalid_input')
  })

  test('other types are invalid_type', () => {
    for (const bad of [undefined, null, 1764511200000, 1764511200000n, true, {}, [], Symbol('t'), () => {}]) {
      throwsCode(() => cal.isOpen(bad), 'invalid_type')
      throwsCode(() => cal.nextOpen(bad), 'invalid_type')
      throwsCode(() => cal.nextClose(bad), 'invalid_type')
      throwsCode(() => cal.add(bad, 60), 'invalid_type')
      throwsCode(() => cal.elapsed(MONDAY_9_NY, bad), 'invalid_type')
    }
  })
})

describe('durations', () => {
  const cal = BusinessCalendar.always('UTC')
  const start = '2026-11-30T09:00:00Z'
  const plus = (secs) => cal.add(start, secs).toISOString()

  test('fractions are truncated toward zero', () => {
    assert.equal(plus(1.9), '2026-11-30T09:00:01.000Z')
    assert.equal(plus(0.4), '2026-11-30T09:00:00.000Z')
  })

  test('negative, NaN and infinite durations are invalid_input', () => {
    for (const bad of [-1, -0.5, NaN, Infinity, -Infinity]) {
      throwsCode(() => cal.add(start, bad), 'invalid_input')
    }
  })

  test('long durations reach the core (limit_exceeded)', () => {
    throwsCode(() => cal.add(start, 20 * 365 * 86400), 'limit_exceeded')
    throwsCode(() => cal.add(start, 1e12), 'limit_exceeded')
    throwsCode(() => cal.add(start, -1e300), 'invalid_input')
  })

  // Core bug: `BusinessCalendar::add` skips whole weeks without checking its
  // ten-year search limit, so past ~8e12 s the date overflows and the core
  // panics; the binding's guard reports `internal_error`.
  test('absurd durations are limit_exceeded', () => {
    throwsCode(() => cal.add(start, 1e300), 'limit_exceeded')
  })

  test('a non-number is invalid_type', () => {
    for (const bad of [undefined, null, '60', 60n, {}]) {
      throwsCode(() => cal.add(start, bad), 'invalid_type')
    }
  })
})

describe('pauses', () => {
  const cal = BusinessCalendar.nineToFive('UTC')
  const lunch = ['2026-11-30T10:00:00Z', '2026-11-30T12:00:00Z']

  test('stop the clock, as strings or Dates', () => {
    const asDates = lunch.map((s) => new Date(s))
    for (const pause of [lunch, asDates]) {
      assert.equal(cal.add('2026-11-30T09:00:00Z', 7200, [pause]).toISOString(), '2026-11-30T13:00:00.000Z')
      assert.equal(cal.elapsed('2026-11-30T09:00:00Z', '2026-11-30T17:00:00Z', [pause]), 6 * 3600)
    }
    assert.equal(cal.elapsed('2026-11-30T09:00:00Z', '2026-11-30T17:00:00Z', []), 8 * 3600)
    assert.equal(cal.elapsed('2026-11-30T09:00:00Z', '2026-11-30T17:00:00Z', null), 8 * 3600)
  })

  test('bad pauses', () => {
    const start = '2026-11-30T09:00:00Z'
    throwsCode(() => cal.add(start, 60, [[lunch[1], lunch[0]]]), 'invalid_input')
    throwsCode(() => cal.add(start, 60, [[lunch[0]]]), 'invalid_input', /pauses\[0\]/)
    throwsCode(() => cal.add(start, 60, [[...lunch, lunch[1]]]), 'invalid_input')
    throwsCode(() => cal.add(start, 60, [[lunch[0], '2026-11-30T12:00:00']]), 'invalid_input', /pauses\[0\]\[1\]/)
    throwsCode(() => cal.add(start, 60, lunch), 'invalid_type')
    throwsCode(() => cal.add(start, 60, 'lunch'), 'invalid_type')
    throwsCode(() => cal.add(start, 60, [[lunch[0], 5]]), 'invalid_type')
  })
})

describe('errors of the core', () => {
  test('a calendar with no windows', () => {
    const closed = new BusinessCalendar({ timeZone: 'UTC', weekly: {} })
    throwsCode(() => closed.add('2026-11-30T09:00:00Z', 60), 'invalid_input')
    throwsCode(() => closed.nextOpen('2026-11-30T09:00:00Z'), 'invalid_input')
    throwsCode(() => closed.nextClose('2026-11-30T09:00:00Z'), 'invalid_input')
    assert.equal(closed.isOpen('2026-11-30T09:00:00Z'), false)
    assert.equal(closed.add('2026-11-30T09:00:00Z', 0).toISOString(), '2026-11-30T09:00:00.000Z')
  })

  test('end before start', () => {
    const cal = BusinessCalendar.always('UTC')
    throwsCode(() => cal.elapsed('2026-11-30T09:00:00Z', '2026-11-30T08:00:00Z'), 'invalid_input')
  })
})

describe('addMany / elapsedMany', () => {
  const cal = BusinessCalendar.nineToFive('America/New_York')
  test('rows agree with single calls; missing stays missing', () => {
    const starts = Float64Array.from({ length: 200 }, (_, i) => Date.parse('2026-03-02T00:00:00Z') + i * 97 * 60000)
    starts[5] = NaN
    const secs = Float64Array.from({ length: 200 }, (_, i) => (i % 40) * 3600)
    const due = cal.addMany(starts, secs)
    const spent = cal.elapsedMany(starts, due)
    for (let i = 0; i < 200; i += 9) {
      if (i === 5) continue
      const one = cal.add(new Date(starts[i]), secs[i])
      assert.equal(due[i], one.getTime())
      assert.equal(spent[i], cal.elapsed(new Date(starts[i]), one))
    }
    assert.ok(Number.isNaN(due[5]) && Number.isNaN(spent[5]))
    const dates = cal.addMany(['2026-11-30T21:00:00Z', null], 7200)
    assert.equal(dates[0], Date.parse('2026-12-01T15:00:00Z'))
    assert.ok(Number.isNaN(dates[1]))
    assert.equal(cal.elapsedMany([new Date('2026-11-30T14:00:00Z')], '2026-11-30T15:00:00Z')[0], 3600)
  })
  test('errors are coded and name the row', () => {
    assert.throws(() => cal.addMany(Float64Array.of(0, 1), [1, 2, 3]), { code: 'dimension_mismatch' })
    assert.throws(() => cal.addMany(Float64Array.of(0, 1), [1, -1]), { code: 'invalid_input', message: /rows\[1\]/ })
    assert.throws(() => cal.addMany(Float64Array.of(0.5), 1), { code: 'invalid_input', message: /starts\[0\]/ })
    assert.throws(() => cal.addMany(new Int32Array(2), 1), { code: 'invalid_type' })
    assert.throws(() => cal.addMany(Float64Array.of(0), 'x'), { code: 'invalid_type' })
  })
  test('the async twins equal the sync calls and reject as they throw', async () => {
    const starts = Float64Array.from({ length: 5000 }, (_, i) => Date.parse('2026-03-02T00:00:00Z') + i * 61 * 60000)
    const due = await cal.addManyAsync(starts, 5400)
    assert.deepEqual(due, cal.addMany(starts, 5400))
    assert.deepEqual(await cal.elapsedManyAsync(starts, due), cal.elapsedMany(starts, due))
    // Columns are read before the call returns; a bad one rejects the promise.
    await assert.rejects(cal.addManyAsync(Float64Array.of(0.5), 1), { code: 'invalid_input' })
    await assert.rejects(cal.addManyAsync(Float64Array.of(0, 1), [1, -1]), { code: 'invalid_input', message: /rows\[1\]/ })
  })
})
