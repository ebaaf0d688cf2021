"""Fixture ops for `anomaly`, merged into test_conformance.OPS.

Fixture parameters are in the core's serde form ({"count": n} /
{"fraction": f}); they are mapped to the scikit-learn-style arguments of
``opsbrain.IsolationForest`` so that the public API is what runs.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Callable

import numpy as np

import opsbrain
from opsbrain import anomaly


def _rows(v: list) -> np.ndarray:
    if len(v) == 0:
        return np.zeros((0, 0))
    return np.asarray(v, dtype=np.float64).reshape(len(v), -1)


def _estimator(inp: dict) -> opsbrain.IsolationForest:
    p = inp.get("params", {})
    kw: dict[str, Any] = {"random_state": p.get("seed", 0)}
    if "n_estimators" in p:
        kw["n_estimators"] = p["n_estimators"]
    if "bootstrap" in p:
        kw["bootstrap"] = p["bootstrap"]
    for name in ("max_samples", "max_features"):
        v = p.get(name)
        if isinstance(v, dict):
            kw[name] = int(v["count"]) if "count" in v else float(v["fraction"])
        elif v is not None:
            kw[name] = v
    c = p.get("contamination")
    if isinstance(c, dict):
        kw["contamination"] = float(c["fraction"])
    return opsbrain.IsolationForest(**kw)


def _summary(est: opsbrain.IsolationForest, test: np.ndarray) -> dict:
    return {
        "scores": est.score_samples(test).tolist(),
        "decision": est.decision_function(test).tolist(),
        "predict": est.predict(test).tolist(),
        "offset": est.offset_,
        "max_samples": est.max_samples_,
        "n_features": est.n_features_in_,
    }


def _forest(inp: dict) -> dict:
    train = _rows(inp["train"])
    test = _rows(inp["test"]) if "test" in inp else train
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return _summary(_estimator(inp).fit(train), test)


def _round_trip(inp: dict) -> dict:
    train = _rows(inp["train"])
    est = opsbrain.IsolationForest.from_json(_estimator(inp).fit(train).to_json())
    return _summary(est, train)


def _monitor(inp: dict) -> opsbrain.ProactiveMonitor:
    if "config" in inp:
        return opsbrain.ProactiveMonitor.from_json(json.dumps(inp["config"]))
    return opsbrain.ProactiveMonitor()


def _when(s: str) -> datetime:
    return datetime.fromisoformat(s.replace("Z", "+00:00"))


def _iso(alerts: list[dict]) -> list[dict]:
    for a in alerts:
        for key in ("timestamp", "first_at", "peak_at", "last_at"):
            if key in a:
                a[key] = a[key].astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return alerts


def _found(monitor: opsbrain.ProactiveMonitor, found: anomaly.GroupAnomalies, now: str) -> dict:
    # The attributes (numpy arrays) and to_dict() must agree.
    d = found.to_dict()
    assert d["scores"] == found.scores.tolist()
    assert d["anomalous_points"] == found.anomalous_points.tolist()
    assert d["attribution"] == found.attribution.tolist()
    at = found.anomalous_instants
    if at is None:
        assert "anomalous_instants" not in d
    else:
        assert d["anomalous_instants"] == [np.datetime_as_string(t, unit="s") + "Z" for t in at]
    return {"anomalies": d, "alerts": _iso(monitor.alerts([found], _when(now)))}


def _detect(inp: dict) -> dict:
    m = _monitor(inp)
    instants = [_when(t) for t in inp["instants"]] if "instants" in inp else None
    return _found(m, m.detect(inp["group"], _rows(inp["data"]), instants), inp["now"])


def _detect_stream(inp: dict) -> list:
    m = _monitor(inp)
    at = [_when(t) for t in inp["instants"]]
    found = m.detect_stream(inp["group"], _rows(inp["data"]), at, inp.get("stream"), inp.get("episodes"))
    for x in found:
        for key in ("start", "end", "peak_at"):
            x[key] = _zulu(x[key])
    return found


def _score(inp: dict) -> dict:
    m = _monitor(inp)
    fitted = m.fit(inp["group"], _rows(inp["reference"]))
    return _found(m, fitted.score(_rows(inp["data"])), inp["now"])


def _zulu(t: Any) -> str:
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _stream_run(inp: dict) -> dict:
    """As `stream_run` in tests/conformance/anomaly.rs, through the public API."""
    d = anomaly.StreamDetector(inp.get("config"))
    e = anomaly.Episodes(inp["metric"], inp.get("episode_config"))
    at = [a for a, _ in inp["points"]]
    values = [np.nan if v is None else v for _, v in inp["points"]]
    n = len(at)
    k = inp.get("resume_at", n)
    points: list[dict] = []
    episodes: list[dict] = []
    for part, (lo, hi) in enumerate([(0, k), (k, n)]):
        if part == 1:
            d = anomaly.StreamDetector.from_json(d.to_json())
            e = anomaly.Episodes.from_json(e.to_json())
        if inp.get("batch"):
            # numpy datetime64 (UTC by convention) and a float64 array.
            instants = np.array([a.rstrip("Z") for a in at[lo:hi]], dtype="datetime64[us]")
            cols = d.update_many(instants, np.array(values[lo:hi], dtype=np.float64))
            stamps = [t.item().replace(tzinfo=timezone.utc) for t in cols["at"]]
            new = [{"at": t, **{c: float(cols[c][i]) for c in ("score", "anomaly", "raw", "expected")}} for i, t in enumerate(stamps)]
        else:
            new = [d.update(_when(a), v) for a, v in zip(at[lo:hi], values[lo:hi])]
        for p in new:
            closed = e.push(p)
            if closed is not None:
                episodes.append(closed)
            points.append({**p, "at": _zulu(p["at"])})
    last = e.finish()
    episodes += [] if last is None else [last]
    for x in episodes:
        for key in ("start", "end", "peak_at"):
            x[key] = _zulu(x[key])
    return {"points": points, "episodes": episodes, "deduplicated": e.deduplicated}


OPS: dict[str, Callable[[dict], Any]] = {
    "anomaly.isolation_forest": _forest,
    "anomaly.isolation_forest.json_round_trip": _round_trip,
    "anomaly.isolation_forest.from_json": lambda inp: anomaly.IsolationForestModel.from_json(inp["text"]).n_features,
    "anomaly.average_path_length": lambda inp: anomaly.average_path_length(inp["n"]),
    "anomaly.monitor.detect": _detect,
    "anomaly.monitor.score": _score,
    "anomaly.monitor.detect_stream": _detect_stream,
    "anomaly.monitor.from_json": lambda inp: opsbrain.ProactiveMonitor.from_json(inp["text"]).config,
    "anomaly.stream.run": _stream_run,
    "anomaly.stream.from_json": lambda inp: anomaly.StreamDetector.from_json(inp["text"]).points,
}
