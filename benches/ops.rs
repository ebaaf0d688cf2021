//! Operations rules: troubleshooting diagnosis throughput (report bytes per
//! second, 1 KiB and 1 MiB reports against the built-in knowledge base),
//! EXPLAIN analysis of a 10,000-partition plan (nodes per second), and the
//! statistics rules over 5,000 statements, 20,000 indexes and 20,000
//! tables, rows read from JSON as the bindings pass them (rows per second).
//!
//! `cargo bench -p opsbrain-benches --bench ops`; `cargo test --benches`
//! runs each once on small inputs.

mod common;

use chrono::{TimeZone, Utc};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use opsbrain::ops::{
    DiagnoseOptions, KnowledgeBase, PgIndexRow, PgOptions, PgStatementRow, PgTableRow, Report,
    analyze_explain_json, analyze_pg_stats, diagnose, pg_rows,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};
use std::hint::black_box;

const SENTENCES: &[&str] = &[
    "Since yesterday QuickBooks sync fails with error H202 when I open the company file.",
    "The dashboard is very slow and sometimes shows 504 Gateway Timeout after the update.",
    "When I upload a receipt the AI analysis shows the wrong total.",
    "Our webhook endpoint stopped receiving events, deliveries fail with 503.",
    "I tried to log in three times and now my account is locked.",
    "Please help, the report export never finishes for last month.",
    "We were charged twice and the card was declined for the renewal.",
    "Nothing special here, just describing what our team saw this morning.",
];

fn report_text(bytes: usize, seed: u64) -> String {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut s = String::with_capacity(bytes + 128);
    while s.len() < bytes {
        s.push_str(SENTENCES[rng.gen_range(0..SENTENCES.len())]);
        s.push(' ');
    }
    s.truncate(bytes);
    while !s.is_char_boundary(s.len()) {
        s.pop();
    }
    s
}

fn partition_plan(parts: usize) -> String {
    let children: Vec<Value> = (0..parts)
        .map(|i| {
            json!({"Node Type": "Seq Scan", "Parent Relationship": "Member", "Relation Name": format!("events_p{i}"),
                "Alias": format!("events_p{i}"), "Total Cost": 100.0, "Plan Rows": 1, "Actual Rows": 1,
                "Actual Loops": 1, "Actual Total Time": 0.5, "Filter": "((tenant_id = 7) AND (created_at > '2026-01-01'::date))",
                "Rows Removed by Filter": 9999})
        })
        .collect();
    json!([{"Plan": {"Node Type": "Append", "Total Cost": 100.0 * parts as f64, "Actual Total Time": 0.5 * parts as f64,
        "Actual Rows": parts, "Actual Loops": 1, "Plans": children}, "Execution Time": 0.5 * parts as f64}])
    .to_string()
}

fn stat_rows(n_statements: usize, n_indexes: usize, n_tables: usize) -> (Value, Value, Value) {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let statements: Vec<Value> = (0..n_statements)
        .map(|i| {
            let calls = rng.gen_range(1..100_000) as f64;
            let mean = rng.gen_range(0.01..500.0);
            json!({"queryid": i, "query": format!("SELECT * FROM t{} WHERE c = $1", i % 97), "calls": calls,
                "total_exec_time": calls * mean, "mean_exec_time": mean, "rows": calls,
                "shared_blks_hit": rng.gen_range(0..1_000_000), "shared_blks_read": rng.gen_range(0..1000)})
        })
        .collect();
    let indexes: Vec<Value> = (0..n_indexes)
        .map(|i| {
            json!({"schemaname": "public", "relname": format!("t{}", i / 4), "indexrelname": format!("t{}_{}_idx", i / 4, i % 4),
                "idx_scan": rng.gen_range(0..40), "idx_tup_read": 0, "idx_tup_fetch": 0,
                "indisunique": i % 4 == 0, "indisprimary": i % 4 == 0, "index_bytes": 8192})
        })
        .collect();
    let tables: Vec<Value> = (0..n_tables)
        .map(|i| {
            json!({"schemaname": "public", "relname": format!("t{i}"), "n_tup_ins": rng.gen_range(0..100_000),
                "n_tup_upd": rng.gen_range(0..100_000), "n_tup_del": rng.gen_range(0..10_000),
                "n_live_tup": rng.gen_range(0..100_000), "n_dead_tup": rng.gen_range(0..5_000)})
        })
        .collect();
    (
        Value::Array(statements),
        Value::Array(indexes),
        Value::Array(tables),
    )
}

fn bench(c: &mut Criterion) {
    let full = common::full_run();
    let kb = KnowledgeBase::builtin();
    let now = Utc.with_ymd_and_hms(2026, 11, 27, 15, 0, 0).unwrap();
    let options = DiagnoseOptions::default();
    let mut g = c.benchmark_group("ops_diagnose");
    let sizes: &[usize] = if full { &[1024, 1 << 20] } else { &[1024] };
    for &bytes in sizes {
        let report = Report {
            description: report_text(bytes, 1),
            ..Report::default()
        };
        g.throughput(Throughput::Bytes(bytes as u64));
        g.bench_with_input(BenchmarkId::from_parameter(bytes), &report, |b, r| {
            b.iter(|| diagnose(&kb, black_box(r), now, &options))
        });
    }
    g.finish();

    let mut g = c.benchmark_group("ops_explain");
    let parts = if full { 10_000 } else { 50 };
    let plan = partition_plan(parts);
    g.throughput(Throughput::Elements(parts as u64 + 1));
    g.bench_function(BenchmarkId::from_parameter(parts), |b| {
        b.iter(|| analyze_explain_json(black_box(&plan), &PgOptions::default()))
    });
    g.finish();

    let mut g = c.benchmark_group("ops_pg_stats");
    let (ns, ni, nt) = if full {
        (5_000, 20_000, 20_000)
    } else {
        (50, 200, 200)
    };
    let (s, i, t) = stat_rows(ns, ni, nt);
    g.throughput(Throughput::Elements((ns + ni + nt) as u64));
    g.bench_function(BenchmarkId::from_parameter(ns + ni + nt), |b| {
        b.iter(|| {
            let s: Vec<PgStatementRow> = pg_rows(black_box(&s), "statements")?;
            let i: Vec<PgIndexRow> = pg_rows(black_box(&i), "indexes")?;
            let t: Vec<PgTableRow> = pg_rows(black_box(&t), "tables")?;
            analyze_pg_stats(&s, &i, &t, &PgOptions::default())
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
