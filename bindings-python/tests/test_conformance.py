"""Runs the shared fixtures (tests/fixtures) against the Python API."""

from __future__ import annotations

import json
import math
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

import numpy as np
import pytest

import opsbrain
from opsbrain import cache
from conftest import load_cases

CASES = load_cases()


def _router(inp: dict) -> Any:
    if "table" not in inp and "rules" not in inp:
        return None
    table = opsbrain.ClassificationTable.from_json(json.dumps(inp["table"])) if "table" in inp else None
    rules = opsbrain.RuleSet.from_json(json.dumps(inp["rules"])) if "rules" in inp else None
    return opsbrain.Router(table, rules)


def _classify(inp: dict) -> Any:
    table = opsbrain.ClassificationTable.from_json(json.dumps(inp["table"])) if "table" in inp else None
    fn = table.classify if table is not None else opsbrain.classify
    if "channel" in inp:
        return fn(inp["issue_type"], channel=inp["channel"]).to_dict()
    return fn(inp["issue_type"]).to_dict()


def _route_ticket(inp: dict) -> Any:
    router = _router(inp)
    ticket = inp["ticket"]
    if not isinstance(ticket, dict) or "subject" not in ticket or set(ticket) - {"subject", "body", "error_codes", "channel"}:
        # Not expressible as keyword arguments: go through the dict API, which
        # checks keys and types exactly as the keyword API does.
        routed = router.route_many([ticket]) if router else opsbrain.route_tickets([ticket])
        return routed[0].to_dict()
    fn = router.route if router else opsbrain.route_ticket
    return fn(**ticket).to_dict()


def _route_tickets(inp: dict) -> Any:
    router = _router(inp)
    routed = router.route_many(inp["tickets"]) if router else opsbrain.route_tickets(inp["tickets"])
    return [r.to_dict() for r in routed]


def _curve(curve: Any, inp: dict) -> dict:
    return {
        "accesses": curve.accesses,
        "distinct_keys": curve.distinct_keys,
        "hit_ratios": [float(x) for x in curve.hit_ratios(inp["sizes"])],
        "max_hit_ratio": curve.max_hit_ratio(),
        "sizes_for_targets": [curve.size_for_hit_ratio(t) for t in inp["targets"]],
    }


def _keys(inp: dict) -> Any:
    return np.array(inp["keys"], dtype=np.uint64)


def _shards(inp: dict) -> Any:
    kwargs = {k: inp[k] for k in ("rate", "max_keys") if k in inp}
    return _curve(cache.shards_mrc(_keys(inp), **kwargs), inp)


def _trace_kwargs(inp: dict) -> dict:
    out = {}
    if "timestamps" in inp:
        out["timestamps"] = np.array(inp["timestamps"], dtype=np.float64)
    if "writes" in inp:
        out["writes"] = np.array(inp["writes"], dtype=bool)
    return out


def _adjust(inp: dict) -> Any:
    table = cache.StrategyTable.from_json(json.dumps(inp["table"])) if "table" in inp else None
    return cache.adjust(inp["metrics"], table=table, rules=inp.get("rules"))


def _warm(inp: dict) -> Any:
    kw = _trace_kwargs(inp)
    if "timestamps" not in kw:
        # The Python API needs timestamps positionally; an empty array stands
        # for "none" so the core reports the error.
        kw["timestamps"] = None
    args = {k: inp[k] for k in ("now", "window_secs", "top_k", "half_life_secs")}
    return cache.warm_candidates(_keys(inp), kw.pop("timestamps"), **args, **kw)


def _calendar(inp: dict) -> Any:
    if "preset" in inp:
        return getattr(opsbrain.BusinessCalendar, inp["preset"]["name"])(inp["preset"]["time_zone"])
    return opsbrain.BusinessCalendar.from_json(json.dumps(inp["calendar"]))


def _when(s: str) -> datetime:
    return datetime.fromisoformat(s)


def _iso(t: Any) -> Any:
    return None if t is None else t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _pauses(inp: dict) -> list:
    return [(_when(a), _when(b)) for a, b in inp.get("pauses", [])]


def _zulu(v: Any) -> Any:
    if isinstance(v, datetime):
        return _iso(v)
    if isinstance(v, list):
        return [_zulu(x) for x in v]
    if isinstance(v, dict):
        return {k: _zulu(x) for k, x in v.items()}
    return v


def _sla_policy(inp: dict) -> Any:
    return opsbrain.SlaPolicy.from_json(json.dumps(inp["policy"])) if "policy" in inp else opsbrain.SlaPolicy()


def _timeline(inp: dict, events: list, now: str) -> Any:
    policy = opsbrain.EscalationPolicy.from_json(json.dumps(inp["policy"]))
    table = opsbrain.ClassificationTable() if inp.get("use_builtin_table") else None
    return opsbrain.escalation_timeline(policy, events, _when(now), table=table)


