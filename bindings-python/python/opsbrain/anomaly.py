"""Anomaly scoring: a scikit-learn-compatible Isolation Forest computed by the
Rust core, and the framework's proactive monitoring.

:class:`IsolationForest` has scikit-learn's parameters, attributes and
semantics (``score_samples`` is higher for normal points, ``offset_`` is -0.5
for ``contamination="auto"``, ``predict`` gives -1/+1); it works with
``sklearn.base.clone`` and in a ``Pipeline``, takes numpy arrays (float64 is
borrowed without a copy, other dtypes are converted) and pandas DataFrames,
releases the GIL while computing, pickles, and saves to JSON that the Node
and Rust APIs load. The same ``random_state`` gives the same scores whatever
``n_jobs`` is.

>>> import numpy as np
>>> from opsbrain import IsolationForest
>>> rng = np.random.default_rng(0)
>>> X = np.vstack([rng.normal(size=(200, 2)), [[6.0, 6.0]]])
>>> model = IsolationForest(contamination=0.01, random_state=0).fit(X)
>>> int(model.predict(X)[-1])
-1
>>> bool(model.score_samples(X)[-1] < model.offset_)
True

:class:`ProactiveMonitor` is the framework's monitoring layer: named metric
groups with their own contamination, standard scaling, a threshold at the
5th percentile of decision scores, anomalous rows and ``anomaly_detected``
alerts with a severity and a recommendation.

>>> from datetime import datetime, timezone
>>> from opsbrain import ProactiveMonitor
>>> monitor = ProactiveMonitor()
>>> window = np.column_stack([100 + np.arange(200) % 7, 40 + np.arange(200) % 5]).astype(float)
>>> window[150] = [2400.0, 97.0]
>>> found = monitor.detect("performance", window)
>>> 150 in found.anomalous_points
True
>>> alert = monitor.alerts([found], datetime(2026, 11, 27, 9, tzinfo=timezone.utc))[0]
>>> alert["type"], alert["metric"]
('anomaly_detected', 'performance')
"""

from __future__ import annotations

import json
import numbers
import secrets
import warnings
from typing import Any

import numpy as np

from opsbrain._native import (
    Episodes,
    FittedGroup,
    GroupAnomalies,
    IsolationForestModel,
    ProactiveMonitor,
    StreamDetector,
    average_path_length,
    fit_isolation_forest,
)
from opsbrain.errors import DimensionMismatchError, InvalidInputError, InvalidTypeError, NotFittedError

__all__ = [
    "Episodes",
    "FittedGroup",
    "GroupAnomalies",
    "IsolationForest",
    "IsolationForestModel",
    "ProactiveMonitor",
    "StreamDetector",
    "average_path_length",
]

_PARAMS = (
    "n_estimators",
    "max_samples",
    "contamination",
    "max_features",
    "bootstrap",
    "random_state",
    "n_jobs",
)


def _seed(random_state: Any) -> int:
    """A 64-bit seed from scikit-learn's ``random_state`` forms."""
    if random_state is None:
        return secrets.randbits(64)
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        seed = int(random_state)
        if seed < 0 or seed >= 2**64:
            raise InvalidInputError(f"random_state must be in [0, 2**64), got {seed}")
        return seed
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(0, 2**63 - 1, dtype=np.int64))
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(0, 2**63 - 1))
    raise InvalidTypeError(
        f"random_state must be None, an int, a numpy RandomState or Generator, not {type(random_state).__name__}"
    )


def _rows(X: Any) -> Any:
    """``X`` for the native calls: numpy arrays as they are (any layout and
    dtype; float64 is borrowed), DataFrames and lists through numpy.
    Refused here, with the messages scikit-learn's estimator checks look
    for: sparse matrices, complex numbers, 1-D input and no columns."""
    if hasattr(X, "tocsr") and hasattr(X, "nnz"):  # scipy.sparse, without importing it
        raise InvalidTypeError(
            "X is a sparse matrix: IsolationForest takes dense input only for now; pass X.toarray()"
        )
    if not isinstance(X, np.ndarray):
        try:
            X = np.asarray(X)
        except (TypeError, ValueError) as e:  # ragged rows
            raise InvalidTypeError(f"X must be a 2-D array of numbers (rows x columns): {e}") from e
    if np.iscomplexobj(X):
        raise InvalidTypeError("X holds complex numbers: Complex data not supported")
    if X.dtype == object:
        try:
            X = X.astype(np.float64)
        except (TypeError, ValueError) as e:  # strings, None
            raise InvalidTypeError(f"X must be a 2-D array of numbers (rows x columns): {e}") from e
    if X.ndim != 2:
        raise InvalidTypeError(
            f"X must be 2-D (rows x columns), got {X.ndim}-D with shape {X.shape}: "
            "Reshape your data with X.reshape(-1, 1) if it is one column, or X.reshape(1, -1) if it is one row"
        )
    if X.shape[1] == 0:
        raise InvalidInputError(f"X has 0 feature(s) (shape={X.shape}) while a minimum of 1 is required.")
    return X


