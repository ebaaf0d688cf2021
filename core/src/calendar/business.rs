//! The business calendar: open intervals per day, business-time add and
//! elapsed, pause handling.

use chrono::{
    DateTime, Datelike, LocalResult, NaiveDate, NaiveDateTime, TimeDelta, TimeZone, Utc, Weekday,
};
use serde::{Deserialize, Serialize};

use super::spec::{CalendarSpec, HolidayRule, Parsed, WeeklySpec};
#[cfg(doc)]
use super::spec::{MAX_HOLIDAYS, MAX_WINDOWS_PER_DAY};

use crate::error::{Error, Result};
use crate::validate::check_instant;

/// Furthest any search looks past its start: ten years of calendar days.
pub const MAX_SEARCH_DAYS: i64 = 3653;

/// Most pauses in one call.
pub const MAX_PAUSES: usize = 100_000;

pub(crate) const DAY: i64 = 86_400;

/// A business calendar: when the clock runs.
///
/// Serde form (also [`BusinessCalendar::from_json`]):
/// ```json
/// {"time_zone": "America/New_York",
///  "weekly": {"mon": [["09:00", "17:00"]], "tue": [["09:00", "17:00"]], "sun": []},
///  "holidays": ["2026-12-25"], "holiday_rule": "calendar_date"}
/// ```
/// Missing weekdays are closed. See the [module docs](crate::calendar) for the rules.
///
/// # Examples
/// ```
/// use chrono::{TimeDelta, TimeZone, Utc};
/// use opsbrain::calendar::BusinessCalendar;
/// let cal = BusinessCalendar::nine_to_five("America/New_York")?;
/// // Monday 2026-11-30 09:00 EST is 14:00 UTC.
/// let start = Utc.with_ymd_and_hms(2026, 11, 30, 14, 0, 0).unwrap();
/// let due = cal.add(start, TimeDelta::hours(8), &[])?;
/// assert_eq!(due, Utc.with_ymd_and_hms(2026, 11, 30, 22, 0, 0).unwrap()); // Mon 17:00, not Tue 09:00
/// assert_eq!(cal.elapsed(start, due, &[])?, TimeDelta::hours(8));
/// # Ok::<(), opsbrain::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct BusinessCalendar {
    pub(crate) spec: CalendarSpec,
    pub(crate) cal: Parsed,
    /// Open seconds of a week with no holiday, DST change or pause.
    pub(crate) week_secs: i64,
    /// Seconds from Monday 00:00 to the week's first window start.
    pub(crate) first_start: i64,
}

impl PartialEq for BusinessCalendar {
    fn eq(&self, other: &Self) -> bool {
        self.spec == other.spec
    }
}

impl Serialize for BusinessCalendar {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.spec.serialize(s)
    }
}

impl<'de> Deserialize<'de> for BusinessCalendar {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let spec = CalendarSpec::deserialize(d)?;
        Self::from_spec(spec).map_err(serde::de::Error::custom)
    }
}

impl TryFrom<CalendarSpec> for BusinessCalendar {
    type Error = crate::Error;

    /// Validates a spec (errors as [`BusinessCalendar::from_json`]).
    fn try_from(spec: CalendarSpec) -> Result<Self> {
        Self::from_spec(spec)
    }
}

/// Open intervals per local day, computed once per day when a batch asks
/// for them (the default computes every time, for single calls).
#[derive(Debug, Default)]
pub(crate) struct Days {
    cache: Option<rustc_hash::FxHashMap<NaiveDate, Vec<(i64, i64)>>>,
    buf: Vec<(i64, i64)>,
}

impl Days {
    /// Most days kept; the cache starts again past it.
    const MAX_CACHED: usize = 1 << 16;

    /// A cache of days for many calls on one calendar.
    pub(crate) fn cached() -> Self {
        Days {
            cache: Some(Default::default()),
            buf: Vec::new(),
        }
    }

    /// The open intervals of local `day` (as [`BusinessCalendar::intervals_on`]).
    pub(crate) fn on(&mut self, cal: &BusinessCalendar, day: NaiveDate) -> &[(i64, i64)] {
        match &mut self.cache {
            None => {
                cal.intervals_on(day, &mut self.buf);
                &self.buf
            }
            Some(cache) => {
                if cache.len() >= Self::MAX_CACHED && !cache.contains_key(&day) {
                    cache.clear();
                }
                cache.entry(day).or_insert_with(|| {
                    let mut v = Vec::new();
                    cal.intervals_on(day, &mut v);
                    v
                })
            }
        }
    }
}

