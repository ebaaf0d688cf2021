"""Capacity planning: threshold scaling decisions with hysteresis, and the
Kubernetes Horizontal Pod Autoscaler's replica calculation as a pure
function. Requests and results are plain dicts; instants are aware
``datetime`` objects.

>>> from opsbrain import capacity
>>> rec = capacity.replica_recommendation(
...     {"current_replicas": 4, "max_replicas": 10, "metrics": {"cpu": [0.55, 0.72, 0.68]}}
... )
>>> rec["action"], rec["desired_replicas"]
('scale_up', 6)
"""

from __future__ import annotations

from opsbrain._native import (
    hpa_desired_replicas,
    replica_recommendation,
)

__all__ = [
    "hpa_desired_replicas",
    "replica_recommendation",
]
