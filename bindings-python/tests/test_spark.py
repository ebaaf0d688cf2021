"""The README's Spark recipe (model JSON broadcast, ``mapInPandas``) runs and
gives the single-process scores; it needs pyspark and Java, and is skipped
without them (Dask is the tested engine: test_dask.py)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import opsbrain

README = Path(__file__).resolve().parents[2] / "README.md"


def _recipe() -> str:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Scale out on Dask", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```py\n(.*?)```", section, flags=re.S)
    assert len(blocks) == 1 and "mapInPandas" in blocks[0]
    return blocks[0]


def test_the_recipe_is_in_the_readme() -> None:
    assert "broadcast(model.to_json())" in _recipe()


@pytest.mark.skipif(shutil.which("java") is None, reason="no Java runtime")
def test_spark_recipe_scores_as_one_process(tmp_path: Path, monkeypatch: Any) -> None:
    pytest.importorskip("pyspark")
    pd = pytest.importorskip("pandas")
    metrics = pd.DataFrame(np.random.default_rng(0).normal(size=(5_000, 3)), columns=["cpu", "mem", "io"])
    metrics.to_parquet(tmp_path / "metrics.parquet")
    model = opsbrain.IsolationForest(random_state=0).fit(metrics)
    monkeypatch.chdir(tmp_path)
    scope: dict[str, Any] = {"model": model}
    exec(compile(_recipe(), str(README), "exec"), scope)
    got = scope["scored"].toPandas()
    scope["spark"].stop()
    want = model.score_samples(got[["cpu", "mem", "io"]])
    assert np.array_equal(got["score"].to_numpy(), want)
