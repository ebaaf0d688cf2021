"""Fixture ops for `kpi`, merged into test_conformance.OPS."""

from __future__ import annotations

import json
import math
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

import numpy as np

import opsbrain
from opsbrain import kpi


def _when(s: str) -> datetime:
    return datetime.fromisoformat(s)


def _zulu(v: Any) -> Any:
    if isinstance(v, datetime):
        return v.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(v, list):
        return [_zulu(x) for x in v]
    if isinstance(v, dict):
        return {k: _zulu(x) for k, x in v.items()}
    return v


def _floats(values: list) -> Any:
    # `null` stands for an infinite histogram bound (JSON has no Infinity).
    return np.array([math.inf if x is None else x for x in values], dtype=np.float64)


def _support(inp: dict) -> Any:
    policy = opsbrain.SlaPolicy.from_json(json.dumps(inp["policy"])) if "policy" in inp else None
    options = dict(inp.get("options", {}))
    for key in ("since", "until"):
        if key in options:
            options[key] = _when(options[key])
    return kpi.support_kpis(inp["tickets"], _when(inp["now"]), policy=policy, **options)


def _series(inp: dict) -> dict:
    return {
        "start": _when(inp["start"]),
        "step": timedelta(seconds=inp["step_secs"]),
        "objective": inp["objective"],
    }


def _budget(inp: dict) -> Any:
    out = kpi.error_budget(
        _floats(inp["good"]),
        _floats(inp["total"]),
        window=timedelta(seconds=inp["window_secs"]),
        targets=inp.get("targets"),
        **_series(inp),
    )
    return _zulu(out)


def _burn(inp: dict) -> Any:
    out = kpi.burn_rate_alerts(
        _floats(inp["good"]), _floats(inp["total"]), rules=inp.get("rules"), **_series(inp)
    )
    return _zulu(out)


def _latencies(inp: dict) -> dict:
    if "samples" in inp:
        return {"samples": _floats(inp["samples"])}
    return {"upper_bounds": _floats(inp["upper_bounds"]), "counts": _floats(inp["counts"])}


def _funnels(inp: dict) -> Any:
    options = dict(inp.get("options", {}))
    if "attribution_window_secs" in options:
        options["attribution_window"] = timedelta(seconds=options.pop("attribution_window_secs"))
    return kpi.journey_funnels(inp["events"], inp.get("journeys"), **options)


OPS: dict[str, Callable[[dict], Any]] = {
    "kpi.support_kpis": _support,
    "kpi.volume_trend": lambda inp: kpi.volume_trend(inp["tickets"]),
    "kpi.error_budget": _budget,
    "kpi.burn_rate_alerts": _burn,
    "kpi.latency_slo": lambda inp: kpi.latency_slo(
        **_latencies(inp), threshold_ms=inp["threshold_ms"], objective=inp["objective"]
    ),
    "kpi.apdex": lambda inp: kpi.apdex(**_latencies(inp), t_ms=inp["t_ms"]),
    "kpi.journey_funnels": _funnels,
}
