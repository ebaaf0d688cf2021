from __future__ import annotations

import json
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures"


def load_cases() -> list[tuple[str, dict]]:
    """Every fixture case as (module/topic::name, case)."""
    out = []
    for path in sorted(FIXTURES.rglob("*.json")):
        topic = path.relative_to(FIXTURES).with_suffix("").as_posix()
        for case in json.loads(path.read_text())["cases"]:
            out.append((f"{topic}::{case['name']}", case))
    return out
