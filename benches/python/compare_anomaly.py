"""Isolation Forest side by side: opsbrain, scikit-learn and isotree on the
ODDS outlier sets (accuracy and speed).

    python benches/python/compare_anomaly.py ../shared/data/odds [--seeds 5] [--sets http,smtp]
    python benches/python/compare_anomaly.py --smoke      # tiny generated data, no folder

Every library gets 100 trees of 256 samples. For each data set and seed the
forest is fitted on all of X and scores all of X; ROC-AUC and average
precision compare the anomaly score (``-score_samples``) with the labels.
Fit and score times are medians over the seeds, for 1 and 2 threads
(opsbrain ``n_jobs``, scikit-learn ``n_jobs``, isotree ``nthreads``).
isotree is configured as a plain Isolation Forest (``ndim=1``, no
pooled/averaged gain, depth scoring, no missing-value handling). Libraries
that are not installed are skipped with a note.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np

import opsbrain

SETS = [
    "http", "forestcover", "smtp", "shuttle", "mammography", "annthyroid",
    "satellite", "pima", "breastw", "arrhythmia", "ionosphere", "cardio",
]


def _auc(y: np.ndarray, s: np.ndarray) -> float:
    """ROC-AUC by ranks (ties averaged), without scikit-learn."""
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(len(s))
    sorted_s = s[order]
    i = 0
    while i < len(s):
        j = i
        while j + 1 < len(s) and sorted_s[j + 1] == sorted_s[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    pos = y == 1
    n_pos, n_neg = pos.sum(), (~pos).sum()
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def _ap(y: np.ndarray, s: np.ndarray) -> float:
    """Average precision (scikit-learn's step definition)."""
    order = np.argsort(-s, kind="mergesort")
    y_sorted = y[order]
    s_sorted = s[order]
    # Group ties: precision/recall change only at distinct thresholds.
    distinct = np.r_[np.nonzero(np.diff(s_sorted))[0], len(s) - 1]
    tp = np.cumsum(y_sorted)[distinct]
    fp = (distinct + 1) - tp
    precision = tp / (tp + fp)
    recall = tp / y.sum()
    prev = np.r_[0.0, recall[:-1]]
    return float(np.sum((recall - prev) * precision))


def _opsbrain(seed: int, threads: int) -> tuple[Callable[[np.ndarray], Any], Callable[[Any, np.ndarray], np.ndarray]]:
    def fit(X: np.ndarray) -> Any:
        return opsbrain.IsolationForest(n_estimators=100, max_samples=256, random_state=seed, n_jobs=threads).fit(X)

    return fit, lambda m, X: -m.score_samples(X)


def _sklearn(seed: int, threads: int) -> tuple[Callable[[np.ndarray], Any], Callable[[Any, np.ndarray], np.ndarray]]:
    from sklearn.ensemble import IsolationForest

    def fit(X: np.ndarray) -> Any:
        return IsolationForest(n_estimators=100, max_samples=256, random_state=seed, n_jobs=threads).fit(X)

    return fit, lambda m, X: -m.score_samples(X)


def _isotree(seed: int, threads: int) -> tuple[Callable[[np.ndarray], Any], Callable[[Any, np.ndarray], np.ndarray]]:
    from isotree import IsolationForest

    def fit(X: np.ndarray) -> Any:
        return IsolationForest(
            ntrees=100, sample_size=256, ndim=1, prob_pick_pooled_gain=0.0, prob_pick_avg_gain=0.0,
            missing_action="fail", scoring_metric="depth", penalize_range=False,
            random_seed=seed, nthreads=threads,
        ).fit(X)

    return fit, lambda m, X: m.predict(X)


LIBS: dict[str, Callable[[int, int], Any]] = {"opsbrain": _opsbrain, "scikit-learn": _sklearn, "isotree": _isotree}


def _available() -> dict[str, Callable[[int, int], Any]]:
    out = {}
    for name, make in LIBS.items():
        try:
            make(0, 1)
            out[name] = make
        except ImportError as e:
            print(f"note: {name} is not installed ({e}); skipped", file=sys.stderr)
    return out


def run(sets: list[tuple[str, np.ndarray, np.ndarray]], seeds: int, threads: list[int]) -> None:
    libs = _available()
    cols = ["set", "n x d", "library", "AUC", "AP"] + [f"{w} s ({t}T)" for t in threads for w in ("fit", "score")]
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for name, X, y in sets:
        for lib, make in libs.items():
            aucs, aps = [], []
            times: dict[tuple[str, int], list[float]] = {}
            for seed in range(seeds):
                for t in threads:
                    fit, score = make(seed, t)
                    t0 = time.perf_counter()
                    model = fit(X)
                    t1 = time.perf_counter()
                    s = np.asarray(score(model, X), dtype=np.float64)
                    t2 = time.perf_counter()
                    times.setdefault(("fit", t), []).append(t1 - t0)
                    times.setdefault(("score", t), []).append(t2 - t1)
                    if t == threads[0]:
                        aucs.append(_auc(y, s))
                        aps.append(_ap(y, s))
            row = [name, f"{X.shape[0]} x {X.shape[1]}", lib, f"{np.mean(aucs):.4f}", f"{np.mean(aps):.4f}"]
            row += [f"{statistics.median(times[(w, t)]):.4f}" for t in threads for w in ("fit", "score")]
            print("| " + " | ".join(row) + " |", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", nargs="?", type=Path, help="the ODDS folder (shared/data/odds)")
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--sets", default=",".join(SETS))
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--smoke", action="store_true", help="tiny generated data, one seed")
    args = ap.parse_args()
    threads = [int(t) for t in args.threads.split(",")]
    if args.smoke:
        rng = np.random.default_rng(0)
        X = np.vstack([rng.normal(size=(300, 3)), rng.uniform(-6, 6, size=(10, 3))])
        y = np.r_[np.zeros(300, dtype=np.int8), np.ones(10, dtype=np.int8)]
        run([("smoke", X, y)], 1, threads)
        return
    if args.folder is None:
        ap.error("give the ODDS folder, or --smoke")
    sets = []
    for name in args.sets.split(","):
        d = np.load(args.folder / f"{name}.npz")
        sets.append((name, d["X"], d["y"].astype(np.int8)))
    print(f"{args.seeds} seeds, 100 trees, max_samples 256; AUC/AP mean over seeds; times median over seeds")
    run(sets, args.seeds, threads)


if __name__ == "__main__":
    main()
