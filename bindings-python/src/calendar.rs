//! `opsbrain.BusinessCalendar`: a thin wrapper over `opsbrain::calendar`.

use chrono::{DateTime, TimeDelta, Utc};
use opsbrain::ErrorKind;
use opsbrain::calendar::{BusinessCalendar, Pause};
use pyo3::prelude::*;
use pyo3::types::{PyDate, PyDateTime, PyDelta, PyString};

use crate::convert::{py_to_json, str_arg, to_py_dict, type_name};
use crate::errors::{BindError, bind_error, compute};

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyBusinessCalendar>()
}

/// A timezone-aware datetime as a UTC instant (second precision).
pub(crate) fn instant(obj: &Bound<'_, PyAny>, name: &str) -> Result<DateTime<Utc>, BindError> {
    if obj.cast::<PyDateTime>().is_err() {
        return Err(bind_error(
            ErrorKind::InvalidType,
            format!("{name} must be a datetime, not {}", type_name(obj)),
        ));
    }
    let tz = obj
        .getattr("tzinfo")
        .map_err(|e| bind_error(ErrorKind::InvalidInput, e.to_string()))?;
    let offset = obj
        .call_method0("utcoffset")
        .map_err(|e| bind_error(ErrorKind::InvalidInput, e.to_string()))?;
    if tz.is_none() || offset.is_none() {
        return Err(bind_error(
            ErrorKind::InvalidInput,
            format!(
                "{name} is a naive datetime: give a timezone-aware one (e.g. tzinfo=datetime.timezone.utc)"
            ),
        ));
    }
    let ts: f64 = obj
        .call_method0("timestamp")
        .and_then(|t| t.extract())
        .map_err(|e| bind_error(ErrorKind::InvalidInput, format!("{name}: {e}")))?;
    DateTime::from_timestamp(ts.floor() as i64, 0)
        .ok_or_else(|| bind_error(ErrorKind::InvalidInput, format!("{name} is out of range")))
}

fn duration(obj: &Bound<'_, PyAny>, name: &str) -> Result<TimeDelta, BindError> {
    if obj.cast::<PyDelta>().is_err() {
        return Err(bind_error(
            ErrorKind::InvalidType,
            format!(
                "{name} must be a datetime.timedelta, not {}",
                type_name(obj)
            ),
        ));
    }
    obj.extract::<TimeDelta>()
        .map_err(|e| bind_error(ErrorKind::InvalidInput, format!("{name}: {e}")))
}

fn pauses(obj: Option<&Bound<'_, PyAny>>) -> Result<Vec<Pause>, BindError> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(Vec::new());
    };
    let iter = obj.try_iter().map_err(|_| {
        bind_error(
            ErrorKind::InvalidType,
            "pauses must be a sequence of (start, end) pairs",
        )
    })?;
    let mut out = Vec::new();
    for (i, item) in iter.enumerate() {
        if i >= opsbrain::calendar::MAX_PAUSES {
            return Err(bind_error(ErrorKind::LimitExceeded, "too many pauses"));
        }
        let item = item.map_err(|e| bind_error(ErrorKind::InvalidInput, e.to_string()))?;
        let (a, b): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract().map_err(|_| {
            bind_error(
                ErrorKind::InvalidType,
                format!("pauses[{i}] must be a (start, end) pair"),
            )
        })?;
        out.push((
            instant(&a, &format!("pauses[{i}][0]"))?,
            instant(&b, &format!("pauses[{i}][1]"))?,
        ));
    }
    Ok(out)
}

/// A business calendar: an IANA time zone, opening windows per weekday,
/// holidays and a holiday rule. Times are real elapsed time (DST-exact);
/// datetimes must be timezone-aware and results are aware UTC datetimes.
///
/// >>> from datetime import datetime, timedelta, timezone
/// >>> cal = BusinessCalendar.nine_to_five("America/New_York")
/// >>> cal.add(datetime(2026, 11, 30, 14, tzinfo=timezone.utc), timedelta(hours=8))
/// datetime.datetime(2026, 11, 30, 22, 0, tzinfo=datetime.timezone.utc)
#[pyclass(name = "BusinessCalendar", module = "opsbrain._native", frozen, eq)]
#[derive(Debug, Clone, PartialEq)]
pub struct PyBusinessCalendar(BusinessCalendar);

