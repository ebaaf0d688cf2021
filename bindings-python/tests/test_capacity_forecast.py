"""opsbrain.capacity: forecasts and maintenance windows from Python."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import opsbrain
from opsbrain import capacity

START = datetime(2026, 1, 5, tzinfo=timezone.utc)  # a Monday
HOUR = timedelta(hours=1)


def office(weeks: int) -> np.ndarray:
    t = np.arange(weeks * 168)
    day, hour = (t // 24) % 7, t % 24
    busy = (day < 5) & (hour >= 8) & (hour < 20)
    return np.where(busy, 100.0, 20.0) + np.where((hour >= 2) & (hour < 4), -10.0, hour % 5)


def test_forecast_shapes_types_and_instants() -> None:
    f = capacity.forecast(office(4), start=START, step=HOUR, thresholds=[90.0], scaling={"capacity_per_replica": 10})
    assert isinstance(f["mean"], np.ndarray) and f["mean"].dtype == np.float64
    assert len(f["mean"]) == len(f["lower"]) == len(f["upper"]) == 168
    assert f["start"] == START + timedelta(weeks=4)
    assert f["method"] in {"seasonal_naive_weekly", "holt_winters_weekly", "mstl"}
    assert np.all(f["lower"] <= f["mean"]) and np.all(f["mean"] <= f["upper"])
    assert f["crossings"][0]["at"].weekday() < 5  # busy hours are on weekdays
    assert f["schedule"]["peak_replicas"] >= 15  # ceil(100 / (10 * 0.7))


def test_dtypes_are_converted_and_views_work() -> None:
    y = office(3)
    a = capacity.forecast(y, start=START, step=HOUR, method="seasonal_naive_weekly")
    b = capacity.forecast(y.astype(np.int64), start=START, step=HOUR, method="seasonal_naive_weekly")
    c = capacity.forecast(np.repeat(y, 2)[::2], start=START, step=HOUR, method="seasonal_naive_weekly")
    np.testing.assert_array_equal(a["mean"], b["mean"])
    np.testing.assert_array_equal(a["mean"], c["mean"])


@pytest.mark.parametrize(
    ("kwargs", "error", "code"),
    [
        ({"values": np.array([])}, opsbrain.InvalidInputError, "invalid_input"),
        ({"values": -np.ones(100)}, opsbrain.InvalidInputError, "invalid_input"),
        ({"step": timedelta(minutes=7)}, opsbrain.InvalidInputError, "invalid_input"),
        ({"horizon": timedelta(days=60)}, opsbrain.LimitExceededError, "limit_exceeded"),
        ({"method": "prophet"}, opsbrain.InvalidConfigError, "invalid_config"),
        (
            {"scaling": {"capacity_per_replica": 1, "min_replicas": 3, "max_replicas": 1}},
            opsbrain.InvalidConfigError,
            "invalid_config",
        ),
        ({"start": datetime(2026, 1, 5)}, opsbrain.InvalidInputError, "invalid_input"),
        ({"values": "not numbers"}, opsbrain.InvalidTypeError, "invalid_type"),
    ],
)
def test_bad_input_raises_with_a_code(kwargs: dict, error: type, code: str) -> None:
    args = {"values": office(3), "start": START, "step": HOUR, **kwargs}
    values = args.pop("values")
    with pytest.raises(error) as info:
        capacity.forecast(values, **args)
    assert info.value.code == code
    assert isinstance(info.value, opsbrain.OpsbrainError)


def test_nan_gaps_are_filled_up_to_max_gap() -> None:
    y = office(3)
    y[30:32] = np.nan
    f = capacity.forecast(y, start=START, step=HOUR)
    assert f["filled_gaps"] == 2
    with pytest.raises(opsbrain.InvalidInputError, match="values\\[30..32\\]"):
        capacity.forecast(y, start=START, step=HOUR, max_gap=HOUR)


def test_maintenance_windows_find_the_quiet_hours() -> None:
    w = capacity.maintenance_windows(office(4), start=START, step=HOUR, length=timedelta(hours=2), count=2)
    assert [r["label"] for r in w["regimes"]] == ["weekday", "weekend"]
    first = w["windows"][0]
    assert (first["start_secs"], first["expected_load"]) == (7200, 10.0)
    assert first["next_start"] == START + timedelta(days=28, hours=2)
    assert w["weekly_profile"].shape == (168,)
    assert w["days"][0]["date"].isoformat() == "2026-01-05"


@settings(max_examples=20, deadline=None)
@given(st.lists(st.floats(0, 1000, allow_nan=False), min_size=24, max_size=24), st.integers(3, 5))
def test_pure_daily_pattern_is_reproduced(day: list[float], weeks: int) -> None:
    y = np.tile(np.array(day), weeks * 7)
    f = capacity.forecast(y, start=START, step=HOUR, horizon=timedelta(days=2))
    np.testing.assert_allclose(f["mean"], np.tile(day, 2), atol=1e-6 * (1 + max(day)))


def test_same_answer_from_many_threads() -> None:
    from concurrent.futures import ThreadPoolExecutor

    y = office(4)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: capacity.forecast(y, start=START, step=HOUR)["mean"], range(8)))
    for r in results[1:]:
        np.testing.assert_array_equal(results[0], r)
