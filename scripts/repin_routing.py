"""Re-pins the expected results of the routing fixtures
(tests/fixtures/classify/routing.json) from the current build, after a
deliberate change of the router (a retrained text model, new rules). Run it,
then read the diff: every changed case must be explained in the commit.

    .venv/bin/python scripts/repin_routing.py [--check]

``--check`` only lists the cases whose expected result would change.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import opsbrain

FIXTURE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "classify" / "routing.json"


def router(inp: dict) -> opsbrain.Router:
    if "table" not in inp and "rules" not in inp:
        return opsbrain.Router()
    table = opsbrain.ClassificationTable.from_json(json.dumps(inp["table"])) if "table" in inp else None
    rules = opsbrain.RuleSet.from_json(json.dumps(inp["rules"])) if "rules" in inp else None
    return opsbrain.Router(table=table, rules=rules)


def run(case: dict) -> object:
    inp = case["input"]
    if case["op"] == "route_ticket":
        t = inp["ticket"]
        r = router(inp).route(t["subject"], t.get("body"), t.get("error_codes"), t.get("channel"))
        return r.to_dict()
    if case["op"] == "route_tickets":
        return [r.to_dict() for r in router(inp).route_many(inp["tickets"])]
    raise SystemExit(f"unknown op {case['op']}")


def main() -> int:
    check = "--check" in sys.argv
    doc = json.loads(FIXTURE.read_text(encoding="utf-8"))
    changed = []
    for case in doc["cases"]:
        if "expected" not in case:
            continue  # an error case: the error code does not move with the model
        new = run(case)
        if new != case["expected"]:
            changed.append(case["name"])
            case["expected"] = new
    print(f"{len(changed)} of {len(doc['cases'])} cases change: {', '.join(changed)}")
    if not check:
        FIXTURE.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
