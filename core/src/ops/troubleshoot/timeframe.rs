//! Timeframes in a report ("since yesterday", "3 hours ago"), resolved
//! against `now` in an IANA zone.

use super::*;

/// `None` only if the constant pattern failed to compile (a test pins that it
/// does not); callers then find nothing rather than panic.
pub(crate) fn timeframe_regex() -> Option<&'static Regex> {
    static R: OnceLock<Option<Regex>> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(
            r"(?i)\b(?:(?:since|from)\s+)?(?:(yesterday|today|this morning|this afternoon|last night|tonight)|(?:(?:for|over|in)\s+)?(?:the\s+)?(?:last|past)\s+(\d{1,4}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|few|couple of|several)\s+(minute|hour|day|week|month)s?|(\d{1,4}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|a few|a couple of|several)\s+(minute|hour|day|week|month)s?\s+ago|(this|last)\s+(week|month)|(?:on\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)|(?:the\s+)?(?:latest\s+|last\s+|recent\s+|new\s+)?(update|upgrade|release|deploy|deployment|migration|new version|patch|maintenance|outage))\b",
        )
        .ok()
    })
    .as_ref()
}

pub(crate) fn count_word(w: &str) -> Option<i64> {
    Some(match w {
        "a" | "an" | "one" => 1,
        "two" | "couple of" | "a couple of" => 2,
        "three" | "few" | "a few" | "several" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        n => n.parse().ok()?,
    })
}

pub(crate) fn unit(u: &str, n: i64) -> Duration {
    match u {
        "minute" => Duration::minutes(n),
        "hour" => Duration::hours(n),
        "day" => Duration::days(n),
        "week" => Duration::weeks(n),
        _ => Duration::days(30 * n),
    }
}

pub(crate) fn timeframes(text: &str, now: DateTime<Utc>, tz: Tz) -> Vec<Timeframe> {
    let local = now.with_timezone(&tz);
    let day_start = |days_back: i64, hour: u32| -> Option<DateTime<Utc>> {
        let d = local.date_naive() - Duration::days(days_back);
        let t = d.and_time(NaiveTime::from_hms_opt(hour, 0, 0)?);
        tz.from_local_datetime(&t)
            .earliest()
            .map(|x| x.with_timezone(&Utc))
    };
    let mut out: Vec<Timeframe> = Vec::new();
    let Some(re) = timeframe_regex() else {
        return out;
    };
    for c in re.captures_iter(text) {
        if out.len() >= MAX_SYMPTOMS {
            break;
        }
        let phrase = c[0].to_lowercase();
        let since_word = phrase.starts_with("since") || phrase.starts_with("from");
        let g = |i: usize| c.get(i).map(|m| m.as_str().to_lowercase());
        let mut tf = Timeframe {
            phrase: phrase.clone(),
            since: None,
            until: None,
            event: None,
        };
        if let Some(w) = g(1) {
            match w.as_str() {
                "yesterday" => {
                    tf.since = day_start(1, 0);
                    if !since_word {
                        tf.until = day_start(0, 0);
                    }
                }
                "today" | "this morning" => tf.since = day_start(0, 0),
                "this afternoon" => tf.since = day_start(0, 12),
                "last night" => {
                    tf.since = day_start(1, 18);
                    if !since_word {
                        tf.until = day_start(0, 6);
                    }
                }
                _ => tf.since = day_start(0, 18), // tonight
            }
        } else if let (Some(n), Some(u)) = (g(2).or(g(4)), g(3).or(g(5))) {
            let Some(n) = count_word(&n).filter(|n| *n <= 10_000) else {
                continue;
            };
            tf.since = now.checked_sub_signed(unit(&u, n));
        } else if let (Some(which), Some(u)) = (g(6), g(7)) {
            let back = i64::from(which == "last");
            tf.since = if u == "week" {
                let wd = i64::from(local.weekday().num_days_from_monday());
                day_start(wd + 7 * back, 0)
            } else {
                let first = local.date_naive().with_day(1).unwrap_or(local.date_naive());
                let first = if back == 1 {
                    (first - Duration::days(1)).with_day(1).unwrap_or(first)
                } else {
                    first
                };
                day_start((local.date_naive() - first).num_days(), 0)
            };
            if which == "last" && !since_word {
                tf.until = if u == "week" {
                    day_start(i64::from(local.weekday().num_days_from_monday()), 0)
                } else {
                    let first = local.date_naive().with_day(1).unwrap_or(local.date_naive());
                    day_start((local.date_naive() - first).num_days(), 0)
                };
            }
        } else if let Some(day) = g(8) {
            let Ok(wd) = day.parse::<Weekday>() else {
                continue;
            };
            let back = (7 + i64::from(local.weekday().num_days_from_monday())
                - i64::from(wd.num_days_from_monday()))
                % 7;
            tf.since = day_start(back, 0);
            if !since_word {
                tf.until = day_start(back - 1, 0);
            }
        } else if let Some(ev) = g(9) {
            // Only "after/since the update" is a timeframe; a bare noun is not.
            let start = c.get(0).map_or(0, |m| m.start());
            let before = text[floor_char(text, start.saturating_sub(12))..start].to_lowercase();
            if !(since_word
                || before.trim_end().ends_with("after")
                || before.trim_end().ends_with("since"))
            {
                continue;
            }
            if !since_word {
                tf.phrase = format!("after {phrase}");
            }
            tf.event = Some(if ev == "deployment" {
                "deploy".to_owned()
            } else {
                ev
            });
        }
        // A bound before year 1 ("10000 months ago" near year 1) is not a
        // timeframe the core can represent: the phrase is dropped.
        let supported = |t: Option<DateTime<Utc>>| {
            t.is_none_or(|t| crate::validate::check_instant(t, "timeframe").is_ok())
        };
        if supported(tf.since) && supported(tf.until) && !out.iter().any(|t| t.phrase == tf.phrase)
        {
            out.push(tf);
        }
    }
    out
}

pub(crate) fn floor_char(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}
