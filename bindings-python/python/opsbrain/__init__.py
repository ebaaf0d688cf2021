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
    classify,
    error_codes,
    route_ticket,
    route_tickets,
)
from opsbrain.frames import sla_status_batch, support_kpis
from opsbrain.errors import (
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
