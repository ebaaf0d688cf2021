//! Index suggestions from an `EXPLAIN (FORMAT JSON)` plan: sequential scans
//! whose filter keeps few rows, the columns of that filter, a `CREATE
//! INDEX` statement and an estimated impact.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::postgres::{PgOptions, qualified, quote_ident};
use crate::error::{Error, ErrorKind, Result};

mod filter;

use filter::*;

/// Deepest plan accepted (nodes below nodes). Plan text is parsed with
/// serde_json's nesting limit of 128 levels, two per plan level, so text
/// and parsed values share this bound.
pub const MAX_PLAN_DEPTH: usize = 60;

/// Most nodes in one plan.
pub const MAX_PLAN_NODES: usize = 100_000;

/// Largest plan text accepted (64 MiB).
pub const MAX_PLAN_BYTES: usize = 64 * 1024 * 1024;

/// A sequential scan with a filter, as found in the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SeqScan {
    /// Schema (plans show it with `VERBOSE`).
    pub schema: Option<String>,
    /// Table.
    pub table: String,
    /// Alias in the query.
    pub alias: Option<String>,
    /// The filter as the plan prints it.
    pub filter: String,
    /// Rows read per execution (kept + removed with ANALYZE, else the
    /// table's row count from [`PgOptions::table_rows`]).
    pub rows_scanned: Option<f64>,
    /// Fraction of the rows read that pass the filter; `None` when the
    /// plan has no ANALYZE figures and no row count was given.
    pub selectivity: Option<f64>,
    /// Share of the query's time (ANALYZE) or cost (plain EXPLAIN) spent
    /// in this scan, in `[0, 1]`.
    pub time_share: f64,
    /// Columns compared with constants in the filter, equality first.
    pub columns: Vec<String>,
    /// Why no index is suggested (`None` when one is).
    pub skipped: Option<String>,
}

/// A suggested index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct IndexSuggestion {
    /// Schema, when the plan shows it.
    pub schema: Option<String>,
    /// Table.
    pub table: String,
    /// Index columns, equality columns first, then one range column.
    pub columns: Vec<String>,
    /// `btree` or `gin_trgm` (a trigram index for `LIKE '%...'`; needs
    /// the `pg_trgm` extension).
    pub index_type: String,
    /// `CREATE INDEX CONCURRENTLY IF NOT EXISTS ...;` (a column serving
    /// `LIKE 'prefix%'` gets `text_pattern_ops`, which a btree needs for LIKE
    /// under a non-C collation).
    pub create_statement: String,
    /// Estimated share of the query's time saved: time share x (1 -
    /// selectivity). An estimate: the index scan's own cost is ignored.
    pub estimated_impact: f64,
    /// The framework's rule: impact over [`PgOptions::build_impact`].
    pub build: bool,
    /// The filter it serves.
    pub filter: String,
}

/// What [`analyze_explain`] found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ExplainAnalysis {
    /// Whether the plan carries ANALYZE figures (actual rows and times).
    pub analyzed: bool,
    /// Total execution time (ms, ANALYZE) or total cost (plain EXPLAIN).
    pub total: f64,
    /// Every sequential scan with a filter, in plan order.
    pub seq_scans: Vec<SeqScan>,
    /// Index suggestions, largest impact first, one per table and columns.
    pub suggestions: Vec<IndexSuggestion>,
}

/// Parses `EXPLAIN (FORMAT JSON)` output text and analyses it.
///
/// # Errors
/// `parse_error` for text that is not JSON; `limit_exceeded` past
/// [`MAX_PLAN_BYTES`] or nested past what the parser allows; as
/// [`analyze_explain`] otherwise.
///
/// # Examples
/// ```
/// let plan = r#"[{"Plan": {"Node Type": "Seq Scan", "Relation Name": "orders", "Alias": "orders",
///   "Total Cost": 41000.0, "Plan Rows": 30, "Actual Rows": 30, "Actual Loops": 1,
///   "Actual Total Time": 180.0, "Filter": "(customer_id = 42)", "Rows Removed by Filter": 1999970},
///   "Execution Time": 181.0}]"#;
/// let a = opsbrain::ops::analyze_explain_json(plan, &opsbrain::ops::PgOptions::default())?;
/// let s = &a.suggestions[0];
/// assert_eq!(s.create_statement, "CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_id_idx ON orders (customer_id);");
/// assert!(s.estimated_impact > 0.99 && s.build);
/// # Ok::<(), opsbrain::Error>(())
/// ```
pub fn analyze_explain_json(text: &str, options: &PgOptions) -> Result<ExplainAnalysis> {
    if text.len() > MAX_PLAN_BYTES {
        return Err(Error::limit(format!(
            "plan: {} bytes, at most {MAX_PLAN_BYTES}",
            text.len()
        )));
    }
    let value: Value = serde_json::from_str(text).map_err(|e| {
        if e.to_string().contains("recursion limit") {
            Error::limit(format!("plan: nested too deeply ({e})"))
        } else {
            Error::new(ErrorKind::ParseError, format!("plan: invalid JSON: {e}"))
        }
    })?;
    analyze_explain(&value, options)
}

