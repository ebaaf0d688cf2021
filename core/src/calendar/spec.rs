//! Business calendars as data: parsing, validation and presets.

use std::collections::BTreeSet;
use std::str::FromStr;

use chrono::{NaiveDate, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Most holidays in one calendar.
pub const MAX_HOLIDAYS: usize = 100_000;

/// Most windows on one weekday.
pub const MAX_WINDOWS_PER_DAY: usize = 96;

const DAY: u32 = 86_400;

/// What a holiday closes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HolidayRule {
    /// The local date is closed from 00:00 to 24:00; an overnight window
    /// running into the holiday is cut at midnight.
    #[default]
    CalendarDate,
    /// Every window that starts on the holiday is cancelled (an overnight
    /// window from the day before runs to its end).
    ShiftStartDate,
}

impl HolidayRule {
    /// Every rule, in order.
    ///
    /// ```
    /// use opsbrain::calendar::HolidayRule;
    /// let names: Vec<&str> = HolidayRule::ALL.iter().map(|r| r.as_str()).collect();
    /// assert_eq!(names, ["calendar_date", "shift_start_date"]);
    /// ```
    pub const ALL: &'static [HolidayRule] =
        &[HolidayRule::CalendarDate, HolidayRule::ShiftStartDate];

    /// The snake_case name (the serde form).
    pub const fn as_str(self) -> &'static str {
        match self {
            HolidayRule::CalendarDate => "calendar_date",
            HolidayRule::ShiftStartDate => "shift_start_date",
        }
    }
}

/// One opening window of a weekday, in seconds after local midnight.
/// `end <= start` means the window runs overnight into the next day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Window {
    pub(crate) start: u32,
    /// Seconds after the start day's midnight (may exceed 24 h for overnight windows).
    pub(crate) end: u32,
}

/// The serde form, exactly as documented on [`super::BusinessCalendar`],
/// not yet validated (`BusinessCalendar::try_from` validates it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarSpec {
    pub(crate) time_zone: String,
    #[serde(deserialize_with = "weekly_map")]
    pub(crate) weekly: WeeklySpec,
    #[serde(default)]
    pub(crate) holidays: Vec<String>,
    #[serde(default)]
    pub(crate) holiday_rule: HolidayRule,
}

/// `weekly` only as a map of weekdays (serde's derive would also take a
/// positional list, `[]` included).
fn weekly_map<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<WeeklySpec, D::Error> {
    struct Days;
    impl<'de> serde::de::Visitor<'de> for Days {
        type Value = WeeklySpec;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a map of weekdays")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            map: A,
        ) -> std::result::Result<WeeklySpec, A::Error> {
            WeeklySpec::deserialize(serde::de::value::MapAccessDeserializer::new(map))
        }
    }
    d.deserialize_map(Days)
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WeeklySpec {
    #[serde(default)]
    pub(crate) mon: Vec<(String, String)>,
    #[serde(default)]
    pub(crate) tue: Vec<(String, String)>,
    #[serde(default)]
    pub(crate) wed: Vec<(String, String)>,
    #[serde(default)]
    pub(crate) thu: Vec<(String, String)>,
    #[serde(default)]
    pub(crate) fri: Vec<(String, String)>,
    #[serde(default)]
    pub(crate) sat: Vec<(String, String)>,
    #[serde(default)]
    pub(crate) sun: Vec<(String, String)>,
}

