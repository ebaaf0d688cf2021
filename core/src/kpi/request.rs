//! Request types of the KPI entry points that take positional parameters,
//! with their defaults, for the bindings (serde, unknown keys refused).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{
    BurnRateReport, BurnRateRule, CountSeries, ErrorBudget, JourneyDef, KpiTargets, Latencies,
    burn_rate_alerts, error_budget,
};
use crate::error::Result;

/// Options of [`error_budget`] over a count series. Seconds are whole
/// (an integer field refuses a fraction).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BudgetOptions {
    /// Start of the first interval.
    #[serde(deserialize_with = "crate::input::instant")]
    pub start: DateTime<Utc>,
    /// Interval length, seconds.
    pub step_secs: i64,
    /// The SLO, a fraction in (0, 1).
    pub objective: f64,
    /// The rolling window, seconds.
    pub window_secs: i64,
    /// Thresholds and targets (default [`KpiTargets::default`]).
    #[serde(default)]
    pub targets: KpiTargets,
}

impl BudgetOptions {
    /// The error budget of `good` out of `total` requests per interval.
    ///
    /// # Errors
    /// As [`CountSeries::new`] and [`error_budget`].
    pub fn run(&self, good: &[f64], total: &[f64]) -> Result<ErrorBudget> {
        let series = CountSeries::new(self.start, self.step_secs, good, total)?;
        error_budget(&series, self.objective, self.window_secs, &self.targets)
    }
}

/// Options of [`burn_rate_alerts`] over a count series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BurnOptions {
    /// Start of the first interval.
    #[serde(deserialize_with = "crate::input::instant")]
    pub start: DateTime<Utc>,
    /// Interval length, seconds.
    pub step_secs: i64,
    /// The SLO, a fraction in (0, 1).
    pub objective: f64,
    /// The rules (default: the SRE workbook's, [`BurnRateRule::workbook`]).
    #[serde(default = "BurnRateRule::workbook")]
    pub rules: Vec<BurnRateRule>,
}

impl BurnOptions {
    /// The burn-rate alerts of `good` out of `total` requests per interval.
    ///
    /// # Errors
    /// As [`CountSeries::new`] and [`burn_rate_alerts`].
    pub fn run(&self, good: &[f64], total: &[f64]) -> Result<BurnRateReport> {
        let series = CountSeries::new(self.start, self.step_secs, good, total)?;
        burn_rate_alerts(&series, self.objective, &self.rules)
    }
}

/// Latency data, owned: one latency per request, or a histogram.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum LatencyData {
    /// One latency per request, milliseconds.
    Samples(Vec<f64>),
    /// Counts per bucket.
    Histogram(Histogram),
}

/// A latency histogram.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Histogram {
    /// Strictly increasing upper bounds, positive.
    pub upper_bounds: Vec<f64>,
    /// Count per bucket.
    pub counts: Vec<f64>,
}

impl LatencyData {
    /// The borrowed form the KPI functions take.
    pub fn view(&self) -> Latencies<'_> {
        match self {
            LatencyData::Samples(s) => Latencies::Samples(s),
            LatencyData::Histogram(h) => Latencies::Histogram {
                upper_bounds: &h.upper_bounds,
                counts: &h.counts,
            },
        }
    }
}

/// Options of [`super::latency_slo`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LatencySloOptions {
    /// A request is good at or below this latency, milliseconds.
    pub threshold_ms: f64,
    /// The target share of good requests.
    pub objective: f64,
}

/// The journeys a funnel report follows (default: the framework's,
/// [`JourneyDef::framework`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Journeys(pub Vec<JourneyDef>);

impl Default for Journeys {
    fn default() -> Self {
        Journeys(JourneyDef::framework())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_strictness() {
        let b: BurnOptions = serde_json::from_value(serde_json::json!({
            "start": "2026-01-01T00:00:00Z", "step_secs": 60, "objective": 0.999
        }))
        .unwrap();
        assert_eq!(b.rules, BurnRateRule::workbook());
        assert!(
            serde_json::from_value::<BurnOptions>(serde_json::json!({
                "start": "2026-01-01T00:00:00Z", "step_secs": 1.5, "objective": 0.9
            }))
            .is_err()
        );
        assert_eq!(Journeys::default().0, JourneyDef::framework());
        let h: LatencyData =
            serde_json::from_value(serde_json::json!({"upper_bounds": [1.0], "counts": [2.0]}))
                .unwrap();
        assert!(matches!(h.view(), Latencies::Histogram { .. }));
    }
}
