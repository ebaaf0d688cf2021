"""Scale out on Dask: score, route, time and size over partitioned data.

Install with ``pip install "opsbrain[dask]"``. Everything here is pure
Python over opsbrain's native calls; each partition runs one native call,
which releases the GIL, so Dask's threads and processes both scale.

- Models across partitions: :func:`score_samples`, :func:`decision_function`
  and :func:`predict` of a fitted :class:`opsbrain.IsolationForest`, and
  :func:`score_group` of a fitted monitoring group, over a
  ``dask.dataframe.DataFrame`` (columns checked by name as the estimator
  checks them) or a 2-D ``dask.array.Array``. The model travels as its JSON
  (one graph key, so each worker receives it once) and is rebuilt once per
  worker process, not unpickled per task. Scores are bit-identical to
  single-process scores: a row's score depends only on the row and the model.
- Ticket work across partitions: :func:`route_tickets` and
  :func:`sla_status_batch` map ticket frames (the columns of
  :mod:`opsbrain.frames`) partition by partition to Dask DataFrames.
- Aggregates that merge: :func:`support_kpis` computes one mergeable partial
  per partition (counts, rates and means exact; first-response and
  resolution percentiles from a quantile sketch within 1 % relative error of
  the exact values) and merges them; with one partition it is exactly
  :func:`opsbrain.kpi.support_kpis`.
- Miss-ratio curves: :func:`miss_ratio_curve` repartitions a trace of keys
  by the SHARDS key hash (all accesses of a key land in one hash partition,
  in trace order), computes each hash partition's LRU stack distances, and
  merges them into the estimated curve (exact with one hash partition).

Dask stores text columns as pyarrow strings, and a column of Python objects
becomes text too: give flags such as ``first_contact_resolution`` a
nullable dtype (``"boolean"``) rather than ``object``. Missing values
(``None``, NaN, NaT, ``pandas.NA``) mean "not recorded", as in
:mod:`opsbrain.frames`.

>>> import numpy as np, pandas as pd, dask.dataframe as dd
>>> import opsbrain, opsbrain.dask as od
>>> df = pd.DataFrame({"cpu": np.r_[np.linspace(0.3, 0.5, 99), 0.99], "mem": np.linspace(0.4, 0.6, 100)})
>>> model = opsbrain.IsolationForest(contamination=0.01, random_state=0).fit(df)
>>> scores = od.score_samples(model, dd.from_pandas(df, npartitions=4)).compute()
>>> bool(np.array_equal(scores.to_numpy(), model.score_samples(df)))
True
"""

from __future__ import annotations

import hashlib
import importlib
import threading
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from opsbrain import _native, frames
from opsbrain.anomaly import IsolationForest, _check_columns, _rows
from opsbrain.errors import DimensionMismatchError, InvalidInputError, InvalidTypeError, MissingKeyError

# Imported by name: the type checker sees them as Any (dask is only partly
# typed, pandas not at all, and neither is needed to type-check opsbrain).
try:
    dask: Any = importlib.import_module("dask")
    da: Any = importlib.import_module("dask.array")
    dd: Any = importlib.import_module("dask.dataframe")
    pd: Any = importlib.import_module("pandas")
except ImportError as e:  # pragma: no cover - exercised only without the extra
    raise ImportError('opsbrain.dask needs dask and pandas: pip install "opsbrain[dask]"') from e

__all__ = [
    "decision_function",
    "miss_ratio_curve",
    "predict",
    "route_tickets",
    "score_group",
    "score_samples",
    "sla_status_batch",
    "support_kpis",
    "support_kpis_report",
]

# ---------------------------------------------------------------------------
# Models shipped as JSON, rebuilt once per worker process.

_CACHE: dict[tuple[str, str], Any] = {}
_CACHE_LOCK = threading.Lock()
_MAX_CACHED = 16


def _load(kind: str, token: str, text: str) -> Any:
    """The native object of ``kind`` for ``text`` (whose digest is
    ``token``), parsed once per process."""
    key = (kind, token)
    with _CACHE_LOCK:
        found = _CACHE.get(key)
    if found is not None:
        return found
    loaders: dict[str, Callable[[str], Any]] = {
        "forest": _native.IsolationForestModel.from_json,
        "group": _native.FittedGroup.from_json,
        "router": _native.Router.from_json,
        "policy": _native.SlaPolicy.from_json,
    }
    obj = loaders[kind](text)
    with _CACHE_LOCK:
        if len(_CACHE) >= _MAX_CACHED:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = obj
    return obj


