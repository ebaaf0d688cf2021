"""opsbrain.ops: behaviour beyond the shared fixtures (Python types,
driver-shaped rows, errors, hostile input)."""

from __future__ import annotations

import doctest
import json
import pickle
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import opsbrain
from opsbrain import ops

NOW = datetime(2026, 11, 27, 15, 0, tzinfo=timezone.utc)


def test_module_docstring_examples_run() -> None:
    result = doctest.testmod(ops)
    assert result.attempted >= 5 and result.failed == 0


def test_optimizer_actions_carry_reason_and_threshold() -> None:
    actions = ops.optimize_performance(
        {"cpu_usage": 0.9, "slow_queries": [{"query": "SELECT * FROM t OFFSET 50000", "execution_time_ms": 1500}]},
        {"cpu_usage": 0.8},
    )
    assert [a["action"] for a in actions] == ["optimize_query", "auto_scale"]
    assert actions[1]["threshold"] == 0.8 and "0.9" in actions[1]["reason"]
    assert {h["id"] for h in actions[0]["rewrite_hints"]} == {"select_star", "large_offset"}


def test_optimizer_errors() -> None:
    with pytest.raises(opsbrain.InvalidInputError, match="cpu_usage"):
        ops.optimize_performance({"cpu_usage": 7})
    with pytest.raises(ValueError):
        ops.optimize_performance({"cpu": 0.5})
    with pytest.raises(opsbrain.InvalidConfigError, match="error_rate"):
        ops.optimize_performance({}, {"error_rate": 2})


def _driver_rows() -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    # What psycopg returns: Decimal for numeric, date/datetime columns, int8 as int.
    statements = [
        {"queryid": -8123456789012345678, "query": "SELECT * FROM orders WHERE customer_id = $1", "calls": 12,
         "total_exec_time": 3000.0, "mean_exec_time": 250.0, "rows": 12, "shared_blks_hit": 10, "shared_blks_read": 30,
         "hit_percent": Decimal("25.0000000000000000")},
    ]
    indexes = [
        {"schemaname": "public", "relname": "orders", "indexrelname": "orders_status_idx", "idx_scan": 0,
         "idx_tup_read": 0, "idx_tup_fetch": 0, "indisunique": False, "indisprimary": False, "index_bytes": 8192},
        {"schemaname": "public", "relname": "orders", "indexrelname": "orders_pkey", "idx_scan": 0,
         "indisunique": True, "indisprimary": True},
    ]
    tables = [
        {"schemaname": "public", "relname": "events", "n_tup_ins": 10000, "n_tup_upd": Decimal(5000), "n_tup_del": 0,
         "n_live_tup": 10000, "n_dead_tup": 5000, "last_vacuum": None, "last_autovacuum": date(2026, 11, 1)},
    ]
    return statements, indexes, tables


def test_pg_stats_from_driver_rows() -> None:
    r = ops.analyze_pg_stats(*_driver_rows())
    (slow,) = r["slow_queries"]
    assert slow["hit_percent"] == 25.0 and slow["queryid"] == "-8123456789012345678"
    assert [u["index"] for u in r["unused_indexes"]] == ["orders_status_idx"]
    assert r["constraint_indexes_skipped"] == 1
    (bloat,) = r["bloated_tables"]
    assert bloat["dead_tuple_percent"] == pytest.approx(33.33)
    assert bloat["vacuum_statement"] == "VACUUM (ANALYZE) public.events;"


def test_pg_rows_errors_name_the_row_and_column() -> None:
    s, i, t = _driver_rows()
    del i[0]["indisunique"]
    with pytest.raises(opsbrain.MissingKeyError, match=r"indexes\[0\]: missing column `indisunique`") as info:
        ops.analyze_pg_stats(s, i, t)
    assert isinstance(info.value, KeyError) and info.value.code == "missing_key"
    with pytest.raises(opsbrain.InvalidInputError, match="statements"):
        ops.analyze_pg_stats({"query": "x"}, [], [])
    with pytest.raises(opsbrain.InvalidInputError, match=r"tables\[0\]"):
        ops.analyze_pg_stats([], [], [{"schemaname": "s", "relname": "t", "n_tup_ins": "lots",
                                       "n_tup_upd": 0, "n_tup_del": 0, "n_dead_tup": 0}])


def test_pg_queries_follow_the_server_version() -> None:
    assert "mean_exec_time" in ops.pg_queries(150004)["statements"]
    assert "mean_time" in ops.pg_queries(120000)["statements"]


PLAN = [{"Plan": {"Node Type": "Seq Scan", "Relation Name": "orders", "Alias": "orders", "Total Cost": 35000.0,
                  "Plan Rows": 20, "Actual Rows": 20, "Actual Loops": 1, "Actual Total Time": 180.0,
                  "Filter": "(customer_id = 42)", "Rows Removed by Filter": 1999980},
         "Execution Time": 181.0}]


@pytest.mark.parametrize("plan", [PLAN, PLAN[0], json.dumps(PLAN), json.dumps(PLAN).encode()])
def test_explain_accepts_parsed_or_text_plans(plan: Any) -> None:
    a = ops.analyze_explain(plan)
    (s,) = a["suggestions"]
    assert s["create_statement"] == "CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_id_idx ON orders (customer_id);"
    assert s["build"] is True and s["estimated_impact"] > 0.99


