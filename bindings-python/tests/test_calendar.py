"""opsbrain.BusinessCalendar beyond the shared fixtures."""

from __future__ import annotations

import pickle
import random
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

import opsbrain
from opsbrain import BusinessCalendar

UTC = timezone.utc
NY = ZoneInfo("America/New_York")


def test_aware_datetimes_in_any_zone_and_utc_results() -> None:
    cal = BusinessCalendar.nine_to_five("America/New_York")
    start = datetime(2026, 11, 30, 9, 0, tzinfo=NY)
    due = cal.add(start, timedelta(hours=8))
    assert due == datetime(2026, 11, 30, 17, 0, tzinfo=NY)
    assert due.tzinfo == UTC
    assert cal.elapsed(start, due) == timedelta(hours=8)
    assert cal.next_close(start) == due
    assert cal.is_open(start) and not cal.is_open(due)


def test_constructor_matches_json_and_accepts_dates() -> None:
    cal = BusinessCalendar(
        time_zone="Europe/London",
        weekly={"mon": [("22:00", "06:00")], "sat": [["08:00", "12:00"], ["13:00", "24:00"]]},
        holidays=[date(2026, 12, 25), "2026-12-26"],
        holiday_rule="shift_start_date",
    )
    again = BusinessCalendar.from_json(cal.to_json())
    assert again == cal
    assert pickle.loads(pickle.dumps(cal)) == cal
    assert cal.holiday_rule == "shift_start_date"
    assert cal.to_dict()["holidays"] == ["2026-12-25", "2026-12-26"]


@pytest.mark.parametrize(
    ("call", "exc", "code"),
    [
        (lambda c: c.is_open(datetime(2026, 1, 1)), ValueError, "invalid_input"),
        (lambda c: c.is_open("2026-01-01T00:00:00Z"), TypeError, "invalid_type"),
        (lambda c: c.add(datetime(2026, 1, 1, tzinfo=UTC), 3600), TypeError, "invalid_type"),
        (lambda c: c.add(datetime(2026, 1, 1, tzinfo=UTC), timedelta(hours=-1)), ValueError, "invalid_input"),
        (lambda c: c.add(datetime(2026, 1, 1, tzinfo=UTC), timedelta(hours=1), pauses=[(1, 2)]), TypeError, "invalid_type"),
        (lambda c: c.elapsed(datetime(2026, 1, 2, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)), ValueError, "invalid_input"),
        (lambda c: BusinessCalendar("Mars/Olympus", {}), ValueError, "invalid_config"),
        (lambda c: BusinessCalendar("UTC", {"mon": [("25:00", "26:00")]}), ValueError, "invalid_config"),
        (lambda c: BusinessCalendar("UTC", {}, holidays=[3]), TypeError, "invalid_type"),
        (lambda c: BusinessCalendar("UTC", {}).add(datetime(2026, 1, 1, tzinfo=UTC), timedelta(hours=1)), ValueError, "invalid_input"),
    ],
)
def test_bad_input(call, exc, code) -> None:  # type: ignore[no-untyped-def]
    cal = BusinessCalendar.always("UTC")
    with pytest.raises(exc) as info:
        call(cal)
    assert isinstance(info.value, opsbrain.OpsbrainError)
    assert info.value.code == code


def test_add_is_monotonic_and_inverse_of_elapsed() -> None:
    cal = BusinessCalendar.sixteen_five("America/New_York")
    rng = random.Random(5)
    for _ in range(200):
        start = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(365 * 24 * 60))
        d1 = timedelta(minutes=rng.randrange(1, 60 * 24 * 30))
        d2 = d1 + timedelta(minutes=rng.randrange(0, 600))
        a, b = cal.add(start, d1), cal.add(start, d2)
        assert a <= b
        assert cal.elapsed(start, a) == d1
        pause = (start, start + timedelta(hours=rng.randrange(1, 48)))
        assert cal.add(start, d1, pauses=[pause]) >= a, "pauses never shorten a deadline"


def test_agrees_with_pandas_custom_business_hour() -> None:
    pd = pytest.importorskip("pandas", reason="pandas is installed by scripts/test")
    from pandas.tseries.offsets import CustomBusinessHour

    holidays = ["2026-12-25", "2027-01-01"]
    cbh = CustomBusinessHour(start="09:00", end="17:00", weekmask="Mon Tue Wed Thu Fri", holidays=holidays)
    cal = BusinessCalendar(
        "UTC", {d: [("09:00", "17:00")] for d in ("mon", "tue", "wed", "thu", "fri")}, holidays=holidays
    )
    rng = random.Random(11)
    for _ in range(300):
        start = datetime(2026, 11, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(90 * 24 * 60))
        hours = rng.randrange(1, 60)
        theirs = (pd.Timestamp(start.replace(tzinfo=None)) + hours * cbh).to_pydatetime().replace(tzinfo=UTC)
        ours = cal.add(start, timedelta(hours=hours))
        # pandas rolls a deadline that lands exactly on a closing time forward
        # to the next opening; we return the closing instant itself. Both
        # name the same business-time point.
        assert ours == theirs or (cal.elapsed(ours, theirs) == timedelta(0) and cal.next_open(ours) == theirs), (
            start,
            hours,
            ours,
            theirs,
        )
        assert cal.elapsed(start, ours) == timedelta(hours=hours)
