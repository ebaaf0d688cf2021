//! Availability, error budgets and multi-window burn-rate alerts from
//! good/total counts per interval.

use crate::par::*;
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::{Kpi, KpiResult, KpiTargets};
use crate::error::{Error, ErrorKind, Result};

/// Most intervals in one series, and in one window (a year of one-second
/// steps fits).
pub const MAX_SERIES_INTERVALS: usize = 50_000_000;

/// Most burn-rate rules in one evaluation.
pub const MAX_BURN_RULES: usize = 100;

/// Counts per fixed-length interval: interval `i` covers
/// `start + i*step .. start + (i+1)*step` and saw `good[i]` good events of
/// `total[i]`. Probe results are the special case `total = 1`, `good` 0 or
/// 1 per interval.
///
/// # Examples
/// ```
/// use chrono::{TimeZone, Utc};
/// use opsbrain::kpi::CountSeries;
/// let start = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
/// let s = CountSeries::new(start, 60, &[99.0, 100.0], &[100.0, 100.0])?;
/// assert_eq!(s.len(), 2);
/// assert!(CountSeries::new(start, 60, &[101.0], &[100.0]).is_err()); // good > total
/// # Ok::<(), opsbrain::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct CountSeries<'a> {
    start: DateTime<Utc>,
    step_secs: i64,
    good: &'a [f64],
    total: &'a [f64],
}

impl<'a> CountSeries<'a> {
    /// Validates the series.
    ///
    /// # Errors
    /// `invalid_input` for a step that is not positive, a count that is
    /// negative or not finite, or `good > total` (naming the interval);
    /// `dimension_mismatch` when the lengths differ; `limit_exceeded` past
    /// [`MAX_SERIES_INTERVALS`], when the series ends after year 9999 or
    /// when the totals pass [`MAX_REQUESTS`](super::MAX_REQUESTS).
    pub fn new(
        start: DateTime<Utc>,
        step_secs: i64,
        good: &'a [f64],
        total: &'a [f64],
    ) -> Result<Self> {
        crate::validate::check_instant(start, "start")?;
        if step_secs <= 0 {
            return Err(Error::invalid_input(format!(
                "step_secs {step_secs} must be positive"
            )));
        }
        if good.len() != total.len() {
            return Err(Error::new(
                ErrorKind::DimensionMismatch,
                format!(
                    "good has {} intervals but total has {}",
                    good.len(),
                    total.len()
                ),
            ));
        }
        if good.len() > MAX_SERIES_INTERVALS {
            return Err(Error::limit(format!(
                "{} intervals; at most {MAX_SERIES_INTERVALS} are allowed",
                good.len()
            )));
        }
        let span = step_secs.checked_mul(good.len() as i64);
        let end = span
            .and_then(TimeDelta::try_seconds)
            .and_then(|d| start.checked_add_signed(d));
        match end {
            Some(e) if crate::validate::check_instant(e, "end").is_ok() => {}
            _ => {
                return Err(Error::limit(
                    "the series ends after the supported years 1 to 9999",
                ));
            }
        }
        let mut sum = 0.0;
        for (i, (&g, &t)) in good.iter().zip(total).enumerate() {
            if !(g.is_finite() && t.is_finite() && g >= 0.0 && t >= 0.0) {
                return Err(Error::invalid_input(format!(
                    "interval {i}: counts must be finite and non-negative (good {g}, total {t})"
                )));
            }
            // Windows are differences of running sums: past 2^53 they lose
            // requests (and a burst of errors could fire no alert).
            sum += t;
            if sum > super::MAX_REQUESTS {
                return Err(Error::limit(format!(
                    "interval {i}: the totals pass 2^53 ({:e}) requests",
                    super::MAX_REQUESTS
                )));
            }
            if g > t {
                return Err(Error::invalid_input(format!(
                    "interval {i}: good {g} is more than total {t}"
                )));
            }
        }
        Ok(CountSeries {
            start,
            step_secs,
            good,
            total,
        })
    }

    /// Number of intervals.
    pub fn len(&self) -> usize {
        self.good.len()
    }

    /// Whether there are no intervals.
    pub fn is_empty(&self) -> bool {
        self.good.is_empty()
    }

