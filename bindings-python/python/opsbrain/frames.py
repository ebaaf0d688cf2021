"""Tickets as a pandas DataFrame (one row per ticket) in, DataFrames out.

:func:`opsbrain.sla_status_batch` and :func:`opsbrain.kpi.support_kpis`
take such a frame directly. The columns they read, by default named as in
:data:`TICKET_COLUMNS` (pass ``columns={"created_at": "opened", ...}`` to
rename any of them):

- ``created_at`` (required): aware timestamps; ``tier`` (1 to 4) and
  ``priority`` (``"low"`` to ``"critical"``) (required); ``channel``
  (default ``"email"``);
- ``first_response_at`` and ``resolved_at``: aware timestamps, NaT while
  pending;
- ``ticket_id``: carried through as the result's index (else the frame's
  index is);
- for KPIs: ``department``, ``agent``, ``csat`` (1 to 5),
  ``first_contact_resolution``, ``automated``, ``self_service``; missing
  values (NaN, None, NaT) mean "not recorded".

Results are DataFrames whose column names carry their units (``_secs``,
``_ratio``; instants are timestamps).

pandas is not a dependency of opsbrain: this module imports it only when a
frame is passed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from opsbrain import _native
from opsbrain.errors import InvalidInputError, MissingKeyError, OpsbrainError

_T = TypeVar("_T")

__all__ = ["TICKET_COLUMNS", "is_frame", "sla_status_frame", "support_kpis_frame", "ticket_records"]

#: Default column names of a ticket frame (keys are what opsbrain reads).
TICKET_COLUMNS: Mapping[str, str] = {
    "id": "ticket_id",
    "created_at": "created_at",
    "first_response_at": "first_response_at",
    "resolved_at": "resolved_at",
    "tier": "tier",
    "priority": "priority",
    "channel": "channel",
    "department": "department",
    "agent": "agent",
    "csat": "csat",
    "first_contact_resolution": "first_contact_resolution",
    "automated": "automated",
    "self_service": "self_service",
}

_REQUIRED = ("created_at", "tier", "priority")
_RECORD_FIELDS = ("department", "agent", "csat", "first_contact_resolution", "automated", "self_service")


def is_frame(obj: Any) -> bool:
    """Whether ``obj`` is a pandas DataFrame (without importing pandas)."""
    return type(obj).__name__ == "DataFrame" and hasattr(obj, "columns") and hasattr(obj, "itertuples")


def _columns(frame: Any, columns: Mapping[str, str] | None) -> dict[str, str]:
    """The frame's column for each field opsbrain reads (absent optional
    columns left out)."""
    names = dict(TICKET_COLUMNS)
    for key, name in (columns or {}).items():
        if key not in TICKET_COLUMNS:
            raise InvalidInputError(f"columns: unknown field {key!r}; expected one of {sorted(TICKET_COLUMNS)}")
        names[key] = name
    present = set(frame.columns)
    for key in _REQUIRED:
        if names[key] not in present:
            raise MissingKeyError(f"tickets: the frame has no {names[key]!r} column ({key})")
    return {key: name for key, name in names.items() if name in present}


def _missing(x: Any) -> bool:
    """None, NaN, NaT and ``pandas.NA`` (the missing value of the nullable
    and string dtypes, e.g. in frames from Dask, which stores text as
    pyarrow strings)."""
    if x is None or type(x).__name__ == "NAType":
        return True
    return bool(x != x)  # noqa: PLR0124 (NaN and NaT are unequal to themselves)


def ticket_records(tickets: Any, columns: Mapping[str, str] | None = None) -> tuple[list[Any], list[dict[str, Any]]]:
    """The ids and the KPI ticket records (each with its SLA event log) of
    a ticket frame."""
    cols = _columns(tickets, columns)
    frame = tickets[list(cols.values())]
    position = {key: i for i, key in enumerate(cols)}
    ids: list[Any] = []
    records: list[dict[str, Any]] = []
    for index, row in zip(tickets.index, frame.itertuples(index=False, name=None)):
        get = {key: row[i] for key, i in position.items()}
        created: dict[str, Any] = {
            "type": "created",
            "at": get["created_at"],
            "tier": get["tier"],
            "priority": get["priority"],
        }
        if not _missing(get.get("channel")):
            created["channel"] = get["channel"]
        events = [created]
        for key, kind in (("first_response_at", "first_response"), ("resolved_at", "resolved")):
            if not _missing(get.get(key)):
                events.append({"type": kind, "at": get[key]})
        record: dict[str, Any] = {"events": events}
        for key in _RECORD_FIELDS:
            if not _missing(get.get(key)):
                record[key] = get[key]
        ids.append(get["id"] if "id" in get else index)
        records.append(record)
    return ids, records


def _named(ids: list[Any], call: Callable[[], _T]) -> _T:
    """Runs ``call``; an error about ``tickets[i]`` also names ticket ``ids[i]``."""
    try:
        return call()
    except OpsbrainError as e:
        found = re.match(r"tickets\[(\d+)\]", str(e))
        if found is None or int(found.group(1)) >= len(ids):
            raise
        raise type(e)(f"ticket {ids[int(found.group(1))]!r} ({e})") from e


def _clock(row: dict[str, Any], status: dict[str, Any], metric: str) -> None:
    clock = status[metric]
    row[f"{metric}_state"] = clock["state"]
    row[f"{metric}_target_secs"] = clock["target_secs"]
    row[f"{metric}_elapsed_secs"] = clock["elapsed_secs"]
    row[f"{metric}_remaining_secs"] = clock["remaining_secs"]
    row[f"{metric}_used_ratio"] = clock["percent_used"] / 100.0
    row[f"{metric}_met_at"] = clock["met_at"]
    row[f"{metric}_breach_at"] = clock["breach_at"]


def sla_status_frame(policy: Any, tickets: Any, now: Any, columns: Mapping[str, str] | None = None) -> Any:
    """SLA status of every ticket of a frame: one row per ticket, indexed by
    its id, with ``tier``, ``priority``, ``channel`` and, per clock
    (``first_response``, ``resolution``), ``_state``, ``_target_secs``,
    ``_elapsed_secs``, ``_remaining_secs``, ``_used_ratio``, ``_met_at``
    and ``_breach_at``."""
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    ids, records = ticket_records(tickets, columns)
    logs = [r["events"] for r in records]
    statuses = _named(ids, lambda: _native.sla_status_batch(policy, logs, now))
    rows = []
    for status in statuses:
        row = {"tier": status["tier"], "priority": status["priority"], "channel": status["channel"]}
        _clock(row, status, "first_response")
        _clock(row, status, "resolution")
        rows.append(row)
    name = (columns or {}).get("id", TICKET_COLUMNS["id"])
    return pd.DataFrame(rows, index=pd.Index(ids, name=name))


def _group_row(group: dict[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {"tickets": group["tickets"]}
    for clock in ("first_response", "resolution", "resolution_critical", "resolution_normal"):
        for stat in ("mean", "p50", "p90", "p99"):
            row[f"{clock}_{stat}_secs"] = group[clock][stat]
    row["sla_first_response_ratio"] = group["sla"]["first_response"]
    row["sla_resolution_ratio"] = group["sla"]["resolution"]
    row["escalation_ratio"] = group["escalation_rate"]
    row["first_contact_resolution_ratio"] = group["first_contact_resolution"]
    row["csat_mean"] = group["csat"]["mean"]
    row["csat_responses"] = group["csat"]["responses"]
    row["automation_ratio"] = group["automation_rate"]
    row["self_service_success_ratio"] = group["self_service_success"]
    row["agent_productivity"] = group["agent_productivity"]
    return row


def support_kpis_frame(tickets: Any, now: Any, columns: Mapping[str, str] | None = None, **options: Any) -> Any:
    """Support KPIs of a ticket frame: one row per group (``group_by``), or
    one row ``"all"`` without it, indexed by the group key; times in
    seconds, rates as ratios. ``options`` are those of
    :func:`opsbrain.kpi.support_kpis`."""
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    ids, records = ticket_records(tickets, columns)
    report = _named(ids, lambda: _native.support_kpis(records, now, **options))
    groups = report["groups"] if options.get("group_by") else [report["overall"]]
    index = pd.Index([g["key"] for g in groups], name=options.get("group_by") or "group")
    return pd.DataFrame([_group_row(g) for g in groups], index=index)


def sla_status_batch(policy: Any, tickets: Any, now: Any, *, columns: Mapping[str, str] | None = None) -> Any:
    """``sla_status`` for many tickets, in parallel: a list of event logs
    gives a list of status dicts; a DataFrame of tickets (see
    :mod:`opsbrain.frames`) gives :func:`sla_status_frame`'s DataFrame."""
    if is_frame(tickets):
        return sla_status_frame(policy, tickets, now, columns)
    if columns is not None:
        raise InvalidInputError("columns applies only to a DataFrame of tickets")
    return _native.sla_status_batch(policy, tickets, now)


def support_kpis(tickets: Any, now: Any, *, columns: Mapping[str, str] | None = None, **options: Any) -> Any:
    """Support KPIs (see the native ``support_kpis`` for the options): ticket
    records give the report dict; a DataFrame of tickets (see
    :mod:`opsbrain.frames`) gives :func:`support_kpis_frame`'s DataFrame."""
    if is_frame(tickets):
        return support_kpis_frame(tickets, now, columns, **options)
    if columns is not None:
        raise InvalidInputError("columns applies only to a DataFrame of tickets")
    return _native.support_kpis(tickets, now, **options)
