//! Proactive monitoring: see the [`crate::anomaly`] docs for the model and its rules.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::isolation_forest::{
    AsRows, Contamination, IsolationForest, IsolationForestParams, MaxSamples,
};
use super::scale::StandardScaler;
use crate::error::{Error, Result};
use crate::stats::percentile_sorted;
use crate::types::Priority;

/// Most metric groups in one monitor.
pub const MAX_GROUPS: usize = 1_000;

/// One named group of metrics, scored together.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricGroup {
    /// The group's name (`performance`, `usage_patterns`, ...).
    pub name: String,
    /// The forest's contamination for this group, in `(0, 0.5]`.
    pub contamination: f64,
    /// What to do when the group alerts.
    pub recommendation: String,
}

/// The levels that turn depth and excess into a severity (see the module
/// documentation). Each list holds the medium, high and critical bounds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct SeverityRules {
    /// Threshold minus the lowest decision score.
    pub depth: [f64; 3],
    /// Flagged share divided by the share the percentile expects.
    pub excess: [f64; 3],
}

impl Default for SeverityRules {
    fn default() -> Self {
        Self {
            depth: [0.03, 0.08, 0.15],
            excess: [1.5, 2.0, 4.0],
        }
    }
}

/// How a group the configuration does not name is scored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OtherGroups {
    /// The contamination, in `(0, 0.5]`.
    pub contamination: f64,
    /// The recommendation; `{metric}` is replaced by the group's name.
    pub recommendation: String,
}

/// A monitor's configuration: its groups, the threshold percentile and the
/// forest settings shared by every group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonitorConfig {
    /// The metric groups.
    pub groups: Vec<MetricGroup>,
    /// How groups not in `groups` are scored; `None` makes an unknown group
    /// name an `invalid_input` error. The built-in monitor scores them at
    /// contamination 0.05 with a generic recommendation.
    #[serde(default)]
    pub other_groups: Option<OtherGroups>,
    /// Percentile of decision scores below which points are anomalous, the
    /// same for every group; `None` (the default) takes each group's
    /// contamination as its percentile (0.1 flags the lowest 10%).
    #[serde(default)]
    pub threshold_percentile: Option<f64>,
    /// Trees per forest.
    #[serde(default = "default_trees")]
    pub n_estimators: usize,
    /// Rows per tree.
    #[serde(default = "default_max_samples")]
    pub max_samples: MaxSamples,
    /// Seed of every forest.
    #[serde(default)]
    pub seed: u64,
    /// Severity levels.
    #[serde(default)]
    pub severity: SeverityRules,
}

fn default_trees() -> usize {
    100
}
fn default_max_samples() -> MaxSamples {
    MaxSamples::Auto
}

/// The settings of [`ProactiveMonitor::detect_stream`] in one value (for
/// callers that pass them as one options object). Serde form: both keys
/// optional, `{"stream": {...}, "episodes": {...}}`.
///
/// # Examples
/// ```
/// use opsbrain::anomaly::StreamMonitorOptions;
/// let o: StreamMonitorOptions = opsbrain::input::from_json(r#"{"episodes": {"open_level": 0.8}}"#)?;
/// assert_eq!(o.episodes.open_level, 0.8);
/// # Ok::<(), opsbrain::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StreamMonitorOptions {
    /// Each column's detector.
    pub stream: super::stream::StreamConfig,
    /// Each column's episode tracker.
    pub episodes: super::stream::EpisodeConfig,
}

