"""opsbrain.kpi from Python beyond the shared fixtures."""

from __future__ import annotations

import math
import threading
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import opsbrain
from opsbrain import kpi

UTC = timezone.utc
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def _ticket(fr_min: int, **extra: object) -> dict:
    events = [
        {"type": "created", "at": T0, "tier": 1, "priority": "high", "channel": "chat"},
        {"type": "first_response", "at": T0 + timedelta(minutes=fr_min)},
    ]
    return {"events": events, **extra}


def test_support_kpis_with_datetimes_and_grouping() -> None:
    tickets = [_ticket(m, csat=5, department="billing" if m % 2 else "tech") for m in range(1, 11)]
    r = kpi.support_kpis(tickets, T0 + timedelta(hours=1), group_by="department")
    assert r["overall"]["tickets"] == 10
    assert r["overall"]["first_response"]["p50"] == pytest.approx(np.percentile(np.arange(1, 11) * 60.0, 50))
    assert [g["key"] for g in r["groups"]] == ["billing", "tech"]
    statuses = {k["kpi"]: k["status"] for k in r["overall"]["kpis"]}
    assert statuses["csat"] == "meets_target"
    assert statuses["first_contact_resolution"] == "no_data"
    # The top-level re-export is the same function.
    assert opsbrain.support_kpis is kpi.support_kpis


@pytest.mark.parametrize(
    ("call", "exc", "code"),
    [
        (lambda: kpi.support_kpis([_ticket(5)], datetime(2026, 11, 2)), ValueError, "invalid_input"),
        (lambda: kpi.support_kpis("tickets", T0 + MINUTE * 9), TypeError, "invalid_type"),
        (lambda: kpi.support_kpis([_ticket(5)], T0 + MINUTE * 9, group_by="planet"), ValueError, "invalid_input"),
        (lambda: kpi.support_kpis([_ticket(5)], T0 + MINUTE * 9, since=T0, until=T0), ValueError, "invalid_input"),
        (lambda: kpi.support_kpis([_ticket(5)], T0 + MINUTE * 9, policy="builtin"), TypeError, "invalid_type"),
        (lambda: kpi.error_budget([1.0], [1.0], start=T0, step=60, objective=0.99, window=MINUTE), TypeError, "invalid_type"),
        (lambda: kpi.error_budget([1.0], [1.0], start=T0, step=MINUTE, objective=1.0, window=MINUTE), ValueError, "invalid_input"),
        (lambda: kpi.burn_rate_alerts([1.0], [1.0, 2.0], start=T0, step=MINUTE, objective=0.99), opsbrain.DimensionMismatchError, "dimension_mismatch"),
        (lambda: kpi.latency_slo(threshold_ms=500, objective=0.9), ValueError, "invalid_input"),
        (lambda: kpi.latency_slo([1.0], threshold_ms=500, objective=0.9, counts=[1.0]), ValueError, "invalid_input"),
        (lambda: kpi.journey_funnels([], attribution_window=timedelta(0)), ValueError, "invalid_config"),
    ],
)
def test_errors_carry_codes(call: object, exc: type, code: str) -> None:
    with pytest.raises(exc) as info:
        call()  # type: ignore[operator]
    assert isinstance(info.value, opsbrain.OpsbrainError)
    assert info.value.code == code


def test_burn_rate_accepts_numpy_views_and_returns_datetimes() -> None:
    n = 6 * 60
    total = np.full(2 * n, 1000.0)[::2]  # a strided view: copied, not refused
    good = np.full(n, 1000.0)
    good[60:70] = 900.0
    r = kpi.burn_rate_alerts(good, total, start=T0, step=MINUTE, objective=0.999, rules=kpi.workbook_rules()[:1])
    (alert,) = r["alerts"]
    assert alert["fired_at"] == T0 + 69 * MINUTE
    assert alert["clears_at"] == T0 + 75 * MINUTE
    assert alert["clears_at"].tzinfo is not None
    assert r["current"][0]["firing"] is False


def test_error_budget_of_a_month_of_minutes() -> None:
    n = 30 * 1440
    good = np.ones(n)
    good[:10] = 0.0
    b = kpi.error_budget(good, np.ones(n), start=T0, step=MINUTE, objective=0.999, window=timedelta(days=30))
    assert b["budget_secs"] == pytest.approx(43.2 * 60)
    assert b["bad_secs"] == pytest.approx(600.0)
    assert b["consumed"] == pytest.approx(10 / 43.2)
    assert b["window_end"] == T0 + timedelta(days=30)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(min_value=0.0, max_value=5000.0, allow_nan=False), min_size=1, max_size=200))
def test_latency_matches_numpy(samples: list[float]) -> None:
    a = np.array(samples)
    s = kpi.latency_slo(a, threshold_ms=500.0, objective=0.9)
    assert s["good"] == float((a <= 500.0).sum())
    for key, q in (("p50", 50), ("p90", 90), ("p99", 99)):
        assert s[key] == pytest.approx(np.percentile(a, q), abs=1e-9)
    ap = kpi.apdex(a, t_ms=300.0)
    assert ap["score"] == pytest.approx(((a <= 300).sum() + ((a > 300) & (a <= 1200)).sum() / 2) / len(a))


def test_histogram_with_math_inf() -> None:
    h = kpi.latency_slo(threshold_ms=300.0, objective=0.5, upper_bounds=[100.0, 500.0, math.inf], counts=[50, 30, 20])
    assert h["good"] == pytest.approx(50 + 30 * 0.5)


def test_funnel_defaults_to_the_framework_journeys() -> None:
    journeys = kpi.framework_journeys()
    login = journeys[0]
    events = []
    for u in range(10):
        for i, step in enumerate(login["steps"]):
            if u >= 7 and i == 2:
                events.append({"user": f"u{u}", "journey": login["name"], "step": step, "at": T0 + i * MINUTE, "outcome": "mfa_failed"})
                break
            events.append({"user": f"u{u}", "journey": login["name"], "step": step, "at": T0 + i * MINUTE})
    r = kpi.journey_funnels(events[::-1])  # any order
    f = r["journeys"][0]
    assert (f["started"], f["completed"], f["completion_rate"]) == (10, 7, 0.7)
    (point,) = r["friction_points"]
    assert (point["step"], point["issue"], point["users_lost"]) == (login["steps"][2], "mfa_failed", 3)


def test_default_targets_round_trip_as_targets() -> None:
    t = kpi.default_targets()
    assert t["uptime"] == {"threshold": 0.999, "target": 0.9995}
    t["time_quantile"] = 0.5
    r = kpi.support_kpis([_ticket(5), _ticket(7), _ticket(30)], T0 + timedelta(hours=1), targets=t)
    fr = next(k for k in r["overall"]["kpis"] if k["kpi"] == "first_response_time")
    assert fr["value"] == 420.0


def test_threads_share_the_module() -> None:
    good = np.full(10_000, 1000.0)
    good[5000:5100] = 950.0
    expected = kpi.burn_rate_alerts(good, np.full(10_000, 1000.0), start=T0, step=MINUTE, objective=0.999)
    results: list[dict] = []

    def work() -> None:
        results.append(kpi.burn_rate_alerts(good, np.full(10_000, 1000.0), start=T0, step=MINUTE, objective=0.999))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected] * 4