fn field<'a>(node: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    node.get(key).filter(|v| !v.is_null())
}

fn number(node: &Map<String, Value>, key: &str, at: &str) -> Result<Option<f64>> {
    match field(node, key) {
        None => Ok(None),
        Some(v) => v
            .as_f64()
            .filter(|x| x.is_finite() && *x >= 0.0)
            .map(Some)
            .ok_or_else(|| {
                Error::invalid_input(format!("{at}.{key:?}: expected a number >= 0, got {v}"))
            }),
    }
}

fn text<'a>(node: &'a Map<String, Value>, key: &str, at: &str) -> Result<Option<&'a str>> {
    match field(node, key) {
        None => Ok(None),
        Some(v) => v.as_str().map(Some).ok_or_else(|| {
            Error::invalid_input(format!("{at}.{key:?}: expected a string, got {v}"))
        }),
    }
}

/// Sequential scans and index suggestions from a parsed `EXPLAIN (FORMAT
/// JSON)` result: the list PostgreSQL returns, its one element, or a bare
/// plan node. With `ANALYZE` the selectivity and time share are measured;
/// without it they come from [`PgOptions::table_rows`] and the planner's
/// costs.
///
/// A scan gets a suggestion when its filter compares columns with
/// constants (`=`, `<`, `<=`, `>`, `>=`, `= ANY`, `IS NULL`, `LIKE`),
/// it keeps at most [`PgOptions::max_selectivity`] of at least
/// [`PgOptions::min_rows_scanned`] rows, and the filter has no top-level
/// `OR`.
///
/// # Errors
/// `invalid_input` when the value is not a plan (the message says what
/// was expected and where), `missing_key` for a node without `"Node
/// Type"`, `limit_exceeded` past [`MAX_PLAN_DEPTH`] or [`MAX_PLAN_NODES`].
///
/// # Examples
/// ```
/// use serde_json::json;
/// let plan = json!({"Plan": {"Node Type": "Seq Scan", "Relation Name": "t", "Total Cost": 10.0}});
/// let err = opsbrain::ops::analyze_explain(&json!({"plan": 1}), &Default::default()).unwrap_err();
/// assert_eq!(err.code(), "invalid_input");
/// assert!(opsbrain::ops::analyze_explain(&plan, &Default::default())?.seq_scans.is_empty());
/// # Ok::<(), opsbrain::Error>(())
/// ```
pub fn analyze_explain(plan: &Value, options: &PgOptions) -> Result<ExplainAnalysis> {
    options.validate()?;
    let top = match plan {
        Value::Array(a) if a.len() == 1 => &a[0],
        Value::Array(a) => {
            return Err(Error::invalid_input(format!(
                "plan: expected the one-element list EXPLAIN (FORMAT JSON) returns, got {} elements",
                a.len()
            )));
        }
        other => other,
    };
    let top = top.as_object().ok_or_else(|| {
        Error::invalid_input(
            "plan: expected [{\"Plan\": {...}}], a {\"Plan\": {...}} object or a plan node",
        )
    })?;
    let (root, exec_time) = match top.get("Plan") {
        Some(Value::Object(p)) => (p, number(top, "Execution Time", "plan")?),
        Some(other) => {
            return Err(Error::invalid_input(format!(
                "plan.\"Plan\": expected an object, got {other}"
            )));
        }
        None if top.contains_key("Node Type") => (top, None),
        None => {
            return Err(Error::invalid_input(
                "plan: expected [{\"Plan\": {...}}], a {\"Plan\": {...}} object or a plan node (no \"Plan\" or \"Node Type\" key)",
            ));
        }
    };
    let analyzed = field(root, "Actual Total Time").is_some() || exec_time.is_some();
    let root_total = if analyzed {
        match exec_time {
            Some(t) => t,
            None => {
                number(root, "Actual Total Time", "Plan")?.unwrap_or(0.0)
                    * number(root, "Actual Loops", "Plan")?.unwrap_or(1.0)
            }
        }
    } else {
        number(root, "Total Cost", "Plan")?.unwrap_or(0.0)
    };

    let mut scans = Vec::new();
    // Explicit stack: (node, path, depth).
    let mut stack: Vec<(&Map<String, Value>, String, usize)> = vec![(root, "Plan".to_owned(), 0)];
    let mut seen = 0usize;
    while let Some((node, at, depth)) = stack.pop() {
        seen += 1;
        if seen > MAX_PLAN_NODES {
            return Err(Error::limit(format!(
                "plan: more than {MAX_PLAN_NODES} nodes"
            )));
        }
        if depth > MAX_PLAN_DEPTH {
            return Err(Error::limit(format!(
                "plan: nested deeper than {MAX_PLAN_DEPTH} nodes"
            )));
        }
        let kind = text(node, "Node Type", &at)?.ok_or_else(|| {
            Error::new(
                ErrorKind::MissingKey,
                format!("{at}: missing \"Node Type\""),
            )
        })?;
        if kind == "Seq Scan"
            && let Some(scan) = seq_scan(node, &at, analyzed, root_total, options)?
        {
            scans.push(scan);
        }
        match field(node, "Plans") {
            None => {}
            Some(Value::Array(children)) => {
                for (i, c) in children.iter().enumerate().rev() {
                    let child_at = format!("{at}.Plans[{i}]");
                    let c = c.as_object().ok_or_else(|| {
                        Error::invalid_input(format!("{child_at}: expected a plan node object"))
                    })?;
                    stack.push((c, child_at, depth + 1));
                }
            }
            Some(other) => {
                return Err(Error::invalid_input(format!(
                    "{at}.\"Plans\": expected a list, got {other}"
                )));
            }
        }
    }

    let mut suggestions: Vec<IndexSuggestion> = Vec::new();
    // One suggestion per (schema, table, columns): its largest impact.
    let mut seen_index: std::collections::HashMap<(Option<String>, String, Vec<String>), usize> =
        std::collections::HashMap::new();
    for (scan, (cols, kind, pattern)) in &scans {
        let (cols, kind, pattern) = (cols.clone(), *kind, *pattern);
        if scan.skipped.is_some() || cols.is_empty() {
            continue;
        }
        let impact = scan.time_share * (1.0 - scan.selectivity.unwrap_or(1.0));
        let key = (scan.schema.clone(), scan.table.clone(), cols.clone());
        if let Some(&k) = seen_index.get(&key) {
            let s = &mut suggestions[k];
            s.estimated_impact = s.estimated_impact.max(impact);
            s.build = s.estimated_impact > options.build_impact;
            continue;
        }
        seen_index.insert(key, suggestions.len());
        suggestions.push(IndexSuggestion {
            schema: scan.schema.clone(),
            table: scan.table.clone(),
            create_statement: create_statement(
                scan.schema.as_deref(),
                &scan.table,
                &cols,
                kind,
                pattern,
            ),
            columns: cols,
            index_type: kind.to_owned(),
            estimated_impact: impact,
            build: impact > options.build_impact,
            filter: scan.filter.clone(),
        });
    }
    suggestions.sort_by(|a, b| b.estimated_impact.total_cmp(&a.estimated_impact));
    Ok(ExplainAnalysis {
        analyzed,
        total: root_total,
        seq_scans: scans.into_iter().map(|(s, _)| s).collect(),
        suggestions,
    })
}

