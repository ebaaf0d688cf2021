"""7-day forecasts on real operational series: opsbrain's methods beside
statsmodels' ExponentialSmoothing, statsforecast's AutoETS / MSTL (when
installed) and seasonal naive baselines, with fit times.

    python benches/python/compare_capacity.py ../shared/data/nab
    python benches/python/compare_capacity.py --smoke    # generated series, CI

Data: the Numenta Anomaly Benchmark copy described in its README (CSV
``timestamp,value``; anomaly windows in ``labels/combined_windows.json``).

- NYC taxi passengers (30-minute counts summed to hourly). Two holdouts:
  the last 7 days (they contain the labelled blizzard of 26-27 Jan 2015),
  and a clean week, Monday 8 to Sunday 14 Dec 2014 (no labelled anomaly
  window and no public holiday; history up to Sunday 7 Dec).
- AWS CloudWatch CPU (5-minute, 14 days each): the last 7 days are held
  out, so only daily methods can be fitted on the 7 remaining days.

MASE divides the holdout MAE by the in-sample MAE of the weekly seasonal
naive forecast (lag 168 hours) for the taxi series, and of the daily one
(lag 288 five-minute steps) for the CPU series, which have only one week of
history. sMAPE is 200 |y - f| / (|y| + |f|) averaged, in percent. Fit
times are medians over repeated fits (fit + 7-day forecast); statsforecast
is timed after a warm-up fit that triggers its numba compilation.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
import warnings
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Optional

import numpy as np

from opsbrain import capacity

OPSBRAIN = [
    "auto",
    "seasonal_naive_daily",
    "seasonal_naive_weekly",
    "holt_winters_daily",
    "holt_winters_weekly",
    "mstl",
]


def load_csv(path: Path, step_secs: int, aggregate: str) -> tuple[datetime, np.ndarray]:
    """A regular series from a NAB CSV: values summed ("sum") or averaged
    ("mean") per step; steps without data are NaN."""
    import csv

    rows = list(csv.reader(path.open()))[1:]
    ts = np.array(
        [datetime.strptime(r[0], "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc).timestamp() for r in rows]
    )
    vals = np.array([float(r[1]) for r in rows])
    t0 = int(ts[0]) // step_secs * step_secs
    idx = ((ts - t0) // step_secs).astype(np.int64)
    n = int(idx.max()) + 1
    sums = np.bincount(idx, weights=vals, minlength=n)
    counts = np.bincount(idx, minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = sums if aggregate == "sum" else sums / counts
    out = np.where(counts > 0, out, np.nan)
    return datetime.fromtimestamp(t0, tz=timezone.utc), out


def mase(y: np.ndarray, f: np.ndarray, train: np.ndarray, m: int) -> float:
    scale = np.nanmean(np.abs(train[m:] - train[:-m]))
    return float(np.mean(np.abs(y - f)) / scale)


def smape(y: np.ndarray, f: np.ndarray) -> float:
    d = np.abs(y) + np.abs(f)
    return float(np.mean(np.where(d > 0, 200 * np.abs(y - f) / np.where(d > 0, d, 1), 0.0)))


def timed(fn: Callable[[], np.ndarray], repeat: int) -> tuple[np.ndarray, float]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    assert out is not None
    return out, statistics.median(times)


def interpolate(x: np.ndarray) -> np.ndarray:
    """Linear interpolation of NaN for the comparators (opsbrain fills its own)."""
    x = x.copy()
    bad = np.isnan(x)
    if bad.any():
        x[bad] = np.interp(np.flatnonzero(bad), np.flatnonzero(~bad), x[~bad])
    return x


def comparators(smoke: bool) -> tuple[dict[str, Callable[[np.ndarray, int, int, int], np.ndarray]], list[str]]:
    """Third-party forecasters that import here, and notes on the others."""
    found: dict[str, Callable[[np.ndarray, int, int, int], np.ndarray]] = {}
    notes = []
    try:
        from statsmodels.tsa.holtwinters import ExponentialSmoothing

        def es(period_steps: str) -> Callable[[np.ndarray, int, int, int], np.ndarray]:
            def run(train: np.ndarray, h: int, day: int, week: int) -> np.ndarray:
                m = day if period_steps == "day" else week
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    fit = ExponentialSmoothing(train, trend="add", seasonal="add", seasonal_periods=m).fit()
                return np.asarray(fit.forecast(h))

            return run

        found["statsmodels ES(A,A) day"] = es("day")
        found["statsmodels ES(A,A) week"] = es("week")
    except ImportError:
        notes.append("statsmodels is not installed: its ExponentialSmoothing is skipped")
    if smoke:
        notes.append("statsforecast is skipped in --smoke (numba compilation takes minutes)")
        return found, notes
    try:
        import pandas as pd
        from statsforecast import StatsForecast
        from statsforecast.models import MSTL, AutoETS

        def sf(model_of: Callable[[int, int], object]) -> Callable[[np.ndarray, int, int, int], np.ndarray]:
            def run(train: np.ndarray, h: int, day: int, week: int) -> np.ndarray:
                df = pd.DataFrame({"unique_id": 0, "ds": np.arange(len(train)), "y": train})
                model = model_of(day, week)
                out = StatsForecast(models=[model], freq=1).forecast(df=df, h=h)
                return np.asarray(out.iloc[:, -1], dtype=float)

            return run

        found["statsforecast AutoETS day"] = sf(lambda d, w: AutoETS(season_length=d))
        found["statsforecast MSTL day+week"] = sf(lambda d, w: MSTL(season_length=[d, w]))
    except ImportError:
        notes.append("statsforecast is not installed: AutoETS / MSTL are skipped")
    return found, notes


def evaluate(
    name: str,
    start: datetime,
    step: timedelta,
    train: np.ndarray,
    test: np.ndarray,
    scale_lag: int,
    others: dict[str, Callable[[np.ndarray, int, int, int], np.ndarray]],
    repeat: int,
) -> list[tuple[str, float, float, float, str]]:
    day = int(86400 // step.total_seconds())
    week = 7 * day
    h = len(test)
    rows: list[tuple[str, float, float, float, str]] = []
    for method in OPSBRAIN:
        try:
            res, secs = timed(
                lambda: capacity.forecast(
                    train, start=start, step=step, horizon=step * h, method=method  # type: ignore[arg-type]
                ),
                repeat,
            )
        except Exception as e:  # a method the history is too short for
            rows.append((f"opsbrain {method}", float("nan"), float("nan"), float("nan"), f"skipped: {e}"))
            continue
        f = np.asarray(res["mean"])  # type: ignore[index,call-overload]
        note = f"chose {res['method']}" if method == "auto" else ""  # type: ignore[index,call-overload]
        rows.append((f"opsbrain {method}", mase(test, f, train, scale_lag), smape(test, f), secs, note))
    filled = interpolate(train)
    for label, m in (("baseline naive day", day), ("baseline naive week", week)):
        if len(filled) >= m:
            f = np.array([filled[len(filled) - m + i % m] for i in range(h)])
            rows.append((label, mase(test, f, train, scale_lag), smape(test, f), 0.0, ""))
    for label, fn in others.items():
        if ("week" in label and len(filled) < 2 * week) or len(filled) < 2 * day:
            rows.append((label, float("nan"), float("nan"), float("nan"), "skipped: history shorter than 2 seasons"))
            continue
        try:
            fn(filled[: 2 * week if len(filled) >= 2 * week else 2 * day], 4, day, week)  # warm-up
            f, secs = timed(lambda: fn(filled, h, day, week), max(1, repeat // 2))
            rows.append((label, mase(test, f, train, scale_lag), smape(test, f), secs, ""))
        except Exception as e:  # a comparator failing is reported, not fatal
            rows.append((label, float("nan"), float("nan"), float("nan"), f"failed: {type(e).__name__}: {e}"))
    print(f"\n## {name}: {len(train)} points of history, {h} held out\n")
    print("| method | MASE | sMAPE % | fit s | note |\n|---|---:|---:|---:|---|")
    for label, a, b, secs, note in rows:
        print(f"| {label} | {a:.3f} | {b:.2f} | {secs:.4f} | {note} |")
    return rows


def smoke() -> None:
    hours = np.arange(4 * 168)
    rng = np.random.default_rng(7)
    y = 100 + 40 * np.sin(2 * np.pi * hours / 24) + 30 * ((hours // 24) % 7 < 5) + rng.normal(0, 3, len(hours))
    y[50:52] = np.nan
    start = datetime(2026, 1, 5, tzinfo=timezone.utc)
    others, notes = comparators(smoke=True)
    for n in notes:
        print(f"note: {n}")
    rows = evaluate("generated (smoke)", start, timedelta(hours=1), y[:-168], y[-168:], 168, others, 1)
    auto = next(r for r in rows if r[0] == "opsbrain auto")
    assert auto[1] == auto[1] and auto[1] < 1.0, auto
    w = capacity.maintenance_windows(y, start=start, step=timedelta(hours=1), length=timedelta(hours=2))
    print(f"\nquietest window: {w['windows'][0]['weekday']} +{w['windows'][0]['start_secs']} s, "
          f"{len(w['regimes'])} regimes")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", nargs="?", help="the NAB folder (with data/ and labels/)")
    ap.add_argument("--smoke", action="store_true", help="tiny generated series; no data needed")
    ap.add_argument("--repeat", type=int, default=5, help="timed fits per method (median reported)")
    args = ap.parse_args()
    print(f"# compare_capacity on {platform.machine()} / Python {platform.python_version()}")
    if args.smoke:
        smoke()
        return
    if not args.data:
        ap.error("give the NAB folder or --smoke")
    root = Path(args.data)
    windows = json.loads((root / "labels" / "combined_windows.json").read_text())
    others, notes = comparators(smoke=False)
    for n in notes:
        print(f"note: {n}")
    hour = timedelta(hours=1)
    start, taxi = load_csv(root / "data" / "realKnownCause" / "nyc_taxi.csv", 3600, "sum")
    print(f"\nnyc_taxi anomaly windows: {windows['realKnownCause/nyc_taxi.csv']}")
    evaluate("NYC taxi, last 7 days", start, hour, taxi[:-168], taxi[-168:], 168, others, args.repeat)
    clean = int((datetime(2014, 12, 8, tzinfo=timezone.utc) - start).total_seconds() // 3600)
    evaluate(
        "NYC taxi, clean week 2014-12-08..14",
        start, hour, taxi[:clean], taxi[clean : clean + 168], 168, others, args.repeat,
    )
    five = timedelta(minutes=5)
    for f in ["ec2_cpu_utilization_c6585a", "ec2_cpu_utilization_fe7f93", "rds_cpu_utilization_e47b3b"]:
        start, cpu = load_csv(root / "data" / "realAWSCloudwatch" / f"{f}.csv", 300, "mean")
        evaluate(f"AWS {f}, last 7 days", start, five, cpu[:-2016], cpu[-2016:], 288, others, args.repeat)


if __name__ == "__main__":
    main()