#[pymethods]
impl PyBusinessCalendar {
    #[new]
    #[pyo3(signature = (time_zone, weekly, holidays = None, holiday_rule = None))]
    fn new(
        time_zone: &Bound<'_, PyAny>,
        weekly: &Bound<'_, PyAny>,
        holidays: Option<&Bound<'_, PyAny>>,
        holiday_rule: Option<&Bound<'_, PyAny>>,
    ) -> Result<Self, BindError> {
        let mut spec = serde_json::Map::new();
        spec.insert("time_zone".into(), str_arg(time_zone, "time_zone")?.into());
        spec.insert("weekly".into(), py_to_json(weekly, "weekly")?);
        if let Some(h) = holidays.filter(|h| !h.is_none()) {
            let mut dates = Vec::new();
            let iter = h.try_iter().map_err(|_| {
                bind_error(
                    ErrorKind::InvalidType,
                    "holidays must be a sequence of dates or strings",
                )
            })?;
            for (i, d) in iter.enumerate() {
                let d = d.map_err(|e| bind_error(ErrorKind::InvalidInput, e.to_string()))?;
                let text = if d.cast::<PyString>().is_ok() {
                    str_arg(&d, "holiday")?
                } else if d.cast::<PyDate>().is_ok() && d.cast::<PyDateTime>().is_err() {
                    d.call_method0("isoformat")
                        .and_then(|s| s.extract())
                        .map_err(|e| bind_error(ErrorKind::InvalidInput, e.to_string()))?
                } else {
                    return Err(bind_error(
                        ErrorKind::InvalidType,
                        format!(
                            "holidays[{i}] must be a date or 'YYYY-MM-DD', not {}",
                            type_name(&d)
                        ),
                    ));
                };
                dates.push(serde_json::Value::String(text));
            }
            spec.insert("holidays".into(), serde_json::Value::Array(dates));
        }
        if let Some(r) = holiday_rule.filter(|r| !r.is_none()) {
            spec.insert("holiday_rule".into(), str_arg(r, "holiday_rule")?.into());
        }
        let text = serde_json::Value::Object(spec).to_string();
        Ok(PyBusinessCalendar(BusinessCalendar::from_json(&text)?))
    }
    /// Parses and validates a JSON calendar.
    #[staticmethod]
    fn from_json(text: &Bound<'_, PyAny>) -> Result<Self, BindError> {
        Ok(PyBusinessCalendar(BusinessCalendar::from_json(&str_arg(
            text, "text",
        )?)?))
    }
    /// Parses and validates a TOML calendar.
    #[staticmethod]
    fn from_toml(text: &Bound<'_, PyAny>) -> Result<Self, BindError> {
        Ok(PyBusinessCalendar(BusinessCalendar::from_toml(&str_arg(
            text, "text",
        )?)?))
    }
    /// Open around the clock every day (24/7) in `time_zone`.
    #[staticmethod]
    fn always(time_zone: &Bound<'_, PyAny>) -> Result<Self, BindError> {
        Ok(PyBusinessCalendar(BusinessCalendar::always(&str_arg(
            time_zone,
            "time_zone",
        )?)?))
    }
    /// Monday to Friday 06:00-22:00 (16/5) in `time_zone`.
    #[staticmethod]
    fn sixteen_five(time_zone: &Bound<'_, PyAny>) -> Result<Self, BindError> {
        Ok(PyBusinessCalendar(BusinessCalendar::sixteen_five(
            &str_arg(time_zone, "time_zone")?,
        )?))
    }
    /// Weekdays 09:00-17:00 in `time_zone`.
    #[staticmethod]
    fn nine_to_five(time_zone: &Bound<'_, PyAny>) -> Result<Self, BindError> {
        Ok(PyBusinessCalendar(BusinessCalendar::nine_to_five(
            &str_arg(time_zone, "time_zone")?,
        )?))
    }
    /// The IANA time zone.
    #[getter]
    fn time_zone(&self) -> &str {
        self.0.time_zone()
    }
    /// "calendar_date" or "shift_start_date".
    #[getter]
    fn holiday_rule(&self) -> Result<String, BindError> {
        serde_json::to_value(self.0.holiday_rule())
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .ok_or_else(|| bind_error(ErrorKind::InvalidInput, "holiday rule"))
    }
    /// The calendar as JSON.
    fn to_json(&self) -> String {
        self.0.to_json()
    }
    /// The calendar as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py_dict(py, &self.0)
    }
    /// Whether the calendar is open at `t`.
    fn is_open(&self, t: &Bound<'_, PyAny>) -> Result<bool, BindError> {
        Ok(self.0.is_open(instant(t, "t")?))
    }
    /// The first instant at or after `t` at which the calendar is open.
    fn next_open(&self, t: &Bound<'_, PyAny>) -> Result<DateTime<Utc>, BindError> {
        Ok(self.0.next_open(instant(t, "t")?)?)
    }
    /// The first closing instant at or after `t`; None if it never closes.
    fn next_close(&self, t: &Bound<'_, PyAny>) -> Result<Option<DateTime<Utc>>, BindError> {
        Ok(self.0.next_close(instant(t, "t")?)?)
    }
    /// The earliest instant at which `duration` of open, unpaused time has
    /// elapsed since `start`; `pauses` are (start, end) pairs.
    #[pyo3(signature = (start, duration, pauses = None))]
    fn add(
        &self,
        py: Python<'_>,
        start: &Bound<'_, PyAny>,
        duration: &Bound<'_, PyAny>,
        pauses: Option<&Bound<'_, PyAny>>,
    ) -> Result<DateTime<Utc>, BindError> {
        let (start, d, p) = (
            instant(start, "start")?,
            self::duration(duration, "duration")?,
            self::pauses(pauses)?,
        );
        compute(py, || self.0.add(start, d, &p))
    }
    /// Open, unpaused time in [start, end) as a timedelta.
    #[pyo3(signature = (start, end, pauses = None))]
    fn elapsed(
        &self,
        py: Python<'_>,
        start: &Bound<'_, PyAny>,
        end: &Bound<'_, PyAny>,
        pauses: Option<&Bound<'_, PyAny>>,
    ) -> Result<TimeDelta, BindError> {
        let (a, b, p) = (
            instant(start, "start")?,
            instant(end, "end")?,
            self::pauses(pauses)?,
        );
        compute(py, || self.0.elapsed(a, b, &p))
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((
            slf.get_type().getattr("from_json")?,
            (slf.get().0.to_json(),),
        ))
    }
    fn __repr__(&self) -> String {
        format!("BusinessCalendar.from_json('{}')", self.0.to_json())
    }
}
