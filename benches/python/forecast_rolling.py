"""Rolling-origin evaluation of 7-day hourly forecasts on the NAB series:
opsbrain's methods beside seasonal naive, statsforecast's AutoETS and MSTL
and statsmodels' damped exponential smoothing.

    python benches/python/forecast_rolling.py ../shared/data/nab
    python benches/python/forecast_rolling.py ../shared/data/nab --baselines-venv target/venv-baselines
    python benches/python/forecast_rolling.py --smoke          # generated series, CI

Protocol
- Every CSV under ``data/`` is averaged per hour (UTC); hours without data
  are NaN. A series takes part when it allows at least four weekly origins
  with two weeks of history before the first one (six weeks in all).
- Origins are the last ``--origins`` (default 8) week boundaries counted
  back from the end of the series: at origin ``o`` every method sees the
  hours before ``o`` (NaN filled by linear interpolation, the same filled
  history for every method) and forecasts the next 168 hours.
- MASE divides the forecast's mean absolute error by the in-sample mean
  absolute error of the weekly seasonal naive forecast (lag 168) of the
  history before that origin. sMAPE is ``200 |y - f| / (|y| + |f|)`` in
  percent. Coverage is the share of held-out hours inside the 95% interval
  (methods without intervals show ``-``). Held-out NaN hours are skipped.
- Scores are averaged over a series' origins, then over series (each
  series counts once). "fit s" is the median wall time of one fit plus
  forecast.
- Bounded metrics (CPU utilisation in percent) are forecast with bounds
  0 and 100 when the installed opsbrain accepts ``lower``/``upper``; the
  table counts forecasts leaving [0, 100] for them.

statsforecast and statsmodels may not install beside the test venv's
pandas; ``--baselines-venv DIR`` creates DIR once (``python -m venv``, then
``pip install statsforecast==2.1.1 statsmodels==0.15.0``) and runs the
third-party forecasters there, in a subprocess fed JSON. Without it they
run in this interpreter if they import, and are skipped otherwise.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import statistics
import subprocess
import sys
import time
import warnings
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

from opsbrain import capacity

HOUR = 3600
DAY = 24
WEEK = 168
OURS = [
    "auto",
    "seasonal_naive_weekly",
    "holt_winters_daily",
    "holt_winters_weekly",
    "holt_winters_damped_daily",
    "holt_winters_damped_weekly",
    "mstl",
]
BOUNDED = ("cpu_utilization",)
PINS = ["statsforecast==2.1.1", "statsmodels==0.15.0"]

# Runs in the baselines interpreter: reads jobs as JSON on stdin, writes
# {name: [mean, lower, upper, secs]} per job as JSON on stdout.
WORKER = r"""
import json, sys, time, warnings
import numpy as np
import pandas as pd
jobs = json.load(sys.stdin)
out = []
def timed(fn):
    t = time.perf_counter(); r = fn(); return r, time.perf_counter() - t
def sf(model, y, h):
    from statsforecast import StatsForecast
    df = pd.DataFrame({"unique_id": 0, "ds": np.arange(len(y)), "y": y})
    r = StatsForecast(models=[model], freq=1).forecast(df=df, h=h, level=[95])
    cols = list(r.columns)
    mean = [c for c in cols if c not in ("unique_id", "ds") and "-lo-" not in c and "-hi-" not in c][0]
    lo = [c for c in cols if c.endswith("-lo-95")][0]
    hi = [c for c in cols if c.endswith("-hi-95")][0]
    return [r[mean].tolist(), r[lo].tolist(), r[hi].tolist()]
def damped(y, h):
    from statsmodels.tsa.holtwinters import ExponentialSmoothing
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = ExponentialSmoothing(y, trend="add", damped_trend=True, seasonal="add", seasonal_periods=24).fit()
    return [fit.forecast(h).tolist(), None, None]
from statsforecast.models import AutoETS, MSTL
# warm-up (first calls compile or load)
_w = np.sin(np.arange(400) * 2 * np.pi / 24) + 5
sf(AutoETS(season_length=24), _w, 4); sf(MSTL(season_length=[24, 168]), np.tile(_w, 2), 4)
for job in jobs:
    y = np.asarray(job["y"], dtype=float); h = job["h"]
    res = {}
    for name, fn in (
        ("statsforecast AutoETS(24)", lambda: sf(AutoETS(season_length=24), y, h)),
        ("statsforecast MSTL(24,168)", lambda: sf(MSTL(season_length=[24, 168]), y, h)),
        ("statsmodels damped ES(24)", lambda: damped(y, h)),
    ):
        try:
            r, secs = timed(fn)
            res[name] = r + [secs]
        except Exception as e:
            res[name] = {"error": f"{type(e).__name__}: {e}"}
    out.append(res)
