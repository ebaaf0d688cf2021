"""Routing throughput from Python: opsbrain.route_tickets (batch, parallel,
GIL released) and opsbrain.route_ticket in a loop, beside a plain-Python
keyword router over the same built-in rules (the code a team might write
first). Reports medians of repeated runs, measured in one process.

    python benches/python/bench_classify.py [--n 100000] [--repeat 5]
    python benches/python/bench_classify.py --smoke     # tiny input, CI

The plain-Python router is a baseline for speed only: it uses re with word
boundaries and the same point values, but makes no claim to match opsbrain's
answers on every ticket.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import re
import statistics
import time
from pathlib import Path

import opsbrain

SAMPLES = Path(__file__).resolve().parents[2] / "examples" / "data" / "sample_tickets.json"


def make_tickets(n: int, seed: int = 42) -> list[dict]:
    rng = random.Random(seed)
    base = json.loads(SAMPLES.read_text())
    sentences = [s for rec in base for s in rec["body"].split(". ") if s]
    out = []
    for _ in range(n):
        rec = rng.choice(base)
        body = ". ".join(rng.choice(sentences) for _ in range(rng.randint(2, 5)))
        t = {"subject": rec["subject"], "body": body, "channel": rec["channel"]}
        if rng.random() < 0.3 and rec.get("error_codes"):
            t["error_codes"] = rec["error_codes"]
        out.append(t)
    return out


class PlainPythonRouter:
    """One compiled alternation per rule and field kind; the best score wins."""

    def __init__(self, rules_json: str) -> None:
        spec = json.loads(rules_json)
        self.rules = []
        for r in spec["rules"]:
            def alt(words: list[str]) -> re.Pattern[str] | None:
                if not words:
                    return None
                parts = [re.escape(w.rstrip("*")) + ("" if w.endswith("*") else r"\b") for w in words]
                return re.compile(r"\b(?:" + "|".join(parts) + ")", re.IGNORECASE)
            codes = re.compile("|".join(f"(?:{c})" for c in r["error_codes"]), re.IGNORECASE) if r["error_codes"] else None
            self.rules.append((r["issue_type"], alt(r["phrases"]), alt(r["keywords"]), codes))

    def route(self, t: dict) -> str:
        best, best_type = 0.0, "unclassified"
        for issue_type, phrases, keywords, codes in self.rules:
            s = 0.0
            for pat, subj_pts, body_pts in ((phrases, 3.0, 2.0), (keywords, 1.5, 1.0)):
                if pat is not None:
                    s += subj_pts * len(set(m.lower() for m in pat.findall(t["subject"])))
                    s += body_pts * len(set(m.lower() for m in pat.findall(t.get("body", ""))))
            if codes is not None and any(codes.fullmatch(c) for c in t.get("error_codes", ())):
                s += 4.0
            if s > best:
                best, best_type = s, issue_type
        return best_type if best >= 1.0 else "unclassified"


def median_time(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--smoke", action="store_true", help="tiny input, one repeat (CI)")
    args = ap.parse_args()
    n, repeat = (200, 1) if args.smoke else (args.n, args.repeat)
    tickets = make_tickets(n)
    plain = PlainPythonRouter(opsbrain.RuleSet().to_json())

    results = {
        "opsbrain.route_tickets (batch)": median_time(lambda: opsbrain.route_tickets(tickets), repeat),
        "opsbrain.route_ticket (loop)": median_time(
            lambda: [opsbrain.route_ticket(t["subject"], t["body"], t.get("error_codes"), t["channel"]) for t in tickets],
            repeat,
        ),
        "plain Python re router (loop)": median_time(lambda: [plain.route(t) for t in tickets], repeat),
    }
    agree = sum(a.issue_type == plain.route(t) for a, t in zip(opsbrain.route_tickets(tickets), tickets)) / n
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, {n} tickets, median of {repeat}")
    base = results["plain Python re router (loop)"]
    for name, secs in results.items():
        print(f"  {name:<32} {secs * 1e3:9.1f} ms  {n / secs:12,.0f} tickets/s  {base / secs:6.1f}x vs plain Python")
    print(f"  issue-type agreement with the plain router: {agree:.1%}")


if __name__ == "__main__":
    main()
