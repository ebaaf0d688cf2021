"""Routing quality on a labelled ticket split, beside a naive baseline.

    python benches/python/route_quality.py examples/data/tickets/dev.jsonl

Each line of the split is ``{"subject", "body", "error_codes", "channel",
"label"}`` with one of the 15 issue types or ``other`` (not an incident).
The router is right on an ``other`` ticket when it answers ``unclassified``.

The baseline is a keyword counter written from the issue-type names alone,
before any ticket of the corpus existed, and never tuned: it counts the words
of each type's name in the subject and body and picks the type with the most
hits (``other`` when none is found).

Prints accuracy, macro-F1 (over the 16 labels), the precision of
``unclassified``, per-label F1 and the most frequent confusions, for the
built-in router and the baseline. ``--router FILE`` routes with a router
saved by ``Router.to_json`` instead of the built-in one.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

import opsbrain

LABELS = [
    "login_failed",
    "password_reset",
    "mfa_issues",
    "quickbooks_sync_failed",
    "api_errors",
    "webhook_failures",
    "slow_response_times",
    "system_unavailable",
    "data_corruption",
    "security_breach",
    "unauthorized_access",
    "data_leak",
    "payment_failures",
    "data_loss",
    "compliance_violation",
    "other",
]

WORD = re.compile(r"[a-z0-9]+")


def keyword_baseline(ticket: dict) -> str:
    """The words of each type's name, counted (prefix match, so "failed"
    also counts "fail"); ties go to the type listed first."""
    words = WORD.findall((ticket.get("subject", "") + " " + ticket.get("body", "")).lower())
    best, best_hits = "other", 0
    for label in LABELS[:-1]:
        stems = [w[:5] for w in label.split("_")]
        hits = sum(1 for w in words for s in stems if w.startswith(s))
        if hits > best_hits:
            best, best_hits = label, hits
    return best


def scores(truth: list[str], pred: list[str]) -> dict:
    pred = ["other" if p == "unclassified" else p for p in pred]
    n = len(truth)
    acc = sum(t == p for t, p in zip(truth, pred)) / n
    f1s = {}
    for label in LABELS:
        tp = sum(t == label and p == label for t, p in zip(truth, pred))
        fp = sum(t != label and p == label for t, p in zip(truth, pred))
        fn = sum(t == label and p != label for t, p in zip(truth, pred))
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1s[label] = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    out_other = [t for t, p in zip(truth, pred) if p == "other"]
    unclassified_precision = (
        sum(t == "other" for t in out_other) / len(out_other) if out_other else float("nan")
    )
    confusions = Counter((t, p) for t, p in zip(truth, pred) if t != p)
    return {
        "n": n,
        "accuracy": acc,
        "macro_f1": sum(f1s.values()) / len(f1s),
        "unclassified_precision": unclassified_precision,
        "unclassified_share": len(out_other) / n,
        "f1": f1s,
        "confusions": confusions.most_common(12),
    }


def show(name: str, s: dict) -> None:
    print(f"\n## {name} ({s['n']} tickets)")
    print(
        f"accuracy {s['accuracy']:.3f}  macro-F1 {s['macro_f1']:.3f}  "
        f"unclassified precision {s['unclassified_precision']:.3f} "
        f"(share {s['unclassified_share']:.3f})"
    )
    print("per-label F1: " + ", ".join(f"{k} {v:.2f}" for k, v in s["f1"].items()))
    print("top confusions (truth -> predicted): " + "; ".join(f"{t}->{p} x{c}" for (t, p), c in s["confusions"]))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("split", type=Path)
    ap.add_argument("--router", type=Path, help="a router saved by Router.to_json")
    ap.add_argument("--json", action="store_true", help="print the scores as JSON")
    args = ap.parse_args()
    tickets = [json.loads(line) for line in args.split.read_text(encoding="utf-8").splitlines() if line.strip()]
    truth = [t["label"] for t in tickets]
    router = opsbrain.Router.from_json(args.router.read_text()) if args.router else opsbrain.Router()
    fields = ("subject", "body", "error_codes", "channel")
    routed = router.route_many([{k: t[k] for k in fields if k in t} for t in tickets])
    result = {
        "router": scores(truth, [r.issue_type for r in routed]),
        "keyword_baseline": scores(truth, [keyword_baseline(t) for t in tickets]),
    }
    if args.json:
        json.dump(result, sys.stdout, indent=1, default=list)
        print()
    else:
        show("opsbrain router", result["router"])
        show("keyword baseline (type names, untuned)", result["keyword_baseline"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
