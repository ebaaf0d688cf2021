//! The framework's cache strategies and its adjustment rules.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::validate::check_name;

/// How a cache type is filled and kept fresh. Serialises as snake_case
/// (`"write_through"`); the framework's hyphenated spellings are accepted
/// on input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CacheStrategy {
    /// Writes go to the cache and the store together.
    #[serde(alias = "write-through")]
    WriteThrough,
    /// Filled on a miss.
    #[serde(alias = "lazy-loading")]
    LazyLoading,
    /// Refreshed before expiry.
    #[serde(alias = "refresh-ahead")]
    RefreshAhead,
    /// The application reads around the cache.
    #[serde(alias = "cache-aside")]
    CacheAside,
}

impl CacheStrategy {
    /// Every strategy, in order.
    ///
    /// ```
    /// use opsbrain::cache::CacheStrategy;
    /// assert_eq!(CacheStrategy::ALL[3].as_str(), "cache_aside");
    /// ```
    pub const ALL: &'static [CacheStrategy] = &[
        CacheStrategy::WriteThrough,
        CacheStrategy::LazyLoading,
        CacheStrategy::RefreshAhead,
        CacheStrategy::CacheAside,
    ];

    /// The snake_case name (the serde form).
    pub const fn as_str(self) -> &'static str {
        match self {
            CacheStrategy::WriteThrough => "write_through",
            CacheStrategy::LazyLoading => "lazy_loading",
            CacheStrategy::RefreshAhead => "refresh_ahead",
            CacheStrategy::CacheAside => "cache_aside",
        }
    }
}

/// TTL and strategy of one cache type.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct StrategyEntry {
    /// Time to live, seconds (> 0, at most ten years).
    pub ttl_secs: u64,
    /// Fill strategy.
    pub strategy: CacheStrategy,
}

/// Cache types and their strategies.
///
/// Built in: user_data 300 s write-through, documents 3600 s lazy-loading,
/// analytics 1800 s refresh-ahead, static_content 86400 s cache-aside.
/// As data: `{"user_data": {"ttl_secs": 300, "strategy": "write_through"}, ...}`.
///
/// # Examples
/// ```
/// use opsbrain::cache::{CacheStrategy, StrategyTable};
/// let t = StrategyTable::builtin();
/// assert_eq!(t.get("documents").map(|e| e.ttl_secs), Some(3600));
/// let t = StrategyTable::from_json(r#"{"sessions": {"ttl_secs": 60, "strategy": "write-through"}}"#)?;
/// assert_eq!(t.get("sessions").map(|e| e.strategy), Some(CacheStrategy::WriteThrough));
/// # Ok::<(), opsbrain::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "std::collections::BTreeMap<String, StrategyEntry>")]
#[serde(into = "std::collections::BTreeMap<String, StrategyEntry>")]
pub struct StrategyTable {
    entries: Vec<(String, StrategyEntry)>,
}

/// Longest TTL accepted (ten years).
const MAX_TTL_SECS: u64 = 10 * 366 * 24 * 3600;

impl StrategyTable {
    /// The framework's four cache types.
    pub fn builtin() -> Self {
        let e = |ttl_secs, strategy| StrategyEntry { ttl_secs, strategy };
        StrategyTable {
            entries: vec![
                ("analytics".into(), e(1800, CacheStrategy::RefreshAhead)),
                ("documents".into(), e(3600, CacheStrategy::LazyLoading)),
                (
                    "static_content".into(),
                    e(86_400, CacheStrategy::CacheAside),
                ),
                ("user_data".into(), e(300, CacheStrategy::WriteThrough)),
            ],
        }
    }

    /// Parses and validates a JSON table.
    ///
    /// # Errors
    /// `parse_error` for malformed JSON; `invalid_config` for a TTL of 0 or
    /// over ten years, or a blank type name (naming the type).
    pub fn from_json(text: &str) -> Result<Self> {
        let raw: std::collections::BTreeMap<String, StrategyEntry> = crate::input::from_json(text)?;
        Self::try_from(raw)
    }

