//! `opsbrain::calendar` for Node: the `BusinessCalendar` class.
//!
//! Instants are JS `Date`s or ISO-8601 strings with an offset; results are
//! `Date`s (whole seconds: the core drops sub-second parts). Durations are
//! seconds. Each method converts its arguments (`crate::convert::calendar`),
//! calls the core and converts the result back; errors go through
//! `crate::errors`.

use napi::bindgen_prelude::Unknown;
use napi::{Env, JsDate};
use napi_derive::napi;
use opsbrain::calendar as core;

use crate::convert::calendar as conv;
use crate::convert::{self, StrArg};
use crate::errors::{self, run};

/// What a holiday closes.
#[napi(string_enum = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HolidayRule {
    /// The local date is closed from 00:00 to 24:00; an overnight window
    /// running into the holiday is cut at midnight (the default).
    CalendarDate,
    /// Every window that starts on the holiday is cancelled; an overnight
    /// window from the day before runs to its end.
    ShiftStartDate,
}

/// Opening windows per weekday: `[start, end]` pairs of local `"HH:MM"`
/// times, half-open. A window whose end is not after its start runs
/// overnight and belongs to the day it starts on; `"24:00"` is allowed as an
/// end. A missing day is closed.
// Declares the TypeScript interface only: `convert::calendar::spec` reads it.
#[napi(object, object_to_js = false)]
#[derive(Debug)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct WeeklyWindows {
    /// Monday.
    #[napi(ts_type = "Array<[string, string]>")]
    pub mon: Option<Vec<Vec<String>>>,
    /// Tuesday.
    #[napi(ts_type = "Array<[string, string]>")]
    pub tue: Option<Vec<Vec<String>>>,
    /// Wednesday.
    #[napi(ts_type = "Array<[string, string]>")]
    pub wed: Option<Vec<Vec<String>>>,
    /// Thursday.
    #[napi(ts_type = "Array<[string, string]>")]
    pub thu: Option<Vec<Vec<String>>>,
    /// Friday.
    #[napi(ts_type = "Array<[string, string]>")]
    pub fri: Option<Vec<Vec<String>>>,
    /// Saturday.
    #[napi(ts_type = "Array<[string, string]>")]
    pub sat: Option<Vec<Vec<String>>>,
    /// Sunday.
    #[napi(ts_type = "Array<[string, string]>")]
    pub sun: Option<Vec<Vec<String>>>,
}

/// The argument of `new BusinessCalendar(spec)`: the JSON form of `fromJson`
/// with camelCase keys. A key other than these four is an error
/// (`invalid_input`), as is a snake_case spelling such as `time_zone`.
///
/// @example
/// ```js
/// const spec = { timeZone: 'Europe/London', weekly: { mon: [['09:00', '17:00']] },
///                holidays: ['2026-12-25'], holidayRule: 'calendar_date' }
/// ```
// Declares the TypeScript interface only: `convert::calendar::spec` reads it.
#[napi(object, object_to_js = false)]
#[derive(Debug)]
#[allow(dead_code, reason = "declares the TypeScript interface only")]
pub struct CalendarSpec {
    /// IANA time zone name, e.g. `'America/New_York'` or `'UTC'`.
    pub time_zone: String,
    /// Opening windows per weekday.
    pub weekly: WeeklyWindows,
    /// Closed local dates, `'YYYY-MM-DD'` (default none).
    pub holidays: Option<Vec<String>>,
    /// What a holiday closes (default `'calendar_date'`).
    pub holiday_rule: Option<HolidayRule>,
}

