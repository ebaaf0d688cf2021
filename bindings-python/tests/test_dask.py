"""opsbrain.dask on a LocalCluster of 2 worker processes: partition-wise
results against single-process results (scores bit-identical, routes and SLA
timers identical, KPI counts identical and percentiles within the sketch's
1 %, SHARDS curves within 0.01 mean absolute error), and coded errors."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

pytest.importorskip("dask")
pytest.importorskip("distributed")
pd = pytest.importorskip("pandas")

import dask.array as da  # noqa: E402
import dask.dataframe as dd  # noqa: E402
from distributed import Client, LocalCluster  # noqa: E402

import opsbrain  # noqa: E402
import opsbrain.dask as od  # noqa: E402
from opsbrain import cache, frames  # noqa: E402
from opsbrain.errors import OpsbrainError  # noqa: E402

T0 = pd.Timestamp("2026-11-02 09:00", tz="UTC")
NOW = T0 + pd.Timedelta("70D")


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cluster = LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None)
    with cluster, Client(cluster) as c:
        yield c


def _metrics(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4))
    x[::97] += 6.0
    return pd.DataFrame(x, columns=["cpu", "mem", "io", "net"])


@pytest.fixture(scope="module")
def forest() -> opsbrain.IsolationForest:
    return opsbrain.IsolationForest(n_estimators=50, contamination=0.02, random_state=7).fit(_metrics(2000, 1))


def test_forest_scores_are_bit_identical(client: Client, forest: opsbrain.IsolationForest) -> None:
    df = _metrics(20_000, 2)
    ddf = dd.from_pandas(df, npartitions=7)
    for name in ("score_samples", "decision_function", "predict"):
        got = getattr(od, name)(forest, ddf).compute()
        want = getattr(forest, name)(df)
        assert got.index.equals(df.index)
        assert got.dtype == want.dtype
        assert np.array_equal(got.to_numpy(), want), name
    arr = da.from_array(df.to_numpy(), chunks=(3000, 2))
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        scores = od.score_samples(forest, arr)
    assert np.array_equal(scores.compute(), forest.score_samples(df))


def test_columns_are_checked_by_name(client: Client, forest: opsbrain.IsolationForest) -> None:
    ddf = dd.from_pandas(_metrics(100), npartitions=2)
    with pytest.raises(OpsbrainError, match="same order") as e:
        od.score_samples(forest, ddf[["mem", "cpu", "io", "net"]])
    assert e.value.code == "invalid_input" and isinstance(e.value, ValueError)
    with pytest.raises(OpsbrainError, match="missing") as e:
        od.predict(forest, ddf[["cpu", "mem", "io"]])
    assert e.value.code == "invalid_input"
    with pytest.raises(OpsbrainError) as e, pytest.warns(UserWarning):
        od.score_samples(forest, da.zeros((10, 3), chunks=5))
    assert e.value.code == "dimension_mismatch"
    with pytest.raises(OpsbrainError) as e:
        od.score_samples(opsbrain.IsolationForest(), ddf)
    assert e.value.code == "not_fitted"


def test_monitoring_group_scores_are_identical(client: Client) -> None:
    monitor = opsbrain.ProactiveMonitor()
    reference = _metrics(1500, 3)[["cpu", "mem"]]
    group = monitor.fit("performance", reference.to_numpy())
    new = _metrics(6000, 4)[["cpu", "mem"]]
    got = od.score_group(group, dd.from_pandas(new, npartitions=5)).compute()
    want = group.score(new.to_numpy())
    assert np.array_equal(got["score"].to_numpy(), want.scores)
    assert np.array_equal(np.flatnonzero(got["anomalous"].to_numpy()), want.anomalous_points)
    arr = od.score_group(group, da.from_array(new.to_numpy(), chunks=(1000, 2))).compute()
    assert np.array_equal(arr, want.scores)


def _tickets(n: int, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    created = T0 + pd.to_timedelta(rng.integers(0, 60 * 86_400, n), unit="s")
    first = created + pd.to_timedelta(rng.integers(0, 7200, n), unit="s")
    resolved = first + pd.to_timedelta(rng.integers(0, 300_000, n), unit="s")
    first = first.where(rng.random(n) < 0.9, pd.NaT)
    resolved = resolved.where((rng.random(n) < 0.7) & first.notna(), pd.NaT)
    subjects = np.array(["Site is down", "Forgot my password", "Invoice is wrong", "API returns 500", "How do I export?"])
    return pd.DataFrame(
        {
            "ticket_id": [f"T{i}" for i in range(n)],
            "created_at": created,
            "first_response_at": first,
            "resolved_at": resolved,
            "tier": rng.integers(1, 4, n),
            "priority": rng.choice(["low", "medium", "high", "critical"], n),
            "channel": rng.choice(["email", "chat", "phone"], n),
            "agent": rng.choice(["ana", "bo", "cy", None], n),
            "department": rng.choice(["billing", "tech"], n),
            "csat": np.where(rng.random(n) < 0.5, rng.integers(1, 6, n), np.nan),
            # Nullable dtype: Dask turns object columns into strings.
            "first_contact_resolution": pd.array(rng.choice([True, False, None], n), dtype="boolean"),
            "automated": rng.random(n) < 0.3,
            "subject": rng.choice(subjects, n),
            "body": rng.choice(["", "since this morning", "error 500 on /v1/export"], n),
        }
    )


def test_routes_and_sla_timers_are_identical(client: Client) -> None:
    df = _tickets(3000)
    ddf = dd.from_pandas(df, npartitions=4)
    routes = od.route_tickets(ddf).compute()
    columns = zip(df["subject"], df["body"], df["channel"])
    want = opsbrain.route_tickets([{"subject": s, "body": b, "channel": c} for s, b, c in columns])
    assert routes.index.equals(df.index)
    assert list(routes["issue_type"]) == [r.issue_type for r in want]
    assert list(routes["priority"]) == [r.route.priority for r in want]
    assert list(routes["confidence"]) == [r.confidence for r in want]
    assert list(routes["first_response_secs"]) == [r.route.first_response_secs for r in want]
    shipped = od.route_tickets(ddf, router=opsbrain.Router()).compute()  # a Router travels as JSON
    pd.testing.assert_frame_equal(shipped, routes)
    policy = opsbrain.SlaPolicy()
    sla = od.sla_status_batch(policy, ddf, NOW).compute()
    single = frames.sla_status_frame(policy, df, NOW)
    assert list(sla.index) == list(single.index) and sla.index.name == "ticket_id"
    pd.testing.assert_frame_equal(sla, single.astype(sla.dtypes), check_exact=True)
    assert not od.sla_status_batch(policy, ddf, NOW).known_divisions  # indexed by ticket id
    renamed = dd.from_pandas(df.rename(columns={"created_at": "opened"}), npartitions=3)
    again = od.sla_status_batch(policy, renamed, NOW, columns={"created_at": "opened"}).compute()
    pd.testing.assert_frame_equal(again, sla, check_exact=True)
    with pytest.raises(OpsbrainError) as e:
        od.sla_status_batch(policy, ddf.drop(columns=["tier"]), NOW)
    assert e.value.code == "missing_key"


def _close(a: Any, b: Any) -> None:
    assert (a is None) == (b is None)
    if a is not None:
        assert abs(a - b) <= 0.01 * b * (1 + 1e-9), (a, b)


def test_support_kpis_merge_exact_counts_and_close_percentiles(client: Client) -> None:
    df = _tickets(6000, 9)
    ddf = dd.from_pandas(df, npartitions=5)
    ids, records = frames.ticket_records(df)
    for options in ({}, {"group_by": "channel"}, {"group_by": "agent", "time_basis": "business"}):
        policy = {"policy": opsbrain.SlaPolicy()} if options else {}  # a policy travels as JSON
        got = od.support_kpis_report(ddf, NOW, **policy, **options)
        want = opsbrain.kpi.support_kpis(records, NOW, **options)
        pairs = [(got["overall"], want["overall"])] + list(zip(got["groups"], want["groups"]))
        assert len(got["groups"]) == len(want["groups"])
        for g, w in pairs:
            for key in ("key", "tickets", "sla", "escalated", "escalation_rate", "first_contact_resolution", "csat"):
                assert g[key] == w[key], key
            assert g["agent_productivity"] == w["agent_productivity"]
            for clock in ("first_response", "resolution", "resolution_critical", "resolution_normal"):
                assert g[clock]["count"] == w[clock]["count"] and g[clock]["mean"] == w[clock]["mean"]
                for p in ("p50", "p90", "p99"):
                    _close(g[clock][p], w[clock][p])
    one = od.support_kpis_report(dd.from_pandas(df, npartitions=1), NOW, group_by="tier")
    assert one == opsbrain.kpi.support_kpis(records, NOW, group_by="tier")
    table = od.support_kpis(ddf, NOW, group_by="channel")
    assert list(table.index) == ["chat", "email", "phone"]
    assert table["tickets"].sum() == len(df)


def test_ticket_errors_name_the_ticket(client: Client) -> None:
    df = _tickets(50)
    df.loc[17, "csat"] = 9
    with pytest.raises(OpsbrainError, match="T17") as e:
        od.support_kpis_report(dd.from_pandas(df, npartitions=3), NOW)
    assert e.value.code == "invalid_input"


def _trace(n: int, universe: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    u = rng.random(n)
    return (u * u * universe).astype(np.uint64)


def test_shards_curve_from_a_partitioned_trace(client: Client) -> None:
    keys = _trace(300_000, 40_000, 11)
    exact = cache.lru_mrc(keys)
    series = dd.from_array(keys, chunksize=50_000)
    sizes = np.arange(200, 40_001, 200, dtype=np.uint64)
    for parts in (2, 4):
        curve = od.miss_ratio_curve(series, partitions=parts)
        assert (curve.accesses, curve.distinct_keys) == (exact.accesses, exact.distinct_keys)
        mae = float(np.mean(np.abs(curve.hit_ratios(sizes) - exact.hit_ratios(sizes))))
        assert mae < 0.01, (parts, mae)
    one = od.miss_ratio_curve(da.from_array(keys, chunks=70_000), partitions=1)
    assert np.array_equal(one.hit_ratios(sizes), exact.hit_ratios(sizes)) and one.method == "exact"
    strings = dd.from_pandas(pd.Series([f"k{k}" for k in keys[:20_000]]), npartitions=3)
    by_name = od.miss_ratio_curve(strings, partitions=1)
    assert by_name.to_json() == cache.lru_mrc(cache.hash_keys([f"k{k}" for k in keys[:20_000]])).to_json()


def test_lru_partial_refuses_keys_of_another_partition() -> None:
    keys = np.arange(100, dtype=np.uint64)
    with pytest.raises(OpsbrainError, match=r"keys\[") as e:
        opsbrain._native.lru_partial(keys, 0, 2)
    assert e.value.code == "invalid_input"


def test_model_is_rebuilt_once_per_worker(client: Client, forest: opsbrain.IsolationForest) -> None:
    client.run(lambda: od._CACHE.clear())
    ddf = dd.from_pandas(_metrics(8000, 6), npartitions=8)
    od.score_samples(forest, ddf).compute()
    od.predict(forest, ddf).compute()
    cached = client.run(lambda: sorted(kind for kind, _ in od._CACHE))
    # Each worker that ran a partition parsed the forest once, whatever the
    # number of partitions and calls.
    assert all(kinds in ([], ["forest"]) for kinds in cached.values()), cached
    assert any(cached.values())


def test_partitions_release_the_gil(forest: opsbrain.IsolationForest) -> None:
    import threading
    import time

    token, text = od._ship(forest.to_json())
    model = od._load("forest", token, text.compute())
    rows = od._matrix(_metrics(300_000, 8))
    started, done = threading.Event(), threading.Event()

    def score() -> None:
        started.set()
        model.score_samples(rows, n_jobs=1)
        done.set()

    def spin(until: Any) -> tuple[int, float]:
        ticks, t = 0, time.perf_counter()
        while not until():
            ticks += 1
        return ticks, time.perf_counter() - t

    end = time.perf_counter() + 0.05
    alone, alone_secs = spin(lambda: time.perf_counter() > end)
    worker = threading.Thread(target=score)
    worker.start()
    started.wait()
    during, during_secs = spin(done.is_set)
    worker.join()
    # Were the GIL held through the native call, this thread would stall
    # until it returned (json.loads of a big text, which holds it, leaves
    # about a quarter of the solo speed here); it keeps most of it.
    assert during / during_secs > 0.4 * alone / alone_secs, (during, during_secs, alone, alone_secs)


def test_module_docstring_example_runs() -> None:
    import doctest

    result = doctest.testmod(od)
    assert result.attempted >= 3 and result.failed == 0