OPS: dict[str, Callable[[dict], Any]] = {
    "sla.status": lambda inp: _zulu(opsbrain.sla_status(_sla_policy(inp), inp["events"], _when(inp["now"]))),
    "sla.status_batch": lambda inp: _zulu(
        opsbrain.sla_status_batch(_sla_policy(inp), inp["tickets"], _when(inp["now"]))
    ),
    "sla.policy.from_json": lambda inp: json.loads(opsbrain.SlaPolicy.from_json(inp["text"]).to_json()),
    "escalation.timeline": lambda inp: _zulu(_timeline(inp, inp["events"], inp["now"])),
    "escalation.rate": lambda inp: opsbrain.escalation_rate(
        [_timeline(inp, t["events"], t["now"]) for t in inp["tickets"]]
    ),
    "escalation.policy.from_json": lambda inp: json.loads(opsbrain.EscalationPolicy.from_json(inp["text"]).to_json()),
    "calendar.from_json": lambda inp: json.loads(opsbrain.BusinessCalendar.from_json(inp["text"]).to_json()),
    "calendar.add": lambda inp: _iso(
        _calendar(inp).add(_when(inp["start"]), timedelta(seconds=inp["duration_secs"]), pauses=_pauses(inp))
    ),
    "calendar.elapsed": lambda inp: int(
        _calendar(inp).elapsed(_when(inp["start"]), _when(inp["end"]), pauses=_pauses(inp)).total_seconds()
    ),
    "calendar.is_open": lambda inp: _calendar(inp).is_open(_when(inp["t"])),
    "calendar.next_open": lambda inp: _iso(_calendar(inp).next_open(_when(inp["t"]))),
    "calendar.next_close": lambda inp: _iso(_calendar(inp).next_close(_when(inp["t"]))),
    "cache.lru_mrc": lambda inp: _curve(cache.lru_mrc(inp["keys"]), inp),
    "cache.shards_mrc": _shards,
    "cache.size_for_hit_ratio": lambda inp: cache.size_for_hit_ratio(_keys(inp), inp["policy"], inp["target"]),
    "cache.simulate": lambda inp: cache.simulate(_keys(inp), inp["capacities"], policies=inp["policies"]),
    "cache.pattern_stats": lambda inp: cache.pattern_stats(
        _keys(inp),
        patterns=np.array(inp["patterns"], dtype=np.uint32) if "patterns" in inp else None,
        target_share=inp["target_share"],
        **_trace_kwargs(inp),
    ),
    "cache.warm_candidates": _warm,
    "cache.hash_key": lambda inp: str(cache.hash_key(inp["key"])),
    "cache.adjust": _adjust,
    "cache.strategy_table.from_json": lambda inp: cache.StrategyTable.from_json(inp["text"]).to_dict(),
    "cache.strategy_table.builtin": lambda inp: cache.StrategyTable().to_dict(),
    "classify": _classify,
    "table.from_json": lambda inp: json.loads(opsbrain.ClassificationTable.from_json(inp["text"]).to_json()),
    "table.from_toml": lambda inp: json.loads(opsbrain.ClassificationTable.from_toml(inp["text"]).to_json()),
    "rules.from_json": lambda inp: json.loads(opsbrain.RuleSet.from_json(inp["text"]).to_json()),
    "rules.from_toml": lambda inp: json.loads(opsbrain.RuleSet.from_toml(inp["text"]).to_json()),
    "route_ticket": _route_ticket,
    "route_tickets": _route_tickets,
}

import ops_anomaly  # noqa: E402
import ops_capacity_forecast  # noqa: E402
import ops_capacity_scaling  # noqa: E402
import ops_kpi  # noqa: E402
import ops_ops  # noqa: E402

for _module in (ops_anomaly, ops_capacity_forecast, ops_capacity_scaling, ops_kpi, ops_ops):
    assert not set(_module.OPS) & set(OPS), f"{_module.__name__} redefines an op"
    OPS.update(_module.OPS)


def same(expected: Any, actual: Any, tol: float) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    if isinstance(expected, float) or isinstance(actual, float):
        return isinstance(actual, (int, float)) and isinstance(expected, (int, float)) and math.isclose(
            expected, actual, rel_tol=0.0, abs_tol=tol
        )
    if isinstance(actual, tuple):
        actual = list(actual)
    if isinstance(expected, list):
        return isinstance(actual, list) and len(expected) == len(actual) and all(
            same(e, a, tol) for e, a in zip(expected, actual)
        )
    if isinstance(expected, dict):
        return isinstance(actual, dict) and expected.keys() == actual.keys() and all(
            same(v, actual[k], tol) for k, v in expected.items()
        )
    return type(expected) is type(actual) and expected == actual


@pytest.mark.parametrize("case", [c for _, c in CASES], ids=[i for i, _ in CASES])
def test_fixture(case: dict) -> None:
    op = OPS.get(case["op"])
    assert op is not None, f"op {case['op']!r} is not mapped in the Python runner"
    if "error_code" in case:
        with pytest.raises(opsbrain.OpsbrainError) as info:
            op(case["input"])
        assert info.value.code == case["error_code"], str(info.value)
        if "error_message" in case:
            assert str(info.value) == case["error_message"]
    else:
        got = op(case["input"])
        assert same(case["expected"], got, case.get("tol", 0.0)), f"got {json.dumps(got)}"


def test_fixtures_were_found() -> None:
    assert len(CASES) >= 480