    /// The end of interval `i` (exclusive), i.e. `start + (i+1)*step`.
    fn end_of(&self, i: usize) -> DateTime<Utc> {
        self.start + TimeDelta::seconds(self.step_secs * (i as i64 + 1))
    }

    /// Whole steps in `secs`.
    fn steps(&self, what: &str, secs: i64) -> Result<usize> {
        if secs < self.step_secs {
            return Err(Error::invalid_input(format!(
                "{what} of {secs} s is shorter than the series step of {} s",
                self.step_secs
            )));
        }
        if secs % self.step_secs != 0 {
            return Err(Error::invalid_input(format!(
                "{what} of {secs} s is not a whole number of {} s steps",
                self.step_secs
            )));
        }
        let steps = secs / self.step_secs;
        if steps > MAX_SERIES_INTERVALS as i64 {
            return Err(Error::limit(format!(
                "{what} spans {steps} steps; at most {MAX_SERIES_INTERVALS} are allowed"
            )));
        }
        Ok(steps as usize)
    }
}

fn check_objective(objective: f64) -> Result<()> {
    if objective.is_finite() && objective > 0.0 && objective < 1.0 {
        Ok(())
    } else {
        Err(Error::invalid_input(format!(
            "objective {objective} must be a fraction in (0, 1): an SLO of 100% or above leaves no error budget"
        )))
    }
}

/// The error budget of an SLO over the last `window_secs` of a series.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ErrorBudget {
    /// The SLO, e.g. 0.999.
    pub objective: f64,
    /// The rolling window, seconds.
    pub window_secs: i64,
    /// Start of the intervals counted.
    #[serde(deserialize_with = "crate::input::instant")]
    pub window_start: DateTime<Utc>,
    /// End of the series.
    #[serde(deserialize_with = "crate::input::instant")]
    pub window_end: DateTime<Utc>,
    /// Intervals counted (fewer than the window holds when the series is shorter).
    pub intervals: usize,
    /// Share of the window covered by data.
    pub coverage: f64,
    /// Good events.
    pub good: f64,
    /// All events.
    pub total: f64,
    /// `total - good`.
    pub bad: f64,
    /// `good / total`.
    pub availability: f64,
    /// `bad / total`.
    pub error_rate: f64,
    /// The budget as time: `(1 - objective) * window_secs` (43.2 min for
    /// 99.9 % over 30 days).
    pub budget_secs: f64,
    /// The budget as events: `(1 - objective) * total`.
    pub allowed_bad: f64,
    /// Share of the budget spent, `bad / allowed_bad` (above 1 when overspent).
    pub consumed: f64,
    /// `1 - consumed` (negative when overspent).
    pub remaining: f64,
    /// Bad time: the sum over intervals of `bad / total * step` (the
    /// downtime of probe data).
    pub bad_secs: f64,
    /// `budget_secs - bad_secs`.
    pub remaining_secs: f64,
    /// `availability >= objective`.
    pub meets_objective: bool,
    /// Availability against the framework's uptime KPI (99.9 %, target 99.95 %).
    pub uptime: KpiResult,
    /// Error rate against the framework's KPI (<0.1 %, target <0.05 %).
    pub error_rate_kpi: KpiResult,
}

