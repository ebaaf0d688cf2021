"""The Python API of classification and routing beyond the shared fixtures."""

from __future__ import annotations

import copy
import pickle
import threading
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import opsbrain


def test_classify_returns_str_compatible_values() -> None:
    route = opsbrain.classify("quickbooks_sync_failed")
    assert route.priority == "high"
    assert isinstance(route.priority, str)
    assert route.tier == 2
    assert route.department == "integrations"
    assert route.first_response == timedelta(minutes=30)


def test_tier_one_target_depends_on_channel() -> None:
    assert opsbrain.classify("login_failed", channel="chat").first_response == timedelta(minutes=15)
    assert opsbrain.classify("login_failed").first_response == timedelta(hours=1)


def test_route_ticket_keyword_api() -> None:
    r = opsbrain.route_ticket("QuickBooks sync failed", body="since 2am", error_codes=("QB-1021",), channel="chat")
    assert r.issue_type == "quickbooks_sync_failed"
    assert r.rule == "integrations.quickbooks"
    assert 0.9 < r.confidence < 1.0
    assert r.route.channel == "chat"


def test_unclassified_ticket_gets_default_route() -> None:
    r = opsbrain.route_ticket("Feature request: dark mode")
    assert (r.issue_type, r.rule, r.confidence) == ("unclassified", None, 0.0)
    assert r.route.department == "general"


@pytest.mark.parametrize(
    ("call", "exc", "code"),
    [
        (lambda: opsbrain.classify(42), TypeError, "invalid_type"),
        (lambda: opsbrain.classify("x", channel="fax"), ValueError, "invalid_input"),
        (lambda: opsbrain.route_ticket(b"bytes"), TypeError, "invalid_type"),
        (lambda: opsbrain.route_ticket("x", error_codes="E1"), TypeError, "invalid_type"),
        (lambda: opsbrain.route_ticket("x", error_codes=[1]), TypeError, "invalid_type"),
        (lambda: opsbrain.route_tickets("not a list"), TypeError, "invalid_type"),
        (lambda: opsbrain.route_tickets([{"body": "x"}]), KeyError, "missing_key"),
        (lambda: opsbrain.route_tickets([{"subject": "x", "subjcet": "y"}]), ValueError, "invalid_input"),
        (lambda: opsbrain.route_tickets([{"subject": "x", "channel": float("nan")}]), ValueError, "invalid_input"),
        (lambda: opsbrain.route_tickets([{1: "x"}]), TypeError, "invalid_type"),
        (lambda: opsbrain.ClassificationTable.from_json(None), TypeError, "invalid_type"),
        (lambda: opsbrain.ClassificationTable.from_json("{"), ValueError, "parse_error"),
        (lambda: opsbrain.ClassificationTable.from_toml("[[entries]"), ValueError, "parse_error"),
        (lambda: opsbrain.Router(table="builtin"), TypeError, "invalid_type"),
    ],
)
def test_bad_input_raises_coded_errors(call, exc, code) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(exc) as info:
        call()
    assert isinstance(info.value, opsbrain.OpsbrainError)
    assert isinstance(info.value, ValueError), "every input error is also a ValueError"
    assert info.value.code == code


def test_invalid_config_names_the_entry() -> None:
    text = '{"entries": [{"type": "ok", "tier": 1, "priority": "low", "department": "d"}, {"type": "bad", "tier": 7, "priority": "low", "department": "d"}]}'
    with pytest.raises(opsbrain.InvalidConfigError, match=r'entries\[1\] \("bad"\): tier 7'):
        opsbrain.ClassificationTable.from_json(text)


def test_huge_input_is_refused_not_processed() -> None:
    with pytest.raises(opsbrain.LimitExceededError):
        opsbrain.route_ticket("x" * (1024 * 1024 + 1))
    with pytest.raises(opsbrain.LimitExceededError):
        opsbrain.route_ticket("x", error_codes=["E"] * 257)
    deep: list = []
    for _ in range(100):
        deep = [deep]
    with pytest.raises(opsbrain.LimitExceededError):
        opsbrain.route_tickets([{"subject": "x", "error_codes": deep}])


def test_error_catalogue_matches_python_classes() -> None:
    for code, name in opsbrain.error_codes():
        cls = getattr(opsbrain, name)
        assert cls.code == code
        assert issubclass(cls, opsbrain.OpsbrainError)


def test_custom_router() -> None:
    table = opsbrain.ClassificationTable.from_toml(
        'extends = "builtin"\n[entries.refund_request]\ntier = 2\npriority = "high"\ndepartment = "billing"\n'
    )
    rules = opsbrain.RuleSet.from_json('{"rules": [{"name": "refunds", "issue_type": "refund_request", "keywords": ["refund*"]}]}')
    router = opsbrain.Router(table, rules)
    r = router.route("Refunds please")
    assert (r.issue_type, r.route.department, r.route.priority) == ("refund_request", "billing", "high")
    assert len(router.table) == 16 and "refund_request" in router.table
    assert router.rules.names() == ["refunds"]