/// A pause: the clock stops in `[start, end)`.
pub type Pause = (DateTime<Utc>, DateTime<Utc>);

impl BusinessCalendar {
    pub(crate) fn from_spec(spec: CalendarSpec) -> Result<Self> {
        let cal = spec.parse()?;
        let mut week_secs = 0i64;
        let mut first_start = i64::MAX;
        for (d, windows) in cal.weekly.iter().enumerate() {
            for w in windows {
                week_secs += i64::from(w.end - w.start);
                first_start = first_start.min(d as i64 * DAY + i64::from(w.start));
            }
        }
        Ok(BusinessCalendar {
            spec,
            cal,
            week_secs,
            first_start,
        })
    }

    /// Parses and validates a JSON calendar.
    ///
    /// # Errors
    /// `parse_error` for malformed JSON or unknown keys; `invalid_config` for
    /// an unknown time zone, a time like `"25:00"`, overlapping windows or a
    /// bad holiday date (naming the field); `limit_exceeded` past
    /// [`MAX_HOLIDAYS`] or [`MAX_WINDOWS_PER_DAY`].
    pub fn from_json(text: &str) -> Result<Self> {
        Self::from_spec(CalendarSpec::from_json(text)?)
    }

    /// Parses and validates a TOML calendar (same keys as JSON).
    ///
    /// # Errors
    /// As [`Self::from_json`].
    #[cfg(feature = "toml")]
    #[cfg_attr(docsrs, doc(cfg(feature = "toml")))]
    pub fn from_toml(text: &str) -> Result<Self> {
        Self::from_spec(CalendarSpec::from_toml(text)?)
    }

