//! Index suggestions from an `EXPLAIN (FORMAT JSON)` plan: sequential scans
//! whose filter keeps few rows, the columns of that filter, a `CREATE
//! INDEX` statement and an estimated impact.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::postgres::{PgOptions, qualified, quote_ident};
use crate::error::{Error, ErrorKind, Result};

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

// ---- filter expressions, as PostgreSQL deparses them ----

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String, bool),
    Str(String),
    Num,
    Param,
    Op(String),
    Open,
    Close,
    Comma,
    Dot,
    Other,
}

fn lex(s: &str) -> Vec<Tok> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut out = Vec::new();
    while i < b.len() {
        let c = b[i];
        match c {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b'(' | b'[' => {
                out.push(Tok::Open);
                i += 1;
            }
            b')' | b']' => {
                out.push(Tok::Close);
                i += 1;
            }
            b',' => {
                out.push(Tok::Comma);
                i += 1;
            }
            b'.' => {
                out.push(Tok::Dot);
                i += 1;
            }
            b'\'' | b'"' => {
                let mut v = Vec::new();
                i += 1;
                while i < b.len() {
                    if b[i] == c {
                        if i + 1 < b.len() && b[i + 1] == c {
                            v.push(c);
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    v.push(b[i]);
                    i += 1;
                }
                i += 1;
                let v = String::from_utf8_lossy(&v).into_owned();
                out.push(if c == b'"' {
                    Tok::Ident(v, true)
                } else {
                    Tok::Str(v)
                });
            }
            b'$' => {
                i += 1;
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
                out.push(Tok::Param);
            }
            b'0'..=b'9' => {
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.') {
                    i += 1;
                }
                out.push(Tok::Num);
            }
            _ if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 => {
                let start = i;
                while i < b.len()
                    && (b[i].is_ascii_alphanumeric()
                        || b[i] == b'_'
                        || b[i] == b'$'
                        || b[i] >= 0x80)
                {
                    i += 1;
                }
                out.push(Tok::Ident(s[start..i].to_owned(), false));
            }
            b':' if b.get(i + 1) == Some(&b':') => {
                out.push(Tok::Op("::".to_owned()));
                i += 2;
            }
            _ if b"+-*/<>=~!@#%^&|`?".contains(&c) => {
                let start = i;
                while i < b.len() && b"+-*/<>=~!@#%^&|`?".contains(&b[i]) {
                    i += 1;
                }
                out.push(Tok::Op(s[start..i].to_owned()));
            }
            _ => {
                out.push(Tok::Other);
                i += 1;
            }
        }
    }
    out
}

fn is_kw(t: &Tok, kw: &str) -> bool {
    matches!(t, Tok::Ident(s, false) if s.eq_ignore_ascii_case(kw))
}

/// Drops casts (`::type`, multi-word types, `(n)`, `[]`).
fn strip_casts(toks: Vec<Tok>) -> Vec<Tok> {
    const TYPE_WORDS: [&str; 6] = ["with", "without", "time", "zone", "varying", "precision"];
    let mut out = Vec::with_capacity(toks.len());
    let mut i = 0;
    while i < toks.len() {
        if matches!(&toks[i], Tok::Op(o) if o == "::") {
            i += 1;
            // type name, maybe schema-qualified
            if matches!(toks.get(i), Some(Tok::Ident(..))) {
                i += 1;
            }
            while matches!(toks.get(i), Some(Tok::Dot))
                && matches!(toks.get(i + 1), Some(Tok::Ident(..)))
            {
                i += 2;
            }
            while toks
                .get(i)
                .is_some_and(|t| TYPE_WORDS.iter().any(|w| is_kw(t, w)))
            {
                i += 1;
            }
            // (n) or (p, s) modifiers, and [] array brackets
            loop {
                match (toks.get(i), toks.get(i + 1)) {
                    (Some(Tok::Open), Some(Tok::Close)) => i += 2,
                    (Some(Tok::Open), Some(Tok::Num)) => {
                        let mut j = i + 1;
                        while matches!(toks.get(j), Some(Tok::Num | Tok::Comma)) {
                            j += 1;
                        }
                        if matches!(toks.get(j), Some(Tok::Close)) {
                            i = j + 1;
                        } else {
                            break;
                        }
                    }
                    _ => break,
                }
            }
            continue;
        }
        out.push(toks[i].clone());
        i += 1;
    }
    out
}

