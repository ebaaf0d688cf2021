"""Tickets as a pandas DataFrame: SLA status and support KPIs in, DataFrames
out, ids carried through, columns renamed by a mapping."""

from __future__ import annotations

import numpy as np
import pytest

import opsbrain
from opsbrain import frames, kpi

pd = pytest.importorskip("pandas")

T0 = pd.Timestamp("2026-11-30 09:00", tz="UTC")


def _tickets() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ticket_id": ["A", "B", "C"],
            "created_at": [T0, T0, T0 + pd.Timedelta("1h")],
            "first_response_at": [T0 + pd.Timedelta("5min"), pd.NaT, T0 + pd.Timedelta("70min")],
            "resolved_at": [T0 + pd.Timedelta("1h"), pd.NaT, pd.NaT],
            "tier": [1, 1, 2],
            "priority": ["high", "low", "critical"],
            "channel": ["chat", "email", "phone"],
            "csat": [5, np.nan, 3],
        }
    )


def test_sla_status_frame_matches_the_event_logs() -> None:
    df = _tickets()
    now = T0 + pd.Timedelta("2h")
    table = opsbrain.sla_status_batch(opsbrain.SlaPolicy(), df, now)
    assert list(table.index) == ["A", "B", "C"] and table.index.name == "ticket_id"
    ids, records = frames.ticket_records(df)
    by_hand = opsbrain.sla_status_batch(opsbrain.SlaPolicy(), [r["events"] for r in records], now)
    for i, status in zip(ids, by_hand):
        row = table.loc[i]
        assert row["first_response_state"] == status["first_response"]["state"]
        assert row["resolution_elapsed_secs"] == status["resolution"]["elapsed_secs"]
        assert row["first_response_used_ratio"] == pytest.approx(status["first_response"]["percent_used"] / 100)
    assert table.loc["A", "first_response_met_at"] == T0 + pd.Timedelta("5min")
    assert table.loc["B", "first_response_state"] == "breached"


def test_support_kpis_per_channel_from_a_frame() -> None:
    df = _tickets()
    per_channel = kpi.support_kpis(df, T0 + pd.Timedelta("2h"), group_by="channel")
    assert list(per_channel.index) == ["chat", "email", "phone"]
    assert per_channel.loc["chat", "first_response_mean_secs"] == 300
    assert per_channel.loc["phone", "csat_mean"] == 3
    assert np.isnan(per_channel.loc["email", "csat_mean"])
    overall = opsbrain.support_kpis(df, T0 + pd.Timedelta("2h"))
    assert list(overall.index) == ["all"] and overall.loc["all", "tickets"] == 3


def test_column_mapping_and_errors() -> None:
    df = _tickets().rename(columns={"created_at": "opened", "ticket_id": "key"})
    now = T0 + pd.Timedelta("2h")
    table = opsbrain.sla_status_batch(opsbrain.SlaPolicy(), df, now, columns={"created_at": "opened", "id": "key"})
    assert list(table.index) == ["A", "B", "C"] and table.index.name == "key"
    with pytest.raises(opsbrain.MissingKeyError, match="'created_at' column"):
        opsbrain.sla_status_batch(opsbrain.SlaPolicy(), df, T0)
    with pytest.raises(opsbrain.InvalidInputError, match="unknown field 'opened_at'"):
        opsbrain.sla_status_batch(opsbrain.SlaPolicy(), df, T0, columns={"opened_at": "opened"})
    with pytest.raises(opsbrain.InvalidInputError, match="only to a DataFrame"):
        opsbrain.sla_status_batch(opsbrain.SlaPolicy(), [], T0, columns={"id": "key"})
    naive = _tickets()
    naive["created_at"] = naive["created_at"].dt.tz_localize(None)
    with pytest.raises(opsbrain.InvalidInputError, match="tz_localize"):
        opsbrain.sla_status_batch(opsbrain.SlaPolicy(), naive, now)
    early = _tickets()
    with pytest.raises(opsbrain.InvalidInputError, match="^ticket 'A' \\(tickets\\[0\\]: events\\[1\\]"):
        opsbrain.sla_status_batch(opsbrain.SlaPolicy(), early, T0)