def _names(X: Any) -> np.ndarray | None:
    """The column names of a DataFrame-like ``X`` when all are strings."""
    columns = getattr(X, "columns", None)
    if columns is None or not all(isinstance(c, str) for c in columns):
        return None
    return np.asarray(list(columns), dtype=object)


def _check_columns(est: Any, X: Any, n_features: int) -> None:
    """Columns at scoring time as at fit time: the same count, and the same
    names in the same order when the model was fitted with names."""
    fitted = getattr(est, "feature_names_in_", None)
    names = _names(X)
    kind = type(est).__name__
    if fitted is not None and names is None:
        warnings.warn(f"X does not have valid feature names, but {kind} was fitted with feature names", UserWarning, stacklevel=3)
    elif fitted is None and names is not None:
        warnings.warn(f"X has feature names, but {kind} was fitted without feature names", UserWarning, stacklevel=3)
    elif fitted is not None and names is not None and list(fitted) != list(names):
        unseen = [n for n in names if n not in set(fitted)]
        missing = [n for n in fitted if n not in set(names)]
        if not unseen and not missing:
            raise InvalidInputError(
                "The feature names should match those that were passed during fit: "
                f"Feature names must be in the same order as they were in fit ({list(fitted)}), got {list(names)}"
            )
        raise InvalidInputError(
            "The feature names should match those that were passed during fit: "
            f"unseen at fit time {unseen}, seen at fit time yet now missing {missing}"
        )
    width = getattr(X, "shape", (0, n_features))[-1]
    if width != n_features:
        raise DimensionMismatchError(f"X has {width} features, but {kind} is expecting {n_features} features as input")


