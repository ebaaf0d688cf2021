"""Hostile inputs against every public entry point.

Each batch of cases runs in a child interpreter under an address-space limit
(2 GiB) and a timeout. In the child, every case must either succeed (where
the input is valid: numpy scalars, pandas timestamps, lying lengths) or raise
an ``opsbrain.OpsbrainError`` carrying one of the documented codes: never a
crash, a hang, runaway memory, a ``PanicException`` or an uncoded
``TypeError``/``OverflowError``/``UnicodeEncodeError``.

A case is ``(name, code, expect)``: ``expect`` is ``"ok"``, ``"coded"`` (any
documented code) or one code.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import textwrap

import pytest

import opsbrain

CODES = {code for code, _ in opsbrain.error_codes()}
ADDRESS_SPACE = 2 << 30
TIMEOUT = 120

PRELUDE = textwrap.dedent(
    """
    import itertools, json, math, sys
    from datetime import date, datetime, timedelta, timezone, tzinfo
    import numpy as np
    import pandas as pd
    import opsbrain
    from opsbrain import anomaly, cache, capacity, kpi, ops

    UTC = timezone.utc
    T0 = datetime(2026, 11, 2, 9, tzinfo=UTC)
    HOUR = timedelta(hours=1)
    rep = itertools.repeat
    CAL = opsbrain.BusinessCalendar.nine_to_five("UTC")
    SLA = opsbrain.SlaPolicy()
    ESC = opsbrain.EscalationPolicy.from_json(
        '{"levels": [{"name": "support", "tier": 1}, {"name": "technical", "tier": 2, "delay_secs": 1800}]}'
    )
    CREATED = {"type": "created", "at": T0, "tier": 1, "priority": "high", "channel": "chat"}
    TICKET = {"events": [CREATED]}
    ESC_CREATED = {"type": "created", "at": "2026-11-02T09:00:00Z", "tier": 1, "priority": "high"}
    TIMELINE = opsbrain.escalation_timeline(ESC, [ESC_CREATED], T0)
    FLAT = {"events": [dict(ESC_CREATED, channel="chat")]}  # instants as text: cheap to repeat
    JEV = {"user": "u", "journey": "onboarding", "step": "signup", "at": "2026-11-02T09:00:00Z"}
    JDEF = {"name": "j", "steps": ["a", "b"]}
    RULE = {"name": "r", "long_window_secs": 3600, "short_window_secs": 300, "burn_rate": 14.4, "severity": "page"}
    METRIC = {"cache_type": "documents", "hit_ratio": 0.5, "access_frequency": 0.5, "write_ratio": 0.5}
    POD = {"name": "p", "requests": {"cpu": 1000}, "usage": {"cpu": 500.0}}
    def hpa(**kw):
        req = {"current_replicas": 1, "max_replicas": 10, "now": T0, "pods": [POD],
               "metrics": [{"type": "resource", "name": "cpu", "target": {"average_utilization": 50}}]}
        req.update(kw)
        return req
    X = np.random.default_rng(0).normal(size=(64, 2))
    MODEL = anomaly.fit_isolation_forest(X, n_estimators=10, seed=0)
    MRC = cache.lru_mrc([1, 2, 1, 2])
    WEEKS = 0.5 + 0.3 * np.sin(np.arange(21 * 24) * 2 * np.pi / 24)
    GOOD = np.full(120, 1000.0)
    def series(**kw):
        return kpi.error_budget(GOOD, GOOD, start=T0, step=timedelta(minutes=1), objective=0.999,
                                window=timedelta(hours=1), **kw)
    def deep(n, leaf=1):
        v = leaf
        for _ in range(n):
            v = [v]
        return v
    class LyingLen(list):
        def __len__(self):
            return 0
        def __iter__(self):
            return rep({"subject": "x"})
    class HugeLen(list):
        def __len__(self):
            return 10**12
    D = {}
    class MutatingTz(tzinfo):
        def utcoffset(self, dt):
            D.clear()
            D.update({f"k{i}": [] for i in range(50)})
            return timedelta(0)
        def dst(self, dt):
            return timedelta(0)
    """
)

RUNNER = textwrap.dedent(
    """
    cases = json.loads(sys.argv[1])
    out = []
    for name, code in cases:
        print("start", name, file=sys.stderr, flush=True)
        try:
            exec(code, dict(globals()))
            out.append([name, "ok"])
        except opsbrain.OpsbrainError as e:
            out.append([name, e.code])
        except BaseException as e:  # noqa: B036: uncoded errors are what this looks for
            out.append([name, f"uncoded {type(e).__module__}.{type(e).__name__}: {str(e)[:200]}"])
    print(json.dumps(out))
    """
)

# Every batch argument fed an endless iterator stops at its limit.
ENDLESS = [
    ("route_tickets", "opsbrain.route_tickets(rep({'subject': 'x'}))", "limit_exceeded"),
    ("route_many", "opsbrain.Router().route_many(rep({'subject': 'x'}))", "limit_exceeded"),
    ("fit tickets", "opsbrain.Router().fit(rep({'subject': 'x'}), ['a', 'b'])", "limit_exceeded"),
    ("fit labels", "opsbrain.Router().fit([{'subject': 'x'}] * 2, rep('a'))", "limit_exceeded"),
    ("error_codes", "opsbrain.route_ticket('x', error_codes=rep('E1'))", "limit_exceeded"),
    ("sla_status events", "opsbrain.sla_status(SLA, rep(CREATED), T0)", "limit_exceeded"),
    ("sla_status_batch tickets", "opsbrain.sla_status_batch(SLA, rep([]), T0)", "limit_exceeded"),
    ("sla_status_batch events", "opsbrain.sla_status_batch(SLA, [rep(CREATED)], T0)", "limit_exceeded"),
    ("escalation events", "opsbrain.escalation_timeline(ESC, rep(ESC_CREATED), T0)", "limit_exceeded"),
    ("escalation_rate", "opsbrain.escalation_rate(rep(TIMELINE))", "limit_exceeded"),
    ("pauses", "CAL.add(T0, HOUR, pauses=rep((T0, T0)))", "limit_exceeded"),
    ("holidays", "opsbrain.BusinessCalendar('UTC', {}, holidays=rep('2026-01-01'))", "limit_exceeded"),
    ("support_kpis", "kpi.support_kpis(rep(FLAT), T0)", "limit_exceeded"),
    ("support_kpis events", "kpi.support_kpis([{'events': rep(CREATED)}], T0)", "limit_exceeded"),
    ("volume_trend", "kpi.volume_trend(rep(FLAT))", "limit_exceeded"),
    ("journey events", "kpi.journey_funnels(rep(JEV))", "limit_exceeded"),
    ("journeys", "kpi.journey_funnels([], journeys=rep(JDEF))", "limit_exceeded"),
    ("journey steps", "kpi.journey_funnels([], journeys=[{'name': 'j', 'steps': rep('a')}])", "limit_exceeded"),
    ("burn rules", "kpi.burn_rate_alerts(GOOD, GOOD, start=T0, step=HOUR, objective=0.99, rules=rep(RULE))", "limit_exceeded"),
    ("good", "kpi.error_budget(rep(1.0), GOOD, start=T0, step=HOUR, objective=0.9, window=HOUR)", "limit_exceeded"),
    ("samples", "kpi.latency_slo(rep(1.0), threshold_ms=1.0, objective=0.9)", "limit_exceeded"),
    ("buckets", "kpi.apdex(upper_bounds=rep(1.0), counts=[1.0], t_ms=1.0)", "limit_exceeded"),
    ("lru keys", "cache.lru_mrc(rep(1))", "limit_exceeded"),
    ("hash_keys", "cache.hash_keys(rep('a'))", "limit_exceeded"),
    ("capacities", "cache.simulate([1, 2], rep(2))", "limit_exceeded"),
    ("policies", "cache.simulate([1, 2], [2], policies=rep('lru'))", "limit_exceeded"),
    ("timestamps", "cache.pattern_stats([1, 2], timestamps=rep(1.0))", "limit_exceeded"),
    ("patterns", "cache.pattern_stats([1, 2], patterns=rep(1))", "limit_exceeded"),
    ("writes", "cache.warm_candidates([1], [1.0], now=2.0, window_secs=1.0, writes=rep(True))", "limit_exceeded"),
    ("metrics", "cache.adjust(rep(METRIC))", "limit_exceeded"),
    ("hit_ratios", "MRC.hit_ratios(rep(1))", "limit_exceeded"),
    ("forecast values", "capacity.forecast(rep(1.0), start=T0, step=HOUR)", "limit_exceeded"),
    ("thresholds", "capacity.forecast(WEEKS, start=T0, step=HOUR, thresholds=rep(1.0))", "limit_exceeded"),
    ("window values", "capacity.maintenance_windows(rep(1.0), start=T0, step=HOUR)", "limit_exceeded"),
    ("replica samples", "capacity.replica_recommendation({'current_replicas': 1, 'max_replicas': 2, 'metrics': {'cpu': rep(0.5)}})", "limit_exceeded"),
    ("hpa pods", "capacity.hpa_desired_replicas(hpa(pods=rep(POD)))", "limit_exceeded"),
    ("alerts", "opsbrain.ProactiveMonitor().alerts(rep(None), T0)", "coded"),
    ("pg rows", "ops.analyze_pg_stats(rep({}), [], [])", "limit_exceeded"),
    ("slow queries", "ops.optimize_performance({'slow_queries': rep({})})", "limit_exceeded"),
    ("already_tried", "ops.healing_plan({'already_tried': rep('x')})", "limit_exceeded"),
    ("report features", "ops.diagnose({'description': 'x', 'features': rep('f')}, T0)", "limit_exceeded"),
]

# Lengths that lie, and containers changed while they are read.
LYING = [
    ("len 0, endless __iter__", "assert len(opsbrain.route_tickets(LyingLen([{'subject': 'x'}]))) == 1", "ok"),
    ("value classes hash by value", "assert hash(opsbrain.classify('x')) == hash(opsbrain.classify('x'))\nassert len({opsbrain.SlaPolicy(), opsbrain.SlaPolicy()}) == 1", "ok"),
    ("len 10**12", "assert len(opsbrain.route_tickets(HugeLen([{'subject': 'x'}]))) == 1", "ok"),
    ("lying events", "opsbrain.sla_status(SLA, LyingLen([CREATED]), T0)", "ok"),
    ("lying keys", "assert cache.lru_mrc(HugeLen([1, 2, 1])).accesses == 3", "ok"),
    (
        "dict changed by a tzinfo while read",
        "D.update(type='created', at=datetime(2026, 1, 1, tzinfo=MutatingTz()), tier=1, priority='high')\n"
        "try:\n    opsbrain.sla_status(SLA, [D], T0)\nexcept opsbrain.OpsbrainError:\n    pass",
        "ok",
    ),
    (
        "dict view changed while iterated",
        "D.clear(); D.update(a=[{'type': 'created', 'at': datetime(2026, 1, 1, tzinfo=MutatingTz()), 'tier': 1, 'priority': 'high'}], b=[])\n"
        "opsbrain.sla_status_batch(SLA, D.values(), T0)",
        "invalid_input",
    ),
    ("list shrunk while read", "L = [CREATED, {'type': 'resumed', 'at': datetime(2026, 1, 1, tzinfo=MutatingTz())}]\nopsbrain.sla_status(SLA, L, T0)", "coded"),
    ("self-referential list", "L = []\nL.append(L)\nopsbrain.route_ticket('x', error_codes=L)", "limit_exceeded"),
    ("deep list", "opsbrain.route_tickets([{'subject': 'x', 'error_codes': deep(100_000)}])", "limit_exceeded"),
    ("deep dict", "d = {}\nfor _ in range(100_000):\n    d = {'a': d}\ncapacity.replica_recommendation(d)", "limit_exceeded"),
    ("deep plan", "ops.analyze_explain(deep(100_000))", "limit_exceeded"),
    ("deep targets", "series(targets={'uptime': deep(1000)})", "limit_exceeded"),
]

# Wrong scalar types for every scalar parameter.
TYPES = [
    ("classify issue_type", "opsbrain.classify(42)", "invalid_type"),
    ("classify channel", "opsbrain.classify('x', channel=3)", "invalid_type"),
    ("route subject", "opsbrain.route_ticket(1)", "invalid_type"),
    ("route body", "opsbrain.route_ticket('x', body=2.5)", "invalid_type"),
    ("calendar tz", "opsbrain.BusinessCalendar.always(1)", "invalid_type"),
    ("calendar t", "CAL.is_open(1)", "invalid_type"),
    ("calendar duration", "CAL.add(T0, 5)", "invalid_type"),
    ("calendar pauses", "CAL.add(T0, HOUR, pauses=[1])", "invalid_type"),
    ("holiday_rule", "opsbrain.BusinessCalendar('UTC', {}, holiday_rule=1)", "invalid_type"),
    ("sla now", "opsbrain.sla_status(SLA, [], 'now')", "invalid_type"),
    ("sla policy", "opsbrain.sla_status('builtin', [], T0)", "invalid_type"),
    ("rate", "cache.shards_mrc([1, 2], rate='a')", "invalid_type"),
    ("max_keys", "cache.shards_mrc([1, 2], max_keys='a')", "invalid_type"),
    ("capacity str", "cache.simulate([1, 2], ['a'])", "invalid_type"),
    ("target_share", "cache.pattern_stats([1, 2], target_share='x')", "invalid_type"),
    ("now", "cache.warm_candidates([1], [1.0], now='x', window_secs=1.0)", "invalid_type"),
    ("window_secs None", "cache.warm_candidates([1], [1.0], now=2.0, window_secs=None)", "invalid_type"),
    ("top_k", "cache.warm_candidates([1], [1.0], now=2.0, window_secs=1.0, top_k='x')", "invalid_type"),
    ("half_life", "cache.warm_candidates([1], [1.0], now=2.0, window_secs=1.0, half_life_secs=[])", "invalid_type"),
    ("hash_key", "cache.hash_key(1)", "invalid_type"),
    ("hit_ratio", "MRC.hit_ratio('x')", "invalid_type"),
    ("size_for_hit_ratio", "MRC.size_for_hit_ratio(None)", "invalid_type"),
    ("n_estimators", "anomaly.fit_isolation_forest(X, n_estimators='x')", "invalid_type"),
    ("max_samples", "anomaly.fit_isolation_forest(X, max_samples=[])", "invalid_type"),
    ("max_features", "anomaly.fit_isolation_forest(X, max_features='x')", "invalid_config"),
    ("bootstrap", "anomaly.fit_isolation_forest(X, bootstrap='yes')", "invalid_type"),
    ("seed", "anomaly.fit_isolation_forest(X, seed='x')", "invalid_type"),
    ("n_jobs", "anomaly.fit_isolation_forest(X, n_jobs='x')", "invalid_type"),
    ("score n_jobs", "MODEL.score_samples(X, n_jobs=1.5)", "invalid_input"),
    ("average_path_length", "anomaly.average_path_length('x')", "invalid_type"),
    ("estimator n_estimators", "anomaly.IsolationForest(n_estimators='x').fit(X)", "invalid_type"),
    ("estimator random_state", "anomaly.IsolationForest(random_state='x').fit(X)", "invalid_type"),
    ("ragged X", "anomaly.IsolationForest().fit([[1.0, 2.0], [3.0]])", "invalid_type"),
    ("string X", "MODEL.predict([['a', 'b']])", "invalid_type"),
    ("level", "capacity.forecast(WEEKS, start=T0, step=HOUR, level='x')", "coded"),
    ("method", "capacity.forecast(WEEKS, start=T0, step=HOUR, method=3)", "coded"),
    ("horizon", "capacity.forecast(WEEKS, start=T0, step=HOUR, horizon=5)", "coded"),
    ("count", "capacity.maintenance_windows(WEEKS, start=T0, step=HOUR, count='x')", "coded"),
    ("windows seed", "capacity.maintenance_windows(WEEKS, start=T0, step=HOUR, seed='x')", "coded"),
    ("utc_offset", "capacity.maintenance_windows(WEEKS, start=T0, step=HOUR, utc_offset='x')", "coded"),
    ("objective", "kpi.error_budget(GOOD, GOOD, start=T0, step=HOUR, objective='x', window=HOUR)", "invalid_type"),
    ("window", "kpi.error_budget(GOOD, GOOD, start=T0, step=HOUR, objective=0.9, window=5)", "invalid_type"),
    ("threshold_ms", "kpi.latency_slo([1.0], threshold_ms='x', objective=0.9)", "invalid_type"),
    ("t_ms", "kpi.apdex([1.0], t_ms=None)", "invalid_type"),
    ("min_completion", "kpi.journey_funnels([], min_completion='x')", "coded"),
    ("attribution_window", "kpi.journey_funnels([], attribution_window='x')", "coded"),
    ("group_by", "kpi.support_kpis([], T0, group_by=5)", "coded"),
    ("pg_queries", "ops.pg_queries('x')", "invalid_type"),
    ("evaluate_index", "ops.evaluate_index('x', 1.0)", "invalid_type"),
    ("diagnose now", "ops.diagnose('x', 'now')", "invalid_type"),
    ("hpa request", "capacity.hpa_desired_replicas(5)", "coded"),
    ("monitor group", "opsbrain.ProactiveMonitor().detect(5, X)", "invalid_type"),
]

# numpy scalars and pandas timestamps go wherever their Python counterparts go.
NUMPY = [
    ("forest params", "anomaly.fit_isolation_forest(X, n_estimators=np.int64(10), max_samples=np.int64(10), seed=np.uint64(3), bootstrap=np.bool_(True), contamination=np.float64(0.1), max_features=np.float64(1.0), n_jobs=np.int64(1))", "ok"),
    ("estimator max_samples", "assert anomaly.IsolationForest(max_samples=np.int64(10), random_state=np.int64(0)).fit(X).max_samples_ == 10", "ok"),
    ("shards rate", "cache.shards_mrc([1, 2, 3], rate=np.float64(0.5))", "ok"),
    ("shards max_keys", "cache.shards_mrc([1, 2, 3], max_keys=np.int64(10))", "ok"),
    ("simulate", "cache.simulate(np.array([1, 2, 3]), [np.int64(2), np.uint32(3)])", "ok"),
    ("int32 keys", "cache.lru_mrc(np.array([1, 2, 1], dtype=np.int32))", "ok"),
    ("float keys integral", "cache.lru_mrc(np.array([1.0, 2.0, 1.0]))", "ok"),
    ("warm", "cache.warm_candidates([1], [1.0], now=np.float64(2.0), window_secs=np.int64(1), top_k=np.int64(5))", "ok"),
    ("writes bool_", "cache.pattern_stats([1, 2], writes=[np.bool_(True), False])", "ok"),
    ("hit_ratio", "MRC.hit_ratio(np.uint64(2))", "ok"),
    ("sla numpy", "opsbrain.sla_status(SLA, [{'type': 'created', 'at': pd.Timestamp('2026-11-02 09:00', tz='UTC'), 'tier': np.int64(1), 'priority': np.str_('high')}], pd.Timestamp('2026-11-02 10:00', tz='Europe/Paris'))", "ok"),
    ("datetime64", "CAL.is_open(np.datetime64('2026-11-02T10:00'))", "ok"),
    ("route np.str_", "opsbrain.route_tickets([{'subject': np.str_('x')}])", "ok"),
    ("csat 3.0", "kpi.support_kpis([{'events': [CREATED], 'csat': np.float64(3.0)}, {'events': [CREATED], 'csat': 4.0}], T0 + HOUR)", "ok"),
    ("replicas", "capacity.replica_recommendation({'current_replicas': np.int64(4), 'max_replicas': np.int64(10), 'metrics': {'cpu': np.array([0.5, 0.7])}})", "ok"),
    ("objective", "kpi.error_budget(GOOD, GOOD, start=pd.Timestamp(T0), step=pd.Timedelta(minutes=1), objective=np.float64(0.999), window=HOUR)", "ok"),
    ("windows", "capacity.maintenance_windows(WEEKS, start=pd.Timestamp('2026-01-05', tz='UTC'), step=pd.Timedelta(hours=1), count=np.int64(2), seed=np.uint64(1))", "ok"),
    ("forecast level", "capacity.forecast(WEEKS, start=T0, step=HOUR, level=np.float64(0.9), horizon=np.timedelta64(24, 'h'))", "ok"),
    ("hpa now", "capacity.hpa_desired_replicas(hpa(now=pd.Timestamp(T0), current_replicas=np.int64(1)))", "ok"),
    ("pg_queries", "ops.pg_queries(np.int64(160000))", "ok"),
    ("pandas series values", "capacity.forecast(pd.Series(WEEKS), start=T0, step=HOUR)", "ok"),
    ("pandas series keys", "assert cache.lru_mrc(pd.Series([1, 2, 1])).accesses == 3", "ok"),
    ("pandas series of 2M samples", "kpi.latency_slo(pd.Series(np.ones(2_000_000)), threshold_ms=2.0, objective=0.9)", "ok"),
    ("evaluate_index", "ops.evaluate_index(np.float64(10.0), np.int64(5))", "ok"),
]

# Unknown keys at every level, lossy numbers, NaN/None, surrogates, dates.
STRICT = [
    ("chanel in an event", "opsbrain.sla_status(SLA, [dict(CREATED, chanel='chat')], T0)", "invalid_input"),
    ("subjcet", "opsbrain.route_tickets([{'subject': 'x', 'subjcet': 'y'}])", "invalid_input"),
    ("kpi event key", "kpi.support_kpis([{'events': [dict(CREATED, chanel='chat')]}], T0)", "invalid_input"),
    ("kpi ticket key", "kpi.support_kpis([{'events': [CREATED], 'agnet': 'a'}], T0)", "invalid_input"),
    ("kpi targets key", "kpi.support_kpis([TICKET], T0, targets={'bogus': 1})", "invalid_input"),
    ("journey event key", "kpi.journey_funnels([dict(JEV, extra=1)])", "invalid_input"),
    ("journey def key", "kpi.journey_funnels([], journeys=[dict(JDEF, x=1)])", "invalid_input"),
    ("burn rule key", "kpi.burn_rate_alerts(GOOD, GOOD, start=T0, step=HOUR, objective=0.99, rules=[dict(RULE, x=1)])", "invalid_input"),
    ("replica key", "capacity.replica_recommendation({'current_replicas': 1, 'max_replicas': 2, 'metrics': {}, 'typo': 1})", "invalid_input"),
    ("threshold key", "capacity.replica_recommendation({'current_replicas': 1, 'max_replicas': 2, 'metrics': {}}, {'cpu': {'scale_up': 0.8, 'scale_down': 0.3, 'bnad': 0.1}})", "invalid_input"),
    ("pod key", "capacity.hpa_desired_replicas(hpa(pods=[dict(POD, extra=1)]))", "invalid_input"),
    ("scaling key", "capacity.forecast(WEEKS, start=T0, step=HOUR, scaling={'capacity_per_replica': 1, 'typo': 2})", "invalid_input"),
    ("metric key", "cache.adjust([dict(METRIC, x=1)])", "invalid_input"),
    ("adjust rules key", "cache.adjust([], rules={'x': 1})", "invalid_input"),
    ("perf key", "ops.optimize_performance({'cpu_usage': 50, 'typo': 1})", "invalid_input"),
    ("healing key", "ops.healing_plan({'typo': 1})", "invalid_input"),
    ("report key", "ops.diagnose({'description': 'x', 'typo': 1}, T0)", "invalid_input"),
    ("diagnose options key", "ops.diagnose('x', T0, options={'typo': 1})", "invalid_input"),
    ("timeline key", "opsbrain.escalation_rate([dict(TIMELINE, typo=1)])", "invalid_input"),
    ("nested timeline key", "opsbrain.escalation_rate([dict(TIMELINE, next=dict(TIMELINE['next'], typo=1))])", "invalid_input"),
    ("escalation event key", "opsbrain.escalation_timeline(ESC, [dict(ESC_CREATED, typo=1)], T0)", "invalid_input"),
    ("1.5 as a key", "cache.lru_mrc([1.5, 2])", "invalid_input"),
    ("1.5 and 1.7 as array keys", "cache.lru_mrc(np.array([1.5, 1.7]))", "invalid_input"),
    ("1e20 as a key", "cache.lru_mrc([1e20, 2e20])", "invalid_input"),
    ("-1 as a key", "cache.lru_mrc([-1, 2])", "invalid_input"),
    ("negative int64 keys", "cache.lru_mrc(np.array([-1, 2], dtype=np.int64))", "invalid_input"),
    ("fractional folds", "opsbrain.Router().fit([{'subject': 'x'}] * 2, ['a', 'b'], folds=2.5)", "invalid_type"),
    ("negative seed", "opsbrain.Router().fit([{'subject': 'x'}] * 2, ['a', 'b'], seed=-1)", "coded"),
    ("2.7 as a capacity", "cache.simulate([1, 2], [2.7])", "invalid_input"),
    ("writes yes/no", "cache.pattern_stats([1, 2], writes=['yes', 'no'])", "invalid_type"),
    ("writes 1/0", "cache.pattern_stats([1, 2], writes=[1, 0])", "invalid_type"),
    ("negative size", "MRC.hit_ratio(-1)", "invalid_input"),
    ("2.5 trees", "anomaly.fit_isolation_forest(X, n_estimators=2.5)", "invalid_type"),
    ("True trees", "anomaly.fit_isolation_forest(X, n_estimators=True)", "invalid_type"),
    ("estimator True trees", "anomaly.IsolationForest(n_estimators=True).fit(X)", "invalid_type"),
    ("True samples", "anomaly.fit_isolation_forest(X, max_samples=True)", "invalid_type"),
    ("2**70 seed", "anomaly.fit_isolation_forest(X, seed=2**70)", "invalid_input"),
    ("tier 1.5", "opsbrain.sla_status(SLA, [dict(CREATED, tier=1.5)], T0)", "invalid_type"),
    ("csat 3.5", "kpi.support_kpis([{'events': [CREATED], 'csat': 3.5}], T0)", "invalid_type"),
    ("negative replicas", "capacity.replica_recommendation({'current_replicas': -1, 'max_replicas': 2, 'metrics': {}})", "invalid_input"),
    ("pg version -1", "ops.pg_queries(-1)", "invalid_input"),
    ("count 2.5", "capacity.maintenance_windows(WEEKS, start=T0, step=HOUR, count=2.5)", "invalid_type"),
    ("NaN level", "capacity.forecast(WEEKS, start=T0, step=HOUR, level=float('nan'))", "invalid_input"),
    ("NaN objective", "kpi.error_budget(GOOD, GOOD, start=T0, step=HOUR, objective=float('nan'), window=HOUR)", "invalid_input"),
    ("None objective", "kpi.latency_slo([1.0], threshold_ms=1.0, objective=None)", "invalid_type"),
    ("None key", "cache.lru_mrc([1, None])", "invalid_type"),
    ("None in a series", "capacity.forecast([1.0, None] * 300, start=T0, step=HOUR)", "invalid_type"),
    ("None now", "cache.warm_candidates([1], [1.0], now=None, window_secs=1.0)", "invalid_type"),
    ("sub-second window", "kpi.error_budget(GOOD, GOOD, start=T0, step=HOUR, objective=0.9, window=timedelta(seconds=1.5))", "invalid_type"),
    ("surrogate classify", "opsbrain.classify('\\ud800')", "invalid_input"),
    ("surrogate subject", "opsbrain.route_ticket('\\ud800')", "invalid_input"),
    ("surrogate ticket", "opsbrain.route_tickets([{'subject': '\\ud800'}])", "invalid_input"),
    ("surrogate key", "opsbrain.route_tickets([{'\\ud800': 'x'}])", "invalid_input"),
    ("surrogate hash", "cache.hash_key('\\udfff')", "invalid_input"),
    ("surrogate tz", "opsbrain.BusinessCalendar.always('\\ud800')", "invalid_input"),
    ("surrogate event", "opsbrain.sla_status(SLA, [dict(CREATED, type='\\ud800')], T0)", "invalid_input"),
    ("surrogate report", "ops.diagnose('\\ud800', T0)", "invalid_input"),
    ("surrogate json", "opsbrain.ClassificationTable.from_json('\\ud800')", "invalid_input"),
    ("surrogate row", "ops.analyze_pg_stats([{'\\ud800': 1}], [], [])", "invalid_input"),
    ("year 10000 datetime64", "CAL.is_open(np.datetime64('10000-01-01'))", "invalid_input"),
    ("NaT datetime64", "CAL.is_open(np.datetime64('NaT'))", "invalid_input"),
    ("pandas NaT", "CAL.is_open(pd.NaT)", "coded"),
    ("naive datetime", "CAL.is_open(datetime(2026, 1, 1))", "invalid_input"),
    ("past 9999", "CAL.add(datetime(9999, 12, 30, tzinfo=UTC), timedelta(days=3000))", "coded"),
    ("year 1", "CAL.next_open(datetime(1, 1, 1, tzinfo=UTC))", "coded"),
    ("year 1 with an offset", "CAL.next_open(datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5))))", "coded"),
    ("event past 9999", "opsbrain.sla_status(SLA, [dict(CREATED, at='10000-01-01T00:00:00Z')], T0)", "invalid_input"),
    ("event without offset", "opsbrain.sla_status(SLA, [dict(CREATED, at='2026-01-01T00:00:00')], T0)", "invalid_input"),
    ("forecast at 9999", "capacity.forecast(WEEKS, start=datetime(9999, 12, 31, 12, tzinfo=UTC), step=HOUR)", "coded"),
    ("huge duration", "CAL.add(T0, timedelta(days=999_999_999))", "coded"),
    ("sla now 9999", "opsbrain.sla_status(SLA, [CREATED], datetime(9999, 12, 31, 23, tzinfo=UTC))", "coded"),
]

BATCHES = {
    "endless": ENDLESS,
    "lying and mutating": LYING,
    "wrong types": TYPES,
    "numpy and pandas": NUMPY,
    "strict values": STRICT,
}


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def _run(cases: list[tuple[str, str, str]]) -> list[str]:
    payload = json.dumps([[name, code] for name, code, _ in cases])
    proc = subprocess.run(
        [sys.executable, "-c", PRELUDE + RUNNER, payload],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        preexec_fn=_limit,
    )
    last = [line for line in proc.stderr.splitlines() if line.startswith("start ")][-1:]
    assert proc.returncode == 0, f"child died ({proc.returncode}) in {last}: {proc.stderr[-2000:]}"
    outcomes = dict(json.loads(proc.stdout.strip().splitlines()[-1]))
    failures = []
    for name, _, expect in cases:
        got = outcomes.get(name, "missing")
        if expect == "coded":
            good = got in CODES
        else:
            good = got == expect
        if not good:
            failures.append(f"{name}: expected {expect}, got {got}")
    return failures


@pytest.mark.parametrize("batch", list(BATCHES))
def test_hostile_inputs(batch: str) -> None:
    failures = _run(BATCHES[batch])
    assert not failures, "\n".join(failures)


def test_suite_size() -> None:
    assert sum(len(b) for b in BATCHES.values()) >= 150
