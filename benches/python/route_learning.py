"""Does a team's own labelled history raise routing accuracy? Measured on the
corpus without touching its test split:

    python benches/python/route_learning.py [examples/data/tickets]

A "vendor" model is fitted on part of the train split (no built-in model:
the built-in one has seen all of train and dev), then warm-started with a
"team's" 500 other train tickets; both, the rules alone and a model of the
team's tickets only are scored on the dev split (``other`` = unclassified).
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import opsbrain


def load(path: Path) -> tuple[list[dict], list[str]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    keys = ("subject", "body", "error_codes", "channel")
    return [{k: r[k] for k in keys} for r in rows], [r["label"] for r in rows]


def main() -> int:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "examples/data/tickets"
    train, labels = load(root / "train.jsonl")
    dev, dev_labels = load(root / "dev.jsonl")
    order = list(range(len(train)))
    random.Random(7).shuffle(order)
    team, vendor = order[-500:], order[:-500]
    spec = json.loads(opsbrain.Router().to_json())
    spec.pop("model")
    rules_only = json.dumps(spec)

    def accuracy(router: opsbrain.Router) -> float:
        out = [r.issue_type for r in router.route_many(dev)]
        return sum((o if o != "unclassified" else "other") == t for o, t in zip(out, dev_labels)) / len(dev)

    def pick(ix: list[int]) -> tuple[list[dict], list[str]]:
        return [train[i] for i in ix], [labels[i] for i in ix]

    r = opsbrain.Router.from_json(rules_only)
    print(f"rules alone                       dev accuracy {accuracy(r):.3f}")
    r.fit(*pick(vendor), folds=0)
    print(f"vendor model ({len(vendor)} tickets)         dev accuracy {accuracy(r):.3f}")
    report = r.fit(*pick(team), folds=5)
    print(f"vendor + team's 500 (warm start)  dev accuracy {accuracy(r):.3f}  (team 5-fold CV {report['cv_accuracy']:.3f})")
    t = opsbrain.Router.from_json(rules_only)
    t.fit(*pick(team), folds=0)
    print(f"team's 500 alone                  dev accuracy {accuracy(t):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