def _ship(text: str) -> tuple[str, Any]:
    """A model's JSON as (digest, one Delayed graph key holding the text)."""
    token = hashlib.sha256(text.encode()).hexdigest()
    return token, dask.delayed(text, pure=True, name=f"opsbrain-model-{token}")


# ---------------------------------------------------------------------------
# Isolation Forest and monitoring groups


def _matrix(part: Any) -> Any:
    """A partition's rows for the native call, converted exactly as the
    in-process estimator converts its ``X`` (so the scores are the same)."""
    return _rows(part)


def _forest_part(part: Any, method: str, n_jobs: int | None, token: str, text: str) -> Any:
    model = _load("forest", token, text)
    rows = _matrix(part)
    out = getattr(model, method)(rows, n_jobs=n_jobs) if len(rows) else np.empty(0, dtype=_DTYPES[method])
    if hasattr(part, "index"):
        return pd.Series(out, index=part.index, name=_NAMES[method])
    return out


_DTYPES = {"score_samples": np.float64, "decision_function": np.float64, "predict": np.int64}
_NAMES = {"score_samples": "score", "decision_function": "decision", "predict": "prediction"}


def _checked_array(X: Any, n_features: int) -> Any:
    if X.ndim != 2:
        raise InvalidTypeError(f"X must be 2-D (rows x columns), got {X.ndim}-D with shape {X.shape}")
    if X.shape[1] != n_features:
        raise DimensionMismatchError(f"X has {X.shape[1]} features, but the model is expecting {n_features} features as input")
    # One block per row range, holding every column.
    return X.rechunk({1: -1})


def _forest(est: IsolationForest, X: Any, method: str, n_jobs: int | None) -> Any:
    model = est._model()
    token, text = _ship(model.to_json())
    if isinstance(X, dd.DataFrame):
        _check_columns(est, X._meta, model.n_features)
        meta = pd.Series(np.empty(0, dtype=_DTYPES[method]), name=_NAMES[method])
        return X.map_partitions(_forest_part, method, n_jobs, token, text, meta=meta)
    if isinstance(X, da.Array):
        _check_columns(est, np.empty((0, X.shape[1] if X.ndim == 2 else 0)), model.n_features)
        X = _checked_array(X, model.n_features)
        return X.map_blocks(
            _forest_part, method, n_jobs, token, text, drop_axis=1, dtype=_DTYPES[method], meta=np.empty(0, dtype=_DTYPES[method])
        )
    raise InvalidTypeError(f"X must be a dask DataFrame or a dask Array, not {type(X).__name__}")


def score_samples(est: IsolationForest, X: Any, *, n_jobs: int | None = 1) -> Any:
    """``est.score_samples`` partition by partition: a Dask Series ``score``
    aligned with a DataFrame's index, or a 1-D Dask Array for an Array.
    ``n_jobs`` threads per partition (1 by default: Dask runs the
    partitions in parallel); scores do not depend on it."""
    return _forest(est, X, "score_samples", n_jobs)


def decision_function(est: IsolationForest, X: Any, *, n_jobs: int | None = 1) -> Any:
    """``est.decision_function`` partition by partition (see :func:`score_samples`)."""
    return _forest(est, X, "decision_function", n_jobs)


def predict(est: IsolationForest, X: Any, *, n_jobs: int | None = 1) -> Any:
    """``est.predict`` (-1 outlier, +1 inlier) partition by partition (see :func:`score_samples`)."""
    return _forest(est, X, "predict", n_jobs)


def _group_part(part: Any, token: str, text: str) -> Any:
    group = _load("group", token, text)
    rows = _matrix(part)
    if len(rows) == 0:
        scores, flags = np.empty(0), np.zeros(0, dtype=bool)
    else:
        found = group.score(rows)
        scores = found.scores
        flags = np.zeros(len(rows), dtype=bool)
        flags[found.anomalous_points] = True
    if hasattr(part, "index"):
        return pd.DataFrame({"score": scores, "anomalous": flags}, index=part.index)
    return scores