fn seq_scan(
    node: &Map<String, Value>,
    at: &str,
    analyzed: bool,
    root_total: f64,
    options: &PgOptions,
) -> Result<Option<(SeqScan, IndexShape)>> {
    let Some(filter) = text(node, "Filter", at)? else {
        return Ok(None);
    };
    let table = text(node, "Relation Name", at)?
        .ok_or_else(|| {
            Error::new(
                ErrorKind::MissingKey,
                format!("{at}: Seq Scan without \"Relation Name\""),
            )
        })?
        .to_owned();
    let schema = text(node, "Schema", at)?.map(str::to_owned);
    let alias = text(node, "Alias", at)?.map(str::to_owned);
    let parallel = field(node, "Parallel Aware")
        .and_then(Value::as_bool)
        .unwrap_or(false);

    let (rows_scanned, selectivity, share) = if analyzed {
        let kept = number(node, "Actual Rows", at)?.unwrap_or(0.0);
        let removed = number(node, "Rows Removed by Filter", at)?.unwrap_or(0.0);
        let loops = number(node, "Actual Loops", at)?.unwrap_or(1.0);
        let time = number(node, "Actual Total Time", at)?.unwrap_or(0.0);
        // Parallel workers run side by side: their per-loop time is wall time.
        let wall = if parallel { time } else { time * loops };
        let read = kept + removed;
        let scanned = if parallel { read * loops } else { read };
        let sel = (read > 0.0).then(|| kept / read);
        (
            Some(scanned),
            sel,
            if root_total > 0.0 {
                wall / root_total
            } else {
                0.0
            },
        )
    } else {
        let rows = options
            .table_rows
            .get(&format!(
                "{}.{table}",
                schema.as_deref().unwrap_or("public")
            ))
            .or_else(|| options.table_rows.get(&table))
            .copied();
        let planned = number(node, "Plan Rows", at)?.unwrap_or(0.0);
        let cost = number(node, "Total Cost", at)?.unwrap_or(0.0);
        let sel = rows.filter(|r| *r > 0.0).map(|r| (planned / r).min(1.0));
        (
            rows,
            sel,
            if root_total > 0.0 {
                cost / root_total
            } else {
                0.0
            },
        )
    };
    let time_share = share.clamp(0.0, 1.0);
    let preds = predicates(filter);
    let mut scan = SeqScan {
        schema,
        table,
        alias,
        filter: filter.to_owned(),
        rows_scanned,
        selectivity,
        time_share,
        columns: Vec::new(),
        skipped: None,
    };
    scan.skipped = match (&preds, selectivity) {
        (None, _) => Some("no indexable predicate: a top-level OR, or no column compared with a constant by =, <, <=, >, >=, = ANY, IS NULL or LIKE".to_owned()),
        (_, None) => Some("selectivity unknown: use EXPLAIN (ANALYZE, FORMAT JSON) or give table_rows".to_owned()),
        (_, Some(s)) if s > options.max_selectivity => {
            Some(format!("the filter keeps {:.1}% of the rows (not selective)", s * 100.0))
        }
        _ if rows_scanned.is_some_and(|r| r < options.min_rows_scanned) => {
            Some(format!("the scan reads fewer than {} rows", options.min_rows_scanned))
        }
        _ => None,
    };
    let shape = match preds {
        Some(p) => {
            scan.columns = order_columns(&p);
            index_shape(&p)
        }
        None => (Vec::new(), "btree", false),
    };
    Ok(Some((scan, shape)))
}

