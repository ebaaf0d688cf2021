use serde_json::json;

use super::*;

fn scan(filter: &str, kept: f64, removed: f64, time: f64, exec: f64) -> Value {
    json!([{"Plan": {"Node Type": "Seq Scan", "Relation Name": "orders", "Schema": "public", "Alias": "o",
        "Total Cost": 1000.0, "Plan Rows": kept, "Actual Rows": kept, "Actual Loops": 1,
        "Actual Total Time": time, "Filter": filter, "Rows Removed by Filter": removed},
        "Planning Time": 0.1, "Execution Time": exec}])
}

fn opts() -> PgOptions {
    PgOptions::default()
}

#[test]
fn equality_then_range_columns() {
    let p = scan(
        "((created_at > '2026-01-01 00:00:00+00'::timestamp with time zone) AND (customer_id = 42) AND ((status)::text = 'open'::text))",
        10.0,
        999_990.0,
        190.0,
        200.0,
    );
    let a = analyze_explain(&p, &opts()).unwrap();
    assert!(a.analyzed);
    let s = &a.suggestions[0];
    assert_eq!(s.columns, ["customer_id", "status", "created_at"]);
    assert_eq!(
        s.create_statement,
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_id_status_created_at_idx ON public.orders (customer_id, status, created_at);"
    );
    assert!((s.estimated_impact - 0.95 * (1.0 - 1e-5)).abs() < 1e-9);
    assert!(s.build);
}

#[test]
fn impact_rule_and_selectivity_rule() {
    // 20% of the query's time: impact under 0.3, suggested but not built.
    let a = analyze_explain(
        &scan("(customer_id = 42)", 1.0, 99_999.0, 20.0, 100.0),
        &opts(),
    )
    .unwrap();
    assert!(!a.suggestions[0].build);
    assert!(a.suggestions[0].estimated_impact < 0.3);
    // Keeps half the rows: not selective, no suggestion.
    let a = analyze_explain(
        &scan("(customer_id > 42)", 50_000.0, 50_000.0, 90.0, 100.0),
        &opts(),
    )
    .unwrap();
    assert!(a.suggestions.is_empty());
    assert!(
        a.seq_scans[0]
            .skipped
            .as_deref()
            .unwrap()
            .contains("not selective")
    );
    // Small table.
    let a = analyze_explain(&scan("(customer_id = 42)", 1.0, 99.0, 90.0, 100.0), &opts()).unwrap();
    assert!(a.suggestions.is_empty());
}

#[test]
fn or_filters_and_column_to_column_are_not_indexed() {
    let a = analyze_explain(
        &scan("((a = 1) OR (b = 2))", 1.0, 99_999.0, 90.0, 100.0),
        &opts(),
    )
    .unwrap();
    assert!(a.suggestions.is_empty());
    let a = analyze_explain(&scan("(a = b)", 1.0, 99_999.0, 90.0, 100.0), &opts()).unwrap();
    assert!(a.suggestions.is_empty());
}

#[test]
fn quoted_any_null_params_and_like() {
    let a = analyze_explain(
        &scan(
            "((\"Customer Id\" = ANY ('{1,2,3}'::integer[])) AND (deleted_at IS NULL))",
            1.0,
            99_999.0,
            90.0,
            100.0,
        ),
        &opts(),
    )
    .unwrap();
    assert_eq!(a.suggestions[0].columns, ["Customer Id", "deleted_at"]);
    assert!(
        a.suggestions[0]
            .create_statement
            .contains("(\"Customer Id\", deleted_at)")
    );
    let a = analyze_explain(
        &scan("(o.customer_id = $1)", 1.0, 99_999.0, 90.0, 100.0),
        &opts(),
    )
    .unwrap();
    assert_eq!(a.suggestions[0].columns, ["customer_id"]);
    let a = analyze_explain(
        &scan(
            "((email)::text ~~ '%@example.com'::text)",
            1.0,
            99_999.0,
            90.0,
            100.0,
        ),
        &opts(),
    )
    .unwrap();
    assert_eq!(a.suggestions[0].index_type, "gin_trgm");
    assert!(
        a.suggestions[0]
            .create_statement
            .contains("USING gin (email gin_trgm_ops)")
    );
    let a = analyze_explain(
        &scan("((sku)::text ~~ 'AB%'::text)", 1.0, 99_999.0, 90.0, 100.0),
        &opts(),
    )
    .unwrap();
    assert_eq!(a.suggestions[0].index_type, "btree");
}

#[test]
fn nested_plans_parallel_and_no_analyze() {
    let p = json!([{"Plan": {"Node Type": "Gather", "Total Cost": 5000.0, "Actual Total Time": 100.0, "Actual Loops": 1,
        "Plans": [{"Node Type": "Seq Scan", "Parent Relationship": "Outer", "Parallel Aware": true,
            "Relation Name": "events", "Alias": "events", "Total Cost": 4000.0, "Plan Rows": 3,
            "Actual Rows": 2, "Actual Loops": 3, "Actual Total Time": 95.0,
            "Filter": "(user_id = 7)", "Rows Removed by Filter": 333_331}]},
        "Execution Time": 101.0}]);
    let a = analyze_explain(&p, &opts()).unwrap();
    let s = &a.seq_scans[0];
    assert!((s.time_share - 95.0 / 101.0).abs() < 1e-12);
    assert_eq!(s.rows_scanned, Some(999_999.0));
    assert_eq!(
        a.suggestions[0].create_statement,
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS events_user_id_idx ON events (user_id);"
    );

    // Plain EXPLAIN: selectivity needs table_rows.
    let plain = json!([{"Plan": {"Node Type": "Seq Scan", "Relation Name": "events", "Total Cost": 4000.0,
        "Plan Rows": 5, "Filter": "(user_id = 7)"}}]);
    let a = analyze_explain(&plain, &opts()).unwrap();
    assert!(!a.analyzed && a.suggestions.is_empty());
    assert!(
        a.seq_scans[0]
            .skipped
            .as_deref()
            .unwrap()
            .contains("selectivity unknown")
    );
    let mut o = opts();
    o.table_rows.insert("events".into(), 1_000_000.0);
    let a = analyze_explain(&plain, &o).unwrap();
    assert_eq!(a.suggestions.len(), 1);
    assert!((a.suggestions[0].estimated_impact - (1.0 - 5e-6)).abs() < 1e-12);
}

