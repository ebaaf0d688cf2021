"""opsbrain.cache beyond the shared fixtures: numpy handling, errors, pickling."""

from __future__ import annotations

import pickle
import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import opsbrain
from opsbrain import cache


def brute_force_lru_hits(keys: list[int], size: int) -> int:
    stack: list[int] = []
    hits = 0
    for k in keys:
        if k in stack:
            if stack.index(k) < size:
                hits += 1
            stack.remove(k)
        stack.insert(0, k)
    return hits


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=300), st.integers(1, 40))
def test_exact_curve_matches_brute_force(keys: list[int], size: int) -> None:
    mrc = cache.lru_mrc(np.array(keys, dtype=np.uint64))
    assert mrc.hit_ratio(size) == pytest.approx(brute_force_lru_hits(keys, size) / len(keys), abs=1e-12)
    lru = cache.simulate(keys, [size], policies="lru")[0]
    assert lru["hits"] == brute_force_lru_hits(keys, size)


def test_lists_int_arrays_and_strided_views_agree() -> None:
    rng = np.random.default_rng(7)
    keys = rng.zipf(1.3, 20_000).astype(np.uint64)
    a = cache.lru_mrc(keys)
    assert cache.lru_mrc(keys.tolist()) == a
    assert cache.lru_mrc(keys.astype(np.int64)) == a
    doubled = np.repeat(keys, 2)[::2]  # a strided view, copied on the way in
    assert not doubled.flags.c_contiguous
    assert cache.lru_mrc(doubled) == a
    sizes = np.array([1, 10, 100, 1000], dtype=np.uint64)
    ratios = a.hit_ratios(sizes)
    assert ratios.dtype == np.float64 and np.all(np.diff(ratios) >= 0)
    assert len(a.sizes) == len(a.step_hit_ratios) == len(a)


def test_shards_tracks_the_exact_curve() -> None:
    rng = np.random.default_rng(3)
    keys = rng.zipf(1.2, 300_000).astype(np.uint64)
    exact = cache.lru_mrc(keys)
    sizes = np.linspace(100, 20_000, 40).astype(np.uint64)
    for kwargs in ({"rate": 0.1}, {"max_keys": 8192}):
        approx = cache.shards_mrc(keys, **kwargs)
        mae = float(np.mean(np.abs(exact.hit_ratios(sizes) - approx.hit_ratios(sizes))))
        assert mae < 0.02, (kwargs, mae)
        assert approx.method == "shards"


def test_w_tiny_lfu_beats_lru_on_zipf() -> None:
    rng = np.random.default_rng(11)
    keys = rng.zipf(1.1, 200_000).astype(np.uint64)
    res = {r["policy"]: r["hit_ratio"] for r in cache.simulate(keys, [1000], policies=["lru", "w_tiny_lfu"])}
    assert res["w_tiny_lfu"] > res["lru"]


@pytest.mark.parametrize(
    ("call", "exc", "code"),
    [
        (lambda: cache.lru_mrc(np.array([], dtype=np.uint64)), ValueError, "invalid_input"),
        (lambda: cache.lru_mrc("abc"), TypeError, "invalid_type"),
        (lambda: cache.lru_mrc([[1, 2], [3, 4]]), TypeError, "invalid_type"),
        (lambda: cache.shards_mrc([1, 2], rate=0.0), ValueError, "invalid_input"),
        (lambda: cache.shards_mrc([1, 2]), ValueError, "invalid_input"),
        (lambda: cache.shards_mrc([1, 2], rate=0.5, max_keys=3), ValueError, "invalid_input"),
        (lambda: cache.simulate([1, 2], [0]), ValueError, "invalid_input"),
        (lambda: cache.simulate([1, 2], [2], policies=["arc"]), ValueError, "invalid_input"),
        (lambda: cache.pattern_stats([1, 2], timestamps=[2.0, 1.0]), ValueError, "invalid_input"),
        (lambda: cache.pattern_stats([1, 2], timestamps=[1.0]), ValueError, "dimension_mismatch"),
        (lambda: cache.pattern_stats([1, 2], timestamps=[0.0, float("nan")]), ValueError, "invalid_input"),
        (lambda: cache.warm_candidates([1], [5.0], now=4.0, window_secs=1.0), ValueError, "invalid_input"),
        (lambda: cache.adjust([{"cache_type": "documents"}]), ValueError, "missing_key"),
        (lambda: cache.adjust([{"cache_type": "nope", "hit_ratio": 0.5, "access_frequency": 0.5, "write_ratio": 0.5}]), ValueError, "invalid_input"),
        (lambda: cache.adjust([], table="builtin"), TypeError, "invalid_type"),
        (lambda: cache.hash_key(42), TypeError, "invalid_type"),
        (lambda: cache.hash_keys(["a", 1]), TypeError, "invalid_type"),
    ],
)
def test_bad_input_raises_coded_errors(call, exc, code) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(exc) as info:
        call()
    assert isinstance(info.value, opsbrain.OpsbrainError)
    assert info.value.code == code


