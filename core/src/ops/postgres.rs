//! PostgreSQL health from the framework's three statistics queries: slow
//! statements (`pg_stat_statements`), unused indexes
//! (`pg_stat_user_indexes`) and table bloat (`pg_stat_user_tables`).
//!
//! The rows are data: run [`pg_queries`] however you like (the Python
//! package has a DB-API helper, `opsbrain.ops.postgres`) and pass them in.

use serde::de::{self, DeserializeOwned, Deserializer};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::perf::{MAX_QUERY_TEXT_BYTES, RewriteHint, cut, rewrite_hints};
use crate::error::{Error, ErrorKind, Result};

/// Most rows in one statistics view.
pub const MAX_PG_ROWS: usize = 1_000_000;

/// The SQL that produces the rows [`analyze_pg_stats`] reads, for a server
/// of version `server_version_num` (`SHOW server_version_num`). They extend
/// the framework's three queries with what the rules need: the block
/// counts behind the hit percent, and `pg_index`'s `indisunique` /
/// `indisprimary` so that constraint-backed indexes are never reported
/// unused. They read statistics only and filter nothing (the thresholds
/// are [`PgOptions`]); the statements query keeps the current database and
/// the 5,000 statements with the most total time.
///
/// # Examples
/// ```
/// let q = opsbrain::ops::pg_queries(150_004);
/// assert!(q.statements.contains("total_exec_time"));
/// assert!(opsbrain::ops::pg_queries(120_000).statements.contains("total_time"));
/// assert!(q.indexes.contains("indisprimary"));
/// ```
pub fn pg_queries(server_version_num: u32) -> PgQueries {
    // pg_stat_statements renamed total_time/mean_time in PostgreSQL 13.
    let (total, mean) = if server_version_num >= 130_000 {
        ("total_exec_time", "mean_exec_time")
    } else {
        ("total_time", "mean_time")
    };
    PgQueries {
        statements: format!(
            "SELECT queryid, query, calls, {total}, {mean}, rows, shared_blks_hit, shared_blks_read,\n\
             \x20      100.0 * shared_blks_hit / nullif(shared_blks_hit + shared_blks_read, 0) AS hit_percent\n\
             FROM pg_stat_statements\n\
             WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())\n\
             ORDER BY {total} DESC\n\
             LIMIT 5000"
        ),
        indexes: "SELECT s.schemaname, s.relname, s.indexrelname, s.idx_scan, s.idx_tup_read, s.idx_tup_fetch,\n\
                  \x20      i.indisunique, i.indisprimary, pg_relation_size(s.indexrelid) AS index_bytes\n\
                  FROM pg_stat_user_indexes s\n\
                  JOIN pg_index i ON i.indexrelid = s.indexrelid\n\
                  ORDER BY s.schemaname, s.relname, s.indexrelname"
            .to_owned(),
        tables: "SELECT schemaname, relname, n_tup_ins, n_tup_upd, n_tup_del, n_live_tup, n_dead_tup\n\
                 FROM pg_stat_user_tables\n\
                 ORDER BY schemaname, relname"
            .to_owned(),
    }
}

/// The three statistics queries (see [`pg_queries`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PgQueries {
    /// Over `pg_stat_statements`.
    pub statements: String,
    /// Over `pg_stat_user_indexes` joined with `pg_index`.
    pub indexes: String,
    /// Over `pg_stat_user_tables`.
    pub tables: String,
}

/// A number as drivers return it: a JSON number, or a string holding one
/// (node-postgres returns `bigint` and `numeric` as strings).
fn num<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<f64, D::Error> {
    match Value::deserialize(d)? {
        Value::Number(n) => n.as_f64().ok_or_else(|| de::Error::custom("not a number")),
        Value::String(s) => s
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(|| de::Error::custom(format!("{s:?} is not a number"))),
        other => Err(de::Error::custom(format!("expected a number, got {other}"))),
    }
}

fn opt_num<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<f64>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        v => num(v).map(Some).map_err(de::Error::custom),
    }
}

fn opt_id<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<String>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        Value::Number(n) => Ok(Some(n.to_string())),
        Value::String(s) => Ok(Some(s)),
        other => Err(de::Error::custom(format!("expected an id, got {other}"))),
    }
}