/// The anomalies found in one group's window.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct GroupAnomalies {
    /// The group's name.
    pub metric: String,
    /// Decision scores, one per row (negative: the forest calls it an
    /// outlier at the group's contamination).
    pub scores: Vec<f64>,
    /// The percentile threshold the scores were compared with.
    pub threshold: f64,
    /// Rows whose score is below the threshold, in row order.
    pub anomalous_points: Vec<usize>,
    /// The share of rows the threshold percentile expects to flag.
    pub expected_share: f64,
    /// Which input columns drove the flags: the mean, over the anomalous
    /// rows weighted by their depth below the threshold, of
    /// [`IsolationForest::feature_attributions`] with each column reset to
    /// the reference window's mean (one share per column, summing to 1, or
    /// all 0 when no single column explains the flags; empty when no row
    /// is anomalous).
    #[serde(default)]
    pub attribution: Vec<f64>,
    /// The instant of each anomalous point, in the order of
    /// `anomalous_points`, once the rows' instants were given
    /// ([`with_instants`](Self::with_instants)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anomalous_instants: Option<Vec<DateTime<Utc>>>,
}

impl GroupAnomalies {
    /// Flags and attributions of rows already scaled for `forest` and
    /// scored by it.
    fn new(
        metric: String,
        forest: &IsolationForest,
        scaled: &ndarray::Array2<f64>,
        scores: Vec<f64>,
        threshold: f64,
        expected_share: f64,
    ) -> Result<Self> {
        let anomalous_points = flag(&scores, threshold);
        let attribution = if anomalous_points.is_empty() {
            Vec::new()
        } else {
            // Scaled columns have mean 0 on the reference window: the
            // typical value each column is reset to.
            let flagged = scaled.select(ndarray::Axis(0), &anomalous_points);
            let per_row = forest.feature_attributions(&flagged, &vec![0.0; scaled.ncols()])?;
            // Weighted by depth below the threshold: the worst rows speak
            // loudest, borderline ones barely.
            let mut sum = vec![0.0; scaled.ncols()];
            let mut weights = 0.0;
            for (row, &i) in per_row.rows().into_iter().zip(&anomalous_points) {
                let w = threshold - scores[i];
                weights += w;
                sum.iter_mut().zip(row).for_each(|(s, v)| *s += w * v);
            }
            if weights > 0.0 {
                sum.iter_mut().for_each(|s| *s /= weights);
            }
            sum
        };
        Ok(GroupAnomalies {
            metric,
            scores,
            threshold,
            anomalous_points,
            expected_share,
            attribution,
            anomalous_instants: None,
        })
    }

    /// The same anomalies with the instant of every scored row, one per
    /// score in row order (non-decreasing): alerts then carry the first,
    /// peak and last anomalous instants.
    ///
    /// # Examples
    /// ```
    /// use chrono::{TimeDelta, TimeZone, Utc};
    /// use opsbrain::anomaly::ProactiveMonitor;
    /// use opsbrain::ndarray::Array2;
    /// let mut x = Array2::from_shape_fn((100, 1), |(i, _)| (i % 10) as f64);
    /// x[[42, 0]] = 500.0;
    /// let t0 = Utc.with_ymd_and_hms(2026, 11, 2, 0, 0, 0).unwrap();
    /// let at: Vec<_> = (0..100).map(|i| t0 + TimeDelta::minutes(i)).collect();
    /// let found = ProactiveMonitor::framework().detect("error_trends", &x)?.with_instants(&at)?;
    /// let i = found.anomalous_points.iter().position(|&p| p == 42).unwrap();
    /// assert_eq!(found.anomalous_instants.unwrap()[i], t0 + TimeDelta::minutes(42));
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    ///
    /// # Errors
    /// `dimension_mismatch` when the instants are not one per score;
    /// `invalid_input` for an instant outside the years 1 to 9999 or
    /// before the previous one (naming `instants[i]`).
    pub fn with_instants(mut self, instants: &[DateTime<Utc>]) -> Result<Self> {
        if instants.len() != self.scores.len() {
            return Err(Error::new(
                crate::ErrorKind::DimensionMismatch,
                format!(
                    "{} instants for {} scored rows",
                    instants.len(),
                    self.scores.len()
                ),
            ));
        }
        for (i, t) in instants.iter().enumerate() {
            crate::validate::check_instant(*t, "instant")
                .map_err(|e| e.at(format!("instants[{i}]")))?;
            if i > 0 && *t < instants[i - 1] {
                return Err(Error::invalid_input(format!(
                    "instants[{i}]: {t} is before the previous instant {}",
                    instants[i - 1]
                )));
            }
        }
        self.anomalous_instants =
            Some(self.anomalous_points.iter().map(|&i| instants[i]).collect());
        Ok(self)
    }
}