    /// Parses and validates a TOML table (`[user_data]` sections).
    ///
    /// # Errors
    /// As [`Self::from_json`].
    #[cfg(feature = "toml")]
    #[cfg_attr(docsrs, doc(cfg(feature = "toml")))]
    pub fn from_toml(text: &str) -> Result<Self> {
        let raw: std::collections::BTreeMap<String, StrategyEntry> = crate::input::from_toml(text)?;
        Self::try_from(raw)
    }

    /// The table as JSON (types in name order).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a strategy table always serialises to JSON")
    }

    /// The entry of a cache type.
    pub fn get(&self, cache_type: &str) -> Option<&StrategyEntry> {
        self.entries
            .iter()
            .find(|(t, _)| t == cache_type)
            .map(|(_, e)| e)
    }

    /// Entries in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &StrategyEntry)> {
        self.entries.iter().map(|(t, e)| (t.as_str(), e))
    }

    /// Number of cache types.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl Default for StrategyTable {
    fn default() -> Self {
        Self::builtin()
    }
}

impl TryFrom<std::collections::BTreeMap<String, StrategyEntry>> for StrategyTable {
    type Error = Error;
    fn try_from(raw: std::collections::BTreeMap<String, StrategyEntry>) -> Result<Self> {
        for (t, e) in &raw {
            check_name("cache type", t).map_err(|e| e.at(format!("{t:?}")))?;
            if e.ttl_secs == 0 || e.ttl_secs > MAX_TTL_SECS {
                return Err(Error::invalid_config(format!(
                    "{t:?}: ttl_secs must be in 1..={MAX_TTL_SECS}, got {}",
                    e.ttl_secs
                )));
            }
        }
        Ok(StrategyTable {
            entries: raw.into_iter().collect(),
        })
    }
}

impl From<StrategyTable> for std::collections::BTreeMap<String, StrategyEntry> {
    fn from(t: StrategyTable) -> Self {
        t.entries.into_iter().collect()
    }
}

/// Observed metrics of one cache type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CacheTypeMetrics {
    /// The cache type (a key of the [`StrategyTable`]).
    pub cache_type: String,
    /// Hits / requests, in [0, 1].
    pub hit_ratio: f64,
    /// Share of accesses that re-access a key seen before, in [0, 1]
    /// (see [`super::PatternStats::access_frequency`]).
    pub access_frequency: f64,
    /// Writes / accesses, in [0, 1].
    pub write_ratio: f64,
    /// Requests served, to weight the overall hit ratio (optional).
    #[serde(default)]
    pub requests: Option<u64>,
}

/// The framework's thresholds, as data.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct AdjustmentRules {
    /// A type below this hit ratio is adjusted (0.80).
    pub min_hit_ratio: f64,
    /// Above this access frequency the TTL grows (0.5).
    pub frequency_threshold: f64,
    /// TTL multiplier for frequently re-accessed data (1.5).
    pub ttl_multiplier: f64,
    /// Above this write ratio the strategy becomes write-through, else lazy-loading (0.3).
    pub write_ratio_threshold: f64,
    /// Below this overall hit ratio, cache optimisation is triggered (0.85).
    pub overall_target: f64,
}

impl Default for AdjustmentRules {
    fn default() -> Self {
        AdjustmentRules {
            min_hit_ratio: 0.80,
            frequency_threshold: 0.5,
            ttl_multiplier: 1.5,
            write_ratio_threshold: 0.3,
            overall_target: 0.85,
        }
    }
}

/// One cache type's change, with the reason for each part of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Adjustment {
    /// The cache type.
    pub cache_type: String,
    /// Entry before.
    pub before: StrategyEntry,
    /// Entry after.
    pub after: StrategyEntry,
    /// Why, one line per rule that fired.
    pub reasons: Vec<String>,
}

/// The outcome of [`adjust`]: the new table and what changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CachePlan {
    /// Overall hit ratio (request-weighted when every type gives `requests`).
    pub overall_hit_ratio: f64,
    /// Whether the overall hit ratio is below the target (0.85).
    pub optimization_needed: bool,
    /// Types whose hit ratio fell below the floor, in input order.
    pub adjustments: Vec<Adjustment>,
    /// The table with the adjustments applied.
    pub table: StrategyTable,
}

