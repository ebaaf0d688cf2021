"""Fixture ops for `capacity_scaling`, merged into test_conformance.OPS."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Callable

from opsbrain import capacity

# Keys whose string values are instants: passed to the API as aware datetimes
# (the API also takes RFC 3339 strings; results carry datetimes under "at").
_INSTANT_KEYS = {"now", "at", "start_time", "ready_transition_time", "timestamp"}


def _datetimes(v: Any, key: str = "") -> Any:
    if isinstance(v, str) and key in _INSTANT_KEYS:
        return datetime.fromisoformat(v.replace("Z", "+00:00"))
    if isinstance(v, list):
        return [_datetimes(x, key) for x in v]
    if isinstance(v, dict):
        return {k: _datetimes(x, k) for k, x in v.items()}
    return v


def _zulu(v: Any) -> Any:
    if isinstance(v, datetime):
        return v.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(v, list):
        return [_zulu(x) for x in v]
    if isinstance(v, dict):
        return {k: _zulu(x) for k, x in v.items()}
    return v


OPS: dict[str, Callable[[dict], Any]] = {
    "capacity.scaling.recommend": lambda inp: capacity.replica_recommendation(inp["request"], inp.get("policy")),
    "capacity.hpa.desired_replicas": lambda inp: _zulu(capacity.hpa_desired_replicas(_datetimes(inp))),
}
