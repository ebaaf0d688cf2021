#!/usr/bin/env python3
"""Split the hand-written raw ticket parts into train.jsonl / dev.jsonl.

Reads raw/part-*.jsonl, validates every record, shuffles each label's tickets
with random.Random(20261203), puts 80% of each label into train and 20% into
dev (stratified), shuffles each split, and renumbers ids tr-NNNN / dv-NNNN.
"""
import glob
import json
import os
import random
import sys
from collections import Counter, defaultdict

SEED = 20261203
TRAIN_FRACTION = 0.8
LABELS = [
    "login_failed", "password_reset", "mfa_issues", "quickbooks_sync_failed",
    "api_errors", "webhook_failures", "slow_response_times", "system_unavailable",
    "data_corruption", "security_breach", "unauthorized_access", "data_leak",
    "payment_failures", "data_loss", "compliance_violation", "other",
]
CHANNELS = {"email", "chat", "phone", "portal"}
FIELDS = ["id", "subject", "body", "error_codes", "channel", "label"]

HERE = os.path.dirname(os.path.abspath(__file__))


def load():
    records = []
    errors = []
    seen_ids = set()
    for path in sorted(glob.glob(os.path.join(HERE, "raw", "part-*.jsonl"))):
        with open(path, encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                where = f"{os.path.basename(path)}:{lineno}"
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError as exc:
                    errors.append(f"{where}: bad JSON: {exc}")
                    continue
                if sorted(rec) != sorted(FIELDS):
                    errors.append(f"{where}: fields {sorted(rec)}")
                    continue
                if not isinstance(rec["subject"], str) or not isinstance(rec["body"], str) or not rec["body"].strip():
                    errors.append(f"{where}: subject/body must be strings, body non-empty")
                if not isinstance(rec["error_codes"], list) or not all(isinstance(c, str) for c in rec["error_codes"]):
                    errors.append(f"{where}: error_codes must be a list of strings")
                if rec["channel"] not in CHANNELS:
                    errors.append(f"{where}: channel {rec['channel']!r}")
                if rec["label"] not in LABELS:
                    errors.append(f"{where}: label {rec['label']!r}")
                if rec["id"] in seen_ids:
                    errors.append(f"{where}: duplicate raw id {rec['id']}")
                seen_ids.add(rec["id"])
                records.append(rec)
    # exact duplicate bodies are a sign of copy-paste
    bodies = Counter(r["body"].strip().lower() for r in records)
    for body, n in bodies.items():
        if n > 1:
            errors.append(f"duplicate body x{n}: {body[:60]!r}")
    return records, errors


def main():
    records, errors = load()
    if errors:
        for e in errors:
            print("ERROR", e, file=sys.stderr)
        sys.exit(1)
    rng = random.Random(SEED)
    by_label = defaultdict(list)
    for rec in records:
        by_label[rec["label"]].append(rec)
    train, dev = [], []
    for label in LABELS:
        items = by_label[label]
        rng.shuffle(items)
        n_train = round(len(items) * TRAIN_FRACTION)
        train.extend(items[:n_train])
        dev.extend(items[n_train:])
    rng.shuffle(train)
    rng.shuffle(dev)
    for prefix, split, name in (("tr", train, "train.jsonl"), ("dv", dev, "dev.jsonl")):
        with open(os.path.join(HERE, name), "w", encoding="utf-8") as fh:
            for i, rec in enumerate(split, 1):
                out = {k: rec[k] for k in FIELDS}
                out["id"] = f"{prefix}-{i:04d}"
                fh.write(json.dumps(out, ensure_ascii=False) + "\n")
    tr_counts = Counter(r["label"] for r in train)
    dv_counts = Counter(r["label"] for r in dev)
    print(f"{'label':24} {'train':>6} {'dev':>5} {'total':>6}")
    for label in LABELS:
        print(f"{label:24} {tr_counts[label]:6d} {dv_counts[label]:5d} {tr_counts[label] + dv_counts[label]:6d}")
    print(f"{'TOTAL':24} {len(train):6d} {len(dev):5d} {len(records):6d}")


if __name__ == "__main__":
    main()