    /// The calendar's JSON form.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.spec).expect("a calendar always serialises to JSON")
    }

    /// Builds a calendar from parts: `weekly[0]` is Monday; windows are
    /// `("HH:MM", "HH:MM")` pairs; holidays are `"YYYY-MM-DD"`.
    ///
    /// # Errors
    /// As [`Self::from_json`].
    pub fn new(
        time_zone: &str,
        weekly: [Vec<(String, String)>; 7],
        holidays: Vec<String>,
        holiday_rule: HolidayRule,
    ) -> Result<Self> {
        let [mon, tue, wed, thu, fri, sat, sun] = weekly;
        Self::from_spec(CalendarSpec {
            time_zone: time_zone.to_owned(),
            weekly: WeeklySpec {
                mon,
                tue,
                wed,
                thu,
                fri,
                sat,
                sun,
            },
            holidays,
            holiday_rule,
        })
    }

    /// Builds a calendar from chrono values: the zone as a
    /// [`chrono_tz::Tz`], `weekly[0]` Monday's windows as
    /// `(open, close)` [`NaiveTime`](chrono::NaiveTime) pairs (a close of
    /// 00:00 means midnight at the end of the day), holidays as
    /// [`NaiveDate`]s. Windows are whole minutes.
    ///
    /// # Examples
    /// ```
    /// use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};
    /// use opsbrain::calendar::{BusinessCalendar, HolidayRule};
    /// let at = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
    /// let day = vec![(at(8, 30), at(12, 0)), (at(13, 0), at(17, 30))];
    /// let weekly = [day.clone(), day.clone(), day.clone(), day.clone(), day, vec![], vec![]];
    /// let holidays = vec![NaiveDate::from_ymd_opt(2026, 12, 25).unwrap()];
    /// let cal = BusinessCalendar::from_chrono(chrono_tz::Europe::Madrid, weekly, holidays, HolidayRule::CalendarDate)?;
    /// assert_eq!(cal.time_zone(), "Europe/Madrid");
    /// assert!(!cal.is_open(Utc.with_ymd_and_hms(2026, 12, 1, 11, 30, 0).unwrap())); // 12:30 in Madrid: lunch
    /// assert!(cal.is_open(Utc.with_ymd_and_hms(2026, 12, 1, 12, 30, 0).unwrap()));
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    ///
    /// # Errors
    /// `invalid_config` for a time with seconds, a window that closes
    /// before it opens, or overlapping windows (naming the day); as
    /// [`Self::from_json`] otherwise.
    pub fn from_chrono(
        time_zone: chrono_tz::Tz,
        weekly: [Vec<(chrono::NaiveTime, chrono::NaiveTime)>; 7],
        holidays: Vec<NaiveDate>,
        holiday_rule: HolidayRule,
    ) -> Result<Self> {
        use chrono::Timelike;
        let hhmm = |t: chrono::NaiveTime, end: bool| -> Result<String> {
            if t.second() != 0 || t.nanosecond() != 0 {
                return Err(Error::invalid_config(format!(
                    "{t}: business hours are whole minutes"
                )));
            }
            Ok(if end && t == chrono::NaiveTime::MIN {
                "24:00".to_owned()
            } else {
                t.format("%H:%M").to_string()
            })
        };
        let mut days: [Vec<(String, String)>; 7] = Default::default();
        for (d, windows) in weekly.iter().enumerate() {
            for &(open, close) in windows {
                days[d].push((hhmm(open, false)?, hhmm(close, true)?));
            }
        }
        Self::new(
            time_zone.name(),
            days,
            holidays
                .iter()
                .map(|d| d.format("%Y-%m-%d").to_string())
                .collect(),
            holiday_rule,
        )
    }

    pub(crate) fn preset(time_zone: &str, days: &[Weekday], window: (&str, &str)) -> Result<Self> {
        Self::from_spec(CalendarSpec {
            time_zone: time_zone.to_owned(),
            weekly: WeeklySpec::uniform(days, &[window]),
            holidays: Vec::new(),
            holiday_rule: HolidayRule::CalendarDate,
        })
    }

    /// Open around the clock, every day (the framework's 24/7 follow-the-sun).
    ///
    /// # Errors
    /// `invalid_config` for an unknown time zone.
    pub fn always(time_zone: &str) -> Result<Self> {
        Self::preset(time_zone, &ALL_DAYS, ("00:00", "24:00"))
    }

    /// 16/5: Monday to Friday, 06:00 to 22:00 (the framework's tier 2 coverage).
    ///
    /// # Errors
    /// `invalid_config` for an unknown time zone.
    pub fn sixteen_five(time_zone: &str) -> Result<Self> {
        Self::preset(time_zone, &ALL_DAYS[..5], ("06:00", "22:00"))
    }

    /// Weekdays 09:00 to 17:00.
    ///
    /// # Errors
    /// `invalid_config` for an unknown time zone.
    pub fn nine_to_five(time_zone: &str) -> Result<Self> {
        Self::preset(time_zone, &ALL_DAYS[..5], ("09:00", "17:00"))
    }

    /// The IANA time zone name.
    pub fn time_zone(&self) -> &str {
        &self.spec.time_zone
    }

    /// The holiday rule.
    pub fn holiday_rule(&self) -> HolidayRule {
        self.cal.rule
    }

    /// Whether the calendar is open at `t`.
    ///
    /// # Examples
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// let cal = opsbrain::calendar::BusinessCalendar::nine_to_five("Europe/London")?;
    /// assert!(cal.is_open(Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).unwrap()));
    /// assert!(!cal.is_open(Utc.with_ymd_and_hms(2026, 11, 30, 17, 0, 0).unwrap()));
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    pub fn is_open(&self, t: DateTime<Utc>) -> bool {
        if check_instant(t, "t").is_err() {
            return false;
        }
        let t = t.timestamp();
        let d = self.local_date(t);
        let mut buf = Vec::new();
        [d - TimeDelta::days(1), d].into_iter().any(|day| {
            self.intervals_on(day, &mut buf);
            buf.iter().any(|&(a, b)| a <= t && t < b)
        })
    }

    /// The first instant at or after `t` at which the calendar is open.
    /// Like every instant the calendar returns, it lies in the years 1 to
    /// 9999 (else `invalid_input`).
    ///
    /// # Errors
    /// `invalid_input` when the calendar has no opening windows;
    /// `limit_exceeded` when nothing is open within [`MAX_SEARCH_DAYS`].
    pub fn next_open(&self, t: DateTime<Utc>) -> Result<DateTime<Utc>> {
        check_instant(t, "t")?;
        self.check_has_windows()?;
        let t = t.timestamp();
        let (a, _) = self.open_run_from(t)?;
        supported(instant(a.max(t)))
    }

    /// The first instant at or after `t` at which the calendar closes (the end
    /// of the open period containing `t`, or of the next one when closed).
    /// Adjacent windows, including across midnight, count as one period.
    /// `None` when it never closes within [`MAX_SEARCH_DAYS`] (24/7).
    ///
    /// # Errors
    /// As [`Self::next_open`].
    pub fn next_close(&self, t: DateTime<Utc>) -> Result<Option<DateTime<Utc>>> {
        check_instant(t, "t")?;
        self.check_has_windows()?;
        let t = t.timestamp();
        let (_, mut end) = self.open_run_from(t)?;
        let mut buf = Vec::new();
        // Extend the run while another interval starts where it ends.
        'extend: while end - t <= MAX_SEARCH_DAYS * DAY {
            let day = self.local_date(end);
            for d in [day - TimeDelta::days(1), day] {
                self.intervals_on(d, &mut buf);
                if let Some(&(_, b)) = buf.iter().find(|&&(a, b)| a <= end && end < b) {
                    end = b;
                    continue 'extend;
                }
            }
            return supported(instant(end)).map(Some);
        }
        Ok(None)
    }

    /// The earliest instant at which `duration` of open, unpaused time has
    /// elapsed since `start`. Adding zero returns `start`; a start in closed
    /// time counts from the next opening.
    ///
    /// # Errors
    /// `invalid_input` for a negative duration, a pause whose end is before
    /// its start, or a non-zero duration on a calendar with no windows;
    /// `limit_exceeded` when the deadline is beyond [`MAX_SEARCH_DAYS`] or
    /// there are more than [`MAX_PAUSES`] pauses.
    pub fn add(
        &self,
        start: DateTime<Utc>,
        duration: TimeDelta,
        pauses: &[Pause],
    ) -> Result<DateTime<Utc>> {
        self.add_in(start, duration, pauses, &mut Days::default())
    }

    /// [`BusinessCalendar::add`] reading each day's intervals through `days`.
    pub(crate) fn add_in(
        &self,
        start: DateTime<Utc>,
        duration: TimeDelta,
        pauses: &[Pause],
        days: &mut Days,
    ) -> Result<DateTime<Utc>> {
        self.add_unchecked(start, duration, pauses, days)
            .and_then(supported)
    }

    fn add_unchecked(
        &self,
        start: DateTime<Utc>,
        duration: TimeDelta,
        pauses: &[Pause],
        days: &mut Days,
    ) -> Result<DateTime<Utc>> {
        check_instant(start, "start")?;
        if duration < TimeDelta::zero() {
            return Err(Error::invalid_input(format!(
                "duration must not be negative, got {duration}"
            )));
        }
        let start = start.timestamp();
        let mut remaining = duration.num_seconds();
        if remaining == 0 {
            return Ok(instant(start));
        }
        if remaining > MAX_SEARCH_DAYS * DAY {
            return Err(Error::limit(format!(
                "a duration of {remaining} s is more than {MAX_SEARCH_DAYS} days"
            )));
        }
        self.check_has_windows()?;
        let pauses = normalize(pauses)?;
        let mut cut = PauseCursor::new(&pauses);
        let mut day = self.local_date(start) - TimeDelta::days(1);
        let last = day + TimeDelta::days(MAX_SEARCH_DAYS);
        while day <= last {
            if day.weekday() == Weekday::Mon && remaining > self.week_secs {
                let mut m0 = self.resolve(day, 0);
                while remaining > self.week_secs
                    && day <= last
                    && start <= m0 + self.first_start
                    && self.regular_week(day, m0, &pauses)
                {
                    remaining -= self.week_secs;
                    day += TimeDelta::days(7);
                    m0 += 7 * DAY;
                }
            }
            for &(a, b) in days.on(self, day) {
                let a = a.max(start);
                if a >= b {
                    continue;
                }
                let mut hit = None;
                cut.open_pieces(a, b, |x, y| {
                    if hit.is_none() {
                        if remaining <= y - x {
                            hit = Some(x + remaining);
                        } else {
                            remaining -= y - x;
                        }
                    }
                });
                if let Some(t) = hit {
                    return Ok(instant(t));
                }
            }
            day += TimeDelta::days(1);
        }
        Err(Error::limit(format!(
            "the deadline is more than {MAX_SEARCH_DAYS} days after the start"
        )))
    }

    /// Open, unpaused time in `[start, end)`.
    ///
    /// # Examples
    /// ```
    /// use chrono::{TimeDelta, TimeZone, Utc};
    /// let cal = opsbrain::calendar::BusinessCalendar::always("UTC")?;
    /// let a = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// let b = Utc.with_ymd_and_hms(2026, 1, 2, 0, 0, 0).unwrap();
    /// let lunch = (a + TimeDelta::hours(12), a + TimeDelta::hours(13));
    /// assert_eq!(cal.elapsed(a, b, &[lunch])?, TimeDelta::hours(23));
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    ///
    /// # Errors
    /// `invalid_input` when `end` is before `start` or a pause is inverted;
    /// `limit_exceeded` when the span exceeds [`MAX_SEARCH_DAYS`] or there
    /// are more than [`MAX_PAUSES`] pauses.
    pub fn elapsed(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        pauses: &[Pause],
    ) -> Result<TimeDelta> {
        self.elapsed_in(start, end, pauses, &mut Days::default())
    }

    /// [`BusinessCalendar::elapsed`] reading each day's intervals through `days`.
    pub(crate) fn elapsed_in(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        pauses: &[Pause],
        days: &mut Days,
    ) -> Result<TimeDelta> {
        check_instant(start, "start")?;
        check_instant(end, "end")?;
        if end < start {
            return Err(Error::invalid_input(format!(
                "end {end} is before start {start}"
            )));
        }
        let (start, end) = (start.timestamp(), end.timestamp());
        if end - start > MAX_SEARCH_DAYS * DAY {
            return Err(Error::limit(format!(
                "the span is longer than {MAX_SEARCH_DAYS} days"
            )));
        }
        let pauses = normalize(pauses)?;
        let mut cut = PauseCursor::new(&pauses);
        let mut total = 0i64;
        let mut day = self.local_date(start) - TimeDelta::days(1);
        let last = self.local_date(end);
        while day <= last {
            if day.weekday() == Weekday::Mon && self.week_secs > 0 {
                let mut m0 = self.resolve(day, 0);
                while start <= m0 + self.first_start
                    && m0 + 8 * DAY <= end
                    && self.regular_week(day, m0, &pauses)
                {
                    total += self.week_secs;
                    day += TimeDelta::days(7);
                    m0 += 7 * DAY;
                }
            }
            for &(a, b) in days.on(self, day) {
                let (a, b) = (a.max(start), b.min(end));
                if a < b {
                    cut.open_pieces(a, b, |x, y| total += y - x);
                }
            }
            day += TimeDelta::days(1);
        }
        Ok(TimeDelta::seconds(total))
    }

    pub(crate) fn check_has_windows(&self) -> Result<()> {
        if self.week_secs == 0 {
            return Err(Error::invalid_input("the calendar has no opening windows"));
        }
        Ok(())
    }

    /// The first open interval ending after `t`: `(start, end)` in seconds.
    pub(crate) fn open_run_from(&self, t: i64) -> Result<(i64, i64)> {
        let mut day = self.local_date(t) - TimeDelta::days(1);
        let last = day + TimeDelta::days(MAX_SEARCH_DAYS);
        let mut buf = Vec::new();
        while day <= last {
            self.intervals_on(day, &mut buf);
            if let Some(&(a, b)) = buf.iter().find(|&&(_, b)| b > t) {
                return Ok((a, b));
            }
            day += TimeDelta::days(1);
        }
        Err(Error::limit(format!(
            "the calendar is closed for more than {MAX_SEARCH_DAYS} days"
        )))
    }

    /// Whether the week starting on Monday `day` (local midnight `m0`) holds
    /// exactly the template's open time: no holiday on its dates or the next
    /// Monday, the same UTC offset through the Tuesday after, no pause.
    pub(crate) fn regular_week(&self, day: NaiveDate, m0: i64, pauses: &[(i64, i64)]) -> bool {
        let m8 = m0 + 8 * DAY;
        if self.offset_at(m0) != self.offset_at(m8) {
            return false;
        }
        if self
            .cal
            .holidays
            .range(day..=day + TimeDelta::days(7))
            .next()
            .is_some()
        {
            return false;
        }
        let i = pauses.partition_point(|p| p.1 <= m0);
        pauses.get(i).is_none_or(|p| p.0 >= m8)
    }

    /// Seconds the local clock is ahead of UTC at instant `t`.
    pub(crate) fn offset_at(&self, t: i64) -> i32 {
        use chrono::Offset;
        self.cal
            .tz
            .offset_from_utc_datetime(&instant(t).naive_utc())
            .fix()
            .local_minus_utc()
    }

    /// Open intervals (Unix seconds) of the windows that start on local date
    /// `day`, holiday rule applied, in order.
    pub(crate) fn intervals_on(&self, day: NaiveDate, out: &mut Vec<(i64, i64)>) {
        out.clear();
        let holiday = |d: NaiveDate| self.cal.holidays.contains(&d);
        let today = holiday(day);
        if today && self.cal.rule == HolidayRule::ShiftStartDate {
            return;
        }
        let windows = &self.cal.weekly[day.weekday().num_days_from_monday() as usize];
        if windows.is_empty() {
            return;
        }
        let next = day + TimeDelta::days(1);
        let cut_tomorrow = self.cal.rule == HolidayRule::CalendarDate && holiday(next);
        let midnight = self.resolve(next, 0);
        for w in windows {
            let mut a = self.resolve(day, w.start);
            let mut b = if w.end >= DAY as u32 {
                self.resolve(next, w.end - DAY as u32)
            } else {
                self.resolve(day, w.end)
            };
            if self.cal.rule == HolidayRule::CalendarDate {
                if today {
                    a = a.max(midnight);
                }
                if cut_tomorrow {
                    b = b.min(midnight);
                }
            }
            if a < b {
                out.push((a, b));
            }
        }
    }

    pub(crate) fn local_date(&self, t: i64) -> NaiveDate {
        instant(t).with_timezone(&self.cal.tz).date_naive()
    }

    /// The instant of local `day` + `secs` (earlier instant when ambiguous,
    /// the instant the clock jumps to when the local time does not exist).
    pub(crate) fn resolve(&self, day: NaiveDate, secs: u32) -> i64 {
        let naive = day.and_time(chrono::NaiveTime::MIN) + TimeDelta::seconds(i64::from(secs));
        match self.cal.tz.from_local_datetime(&naive) {
            LocalResult::Single(x) | LocalResult::Ambiguous(x, _) => x.timestamp(),
            LocalResult::None => self.gap_end(naive),
        }
    }

    /// The first instant whose local time is at or after `naive` (which lies
    /// in a DST gap).
    pub(crate) fn gap_end(&self, naive: NaiveDateTime) -> i64 {
        let guess = naive.and_utc().timestamp();
        let (mut lo, mut hi) = (guess - 18 * 3600, guess + 18 * 3600);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if instant(mid).with_timezone(&self.cal.tz).naive_local() >= naive {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        lo
    }
}

