"""Forecasts and maintenance windows over a pandas Series with a
DatetimeIndex: start and step from the index, missing rows as gaps."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

import opsbrain
from opsbrain import capacity

pd = pytest.importorskip("pandas")

START = datetime(2026, 1, 5, tzinfo=timezone.utc)


def _hourly(days: int = 21) -> pd.Series:
    idx = pd.date_range(START, periods=days * 24, freq="h")
    hours = np.arange(len(idx))
    return pd.Series(0.4 + 0.2 * np.sin(2 * np.pi * (hours % 24) / 24), index=idx)


def test_series_gives_start_and_step() -> None:
    s = _hourly()
    by_index = capacity.forecast(s, thresholds=[0.7])
    by_hand = capacity.forecast(s.to_numpy(), start=START, step=timedelta(hours=1), thresholds=[0.7])
    assert by_index["start"] == by_hand["start"] and by_index["step_secs"] == 3600
    assert np.allclose(by_index["mean"], by_hand["mean"])


def test_missing_row_is_a_gap_not_a_shift() -> None:
    s = _hourly()
    with_gap = capacity.forecast(s.drop(s.index[100]))
    assert with_gap["filled_gaps"] == 1
    # Without the index the history would end an hour early.
    assert with_gap["start"] == capacity.forecast(s)["start"]


def test_step_as_string_or_offset() -> None:
    s = _hourly()
    values = s.to_numpy()
    for step in ("1h", "60min", pd.offsets.Hour(1)):
        assert capacity.forecast(values, start=START, step=step)["step_secs"] == 3600
    with pytest.raises(opsbrain.InvalidTypeError, match="step"):
        capacity.forecast(values, start=START, step="fortnightly-ish")


def test_naive_and_irregular_indexes_are_errors() -> None:
    s = _hourly()
    with pytest.raises(opsbrain.InvalidInputError, match="tz_localize"):
        capacity.forecast(s.tz_localize(None))
    shifted = s.copy()
    shifted.index = shifted.index.where(shifted.index != s.index[5], s.index[5] + pd.Timedelta("10min"))
    with pytest.raises(opsbrain.InvalidInputError, match="irregular: 2026-01-05 04:00:00"):
        capacity.forecast(shifted)
    with pytest.raises(opsbrain.InvalidInputError, match="differs"):
        capacity.forecast(s, start=START + timedelta(hours=1))


def test_windows_take_a_series_and_forecast_frame() -> None:
    s = _hourly(28)
    w = capacity.maintenance_windows(s, length=timedelta(hours=2))
    assert w["windows"]
    frame = capacity.forecast_frame(capacity.forecast(s, horizon=timedelta(hours=6), thresholds=[0.55]))
    assert list(frame.columns) == ["mean", "lower", "upper", "above_0.55"]
    assert len(frame) == 6 and str(frame.index.tz) == "UTC"
    assert frame.index[1] - frame.index[0] == pd.Timedelta(hours=1)
