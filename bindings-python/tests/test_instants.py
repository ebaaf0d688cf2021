"""String instants in records: a date-time lacking only its UTC offset gets
the core's explanation (``opsbrain.input::parse_instant``), with the path."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

import opsbrain

NOW = datetime(2026, 11, 2, 10, tzinfo=timezone.utc)


def _created(at: str) -> dict[str, object]:
    return {"type": "created", "at": at, "tier": 1, "priority": "high", "channel": "chat"}


@pytest.mark.parametrize("at", ["2026-11-02T09:00:00", "2026-11-02 09:00:00", "2026-11-02"])
def test_missing_offset_is_explained(at: str) -> None:
    with pytest.raises(opsbrain.InvalidInputError) as info:
        opsbrain.sla_status(opsbrain.SlaPolicy(), [_created(at)], NOW)
    assert info.value.code == "invalid_input"
    assert "events[0].at" in str(info.value)
    assert "has no UTC offset" in str(info.value)


def test_other_bad_instants_keep_the_parser_message() -> None:
    with pytest.raises(opsbrain.InvalidInputError) as info:
        opsbrain.sla_status(opsbrain.SlaPolicy(), [_created("soon")], NOW)
    assert "events[0]" in str(info.value)
    assert "has no UTC offset" not in str(info.value)


def test_instants_with_an_offset_are_read() -> None:
    out = opsbrain.sla_status(opsbrain.SlaPolicy(), [_created("2026-11-02T10:00:00+01:00")], NOW)
    assert isinstance(out, dict)