def test_value_types_pickle_copy_and_compare() -> None:
    r = opsbrain.route_ticket("Site is down", body="503", error_codes=["HTTP 503"], channel="phone")
    for obj in (r, r.route, opsbrain.ClassificationTable(), opsbrain.RuleSet()):
        assert pickle.loads(pickle.dumps(obj)) == obj
        assert copy.deepcopy(obj) == obj
    assert hash(r.route) == hash(pickle.loads(pickle.dumps(r.route)))
    assert opsbrain.Routing.from_json(r.to_json()) == r


def test_batch_equals_single_and_keeps_order() -> None:
    subjects = ["Site is down", "Forgot my password", "dark mode", "QuickBooks sync failed", "card declined"] * 50
    batch = opsbrain.route_tickets([{"subject": s} for s in subjects])
    assert [r.issue_type for r in batch] == [opsbrain.route_ticket(s).issue_type for s in subjects]
    assert opsbrain.route_tickets(tuple({"subject": s} for s in subjects)) == batch


def test_batch_from_threads_is_consistent() -> None:
    tickets = [{"subject": f"API error {i}", "body": "500 internal server error"} for i in range(2000)]
    expected = opsbrain.route_tickets(tickets)
    results: list = [None] * 4

    def work(i: int) -> None:
        results[i] = opsbrain.route_tickets(tickets)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r == expected for r in results)


@settings(max_examples=200, deadline=None)
@given(
    subject=st.text(max_size=200),
    body=st.text(max_size=400),
    codes=st.lists(st.text(max_size=20), max_size=5),
    channel=st.sampled_from(["chat", "email", "phone", "portal"]),
)
def test_any_text_routes_without_error(subject: str, body: str, codes: list[str], channel: str) -> None:
    r = opsbrain.route_ticket(subject, body=body, error_codes=codes, channel=channel)
    assert 0.0 <= r.confidence <= 1.0
    # Unclassified names no rule; the text model may classify without one.
    assert r.issue_type != "unclassified" or r.rule is None
    assert len(r.candidates) <= 3
    assert pickle.loads(pickle.dumps(r)) == r


def test_readme_example() -> None:
    route = opsbrain.classify("api_errors")
    assert (route.tier, route.priority, route.department) == (2, "high", "technical")


FIT_TICKETS = [
    {"subject": s}
    for s in [
        "The invoice PDF comes out blank",
        "pdf export of invoices is empty",
        "exported pdf has no content at all",
        "blank pages when I download the invoice as pdf",
        "Can't log in since this morning",
        "login keeps failing, invalid credentials",
        "unable to sign in to my account",
        "locked out after the update",
    ]
]
FIT_TICKETS[1]["channel"] = "chat"
FIT_LABELS = ["pdf_export"] * 4 + ["login_failed"] * 4


def test_fit_learns_a_teams_own_types_and_reports_cross_validation() -> None:
    router = opsbrain.Router()
    report = router.fit(FIT_TICKETS, FIT_LABELS, folds=4, seed=1)
    assert report["tickets"] == 8 and report["folds"] == 4
    assert "pdf_export" in report["labels"] and "pdf_export" in router.labels
    labels = report["labels"]
    assert len(report["confusion"]) == len(labels) and sum(map(sum, report["confusion"])) == 8
    assert 0.0 <= report["cv_accuracy"] <= 1.0
    r = router.route("my invoice pdf is blank again")
    assert r.issue_type == "pdf_export"
    assert r.candidates[0]["issue_type"] == "pdf_export" and r.confidence == r.candidates[0]["probability"]
    assert any(e.startswith(("w:", "b:")) for e in r.evidence), r.evidence
    # Deterministic, and it survives JSON and pickle with its model.
    again = opsbrain.Router()
    assert again.fit(FIT_TICKETS, FIT_LABELS, folds=4, seed=1) == report
    assert again.to_json() == router.to_json()
    back = pickle.loads(pickle.dumps(router))
    assert back.route("my invoice pdf is blank again").to_dict() == r.to_dict()
    assert opsbrain.Router.from_json(router.to_json()).labels == router.labels


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda r: r.fit(FIT_TICKETS, FIT_LABELS[:3]), "dimension_mismatch"),
        (lambda r: r.fit(FIT_TICKETS[:2], ["a", "a"]), "invalid_input"),
        (lambda r: r.fit(FIT_TICKETS, FIT_LABELS, epochs=0), "invalid_config"),
        (lambda r: r.fit(FIT_TICKETS, FIT_LABELS, foldz=3), "invalid_input"),
        (lambda r: r.fit(FIT_TICKETS, FIT_LABELS, folds=2.5), "invalid_type"),
        (lambda r: r.fit(FIT_TICKETS, [1] * 8), "invalid_type"),
        (lambda r: r.fit([{"subjcet": "x"}] * 8, FIT_LABELS), "invalid_input"),
        (lambda r: opsbrain.Router.from_json('{"table": {}}'), "parse_error"),
    ],
)
def test_fit_errors_are_coded(call: object, code: str) -> None:
    with pytest.raises(opsbrain.OpsbrainError) as e:
        call(opsbrain.Router())  # type: ignore[operator]
    assert e.value.code == code, e.value