/// Index columns and type for a scan (`btree` or `gin_trgm`).
/// The bool: the last column serves a `LIKE 'prefix%'` (it gets
/// `text_pattern_ops`, which a btree needs for LIKE under a non-C collation).
type IndexShape = (Vec<String>, &'static str, bool);

/// How a column is compared in a filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmp {
    Eq,
    Range,
    LikePrefix,
    LikeAny,
}

fn order_columns(preds: &[(String, Cmp)]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for want in [Cmp::Eq, Cmp::LikePrefix, Cmp::Range, Cmp::LikeAny] {
        for (c, k) in preds {
            if *k == want && !out.contains(c) {
                out.push(c.clone());
            }
        }
    }
    out
}

/// Index columns and type for a scan: equality columns then one range (or
/// LIKE-prefix) column as a btree; a trigram index when only `LIKE
/// '%...'`-style predicates are there.
fn index_shape(preds: &[(String, Cmp)]) -> IndexShape {
    let mut cols: Vec<String> = Vec::new();
    for (c, k) in preds {
        if *k == Cmp::Eq && !cols.contains(c) {
            cols.push(c.clone());
        }
    }
    let mut pattern = false;
    if let Some((c, k)) = preds
        .iter()
        .find(|(c, k)| matches!(k, Cmp::Range | Cmp::LikePrefix) && !cols.contains(c))
    {
        cols.push(c.clone());
        pattern = *k == Cmp::LikePrefix;
    }
    if !cols.is_empty() {
        return (cols, "btree", pattern);
    }
    match preds.iter().find(|(_, k)| *k == Cmp::LikeAny) {
        Some((c, _)) => (vec![c.clone()], "gin_trgm", false),
        None => (Vec::new(), "btree", false),
    }
}

fn create_statement(
    schema: Option<&str>,
    table: &str,
    cols: &[String],
    kind: &str,
    pattern_last: bool,
) -> String {
    let mut name: String = format!("{table}_{}_idx", cols.join("_"))
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if name.len() > 63 {
        name.truncate(59);
        name.push_str("_idx");
    }
    let mut list: Vec<String> = cols.iter().map(|c| quote_ident(c)).collect();
    if let (true, Some(last)) = (pattern_last, list.last_mut()) {
        last.push_str(" text_pattern_ops");
    }
    let target = qualified(schema, table);
    if kind == "gin_trgm" {
        format!(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS {} ON {target} USING gin ({} gin_trgm_ops);",
            quote_ident(&name),
            list[0]
        )
    } else {
        format!(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS {} ON {target} ({});",
            quote_ident(&name),
            list.join(", ")
        )
    }
}

#[cfg(test)]
mod tests;