/// Availability and the error budget of `objective` over the last
/// `window_secs` of `series` (all of it when shorter), against the
/// framework's uptime and error-rate KPIs (`targets`, the framework's by
/// default).
///
/// # Examples
/// The worked example: 30 days of minute probes at 99.9 % allow 43.2 minutes.
/// ```
/// use chrono::{TimeZone, Utc};
/// use opsbrain::kpi::{error_budget, CountSeries, KpiTargets};
/// let n = 30 * 24 * 60;
/// let mut good = vec![1.0; n];
/// good[..10].fill(0.0); // ten minutes down
/// let total = vec![1.0; n];
/// let start = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
/// let s = CountSeries::new(start, 60, &good, &total)?;
/// let b = error_budget(&s, 0.999, 30 * 86_400, &KpiTargets::default())?;
/// assert!((b.budget_secs - 2592.0).abs() < 1e-6); // 43.2 min
/// assert!((b.remaining_secs - 1992.0).abs() < 1e-6);
/// # Ok::<(), opsbrain::Error>(())
/// ```
///
/// # Errors
/// `invalid_input` for an objective outside (0, 1) (an SLO of 100 % or
/// above), a window shorter than the step or not a whole number of steps,
/// or a window without any event; `invalid_config` for bad targets.
pub fn error_budget(
    series: &CountSeries<'_>,
    objective: f64,
    window_secs: i64,
    targets: &KpiTargets,
) -> Result<ErrorBudget> {
    check_objective(objective)?;
    targets.check()?;
    let n = series.steps("window_secs", window_secs)?;
    let len = series.len();
    let from = len.saturating_sub(n);
    let (mut good, mut total, mut bad_secs) = (0.0, 0.0, 0.0);
    let step = series.step_secs as f64;
    for i in from..len {
        let (g, t) = (series.good[i], series.total[i]);
        good += g;
        total += t;
        if t > 0.0 {
            bad_secs += (t - g) / t * step;
        }
    }
    if total <= 0.0 {
        return Err(Error::invalid_input(
            "the window holds no events (total is 0): availability is undefined",
        ));
    }
    let bad = total - good;
    let availability = good / total;
    let error_rate = bad / total;
    let budget_secs = (1.0 - objective) * window_secs as f64;
    let allowed_bad = (1.0 - objective) * total;
    // From the error rate, so that a subnormal total (whose allowed_bad
    // underflows to 0) still gives a finite share.
    let consumed = error_rate / (1.0 - objective);
    Ok(ErrorBudget {
        objective,
        window_secs,
        window_start: series.start + TimeDelta::seconds(series.step_secs * from as i64),
        window_end: series.start + TimeDelta::seconds(series.step_secs * len as i64),
        intervals: len - from,
        coverage: (len - from) as f64 / n as f64,
        good,
        total,
        bad,
        availability,
        error_rate,
        budget_secs,
        allowed_bad,
        consumed,
        remaining: 1.0 - consumed,
        bad_secs,
        remaining_secs: budget_secs - bad_secs,
        meets_objective: availability >= objective,
        uptime: KpiResult::evaluate(Kpi::Uptime, Some(availability), targets.uptime),
        error_rate_kpi: KpiResult::evaluate(Kpi::ErrorRate, Some(error_rate), targets.error_rate),
    })
}

/// Page (wake someone) or ticket (next working day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertSeverity {
    /// Page.
    Page,
    /// Ticket.
    Ticket,
}

/// One multi-window burn-rate rule: it fires while the burn rate over both
/// the long and the short window is at least `burn_rate`.
///
/// Serde form: `{"name": "page_fast", "severity": "page",
/// "long_window_secs": 3600, "short_window_secs": 300, "burn_rate": 14.4}`.
///
/// # Examples
/// ```
/// use opsbrain::kpi::{AlertSeverity, BurnRateRule};
/// let rules = BurnRateRule::workbook();
/// assert_eq!((rules[0].burn_rate, rules[0].severity), (14.4, AlertSeverity::Page));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BurnRateRule {
    /// A name for the alert.
    pub name: String,
    /// Page or ticket.
    pub severity: AlertSeverity,
    /// The long window, seconds.
    pub long_window_secs: i64,
    /// The short (confirmation) window, seconds.
    pub short_window_secs: i64,
    /// The burn rate: how many times faster than sustainable the budget burns.
    pub burn_rate: f64,
}

impl BurnRateRule {
    /// The Google SRE workbook's rules: page at 14.4 over 1 h (5 min
    /// confirmation) and at 6 over 6 h (30 min); ticket at 1 over 3 days (6 h).
    ///
    /// # Examples
    /// ```
    /// assert_eq!(opsbrain::kpi::BurnRateRule::workbook().len(), 3);
    /// ```
    pub fn workbook() -> Vec<BurnRateRule> {
        let rule = |name: &str, severity, long, short, rate| BurnRateRule {
            name: name.to_owned(),
            severity,
            long_window_secs: long,
            short_window_secs: short,
            burn_rate: rate,
        };
        vec![
            rule("page_1h", AlertSeverity::Page, 3600, 300, 14.4),
            rule("page_6h", AlertSeverity::Page, 6 * 3600, 1800, 6.0),
            rule(
                "ticket_3d",
                AlertSeverity::Ticket,
                3 * 86_400,
                6 * 3600,
                1.0,
            ),
        ]
    }

