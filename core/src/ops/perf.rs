//! The framework's PerformanceOptimizer: a metrics snapshot in, the
//! optimisation actions it calls for out.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Most slow queries in one snapshot.
pub const MAX_SLOW_QUERIES: usize = 100_000;

/// Longest query text kept in an action (longer texts are cut, on a
/// character boundary, with `...`).
pub const MAX_QUERY_TEXT_BYTES: usize = 16 * 1024;

/// The optimiser's thresholds. Defaults are the framework's
/// (`PerformanceOptimizer.thresholds` and the literals in `runOptimization`).
///
/// # Examples
/// ```
/// let t = opsbrain::ops::PerfThresholds::default();
/// assert_eq!((t.response_time_ms, t.cpu_usage, t.cache_hit_ratio), (2000.0, 0.70, 0.85));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct PerfThresholds {
    /// Response time above which latency is investigated (ms; 2000).
    pub response_time_ms: f64,
    /// Error rate above which errors are investigated (fraction; 0.001).
    pub error_rate: f64,
    /// CPU usage above which the service scales out (fraction; 0.70).
    pub cpu_usage: f64,
    /// Memory usage above which the service scales out (fraction; 0.80).
    pub memory_usage: f64,
    /// Cache hit ratio below which caching is optimised (fraction; 0.85).
    pub cache_hit_ratio: f64,
    /// CDN origin load above which the CDN cache is optimised (fraction; 0.60).
    pub origin_load: f64,
    /// Execution time above which a slow query gets an index suggestion and
    /// a rewrite (ms; 1000).
    pub slow_query_ms: f64,
}

impl Default for PerfThresholds {
    fn default() -> Self {
        PerfThresholds {
            response_time_ms: 2000.0,
            error_rate: 0.001,
            cpu_usage: 0.70,
            memory_usage: 0.80,
            cache_hit_ratio: 0.85,
            origin_load: 0.60,
            slow_query_ms: 1000.0,
        }
    }
}

impl PerfThresholds {
    fn validate(&self) -> Result<()> {
        let checks = [
            ("response_time_ms", self.response_time_ms, f64::INFINITY),
            ("error_rate", self.error_rate, 1.0),
            ("cpu_usage", self.cpu_usage, 1.0),
            ("memory_usage", self.memory_usage, 1.0),
            ("cache_hit_ratio", self.cache_hit_ratio, 1.0),
            ("origin_load", self.origin_load, 1.0),
            ("slow_query_ms", self.slow_query_ms, f64::INFINITY),
        ];
        for (name, v, max) in checks {
            if !(v.is_finite() && (0.0..=max).contains(&v)) {
                return Err(Error::invalid_config(format!(
                    "thresholds.{name}: {v} is not in [0, {max}]"
                )));
            }
        }
        Ok(())
    }
}

/// One query seen as slow by the application (the framework's
/// `metrics.slowQueries`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlowQuery {
    /// The SQL text.
    pub query: String,
    /// Its execution time in milliseconds (mean or observed).
    pub execution_time_ms: f64,
}

/// A metrics snapshot. Every metric is optional: an absent one is not
/// checked. Ratios are fractions in `[0, 1]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PerfMetrics {
    /// Response time (ms; p95 or mean, as you track it).
    pub response_time_ms: Option<f64>,
    /// Error rate (fraction of requests).
    pub error_rate: Option<f64>,
    /// CPU usage (fraction).
    pub cpu_usage: Option<f64>,
    /// Memory usage (fraction).
    pub memory_usage: Option<f64>,
    /// Cache hit ratio (fraction).
    pub cache_hit_ratio: Option<f64>,
    /// Share of CDN requests that reach the origin (fraction).
    pub origin_load: Option<f64>,
    /// Queries the application saw as slow.
    pub slow_queries: Vec<SlowQuery>,
}

/// What the optimiser proposes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PerfActionKind {
    /// A query over `slow_query_ms`: suggest an index and a rewrite.
    OptimizeQuery,
    /// Cache hit ratio under target: review TTLs, add predictive caching.
    OptimizeCaching,
    /// CPU (or memory) over threshold: scale out.
    AutoScale,
    /// CDN origin load over threshold: raise edge TTLs and cache keys.
    OptimizeCdn,
    /// Response time over threshold (the framework sets the threshold but
    /// names no action: opsbrain proposes an investigation).
    InvestigateLatency,
    /// Error rate over threshold (as above).
    InvestigateErrors,
}