/// An alert for one group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Alert {
    /// Always `anomaly_detected`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The group's name.
    pub metric: String,
    /// Severity from depth and excess.
    pub severity: Priority,
    /// The group's recommendation.
    pub recommendation: String,
    /// The instant given to [`ProactiveMonitor::alerts`].
    #[serde(deserialize_with = "crate::input::instant")]
    pub timestamp: DateTime<Utc>,
    /// How many points were flagged.
    pub anomalous_count: usize,
    /// Threshold minus the lowest score.
    pub depth: f64,
    /// Flagged share over expected share.
    pub excess: f64,
    /// The lowest score.
    pub min_score: f64,
    /// Which input columns drove the flags (the anomalies'
    /// [`attribution`](GroupAnomalies::attribution)).
    #[serde(default)]
    pub attribution: Vec<f64>,
    /// The first anomalous instant, when the anomalies carry instants.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::input::optional_instant"
    )]
    pub first_at: Option<DateTime<Utc>>,
    /// The instant of the lowest score (the first of equals).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::input::optional_instant"
    )]
    pub peak_at: Option<DateTime<Utc>>,
    /// The last anomalous instant.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::input::optional_instant"
    )]
    pub last_at: Option<DateTime<Utc>>,
}

/// One group fitted on a reference window, for streaming scoring.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FittedGroup {
    /// The group.
    pub group: MetricGroup,
    /// Scaling fitted on the reference window.
    pub scaler: StandardScaler,
    /// The forest fitted on the scaled reference window.
    pub forest: IsolationForest,
    /// The percentile of the reference window's decision scores.
    pub threshold: f64,
    /// The share the threshold's percentile expects to flag (the group's
    /// contamination, or `threshold_percentile / 100` when set).
    pub expected_share: f64,
}

