"""Capacity planning: threshold scaling decisions with hysteresis, the
Kubernetes Horizontal Pod Autoscaler's replica calculation as a pure
function, forecasts with prediction intervals (peak, threshold crossings, a
proactive replica schedule) and maintenance windows.

Requests and results are plain dicts; instants are aware ``datetime``
objects. Series are numpy arrays (float64 is borrowed without a copy; other
dtypes and lists are converted), observed every ``step`` from the aware
datetime ``start``. NaN marks a missing point: runs up to ``max_gap``
(default 3 hours) are filled, longer ones are an error.

>>> from opsbrain import capacity
>>> rec = capacity.replica_recommendation(
...     {"current_replicas": 4, "max_replicas": 10, "metrics": {"cpu": [0.55, 0.72, 0.68]}}
... )
>>> rec["action"], rec["desired_replicas"]
('scale_up', 6)
>>> import numpy as np
>>> from datetime import datetime, timedelta, timezone
>>> hours = np.arange(21 * 24)
>>> cpu = 0.4 + 0.2 * np.sin(2 * np.pi * (hours % 24) / 24)
>>> start = datetime(2026, 1, 5, tzinfo=timezone.utc)
>>> f = capacity.forecast(cpu, start=start, step=timedelta(hours=1), thresholds=[0.7])
>>> len(f["mean"]), round(f["peak"]["mean"], 3), f["crossings"][0]["at"]
(168, 0.6, None)
"""

from __future__ import annotations

from opsbrain._native import (
    forecast,
    hpa_desired_replicas,
    maintenance_windows,
    replica_recommendation,
)

__all__ = [
    "forecast",
    "hpa_desired_replicas",
    "maintenance_windows",
    "replica_recommendation",
]