/// One `pg_stat_statements` row. Column names are PostgreSQL's, for 13 and
/// later (`total_exec_time`, `mean_exec_time`) or before (`total_time`,
/// `mean_time`); extra columns are ignored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PgStatementRow {
    /// `queryid`, as a string (it is a 64-bit integer).
    #[serde(default, deserialize_with = "opt_id")]
    pub queryid: Option<String>,
    /// The normalised statement text.
    pub query: String,
    /// Times executed.
    #[serde(deserialize_with = "num")]
    pub calls: f64,
    /// Total execution time, ms.
    #[serde(alias = "total_exec_time", deserialize_with = "num")]
    pub total_time: f64,
    /// Mean execution time, ms.
    #[serde(alias = "mean_exec_time", deserialize_with = "num")]
    pub mean_time: f64,
    /// Rows returned or affected.
    #[serde(default, deserialize_with = "opt_num")]
    pub rows: Option<f64>,
    /// Shared buffer hits.
    #[serde(default, deserialize_with = "opt_num")]
    pub shared_blks_hit: Option<f64>,
    /// Shared blocks read.
    #[serde(default, deserialize_with = "opt_num")]
    pub shared_blks_read: Option<f64>,
    /// The framework's `hit_percent` column, when the query computed it.
    #[serde(default, deserialize_with = "opt_num")]
    pub hit_percent: Option<f64>,
}

/// One `pg_stat_user_indexes` row joined with `pg_index`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PgIndexRow {
    /// Schema.
    pub schemaname: String,
    /// Table (`relname`; the framework's `tablename` is accepted too).
    #[serde(alias = "tablename")]
    pub relname: String,
    /// Index (`indexrelname`; `indexname` is accepted too).
    #[serde(alias = "indexname")]
    pub indexrelname: String,
    /// Index scans since the statistics were reset.
    #[serde(deserialize_with = "num")]
    pub idx_scan: f64,
    /// Index entries returned by scans.
    #[serde(default, deserialize_with = "opt_num")]
    pub idx_tup_read: Option<f64>,
    /// Live rows fetched by index scans.
    #[serde(default, deserialize_with = "opt_num")]
    pub idx_tup_fetch: Option<f64>,
    /// `pg_index.indisunique`: the index is unique (it may back a UNIQUE
    /// constraint). Required: without it a constraint's index could be
    /// reported as droppable.
    #[serde(alias = "is_unique")]
    pub indisunique: bool,
    /// `pg_index.indisprimary`: the index backs the primary key.
    #[serde(alias = "is_primary")]
    pub indisprimary: bool,
    /// `pg_relation_size` of the index, bytes.
    #[serde(default, deserialize_with = "opt_num")]
    pub index_bytes: Option<f64>,
}

/// One `pg_stat_user_tables` row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PgTableRow {
    /// Schema.
    pub schemaname: String,
    /// Table (`relname`; `tablename` is accepted too).
    #[serde(alias = "tablename")]
    pub relname: String,
    /// Rows inserted (the framework's `inserts` is accepted too).
    #[serde(alias = "inserts", deserialize_with = "num")]
    pub n_tup_ins: f64,
    /// Rows updated (`updates`).
    #[serde(alias = "updates", deserialize_with = "num")]
    pub n_tup_upd: f64,
    /// Rows deleted (`deletes`).
    #[serde(alias = "deletes", deserialize_with = "num")]
    pub n_tup_del: f64,
    /// Dead tuples (`dead_tuples`).
    #[serde(alias = "dead_tuples", deserialize_with = "num")]
    pub n_dead_tup: f64,
    /// Live tuples, when known.
    #[serde(default, deserialize_with = "opt_num")]
    pub n_live_tup: Option<f64>,
}