impl FittedGroup {
    /// The fitted group as JSON (scaler, forest, threshold).
    ///
    /// ```
    /// # use opsbrain::anomaly::ProactiveMonitor;
    /// # use opsbrain::anomaly::FittedGroup;
    /// # use opsbrain::ndarray::Array2;
    /// let reference = Array2::from_shape_fn((50, 2), |(i, j)| ((i * (j + 3)) % 11) as f64);
    /// let fitted = ProactiveMonitor::framework().fit("performance", &reference)?;
    /// assert_eq!(FittedGroup::from_json(&fitted.to_json())?, fitted);
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a fitted group always serialises")
    }

    /// Loads [`to_json`](Self::to_json) output, checking it: the forest as
    /// [`IsolationForest::from_json`] does, the scaler's lengths against the
    /// forest's columns, finite threshold and share.
    ///
    /// ```
    /// use opsbrain::anomaly::FittedGroup;
    /// assert_eq!(FittedGroup::from_json("{}").unwrap_err().code(), "missing_key");
    /// ```
    pub fn from_json(text: &str) -> Result<Self> {
        if text.len() > super::isolation_forest::MAX_MODEL_BYTES {
            return Err(Error::limit(
                "fitted group text is over the model size limit",
            ));
        }
        let value: serde_json::Value = serde_json::from_str(text)?;
        // The forest first, for its precise errors (format version, corrupt
        // trees) rather than a generic parse error.
        let forest = value
            .get("forest")
            .ok_or_else(|| Error::new(crate::ErrorKind::MissingKey, "forest"))?;
        IsolationForest::from_json(&forest.to_string()).map_err(|e| e.at("forest"))?;
        let fitted: FittedGroup = serde_json::from_value(value)?;
        let n = fitted.forest.n_features();
        if fitted.scaler.mean.len() != n || fitted.scaler.scale.len() != n {
            return Err(Error::invalid_input(format!(
                "corrupt fitted group: the scaler has {} means and {} scales for a forest of {n} columns",
                fitted.scaler.mean.len(),
                fitted.scaler.scale.len()
            )));
        }
        if !fitted
            .scaler
            .mean
            .iter()
            .chain(&fitted.scaler.scale)
            .all(|v| v.is_finite())
            || fitted.scaler.scale.iter().any(|v| *v <= 0.0)
            || !fitted.threshold.is_finite()
            || !(0.0..=1.0).contains(&fitted.expected_share)
        {
            return Err(Error::invalid_input(
                "corrupt fitted group: non-finite or non-positive scaler values, threshold or share",
            ));
        }
        let c = fitted.group.contamination;
        if !(c > 0.0 && c <= 0.5) {
            return Err(Error::invalid_input(format!(
                "corrupt fitted group: group.contamination must be in (0, 0.5], got {c}"
            )));
        }
        Ok(fitted)
    }

    /// Scores new rows against the reference threshold.
    ///
    /// ```
    /// # use opsbrain::anomaly::ProactiveMonitor;
    /// # use opsbrain::ndarray::{Array2, array};
    /// // A reference window spread over [0, 1) x [0, 1).
    /// let reference = Array2::from_shape_fn((500, 2), |(i, j)| {
    ///     ((i * [37, 53][j]) % 101) as f64 / 101.0
    /// });
    /// let fitted = ProactiveMonitor::framework().fit("error_trends", &reference)?;
    /// let out = fitted.score(&array![[0.5, 0.5], [40.0, 40.0]])?;
    /// assert_eq!(out.anomalous_points, vec![1]);
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    pub fn score<X: AsRows + ?Sized>(&self, x: &X) -> Result<GroupAnomalies> {
        let scaled = self.scaler.transform(x)?;
        let scores = self.forest.decision_function(&scaled)?.to_vec();
        GroupAnomalies::new(
            self.group.name.clone(),
            &self.forest,
            &scaled,
            scores,
            self.threshold,
            self.expected_share,
        )
    }
}

fn flag(scores: &[f64], threshold: f64) -> Vec<usize> {
    (0..scores.len())
        .filter(|&i| scores[i] < threshold)
        .collect()
}

/// The framework's proactive monitor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProactiveMonitor {
    config: MonitorConfig,
}

impl ProactiveMonitor {
    /// The framework's three groups: `performance` (contamination 0.1),
    /// `usage_patterns` (0.05) and `error_trends` (0.15), each flagging
    /// the share its contamination names, any other group name at 0.05
    /// with a generic recommendation, 100 trees, seed 0.
    ///
    /// ```
    /// let m = opsbrain::anomaly::ProactiveMonitor::builtin();
    /// assert_eq!(m.config().groups.len(), 3);
    /// ```
    pub fn builtin() -> Self {
        Self::framework()
    }

    /// The same as [`Self::builtin`] (its name before every built-in
    /// default was called `builtin()`; kept so existing code still builds).
    ///
    /// ```
    /// use opsbrain::anomaly::ProactiveMonitor;
    /// assert_eq!(ProactiveMonitor::framework().config(), ProactiveMonitor::builtin().config());
    /// ```
    pub fn framework() -> Self {
        let group = |name: &str, contamination: f64, recommendation: &str| MetricGroup {
            name: name.into(),
            contamination,
            recommendation: recommendation.into(),
        };
        Self {
            config: MonitorConfig {
                groups: vec![
                    group(
                        "performance",
                        0.1,
                        "Check the latest deploys, slow queries and saturated resources; \
                         scale out if the load explains it.",
                    ),
                    group(
                        "usage_patterns",
                        0.05,
                        "Verify the traffic source (bots, abuse, a campaign), check rate \
                         limits and capacity headroom.",
                    ),
                    group(
                        "error_trends",
                        0.15,
                        "Find the dominant error codes in the logs and consider rolling \
                         back the latest release.",
                    ),
                ],
                other_groups: Some(OtherGroups {
                    contamination: 0.05,
                    recommendation: "Look at what changed for {metric} around the flagged \
                                     points: deploys, configuration, load and the hardware \
                                     behind it."
                        .into(),
                }),
                threshold_percentile: None,
                n_estimators: 100,
                max_samples: MaxSamples::Auto,
                seed: 0,
                severity: SeverityRules::default(),
            },
        }
    }