    fn check(&self, i: usize, objective: f64) -> Result<()> {
        let bad = |what: String| Err(Error::invalid_config(format!("rules[{i}]: {what}")));
        crate::validate::check_name(&format!("rules[{i}].name"), &self.name)?;
        if self.short_window_secs >= self.long_window_secs {
            return bad(format!(
                "the short window ({} s) must be shorter than the long window ({} s)",
                self.short_window_secs, self.long_window_secs
            ));
        }
        if !(self.burn_rate.is_finite() && self.burn_rate > 0.0) {
            return bad(format!("burn_rate {} must be positive", self.burn_rate));
        }
        if self.burn_rate * (1.0 - objective) > 1.0 {
            return bad(format!(
                "burn_rate {} can never fire at objective {objective}: it needs an error rate above 100%",
                self.burn_rate
            ));
        }
        Ok(())
    }
}

/// One firing of a rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BurnRateAlert {
    /// The rule's name.
    pub rule: String,
    /// Page or ticket.
    pub severity: AlertSeverity,
    /// The rule's burn rate.
    pub burn_rate: f64,
    /// End of the first interval at which both windows burned at the rate.
    #[serde(deserialize_with = "crate::input::instant")]
    pub fired_at: DateTime<Utc>,
    /// End of the first interval at which they no longer did; while still
    /// firing at the end of the series, the projected instant assuming no
    /// further errors at the long window's mean traffic.
    #[serde(deserialize_with = "crate::input::instant")]
    pub clears_at: DateTime<Utc>,
    /// Still firing at the end of the series (`clears_at` is projected).
    pub firing: bool,
    /// Highest long-window burn rate while firing.
    pub peak_burn_rate: f64,
}

/// A rule's burn rates at the end of the series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RuleBurn {
    /// The rule's name.
    pub rule: String,
    /// Burn rate over the long window.
    pub long_burn_rate: f64,
    /// Burn rate over the short window.
    pub short_burn_rate: f64,
    /// Whether the rule is firing.
    pub firing: bool,
}

/// The result of [`burn_rate_alerts`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BurnRateReport {
    /// Every firing, by `fired_at`, then rule order.
    pub alerts: Vec<BurnRateAlert>,
    /// Each rule at the end of the series.
    pub current: Vec<RuleBurn>,
}

/// Relative slack when comparing a burn rate with its threshold, so that a
/// burst of exactly 14.4x fires despite rounding.
const RATE_SLACK: f64 = 1e-9;

struct Prefix {
    bad: Vec<f64>,
    total: Vec<f64>,
}

impl Prefix {
    fn new(s: &CountSeries<'_>) -> Prefix {
        let n = s.len();
        let (mut bad, mut total) = (Vec::with_capacity(n + 1), Vec::with_capacity(n + 1));
        let (mut b, mut t) = (0.0, 0.0);
        bad.push(0.0);
        total.push(0.0);
        for i in 0..n {
            b += s.total[i] - s.good[i];
            t += s.total[i];
            bad.push(b);
            total.push(t);
        }
        Prefix { bad, total }
    }

    /// (bad, total) over intervals `from..to`.
    fn sum(&self, from: usize, to: usize) -> (f64, f64) {
        (
            (self.bad[to] - self.bad[from]).max(0.0),
            (self.total[to] - self.total[from]).max(0.0),
        )
    }
}

fn burn(bad: f64, total: f64, budget: f64) -> f64 {
    if total > 0.0 {
        bad / total / budget
    } else {
        0.0
    }
}

fn hot(rate: f64, threshold: f64) -> bool {
    rate >= threshold * (1.0 - RATE_SLACK)
}

