//! Business calendars and business-time arithmetic.
//!
//! A [`BusinessCalendar`] is data: an IANA time zone, opening windows per
//! weekday, holidays and a holiday rule. Semantics:
//!
//! - Windows are half-open `[start, end)` in local wall-clock time. A window
//!   whose end is not after its start runs overnight and belongs to the day
//!   it starts on; `"24:00"` is allowed as an end.
//! - Time is real elapsed time: a window spanning a DST change holds its true
//!   number of seconds (a 00:00–06:00 window is 5 h on a spring-forward night
//!   and 7 h on a fall-back night). A local time that does not exist (in a
//!   spring-forward gap) means the instant the clock jumps to; an ambiguous
//!   one (in a fall-back overlap) means the earlier instant.
//! - Holiday rule `calendar_date` (default) closes the local date from 00:00 to
//!   24:00, cutting overnight windows at midnight; `shift_start_date` cancels
//!   every window that starts on that date.
//! - Pauses are half-open UTC intervals during which the clock stops.
//! - Instants have second precision (sub-second parts are dropped) and must
//!   lie in the years 1 to 9999 (`is_open` is false outside them).
//!
//! The cost of [`BusinessCalendar::add`] and [`BusinessCalendar::elapsed`]
//! does not grow with the duration: weeks with no holiday, no DST change and
//! no pause are skipped arithmetically (each holds the template's open time).
//! Searches never look further than [`MAX_SEARCH_DAYS`] from their start.
//!
//! # Examples
//! ```
//! use chrono::{TimeDelta, TimeZone, Utc};
//! use opsbrain::calendar::BusinessCalendar;
//! let cal = BusinessCalendar::nine_to_five("Europe/Paris")?;
//! let friday_4pm = Utc.with_ymd_and_hms(2026, 12, 4, 15, 0, 0).unwrap(); // 16:00 in Paris
//! // Two business hours from Friday 16:00 end on Monday at 10:00 (09:00 UTC).
//! let due = cal.add(friday_4pm, TimeDelta::hours(2), &[])?;
//! assert_eq!(due, Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0).unwrap());
//! assert_eq!(cal.elapsed(friday_4pm, due, &[])?, TimeDelta::hours(2));
//! # Ok::<(), opsbrain::Error>(())
//! ```

mod batch;
mod business;
mod spec;

pub use spec::{CalendarSpec, HolidayRule, MAX_HOLIDAYS, MAX_WINDOWS_PER_DAY};

pub use batch::MAX_BATCH_ROWS;
pub use business::{BusinessCalendar, MAX_PAUSES, MAX_SEARCH_DAYS, Pause};

#[cfg(test)]
mod tests;