def test_stats_ttl_and_warming_shapes() -> None:
    keys = np.array([1, 1, 2, 1, 2, 3], dtype=np.uint64)
    ts = np.array([0.0, 5.0, 6.0, 20.0, 30.0, 31.0])
    stats = cache.pattern_stats(keys, timestamps=ts, target_share=1.0)
    assert stats[0]["recommended_ttl_secs"] == 24.0
    top = cache.warm_candidates(keys, ts, now=31.0, window_secs=10.0, top_k=2, half_life_secs=60.0)
    assert [c["key"] for c in top] == [1, 2]
    assert all(0.0 <= c["probability"] <= 1.0 for c in top)


def test_hash_keys_vectorised_and_stable() -> None:
    names = ["user:1", "user:2", "doc:9"]
    arr = cache.hash_keys(names)
    assert arr.dtype == np.uint64
    assert arr.tolist() == [cache.hash_key(n) for n in names]


def test_value_types_pickle() -> None:
    mrc = cache.lru_mrc([1, 2, 1, 3, 1])
    assert pickle.loads(pickle.dumps(mrc)) == mrc
    t = cache.StrategyTable.from_toml('[sessions]\nttl_secs = 60\nstrategy = "write-through"\n')
    assert pickle.loads(pickle.dumps(t)) == t
    assert t.get("sessions") == {"ttl_secs": 60, "strategy": "write_through"}
    assert t.get("nope") is None


def test_adjust_returns_plain_data() -> None:
    plan = cache.adjust(
        [{"cache_type": "analytics", "hit_ratio": 0.5, "access_frequency": 0.9, "write_ratio": 0.0}],
        rules={"ttl_multiplier": 2.0},
    )
    assert plan["optimization_needed"] is True
    assert plan["table"]["analytics"] == {"ttl_secs": 3600, "strategy": "lazy_loading"}


def test_curves_from_threads_agree() -> None:
    keys = np.random.default_rng(1).integers(0, 5000, 200_000).astype(np.uint64)
    want = cache.lru_mrc(keys)
    out: list = [None] * 4

    def work(i: int) -> None:
        out[i] = cache.lru_mrc(keys)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(o == want for o in out)


def test_size_for_hit_ratio_for_every_policy() -> None:
    # Hot keys 0..9 and a never-seen key every fifth request.
    keys = np.array([1000 + i if i % 5 == 4 else i % 10 for i in range(2000)], dtype=np.uint64)
    assert cache.size_for_hit_ratio(keys, "lru", 0.7) == cache.lru_mrc(keys).size_for_hit_ratio(0.7)
    for policy in ["lru", "fifo", "lfu", "w_tiny_lfu", "w_tiny_lfu_adaptive", "s3_fifo", "sieve", "belady"]:
        size = cache.size_for_hit_ratio(keys, policy, 0.7)
        assert size is not None and size >= 1
        at_size, below = cache.simulate(keys, [size, max(size - 1, 1)], policies=[policy])
        assert at_size["hit_ratio"] >= 0.7
        assert size == 1 or below["hit_ratio"] < 0.7
    assert cache.size_for_hit_ratio(keys, "lru", 0.95) is None  # a fifth of the requests are first sights
    for bad_policy, bad_target, code in [("arc", 0.5, "invalid_input"), ("lru", 1.5, "invalid_input"), ("lru", "x", "invalid_type")]:
        with pytest.raises(opsbrain.OpsbrainError) as info:
            cache.size_for_hit_ratio(keys, bad_policy, bad_target)
        assert info.value.code == code


def test_read_trace_layouts_files_and_errors(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import gzip

    from opsbrain import cache as c

    t = c.read_trace(b"1 0.5\n/a 1.5\n")
    assert t["keys"].tolist() == [1, c.hash_key("/a")] and t["timestamps"].tolist() == [0.5, 1.5]
    assert t["keys"].dtype == np.uint64
    be = c.read_trace(bytes([0, 0, 1, 0, 0, 0, 0, 9]), format="u32", big_endian=True)
    assert be["keys"].tolist() == [256, 9] and be["timestamps"] is None
    path = tmp_path / "trace.lis.gz"
    path.write_bytes(gzip.compress(b"10 2 0 0\n5 1 0 1\n"))
    assert c.read_trace(path, format="arc")["keys"].tolist() == [10, 11, 5]
    assert c.read_trace(str(path), format="arc", compression="gzip")["keys"].tolist() == [10, 11, 5]
    for data, opts, code, where in [
        (b"3\nx\n", {"format": "lirs"}, "invalid_input", "line 2"),
        (b"1\n", {"formatt": "text"}, "invalid_input", "formatt"),
        (bytes([0x1F, 0x8B, 1, 2]), {}, "invalid_input", "gzip"),
        (b"\x01\x02\x03", {"format": "u32"}, "invalid_input", "byte 0"),
    ]:
        with pytest.raises(opsbrain.OpsbrainError) as e:
            c.read_trace(data, **opts)
        assert e.value.code == code and where in str(e.value), str(e.value)