fn strip_parens(mut t: &[Tok]) -> &[Tok] {
    loop {
        if t.len() >= 2 && t[0] == Tok::Open && t[t.len() - 1] == Tok::Close {
            // Only when the first ( closes at the very end.
            let mut depth = 0i32;
            let mut closes_at_end = true;
            for (k, x) in t.iter().enumerate() {
                match x {
                    Tok::Open => depth += 1,
                    Tok::Close => {
                        depth -= 1;
                        if depth == 0 && k != t.len() - 1 {
                            closes_at_end = false;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            if closes_at_end {
                t = &t[1..t.len() - 1];
                continue;
            }
        }
        return t;
    }
}

/// Splits at top-level `kw` (AND/OR).
fn split_top<'a>(t: &'a [Tok], kw: &str) -> Vec<&'a [Tok]> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (k, x) in t.iter().enumerate() {
        match x {
            Tok::Open => depth += 1,
            Tok::Close => depth -= 1,
            _ if depth == 0 && is_kw(x, kw) => {
                parts.push(&t[start..k]);
                start = k + 1;
            }
            _ => {}
        }
    }
    parts.push(&t[start..]);
    parts
}

/// A column reference: `col`, `"Col"`, `alias.col`, in any parentheses.
fn column(t: &[Tok]) -> Option<String> {
    match strip_parens(t) {
        [Tok::Ident(c, quoted)] if *quoted || !is_keyword(c) => Some(c.clone()),
        [Tok::Ident(_, _), Tok::Dot, Tok::Ident(c, _)] => Some(c.clone()),
        _ => None,
    }
}

fn is_keyword(s: &str) -> bool {
    [
        "null", "true", "false", "any", "all", "array", "not", "and", "or", "is",
    ]
    .iter()
    .any(|k| s.eq_ignore_ascii_case(k))
}

/// A constant: literals, parameters, NULL/true/false, ARRAY[...], ANY(...),
/// and the clock functions; no column references.
fn constant(t: &[Tok]) -> bool {
    const CLOCK: [&str; 6] = [
        "now",
        "current_date",
        "current_timestamp",
        "localtimestamp",
        "statement_timestamp",
        "transaction_timestamp",
    ];
    let t = strip_parens(t);
    if t.is_empty() {
        return false;
    }
    t.iter().all(|x| match x {
        Tok::Ident(s, false) => is_keyword(s) || CLOCK.iter().any(|c| s.eq_ignore_ascii_case(c)),
        Tok::Ident(_, true) | Tok::Dot | Tok::Other => false,
        _ => true,
    })
}

fn like_pattern(t: &[Tok]) -> Option<&str> {
    match strip_parens(t) {
        [Tok::Str(s)] => Some(s),
        _ => None,
    }
}

/// The (column, comparison) pairs of a filter's top-level conjuncts;
/// `None` when it has a top-level OR or no usable predicate.
fn predicates(filter: &str) -> Option<Vec<(String, Cmp)>> {
    let toks = strip_casts(lex(filter));
    let body = strip_parens(&toks);
    if split_top(body, "or").len() > 1 {
        return None;
    }
    let mut out = Vec::new();
    for conj in split_top(body, "and") {
        let conj = strip_parens(conj);
        // col IS NULL
        if let [lhs @ .., is, null] = conj
            && is_kw(is, "is")
            && is_kw(null, "null")
        {
            if let Some(c) = column(lhs) {
                out.push((c, Cmp::Eq));
            }
            continue;
        }
        let mut depth = 0i32;
        let mut at = None;
        for (k, x) in conj.iter().enumerate() {
            match x {
                Tok::Open => depth += 1,
                Tok::Close => depth -= 1,
                Tok::Op(op) if depth == 0 => {
                    at = Some((k, op.as_str()));
                    break;
                }
                _ => {}
            }
        }
        let Some((k, op)) = at else { continue };
        let (lhs, rhs) = (&conj[..k], &conj[k + 1..]);
        let (col, other, flipped) = match (column(lhs), column(rhs)) {
            (Some(c), _) if constant(rhs) => (c, rhs, false),
            (_, Some(c)) if constant(lhs) => (c, lhs, true),
            _ => continue,
        };
        let cmp = match op {
            "=" => Cmp::Eq,
            "<" | "<=" | ">" | ">=" => Cmp::Range,
            "~~" if !flipped => match like_pattern(other) {
                Some(p) if !p.starts_with('%') && !p.starts_with('_') => Cmp::LikePrefix,
                _ => Cmp::LikeAny,
            },
            "~~*" if !flipped => Cmp::LikeAny,
            _ => continue,
        };
        out.push((col, cmp));
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests;