def score_group(group: Any, X: Any) -> Any:
    """A fitted monitoring group's batch scores (``FittedGroup.score``)
    partition by partition, against the group's reference threshold: a Dask
    DataFrame ``score``, ``anomalous`` aligned with a DataFrame's index, or
    a 1-D Dask Array of scores for an Array. (A streaming detector keeps
    state from point to point and cannot be split this way.)"""
    n_features = group.forest.n_features
    token, text = _ship(group.to_json())
    if isinstance(X, dd.DataFrame):
        width = len(X.columns)
        if width != n_features:
            raise DimensionMismatchError(f"X has {width} features, but the group is expecting {n_features} features as input")
        meta = pd.DataFrame({"score": np.empty(0), "anomalous": np.zeros(0, dtype=bool)})
        return X.map_partitions(_group_part, token, text, meta=meta)
    if isinstance(X, da.Array):
        X = _checked_array(X, n_features)
        return X.map_blocks(_group_part, token, text, drop_axis=1, dtype=np.float64, meta=np.empty(0))
    raise InvalidTypeError(f"X must be a dask DataFrame or a dask Array, not {type(X).__name__}")


# ---------------------------------------------------------------------------
# Tickets

_ROUTE_FIELDS = ("subject", "body", "error_codes", "channel")
_ROUTE_META = {
    "issue_type": "object",
    "rule": "object",
    "confidence": "float64",
    "tier": "int64",
    "priority": "object",
    "department": "object",
    "channel": "object",
    "first_response_secs": "int64",
}


def _ticket_dicts(part: Any, columns: Mapping[str, str]) -> list[dict[str, Any]]:
    present = {key: name for key, name in columns.items() if name in part.columns}
    out = []
    for row in part[list(present.values())].itertuples(index=False, name=None):
        ticket: dict[str, Any] = {}
        for key, value in zip(present, row):
            if isinstance(value, (list, tuple, np.ndarray)):
                ticket[key] = [str(v) for v in value]
            elif not frames._missing(value):
                ticket[key] = value
        out.append(ticket)
    return out


def _route_part(part: Any, columns: Mapping[str, str], token: str | None, text: str | None) -> Any:
    router = _load("router", token, text) if token is not None and text is not None else _builtin_router()
    routings = router.route_many(_ticket_dicts(part, columns))
    rows = [
        {
            "issue_type": r.issue_type,
            "rule": r.rule,
            "confidence": r.confidence,
            "tier": r.route.tier,
            "priority": str(r.route.priority),
            "department": r.route.department,
            "channel": str(r.route.channel),
            "first_response_secs": r.route.first_response_secs,
        }
        for r in routings
    ]
    return pd.DataFrame(rows, index=part.index, columns=list(_ROUTE_META)).astype(_ROUTE_META)


_ROUTER: list[Any] = []


def _builtin_router() -> Any:
    if not _ROUTER:
        _ROUTER.append(_native.Router())
    return _ROUTER[0]


def route_tickets(tickets: Any, *, router: Any = None, columns: Mapping[str, str] | None = None) -> Any:
    """Routes every ticket of a Dask DataFrame (columns ``subject``
    (required), ``body``, ``error_codes`` (lists) and ``channel``; rename
    with ``columns={"subject": "title", ...}``) with the built-in rules and
    table or ``router`` (an :class:`opsbrain.Router`, shipped as JSON): a Dask
    DataFrame aligned with the tickets' index with ``issue_type``, ``rule``,
    ``confidence``, ``tier``, ``priority``, ``department``, ``channel`` and
    ``first_response_secs``, as ``opsbrain.route_tickets`` gives them."""
    names = {key: key for key in _ROUTE_FIELDS}
    for key, name in (columns or {}).items():
        if key not in names:
            raise InvalidInputError(f"columns: unknown field {key!r}; expected one of {sorted(names)}")
        names[key] = name
    if names["subject"] not in tickets.columns:
        raise MissingKeyError(f"tickets: the frame has no {names['subject']!r} column (subject)")
    token, text = _ship(router.to_json()) if router is not None else (None, None)
    meta = pd.DataFrame({k: pd.Series(dtype=v) for k, v in _ROUTE_META.items()})
    return tickets.map_partitions(_route_part, names, token, text, meta=meta)