#[doc(hidden)] // a helper for the bindings and tests, not part of the documented API
/// Reads statistics rows (JSON objects, column name to value) into typed
/// rows. A missing column is `missing_key` and a wrong type
/// `invalid_input`, both naming the view and the row.
///
/// # Examples
/// ```
/// use opsbrain::ops::{pg_rows, PgTableRow};
/// let rows = serde_json::json!([{"schemaname": "public", "relname": "t", "n_tup_ins": 10,
///     "n_tup_upd": "5", "n_tup_del": 0, "n_dead_tup": 2}]);
/// let t: Vec<PgTableRow> = pg_rows(&rows, "tables")?;
/// assert_eq!(t[0].n_tup_upd, 5.0);
/// let err = pg_rows::<PgTableRow>(&serde_json::json!([{"schemaname": "public"}]), "tables").unwrap_err();
/// assert_eq!(err.code(), "missing_key");
/// assert!(err.message.starts_with("tables[0]: missing column `relname`"));
/// # Ok::<(), opsbrain::Error>(())
/// ```
pub fn pg_rows<T: DeserializeOwned>(rows: &Value, what: &str) -> Result<Vec<T>> {
    let list = rows
        .as_array()
        .ok_or_else(|| Error::invalid_input(format!("{what}: expected a list of rows")))?;
    if list.len() > MAX_PG_ROWS {
        return Err(Error::limit(format!(
            "{what}: {} rows, at most {MAX_PG_ROWS}",
            list.len()
        )));
    }
    list.iter()
        .enumerate()
        .map(|(i, row)| {
            if !row.is_object() {
                return Err(Error::invalid_input(format!(
                    "{what}[{i}]: expected a row (an object of columns)"
                )));
            }
            T::deserialize(row).map_err(|e| {
                let msg = e.to_string();
                match msg.strip_prefix("missing field ") {
                    Some(field) => Error::new(
                        ErrorKind::MissingKey,
                        format!("{what}[{i}]: missing column {field}"),
                    ),
                    None => Error::invalid_input(format!("{what}[{i}]: {msg}")),
                }
            })
        })
        .collect()
}

/// Thresholds of the statistics and plan rules; defaults are the
/// framework's.
///
/// # Examples
/// ```
/// let o = opsbrain::ops::PgOptions::default();
/// assert_eq!((o.slow_mean_ms, o.unused_scans, o.bloat_dead_tuples), (100.0, 10.0, 1000.0));
/// assert_eq!((o.build_impact, o.drop_improvement), (0.3, 0.10));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct PgOptions {
    /// A statement is slow when its mean time is over this (ms; 100).
    pub slow_mean_ms: f64,
    /// Most slow statements reported (20, the framework's `LIMIT`).
    pub slow_limit: usize,
    /// An index is unused with fewer scans than this (10).
    pub unused_scans: f64,
    /// A table is reported for bloat with more dead tuples than this (1000).
    pub bloat_dead_tuples: f64,
    /// A sequential scan's filter is selective when it keeps at most this
    /// fraction of the rows it reads (0.05).
    pub max_selectivity: f64,
    /// Scans reading fewer rows than this get no index suggestion (1000).
    pub min_rows_scanned: f64,
    /// Build a suggested index only when its estimated impact is over this
    /// (0.3, the framework's 30%).
    pub build_impact: f64,
    /// An index whose measured improvement is under this is a drop
    /// candidate (0.10).
    pub drop_improvement: f64,
    /// Row counts per table (`schema.table` or `table`) for plans without
    /// ANALYZE, whose selectivity is otherwise unknown.
    pub table_rows: std::collections::BTreeMap<String, f64>,
}

impl Default for PgOptions {
    fn default() -> Self {
        PgOptions {
            slow_mean_ms: 100.0,
            slow_limit: 20,
            unused_scans: 10.0,
            bloat_dead_tuples: 1000.0,
            max_selectivity: 0.05,
            min_rows_scanned: 1000.0,
            build_impact: 0.3,
            drop_improvement: 0.10,
            table_rows: Default::default(),
        }
    }
}

impl PgOptions {
    pub(crate) fn validate(&self) -> Result<()> {
        let checks = [
            ("slow_mean_ms", self.slow_mean_ms, f64::MAX),
            ("unused_scans", self.unused_scans, f64::MAX),
            ("bloat_dead_tuples", self.bloat_dead_tuples, f64::MAX),
            ("max_selectivity", self.max_selectivity, 1.0),
            ("min_rows_scanned", self.min_rows_scanned, f64::MAX),
            ("build_impact", self.build_impact, 1.0),
            ("drop_improvement", self.drop_improvement, 1.0),
        ];
        for (name, v, max) in checks {
            if !(v.is_finite() && (0.0..=max).contains(&v)) {
                return Err(Error::invalid_config(format!(
                    "options.{name}: {v} is not in [0, {max}]"
                )));
            }
        }
        if self.table_rows.len() > MAX_PG_ROWS {
            return Err(Error::limit("options.table_rows: too many tables"));
        }
        for (t, n) in &self.table_rows {
            if !(n.is_finite() && *n >= 0.0) {
                return Err(Error::invalid_config(format!(
                    "options.table_rows[{t:?}]: {n} is not a row count"
                )));
            }
        }
        Ok(())
    }
}