impl WeeklySpec {
    pub(crate) fn days(&self) -> [(&'static str, &Vec<(String, String)>); 7] {
        [
            ("mon", &self.mon),
            ("tue", &self.tue),
            ("wed", &self.wed),
            ("thu", &self.thu),
            ("fri", &self.fri),
            ("sat", &self.sat),
            ("sun", &self.sun),
        ]
    }

    /// The same windows on the given weekdays, none on the others.
    pub(crate) fn uniform(days: &[Weekday], windows: &[(&str, &str)]) -> Self {
        let w: Vec<(String, String)> = windows
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect();
        let pick = |d: Weekday| {
            if days.contains(&d) {
                w.clone()
            } else {
                Vec::new()
            }
        };
        WeeklySpec {
            mon: pick(Weekday::Mon),
            tue: pick(Weekday::Tue),
            wed: pick(Weekday::Wed),
            thu: pick(Weekday::Thu),
            fri: pick(Weekday::Fri),
            sat: pick(Weekday::Sat),
            sun: pick(Weekday::Sun),
        }
    }
}

/// A validated calendar's parts.
#[derive(Debug, Clone)]
pub(crate) struct Parsed {
    pub(crate) tz: Tz,
    /// Windows per weekday (Mon = 0), sorted by start.
    pub(crate) weekly: [Vec<Window>; 7],
    pub(crate) holidays: BTreeSet<NaiveDate>,
    pub(crate) rule: HolidayRule,
}

/// Parses `"HH:MM"` or `"HH:MM:SS"` into seconds after midnight; `24:00` only when `end`.
fn parse_time(text: &str, end: bool) -> Option<u32> {
    let parts: Vec<&str> = text.split(':').collect();
    if !(2..=3).contains(&parts.len())
        || parts
            .iter()
            .any(|p| p.len() != 2 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let num = |i: usize| parts.get(i).map_or(Some(0), |p| p.parse::<u32>().ok());
    let (h, m, s) = (num(0)?, num(1)?, num(2)?);
    if h == 24 && m == 0 && s == 0 && end {
        return Some(DAY);
    }
    (h < 24 && m < 60 && s < 60).then_some(h * 3600 + m * 60 + s)
}

impl CalendarSpec {
    pub(crate) fn from_json(text: &str) -> Result<Self> {
        crate::input::from_json(text)
    }

    #[cfg(feature = "toml")]
    pub(crate) fn from_toml(text: &str) -> Result<Self> {
        crate::input::from_toml(text)
    }

    /// Validates the spec (naming the bad field) and builds the calendar's parts.
    pub(crate) fn parse(&self) -> Result<Parsed> {
        let tz = Tz::from_str(&self.time_zone).map_err(|_| {
            Error::invalid_config(format!(
                "time_zone: unknown IANA time zone {:?}",
                self.time_zone
            ))
        })?;
        let mut weekly: [Vec<Window>; 7] = Default::default();
        for (i, (day, windows)) in self.weekly.days().into_iter().enumerate() {
            if windows.len() > MAX_WINDOWS_PER_DAY {
                return Err(Error::limit(format!(
                    "weekly.{day}: {} windows; at most {MAX_WINDOWS_PER_DAY} are allowed",
                    windows.len()
                )));
            }
            for (j, (a, b)) in windows.iter().enumerate() {
                let at = format!("weekly.{day}[{j}]");
                let start = parse_time(a, false).ok_or_else(|| {
                    Error::invalid_config(format!(
                        "{at}: start {a:?} is not a time from 00:00 to 23:59"
                    ))
                })?;
                let end = parse_time(b, true).ok_or_else(|| {
                    Error::invalid_config(format!(
                        "{at}: end {b:?} is not a time from 00:00 to 24:00"
                    ))
                })?;
                let end = if end <= start { end + DAY } else { end };
                weekly[i].push(Window { start, end });
            }
            weekly[i].sort_by_key(|w| w.start);
        }
        check_overlaps(&weekly)?;
        let mut holidays = BTreeSet::new();
        if self.holidays.len() > MAX_HOLIDAYS {
            return Err(Error::limit(format!(
                "{} holidays; at most {MAX_HOLIDAYS} are allowed",
                self.holidays.len()
            )));
        }
        for (i, h) in self.holidays.iter().enumerate() {
            let d = NaiveDate::parse_from_str(h, "%Y-%m-%d").map_err(|_| {
                Error::invalid_config(format!(
                    "holidays[{i}]: {h:?} is not a date like 2026-12-25"
                ))
            })?;
            holidays.insert(d);
        }
        Ok(Parsed {
            tz,
            weekly,
            holidays,
            rule: self.holiday_rule,
        })
    }
}

const NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Windows may not overlap, within a day or across midnight into the next day.
fn check_overlaps(weekly: &[Vec<Window>; 7]) -> Result<()> {
    for d in 0..7 {
        let next = (d + 1) % 7;
        // Each day's windows plus the next day's shifted by 24 h, in start order.
        let mut all: Vec<(u32, u32, &str, usize)> = weekly[d]
            .iter()
            .enumerate()
            .map(|(j, w)| (w.start, w.end, NAMES[d], j))
            .collect();
        all.extend(
            weekly[next]
                .iter()
                .enumerate()
                .map(|(j, w)| (w.start + DAY, w.end + DAY, NAMES[next], j)),
        );
        all.sort_by_key(|w| w.0);
        for pair in all.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            if b.0 < a.1 {
                return Err(Error::invalid_config(format!(
                    "weekly.{}[{}] overlaps weekly.{}[{}]",
                    a.2, a.3, b.2, b.3
                )));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        assert_eq!(parse_time("09:30", false), Some(9 * 3600 + 1800));
        assert_eq!(parse_time("23:59:59", false), Some(DAY - 1));
        assert_eq!(parse_time("24:00", true), Some(DAY));
        assert_eq!(parse_time("24:00", false), None);
        for bad in ["25:00", "9:00", "09:60", "0900", "ab:cd", "", "09:00:00:00"] {
            assert_eq!(parse_time(bad, true), None, "{bad}");
        }
    }
}
