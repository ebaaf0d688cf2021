"""Scaling decisions from Python beyond the shared fixtures."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import opsbrain
from opsbrain import capacity

UTC = timezone.utc
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _hpa(usages: list[float], target: int = 50, **kw: object) -> dict:
    req = {
        "current_replicas": len(usages),
        "max_replicas": 100,
        "now": NOW,
        "metrics": [{"type": "resource", "name": "cpu", "target": {"average_utilization": target}}],
        "pods": [{"name": f"p{i}", "requests": {"cpu": 1000}, "usage": {"cpu": u}} for i, u in enumerate(usages)],
    }
    req.update(kw)
    return req


def test_history_round_trips_as_datetimes() -> None:
    first = capacity.hpa_desired_replicas(_hpa([900.0] * 4))
    assert first["desired_replicas"] == 8
    rec = first["recommendations"][0]
    assert rec == {"at": NOW, "replicas": 8} and rec["at"].tzinfo is not None
    # Load drops a minute later: the 300 s window holds the higher count.
    later = _hpa([100.0] * 8, now=NOW + timedelta(minutes=1), recommendations=first["recommendations"])
    second = capacity.hpa_desired_replicas(later)
    assert (second["metric_replicas"], second["desired_replicas"]) == (2, 8)
    assert second["able_to_scale"] == "ScaleDownStabilized"


def test_instants_may_be_strings_but_not_naive() -> None:
    assert capacity.hpa_desired_replicas(_hpa([500.0], now="2026-01-01T00:00:00+00:00"))["desired_replicas"] == 1
    with pytest.raises(opsbrain.InvalidInputError) as info:
        capacity.hpa_desired_replicas(_hpa([500.0], now=datetime(2026, 1, 1)))
    assert info.value.code == "invalid_input"


@pytest.mark.parametrize(
    ("call", "exc", "code"),
    [
        (lambda: capacity.hpa_desired_replicas(_hpa([500.0], min_replicas=5, max_replicas=4)), ValueError, "invalid_config"),
        (lambda: capacity.hpa_desired_replicas(_hpa([-1.0])), ValueError, "invalid_input"),
        (lambda: capacity.hpa_desired_replicas({"current_replicas": 1}), ValueError, "missing_key"),
        (lambda: capacity.hpa_desired_replicas("not a dict"), ValueError, "invalid_type"),
        (lambda: capacity.replica_recommendation({"current_replicas": 1, "max_replicas": 2, "metrics": {"cpu": [float("nan")]}}), ValueError, "invalid_input"),
        (lambda: capacity.replica_recommendation({"current_replicas": 1, "max_replicas": 2, "metrics": {"cpu": [0.5]}}, {"cpu": {"scale_up": 0.1, "scale_down": 0.5}}), ValueError, "invalid_config"),
    ],
)
def test_errors_carry_codes(call, exc, code) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(exc) as info:
        call()
    assert isinstance(info.value, opsbrain.OpsbrainError)
    assert info.value.code == code


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.floats(0.0, 1.2), st.floats(0.0, 0.3)), min_size=1, max_size=8),
    st.integers(1, 30),
)
def test_more_demand_never_fewer_replicas(samples: list[tuple[float, float]], current: int) -> None:
    low = [a for a, _ in samples]
    high = [a + b for a, b in samples]
    base = {"current_replicas": current, "max_replicas": 100}
    a = capacity.replica_recommendation({**base, "metrics": {"cpu": low}})
    b = capacity.replica_recommendation({**base, "metrics": {"cpu": high}})
    assert b["desired_replicas"] >= a["desired_replicas"]
