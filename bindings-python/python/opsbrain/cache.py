"""Cache strategy: the framework's TTL/strategy rules, miss-ratio curves,
policy simulation, TTL recommendations and warming, from access traces.

Keys are uint64 (numpy arrays are borrowed without a copy; lists work too;
hash string keys with :func:`hash_keys`). Timestamps are float seconds.

>>> import numpy as np
>>> from opsbrain import cache
>>> keys = np.array([1, 2, 3, 1, 2, 3, 1, 2, 3], dtype=np.uint64)
>>> mrc = cache.lru_mrc(keys)
>>> round(mrc.hit_ratio(3), 4), mrc.size_for_hit_ratio(0.5)
(0.6667, 3)
>>> [r["hits"] for r in cache.simulate(keys, [3], policies=["lru", "fifo"])]
[6, 6]
>>> cache.size_for_hit_ratio(keys, "fifo", 0.5), cache.size_for_hit_ratio(keys, "lru", 0.9)
(3, None)
"""

from __future__ import annotations

from opsbrain._native import (
    MissRatioCurve,
    StrategyTable,
    adjust,
    hash_key,
    hash_keys,
    lru_mrc,
    lru_partial,
    merge_lru_partials,
    pattern_stats,
    shards_mrc,
    simulate,
    size_for_hit_ratio,
    trace_partitions,
    warm_candidates,
)

__all__ = [
    "MissRatioCurve",
    "StrategyTable",
    "adjust",
    "hash_key",
    "hash_keys",
    "lru_mrc",
    "lru_partial",
    "merge_lru_partials",
    "pattern_stats",
    "shards_mrc",
    "simulate",
    "size_for_hit_ratio",
    "trace_partitions",
    "warm_candidates",
]