/// A slow statement.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SlowStatement {
    /// `queryid`, when the row had it.
    pub queryid: Option<String>,
    /// The statement (cut to 16 KiB).
    pub query: String,
    /// Times executed.
    pub calls: f64,
    /// Total time, ms.
    pub total_time_ms: f64,
    /// Mean time, ms.
    pub mean_time_ms: f64,
    /// Rows.
    pub rows: Option<f64>,
    /// Shared-buffer hit percent (the row's `hit_percent`, else computed
    /// from the block counts; `None` when no block was touched).
    pub hit_percent: Option<f64>,
    /// This statement's share of the total time of every statement given.
    pub share_of_total_time: f64,
    /// Rewrite hints from the SQL text.
    pub rewrite_hints: Vec<RewriteHint>,
}

/// An index with fewer scans than [`PgOptions::unused_scans`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UnusedIndex {
    /// Schema.
    pub schema: String,
    /// Table.
    pub table: String,
    /// Index.
    pub index: String,
    /// Scans.
    pub idx_scan: f64,
    /// Size in bytes, when known.
    pub index_bytes: Option<f64>,
    /// `DROP INDEX CONCURRENTLY IF EXISTS ...;` (review before running:
    /// statistics reset or a replica may hide its use).
    pub drop_statement: String,
}

/// A table with more dead tuples than [`PgOptions::bloat_dead_tuples`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BloatedTable {
    /// Schema.
    pub schema: String,
    /// Table.
    pub table: String,
    /// Dead tuples.
    pub dead_tuples: f64,
    /// The framework's `dead_tuple_percent`: 100 x dead / (inserts +
    /// updates + deletes), rounded to 2 decimals; 0 with no writes.
    pub dead_tuple_percent: f64,
    /// Dead tuples over live + dead, when `n_live_tup` was given.
    pub dead_fraction: Option<f64>,
    /// Inserts.
    pub inserts: f64,
    /// Updates.
    pub updates: f64,
    /// Deletes.
    pub deletes: f64,
    /// `VACUUM (ANALYZE) ...;`
    pub vacuum_statement: String,
}

/// The health report of [`analyze_pg_stats`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct PgHealthReport {
    /// Statements with mean time over the threshold, by total time
    /// (largest first), at most [`PgOptions::slow_limit`].
    pub slow_queries: Vec<SlowStatement>,
    /// Unused indexes, by schema, table and index (the framework's order);
    /// never one backing a primary key or a unique constraint.
    pub unused_indexes: Vec<UnusedIndex>,
    /// Unscanned indexes left out because they back a primary key or a
    /// unique constraint.
    pub constraint_indexes_skipped: usize,
    /// Bloated tables, by dead-tuple percent (largest first).
    pub bloated_tables: Vec<BloatedTable>,
}

const RESERVED: [&str; 40] = [
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "both",
    "case",
    "cast",
    "check",
    "column",
    "constraint",
    "create",
    "default",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "false",
    "for",
    "from",
    "group",
    "having",
    "in",
    "limit",
    "not",
    "null",
    "offset",
    "on",
    "or",
    "order",
    "select",
    "table",
    "to",
    "true",
    "user",
    "where",
];