    /// A monitor with these settings, validated: at least one group, unique
    /// non-empty names, contaminations in `(0, 0.5]`, the percentile in
    /// `(0, 100)`, forest settings as [`IsolationForestParams::validate`],
    /// increasing severity levels.
    ///
    /// ```
    /// use opsbrain::anomaly::ProactiveMonitor;
    /// let mut config = ProactiveMonitor::framework().config().clone();
    /// config.threshold_percentile = Some(1.0);
    /// assert!(ProactiveMonitor::new(config).is_ok());
    /// ```
    pub fn new(config: MonitorConfig) -> Result<Self> {
        if config.groups.is_empty() {
            return Err(Error::invalid_config("a monitor needs at least one group"));
        }
        if config.groups.len() > MAX_GROUPS {
            return Err(Error::limit(format!(
                "{} groups is over the limit of {MAX_GROUPS}",
                config.groups.len()
            )));
        }
        let mut seen = std::collections::HashSet::new();
        for (i, g) in config.groups.iter().enumerate() {
            crate::validate::check_name("group name", &g.name)
                .map_err(|e| e.at(format!("groups[{i}]")))?;
            if !seen.insert(g.name.as_str()) {
                return Err(Error::invalid_config(format!(
                    "group {:?} appears twice",
                    g.name
                )));
            }
            if !(g.contamination > 0.0 && g.contamination <= 0.5) {
                return Err(Error::invalid_config(format!(
                    "group {:?}: contamination must be in (0, 0.5], got {}",
                    g.name, g.contamination
                )));
            }
        }
        if let Some(p) = config.threshold_percentile
            && !(p > 0.0 && p < 100.0)
        {
            return Err(Error::invalid_config(format!(
                "threshold_percentile must be in (0, 100), got {p}"
            )));
        }
        if let Some(o) = &config.other_groups
            && !(o.contamination > 0.0 && o.contamination <= 0.5)
        {
            return Err(Error::invalid_config(format!(
                "other_groups.contamination must be in (0, 0.5], got {}",
                o.contamination
            )));
        }
        for (what, levels) in [
            ("depth", config.severity.depth),
            ("excess", config.severity.excess),
        ] {
            if !levels.iter().all(|v| v.is_finite() && *v >= 0.0)
                || levels[0] > levels[1]
                || levels[1] > levels[2]
            {
                return Err(Error::invalid_config(format!(
                    "severity.{what} must be three non-decreasing non-negative numbers"
                )));
            }
        }
        let monitor = Self { config };
        monitor.params(0.1)?.validate()?;
        Ok(monitor)
    }

    /// Reads a configuration from JSON (the shape of [`MonitorConfig`]).
    ///
    /// ```
    /// use opsbrain::anomaly::ProactiveMonitor;
    /// let m = ProactiveMonitor::from_json(
    ///     r#"{"groups": [{"name": "latency", "contamination": 0.1, "recommendation": "Page the on-call."}]}"#,
    /// )?;
    /// assert_eq!(m.config().threshold_percentile, None); // each group's contamination
    /// assert!(m.detect("temperature", &[[1.0]; 10][..]).is_err()); // no other_groups: unknown
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    pub fn from_json(text: &str) -> Result<Self> {
        Self::new(crate::input::from_json(text)?)
    }

