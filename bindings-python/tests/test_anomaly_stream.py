"""anomaly.StreamDetector and anomaly.Episodes (the core's anomaly::stream);
the shared fixtures are in test_conformance.py."""

from __future__ import annotations

import numpy as np
import pytest

import opsbrain


def _series(n: int = 400) -> tuple:
    import pandas as pd

    at = pd.date_range("2026-03-02", periods=n, freq="5min", tz="UTC")
    values = 40.0 + np.arange(n) % 9
    values[n // 2] = 95.0
    return at, values


def test_stream_update_many_matches_update_and_pickles() -> None:
    import pickle

    at, values = _series()
    one = opsbrain.anomaly.StreamDetector({"warmup": 50})
    points = [one.update(t, v) for t, v in zip(at, values)]
    many = opsbrain.anomaly.StreamDetector({"warmup": 50})
    cols = many.update_many(at.tz_convert(None).to_numpy(), values)  # datetime64, UTC by convention
    assert cols["score"].tolist() == [p["score"] for p in points]
    assert cols["at"].dtype == np.dtype("datetime64[us]") and cols["score"].dtype == np.float64
    assert many == one and pickle.loads(pickle.dumps(one)) == one
    assert one.points == len(at) and 0 < one.state_bytes < 64 * 1024
    assert one.config["warmup"] == 50
    # Equal by value, but unhashable: the state changes with every point.
    for mutable in (one, opsbrain.anomaly.Episodes("cpu"), opsbrain.Router()):
        with pytest.raises(TypeError, match="unhashable"):
            hash(mutable)


def test_stream_errors_are_coded() -> None:
    at, values = _series(10)
    d = opsbrain.anomaly.StreamDetector()
    with pytest.raises(opsbrain.OpsbrainError) as e:
        opsbrain.anomaly.StreamDetector({"warmpu": 5})
    assert "warmpu" in str(e.value)
    with pytest.raises(opsbrain.OpsbrainError, match="tz_localize"):
        d.update_many(at.tz_localize(None), values)
    with pytest.raises(opsbrain.OpsbrainError) as e:
        d.update_many(at, values[:5])
    assert e.value.code == "dimension_mismatch"
    with pytest.raises(opsbrain.OpsbrainError) as e:
        d.update_many(np.array(["2026-03-02", "NaT"], dtype="datetime64[us]"), [1.0, 2.0])
    assert e.value.code == "invalid_input"
    d.update(at[5].to_pydatetime(), 1.0)
    with pytest.raises(opsbrain.OpsbrainError) as e:
        d.update(at[4].to_pydatetime(), 1.0)
    assert e.value.code == "invalid_input" and d.points == 1
    with pytest.raises(opsbrain.OpsbrainError) as e:
        opsbrain.anomaly.Episodes("cpu").push({"at": at[0], "score": 0.5})
    assert e.value.code != ""
