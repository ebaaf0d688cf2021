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

import os
from pathlib import Path
from typing import Any, Optional, Union

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
from opsbrain._native import read_trace as _read_trace

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
    "read_trace",
    "shards_mrc",
    "simulate",
    "size_for_hit_ratio",
    "trace_partitions",
    "warm_candidates",
]


def read_trace(source: Union[str, "os.PathLike[str]", bytes], **options: Any) -> dict[str, Any]:
    """A cache trace from a file (a path) or its bytes: ``{"keys": uint64
    array, "timestamps": float64 array or None}``, ready for
    :func:`simulate`, :func:`lru_mrc` and the others.

    Options (the core's ``TraceOptions``): ``format`` ``"text"`` (one key
    per line, optionally a timestamp), ``"lirs"``, ``"arc"`` (``.lis``,
    ``start count`` expanded), ``"csv"`` (with ``key_column``,
    ``timestamp_column``, ``delimiter``), ``"u32"``, ``"u64"``, ``"i64"``
    (binary keys; ``big_endian=True`` for network order) or
    ``"oracle_general"`` (libCacheSim); ``compression`` ``"auto"`` (gzip, xz
    and zstd recognised by their magic bytes), ``"none"``, ``"gzip"``,
    ``"xz"`` or ``"zstd"``.

    >>> read_trace(b"5\n7\n*\n5\n", format="lirs")["keys"].tolist()
    [5, 7, 5]
    """
    data = source if isinstance(source, bytes) else Path(os.fspath(source)).read_bytes()
    opts: Optional[dict[str, Any]] = dict(options) if options else None
    return _read_trace(data, opts)