/// An identifier as PostgreSQL needs it written: bare when it is a plain
/// lower-case name, double-quoted (with `"` doubled) otherwise.
///
/// # Examples
/// ```
/// use opsbrain::ops::quote_ident;
/// assert_eq!(quote_ident("orders"), "orders");
/// assert_eq!(quote_ident("Order Lines"), "\"Order Lines\"");
/// assert_eq!(quote_ident("user"), "\"user\"");
/// ```
pub fn quote_ident(name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$')
        && !RESERVED.contains(&name);
    if plain {
        name.to_owned()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

pub(crate) fn qualified(schema: Option<&str>, name: &str) -> String {
    match schema {
        Some(s) if !s.is_empty() => format!("{}.{}", quote_ident(s), quote_ident(name)),
        _ => quote_ident(name),
    }
}

/// Slow statements, unused indexes and bloated tables from the rows of
/// the three statistics queries ([`pg_queries`]).
///
/// # Errors
/// `invalid_config` for bad options; `invalid_input` for a negative or
/// non-finite count or time.
///
/// # Examples
/// ```
/// use opsbrain::ops::{analyze_pg_stats, pg_rows, PgOptions};
/// use serde_json::json;
/// let statements = pg_rows(&json!([
///     {"query": "SELECT * FROM orders WHERE customer_id = $1", "calls": 40, "total_exec_time": 9200.0,
///      "mean_exec_time": 230.0, "rows": 40, "shared_blks_hit": 90, "shared_blks_read": 10},
///     {"query": "SELECT 1", "calls": 1000, "total_exec_time": 12.0, "mean_exec_time": 0.012},
/// ]), "statements")?;
/// let indexes = pg_rows(&json!([
///     {"schemaname": "public", "relname": "orders", "indexrelname": "orders_pkey", "idx_scan": 0,
///      "indisunique": true, "indisprimary": true},
///     {"schemaname": "public", "relname": "orders", "indexrelname": "orders_status_idx", "idx_scan": 3,
///      "indisunique": false, "indisprimary": false},
/// ]), "indexes")?;
/// let tables = pg_rows(&json!([{"schemaname": "public", "relname": "orders", "n_tup_ins": 10000,
///     "n_tup_upd": 4000, "n_tup_del": 1000, "n_dead_tup": 4500}]), "tables")?;
/// let r = analyze_pg_stats(&statements, &indexes, &tables, &PgOptions::default())?;
/// assert_eq!(r.slow_queries.len(), 1);
/// assert_eq!(r.slow_queries[0].hit_percent, Some(90.0));
/// assert_eq!(r.unused_indexes[0].drop_statement, "DROP INDEX CONCURRENTLY IF EXISTS public.orders_status_idx;");
/// assert_eq!(r.constraint_indexes_skipped, 1);
/// assert_eq!(r.bloated_tables[0].dead_tuple_percent, 30.0);
/// # Ok::<(), opsbrain::Error>(())
/// ```
pub fn analyze_pg_stats(
    statements: &[PgStatementRow],
    indexes: &[PgIndexRow],
    tables: &[PgTableRow],
    options: &PgOptions,
) -> Result<PgHealthReport> {
    options.validate()?;
    for (what, n) in [
        ("statements", statements.len()),
        ("indexes", indexes.len()),
        ("tables", tables.len()),
    ] {
        if n > MAX_PG_ROWS {
            return Err(Error::limit(format!(
                "{what}: {n} rows, at most {MAX_PG_ROWS}"
            )));
        }
    }
    let count = |what: String, v: f64| -> Result<f64> {
        if v.is_finite() && v >= 0.0 {
            Ok(v)
        } else {
            Err(Error::invalid_input(format!(
                "{what}: {v} is not a count or time >= 0"
            )))
        }
    };

    let mut grand_total = 0.0;
    for (i, s) in statements.iter().enumerate() {
        grand_total += count(format!("statements[{i}].total_time"), s.total_time)?;
        count(format!("statements[{i}].mean_time"), s.mean_time)?;
        count(format!("statements[{i}].calls"), s.calls)?;
    }
    let mut slow: Vec<SlowStatement> = statements
        .iter()
        .filter(|s| s.mean_time > options.slow_mean_ms)
        .map(|s| {
            let hit = s
                .hit_percent
                .or(match (s.shared_blks_hit, s.shared_blks_read) {
                    (Some(h), Some(r)) if h + r > 0.0 => Some(100.0 * h / (h + r)),
                    _ => None,
                });
            SlowStatement {
                queryid: s.queryid.clone(),
                query: cut(&s.query, MAX_QUERY_TEXT_BYTES),
                calls: s.calls,
                total_time_ms: s.total_time,
                mean_time_ms: s.mean_time,
                rows: s.rows,
                hit_percent: hit,
                share_of_total_time: if grand_total > 0.0 {
                    s.total_time / grand_total
                } else {
                    0.0
                },
                rewrite_hints: rewrite_hints(&s.query),
            }
        })
        .collect();
    slow.sort_by(|a, b| {
        b.total_time_ms
            .total_cmp(&a.total_time_ms)
            .then(b.mean_time_ms.total_cmp(&a.mean_time_ms))
    });
    slow.truncate(options.slow_limit);

    let mut unused = Vec::new();
    let mut skipped = 0;
    for (i, x) in indexes.iter().enumerate() {
        if count(format!("indexes[{i}].idx_scan"), x.idx_scan)? >= options.unused_scans {
            continue;
        }
        if x.indisprimary || x.indisunique {
            skipped += 1;
            continue;
        }
        unused.push(UnusedIndex {
            schema: x.schemaname.clone(),
            table: x.relname.clone(),
            index: x.indexrelname.clone(),
            idx_scan: x.idx_scan,
            index_bytes: x.index_bytes,
            drop_statement: format!(
                "DROP INDEX CONCURRENTLY IF EXISTS {};",
                qualified(Some(&x.schemaname), &x.indexrelname)
            ),
        });
    }
    unused.sort_by(|a, b| (&a.schema, &a.table, &a.index).cmp(&(&b.schema, &b.table, &b.index)));

    let mut bloated = Vec::new();
    for (i, t) in tables.iter().enumerate() {
        let at = |c: &str| format!("tables[{i}].{c}");
        let dead = count(at("n_dead_tup"), t.n_dead_tup)?;
        let writes = count(at("n_tup_ins"), t.n_tup_ins)?
            + count(at("n_tup_upd"), t.n_tup_upd)?
            + count(at("n_tup_del"), t.n_tup_del)?;
        if dead <= options.bloat_dead_tuples {
            continue;
        }
        let live = t
            .n_live_tup
            .map(|l| count(at("n_live_tup"), l))
            .transpose()?;
        bloated.push(BloatedTable {
            schema: t.schemaname.clone(),
            table: t.relname.clone(),
            dead_tuples: dead,
            dead_tuple_percent: if writes > 0.0 {
                (100.0 * dead / writes * 100.0).round() / 100.0
            } else {
                0.0
            },
            dead_fraction: live.map(|l| dead / (l + dead)),
            inserts: t.n_tup_ins,
            updates: t.n_tup_upd,
            deletes: t.n_tup_del,
            vacuum_statement: format!(
                "VACUUM (ANALYZE) {};",
                qualified(Some(&t.schemaname), &t.relname)
            ),
        });
    }
    bloated.sort_by(|a, b| {
        b.dead_tuple_percent
            .total_cmp(&a.dead_tuple_percent)
            .then(b.dead_tuples.total_cmp(&a.dead_tuples))
            .then_with(|| (&a.schema, &a.table).cmp(&(&b.schema, &b.table)))
    });

    Ok(PgHealthReport {
        slow_queries: slow,
        unused_indexes: unused,
        constraint_indexes_skipped: skipped,
        bloated_tables: bloated,
    })
}

/// Whether a created index earned its place: `improvement = (before -
/// after) / before` of the measured query time, and the framework's rule
/// (under [`PgOptions::drop_improvement`], 0.10: consider dropping it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct IndexEvaluation {
    /// Measured time before the index, ms.
    pub before_ms: f64,
    /// Measured time after, ms.
    pub after_ms: f64,
    /// Relative improvement (negative when slower).
    pub improvement: f64,
    /// Improvement under the threshold: a drop candidate.
    pub drop_candidate: bool,
    /// The threshold used.
    pub threshold: f64,
}

/// Evaluates an index from the query time measured before and after it
/// was built (medians of several runs are best).
///
/// # Errors
/// `invalid_input` when a time is negative or not finite, or `before_ms`
/// is 0.
///
/// # Examples
/// ```
/// use opsbrain::ops::{evaluate_index, PgOptions};
/// let e = evaluate_index(250.0, 2.0, &PgOptions::default())?;
/// assert!(e.improvement > 0.99 && !e.drop_candidate);
/// assert!(evaluate_index(100.0, 95.0, &PgOptions::default())?.drop_candidate);
/// # Ok::<(), opsbrain::Error>(())
/// ```
pub fn evaluate_index(
    before_ms: f64,
    after_ms: f64,
    options: &PgOptions,
) -> Result<IndexEvaluation> {
    options.validate()?;
    for (name, v) in [("before_ms", before_ms), ("after_ms", after_ms)] {
        if !(v.is_finite() && v >= 0.0) {
            return Err(Error::invalid_input(format!(
                "{name}: {v} is not a time >= 0"
            )));
        }
    }
    if before_ms == 0.0 {
        return Err(Error::invalid_input(
            "before_ms: 0 leaves nothing to improve",
        ));
    }
    let improvement = (before_ms - after_ms) / before_ms;
    Ok(IndexEvaluation {
        before_ms,
        after_ms,
        improvement,
        drop_candidate: improvement < options.drop_improvement,
        threshold: options.drop_improvement,
    })
}
