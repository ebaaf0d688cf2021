"""Fixture ops for `capacity_forecast`, merged into test_conformance.OPS."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, Callable

import numpy as np

from opsbrain import capacity


def _plain(v: Any) -> Any:
    """The result in the fixtures' serde form (instants as ...Z strings)."""
    if isinstance(v, datetime):
        return v.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, np.ndarray):
        return [float(x) for x in v]
    if isinstance(v, list):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    return v


def _series(inp: dict) -> tuple[np.ndarray, dict]:
    values = np.array([np.nan if v is None else v for v in inp["values"]], dtype=np.float64)
    return values, {"start": datetime.fromisoformat(inp["start"]), "step": timedelta(seconds=inp["step_secs"])}


def _secs(params: dict, key: str, name: str, out: dict) -> None:
    if key in params:
        out[name] = timedelta(seconds=params[key])


def _forecast(inp: dict) -> Any:
    values, kw = _series(inp)
    p = dict(inp.get("params", {}))
    _secs(p, "horizon_secs", "horizon", kw)
    _secs(p, "max_gap_secs", "max_gap", kw)
    plain = ("method", "level", "thresholds", "scaling", "lower", "upper")
    unknown = set(p) - set(plain) - {"horizon_secs", "max_gap_secs"}
    assert not unknown, f"params not mapped by this runner: {sorted(unknown)}"
    for k in plain:
        if k in p:
            kw[k] = p[k]
    return _plain(capacity.forecast(values, **kw))


def _windows(inp: dict) -> Any:
    values, kw = _series(inp)
    p = dict(inp.get("params", {}))
    _secs(p, "length_secs", "length", kw)
    _secs(p, "max_gap_secs", "max_gap", kw)
    _secs(p, "utc_offset_secs", "utc_offset", kw)
    for k in ("count", "regimes", "seed"):
        if k in p:
            kw[k] = p[k]
    return _plain(capacity.maintenance_windows(values, **kw))


OPS: dict[str, Callable[[dict], Any]] = {
    "capacity.forecast.predict": _forecast,
    "capacity.windows.maintenance": _windows,
}
