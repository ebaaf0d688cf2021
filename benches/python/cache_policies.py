"""Every simulated cache policy on real access traces, at two capacities
(1% and 10% of each trace's distinct keys): the hit ratio of LRU, FIFO, LFU,
W-TinyLFU, adaptive W-TinyLFU, S3-FIFO, SIEVE and Belady's bound, and the
checks of issue 19 (adaptive W-TinyLFU within 1 point of the better of LRU
and W-TinyLFU, or above both; Belady at or above every policy).

    python benches/python/cache_policies.py ../shared/data/cache-traces [--traces lirs/loop,arc/OLTP]
    python benches/python/cache_policies.py --smoke      # generated traces, CI

The data folder is the one compare_cache.py reads (its README gives the
formats); traces are read with compare_cache.load_trace.
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

import numpy as np

from compare_cache import load_trace
from opsbrain import cache

POLICIES = ["lru", "fifo", "lfu", "w_tiny_lfu", "w_tiny_lfu_adaptive", "s3_fifo", "sieve", "belady"]
SHORT = ["LRU", "FIFO", "LFU", "W-TLFU", "adaptive", "S3-FIFO", "SIEVE", "Belady"]
TOLERANCE = 0.01  # the adaptive climber's allowance below max(LRU, W-TinyLFU)


def report(name: str, keys: np.ndarray, speeds: dict[str, list[float]]) -> list[str]:
    """Prints one row per capacity; returns the failed checks."""
    distinct = len(np.unique(keys))
    caps = [max(1, distinct // 100), max(1, distinct // 10)]
    failures = []
    for share, cap in zip(("1%", "10%"), caps):
        ratio = {}
        for policy in POLICIES:
            t0 = time.perf_counter()
            (row,) = cache.simulate(keys, [cap], policies=[policy])
            secs = time.perf_counter() - t0
            speeds[policy].append(len(keys) / secs)
            ratio[policy] = row["hit_ratio"]
        best_classic = max(ratio["lru"], ratio["w_tiny_lfu"])
        gap = ratio["w_tiny_lfu_adaptive"] - best_classic
        adaptive_ok = gap >= -TOLERANCE
        belady_ok = all(ratio["belady"] >= r for r in ratio.values())
        cells = "".join(f"{ratio[p] * 100:9.2f}" for p in POLICIES)
        print(f"| {name:<26} | {share:>3} | {cap:>7} |{cells} | {gap * 100:+6.2f} | {'ok' if adaptive_ok else 'MISS'} | {'ok' if belady_ok else 'FAIL'} |")
        if not adaptive_ok:
            failures.append(f"{name} at {share} ({cap}): adaptive {gap * 100:+.2f} points")
        if not belady_ok:
            failures.append(f"{name} at {share} ({cap}): a policy beats Belady")
    return failures


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data", nargs="?", type=Path, help="the cache-traces folder")
    ap.add_argument("--traces", default="", help="comma-separated subset, e.g. lirs/loop,arc/OLTP")
    ap.add_argument("--smoke", action="store_true", help="generated traces instead of the data (CI)")
    args = ap.parse_args()
    print(f"machine: {platform.machine()} {platform.processor() or ''}, {platform.python_implementation()} {platform.python_version()}")
    header = "".join(f"{s:>9}" for s in SHORT)
    print(f"\n| {'trace':<26} | cap | entries |{header} | adapt-max(LRU,W-TLFU) | adaptive | Belady |")
    print("|" + "---|" * (3 + len(SHORT) + 3))
    speeds: dict[str, list[float]] = {p: [] for p in POLICIES}
    failures: list[str] = []
    if args.smoke or args.data is None:
        rng = np.random.default_rng(0)
        failures += report("generated zipf(1.2)", rng.zipf(1.2, 20_000).astype(np.uint64), speeds)
        failures += report("generated loop", (np.arange(20_000) % 700).astype(np.uint64), speeds)
    else:
        wanted = [t for t in args.traces.split(",") if t]
        files = sorted(p for p in args.data.rglob("*") if p.is_file() and p.suffix in (".zst", ".xz", ".gz"))
        for path in files:
            name = f"{path.parent.name}/{path.name.split('.')[0]}"
            if wanted and name not in wanted:
                continue
            failures += report(name, load_trace(path), speeds)
    print("\nmedian simulation speed over the runs above (M accesses/s, one thread, includes the Python call):")
    for policy in POLICIES:
        print(f"  {policy:<20} {np.median(speeds[policy]) / 1e6:7.2f}")
    print("\nchecks: " + ("all passed" if not failures else f"{len(failures)} failed"))
    for f in failures:
        print(f"  {f}")


if __name__ == "__main__":
    main()
