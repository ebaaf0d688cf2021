"""Fixture ops for `ops`, merged into test_conformance.OPS."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Callable

from opsbrain import ops


def _zulu(v: Any) -> Any:
    if isinstance(v, datetime):
        return v.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(v, list):
        return [_zulu(x) for x in v]
    if isinstance(v, dict):
        return {k: _zulu(x) for k, x in v.items()}
    return v


def _kb(inp: dict) -> ops.KnowledgeBase | None:
    return ops.KnowledgeBase.from_json(inp["kb_json"]) if "kb_json" in inp else None


def _explain(inp: dict) -> Any:
    plan = inp["plan_text"] if "plan_text" in inp else inp["plan"]
    return ops.analyze_explain(plan, inp.get("options"))


def _knowledge_base(inp: dict) -> Any:
    kb = _kb(inp) or ops.KnowledgeBase.builtin()
    return {"causes": len(kb.causes), "resolutions": len(kb.resolutions), "features": len(kb.features)}


OPS: dict[str, Callable[[dict], Any]] = {
    "ops.optimize_performance": lambda i: ops.optimize_performance(i["metrics"], i.get("thresholds")),
    "ops.pg_queries": lambda i: ops.pg_queries(i["server_version_num"]),
    "ops.analyze_pg_stats": lambda i: ops.analyze_pg_stats(
        i["statements"], i["indexes"], i["tables"], i.get("options")
    ),
    "ops.analyze_explain": _explain,
    "ops.evaluate_index": lambda i: ops.evaluate_index(i["before_ms"], i["after_ms"], i.get("options")),
    "ops.healing_plan": lambda i: ops.healing_plan(i["checks"], i.get("options")),
    "ops.extract_symptoms": lambda i: _zulu(
        ops.extract_symptoms(i["report"], datetime.fromisoformat(i["now"]), _kb(i), i.get("options"))
    ),
    "ops.diagnose": lambda i: _zulu(
        ops.diagnose(i["report"], datetime.fromisoformat(i["now"]), _kb(i), i.get("options"))
    ),
    "ops.knowledge_base": _knowledge_base,
}
