"""Fuzz campaign: hostile exports in every format, counting rows tried / lost / silently changed.

    .venv/bin/python benchmarks/fuzz_ingest.py --quick      # 7 formats x 500 records
    .venv/bin/python benchmarks/fuzz_ingest.py --rows 11000 # the audit's size per file

Each record has its own id, except deliberate exact copies and same-id records with other
values (conflicting duplicates). After one ingest per file:

- *lost*: a record whose id is neither stored nor in the quarantine;
- *silently changed*: a stored row whose text or counter differs from every record written with
  its id (rounded, rolled, re-decoded, read as hex …);
- the ledger must hold: read = stored + duplicates + quarantined, read = records written.

The hostile values and the writers are the ones the property test uses
(``engagelens.demo.hostile``). Exit code 1 when anything is lost or changed.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from engagelens.demo.hostile import (
    FORMATS,
    HOSTILE_NUMBERS,
    HOSTILE_TEXT,
    same_number,
    spreadsheet_safe,
    write_records,
)
from engagelens.ingest import ingest_file
from engagelens.store import Store

_DATES = ["2024-01-02 03:04:05", "2024-02-30", "", "2024-02-30 10:00 +0000", "2023-12-31T23:59:59Z"]
_ALPHABET = "abc xyz éñ 中文 فارسی tiếng 😀\u200b\u200f\t"


def _records(rng: random.Random, n: int, fmt: str) -> list[dict[str, str]]:
    texts = HOSTILE_TEXT if fmt != "xlsx" else [t for t in HOSTILE_TEXT if spreadsheet_safe(t)]
    out: list[dict[str, str]] = []
    for i in range(n):
        roll = rng.random()
        if out and roll < 0.05:  # an exact copy of an earlier record
            out.append(dict(rng.choice(out)))
            continue
        text = rng.choice(texts) if rng.random() < 0.5 else _random_text(rng)
        number = rng.choice(HOSTILE_NUMBERS) if rng.random() < 0.5 else str(rng.randint(0, 10**9))
        rid = f"id{i}"
        if out and roll < 0.08:  # same id, other values: a conflicting duplicate
            rid = rng.choice(out)["interaction_id"]
        out.append(
            {
                "interaction_id": rid,
                "platform": "x",
                "kind": "comment",
                "occurred_at": rng.choice(_DATES),
                "text": text,
                "value": number,
            }
        )
    return out


def _random_text(rng: random.Random) -> str:
    return "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 30)))


def _campaign(fmt: str, rows: int, seed: int, folder: Path) -> dict[str, int | float]:
    rng = random.Random(f"{seed}-{fmt}")
    records = _records(rng, rows, fmt)
    path = write_records(folder, fmt, records)
    store = Store.open(folder / "fuzz.duckdb")
    try:
        t0 = time.perf_counter()
        s = ingest_file(store, path, source="canonical", entity="interaction")
        seconds = time.perf_counter() - t0
        stored = store.table("interaction").to_pyarrow().to_pylist()
        raws = store.table("quarantine").select("raw").to_pyarrow().column("raw").to_pylist()
    finally:
        store.close()
    quarantined_ids = set()
    for raw in raws:
        try:
            quarantined_ids.add(str(json.loads(raw).get("interaction_id", "")).strip())
        except (ValueError, AttributeError):
            quarantined_ids.update(
                r["interaction_id"] for r in records if r["interaction_id"] in raw
            )
    by_id: dict[str, list[dict[str, str]]] = {}
    for r in records:
        by_id.setdefault(r["interaction_id"], []).append(r)
    stored_ids = {row["interaction_id"] for row in stored}
    lost = sum(1 for r in records if r["interaction_id"] not in stored_ids | quarantined_ids)
    changed = sum(
        1
        for row in stored
        if not any(
            (row["text"] or "") == r["text"] and same_number(row["value"], r["value"])
            for r in by_id.get(row["interaction_id"], [])
        )
    )
    ledger_ok = s.rows_read == len(records) and s.rows_read == (
        s.rows_stored + s.rows_duplicate + s.rows_quarantined
    )
    return {
        "tried": len(records),
        "stored": s.rows_stored,
        "duplicate": s.rows_duplicate,
        "quarantined": s.rows_quarantined,
        "lost": lost,
        "changed": changed,
        "ledger_ok": int(ledger_ok),
        "seconds": seconds,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=11_000, help="records per file")
    ap.add_argument("--quick", action="store_true", help="500 records per file")
    ap.add_argument("--seed", type=int, default=2026)
    args = ap.parse_args(argv)
    rows = 500 if args.quick else args.rows
    print(
        f"{'format':8} {'tried':>7} {'stored':>7} {'dup':>6} {'quar':>6} {'lost':>5} "
        f"{'changed':>8} ledger  s"
    )
    totals = {"tried": 0, "lost": 0, "changed": 0, "bad_ledgers": 0}
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in FORMATS:
            folder = Path(tmp) / fmt
            folder.mkdir()
            r = _campaign(fmt, rows, args.seed, folder)
            print(
                f"{fmt:8} {r['tried']:>7} {r['stored']:>7} {r['duplicate']:>6} "
                f"{r['quarantined']:>6} {r['lost']:>5} {r['changed']:>8} "
                f"{'ok' if r['ledger_ok'] else 'WRONG':>6} {r['seconds']:.1f}"
            )
            totals["tried"] += int(r["tried"])
            totals["lost"] += int(r["lost"])
            totals["changed"] += int(r["changed"])
            totals["bad_ledgers"] += 1 - int(r["ledger_ok"])
    print(
        f"fuzzed rows tried {totals['tried']:,} / lost {totals['lost']} / silently changed "
        f"{totals['changed']} / wrong ledgers {totals['bad_ledgers']}"
    )
    return 0 if totals["lost"] == totals["changed"] == totals["bad_ledgers"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
