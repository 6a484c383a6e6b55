"""Split gold/all.jsonl into gold/dev.jsonl (about 60%) and gold/test.jsonl (about 40%).

Reproducible and stratified by source document: within each transcript, observation
note or document, the speaker turns (all paragraphs of one segment stay together,
so no turn is split across dev and test) are ordered by the SHA-256 of
"qualcode-gold-v1:" + turn id, and taken into test until test holds round(40%) of that
source's passages. It also checks that every passage is still verbatim in its source file.

Run from the repository root:  .venv/bin/python gold/split_gold.py
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "gold"
SALT = "qualcode-gold-v1:"
TEST_SHARE = 0.4


def turn_of(item_id: str) -> str:
    return re.sub(r"p\d+$", "", item_id)


def main() -> int:
    rows = [json.loads(line) for line in (GOLD / "all.jsonl").read_text("utf-8").splitlines()]
    for row in rows:
        raw = (ROOT / row["source"]).read_text("utf-8").replace("\r\n", "\n")
        start, end = row["file_offset"]
        if raw[start:end] != row["text"]:
            print(f"{row['id']}: text no longer matches {row['source']}", file=sys.stderr)
            return 1
    by_source: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_source[row["source"]].append(row)
    test_ids: set[str] = set()
    for items in by_source.values():
        turns: dict[str, list[str]] = defaultdict(list)
        for row in items:
            turns[turn_of(row["id"])].append(row["id"])
        order = sorted(turns, key=lambda t: hashlib.sha256((SALT + t).encode()).hexdigest())
        want = round(TEST_SHARE * len(items))
        taken = 0
        for turn in order:
            if taken >= want:
                break
            if taken + len(turns[turn]) > want + 1:
                continue  # keep the share close to 40% when a turn has many paragraphs
            test_ids.update(turns[turn])
            taken += len(turns[turn])
    for name, keep in (("dev", False), ("test", True)):
        with (GOLD / f"{name}.jsonl").open("w", encoding="utf-8", newline="\n") as handle:
            for row in rows:
                if (row["id"] in test_ids) == keep:
                    handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"dev {len(rows) - len(test_ids)}, test {len(test_ids)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