/// Applies the framework's CacheOptimizer rules: each type whose hit ratio
/// is below `min_hit_ratio` gets its TTL multiplied by `ttl_multiplier`
/// (rounded to whole seconds, capped at ten years) when its access frequency
/// is above `frequency_threshold`, and its strategy set to write-through when
/// its write ratio is above `write_ratio_threshold`, else lazy-loading.
///
/// # Examples
/// ```
/// use opsbrain::cache::{adjust, AdjustmentRules, CacheStrategy, CacheTypeMetrics, StrategyTable};
/// let m = CacheTypeMetrics { cache_type: "documents".into(), hit_ratio: 0.6,
///     access_frequency: 0.7, write_ratio: 0.4, requests: None };
/// let plan = adjust(&StrategyTable::builtin(), &[m], &AdjustmentRules::default())?;
/// assert!(plan.optimization_needed);
/// let after = plan.table.get("documents").copied().unwrap();
/// assert_eq!((after.ttl_secs, after.strategy), (5400, CacheStrategy::WriteThrough));
/// assert_eq!(plan.adjustments[0].reasons.len(), 2);
/// # Ok::<(), opsbrain::Error>(())
/// ```
///
/// # Errors
/// `invalid_input` for a metric outside [0, 1], an unknown or repeated
/// cache type, or empty metrics; `invalid_config` for rules out of range.
pub fn adjust(
    table: &StrategyTable,
    metrics: &[CacheTypeMetrics],
    rules: &AdjustmentRules,
) -> Result<CachePlan> {
    check_rules(rules)?;
    if metrics.is_empty() {
        return Err(Error::invalid_input("no cache metrics given"));
    }
    let mut new = table.clone();
    let mut adjustments = Vec::new();
    let (mut weighted, mut weight) = (0.0, 0.0);
    let all_weighted = metrics.iter().all(|m| m.requests.is_some());
    for (i, m) in metrics.iter().enumerate() {
        let at = format!("metrics[{i}] ({:?})", m.cache_type);
        for (name, v) in [
            ("hit_ratio", m.hit_ratio),
            ("access_frequency", m.access_frequency),
            ("write_ratio", m.write_ratio),
        ] {
            if !(0.0..=1.0).contains(&v) {
                return Err(Error::invalid_input(format!(
                    "{at}: {name} must be in [0, 1], got {v}"
                )));
            }
        }
        if metrics[..i].iter().any(|o| o.cache_type == m.cache_type) {
            return Err(Error::invalid_input(format!(
                "{at}: cache type given twice"
            )));
        }
        let Some(slot) = new.entries.iter_mut().find(|(t, _)| *t == m.cache_type) else {
            return Err(Error::invalid_input(format!("{at}: unknown cache type")));
        };
        let w = if all_weighted {
            m.requests.unwrap_or(0) as f64
        } else {
            1.0
        };
        weighted += m.hit_ratio * w;
        weight += w;
        if m.hit_ratio >= rules.min_hit_ratio {
            continue;
        }
        let before = slot.1;
        let mut after = before;
        let mut reasons = Vec::new();
        if m.access_frequency > rules.frequency_threshold {
            let ttl = (before.ttl_secs as f64 * rules.ttl_multiplier).round() as u64;
            after.ttl_secs = ttl.clamp(1, MAX_TTL_SECS);
            reasons.push(format!(
                "hit ratio {} < {} and access frequency {} > {}: TTL x{} ({} s -> {} s)",
                m.hit_ratio,
                rules.min_hit_ratio,
                m.access_frequency,
                rules.frequency_threshold,
                rules.ttl_multiplier,
                before.ttl_secs,
                after.ttl_secs
            ));
        }
        after.strategy = if m.write_ratio > rules.write_ratio_threshold {
            CacheStrategy::WriteThrough
        } else {
            CacheStrategy::LazyLoading
        };
        let cmp = if m.write_ratio > rules.write_ratio_threshold {
            ">"
        } else {
            "<="
        };
        reasons.push(format!(
            "hit ratio {} < {} and write ratio {} {cmp} {}: strategy {} -> {}",
            m.hit_ratio,
            rules.min_hit_ratio,
            m.write_ratio,
            rules.write_ratio_threshold,
            before.strategy.as_str(),
            after.strategy.as_str()
        ));
        slot.1 = after;
        adjustments.push(Adjustment {
            cache_type: m.cache_type.clone(),
            before,
            after,
            reasons,
        });
    }
    let overall = if weight > 0.0 { weighted / weight } else { 0.0 };
    Ok(CachePlan {
        overall_hit_ratio: overall,
        optimization_needed: overall < rules.overall_target,
        adjustments,
        table: new,
    })
}