json.dump(out, sys.stdout)
"""


def load_hourly(path: Path) -> tuple[datetime, np.ndarray]:
    import csv

    rows = list(csv.reader(path.open()))[1:]
    ts = np.array(
        [datetime.strptime(r[0], "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc).timestamp() for r in rows]
    )
    vals = np.array([float(r[1]) for r in rows])
    t0 = int(ts.min()) // HOUR * HOUR
    idx = ((ts - t0) // HOUR).astype(np.int64)
    n = int(idx.max()) + 1
    sums = np.bincount(idx, weights=vals, minlength=n)
    counts = np.bincount(idx, minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    return datetime.fromtimestamp(t0, tz=timezone.utc), out


def interpolate(x: np.ndarray) -> np.ndarray:
    x = x.copy()
    bad = np.isnan(x)
    if bad.any():
        x[bad] = np.interp(np.flatnonzero(bad), np.flatnonzero(~bad), x[~bad])
    return x


def scores(y: np.ndarray, f: np.ndarray, lo, hi, train: np.ndarray) -> tuple[float, float, float]:
    ok = ~np.isnan(y)
    y, f = y[ok], np.asarray(f, dtype=float)[ok]
    scale = np.nanmean(np.abs(train[WEEK:] - train[:-WEEK]))
    mase = float(np.mean(np.abs(y - f)) / scale)
    d = np.abs(y) + np.abs(f)
    smape = float(np.mean(np.where(d > 0, 200 * np.abs(y - f) / np.where(d > 0, d, 1), 0.0)))
    cover = float("nan")
    if lo is not None and hi is not None:
        lo, hi = np.asarray(lo, dtype=float)[ok], np.asarray(hi, dtype=float)[ok]
        cover = float(np.mean((y >= lo) & (y <= hi)))
    return mase, smape, cover


def bounds_supported() -> bool:
    y = 50 + 10 * np.sin(np.arange(4 * DAY) * 2 * np.pi / DAY)
    try:
        capacity.forecast(y, start=datetime(2026, 1, 5, tzinfo=timezone.utc), step=timedelta(hours=1),
                          horizon=timedelta(hours=2), lower=0.0, upper=100.0)  # type: ignore[call-arg]
        return True
    except TypeError:
        return False


def ours(method: str, train: np.ndarray, start: datetime, bounded: bool, with_bounds: bool):
    kw = {"lower": 0.0, "upper": 100.0} if (bounded and with_bounds) else {}
    t = time.perf_counter()
    r = capacity.forecast(train, start=start, step=timedelta(hours=1), horizon=timedelta(hours=WEEK),
                          method=method, **kw)  # type: ignore[arg-type]
    secs = time.perf_counter() - t
    return np.asarray(r["mean"]), np.asarray(r["lower"]), np.asarray(r["upper"]), secs, r


def baseline_python(venv: str | None) -> str | None:
    if venv is None:
        try:
            import statsforecast  # noqa: F401
            import statsmodels  # noqa: F401

            return sys.executable
        except ImportError:
            return None
    d = Path(venv)
    py = d / "bin" / "python"
    if not py.exists():
        subprocess.run([sys.executable, "-m", "venv", str(d)], check=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", *PINS], check=True)
    return str(py)


def run_baselines(py: str | None, jobs: list[dict]) -> list[dict]:
    if py is None or not jobs:
        return [{} for _ in jobs]
    p = subprocess.run([py, "-c", WORKER], input=json.dumps(jobs), capture_output=True, text=True)
    if p.returncode != 0:
        print(f"note: baselines failed: {p.stderr.strip()[-400:]}")
        return [{} for _ in jobs]
    return json.loads(p.stdout)


def evaluate(series: dict[str, tuple[datetime, np.ndarray]], n_origins: int, py: str | None) -> None:
    with_bounds = bounds_supported()
    if not with_bounds:
        print("note: this opsbrain has no lower/upper bounds; bounded series are forecast unbounded")
    per: dict[str, dict[str, list[tuple[float, float, float, float]]]] = {}
    out_of_bounds: dict[str, int] = {}
    chosen: dict[str, int] = {}
    jobs, keys = [], []
    for name, (start, raw) in series.items():
        n = len(raw)
        k = min(n_origins, (n - 2 * WEEK) // WEEK)
        bounded = any(b in name for b in BOUNDED)
        for i in range(k, 0, -1):
            o = n - i * WEEK
            train = interpolate(raw[:o])
            test = raw[o : o + WEEK]
            nb = per.setdefault(name, {})
            f = np.array([train[o - WEEK + j % WEEK] for j in range(WEEK)])
            nb.setdefault("seasonal naive weekly", []).append((*scores(test, f, None, None, train), 0.0))
            f = np.array([train[o - DAY + j % DAY] for j in range(WEEK)])
            nb.setdefault("seasonal naive daily", []).append((*scores(test, f, None, None, train), 0.0))
            for m in OURS:
                try:
                    mean, lo, hi, secs, r = ours(m, train, start, bounded, with_bounds)
                except Exception as e:  # history too short for a method
                    print(f"note: {name} origin -{i}w {m}: {e}")
                    continue
                nb.setdefault(f"opsbrain {m}", []).append((*scores(test, mean, lo, hi, train), secs))
                if m == "auto":
                    chosen[r["method"]] = chosen.get(r["method"], 0) + 1
                if bounded and (np.min(lo) < 0 or np.max(hi) > 100 or np.min(mean) < 0 or np.max(mean) > 100):
                    out_of_bounds[f"opsbrain {m}"] = out_of_bounds.get(f"opsbrain {m}", 0) + 1
            jobs.append({"y": train.tolist(), "h": WEEK})
            keys.append((name, test, train, bounded))
    for (name, test, train, bounded), res in zip(keys, run_baselines(py, jobs)):
        for label, r in res.items():
            if isinstance(r, dict):
                print(f"note: {name} {label}: {r['error']}")
                continue
            mean, lo, hi, secs = r
            per[name].setdefault(label, []).append((*scores(test, np.asarray(mean), lo, hi, train), secs))
            if bounded and (min(mean) < 0 or max(mean) > 100 or (lo is not None and (min(lo) < 0 or max(hi) > 100))):
                out_of_bounds[label] = out_of_bounds.get(label, 0) + 1
    print("\n## Per series (mean MASE over origins)\n")
    labels = sorted({lab for nb in per.values() for lab in nb})
    print("| series | origins | " + " | ".join(labels) + " |")
    print("|---|---:|" + "---:|" * len(labels))
    for name, nb in per.items():
        k = len(nb["seasonal naive weekly"])
        cells = [f"{statistics.mean(r[0] for r in nb[lab]):.3f}" if lab in nb else "-" for lab in labels]
        print(f"| {name} | {k} | " + " | ".join(cells) + " |")
    print("\n## Averaged over series (each series' origins averaged first)\n")
    print("| method | MASE | sMAPE % | 95% coverage | fit s (median) | origins | bounded out of [0,100] |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    rows = []
    for lab in labels:
        have = [nb[lab] for nb in per.values() if lab in nb]
        if len(have) < len(per):
            note = f" (on {len(have)} of {len(per)} series)"
        else:
            note = ""
        mase = statistics.mean(statistics.mean(r[0] for r in rs) for rs in have)
        smape = statistics.mean(statistics.mean(r[1] for r in rs) for rs in have)
        covs = [statistics.mean(r[2] for r in rs) for rs in have if not math.isnan(rs[0][2])]
        cover = f"{100 * statistics.mean(covs):.1f}%" if covs else "-"
        secs = statistics.median(r[3] for rs in have for r in rs)
        rows.append((mase, f"| {lab}{note} | {mase:.3f} | {smape:.2f} | {cover} | {secs:.4f} | "
                           f"{sum(len(rs) for rs in have)} | {out_of_bounds.get(lab, 0)} |"))
    for _, line in sorted(rows):
        print(line)
    print(f"\nauto chose: {chosen}")


def smoke() -> None:
    hours = np.arange(8 * WEEK)
    rng = np.random.default_rng(7)
    y = 100 + 40 * np.sin(2 * np.pi * hours / DAY) + 30 * ((hours // DAY) % 7 < 5) + rng.normal(0, 3, len(hours))
    y[50:52] = np.nan
    start = datetime(2026, 1, 5, tzinfo=timezone.utc)
    evaluate({"generated": (start, y)}, 4, None)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", nargs="?", help="the NAB folder (with data/)")
    ap.add_argument("--smoke", action="store_true", help="one generated series; no data, no baselines")
    ap.add_argument("--origins", type=int, default=8, help="weekly origins per series at most (default 8)")
    ap.add_argument("--baselines-venv", help="a venv for statsforecast/statsmodels, created if missing")
    args = ap.parse_args()
    print(f"# forecast_rolling on {platform.machine()} / Python {platform.python_version()}")
    if args.smoke:
        smoke()
        return
    if not args.data:
        ap.error("give the NAB folder or --smoke")
    series = {}
    for path in sorted(Path(args.data, "data").glob("*/*.csv")):
        start, y = load_hourly(path)
        if len(y) >= 6 * WEEK:
            series[f"{path.parent.name}/{path.stem}"] = (start, y)
    print(f"series with at least six weeks of hourly history: {len(series)}")
    evaluate(series, args.origins, baseline_python(args.baselines_venv))


if __name__ == "__main__":
    warnings.simplefilter("ignore")
    main()