class IsolationForest:
    """Isolation Forest (Liu, Ting & Zhou) with scikit-learn's API and
    semantics, computed by opsbrain's Rust core in parallel.

    Parameters are scikit-learn's: ``n_estimators`` trees, each grown on
    ``max_samples`` rows (``"auto"`` = min(256, n); an int; a float fraction)
    and ``max_features`` columns (an int or a float fraction), with
    replacement if ``bootstrap``; ``contamination`` (``"auto"`` or a float in
    (0, 0.5]) sets ``offset_``; ``random_state`` (None, an int, a numpy
    RandomState or Generator) seeds every draw; ``n_jobs`` threads (None or
    -1: every core) change only the speed, never the result.

    After ``fit``: ``model_`` (the native, JSON-serialisable model),
    ``offset_``, ``max_samples_``, ``n_features_in_`` and, for DataFrames,
    ``feature_names_in_``.
    """

    def __init__(
        self,
        n_estimators: int = 100,
        max_samples: str | int | float = "auto",
        contamination: str | float = "auto",
        max_features: int | float = 1.0,
        bootstrap: bool = False,
        random_state: Any = None,
        n_jobs: int | None = None,
    ) -> None:
        self.n_estimators = n_estimators
        self.max_samples = max_samples
        self.contamination = contamination
        self.max_features = max_features
        self.bootstrap = bootstrap
        self.random_state = random_state
        self.n_jobs = n_jobs

    # scikit-learn's estimator protocol -------------------------------------------------

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor parameters (scikit-learn's protocol)."""
        return {name: getattr(self, name) for name in _PARAMS}

    def set_params(self, **params: Any) -> IsolationForest:
        """Sets constructor parameters; an unknown name is a ValueError."""
        for name, value in params.items():
            if name not in _PARAMS:
                raise ValueError(
                    f"Invalid parameter {name!r} for estimator {type(self).__name__}. "
                    f"Valid parameters are: {sorted(_PARAMS)!r}."
                )
            setattr(self, name, value)
        return self

    def __sklearn_tags__(self) -> Any:
        from sklearn.utils import Tags, TargetTags  # type: ignore[import-untyped,unused-ignore]

        tags = Tags(estimator_type="outlier_detector", target_tags=TargetTags(required=False))
        tags.input_tags.allow_nan = False
        return tags

    def __repr__(self) -> str:
        defaults = IsolationForest()
        changed = [
            f"{name}={getattr(self, name)!r}"
            for name in _PARAMS
            if getattr(self, name) is not getattr(defaults, name) and getattr(self, name) != getattr(defaults, name)
        ]
        return f"IsolationForest({', '.join(changed)})"

    # fitting and scoring --------------------------------------------------------------

    def fit(self, X: Any, y: Any = None) -> IsolationForest:
        """Grows the forest on ``X`` (rows x columns); ``y`` is ignored. A
        DataFrame's column names are kept (``feature_names_in_``) and checked
        when scoring, as scikit-learn does."""
        names = _names(X)
        rows = _rows(X)
        if rows.shape[0] < 2:
            raise InvalidInputError(
                f"need at least 2 rows to fit an isolation forest, got n_samples={rows.shape[0]}"
            )
        model = fit_isolation_forest(
            rows,
            n_estimators=self.n_estimators,
            max_samples=self.max_samples,
            contamination=self.contamination,
            max_features=self.max_features,
            bootstrap=self.bootstrap,
            seed=_seed(self.random_state),
            n_jobs=self.n_jobs,
        )
        for message in model.warnings:
            warnings.warn(message, UserWarning, stacklevel=2)
        self._set_model(model)
        if names is not None:
            self.feature_names_in_ = names
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        return self

    def _set_model(self, model: IsolationForestModel) -> None:
        self.model_ = model
        self.offset_ = model.offset
        self.max_samples_ = model.max_samples
        self.n_features_in_ = model.n_features

    def _model(self) -> IsolationForestModel:
        model: IsolationForestModel | None = getattr(self, "model_", None)
        if model is None:
            raise NotFittedError(
                "This IsolationForest instance is not fitted yet. Call 'fit' with appropriate arguments first."
            )
        return model

    def _checked(self, X: Any) -> tuple[IsolationForestModel, Any]:
        """The fitted model and ``X`` checked against it."""
        model = self._model()
        rows = _rows(X)
        _check_columns(self, X if hasattr(X, "columns") else rows, model.n_features)
        return model, rows

    def score_samples(self, X: Any) -> np.ndarray:
        """Higher is more normal (the opposite of the paper's anomaly score)."""
        model, rows = self._checked(X)
        return model.score_samples(rows, n_jobs=self.n_jobs)

    def decision_function(self, X: Any) -> np.ndarray:
        """``score_samples(X) - offset_``: negative for outliers."""
        model, rows = self._checked(X)
        return model.decision_function(rows, n_jobs=self.n_jobs)

    def predict(self, X: Any) -> np.ndarray:
        """-1 for outliers, +1 for inliers."""
        model, rows = self._checked(X)
        return model.predict(rows, n_jobs=self.n_jobs)

    def score_frame(self, X: Any) -> Any:
        """Scores of a DataFrame (or Series of rows) aligned with its index:
        a DataFrame with ``score`` (``score_samples``), ``decision``
        (``decision_function``) and ``outlier`` (``predict == -1``). pandas
        is imported only here.

        >>> import pandas as pd
        >>> df = pd.DataFrame({"cpu": [0.4, 0.41, 0.39, 0.42, 0.97]}, index=list("abcde"))
        >>> out = IsolationForest(contamination=0.2, random_state=0).fit(df).score_frame(df)
        >>> list(out.columns), out["outlier"].idxmax()
        (['score', 'decision', 'outlier'], 'e')
        """
        import pandas as pd  # type: ignore[import-untyped,unused-ignore]

        model, rows = self._checked(X)
        scores = model.score_samples(rows, n_jobs=self.n_jobs)
        decision = scores - model.offset
        index = getattr(X, "index", None)
        return pd.DataFrame({"score": scores, "decision": decision, "outlier": decision < 0}, index=index)

    def fit_predict(self, X: Any, y: Any = None) -> np.ndarray:
        """``fit(X).predict(X)``."""
        return self.fit(X).predict(X)

    # persistence ----------------------------------------------------------------------

    def to_json(self) -> str:
        """The fitted model as JSON, loadable by :meth:`from_json` and by the
        Node and Rust APIs."""
        return self._model().to_json()

    @classmethod
    def from_json(cls, text: str) -> IsolationForest:
        """A fitted estimator from JSON written by any opsbrain binding."""
        model = IsolationForestModel.from_json(text)
        p = json.loads(text)["params"]
        ms = p["max_samples"]
        mf = p["max_features"]
        c = p["contamination"]
        est = cls(
            n_estimators=p["n_estimators"],
            max_samples=ms if ms == "auto" else (ms["count"] if "count" in ms else ms["fraction"]),
            contamination=c if c == "auto" else c["fraction"],
            max_features=mf["count"] if "count" in mf else mf["fraction"],
            bootstrap=p["bootstrap"],
            random_state=p["seed"],
        )
        est._set_model(model)
        return est