#[test]
fn malformed_plans_are_named() {
    let e = analyze_explain_json("{not json", &opts()).unwrap_err();
    assert_eq!(e.code(), "parse_error");
    let e = analyze_explain(&json!([{"Plan": {"Relation Name": "x"}}]), &opts()).unwrap_err();
    assert_eq!(e.code(), "missing_key");
    assert!(e.message.contains("Node Type"));
    let e = analyze_explain(
        &json!([{"Plan": {"Node Type": "Seq Scan", "Plans": 3}}]),
        &opts(),
    )
    .unwrap_err();
    assert_eq!(e.code(), "invalid_input");
    let e = analyze_explain(&json!([1, 2]), &opts()).unwrap_err();
    assert!(e.message.contains("2 elements"));
    let e = analyze_explain(
        &json!([{"Plan": {"Node Type": "Seq Scan", "Relation Name": "t", "Filter": "(a = 1)", "Actual Total Time": 1.0, "Actual Rows": -1}}]),
        &opts(),
    )
    .unwrap_err();
    assert!(e.message.contains("Actual Rows"));
}

#[test]
fn unbounded_nesting_is_refused() {
    // Deep as text: the parser's recursion limit.
    let depth = 100_000;
    let mut text = String::new();
    for _ in 0..depth {
        text.push_str(r#"{"Node Type": "Hash", "Plans": ["#);
    }
    text.push_str(r#"{"Node Type": "Result"}"#);
    for _ in 0..depth {
        text.push_str("]}");
    }
    let e = analyze_explain_json(&text, &opts()).unwrap_err();
    assert_eq!(e.code(), "limit_exceeded", "{e}");
    // Deep as a value built in memory: the walk's own limit.
    let mut v = json!({"Node Type": "Result"});
    for _ in 0..(MAX_PLAN_DEPTH + 5) {
        v = json!({"Node Type": "Hash", "Plans": [v]});
    }
    let e = analyze_explain(&v, &opts()).unwrap_err();
    assert_eq!(e.code(), "limit_exceeded");
    // Dropping a deep serde_json::Value recurses: unwind it by hand.
    let mut cur = v;
    while let Some(Value::Array(mut kids)) = cur.get_mut("Plans").map(Value::take) {
        match kids.pop() {
            Some(k) => cur = k,
            None => break,
        }
    }
}

#[test]
fn lexer_survives_odd_text() {
    for f in [
        "",
        "(",
        ")))",
        "'unterminated",
        "\"x",
        "a =",
        "= 1",
        "::",
        "(a = 1) AND",
        "é = 'ü'",
    ] {
        let _ = predicates(f);
    }
    assert_eq!(
        predicates("(a = 1)"),
        Some(vec![("a".to_string(), Cmp::Eq)])
    );
    assert_eq!(
        predicates("((a)::numeric >= 1.5)"),
        Some(vec![("a".to_string(), Cmp::Range)])
    );
    assert_eq!(
        predicates("(now() > created_at)"),
        Some(vec![("created_at".to_string(), Cmp::Range)])
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

    /// Any filter text (PostgreSQL's deparse or garbage) is analysed
    /// without a panic, and every suggested column comes from the filter.
    #[test]
    fn any_filter_text_is_safe(filter in "[ -~éü]{0,80}|\\PC{0,40}") {
        let p = scan(&filter, 1.0, 99_999.0, 90.0, 100.0);
        let a = analyze_explain(&p, &opts()).unwrap();
        for s in &a.suggestions {
            for c in &s.columns {
                proptest::prop_assert!(filter.contains(c.as_str()));
            }
        }
    }
}

/// The linear `strip_parens` reads every token string as the quadratic one
/// it replaced did (kept here as the reference).
#[test]
fn strip_parens_matches_the_reference() {
    fn reference(mut t: &[Tok]) -> &[Tok] {
        loop {
            if t.len() >= 2 && t[0] == Tok::Open && t[t.len() - 1] == Tok::Close {
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
    // Every string of up to 9 tokens over "(", ")" and "x".
    let alphabet = [Tok::Open, Tok::Close, Tok::Num];
    let mut checked = 0;
    for len in 0..=9u32 {
        for code in 0..3usize.pow(len) {
            let mut c = code;
            let toks: Vec<Tok> = (0..len)
                .map(|_| {
                    let t = alphabet[c % 3].clone();
                    c /= 3;
                    t
                })
                .collect();
            assert_eq!(filter::strip_parens(&toks), reference(&toks), "{toks:?}");
            checked += 1;
        }
    }
    assert_eq!(checked, (0..=9).map(|l| 3usize.pow(l)).sum::<usize>());
    // Deep nesting is linear now (100k levels).
    let mut deep = vec![Tok::Open; 100_000];
    deep.push(Tok::Num);
    deep.extend(vec![Tok::Close; 100_000]);
    assert_eq!(filter::strip_parens(&deep), &[Tok::Num][..]);
}