fn check_rules(r: &AdjustmentRules) -> Result<()> {
    let unit = [
        ("min_hit_ratio", r.min_hit_ratio),
        ("frequency_threshold", r.frequency_threshold),
        ("write_ratio_threshold", r.write_ratio_threshold),
        ("overall_target", r.overall_target),
    ];
    for (name, v) in unit {
        if !(0.0..=1.0).contains(&v) {
            return Err(Error::invalid_config(format!(
                "{name} must be in [0, 1], got {v}"
            )));
        }
    }
    if !(r.ttl_multiplier.is_finite() && r.ttl_multiplier > 0.0 && r.ttl_multiplier <= 1000.0) {
        return Err(Error::invalid_config(format!(
            "ttl_multiplier must be in (0, 1000], got {}",
            r.ttl_multiplier
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(t: &str, hit: f64, freq: f64, write: f64) -> CacheTypeMetrics {
        CacheTypeMetrics {
            cache_type: t.into(),
            hit_ratio: hit,
            access_frequency: freq,
            write_ratio: write,
            requests: None,
        }
    }

    #[test]
    fn framework_rules() {
        let rules = AdjustmentRules::default();
        let plan = adjust(
            &StrategyTable::builtin(),
            &[
                m("user_data", 0.95, 0.9, 0.5),
                m("analytics", 0.7, 0.2, 0.1),
                m("static_content", 0.8, 0.9, 0.0),
            ],
            &rules,
        )
        .unwrap();
        // Only analytics is below 0.80 (0.80 itself is not).
        assert_eq!(plan.adjustments.len(), 1);
        let a = &plan.adjustments[0];
        assert_eq!(a.after.ttl_secs, 1800, "frequency 0.2 keeps the TTL");
        assert_eq!(a.after.strategy, CacheStrategy::LazyLoading);
        assert!((plan.overall_hit_ratio - (0.95 + 0.7 + 0.8) / 3.0).abs() < 1e-12);
        assert!(plan.optimization_needed);
        assert_eq!(
            plan.table.get("user_data"),
            StrategyTable::builtin().get("user_data")
        );
    }

    #[test]
    fn weighted_overall_and_errors() {
        let mut a = m("documents", 0.9, 0.0, 0.0);
        a.requests = Some(900);
        let mut b = m("analytics", 0.0, 0.0, 0.0);
        b.requests = Some(100);
        let plan = adjust(
            &StrategyTable::builtin(),
            &[a, b],
            &AdjustmentRules::default(),
        )
        .unwrap();
        assert!((plan.overall_hit_ratio - 0.81).abs() < 1e-12);
        let e = adjust(
            &StrategyTable::builtin(),
            &[m("nope", 0.5, 0.5, 0.5)],
            &AdjustmentRules::default(),
        )
        .unwrap_err();
        assert!(e.message.contains("unknown cache type"), "{}", e.message);
        let e = adjust(
            &StrategyTable::builtin(),
            &[m("documents", 1.5, 0.5, 0.5)],
            &AdjustmentRules::default(),
        )
        .unwrap_err();
        assert!(e.message.contains("hit_ratio"), "{}", e.message);
        assert!(
            StrategyTable::from_json(r#"{"x": {"ttl_secs": 0, "strategy": "lazy_loading"}}"#)
                .is_err()
        );
        assert!(
            StrategyTable::from_json(r#"{"x": {"ttl_secs": 5, "strategy": "sideways"}}"#).is_err()
        );
    }
}
