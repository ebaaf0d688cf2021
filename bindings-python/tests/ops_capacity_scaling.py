"""Fixture ops for `capacity_scaling`, merged into test_conformance.OPS."""

from __future__ import annotations

from typing import Any, Callable

OPS: dict[str, Callable[[dict], Any]] = {}
