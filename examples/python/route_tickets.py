"""Routes the shipped sample tickets and prints a routing table.

    python examples/python/route_tickets.py [tickets.json]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import opsbrain


def main() -> None:
    default = Path(__file__).resolve().parents[1] / "data" / "sample_tickets.json"
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    records = json.loads(path.read_text())
    tickets = [{k: v for k, v in rec.items() if k != "id"} for rec in records]

    routings = opsbrain.route_tickets(tickets)

    print(f"{'id':<7} {'chan':<6} {'issue type':<22} {'conf':>4} {'tier':>4} {'priority':<8} {'department':<14} {'first':>5}  subject")
    for rec, r in zip(records, routings):
        minutes = int(r.route.first_response.total_seconds() // 60)
        print(
            f"{rec['id']:<7} {r.route.channel:<6} {r.issue_type:<22} {r.confidence:>4.2f} {r.route.tier:>4} "
            f"{r.route.priority:<8} {r.route.department:<14} {minutes:>4}m  {rec['subject'][:44]}"
        )
    unclassified = sum(r.rule is None for r in routings)
    print(f"\n{len(routings)} tickets routed, {unclassified} unclassified (sent to the default route)")


if __name__ == "__main__":
    main()
