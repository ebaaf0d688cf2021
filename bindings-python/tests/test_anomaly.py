"""Isolation Forest and proactive monitoring from Python, held against
scikit-learn (installed by scripts/test)."""

from __future__ import annotations

import pickle
import threading
import warnings
from datetime import datetime, timezone

import numpy as np
import pytest

import opsbrain
from opsbrain import IsolationForest, ProactiveMonitor, anomaly

sklearn = pytest.importorskip("sklearn")
from sklearn.base import clone  # noqa: E402
from sklearn.datasets import load_breast_cancer  # noqa: E402
from sklearn.ensemble import IsolationForest as SkIsolationForest  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402


def _blob(n: int = 2000, d: int = 3, outliers: int = 40, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    inliers = rng.normal(size=(n, d))
    far = rng.uniform(-6, 6, size=(outliers, d))
    far[np.linalg.norm(far, axis=1) < 4] *= 3
    X = np.vstack([inliers, far])
    y = np.r_[np.zeros(n), np.ones(outliers)]
    return X, y


def test_expected_scores_match_scikit_learn_with_many_trees() -> None:
    # With many trees both estimate the same expectation E[h(x)], so the
    # scores converge to each other (the random streams differ).
    X, _ = _blob(1500, 2, 30)
    ours = IsolationForest(n_estimators=1000, random_state=1).fit(X).score_samples(X)
    theirs = SkIsolationForest(n_estimators=1000, random_state=1).fit(X).score_samples(X)
    assert np.abs(ours - theirs).mean() < 0.005
    assert np.corrcoef(ours, theirs)[0, 1] > 0.99
    assert ours.min() >= -1 and ours.max() < 0


def test_roc_auc_parity_on_a_dataset_scikit_learn_ships() -> None:
    # Breast cancer: malignant tumours as the rare class, 5 seeds each; 500
    # trees so that seed-to-seed noise (about 0.03 AUC with 100 trees) does
    # not decide the comparison.
    data = load_breast_cancer()
    X = data.data
    y = (data.target == 0).astype(int)
    ours = [roc_auc_score(y, -IsolationForest(n_estimators=500, random_state=s).fit(X).score_samples(X)) for s in range(5)]
    theirs = [roc_auc_score(y, -SkIsolationForest(n_estimators=500, random_state=s).fit(X).score_samples(X)) for s in range(5)]
    assert abs(np.mean(ours) - np.mean(theirs)) < 0.02, (ours, theirs)


@pytest.mark.parametrize("contamination", [0.01, 0.05, 0.2])
def test_contamination_offset_flags_the_same_share_as_scikit_learn(contamination: float) -> None:
    X, _ = _blob()
    ours = IsolationForest(contamination=contamination, random_state=0).fit(X)
    theirs = SkIsolationForest(contamination=contamination, random_state=0).fit(X)
    assert (ours.predict(X) == -1).sum() == (theirs.predict(X) == -1).sum()
    assert ours.offset_ == pytest.approx(np.percentile(ours.score_samples(X), 100 * contamination))
    assert IsolationForest().fit(X).offset_ == -0.5


def test_semantics_decision_and_predict() -> None:
    X, _ = _blob(500, 2, 10)
    m = IsolationForest(contamination=0.02, random_state=3).fit(X)
    s, d, p = m.score_samples(X), m.decision_function(X), m.predict(X)
    np.testing.assert_array_equal(d, s - m.offset_)
    np.testing.assert_array_equal(p, np.where(d < 0, -1, 1))
    np.testing.assert_array_equal(m.fit_predict(X), p)
    a = m.model_.anomaly_score(X)
    assert ((a > 0) & (a <= 1)).all()
    np.testing.assert_array_equal(a, -s)


def test_same_seed_same_scores_whatever_the_thread_count() -> None:
    X, _ = _blob(3000, 3, 30)
    one = IsolationForest(random_state=5, n_jobs=1).fit(X)
    two = IsolationForest(random_state=5, n_jobs=2).fit(X)
    assert one.to_json() == two.to_json()
    np.testing.assert_array_equal(one.score_samples(X), two.score_samples(X))
    np.testing.assert_array_equal(
        IsolationForest(random_state=5, n_jobs=-1).fit(X).score_samples(X), one.score_samples(X)
    )
    # random_state=None draws a fresh seed each fit.
    a = IsolationForest().fit(X).score_samples(X)
    b = IsolationForest().fit(X).score_samples(X)
    assert not np.array_equal(a, b)


def test_duplicates_score_alike() -> None:
    X, _ = _blob(300, 2, 5)
    X = np.vstack([X, X[7], X[7]])
    s = IsolationForest(random_state=0).fit(X).score_samples(X)
    assert s[7] == s[-1] == s[-2]


def test_inputs_any_layout_dtype_list_and_dataframe() -> None:
    pd = pytest.importorskip("pandas")
    X, _ = _blob(400, 3, 4)
    m = IsolationForest(random_state=0).fit(X)
    base = m.score_samples(X)
    np.testing.assert_array_equal(m.score_samples(np.asfortranarray(X)), base)
    np.testing.assert_array_equal(m.score_samples(X.tolist()), base)
    np.testing.assert_array_equal(m.score_samples(X[::2]), base[::2])
    Xi = np.round(X * 10).astype(np.int64)
    np.testing.assert_array_equal(m.score_samples(Xi), m.score_samples(Xi.astype(np.float64)))
    df = pd.DataFrame(X, columns=["latency", "cpu", "errors"])
    md = IsolationForest(random_state=0).fit(df)
    assert list(md.feature_names_in_) == ["latency", "cpu", "errors"]
    np.testing.assert_array_equal(md.score_samples(df), base)


def test_clone_get_set_params_and_pipeline() -> None:
    est = IsolationForest(n_estimators=50, contamination=0.1, random_state=2)
    c = clone(est)
    assert c.get_params() == est.get_params()
    assert not hasattr(c, "model_")
    assert c.set_params(n_estimators=20) is c and c.n_estimators == 20
    with pytest.raises(ValueError, match="Invalid parameter"):
        c.set_params(trees=3)
    X, _ = _blob(600, 3, 12)
    pipe = Pipeline([("scale", StandardScaler()), ("forest", IsolationForest(contamination=0.02, random_state=0))])
    labels = pipe.fit(X).predict(X)
    assert set(np.unique(labels)) == {-1, 1}
    direct = IsolationForest(contamination=0.02, random_state=0).fit(StandardScaler().fit_transform(X))
    np.testing.assert_array_equal(pipe.decision_function(X), direct.decision_function(StandardScaler().fit(X).transform(X)))
    assert "n_estimators=50" in repr(est)


def test_pickle_and_json_round_trip() -> None:
    X, _ = _blob(300, 2, 3)
    m = IsolationForest(n_estimators=30, max_samples=0.5, max_features=1, contamination=0.05, random_state=4).fit(X)
    for again in (pickle.loads(pickle.dumps(m)), IsolationForest.from_json(m.to_json())):
        np.testing.assert_array_equal(again.score_samples(X), m.score_samples(X))
        assert again.offset_ == m.offset_
    back = IsolationForest.from_json(m.to_json())
    assert (back.n_estimators, back.max_samples, back.max_features, back.contamination, back.random_state) == (
        30, 0.5, 1, 0.05, 4,
    )
    model = pickle.loads(pickle.dumps(m.model_))
    np.testing.assert_array_equal(model.predict(X), m.predict(X))


def test_scoring_runs_in_threads_with_the_gil_released() -> None:
    X, _ = _blob(20000, 3, 0)
    m = IsolationForest(random_state=0, n_jobs=1).fit(X)
    expected = m.score_samples(X)
    results: list[np.ndarray] = []
    threads = [threading.Thread(target=lambda: results.append(m.score_samples(X))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4 and all(np.array_equal(r, expected) for r in results)


@pytest.mark.parametrize(
    ("make", "exc", "code"),
    [
        (lambda: IsolationForest().fit(np.array([[1.0, np.nan], [2.0, 3.0]])), opsbrain.InvalidInputError, "invalid_input"),
        (lambda: IsolationForest().fit(np.array([[1.0, np.inf], [2.0, 3.0]])), opsbrain.InvalidInputError, "invalid_input"),
        (lambda: IsolationForest().fit(np.zeros((0, 3))), opsbrain.InvalidInputError, "invalid_input"),
        (lambda: IsolationForest().fit(np.zeros((1, 3))), opsbrain.InvalidInputError, "invalid_input"),
        (lambda: IsolationForest().fit(np.zeros((5, 0))), opsbrain.InvalidInputError, "invalid_input"),
        (lambda: IsolationForest().fit(np.zeros(5)), opsbrain.InvalidTypeError, "invalid_type"),
        (lambda: IsolationForest(contamination=0.7).fit(np.eye(3)), opsbrain.InvalidConfigError, "invalid_config"),
        (lambda: IsolationForest(contamination=0.0).fit(np.eye(3)), opsbrain.InvalidConfigError, "invalid_config"),
        (lambda: IsolationForest(contamination="most").fit(np.eye(3)), opsbrain.InvalidConfigError, "invalid_config"),
        (lambda: IsolationForest(n_estimators=0).fit(np.eye(3)), opsbrain.InvalidConfigError, "invalid_config"),
        (lambda: IsolationForest(n_estimators=10**9).fit(np.eye(3)), opsbrain.LimitExceededError, "limit_exceeded"),
        (lambda: IsolationForest(max_features=4).fit(np.eye(3)), opsbrain.InvalidConfigError, "invalid_config"),
        (lambda: IsolationForest(max_samples=-3).fit(np.eye(3)), opsbrain.InvalidConfigError, "invalid_config"),
        (lambda: IsolationForest().fit(np.eye(3)).predict(np.eye(4)), opsbrain.DimensionMismatchError, "dimension_mismatch"),
        (lambda: IsolationForest().predict(np.eye(3)), opsbrain.NotFittedError, "not_fitted"),
        (lambda: IsolationForest(n_jobs=0).fit(np.eye(3)), opsbrain.InvalidInputError, "invalid_input"),
        (lambda: anomaly.IsolationForestModel.from_json('{"format_version": 7}'), opsbrain.UnsupportedVersionError, "unsupported_version"),
    ],
)
def test_bad_input_is_a_clear_error(make, exc, code) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(exc) as info:
        make()
    assert info.value.code == code
    assert isinstance(info.value, opsbrain.OpsbrainError)


def test_max_samples_larger_than_the_data_is_clipped_with_a_warning() -> None:
    X, _ = _blob(50, 2, 0)
    with pytest.warns(UserWarning, match="max_samples"):
        m = IsolationForest(max_samples=1000, random_state=0).fit(X)
    assert m.max_samples_ == 50
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert IsolationForest(max_samples=0.5, random_state=0).fit(X).max_samples_ == 25


def test_monitor_batch_streaming_alerts_and_pickle() -> None:
    rng = np.random.default_rng(1)
    window = np.column_stack([rng.normal(120, 5, 500), rng.normal(40, 3, 500)])
    window[321] = [900.0, 99.0]
    monitor = ProactiveMonitor()
    found = monitor.detect("performance", window)
    assert 321 in found.anomalous_points
    assert len(found.anomalous_points) == pytest.approx(50, abs=2)  # performance: contamination 0.1
    when = datetime(2026, 11, 27, 9, 30, tzinfo=timezone.utc)
    (alert,) = monitor.alerts([found], when)
    assert alert["type"] == "anomaly_detected" and alert["timestamp"] == when
    assert alert["severity"] in {"low", "medium", "high", "critical"}
    assert "deploy" in alert["recommendation"]

    fitted = monitor.fit("usage_patterns", window[:400])
    calm = fitted.score(window[400:420] * 0 + [120.0, 40.0])
    assert len(calm.anomalous_points) == 0
    assert monitor.alerts([calm], when) == []
    spike = fitted.score(np.array([[120.0, 40.0], [5000.0, 0.0]]))
    assert spike.anomalous_points.tolist() == [1]
    again = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(again.score(window).scores, fitted.score(window).scores)
    assert pickle.loads(pickle.dumps(monitor)).config == monitor.config

    # Any group name is scored at other_groups' contamination ...
    disk = monitor.detect("disk", window)
    assert disk.expected_share == 0.05 and "disk" in monitor.alerts([disk], when)[0]["recommendation"]
    # ... unless the configuration has no other_groups.
    strict = ProactiveMonitor.from_json('{"groups": [{"name": "performance", "contamination": 0.1, "recommendation": "r"}]}')
    with pytest.raises(opsbrain.InvalidInputError, match="unknown metric group"):
        strict.detect("disk", window)
    with pytest.raises(opsbrain.InvalidInputError, match="must not be empty"):
        monitor.detect(" ", window)
    with pytest.raises(opsbrain.InvalidInputError):
        monitor.alerts([found], datetime(2026, 1, 1))
    with pytest.raises(opsbrain.InvalidTypeError):
        monitor.alerts([{"metric": "performance"}], when)
    with pytest.raises(opsbrain.InvalidInputError):
        monitor.detect("performance", np.array([[1.0, np.nan], [2.0, 3.0]]))


def test_a_nan_row_gets_the_core_message() -> None:
    """The same message as in Rust and Node (tests/mistakes.rs NAN_ROW)."""
    nan_row = "row 1, column 0 is NaN: isolation forests need finite values"
    x = np.array([[1.0, 2.0], [np.nan, 3.0], [4.0, 5.0]])
    with pytest.raises(opsbrain.InvalidInputError) as info:
        IsolationForest().fit(x)
    assert (info.value.code, str(info.value)) == ("invalid_input", nan_row)
    small = IsolationForest().fit(np.array([[1.0, 2.0], [2.0, 3.0], [4.0, 5.0]]))
    with pytest.raises(opsbrain.InvalidInputError) as info:
        small.decision_function(x)
    assert (info.value.code, str(info.value)) == ("invalid_input", nan_row)


def test_monitor_instants_attribution_and_streaming() -> None:
    import pandas as pd

    data = np.array([[(i * 7) % 11, (i * 5) % 13] for i in range(80)], dtype=float)
    data[50, 1] = 90.0
    index = pd.date_range("2026-11-02", periods=80, freq="5min", tz="UTC")
    m = opsbrain.ProactiveMonitor()
    found = m.detect("performance", data, index)
    i = found.anomalous_points.tolist().index(50)
    assert found.anomalous_instants[i] == np.datetime64("2026-11-02T04:10:00")
    assert found.attribution[1] > found.attribution[0]
    (alert,) = m.alerts([found], index[-1].to_pydatetime())
    assert alert["peak_at"] == index[50].to_pydatetime()
    assert alert["first_at"] <= alert["peak_at"] <= alert["last_at"]
    assert m.detect("performance", data).anomalous_instants is None
    with pytest.raises(opsbrain.OpsbrainError) as e:
        m.detect("performance", data, index[:-1])
    assert e.value.code == "dimension_mismatch"

    n = 450
    rows = np.array([[50 + (i * 3) % 7, 20 + (i * 4) % 5] for i in range(n)], dtype=float)
    rows[400:408, 0] = 400.0
    at = pd.date_range("2026-11-02", periods=n, freq="5min", tz="UTC")
    (episode,) = m.detect_stream("latency", rows, at)
    assert (episode["metric"], episode["column"]) == ("latency", 0)
    assert at[400] <= pd.Timestamp(episode["start"]) <= at[402]
    with pytest.raises(opsbrain.OpsbrainError) as e:
        m.detect_stream("latency", rows, at, stream={"warmupp": 1})
    assert e.value.code == "invalid_input"