pub(crate) const ALL_DAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

pub(crate) fn instant(t: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(t, 0).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// Sorts and merges pauses into disjoint `(start, end)` seconds.
pub(crate) fn normalize(pauses: &[Pause]) -> Result<Vec<(i64, i64)>> {
    if pauses.len() > MAX_PAUSES {
        return Err(Error::limit(format!(
            "{} pauses; at most {MAX_PAUSES} are allowed",
            pauses.len()
        )));
    }
    let mut out: Vec<(i64, i64)> = Vec::with_capacity(pauses.len());
    for (i, (a, b)) in pauses.iter().enumerate() {
        if b < a {
            return Err(Error::invalid_input(format!(
                "pauses[{i}]: end {b} is before start {a}"
            )));
        }
        out.push((a.timestamp(), b.timestamp()));
    }
    out.sort_unstable();
    let mut merged: Vec<(i64, i64)> = Vec::with_capacity(out.len());
    for (a, b) in out {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ if a < b => merged.push((a, b)),
            _ => {}
        }
    }
    Ok(merged)
}

/// Walks disjoint pauses alongside increasing open intervals.
pub(crate) struct PauseCursor<'a> {
    pub(crate) pauses: &'a [(i64, i64)],
    pub(crate) i: usize,
}

impl<'a> PauseCursor<'a> {
    pub(crate) fn new(pauses: &'a [(i64, i64)]) -> Self {
        PauseCursor { pauses, i: 0 }
    }

    /// Calls `f(x, y)` for each unpaused piece of `[a, b)`, in order. Calls
    /// must come with non-decreasing `a`.
    pub(crate) fn open_pieces(&mut self, a: i64, b: i64, mut f: impl FnMut(i64, i64)) {
        while self.i < self.pauses.len() && self.pauses[self.i].1 <= a {
            self.i += 1;
        }
        let mut x = a;
        let mut j = self.i;
        while j < self.pauses.len() && self.pauses[j].0 < b {
            let (ps, pe) = self.pauses[j];
            if ps > x {
                f(x, ps.min(b));
            }
            x = x.max(pe);
            if x >= b {
                return;
            }
            j += 1;
        }
        if x < b {
            f(x, b);
        }
    }
}

/// A computed instant within the supported years 1 to 9999: an answer
/// past the end of year 9999 (a deadline from late December 9999) is an
/// error, not an instant other languages cannot represent.
fn supported(t: DateTime<Utc>) -> Result<DateTime<Utc>> {
    check_instant(t, "the result").map(|()| t)
}