fn eval_rule(
    s: &CountSeries<'_>,
    p: &Prefix,
    rule: &BurnRateRule,
    long: usize,
    short: usize,
    budget: f64,
) -> (Vec<BurnRateAlert>, RuleBurn) {
    let n = s.len();
    let window = |i: usize, w: usize| {
        let (b, t) = p.sum((i + 1).saturating_sub(w), i + 1);
        burn(b, t, budget)
    };
    let mut alerts = Vec::new();
    let mut open: Option<(usize, f64)> = None;
    let (mut last_long, mut last_short) = (0.0, 0.0);
    for i in 0..n {
        let (l, sh) = (window(i, long), window(i, short));
        (last_long, last_short) = (l, sh);
        let firing = hot(l, rule.burn_rate) && hot(sh, rule.burn_rate);
        match (&mut open, firing) {
            (None, true) => open = Some((i, l)),
            (Some((_, peak)), true) => *peak = peak.max(l),
            (Some((from, peak)), false) => {
                alerts.push(alert(s, rule, *from, s.end_of(i), false, *peak));
                open = None;
            }
            (None, false) => {}
        }
    }
    let firing = open.is_some();
    if let Some((from, peak)) = open {
        let clears = project_clear(s, p, rule, long, short, budget);
        alerts.push(alert(s, rule, from, clears, true, peak));
    }
    let current = RuleBurn {
        rule: rule.name.clone(),
        long_burn_rate: last_long,
        short_burn_rate: last_short,
        firing,
    };
    (alerts, current)
}

fn alert(
    s: &CountSeries<'_>,
    rule: &BurnRateRule,
    from: usize,
    clears_at: DateTime<Utc>,
    firing: bool,
    peak: f64,
) -> BurnRateAlert {
    BurnRateAlert {
        rule: rule.name.clone(),
        severity: rule.severity,
        burn_rate: rule.burn_rate,
        fired_at: s.end_of(from),
        clears_at,
        firing,
        peak_burn_rate: peak,
    }
}

/// When a rule firing at the end of the series would clear if every later
/// interval were good, with the long window's mean traffic. Within
/// `short` steps the short window holds only good intervals, so the loop
/// is bounded by the short window.
fn project_clear(
    s: &CountSeries<'_>,
    p: &Prefix,
    rule: &BurnRateRule,
    long: usize,
    short: usize,
    budget: f64,
) -> DateTime<Utc> {
    let n = s.len();
    let from_long = n.saturating_sub(long);
    let (_, long_total) = p.sum(from_long, n);
    let traffic = long_total / (n - from_long).max(1) as f64;
    let after = |k: usize, w: usize| {
        // Window of w steps ending k steps after the series: real part plus k good steps.
        let real = w.saturating_sub(k);
        let (b, t) = p.sum(n.saturating_sub(real), n);
        burn(b, t + traffic * k.min(w) as f64, budget)
    };
    for k in 1..=short {
        if !(hot(after(k, long), rule.burn_rate) && hot(after(k, short), rule.burn_rate)) {
            return s.end_of(n - 1 + k);
        }
    }
    s.end_of(n - 1 + short)
}