def _one_ticket() -> Any:
    """A valid one-ticket frame, to learn the result's columns and dtypes."""
    return pd.DataFrame({"created_at": [pd.Timestamp("2026-01-05T09:00:00Z")], "tier": [1], "priority": ["low"]})


def _sla_part(part: Any, token: str, text: str, now: Any, columns: Mapping[str, str] | None, dtypes: Any) -> Any:
    policy = _load("policy", token, text)
    out = frames.sla_status_frame(policy, part, now, columns)
    return out.astype(dtypes) if len(out) else out.reindex(columns=list(dtypes.index)).astype(dtypes)


def sla_status_batch(policy: Any, tickets: Any, now: Any, *, columns: Mapping[str, str] | None = None) -> Any:
    """:func:`opsbrain.frames.sla_status_frame` partition by partition: a
    Dask DataFrame with one row per ticket (indexed by ``ticket_id`` when the
    frame has it, else by the frame's index), the timer columns of the
    single-process frame. ``policy`` (an :class:`opsbrain.SlaPolicy`) is
    shipped as JSON."""
    frames._columns(tickets._meta, columns)
    sample = frames.sla_status_frame(policy, _one_ticket(), pd.Timestamp("2026-01-06T09:00:00Z"))
    dtypes = sample.dtypes.copy()
    for name in dtypes.index:
        if name.endswith(("_met_at", "_breach_at")):
            dtypes[name] = pd.DatetimeTZDtype(tz="UTC")
        elif name.endswith(("_secs", "_ratio")):
            dtypes[name] = np.dtype(np.float64)
    meta = sample.iloc[:0].astype(dtypes)
    id_name = (columns or {}).get("id", frames.TICKET_COLUMNS["id"])
    by_id = id_name in tickets.columns
    if by_id:
        meta.index = pd.Index([], dtype=tickets._meta[id_name].dtype, name=id_name)
    else:
        meta.index = tickets._meta.index[:0].rename(id_name)
    token, text = _ship(policy.to_json())
    # Indexed by ticket id, the result no longer follows the frame's divisions.
    return tickets.map_partitions(_sla_part, token, text, now, columns, dtypes, meta=meta, clear_divisions=by_id)


def _kpi_partial(part: Any, now: Any, columns: Mapping[str, str] | None, options: dict[str, Any], policy: tuple[str, str] | None) -> str:
    ids, records = frames.ticket_records(part, columns)
    if policy is not None:
        options = {**options, "policy": _load("policy", *policy)}
    return frames._named(ids, lambda: _native.support_kpis_partial(records, now, **options))


def _kpi_exact(part: Any, now: Any, columns: Mapping[str, str] | None, options: dict[str, Any], policy: tuple[str, str] | None) -> Any:
    ids, records = frames.ticket_records(part, columns)
    if policy is not None:
        options = {**options, "policy": _load("policy", *policy)}
    return frames._named(ids, lambda: _native.support_kpis(records, now, **options))


def _merge(*partials: str) -> str:
    return _native.merge_support_partials(list(partials))


def support_kpis_report(
    tickets: Any, now: Any, *, policy: Any = None, columns: Mapping[str, str] | None = None, split_every: int = 8, **options: Any
) -> dict[str, Any]:
    """The support KPI report (the dict :func:`opsbrain.kpi.support_kpis`
    returns) of a Dask DataFrame of tickets, computed: one mergeable partial
    per partition, merged in a tree (``split_every`` at a time) on the
    workers, finished on the client. Counts, SLA attainment, rates, means
    and agent productivity equal the single-process report exactly; the
    first-response and resolution percentiles (and the time KPIs rated at
    ``targets.time_quantile``) are within 1 % relative error of the exact
    ones. A frame of one partition gives the exact report."""
    frames._columns(tickets._meta, columns)
    shipped = None
    if policy is not None:
        token, text = _ship(policy.to_json())
        shipped = (token, text)
    parts = tickets.to_delayed()
    if len(parts) == 1:
        result: dict[str, Any] = dask.delayed(_kpi_exact)(parts[0], now, columns, options, shipped).compute()
        return result
    layer = [dask.delayed(_kpi_partial, pure=True)(p, now, columns, options, shipped) for p in parts]
    while len(layer) > 1:
        layer = [dask.delayed(_merge, pure=True)(*layer[i : i + split_every]) for i in range(0, len(layer), split_every)]
    merged: str = layer[0].compute()
    return _native.finish_support_partials([merged])