/// A business calendar: an IANA time zone, opening windows per weekday,
/// holidays and a holiday rule. It answers when the clock runs: business-time
/// deadlines (`add`), business time between two instants (`elapsed`), and
/// `isOpen` / `nextOpen` / `nextClose`.
///
/// Time is real elapsed time: a window spanning a DST change holds its true
/// number of seconds. Instants are `Date`s or ISO-8601 strings with an offset
/// (`'2026-11-30T09:00:00-05:00'`); a string without one throws `.code`
/// `'invalid_input'`. Results are `Date`s with whole seconds. Pauses are
/// `[start, end]` pairs of instants, half-open, during which the clock stops.
///
/// Build one with `new BusinessCalendar(spec)`, `fromJson(text)`,
/// `fromToml(text)` or a preset: `always`, `sixteenFive`, `nineToFive`.
///
/// @example
/// ```js
/// const { BusinessCalendar } = require('opsbrain')
/// const cal = BusinessCalendar.nineToFive('America/New_York')
/// // Monday 2026-11-30 09:00 New York + 8 business hours: Monday 17:00, not Tuesday 09:00.
/// const due = cal.add('2026-11-30T09:00:00-05:00', 8 * 3600)
/// due.toISOString()                                    // '2026-11-30T22:00:00.000Z'
/// cal.elapsed(new Date('2026-11-30T14:00:00Z'), due)   // 28800
/// ```
#[napi]
#[derive(Debug, Clone)]
pub struct BusinessCalendar {
    inner: core::BusinessCalendar,
}

impl From<core::BusinessCalendar> for BusinessCalendar {
    fn from(inner: core::BusinessCalendar) -> Self {
        BusinessCalendar { inner }
    }
}

#[napi]
impl BusinessCalendar {
    /// A calendar from a spec object (see `CalendarSpec`); equal to
    /// `fromJson` of the same object in snake_case JSON.
    ///
    /// Throws `.code` `'invalid_type'` for a non-object or a value of the
    /// wrong type, `'invalid_input'` for an unknown key or holiday rule,
    /// `'missing_key'` without `timeZone` or `weekly`, `'invalid_config'` for
    /// an unknown time zone, a time like `'25:00'`, overlapping windows or a
    /// bad holiday date, `'limit_exceeded'` past the core's bounds.
    ///
    /// @example
    /// ```js
    /// const cal = new BusinessCalendar({ timeZone: 'UTC',
    ///   weekly: { mon: [['09:00', '17:00']], sat: [['22:00', '06:00']] },
    ///   holidays: ['2026-12-25'] })
    /// cal.isOpen('2026-11-30T12:00:00Z') // true: a Monday
    /// ```
    #[napi(constructor, ts_args_type = "spec: CalendarSpec")]
    pub fn new(spec: Unknown<'_>) -> errors::Result<Self> {
        run(|| conv::spec(&spec).map(Self::from))
    }

    /// Parses and validates a JSON calendar: `{"time_zone", "weekly": {"mon":
    /// [["09:00", "17:00"]], ...}, "holidays"?, "holiday_rule"?}`.
    ///
    /// Throws `.code` `'parse_error'` for malformed JSON or unknown keys,
    /// `'invalid_config'` for an unknown time zone, a bad time, overlapping
    /// windows or a bad holiday date (the message names the field),
    /// `'limit_exceeded'` past the core's bounds.
    ///
    /// @example
    /// ```js
    /// const cal = BusinessCalendar.fromJson('{"time_zone": "UTC", "weekly": {"mon": [["09:00", "17:00"]]}}')
    /// cal.timeZone // 'UTC'
    /// ```
    #[napi(factory, ts_args_type = "text: string")]
    pub fn from_json(text: StrArg<'_>) -> errors::Result<Self> {
        run(|| core::BusinessCalendar::from_json(&convert::string("text", text)?).map(Self::from))
    }

    /// Parses and validates a TOML calendar (same keys as `fromJson`).
    ///
    /// @example
    /// ```js
    /// const cal = BusinessCalendar.fromToml(`
    /// time_zone = "Europe/London"
    /// holidays = ["2026-12-25"]
    /// [weekly]
    /// mon = [["09:00", "17:00"]]
    /// `)
    /// cal.timeZone // 'Europe/London'
    /// ```
    #[napi(factory, ts_args_type = "text: string")]
    pub fn from_toml(text: StrArg<'_>) -> errors::Result<Self> {
        run(|| core::BusinessCalendar::from_toml(&convert::string("text", text)?).map(Self::from))
    }

