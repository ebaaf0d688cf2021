"""The README's parity table names every core entry point in both bindings;
every Python name in it must resolve (the Node test checks the Node column)."""

from __future__ import annotations

import re
from pathlib import Path

import opsbrain

README = Path(__file__).resolve().parents[2] / "README.md"


def parity_rows() -> list[tuple[str, str, str]]:
    text = README.read_text(encoding="utf-8")
    block = text.split("<!-- parity:start -->", 1)[1].split("<!-- parity:end -->", 1)[0]
    rows = []
    for line in block.splitlines():
        cells = re.findall(r"`([^`]+)`", line)
        if line.startswith("| `") and len(cells) >= 3:
            rows.append((cells[0], cells[-2], cells[-1]))
    return rows


def resolve(root: object, dotted: str) -> object:
    obj = root
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj


def test_table_is_complete() -> None:
    rows = parity_rows()
    assert len(rows) >= 70, len(rows)
    # Python names are snake_case, Node names camelCase, and they name the same thing.
    for core, py, node in rows:
        camel = re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), py)
        same = camel == node or py.split(".")[-1] == node.split(".")[-1]
        assert same or core in {
            "cache::MissRatioCurve::exact_lru",
            "anomaly::IsolationForest::from_json",
            "anomaly::average_path_length",
            "anomaly::FittedGroup::score",
            "anomaly::FittedGroup::from_json",
            # Python's detect takes instants as an optional argument; Node,
            # without keyword arguments, has detectAt.
            "anomaly::GroupAnomalies::with_instants",
        }, (core, py, node)


def test_every_python_name_resolves() -> None:
    missing = []
    for core, py, _ in parity_rows():
        try:
            obj = resolve(opsbrain, py)
        except AttributeError:
            missing.append(f"{core}: opsbrain.{py}")
            continue
        assert callable(obj), f"opsbrain.{py} is not callable"
    assert not missing, "missing in Python: " + ", ".join(missing)
