"""Business time over a column: opsbrain's BusinessCalendar.add_many and
elapsed_many against a loop of single calls and against workclock's
add_many / between_many (a peer on PyPI), on the same New York 9-to-5
weekday schedule. One run, medians of `--repeat` timings.

    python benches/python/compare_calendar.py [--rows 1000000] [--repeat 3] [--smoke]
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import time as clock
from datetime import timedelta, timezone

import numpy as np

import opsbrain


def median_secs(f, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--smoke", action="store_true", help="a few rows, once (CI)")
    args = ap.parse_args()
    rows, repeat = (2_000, 1) if args.smoke else (args.rows, args.repeat)

    cal = opsbrain.BusinessCalendar.nine_to_five("America/New_York")
    starts = np.datetime64("2026-01-05T00:00", "us") + (np.arange(rows) * 7).astype("timedelta64[m]")
    amount = np.timedelta64(8, "h")
    ends = starts + np.timedelta64(3, "D")

    ours = median_secs(lambda: cal.add_many(starts, amount), repeat)
    ours_between = median_secs(lambda: cal.elapsed_many(starts, ends), repeat)
    sample = min(rows, 20_000)
    aware = [d.replace(tzinfo=timezone.utc) for d in starts[:sample].tolist()]
    loop = median_secs(lambda: [cal.add(d, timedelta(hours=8)) for d in aware], 1) * rows / sample
    print(f"rows {rows}")
    print(f"opsbrain add_many       {ours:8.3f} s")
    print(f"opsbrain add (loop)     {loop:8.3f} s  (from {sample} rows)  add_many is {loop / ours:.1f}x faster")
    print(f"opsbrain elapsed_many   {ours_between:8.3f} s")
    try:
        import workclock
    except ImportError:
        print("workclock not installed: pip install workclock to compare")
        return
    sched = workclock.Schedule([workclock.WorkDay(clock(9), clock(17))], time_zone="America/New_York")
    theirs = median_secs(lambda: sched.add_many(starts, amount), repeat)
    theirs_between = median_secs(lambda: sched.between_many(starts, ends), repeat)
    same = (sched.add_many(starts[:1000], amount) == cal.add_many(starts[:1000], amount)).all()
    print(f"workclock add_many      {theirs:8.3f} s  opsbrain/workclock time ratio {ours / theirs:.2f}  same results on 1000 rows: {same}")
    print(f"workclock between_many  {theirs_between:8.3f} s  opsbrain/workclock time ratio {ours_between / theirs_between:.2f}")


if __name__ == "__main__":
    main()