/// The multi-window, multi-burn-rate alerts of the Google SRE workbook
/// over `series` for an SLO of `objective`: at the end of each interval
/// the burn rate of a window is `(bad / total) / (1 - objective)` over the
/// intervals it covers (windows reaching before the series use the data
/// they have; a window without traffic burns at 0). A rule fires while
/// both its windows burn at `burn_rate` or more. Each firing is reported
/// with when it fired and when it cleared (or, if still firing, when it
/// would clear with no further errors).
///
/// Prefix sums make each rule O(n); rules are evaluated in parallel.
///
/// # Examples
/// A 1-hour burst at 14.4x the sustainable error rate pages when the hour
/// is full and clears one interval later, as the long window slides off
/// the burst; a shorter, stronger burst keeps the long window hot, and the
/// page clears when the 5-minute confirmation window has slid past it.
/// ```
/// use chrono::{TimeZone, Utc};
/// use opsbrain::kpi::{burn_rate_alerts, BurnRateRule, CountSeries};
/// let total = vec![1000.0; 240];
/// let mut good = vec![1000.0; 240];
/// good[60..120].fill(1000.0 - 14.4); // 1.44% errors for an hour
/// let start = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
/// let s = CountSeries::new(start, 60, &good, &total)?;
/// let r = burn_rate_alerts(&s, 0.999, &BurnRateRule::workbook()[..1])?;
/// let a = &r.alerts[0];
/// assert_eq!(a.fired_at, Utc.with_ymd_and_hms(2026, 11, 1, 2, 0, 0).unwrap());
/// assert_eq!(a.clears_at, Utc.with_ymd_and_hms(2026, 11, 1, 2, 1, 0).unwrap());
///
/// let mut good = vec![1000.0; 240];
/// good[60..70].fill(900.0); // 10% errors (100x) for 10 minutes
/// let s = CountSeries::new(start, 60, &good, &total)?;
/// let a = &burn_rate_alerts(&s, 0.999, &BurnRateRule::workbook()[..1])?.alerts[0];
/// assert_eq!(a.fired_at, Utc.with_ymd_and_hms(2026, 11, 1, 1, 9, 0).unwrap());
/// assert_eq!(a.clears_at, Utc.with_ymd_and_hms(2026, 11, 1, 1, 15, 0).unwrap());
/// # Ok::<(), opsbrain::Error>(())
/// ```
///
/// # Errors
/// `invalid_input` for an objective outside (0, 1), or a window shorter
/// than the step or not a whole number of steps; `invalid_config` for a
/// rule whose short window is not shorter than its long one, whose rate is
/// not positive or could never fire; `limit_exceeded` past
/// [`MAX_BURN_RULES`] or for a window of more than
/// [`MAX_SERIES_INTERVALS`] steps.
pub fn burn_rate_alerts(
    series: &CountSeries<'_>,
    objective: f64,
    rules: &[BurnRateRule],
) -> Result<BurnRateReport> {
    check_objective(objective)?;
    if rules.len() > MAX_BURN_RULES {
        return Err(Error::limit(format!(
            "{} rules; at most {MAX_BURN_RULES} are allowed",
            rules.len()
        )));
    }
    let mut windows = Vec::with_capacity(rules.len());
    for (i, r) in rules.iter().enumerate() {
        r.check(i, objective)?;
        let long = series.steps(&format!("rules[{i}].long_window_secs"), r.long_window_secs)?;
        let short = series.steps(
            &format!("rules[{i}].short_window_secs"),
            r.short_window_secs,
        )?;
        windows.push((long, short));
    }
    let prefix = Prefix::new(series);
    let budget = 1.0 - objective;
    let per_rule: Vec<(Vec<BurnRateAlert>, RuleBurn)> = rules
        .par_iter()
        .zip(&windows)
        .map(|(r, &(long, short))| eval_rule(series, &prefix, r, long, short, budget))
        .collect();
    let mut alerts = Vec::new();
    let mut current = Vec::with_capacity(rules.len());
    for (a, c) in per_rule {
        alerts.extend(a);
        current.push(c);
    }
    // Stable: equal instants keep rule order.
    alerts.sort_by_key(|a| a.fired_at);
    Ok(BurnRateReport { alerts, current })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// Totals past 2^53 made the windows' running-sum differences lose the
    /// errors (41% errors fired no alert); such series are now refused.
    #[test]
    fn totals_past_two_to_the_53_are_refused() {
        let start = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
        let total = [1e300, 1000.0, 1000.0];
        let good = [1e300, 590.0, 590.0];
        let e = CountSeries::new(start, 60, &good, &total).unwrap_err();
        assert_eq!(e.code(), "limit_exceeded", "{e}");
        assert!(e.to_string().contains("interval 0"), "{e}");
        // Within the bound the burst fires.
        let total = [1e15, 1000.0, 1000.0, 1000.0, 1000.0, 1000.0];
        let good = [1e15, 590.0, 590.0, 590.0, 590.0, 590.0];
        let s = CountSeries::new(start, 60, &good, &total).unwrap();
        let rule = BurnRateRule {
            long_window_secs: 180,
            short_window_secs: 60,
            burn_rate: 10.0,
            ..BurnRateRule::workbook()[0].clone()
        };
        let r = burn_rate_alerts(&s, 0.99, &[rule]).unwrap();
        assert!(!r.alerts.is_empty());
    }
}