    /// Open around the clock, every day (24/7 follow-the-sun). Throws `.code`
    /// `'invalid_config'` for an unknown time zone.
    ///
    /// @example
    /// ```js
    /// BusinessCalendar.always('UTC').nextClose(new Date()) // null: never closes
    /// ```
    #[napi(factory, ts_args_type = "timeZone: string")]
    pub fn always(time_zone: StrArg<'_>) -> errors::Result<Self> {
        run(|| {
            core::BusinessCalendar::always(&convert::string("timeZone", time_zone)?).map(Self::from)
        })
    }

    /// 16/5: Monday to Friday, 06:00 to 22:00 local time (tier 2 coverage).
    ///
    /// @example
    /// ```js
    /// BusinessCalendar.sixteenFive('Europe/Berlin').isOpen('2026-11-30T05:30:00Z') // true: 06:30 in Berlin
    /// ```
    #[napi(factory, ts_args_type = "timeZone: string")]
    pub fn sixteen_five(time_zone: StrArg<'_>) -> errors::Result<Self> {
        run(|| {
            core::BusinessCalendar::sixteen_five(&convert::string("timeZone", time_zone)?)
                .map(Self::from)
        })
    }

    /// Weekdays 09:00 to 17:00 local time.
    ///
    /// @example
    /// ```js
    /// BusinessCalendar.nineToFive('America/New_York').isOpen('2026-11-30T09:00:00-05:00') // true
    /// ```
    #[napi(factory, ts_args_type = "timeZone: string")]
    pub fn nine_to_five(time_zone: StrArg<'_>) -> errors::Result<Self> {
        run(|| {
            core::BusinessCalendar::nine_to_five(&convert::string("timeZone", time_zone)?)
                .map(Self::from)
        })
    }

    /// The calendar as JSON (snake_case keys, every weekday present);
    /// `fromJson` reads it back to an equal calendar.
    ///
    /// @example
    /// ```js
    /// JSON.parse(BusinessCalendar.nineToFive('UTC').toJson()).weekly.mon // [['09:00', '17:00']]
    /// ```
    #[napi]
    pub fn to_json(&self) -> errors::Result<String> {
        run(|| Ok(self.inner.to_json()))
    }

    /// The IANA time zone name.
    ///
    /// @example
    /// ```js
    /// BusinessCalendar.always('Asia/Tokyo').timeZone // 'Asia/Tokyo'
    /// ```
    #[napi(getter)]
    pub fn time_zone(&self) -> String {
        self.inner.time_zone().to_owned()
    }

    /// The holiday rule.
    ///
    /// @example
    /// ```js
    /// BusinessCalendar.always('UTC').holidayRule // 'calendar_date'
    /// ```
    #[napi(getter)]
    pub fn holiday_rule(&self) -> HolidayRule {
        self.inner.holiday_rule().into()
    }

