//! `opsbrain::calendar` for Node: the `BusinessCalendar` class. Instants
//! are `Date`s or ISO-8601 strings with an offset, durations seconds.

use napi::Env;
use napi::bindgen_prelude::{Float64Array, Unknown};
use napi_derive::napi;
use opsbrain::calendar::{self as core, CalendarSpec, Pause};

use crate::convert::column;
use crate::convert::scalar::{self, is_nullish};
use crate::convert::value::{self, Shape};
use crate::errors::{self, run};
use crate::task::{self, Work, twins};
use crate::types::{class, parsed};

fn pauses(v: Option<&Unknown<'_>>) -> opsbrain::Result<Vec<Pause>> {
    let shape = Shape {
        instants: &[""],
        ..Shape::PLAIN
    };
    match v.filter(|v| !is_nullish(v)) {
        None => Ok(Vec::new()),
        Some(v) => value::items("pauses", v, &shape, false),
    }
}

class! {
    "A business calendar: an IANA time zone, opening windows per weekday,"
    "holidays and a holiday rule."
    #[napi()]
    pub struct BusinessCalendar(core::BusinessCalendar);
    "The IANA time zone."
    fn time_zone: String = |c| c.time_zone().to_owned();
    "What a holiday closes."
    fn holiday_rule => "HolidayRule" = core::BusinessCalendar::holiday_rule;
    "Parses and validates a JSON calendar."
    fn from_json;
    "Parses and validates a TOML calendar."
    fn from_toml;
    "The calendar as JSON."
    fn to_json;
}

#[napi]
impl BusinessCalendar {
    /// A calendar from its spec object (camelCase keys).
    #[napi(constructor, ts_args_type = "spec: CalendarSpec")]
    pub fn new(spec: Unknown<'_>) -> errors::Result<Self> {
        run(|| {
            core::BusinessCalendar::try_from(value::object::<CalendarSpec>(
                "spec",
                &spec,
                &Shape::PLAIN,
            )?)
            .map(Self::from)
        })
    }

    /// Open around the clock.
    #[napi(factory, ts_args_type = "timeZone: string")]
    pub fn always(time_zone: Unknown<'_>) -> errors::Result<Self> {
        parsed("timeZone", &time_zone, core::BusinessCalendar::always)
    }

    /// 16x5: Monday to Friday, 06:00 to 22:00.
    #[napi(factory, ts_args_type = "timeZone: string")]
    pub fn sixteen_five(time_zone: Unknown<'_>) -> errors::Result<Self> {
        parsed("timeZone", &time_zone, core::BusinessCalendar::sixteen_five)
    }

    /// Monday to Friday, 09:00 to 17:00.
    #[napi(factory, ts_args_type = "timeZone: string")]
    pub fn nine_to_five(time_zone: Unknown<'_>) -> errors::Result<Self> {
        parsed("timeZone", &time_zone, core::BusinessCalendar::nine_to_five)
    }