/// One proposed action with the reason and the threshold it crossed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct PerfAction {
    /// The action.
    pub action: PerfActionKind,
    /// The metric that triggered it (`cpu_usage`, `slow_queries[2]`, ...).
    pub metric: String,
    /// The observed value.
    pub value: f64,
    /// The threshold it crossed.
    pub threshold: f64,
    /// `above` or `below`: which side of the threshold triggers.
    pub direction: &'static str,
    /// One sentence naming the metric, value and threshold.
    pub reason: String,
    /// What to do, in order.
    pub steps: Vec<String>,
    /// For [`PerfActionKind::OptimizeQuery`]: the query (cut to
    /// [`MAX_QUERY_TEXT_BYTES`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// For [`PerfActionKind::OptimizeQuery`]: rewrite hints found in the
    /// SQL text (`select_star`, `leading_wildcard_like`, ...).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rewrite_hints: Vec<RewriteHint>,
}

/// A rewrite hint found by reading the SQL text (no parser: plain,
/// case-insensitive patterns, so a hint is a lead, not a proof).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct RewriteHint {
    /// Stable id of the hint.
    pub id: &'static str,
    /// What to change.
    pub advice: &'static str,
}

const REWRITE_RULES: [(&str, &str, &str); 7] = [
    (
        "select_star",
        r"(?is)\bselect\s+(distinct\s+)?\*\s+from\b",
        "select only the columns you need, so an index-only scan is possible and less data moves",
    ),
    (
        "leading_wildcard_like",
        r"(?is)\bi?like\s+'%",
        "a LIKE pattern that starts with % cannot use a btree index: use a trigram (pg_trgm) GIN index or full-text search",
    ),
    (
        "large_offset",
        r"(?is)\boffset\s+\d{4,}",
        "a large OFFSET reads and discards every skipped row: paginate by key (WHERE id > last_id ORDER BY id LIMIT n)",
    ),
    (
        "not_in_subquery",
        r"(?is)\bnot\s+in\s*\(\s*select\b",
        "NOT IN (SELECT ...) is slow and wrong with NULLs: use NOT EXISTS",
    ),
    (
        "function_on_column",
        r"(?is)\bwhere\b.*\b(lower|upper|date|date_trunc|coalesce|cast)\s*\(",
        "a function applied to a filtered column hides it from plain indexes: index the expression or compare the bare column",
    ),
    (
        "or_across_columns",
        r"(?is)\bwhere\b.*\b(\w+)\s*=\s*[^\s]+\s+or\s+(\w+)\s*=",
        "OR across different columns often forces a scan: split into a UNION of indexed queries",
    ),
    (
        "order_by_random",
        r"(?is)\border\s+by\s+random\s*\(",
        "ORDER BY random() sorts the whole table: sample with TABLESAMPLE or a random key",
    ),
];

pub(crate) fn rewrite_hints(sql: &str) -> Vec<RewriteHint> {
    static RULES: std::sync::OnceLock<Vec<(&'static str, &'static str, regex::Regex)>> =
        std::sync::OnceLock::new();
    let rules = RULES.get_or_init(|| {
        REWRITE_RULES
            .iter()
            .filter_map(|&(id, re, advice)| regex::Regex::new(re).ok().map(|r| (id, advice, r)))
            .collect()
    });
    rules
        .iter()
        .filter(|(_, _, re)| re.is_match(sql))
        .map(|&(id, advice, _)| RewriteHint { id, advice })
        .collect()
}

pub(crate) fn cut(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &text[..end])
}

fn ratio(name: &str, v: Option<f64>) -> Result<Option<f64>> {
    match v {
        Some(x) if !(x.is_finite() && (0.0..=1.0).contains(&x)) => Err(Error::invalid_input(
            format!("metrics.{name}: {x} is not a fraction in [0, 1]"),
        )),
        other => Ok(other),
    }
}

fn non_negative(name: &str, v: Option<f64>) -> Result<Option<f64>> {
    match v {
        Some(x) if !(x.is_finite() && x >= 0.0) => Err(Error::invalid_input(format!(
            "metrics.{name}: {x} is not a finite number >= 0"
        ))),
        other => Ok(other),
    }
}

