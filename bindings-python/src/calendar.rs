//! `opsbrain.BusinessCalendar`: a thin wrapper over `opsbrain::calendar`.

use chrono::{DateTime, TimeDelta, Utc};
use opsbrain::calendar::{
    BusinessCalendar, CalendarSpec, HolidayRule, MAX_BATCH_ROWS, MAX_HOLIDAYS, MAX_PAUSES, Pause,
};
use pyo3::prelude::*;

use crate::compute::compute;
use crate::convert::{
    Data, Opt, duration, instant, opt_arg, options, string, time_array, time_column,
};
use crate::errors::Res;
use crate::{getters, value_class};

value_class! {
    /// A business calendar: an IANA time zone, opening windows per weekday,
    /// holidays and a holiday rule. Times are real elapsed time (DST-exact);
    /// datetimes must be timezone-aware and results are aware UTC datetimes.
    ///
    /// >>> from datetime import datetime, timedelta, timezone
    /// >>> cal = BusinessCalendar.nine_to_five("America/New_York")
    /// >>> cal.add(datetime(2026, 11, 30, 14, tzinfo=timezone.utc), timedelta(hours=8))
    /// datetime.datetime(2026, 11, 30, 22, 0, tzinfo=datetime.timezone.utc)
    PyBusinessCalendar(BusinessCalendar) as "BusinessCalendar", toml
}

/// The built-in calendars, each in the time zone passed.
macro_rules! zoned {
    ($($(#[$doc:meta])* $name:ident;)*) => {
        #[pymethods]
        impl PyBusinessCalendar {$(
            $(#[$doc])*
            #[staticmethod]
            fn $name(time_zone: &Bound<'_, PyAny>) -> Res<Self> {
                Ok(Self(BusinessCalendar::$name(&string(time_zone, "time_zone")?)?))
            }
        )*}
    };
}

zoned! {
    /// Open around the clock every day (24/7) in `time_zone`.
    always;
    /// Monday to Friday 06:00-22:00 (16/5) in `time_zone`.
    sixteen_five;
    /// Weekdays 09:00-17:00 in `time_zone`.
    nine_to_five;
}

getters!(PyBusinessCalendar {
    /// The IANA time zone.
    time_zone -> &str = |v| v.time_zone();
    /// "calendar_date" or "shift_start_date".
    holiday_rule -> Data<HolidayRule> = |v| Data(v.holiday_rule());
});

#[pymethods]
impl PyBusinessCalendar {
    #[new]
    #[pyo3(signature = (time_zone, weekly, holidays = None, holiday_rule = None))]
    fn new(
        time_zone: &Bound<'_, PyAny>,
        weekly: &Bound<'_, PyAny>,
        holidays: Opt<'_, '_>,
        holiday_rule: Opt<'_, '_>,
    ) -> Res<Self> {
        let spec: CalendarSpec = options(
            &[
                ("time_zone", Some(time_zone)),
                ("weekly", Some(weekly)),
                ("holidays", holidays),
                ("holiday_rule", holiday_rule),
            ],
            MAX_HOLIDAYS,
        )?;
        Ok(Self(BusinessCalendar::try_from(spec)?))
    }
    /// Whether the calendar is open at `t`.
    fn is_open(&self, py: Python<'_>, t: &Bound<'_, PyAny>) -> Res<bool> {
        let t = instant(t, "t")?;
        compute(py, || Ok(self.0.is_open(t)))
    }
    /// The first instant at or after `t` at which the calendar is open.
    fn next_open(&self, py: Python<'_>, t: &Bound<'_, PyAny>) -> Res<DateTime<Utc>> {
        let t = instant(t, "t")?;
        compute(py, || self.0.next_open(t))
    }
    /// The first closing instant at or after `t`; None if it never closes.
    fn next_close(&self, py: Python<'_>, t: &Bound<'_, PyAny>) -> Res<Option<DateTime<Utc>>> {
        let t = instant(t, "t")?;
        compute(py, || self.0.next_close(t))
    }
    /// The earliest instant at which `duration` of open, unpaused time has
    /// elapsed since `start`; `pauses` are (start, end) pairs.
    #[pyo3(signature = (start, duration, pauses = None))]
    fn add(
        &self,
        py: Python<'_>,
        start: &Bound<'_, PyAny>,
        duration: &Bound<'_, PyAny>,
        pauses: Opt<'_, '_>,
    ) -> Res<DateTime<Utc>> {
        let start = instant(start, "start")?;
        let d = self::duration(duration, "duration")?;
        let p: Vec<Pause> = opt_arg(pauses, "pauses", MAX_PAUSES)?;
        compute(py, || self.0.add(start, d, &p))
    }
    /// Open, unpaused time in [start, end) as a timedelta.
    #[pyo3(signature = (start, end, pauses = None))]
    fn elapsed(
        &self,
        py: Python<'_>,
        start: &Bound<'_, PyAny>,
        end: &Bound<'_, PyAny>,
        pauses: Opt<'_, '_>,
    ) -> Res<TimeDelta> {
        let (a, b) = (instant(start, "start")?, instant(end, "end")?);
        let p: Vec<Pause> = opt_arg(pauses, "pauses", MAX_PAUSES)?;
        compute(py, || self.0.elapsed(a, b, &p))
    }
    /// ``add`` over columns, in parallel: ``starts`` (numpy ``datetime64``,
    /// UTC by convention; an aware pandas Series or index; or datetimes) plus
    /// ``durations`` (``timedelta64``, timedeltas, or one for every row).
    /// Returns ``datetime64[us]`` (UTC); NaT in gives NaT out.
    fn add_many<'py>(
        &self,
        py: Python<'py>,
        starts: &Bound<'py, PyAny>,
        durations: &Bound<'py, PyAny>,
    ) -> Res<Bound<'py, PyAny>> {
        let s = time_column(starts, "starts", MAX_BATCH_ROWS)?;
        let d = time_column(durations, "durations", MAX_BATCH_ROWS)?;
        time_array(py, &compute(py, || self.0.add_many(&s, &d))?)
    }
    /// ``elapsed`` over columns, in parallel: open time between ``starts``
    /// and ``ends`` (columns as ``add_many`` reads them; one end for every
    /// row allowed). Returns ``timedelta64[us]``; NaT in gives NaT out.
    fn elapsed_many<'py>(
        &self,
        py: Python<'py>,
        starts: &Bound<'py, PyAny>,
        ends: &Bound<'py, PyAny>,
    ) -> Res<Bound<'py, PyAny>> {
        let s = time_column(starts, "starts", MAX_BATCH_ROWS)?;
        let e = time_column(ends, "ends", MAX_BATCH_ROWS)?;
        time_array(py, &compute(py, || self.0.elapsed_many(&s, &e))?)
    }
}
