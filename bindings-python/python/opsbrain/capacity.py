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

from datetime import datetime, timedelta
from typing import Any

import numpy as np

from opsbrain import _native
from opsbrain._native import hpa_desired_replicas, replica_recommendation
from opsbrain.errors import InvalidInputError, InvalidTypeError

__all__ = [
    "forecast",
    "forecast_frame",
    "hpa_desired_replicas",
    "maintenance_windows",
    "replica_recommendation",
]


def _step(step: Any) -> Any:
    """``step`` as a ``timedelta``: pandas offsets and strings such as
    ``"30min"`` through ``pandas.Timedelta`` (pandas is loaded only then)."""
    if step is None or isinstance(step, (timedelta, np.timedelta64)):
        return step
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    try:
        return pd.Timedelta(pd.tseries.frequencies.to_offset(step)).to_pytimedelta()
    except (TypeError, ValueError) as e:
        raise InvalidTypeError(f"step must be a timedelta, a pandas offset or a string such as '30min': {e}") from e


def _series(values: Any, start: Any, step: Any) -> tuple[Any, Any, Any]:
    """Values with their ``start`` and ``step``; a pandas Series with a
    ``DatetimeIndex`` gives both: missing timestamps become NaN (so the gap
    rules apply), an index off the step is an error naming the first
    irregular step."""
    step = _step(step)
    index: Any = getattr(values, "index", None)
    if type(index).__name__ != "DatetimeIndex":
        return values, start, step
    if index.tz is None:
        raise InvalidInputError(
            "the series' DatetimeIndex is naive: localize it first, e.g. "
            "series.tz_localize('UTC') (or the zone the timestamps were recorded in)"
        )
    if len(index) < 2 and step is None:
        raise InvalidInputError("a series of fewer than 2 points needs an explicit step")
    if not index.is_monotonic_increasing or index.has_duplicates:
        raise InvalidInputError("the series' DatetimeIndex must be strictly increasing")
    first = index[0].to_pydatetime()
    if start is not None and start != first:
        raise InvalidInputError(f"start {start} differs from the series' first timestamp {first}: give one of them")
    gaps = index[1:] - index[:-1]
    if step is None:  # the most common spacing
        step = gaps.value_counts().idxmax().to_pytimedelta()
    unit = np.timedelta64(step)
    for i, gap in enumerate(gaps):
        if gap.to_timedelta64() % unit:
            raise InvalidInputError(
                f"the series' index is irregular: {index[i]} to {index[i + 1]} is not a multiple of the step {step}"
            )
    full = index[0] + np.arange((index[-1] - index[0]) // step + 1) * step
    return values.reindex(full).to_numpy(dtype=np.float64), first, step


def forecast(values: Any, *, start: datetime | None = None, step: Any = None, **options: Any) -> dict[str, Any]:
    """Forecasts a metric history with prediction intervals (see the module
    docs; options are ``horizon``, ``method``, ``level``, ``max_gap``,
    ``thresholds``, ``scaling``).

    ``values`` is an array observed every ``step`` from the aware datetime
    ``start``, or a pandas Series with a timezone-aware ``DatetimeIndex``
    (start and step inferred, missing timestamps filled with NaN). ``step``
    may also be a pandas offset or a string such as ``"30min"``.
    :func:`forecast_frame` turns the result into a DataFrame.
    """
    values, start, step = _series(values, start, step)
    return _native.forecast(values, start=start, step=step, **options)


def maintenance_windows(values: Any, *, start: datetime | None = None, step: Any = None, **options: Any) -> dict[str, Any]:
    """The quietest recurring windows of a load history (options
    ``length``, ``count``, ``regimes``, ``seed``, ``max_gap``,
    ``utc_offset``); ``values`` as for :func:`forecast`."""
    values, start, step = _series(values, start, step)
    return _native.maintenance_windows(values, start=start, step=step, **options)


def forecast_frame(result: dict[str, Any]) -> Any:
    """A :func:`forecast` result as a pandas DataFrame indexed by time:
    ``mean``, ``lower``, ``upper`` and, per threshold, ``above_<threshold>``
    (the mean above it).

    >>> import numpy as np
    >>> from datetime import datetime, timedelta, timezone
    >>> f = forecast(np.full(14 * 24, 0.5), start=datetime(2026, 1, 5, tzinfo=timezone.utc),
    ...              step=timedelta(hours=1), horizon=timedelta(hours=3), thresholds=[0.4])
    >>> df = forecast_frame(f)
    >>> list(df.columns), len(df), str(df.index[0])
    (['mean', 'lower', 'upper', 'above_0.4'], 3, '2026-01-19 00:00:00+00:00')
    """
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    index = pd.date_range(start=result["start"], periods=len(result["mean"]), freq=pd.Timedelta(seconds=result["step_secs"]))
    frame = pd.DataFrame({"mean": result["mean"], "lower": result["lower"], "upper": result["upper"]}, index=index)
    for crossing in result.get("crossings", []):
        frame[f"above_{crossing['threshold']}"] = frame["mean"] > crossing["threshold"]
    return frame
