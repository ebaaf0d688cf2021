"""Cache sizing on real access traces: exact LRU hit ratios, SHARDS error
against the exact curve, policies side by side, and references per second.

    python benches/python/compare_cache.py ../shared/data/cache-traces [--traces arc/OLTP,cache2k/web07]
    python benches/python/compare_cache.py --smoke      # generated trace, CI

The data folder is the one described in its README (ARC, LIRS, cache2k,
Corda, Scarab, CloudPhysics traces, read with `opsbrain.cache.read_trace`).
Published figures to compare with: exact LRU on ARC OLTP is 16.47% at 250
entries and 42.47% at 2000 (Megiddo & Modha, FAST 2003).
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path
from typing import Callable

import numpy as np

from opsbrain import cache

SIZES = [100, 250, 500, 1000, 2000, 5000, 10_000, 50_000, 100_000]
POLICIES = ["lru", "fifo", "lfu", "w_tiny_lfu", "w_tiny_lfu_adaptive", "s3_fifo", "sieve", "belady"]


# The layout of each folder of the data README, as opsbrain.cache.read_trace
# options (compression is recognised from the files' magic bytes).
FORMATS = {
    "arc": {"format": "arc"},
    "cache2k": {"format": "u32", "big_endian": True},
    "cloudphysics": {"format": "u32", "big_endian": True},
    "scarab": {"format": "i64", "big_endian": True},
    "corda": {"format": "i64", "big_endian": True},
    "lirs": {"format": "lirs"},
}


def load_trace(path: Path) -> np.ndarray:
    """Keys of a trace file, per the formats in the data README, read by
    the core's trace reader (gzip, xz and zstd included)."""
    options = FORMATS.get(path.parent.name)
    if options is None:
        raise ValueError(f"unknown trace format: {path}")
    return cache.read_trace(path, **options)["keys"]


def timed(fn: Callable[[], object]) -> tuple[object, float]:
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def report(name: str, keys: np.ndarray) -> None:
    n = len(keys)
    exact, secs = timed(lambda: cache.lru_mrc(keys))
    print(f"\n## {name}: {n:,} refs, {exact.distinct_keys:,} distinct keys")
    print(f"exact LRU curve: {secs * 1e3:8.1f} ms  {n / secs / 1e6:7.1f} M refs/s")
    sizes = [s for s in SIZES if s < exact.distinct_keys] or [exact.distinct_keys]
    print("  size      " + "".join(f"{s:>9}" for s in sizes))
    print("  LRU hit % " + "".join(f"{exact.hit_ratio(s) * 100:9.2f}" for s in sizes))
    knee = exact.knee()
    print(f"  knee: {knee}, size for 50% hits: {exact.size_for_hit_ratio(0.5)}")

    grid = np.unique(np.linspace(1, exact.distinct_keys, 100).astype(np.uint64))
    want = exact.hit_ratios(grid)
    for rate in (0.1, 0.01, 0.001):
        approx, secs = timed(lambda: cache.shards_mrc(keys, rate=rate))
        mae = float(np.mean(np.abs(approx.hit_ratios(grid) - want)))
        sampled = int(exact.distinct_keys * rate)
        print(f"SHARDS R={rate:<6} MAE {mae:.4f} (~{sampled:,} sampled keys)  {n / secs / 1e6:7.1f} M refs/s")
    approx, secs = timed(lambda: cache.shards_mrc(keys, max_keys=8192))
    mae = float(np.mean(np.abs(approx.hit_ratios(grid) - want)))
    print(f"SHARDS max_keys=8192 MAE {mae:.4f} (final R={approx.sampling_rate:.4f})  {n / secs / 1e6:7.1f} M refs/s")

    caps = [s for s in (250, 2000, 10_000) if s < exact.distinct_keys] or [max(1, exact.distinct_keys // 2)]
    print("policy hit %  " + "".join(f"{c:>10}" for c in caps) + "   M refs/s")
    for policy in POLICIES:
        res, secs = timed(lambda: cache.simulate(keys, caps, policies=[policy]))
        ratios = "".join(f"{r['hit_ratio'] * 100:10.2f}" for r in res)
        print(f"  {policy:<11}{ratios}   {n * len(caps) / secs / 1e6:7.1f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data", nargs="?", type=Path, help="the cache-traces folder")
    ap.add_argument("--traces", default="", help="comma-separated subset, e.g. arc/OLTP,cache2k/web07")
    ap.add_argument("--smoke", action="store_true", help="a generated trace instead of the data (CI)")
    args = ap.parse_args()
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}")
    if args.smoke or args.data is None:
        rng = np.random.default_rng(0)
        report("generated zipf(1.2), smoke", rng.zipf(1.2, 5_000).astype(np.uint64))
        return
    wanted = [t for t in args.traces.split(",") if t]
    files = sorted(p for p in args.data.rglob("*") if p.is_file() and p.suffix in (".zst", ".xz", ".gz"))
    for path in files:
        name = f"{path.parent.name}/{path.name.split('.')[0]}"
        if wanted and name not in wanted:
            continue
        keys, secs = timed(lambda: load_trace(path))
        print(f"(loaded {name} in {secs:.1f} s)")
        report(name, keys)


if __name__ == "__main__":
    main()