def support_kpis(
    tickets: Any, now: Any, *, policy: Any = None, columns: Mapping[str, str] | None = None, **options: Any
) -> Any:
    """:func:`support_kpis_report` as the pandas DataFrame
    :func:`opsbrain.frames.support_kpis_frame` gives: one row per group
    (``group_by``), or one row ``"all"``."""
    report = support_kpis_report(tickets, now, policy=policy, columns=columns, **options)
    groups = report["groups"] if options.get("group_by") else [report["overall"]]
    index = pd.Index([g["key"] for g in groups], name=options.get("group_by") or "group")
    return pd.DataFrame([frames._group_row(g) for g in groups], index=index)


# ---------------------------------------------------------------------------
# Miss-ratio curves


def _keys(part: Any) -> np.ndarray:
    values = part.to_numpy() if hasattr(part, "to_numpy") else np.asarray(part)
    if values.dtype == object or values.dtype.kind in "US":
        return _native.hash_keys([str(v) for v in values])
    if values.dtype.kind == "i" and len(values) and values.min() < 0:
        raise InvalidInputError("keys: negative integer keys; give uint64 keys or hash them with opsbrain.cache.hash_keys")
    return np.ascontiguousarray(values, dtype=np.uint64)


def _split(part: Any, n: int) -> list[np.ndarray]:
    """A chunk's keys split by hash partition, each in trace order."""
    keys = _keys(part)
    shard = _native.trace_partitions(keys, n)
    return [keys[shard == j] for j in range(n)]


def _shard_partial(j: int, n: int, *pieces: np.ndarray) -> str:
    keys = np.concatenate(pieces) if pieces else np.empty(0, dtype=np.uint64)
    return _native.lru_partial(keys, j, n)


def miss_ratio_curve(keys: Any, *, partitions: int | None = None) -> Any:
    """The LRU miss-ratio curve (an :class:`opsbrain.cache.MissRatioCurve`)
    of a trace given as a Dask Series (or 1-D Array) of keys in trace order
    (uint64, non-negative ints, or strings hashed by
    :func:`opsbrain.cache.hash_keys`).

    The trace is repartitioned by the SHARDS key hash into ``partitions``
    hash partitions (default: the number of chunks): each chunk is split by
    :func:`opsbrain.cache.trace_partitions` and hash partition ``j`` gathers
    piece ``j`` of every chunk in chunk order, so each key's accesses stay in
    trace order. Each hash partition's stack distances, scaled by the hash
    partition count, are a SHARDS estimate; the merged curve is exact with
    one hash partition and otherwise within about 0.001 mean absolute error of
    the exact curve on traces with thousands of distinct keys per partition
    (see ``CurvePartial`` in the Rust docs). Accesses and distinct keys are
    exact."""
    if isinstance(keys, dd.DataFrame):
        raise InvalidTypeError("keys must be a Dask Series or 1-D Array of keys, not a DataFrame")
    chunks = keys.to_delayed()
    if isinstance(keys, da.Array):
        if keys.ndim != 1:
            raise InvalidTypeError(f"keys must be 1-D, got {keys.ndim}-D")
        chunks = list(np.ravel(chunks))
    n = int(partitions) if partitions is not None else max(1, len(chunks))
    if n < 1:
        raise InvalidInputError(f"partitions must be at least 1, got {n}")
    splits = [dask.delayed(_split, nout=n, pure=True)(c, n) for c in chunks]
    partials = [dask.delayed(_shard_partial, pure=True)(j, n, *[s[j] for s in splits]) for j in range(n)]
    texts = dask.compute(*partials)
    return _native.merge_lru_partials(list(texts))