    /// The instant `durationSecs` of business time after `start`.
    #[napi(
        ts_args_type = "start: Instant, durationSecs: number, pauses?: Array<[Instant, Instant]> | null",
        ts_return_type = "Date"
    )]
    pub fn add<'e>(
        &self,
        env: &'e Env,
        start: Unknown<'_>,
        duration_secs: Unknown<'_>,
        pauses: Option<Unknown<'_>>,
    ) -> errors::Result<Unknown<'e>> {
        run(|| {
            let start = scalar::instant("start", &start)?;
            let duration = scalar::secs_of(scalar::number("durationSecs", &duration_secs)?);
            let pauses = self::pauses(pauses.as_ref())?;
            scalar::date(env, "result", self.inner.add(start, duration, &pauses)?)
        })
    }

    /// Business seconds between `start` and `end`.
    #[napi(
        ts_args_type = "start: Instant, end: Instant, pauses?: Array<[Instant, Instant]> | null"
    )]
    pub fn elapsed(
        &self,
        start: Unknown<'_>,
        end: Unknown<'_>,
        pauses: Option<Unknown<'_>>,
    ) -> errors::Result<f64> {
        run(|| {
            let start = scalar::instant("start", &start)?;
            let end = scalar::instant("end", &end)?;
            let pauses = self::pauses(pauses.as_ref())?;
            // Spans are at most ten years of seconds: exact.
            Ok(self.inner.elapsed(start, end, &pauses)?.num_seconds() as f64)
        })
    }

    /// Whether the calendar is open at `t`.
    #[napi(ts_args_type = "t: Instant")]
    pub fn is_open(&self, t: Unknown<'_>) -> errors::Result<bool> {
        run(|| Ok(self.inner.is_open(scalar::instant("t", &t)?)))
    }

    /// The next instant at or after `t` when the calendar is open.
    #[napi(ts_args_type = "t: Instant", ts_return_type = "Date")]
    pub fn next_open<'e>(&self, env: &'e Env, t: Unknown<'_>) -> errors::Result<Unknown<'e>> {
        run(|| {
            let next = self.inner.next_open(scalar::instant("t", &t)?)?;
            scalar::date(env, "result", next)
        })
    }

    /// The next instant after `t` when the calendar closes (`null`: never).
    #[napi(ts_args_type = "t: Instant", ts_return_type = "Date | null")]
    pub fn next_close<'e>(
        &self,
        env: &'e Env,
        t: Unknown<'_>,
    ) -> errors::Result<Option<Unknown<'e>>> {
        run(|| {
            let next = self.inner.next_close(scalar::instant("t", &t)?)?;
            next.map(|c| scalar::date(env, "result", c)).transpose()
        })
    }
}

impl BusinessCalendar {
    fn adding(&self, starts: &Unknown<'_>, durations_secs: &Unknown<'_>) -> opsbrain::Result<Work> {
        let s = column::instants("starts", starts)?;
        let d = column::durations("durationsSecs", durations_secs)?;
        let cal = self.inner.clone();
        task::work_with(
            move || {
                let due = cal.add_many(&s, &d)?;
                // Milliseconds of years 1..=9999 are far below 2^53: exact.
                let ms = due
                    .iter()
                    .map(|t| t.map_or(f64::NAN, |t| t.timestamp_millis() as f64));
                Ok(Float64Array::new(ms.collect()))
            },
            task::js,
        )
    }

    fn spanning(&self, starts: &Unknown<'_>, ends: &Unknown<'_>) -> opsbrain::Result<Work> {
        let s = column::instants("starts", starts)?;
        let e = column::instants("ends", ends)?;
        let cal = self.inner.clone();
        task::work_with(
            move || {
                let spent = cal.elapsed_many(&s, &e)?;
                // Spans are at most ten years of seconds: exact.
                let secs = spent
                    .iter()
                    .map(|d| d.map_or(f64::NAN, |d| d.num_seconds() as f64));
                Ok(Float64Array::new(secs.collect()))
            },
            task::js,
        )
    }
}

twins! {
    impl BusinessCalendar {
        #[napi(ts_args_type = "starts: Float64Array | Array<Instant | null>, durationsSecs: number | Numbers")]
        "`add` for every row, in parallel: `starts` (a `Float64Array` of epoch milliseconds or an array of `Date`s/strings) plus `durationsSecs` (one number for every row, or one per row). Returns epoch milliseconds; a missing value (`NaN`, `null`) gives `NaN`."
        fn add_many -> "Float64Array";
        "As `addMany`, off the main thread (the columns are read before it returns)."
        fn add_many_async -> "Promise<Float64Array>";
        with adding(starts: Unknown<'_>, durations_secs: Unknown<'_>);

        #[napi(ts_args_type = "starts: Float64Array | Array<Instant | null>, ends: Float64Array | Array<Instant | null> | Instant")]
        "`elapsed` for every row, in parallel: business seconds from `starts` to `ends` (columns as `addMany` reads them; one end for every row allowed). A missing value gives `NaN`."
        fn elapsed_many -> "Float64Array";
        "As `elapsedMany`, off the main thread."
        fn elapsed_many_async -> "Promise<Float64Array>";
        with spanning(starts: Unknown<'_>, ends: Unknown<'_>);
    }
}
