"""Capacity planning: forecasts with prediction intervals (peak, threshold
crossings, a proactive replica schedule) and maintenance windows.

Series are numpy arrays (float64 is borrowed without a copy; other dtypes
and lists are converted), observed every ``step`` from the aware datetime
``start``. NaN marks a missing point: runs up to ``max_gap`` (default 3
hours) are filled, longer ones are an error.

>>> import numpy as np
>>> from datetime import datetime, timedelta, timezone
>>> from opsbrain import capacity
>>> hours = np.arange(21 * 24)
>>> cpu = 0.4 + 0.2 * np.sin(2 * np.pi * (hours % 24) / 24)
>>> start = datetime(2026, 1, 5, tzinfo=timezone.utc)
>>> f = capacity.forecast(cpu, start=start, step=timedelta(hours=1), thresholds=[0.7])
>>> len(f["mean"]), round(f["peak"]["mean"], 3), f["crossings"][0]["at"]
(168, 0.6, None)
"""

from __future__ import annotations

from opsbrain._native import forecast, maintenance_windows

__all__ = [
    "forecast",
    "maintenance_windows",
]