/// The optimisation actions a metrics snapshot calls for, in the
/// framework's order: slow queries (one action each, slowest first),
/// caching, auto-scaling, CDN, then latency and error investigations.
///
/// A metric exactly at its threshold does not trigger (the framework
/// compares strictly).
///
/// # Errors
/// `invalid_input` for a ratio outside `[0, 1]` or a negative or
/// non-finite time; `invalid_config` for bad thresholds;
/// `limit_exceeded` past [`MAX_SLOW_QUERIES`].
///
/// # Examples
/// ```
/// use opsbrain::ops::{optimize_performance, PerfActionKind, PerfMetrics, PerfThresholds, SlowQuery};
/// let metrics = PerfMetrics {
///     cpu_usage: Some(0.82),
///     cache_hit_ratio: Some(0.91),
///     slow_queries: vec![SlowQuery { query: "SELECT * FROM orders WHERE note LIKE '%x%'".into(), execution_time_ms: 2400.0 }],
///     ..PerfMetrics::default()
/// };
/// let actions = optimize_performance(&metrics, &PerfThresholds::default())?;
/// let kinds: Vec<_> = actions.iter().map(|a| a.action).collect();
/// assert_eq!(kinds, [PerfActionKind::OptimizeQuery, PerfActionKind::AutoScale]);
/// assert_eq!(actions[0].rewrite_hints[0].id, "select_star");
/// # Ok::<(), opsbrain::Error>(())
/// ```
pub fn optimize_performance(
    metrics: &PerfMetrics,
    thresholds: &PerfThresholds,
) -> Result<Vec<PerfAction>> {
    thresholds.validate()?;
    let response = non_negative("response_time_ms", metrics.response_time_ms)?;
    let errors = ratio("error_rate", metrics.error_rate)?;
    let cpu = ratio("cpu_usage", metrics.cpu_usage)?;
    let memory = ratio("memory_usage", metrics.memory_usage)?;
    let hit = ratio("cache_hit_ratio", metrics.cache_hit_ratio)?;
    let origin = ratio("origin_load", metrics.origin_load)?;
    if metrics.slow_queries.len() > MAX_SLOW_QUERIES {
        return Err(Error::limit(format!(
            "metrics.slow_queries: {} entries, at most {MAX_SLOW_QUERIES}",
            metrics.slow_queries.len()
        )));
    }
    let mut actions = Vec::new();

    let mut slow: Vec<(usize, &SlowQuery)> = Vec::new();
    for (i, q) in metrics.slow_queries.iter().enumerate() {
        non_negative(
            &format!("slow_queries[{i}].execution_time_ms"),
            Some(q.execution_time_ms),
        )?;
        if q.execution_time_ms > thresholds.slow_query_ms {
            slow.push((i, q));
        }
    }
    slow.sort_by(|a, b| b.1.execution_time_ms.total_cmp(&a.1.execution_time_ms));
    for (i, q) in slow {
        let mut steps = vec![
            "run EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) on it and pass the plan to ops::analyze_explain for index suggestions".to_owned(),
            "create the suggested index when its estimated impact is over 0.3, then measure again with ops::evaluate_index".to_owned(),
        ];
        let hints = rewrite_hints(&q.query);
        steps.extend(hints.iter().map(|h| format!("rewrite: {}", h.advice)));
        actions.push(PerfAction {
            action: PerfActionKind::OptimizeQuery,
            metric: format!("slow_queries[{i}]"),
            value: q.execution_time_ms,
            threshold: thresholds.slow_query_ms,
            direction: "above",
            reason: format!(
                "query took {} ms, over the {} ms threshold",
                q.execution_time_ms, thresholds.slow_query_ms
            ),
            steps,
            query: Some(cut(&q.query, MAX_QUERY_TEXT_BYTES)),
            rewrite_hints: hints,
        });
    }

    let mut simple =
        |action, metric: &str, value: Option<f64>, threshold: f64, above: bool, steps: &[&str]| {
            let Some(v) = value else { return };
            let crossed = if above { v > threshold } else { v < threshold };
            if crossed {
                let side = if above { "above" } else { "below" };
                actions.push(PerfAction {
                    action,
                    metric: metric.to_owned(),
                    value: v,
                    threshold,
                    direction: side,
                    reason: format!("{metric} is {v}, {side} the {threshold} threshold"),
                    steps: steps.iter().map(|s| (*s).to_owned()).collect(),
                    query: None,
                    rewrite_hints: Vec::new(),
                });
            }
        };
    simple(
        PerfActionKind::OptimizeCaching,
        "cache_hit_ratio",
        hit,
        thresholds.cache_hit_ratio,
        false,
        &[
            "analyse the access pattern (cache::miss_ratio_curve) and adjust TTLs per content type (cache::recommend_strategy)",
            "warm the keys most likely to be read next (predictive caching)",
        ],
    );
    // CPU is the framework's trigger; memory shares the action (the
    // framework sets its threshold but no action of its own).
    let cpu_over = cpu.is_some_and(|v| v > thresholds.cpu_usage);
    let scale_steps: &[&str] = &[
        "scale out: compute the replica count with capacity::replica_recommendation",
        "check the load forecast (capacity::forecast) before scaling back in",
    ];
    simple(
        PerfActionKind::AutoScale,
        "cpu_usage",
        cpu,
        thresholds.cpu_usage,
        true,
        scale_steps,
    );
    if !cpu_over {
        simple(
            PerfActionKind::AutoScale,
            "memory_usage",
            memory,
            thresholds.memory_usage,
            true,
            scale_steps,
        );
    }
    simple(
        PerfActionKind::OptimizeCdn,
        "origin_load",
        origin,
        thresholds.origin_load,
        true,
        &[
            "raise edge TTLs for static and versioned assets",
            "normalise cache keys (drop tracking query parameters) and enable origin shielding",
        ],
    );
    simple(
        PerfActionKind::InvestigateLatency,
        "response_time_ms",
        response,
        thresholds.response_time_ms,
        true,
        &[
            "break the response time down by endpoint and dependency (traces)",
            "check the slow query log and the cache hit ratio",
        ],
    );
    simple(
        PerfActionKind::InvestigateErrors,
        "error_rate",
        errors,
        thresholds.error_rate,
        true,
        &[
            "group errors by type and endpoint; compare with the last deployment",
            "check the error budget burn rate (kpi::burn_rate_alerts)",
        ],
    );
    Ok(actions)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metrics() -> PerfMetrics {
        PerfMetrics {
            response_time_ms: Some(2500.0),
            error_rate: Some(0.002),
            cpu_usage: Some(0.75),
            memory_usage: Some(0.9),
            cache_hit_ratio: Some(0.80),
            origin_load: Some(0.65),
            slow_queries: vec![
                SlowQuery {
                    query: "SELECT id FROM a".into(),
                    execution_time_ms: 1200.0,
                },
                SlowQuery {
                    query: "SELECT id FROM b".into(),
                    execution_time_ms: 999.0,
                },
                SlowQuery {
                    query: "SELECT * FROM c WHERE x NOT IN (SELECT y FROM d)".into(),
                    execution_time_ms: 5000.0,
                },
            ],
        }
    }

    #[test]
    fn every_rule_fires_in_order() {
        let a = optimize_performance(&metrics(), &PerfThresholds::default()).unwrap();
        let kinds: Vec<_> = a.iter().map(|x| x.action).collect();
        use PerfActionKind::*;
        assert_eq!(
            kinds,
            [
                OptimizeQuery,
                OptimizeQuery,
                OptimizeCaching,
                AutoScale,
                OptimizeCdn,
                InvestigateLatency,
                InvestigateErrors
            ]
        );
        assert_eq!(a[0].metric, "slow_queries[2]");
        let ids: Vec<_> = a[0].rewrite_hints.iter().map(|h| h.id).collect();
        assert_eq!(ids, ["select_star", "not_in_subquery"]);
        assert_eq!(a[1].metric, "slow_queries[0]");
        assert!(a[1].rewrite_hints.is_empty());
        assert_eq!(a[3].metric, "cpu_usage");
        assert_eq!((a[2].threshold, a[2].direction), (0.85, "below"));
    }

    #[test]
    fn thresholds_are_strict_and_configurable() {
        let m = PerfMetrics {
            cpu_usage: Some(0.70),
            cache_hit_ratio: Some(0.85),
            origin_load: Some(0.60),
            ..PerfMetrics::default()
        };
        assert!(
            optimize_performance(&m, &PerfThresholds::default())
                .unwrap()
                .is_empty()
        );
        let t = PerfThresholds {
            cpu_usage: 0.5,
            ..PerfThresholds::default()
        };
        let a = optimize_performance(&m, &t).unwrap();
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].threshold, 0.5);
    }

    #[test]
    fn memory_alone_scales() {
        let m = PerfMetrics {
            memory_usage: Some(0.81),
            ..PerfMetrics::default()
        };
        let a = optimize_performance(&m, &PerfThresholds::default()).unwrap();
        assert_eq!(
            (a[0].action, a[0].metric.as_str()),
            (PerfActionKind::AutoScale, "memory_usage")
        );
    }

    #[test]
    fn bad_values_are_named() {
        let m = PerfMetrics {
            cpu_usage: Some(1.5),
            ..PerfMetrics::default()
        };
        let e = optimize_performance(&m, &PerfThresholds::default()).unwrap_err();
        assert!(e.message.contains("cpu_usage"), "{e}");
        let t = PerfThresholds {
            error_rate: f64::NAN,
            ..PerfThresholds::default()
        };
        let e = optimize_performance(&PerfMetrics::default(), &t).unwrap_err();
        assert_eq!(e.code(), "invalid_config");
        assert!(e.message.contains("error_rate"));
    }

    #[test]
    fn long_queries_are_cut_on_a_char_boundary() {
        let s = "é".repeat(MAX_QUERY_TEXT_BYTES);
        let c = cut(&s, MAX_QUERY_TEXT_BYTES);
        assert!(c.len() <= MAX_QUERY_TEXT_BYTES + 3 && c.ends_with("..."));
    }
}
