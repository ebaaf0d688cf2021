"""KPIs and SLOs: support quality, uptime and error budgets with
multi-window burn-rate alerts, latency SLOs and Apdex, and user-journey
funnels, computed by the Rust core (``opsbrain::kpi``).

Ticket records, rules and events are dicts in the serde form; count series
and latencies are float64 arrays (numpy arrays are borrowed without a copy,
lists work too); durations are ``timedelta``; results are dicts whose
instants are aware UTC datetimes.

>>> from datetime import datetime, timedelta, timezone
>>> import numpy as np
>>> from opsbrain import kpi
>>> start = datetime(2026, 11, 1, tzinfo=timezone.utc)
>>> b = kpi.error_budget(np.full(30, 1e6), np.full(30, 1e6), start=start,
...     step=timedelta(days=1), objective=0.999, window=timedelta(days=30))
>>> round(b["budget_secs"] / 60, 1)
43.2
>>> good = np.full(240, 1000.0); good[60:70] = 900.0   # 10 minutes at 100x
>>> r = kpi.burn_rate_alerts(good, np.full(240, 1000.0), start=start,
...     step=timedelta(minutes=1), objective=0.999)
>>> [(a["rule"], a["fired_at"].strftime("%H:%M"), a["clears_at"].strftime("%H:%M")) for a in r["alerts"]]
[('ticket_3d', '01:01', '07:07'), ('page_6h', '01:04', '01:39'), ('page_1h', '01:09', '01:15')]
"""

from __future__ import annotations

from opsbrain.frames import support_kpis
from opsbrain._native import (
    apdex,
    burn_rate_alerts,
    default_targets,
    error_budget,
    finish_support_partials,
    framework_journeys,
    journey_funnels,
    latency_slo,
    merge_support_partials,
    support_kpis_partial,
    volume_trend,
    workbook_rules,
)

__all__ = [
    "apdex",
    "burn_rate_alerts",
    "default_targets",
    "error_budget",
    "finish_support_partials",
    "framework_journeys",
    "journey_funnels",
    "latency_slo",
    "merge_support_partials",
    "support_kpis",
    "support_kpis_partial",
    "volume_trend",
    "workbook_rules",
]
