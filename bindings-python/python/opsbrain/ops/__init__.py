"""Operations rules from the post-launch framework, computed by the Rust
core (``opsbrain::ops``): the performance optimizer, PostgreSQL health
analysis (statistics views and ``EXPLAIN`` plans), self-healing plans and
the troubleshooting assistant.

Everything here is a pure function from data to decisions: nothing
connects to a server or runs a command. ``opsbrain.ops.postgres`` is the
optional helper that runs the statistics queries through a DB-API
connection and feeds the rows to these functions.

>>> from datetime import datetime, timezone
>>> from opsbrain import ops
>>> [a["action"] for a in ops.optimize_performance({"cpu_usage": 0.83, "cache_hit_ratio": 0.8})]
['optimize_caching', 'auto_scale']
>>> plan = ops.healing_plan({"cache_ping": False, "disk_usage_percent": 88})
>>> [(s["id"], s["safety"]) for s in plan["steps"]]
[('reconnect_cache', 'safe'), ('cleanup_temp_files', 'destructive'), ('cleanup_old_logs', 'destructive')]
>>> d = ops.diagnose("QuickBooks error H202 when I open the company file since yesterday",
...                  now=datetime(2026, 11, 27, 15, tzinfo=timezone.utc))
>>> d["possible_causes"][0]["id"], d["symptoms"]["timeframes"][0]["since"].isoformat()
('quickbooks_company_file', '2026-11-26T00:00:00+00:00')
"""

from __future__ import annotations

from opsbrain._native import (
    KnowledgeBase,
    analyze_explain,
    analyze_pg_stats,
    diagnose,
    evaluate_index,
    extract_symptoms,
    healing_plan,
    optimize_performance,
    pg_queries,
)

__all__ = [
    "KnowledgeBase",
    "analyze_explain",
    "analyze_pg_stats",
    "diagnose",
    "evaluate_index",
    "extract_symptoms",
    "healing_plan",
    "optimize_performance",
    "pg_queries",
]
