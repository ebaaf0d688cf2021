//! Business time over columns: [`BusinessCalendar::add_many`] and
//! [`BusinessCalendar::elapsed_many`], one row per element, in parallel. A
//! missing value (`None`: NaT in pandas, `null` in JSON) in a row gives a
//! missing result for that row.

use crate::par::*;
use chrono::{DateTime, TimeDelta, Utc};

use super::business::{BusinessCalendar, Days};
use crate::error::{Error, Result};

/// Most rows in one batch call (10 million).
pub const MAX_BATCH_ROWS: usize = 10_000_000;

/// The second column's length must be the first's, or 1 (broadcast).
fn check_lengths(first: (&str, usize), second: (&str, usize)) -> Result<()> {
    if first.1 > MAX_BATCH_ROWS {
        return Err(Error::limit(format!(
            "{} has {} rows; at most {MAX_BATCH_ROWS} are allowed",
            first.0, first.1
        )));
    }
    if second.1 != first.1 && second.1 != 1 {
        return Err(Error::new(
            crate::ErrorKind::DimensionMismatch,
            format!(
                "{} has {} rows and {} has {}: give one value or one per row",
                first.0, first.1, second.0, second.1
            ),
        ));
    }
    Ok(())
}

/// Runs `f` on every row in parallel; the first failing row (by index, so
/// the same whatever the thread count) names its index.
fn rows<T: Send>(
    n: usize,
    what: &str,
    f: impl Fn(&mut Days, usize) -> Result<T> + Sync + Send,
) -> Result<Vec<T>> {
    let out: Vec<Result<T>> = (0..n)
        .into_par_iter()
        .map_init(Days::cached, |days, i| f(days, i))
        .collect();
    out.into_iter()
        .enumerate()
        .map(|(i, r)| r.map_err(|e| e.at(format_args!("{what}[{i}]"))))
        .collect()
}

impl BusinessCalendar {
    /// [`BusinessCalendar::add`] for every row: `starts[i] + durations[i]` of
    /// business time (one duration is used for every row), without pauses,
    /// on the current rayon pool (on the calling thread without the
    /// `parallel` feature); a row with a missing value gives `None`.
    /// Results are in row order and do not depend on the thread count.
    ///
    /// # Examples
    /// ```
    /// use chrono::{TimeDelta, TimeZone, Utc};
    /// use opsbrain::calendar::BusinessCalendar;
    /// let cal = BusinessCalendar::nine_to_five("America/New_York")?;
    /// let monday_9 = Utc.with_ymd_and_hms(2026, 11, 30, 14, 0, 0).unwrap();
    /// let starts = [Some(monday_9), Some(monday_9 + TimeDelta::hours(7)), None];
    /// let due = cal.add_many(&starts, &[Some(TimeDelta::hours(2))])?;
    /// assert_eq!(due, vec![Some(monday_9 + TimeDelta::hours(2)), Some(monday_9 + TimeDelta::hours(25)), None]);
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`BusinessCalendar::add`], prefixed with the row (`rows[3]: ...`);
    /// `dimension_mismatch` when the lengths differ (and `durations` is not
    /// one value); `limit_exceeded` past [`MAX_BATCH_ROWS`].
    pub fn add_many(
        &self,
        starts: &[Option<DateTime<Utc>>],
        durations: &[Option<TimeDelta>],
    ) -> Result<Vec<Option<DateTime<Utc>>>> {
        check_lengths(("starts", starts.len()), ("durations", durations.len()))?;
        rows(starts.len(), "rows", |days, i| {
            let d = durations[if durations.len() == 1 { 0 } else { i }];
            match (starts[i], d) {
                (Some(s), Some(d)) => self.add_in(s, d, &[], days).map(Some),
                _ => Ok(None),
            }
        })
    }

    /// [`BusinessCalendar::elapsed`] for every row: open time in
    /// `[starts[i], ends[i])` (one end is used for every row), without
    /// pauses, in parallel, in row order; a row with a missing value gives
    /// `None`.
    ///
    /// # Examples
    /// ```
    /// use chrono::{TimeDelta, TimeZone, Utc};
    /// use opsbrain::calendar::BusinessCalendar;
    /// let cal = BusinessCalendar::nine_to_five("UTC")?;
    /// let fri_16 = Utc.with_ymd_and_hms(2026, 12, 4, 16, 0, 0).unwrap();
    /// let mon_10 = Utc.with_ymd_and_hms(2026, 12, 7, 10, 0, 0).unwrap();
    /// let spent = cal.elapsed_many(&[Some(fri_16), Some(mon_10)], &[Some(mon_10)])?;
    /// assert_eq!(spent, vec![Some(TimeDelta::hours(2)), Some(TimeDelta::zero())]);
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`BusinessCalendar::elapsed`], prefixed with the row;
    /// `dimension_mismatch` and `limit_exceeded` as [`BusinessCalendar::add_many`].
    pub fn elapsed_many(
        &self,
        starts: &[Option<DateTime<Utc>>],
        ends: &[Option<DateTime<Utc>>],
    ) -> Result<Vec<Option<TimeDelta>>> {
        check_lengths(("starts", starts.len()), ("ends", ends.len()))?;
        rows(starts.len(), "rows", |days, i| {
            let end = if ends.len() == 1 { ends[0] } else { ends[i] };
            match (starts[i], end) {
                (Some(s), Some(e)) => self.elapsed_in(s, e, &[], days).map(Some),
                _ => Ok(None),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn rows_match_the_one_row_calls_and_errors_name_the_row() {
        let cal = BusinessCalendar::nine_to_five("Europe/Paris").unwrap();
        let t0 = Utc.with_ymd_and_hms(2026, 3, 27, 6, 0, 0).unwrap();
        let starts: Vec<_> = (0..500)
            .map(|i| Some(t0 + TimeDelta::minutes(37 * i)))
            .collect();
        let durations: Vec<_> = (0..500)
            .map(|i| Some(TimeDelta::minutes(13 * (i % 50))))
            .collect();
        let due = cal.add_many(&starts, &durations).unwrap();
        let spent = cal.elapsed_many(&starts, &due).unwrap();
        for i in 0..500 {
            let (s, d) = (starts[i].unwrap(), durations[i].unwrap());
            assert_eq!(due[i], Some(cal.add(s, d, &[]).unwrap()));
            let back = cal.elapsed(s, due[i].unwrap(), &[]).unwrap();
            assert_eq!(spent[i], Some(back));
        }
        let mut gaps = starts.clone();
        gaps[3] = None;
        assert_eq!(cal.add_many(&gaps, &durations).unwrap()[3], None);
        let mut bad = durations.clone();
        bad[7] = Some(TimeDelta::seconds(-1));
        bad[9] = Some(TimeDelta::seconds(-1));
        let e = cal.add_many(&starts, &bad).unwrap_err();
        assert!(e.message.starts_with("rows[7]: "), "{}", e.message);
        let e = cal.add_many(&starts, &durations[..2]).unwrap_err();
        assert_eq!(e.code(), "dimension_mismatch");
        assert!(cal.add_many(&[], &[]).unwrap().is_empty());
    }
}