    /// The configuration as JSON (what [`from_json`](Self::from_json) reads).
    ///
    /// ```
    /// use opsbrain::anomaly::ProactiveMonitor;
    /// let m = ProactiveMonitor::framework();
    /// assert_eq!(ProactiveMonitor::from_json(&m.to_json())?, m);
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.config).expect("a monitor config always serialises")
    }

    /// The configuration.
    ///
    /// ```
    /// let m = opsbrain::anomaly::ProactiveMonitor::framework();
    /// assert_eq!(m.config().groups[0].name, "performance");
    /// ```
    pub fn config(&self) -> &MonitorConfig {
        &self.config
    }

    /// The named group, or one made from `other_groups`.
    fn group(&self, name: &str) -> Result<MetricGroup> {
        if let Some(g) = self.config.groups.iter().find(|g| g.name == name) {
            return Ok(g.clone());
        }
        match &self.config.other_groups {
            Some(o) => {
                crate::validate::check_name("group name", name)
                    .map_err(|e| Error::invalid_input(e.message))?;
                Ok(MetricGroup {
                    name: name.into(),
                    contamination: o.contamination,
                    recommendation: o.recommendation.replace("{metric}", name),
                })
            }
            None => {
                let known: Vec<&str> = self.config.groups.iter().map(|g| g.name.as_str()).collect();
                Err(Error::invalid_input(format!(
                    "unknown metric group {name:?}; known: {known:?} (set other_groups to accept any name)"
                )))
            }
        }
    }

    /// The percentile a group's threshold sits at.
    fn percentile(&self, g: &MetricGroup) -> f64 {
        self.config
            .threshold_percentile
            .unwrap_or(g.contamination * 100.0)
    }

    fn params(&self, contamination: f64) -> Result<IsolationForestParams> {
        let p = IsolationForestParams::new()
            .n_estimators(self.config.n_estimators)
            .max_samples(self.config.max_samples)
            .contamination(Contamination::Fraction(contamination))
            .seed(self.config.seed);
        p.validate()?;
        Ok(p)
    }

    /// Fits a group on a reference window for streaming scoring: scaler,
    /// forest, and the threshold at the configured percentile of the
    /// window's decision scores.
    ///
    /// ```
    /// # use opsbrain::anomaly::ProactiveMonitor;
    /// # use opsbrain::ndarray::Array2;
    /// let reference = Array2::from_shape_fn((100, 2), |(i, j)| (i * (j + 1) % 13) as f64);
    /// let fitted = ProactiveMonitor::framework().fit("usage_patterns", &reference)?;
    /// assert_eq!(fitted.forest.n_features(), 2);
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    pub fn fit<X: AsRows + ?Sized>(&self, group: &str, reference: &X) -> Result<FittedGroup> {
        Ok(self.fit_scored(group, reference)?.0)
    }

    /// [`fit`](Self::fit), also returning the reference window's decision
    /// scores in row order and the scaled window.
    fn fit_scored<X: AsRows + ?Sized>(
        &self,
        group: &str,
        reference: &X,
    ) -> Result<(FittedGroup, Vec<f64>, ndarray::Array2<f64>)> {
        let g = self.group(group)?;
        let scaler = StandardScaler::fit(reference)?;
        let scaled = scaler.transform(reference)?;
        let forest = self.params(g.contamination)?.fit(&scaled)?;
        let scores = forest.decision_function(&scaled)?.to_vec();
        let mut sorted = scores.clone();
        sorted.sort_by(f64::total_cmp);
        let percentile = self.percentile(&g);
        let threshold = percentile_sorted(&sorted, percentile);
        let fitted = FittedGroup {
            group: g,
            scaler,
            forest,
            threshold,
            expected_share: percentile / 100.0,
        };
        Ok((fitted, scores, scaled))
    }

    /// The framework's batch detection on one group's window: scale, fit,
    /// score, and flag the points below the window's percentile.
    ///
    /// ```
    /// # use opsbrain::anomaly::ProactiveMonitor;
    /// # use opsbrain::ndarray::Array2;
    /// let mut x = Array2::from_shape_fn((100, 1), |(i, _)| (i % 10) as f64);
    /// x[[42, 0]] = 500.0;
    /// let found = ProactiveMonitor::framework().detect("error_trends", &x)?;
    /// assert!(found.anomalous_points.contains(&42));
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    pub fn detect<X: AsRows + ?Sized>(&self, group: &str, x: &X) -> Result<GroupAnomalies> {
        let (fitted, scores, scaled) = self.fit_scored(group, x)?;
        GroupAnomalies::new(
            fitted.group.name,
            &fitted.forest,
            &scaled,
            scores,
            fitted.threshold,
            fitted.expected_share,
        )
    }

    /// The group's rows streamed causally, one
    /// [`StreamDetector`](super::stream::StreamDetector) per column (each
    /// with its own seasonal baseline), each column's scored points turned
    /// into [`Episode`](super::stream::Episode)s named after the group and
    /// carrying their `column`: the streaming alternative to
    /// [`detect`](Self::detect) for an on-call feed (episodes with start,
    /// end, peak and severity rather than every flagged row). Episodes are
    /// sorted by start, then column.
    ///
    /// # Examples
    /// ```
    /// use chrono::{TimeDelta, TimeZone, Utc};
    /// use opsbrain::anomaly::ProactiveMonitor;
    /// use opsbrain::anomaly::stream::{EpisodeConfig, StreamConfig};
    /// use opsbrain::ndarray::Array2;
    /// // Two columns every 5 minutes for 3.5 days; column 1 jumps for an hour.
    /// let n = 1000;
    /// let mut x = Array2::from_shape_fn((n, 2), |(i, j)| 50.0 + ((i * (3 + j)) % 7) as f64);
    /// for i in 800..812 { x[[i, 1]] = 400.0; }
    /// let t0 = Utc.with_ymd_and_hms(2026, 11, 2, 0, 0, 0).unwrap();
    /// let at: Vec<_> = (0..n as i64).map(|i| t0 + TimeDelta::minutes(5 * i)).collect();
    /// let m = ProactiveMonitor::builtin();
    /// let found = m.detect_stream("latency", &x, &at, &StreamConfig::default(), &EpisodeConfig::default())?;
    /// assert_eq!(found.len(), 1);
    /// assert_eq!((found[0].metric.as_str(), found[0].column), ("latency", Some(1)));
    /// assert!(found[0].start >= at[800] && found[0].start <= at[802]);
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    ///
    /// # Errors
    /// `invalid_input` for a group this monitor does not accept, a value
    /// that is not finite or too large, or instants out of order (naming
    /// the row and column); `dimension_mismatch` when the instants are not
    /// one per row; `invalid_config` for bad configurations;
    /// `limit_exceeded` past
    /// [`MAX_BATCH_POINTS`](super::stream::MAX_BATCH_POINTS) rows.
    pub fn detect_stream<X: AsRows + ?Sized>(
        &self,
        group: &str,
        x: &X,
        instants: &[DateTime<Utc>],
        stream: &super::stream::StreamConfig,
        episodes: &super::stream::EpisodeConfig,
    ) -> Result<Vec<super::stream::Episode>> {
        use super::stream::{Episodes, MAX_BATCH_POINTS, StreamDetector};
        let g = self.group(group)?;
        let x = x.as_rows();
        if x.nrows() > MAX_BATCH_POINTS {
            return Err(Error::limit(format!(
                "{} rows in one call; at most {MAX_BATCH_POINTS} are allowed",
                x.nrows()
            )));
        }
        if instants.len() != x.nrows() {
            return Err(Error::new(
                crate::ErrorKind::DimensionMismatch,
                format!("{} instants for {} rows", instants.len(), x.nrows()),
            ));
        }
        let mut out = Vec::new();
        for (j, column) in x.columns().into_iter().enumerate() {
            let mut detector = StreamDetector::new(stream.clone())?;
            let mut tracker = Episodes::new(g.name.clone(), episodes.clone())?;
            for (i, (&v, &at)) in column.iter().zip(instants).enumerate() {
                let p = detector
                    .update(at, v)
                    .map_err(|e| e.at(format!("row {i}, column {j}")))?;
                out.extend(tracker.push(&p).map(|e| (j, e)));
            }
            out.extend(tracker.finish().map(|e| (j, e)));
        }
        out.sort_by_key(|(j, e)| (e.start, *j));
        Ok(out
            .into_iter()
            .map(|(j, mut e)| {
                e.column = Some(j);
                e
            })
            .collect())
    }

    /// One `anomaly_detected` alert per group with at least one anomalous
    /// point, in the order given; `timestamp` is stamped on every alert.
    /// An anomaly set naming a group this monitor does not know is
    /// `invalid_input`.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use opsbrain::anomaly::ProactiveMonitor;
    /// let m = ProactiveMonitor::framework();
    /// let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    /// assert!(m.alerts(&[], now)?.is_empty());
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    pub fn alerts(
        &self,
        anomalies: &[GroupAnomalies],
        timestamp: DateTime<Utc>,
    ) -> Result<Vec<Alert>> {
        crate::validate::check_instant(timestamp, "timestamp")?;
        let mut out = Vec::new();
        for a in anomalies {
            let g = self.group(&a.metric)?;
            if a.anomalous_points.is_empty() {
                continue;
            }
            let min_score = a
                .anomalous_points
                .iter()
                .filter_map(|&i| a.scores.get(i).copied())
                .fold(f64::INFINITY, f64::min);
            if !min_score.is_finite() {
                return Err(Error::invalid_input(format!(
                    "group {:?}: anomalous points index past the scores",
                    a.metric
                )));
            }
            let depth = a.threshold - min_score;
            let share = a.anomalous_points.len() as f64 / a.scores.len().max(1) as f64;
            let excess = if a.expected_share > 0.0 {
                share / a.expected_share
            } else {
                0.0
            };
            let level = |v: f64, bounds: [f64; 3]| bounds.iter().filter(|b| v >= **b).count();
            let severity = match level(depth, self.config.severity.depth)
                .max(level(excess, self.config.severity.excess))
            {
                0 => Priority::Low,
                1 => Priority::Medium,
                2 => Priority::High,
                _ => Priority::Critical,
            };
            let at =
                |k: Option<usize>| Some(a.anomalous_instants.as_ref()?.get(k?).copied()).flatten();
            let n = a.anomalous_points.len();
            let peak = a
                .anomalous_points
                .iter()
                .position(|&i| a.scores.get(i) == Some(&min_score));
            out.push(Alert {
                kind: "anomaly_detected".into(),
                metric: a.metric.clone(),
                severity,
                recommendation: g.recommendation.clone(),
                timestamp,
                anomalous_count: n,
                depth,
                excess,
                min_score,
                attribution: a.attribution.clone(),
                first_at: at(Some(0)),
                peak_at: at(peak),
                last_at: at(n.checked_sub(1)),
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fitted_groups_read_back_are_checked() {
        let reference = ndarray::Array2::from_shape_fn((80, 2), |(i, j)| (i * (j + 3) % 17) as f64);
        let fitted = ProactiveMonitor::framework()
            .fit("error_trends", &reference)
            .unwrap();
        let v: serde_json::Value = serde_json::from_str(&fitted.to_json()).unwrap();
        assert_eq!(FittedGroup::from_json(&v.to_string()).unwrap(), fitted);
        for bad in [7.0, 0.0, -0.1] {
            let mut t = v.clone();
            t["group"]["contamination"] = bad.into();
            let e = FittedGroup::from_json(&t.to_string()).unwrap_err();
            assert_eq!(e.code(), "invalid_input", "{e}");
            assert!(e.to_string().contains("contamination"), "{e}");
        }
    }
}