def test_explain_errors() -> None:
    with pytest.raises(opsbrain.ParseError):
        ops.analyze_explain("[{")
    with pytest.raises(opsbrain.MissingKeyError, match="Node Type"):
        ops.analyze_explain([{"Plan": {"Relation Name": "x"}}])
    # Nested without bound, as text and as Python objects (deeper than the
    # interpreter's recursion limit, then deeper than the parser's).
    with pytest.raises(opsbrain.LimitExceededError):
        ops.analyze_explain("[" * 1_000_000 + "]" * 1_000_000)
    for depth in (200, 100_000):
        deep: Any = {"Node Type": "Result"}
        for _ in range(depth):
            deep = {"Node Type": "Hash", "Plans": [deep]}
        with pytest.raises(opsbrain.LimitExceededError):
            ops.analyze_explain(deep)
    cyclic: dict[str, Any] = {"Node Type": "Hash"}
    cyclic["Plans"] = [cyclic]
    with pytest.raises(opsbrain.InvalidInputError, match="JSON"):
        ops.analyze_explain(cyclic)
    with pytest.raises(opsbrain.InvalidTypeError):
        ops.analyze_explain({"Plan": {"Node Type": object()}})


def test_evaluate_index_rule() -> None:
    assert ops.evaluate_index(200.0, 150.0)["drop_candidate"] is False
    assert ops.evaluate_index(200.0, 190.0)["drop_candidate"] is True
    with pytest.raises(opsbrain.InvalidInputError):
        ops.evaluate_index(0.0, 1.0)


def test_healing_plan_never_flushes_routinely() -> None:
    plan = ops.healing_plan({"database_reachable": False, "cache_ping": False, "app_health_status": 502})
    ids = [s["id"] for s in plan["steps"]]
    assert ids == ["restart_database_pool", "reconnect_cache", "restart_app_instances"]
    assert all(not s["requires_confirmation"] for s in plan["steps"])
    plan = ops.healing_plan({"cache_ping": False, "already_tried": ["reconnect_cache"]})
    flush = [s for s in plan["steps"] if s["id"] == "flush_cache"]
    assert flush and flush[0]["safety"] == "destructive" and flush[0]["requires_confirmation"] is True
    with pytest.raises(opsbrain.InvalidInputError, match="disk_usage_percent"):
        ops.healing_plan({"disk_usage_percent": -1})


def test_diagnose_with_builtin_and_custom_kb() -> None:
    d = ops.diagnose({"title": "Sync broken", "description": "QuickBooks connection expired, error 401 when I try to sync"}, NOW)
    assert d["possible_causes"][0]["id"] == "quickbooks_token_expired"
    assert 0 < d["confidence"] < 1
    kb = ops.KnowledgeBase.from_json(json.dumps({
        "causes": [{"id": "disk_full", "description": "The disk is full", "symptoms": {"keywords": ["no space left"]}}],
        "resolutions": [{"id": "clean", "cause": "disk_full", "steps": ["free space"], "estimated_minutes": 5, "success_rate": 0.9}],
    }))
    d = ops.diagnose("write failed: No space left on device since 2 hours ago", NOW, kb)
    assert [c["id"] for c in d["possible_causes"]] == ["disk_full"]
    assert d["resolutions"][0]["id"] == "clean"
    assert d["symptoms"]["timeframes"][0]["since"] == datetime(2026, 11, 27, 13, 0, tzinfo=timezone.utc)


def test_knowledge_base_class() -> None:
    kb = ops.KnowledgeBase.builtin()
    assert len(kb.causes) >= 10 and len(kb.resolutions) >= len(kb.causes)
    assert pickle.loads(pickle.dumps(kb)) == kb
    assert ops.KnowledgeBase.from_json(kb.to_json()) == kb
    dup = {"causes": [{"id": "a", "description": "x", "symptoms": {"keywords": ["x"]}}] * 2}
    with pytest.raises(opsbrain.InvalidConfigError, match='duplicate id "a"'):
        ops.KnowledgeBase.from_json(json.dumps(dup))
    with pytest.raises(opsbrain.InvalidTypeError):
        ops.diagnose("x", NOW, kb="not a kb")  # type: ignore[arg-type]


def test_report_limits_and_time_checks() -> None:
    with pytest.raises(opsbrain.LimitExceededError):
        ops.diagnose("x" * (10 * 1024 * 1024), NOW)
    with pytest.raises(opsbrain.OpsbrainError):
        ops.diagnose("x", datetime(2026, 11, 27, 15, 0))  # naive
    with pytest.raises(opsbrain.InvalidInputError):
        ops.diagnose({"body": "x"}, NOW)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_any_text_gives_a_bounded_diagnosis(text: str) -> None:
    d = ops.diagnose(text, NOW)
    assert 0.0 <= d["confidence"] < 1.0
    assert all(0.0 < c["strength"] < 1.0 for c in d["possible_causes"])
    assert len(d["symptoms"]["error_codes"]) <= 32
