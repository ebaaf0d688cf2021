"""Business time over columns: add_many and elapsed_many agree with the
single calls, read numpy, pandas and datetime columns, keep NaT."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

import opsbrain

CAL = opsbrain.BusinessCalendar.nine_to_five("America/New_York")


def _starts(n: int) -> np.ndarray:
    return np.datetime64("2026-03-02T00:00", "us") + (np.arange(n) * 97).astype("timedelta64[m]")


def _aware(t: np.datetime64) -> datetime:
    return t.astype("datetime64[us]").item().replace(tzinfo=timezone.utc)


def test_rows_agree_with_single_calls_across_dst() -> None:
    starts = _starts(600)  # crosses the 8 March DST change
    amounts = (np.arange(600) % 40).astype("timedelta64[h]")
    due = CAL.add_many(starts, amounts)
    spent = CAL.elapsed_many(starts, due)
    assert due.dtype == np.dtype("datetime64[us]") and spent.dtype == np.dtype("timedelta64[us]")
    for i in range(0, 600, 7):
        one = CAL.add(_aware(starts[i]), timedelta(hours=int(amounts[i] / np.timedelta64(1, "h"))))
        assert _aware(due[i]) == one
        assert spent[i] == np.timedelta64(CAL.elapsed(_aware(starts[i]), one), "us")


def test_nat_broadcast_and_errors() -> None:
    starts = _starts(3)
    starts[1] = np.datetime64("NaT")
    due = CAL.add_many(starts, np.timedelta64(2, "h"))
    assert np.isnat(due[1]) and not np.isnat(due[0])
    with pytest.raises(opsbrain.DimensionMismatchError):
        CAL.add_many(_starts(3), np.array([1, 2], dtype="timedelta64[h]"))
    with pytest.raises(opsbrain.InvalidInputError, match=r"rows\[2\]"):
        CAL.add_many(_starts(3), np.array([1, 2, -3], dtype="timedelta64[h]"))
    with pytest.raises(opsbrain.InvalidTypeError):
        CAL.add_many(np.arange(3.0), np.timedelta64(1, "h"))


def test_pandas_and_datetime_inputs() -> None:
    pd = pytest.importorskip("pandas")
    local = pd.Series(pd.to_datetime(["2026-11-30 09:00", "2026-11-30 16:00", None])).dt.tz_localize("America/New_York")
    due = CAL.add_many(local, pd.Timedelta("2h"))
    assert list(due[:2]) == [np.datetime64("2026-11-30T16:00"), np.datetime64("2026-12-01T15:00")]
    assert np.isnat(due[2])
    with pytest.raises(opsbrain.InvalidInputError, match="tz_localize"):
        CAL.add_many(local.dt.tz_localize(None), pd.Timedelta("2h"))
    plain = [datetime(2026, 11, 30, 14, tzinfo=timezone.utc)]
    assert CAL.elapsed_many(plain, [datetime(2026, 11, 30, 15, tzinfo=timezone.utc)])[0] == np.timedelta64(3600, "s")
