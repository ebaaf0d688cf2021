"""opsbrain: fast, tested algorithms for support and operations teams.

Ticket classification and routing, cache strategy (``opsbrain.cache``),
anomaly scoring (``opsbrain.IsolationForest``, ``opsbrain.ProactiveMonitor``),
KPIs, error budgets and journey funnels (``opsbrain.kpi``), operations
rules: performance, PostgreSQL health, self-healing, troubleshooting
(``opsbrain.ops``),
from the post-launch support framework, computed by the Rust core:

>>> import opsbrain
>>> route = opsbrain.classify("api_errors")
>>> (route.tier, route.priority, route.department)
(2, 'high', 'technical')
>>> r = opsbrain.route_ticket("Can't log in", body="invalid credentials", channel="chat")
>>> (r.issue_type, r.route.first_response.seconds // 60)
('login_failed', 15)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Optional

from opsbrain import anomaly, cache, capacity, frames, kpi, ops
from opsbrain.anomaly import IsolationForest, ProactiveMonitor
from opsbrain._native import (
    burn_rate_alerts,
    error_budget,
    journey_funnels,
    BusinessCalendar,
    EscalationPolicy,
    SlaPolicy,
    escalation_rate,
    escalation_timeline,
    sla_status,
    MissRatioCurve,
    StrategyTable,
    ClassificationTable,
    Route,
    Router,
    Routing,
    RuleSet,
    __version__,
)
from opsbrain.frames import sla_status_batch, support_kpis

if TYPE_CHECKING:
    from opsbrain._native import _Channel, _TicketDict
from opsbrain.errors import (
    error_codes,
    DimensionMismatchError,
    InvalidConfigError,
    InvalidInputError,
    InvalidTypeError,
    LimitExceededError,
    MissingKeyError,
    NotFittedError,
    OpsbrainError,
    ParseError,
    UnsupportedVersionError,
)

_BUILTIN, _TABLE = Router(), ClassificationTable()


def classify(issue_type: str, channel: Optional[_Channel] = None) -> Route:
    """The route of ``issue_type`` in the framework's built-in table
    (``ClassificationTable().classify``).

    >>> classify("api_errors").department
    'technical'
    """
    return _TABLE.classify(issue_type, channel)


def route_ticket(
    subject: str,
    body: Optional[str] = None,
    error_codes: Optional[Sequence[str]] = None,
    channel: Optional[_Channel] = None,
) -> Routing:
    """Routes one free-text ticket with the built-in rules and table
    (``Router().route``).

    >>> route_ticket("Forgot my password").issue_type
    'password_reset'
    """
    return _BUILTIN.route(subject, body, error_codes, channel)


def route_tickets(tickets: Sequence[_TicketDict]) -> list[Routing]:
    """Routes ticket dicts (subject, body, error_codes, channel) with the
    built-in rules and table, in parallel (``Router().route_many``).

    >>> [r.issue_type for r in route_tickets([{"subject": "Site is down"}])]
    ['system_unavailable']
    """
    return _BUILTIN.route_many(tickets)


__all__ = [
    "IsolationForest",
    "ProactiveMonitor",
    "anomaly",
    "capacity",
    "burn_rate_alerts",
    "error_budget",
    "journey_funnels",
    "frames",
    "kpi",
    "ops",
    "support_kpis",
    "BusinessCalendar",
    "EscalationPolicy",
    "SlaPolicy",
    "escalation_rate",
    "escalation_timeline",
    "sla_status",
    "sla_status_batch",
    "MissRatioCurve",
    "StrategyTable",
    "cache",
    "ClassificationTable",
    "DimensionMismatchError",
    "InvalidConfigError",
    "InvalidInputError",
    "InvalidTypeError",
    "LimitExceededError",
    "MissingKeyError",
    "NotFittedError",
    "OpsbrainError",
    "ParseError",
    "Route",
    "Router",
    "Routing",
    "RuleSet",
    "UnsupportedVersionError",
    "__version__",
    "classify",
    "error_codes",
    "route_ticket",
    "route_tickets",
]