    /// The earliest instant at which `durationSecs` of open, unpaused time
    /// has elapsed since `start`. Adding 0 returns `start`; a start in closed
    /// time counts from the next opening.
    ///
    /// `durationSecs` is a finite number of seconds; a fraction is truncated
    /// toward zero (`1.9` adds 1 s), but any negative value, even `-0.5`,
    /// throws `'invalid_input'`.
    ///
    /// Throws `.code` `'invalid_type'` for an argument of the wrong type,
    /// `'invalid_input'` for a bad instant, a NaN, infinite or negative
    /// duration, an inverted pause or a non-zero duration on a calendar with
    /// no windows, `'limit_exceeded'` when the deadline is more than ten
    /// years away or there are more than 100 000 pauses.
    ///
    /// @example
    /// ```js
    /// const cal = BusinessCalendar.nineToFive('UTC')
    /// // Two hours from Monday 09:00 with the clock stopped 10:00-12:00.
    /// cal.add('2026-11-30T09:00:00Z', 7200, [['2026-11-30T10:00:00Z', '2026-11-30T12:00:00Z']])
    /// // Date 2026-11-30T13:00:00.000Z
    /// ```
    #[napi(
        ts_args_type = "start: Date | string, durationSecs: number, pauses?: Array<[Date | string, Date | string]> | null"
    )]
    pub fn add<'env>(
        &self,
        env: &'env Env,
        start: Unknown<'_>,
        duration_secs: Unknown<'_>,
        pauses: Option<Unknown<'_>>,
    ) -> errors::Result<JsDate<'env>> {
        run(|| {
            let start = conv::instant("start", &start)?;
            let duration = conv::duration_secs("durationSecs", &duration_secs)?;
            let pauses = conv::pauses(pauses.as_ref())?;
            conv::date(env, self.inner.add(start, duration, &pauses)?)
        })
    }

    /// Open, unpaused time in `[start, end)`, in whole seconds.
    ///
    /// Throws `.code` `'invalid_input'` when `end` is before `start` or a
    /// pause is inverted, `'limit_exceeded'` for a span over ten years or
    /// more than 100 000 pauses; `'invalid_type'` / `'invalid_input'` for
    /// bad arguments as in `add`.
    ///
    /// @example
    /// ```js
    /// const cal = BusinessCalendar.always('America/New_York')
    /// cal.elapsed('2026-03-08T00:00:00-05:00', '2026-03-09T00:00:00-04:00') // 82800: a 23-hour day
    /// ```
    #[napi(
        ts_args_type = "start: Date | string, end: Date | string, pauses?: Array<[Date | string, Date | string]> | null"
    )]
    pub fn elapsed(
        &self,
        start: Unknown<'_>,
        end: Unknown<'_>,
        pauses: Option<Unknown<'_>>,
    ) -> errors::Result<f64> {
        run(|| {
            let start = conv::instant("start", &start)?;
            let end = conv::instant("end", &end)?;
            let pauses = conv::pauses(pauses.as_ref())?;
            Ok(conv::seconds(self.inner.elapsed(start, end, &pauses)?))
        })
    }

    /// Whether the calendar is open at `t` (windows are half-open).
    ///
    /// @example
    /// ```js
    /// const cal = BusinessCalendar.nineToFive('UTC')
    /// cal.isOpen('2026-11-30T09:00:00Z') // true
    /// cal.isOpen('2026-11-30T17:00:00Z') // false
    /// ```
    #[napi(ts_args_type = "t: Date | string")]
    pub fn is_open(&self, t: Unknown<'_>) -> errors::Result<bool> {
        run(|| Ok(self.inner.is_open(conv::instant("t", &t)?)))
    }

    /// The first instant at or after `t` at which the calendar is open.
    ///
    /// Throws `.code` `'invalid_input'` when the calendar has no windows,
    /// `'limit_exceeded'` when nothing opens within ten years.
    ///
    /// @example
    /// ```js
    /// BusinessCalendar.nineToFive('UTC').nextOpen('2026-11-28T12:00:00Z') // Date 2026-11-30T09:00:00.000Z
    /// ```
    #[napi(ts_args_type = "t: Date | string")]
    pub fn next_open<'env>(&self, env: &'env Env, t: Unknown<'_>) -> errors::Result<JsDate<'env>> {
        run(|| conv::date(env, self.inner.next_open(conv::instant("t", &t)?)?))
    }

    /// The first instant at or after `t` at which the calendar closes (the
    /// end of the open period containing `t`, or of the next one); adjacent
    /// windows count as one period. `null` when it never closes within ten
    /// years (24/7). Throws as `nextOpen`.
    ///
    /// @example
    /// ```js
    /// BusinessCalendar.nineToFive('UTC').nextClose('2026-11-30T10:00:00Z') // Date 2026-11-30T17:00:00.000Z
    /// BusinessCalendar.always('UTC').nextClose('2026-11-30T10:00:00Z')     // null
    /// ```
    #[napi(ts_args_type = "t: Date | string")]
    pub fn next_close<'env>(
        &self,
        env: &'env Env,
        t: Unknown<'_>,
    ) -> errors::Result<Option<JsDate<'env>>> {
        run(|| {
            self.inner
                .next_close(conv::instant("t", &t)?)?
                .map(|c| conv::date(env, c))
                .transpose()
        })
    }
}
