"""Isolation Forest scoring at scale: a Dask LocalCluster against one process.

    python benches/python/dask_scale.py                       # 50,000,000 rows x 6 columns, 2 workers
    python benches/python/dask_scale.py --rows 2000000 --workers 2 --chunk 500000
    python benches/python/dask_scale.py --smoke               # 200,000 rows, seconds

The data are generated chunk by chunk by dask.array from a seed (standard
normal, one outlier row in 1,000 shifted by 6), so the client never holds
them: the cluster generates and scores each chunk on a worker, and the one
process loops over the same chunks (generating chunk i with the synchronous
scheduler, then scoring it), so both see the same numbers. A forest of 100
trees is fitted on the first 100,000 rows. Both paths reduce each chunk to
(sum of scores, outliers), compared bit for bit at the end.

Reported: rows per second of the cluster (``opsbrain.dask.score_samples``,
``--workers`` worker processes of one thread each, one native thread per
partition) and of one process (``n_jobs`` = ``--workers`` threads, the fair
single-machine baseline), the cluster's overhead (its time over the one
process's), and the peak resident memory of each worker process and of the
client (``ru_maxrss``), against the data size.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import time
import warnings
from typing import Any

import numpy as np

import opsbrain
import opsbrain.dask as od


def _machine() -> str:
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} vCPU {cpu}, {mem:.0f} GiB, Python {platform.python_version()}"


def _data(rows: int, cols: int, chunk: int, seed: int) -> Any:
    import dask.array as da

    rng = da.random.default_rng(seed)
    x = rng.standard_normal(size=(rows, cols), chunks=(chunk, cols))
    outliers = (da.arange(rows, chunks=chunk) % 1000 == 0)[:, None]
    return x + 6.0 * outliers


def _stats(block: np.ndarray, offset: float) -> np.ndarray:
    """(sum of scores, outliers) of one chunk of scores."""
    return np.array([[block.sum(), float((block < offset).sum())]])


def _load() -> str:
    """The 1, 5 and 15 minute load averages (the machine may be shared)."""
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=50_000_000)
    ap.add_argument("--cols", type=int, default=6)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--chunk", type=int, default=1_000_000, help="rows per chunk (partition)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--smoke", action="store_true", help="200,000 rows in chunks of 50,000")
    args = ap.parse_args()
    if args.smoke:
        args.rows, args.chunk = 200_000, 50_000
    from distributed import Client, LocalCluster

    print(f"machine: {_machine()}")
    print(f"data: {args.rows:,} rows x {args.cols} columns float64 ({args.rows * args.cols * 8 / 2**30:.2f} GiB), "
          f"chunks of {args.chunk:,} rows ({-(-args.rows // args.chunk)} chunks)")
    X = _data(args.rows, args.cols, args.chunk, args.seed)
    sample = X[: min(100_000, args.rows)].compute(scheduler="synchronous")
    t = time.perf_counter()
    forest = opsbrain.IsolationForest(n_estimators=100, random_state=args.seed, n_jobs=args.workers).fit(sample)
    print(f"fit: 100 trees on {len(sample):,} rows in {time.perf_counter() - t:.2f} s; model JSON {len(forest.to_json()) / 1024:.0f} KiB")
    del sample
    offset = forest.offset_

    # One process: the same chunks, generated here one at a time, then scored.
    print(f"load average before: {_load()}")
    t = time.perf_counter()
    local = []
    gen_secs = 0.0
    for block in X.to_delayed().ravel():
        g = time.perf_counter()
        rows = block.compute(scheduler="synchronous")
        gen_secs += time.perf_counter() - g
        local.append(_stats(forest.model_.score_samples(rows, n_jobs=args.workers), offset))
    one_secs = time.perf_counter() - t
    print(f"load average after the one-process run: {_load()}")
    local_stats = np.vstack(local)
    client_peak_after_local = _peak_mib()

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cluster = LocalCluster(n_workers=args.workers, processes=True, threads_per_worker=1, dashboard_address=None)
    with cluster, Client(cluster) as client:
        client.run(lambda: None)  # workers up before the clock starts
        t = time.perf_counter()
        scores = od.score_samples(forest, X)
        per_chunk = scores.map_blocks(_stats, offset, chunks=((1,) * scores.numblocks[0], (2,)), new_axis=1, dtype=np.float64)
        cluster_stats = per_chunk.compute()
        cluster_secs = time.perf_counter() - t
        worker_peaks = client.run(_peak_mib)
    print(f"load average after the cluster run: {_load()}")

    identical = np.array_equal(cluster_stats, local_stats)
    outliers = int(local_stats[:, 1].sum())
    print(f"one process ({args.workers} threads, chunked loop): {one_secs:.1f} s, {args.rows / one_secs:,.0f} rows/s "
          f"(generating {gen_secs:.1f} s, scoring {one_secs - gen_secs:.1f} s: {args.rows / (one_secs - gen_secs):,.0f} rows/s)")
    print(f"LocalCluster ({args.workers} workers x 1 thread): {cluster_secs:.1f} s, {args.rows / cluster_secs:,.0f} rows/s")
    print(f"cluster overhead: {cluster_secs / one_secs:.2f}x the one-process time ({(cluster_secs - one_secs):+.1f} s)")
    print(f"identical per-chunk score sums and outlier counts: {identical} ({outliers:,} outliers below offset_ {offset:.4f})")
    for address, mib in sorted(worker_peaks.items()):
        print(f"worker {address}: peak RSS {mib:,.0f} MiB")
    print(f"client: peak RSS {max(_peak_mib(), client_peak_after_local):,.0f} MiB (the one-process loop included)")
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
