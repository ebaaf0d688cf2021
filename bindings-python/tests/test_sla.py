"""SLA timers and escalation timelines from Python beyond the shared fixtures."""

from __future__ import annotations

import pickle
from datetime import datetime, timedelta, timezone

import pytest

import opsbrain

UTC = timezone.utc
T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
POLICY = opsbrain.EscalationPolicy.from_json(
    '{"levels": [{"name": "support", "tier": 1}, {"name": "technical", "tier": 2, "delay_secs": 1800}]}'
)


def test_datetime_events_and_datetime_results() -> None:
    events = [
        {"type": "created", "at": T0, "tier": 1, "priority": "high", "channel": "chat"},
        {"type": "paused", "at": T0 + timedelta(minutes=5)},
        {"type": "resumed", "at": "2026-11-30T09:30:00+00:00"},
    ]
    s = opsbrain.sla_status(opsbrain.SlaPolicy(), events, T0 + timedelta(minutes=35))
    fr = s["first_response"]
    assert (fr["state"], fr["elapsed_secs"]) == ("running", 600)
    assert fr["breach_at"] == T0 + timedelta(minutes=40)
    assert fr["breach_at"].tzinfo is not None
    assert isinstance(fr["warnings"][0]["at"], datetime)


@pytest.mark.parametrize(
    ("call", "exc", "code"),
    [
        (lambda: opsbrain.sla_status("builtin", [], T0), TypeError, "invalid_type"),
        (lambda: opsbrain.sla_status(opsbrain.SlaPolicy(), [{"type": "created", "at": datetime(2026, 1, 1), "tier": 1, "priority": "low"}], T0), ValueError, "invalid_input"),
        (lambda: opsbrain.sla_status(opsbrain.SlaPolicy(), [{"type": "created", "at": T0, "tier": 9, "priority": "low"}], T0), ValueError, "invalid_input"),
        (lambda: opsbrain.sla_status(opsbrain.SlaPolicy(), [], T0), ValueError, "invalid_input"),
        (lambda: opsbrain.sla_status(opsbrain.SlaPolicy(), [], datetime(2026, 1, 1)), ValueError, "invalid_input"),
        (lambda: opsbrain.escalation_timeline(POLICY, [], T0, table="builtin"), TypeError, "invalid_type"),
        (lambda: opsbrain.EscalationPolicy.from_json('{"levels": [{"name": "x", "tier": 7}]}'), ValueError, "invalid_config"),
    ],
)
def test_bad_input(call, exc, code) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(exc) as info:
        call()
    assert isinstance(info.value, opsbrain.OpsbrainError)
    assert info.value.code == code


def test_timelines_feed_the_rate_and_policies_pickle() -> None:
    created = {"type": "created", "at": T0, "tier": 1, "priority": "high"}
    early = opsbrain.escalation_timeline(POLICY, [created], T0 + timedelta(minutes=10))
    late = opsbrain.escalation_timeline(POLICY, [created], T0 + timedelta(hours=1))
    assert late["current_tier"] == 2 and late["fired"][-1]["at"] == T0 + timedelta(minutes=30)
    rate = opsbrain.escalation_rate([early, late])
    assert (rate["tickets"], rate["escalated"], rate["rate"]) == (2, 1, 0.5)
    assert pickle.loads(pickle.dumps(POLICY)) == POLICY
    assert pickle.loads(pickle.dumps(opsbrain.SlaPolicy())) == opsbrain.SlaPolicy()


def test_batch_matches_single() -> None:
    log = [{"type": "created", "at": T0, "tier": 2, "priority": "critical", "channel": "phone"}]
    now = T0 + timedelta(minutes=20)
    single = opsbrain.sla_status(opsbrain.SlaPolicy(), log, now)
    assert opsbrain.sla_status_batch(opsbrain.SlaPolicy(), [log] * 20, now) == [single] * 20
