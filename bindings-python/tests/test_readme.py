"""The README's Python examples run as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "readme", [ROOT / "README.md", ROOT / "bindings-python" / "README.md"], ids=["guide", "pypi"]
)
def test_readme_python_blocks_run(readme: Path) -> None:
    blocks = re.findall(r"```python\n(.*?)```", readme.read_text(), flags=re.S)
    assert blocks, f"{readme} has no python example"
    for block in blocks:
        exec(compile(block, str(readme), "exec"), {})
