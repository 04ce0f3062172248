"""Load a small interactions CSV (the columns of the ``interaction`` table) into a store.

Used by the engage tests' hand-checked fixtures; production imports (including the "Customer
Support on Twitter" shape, ``--source twcs``) go through ``engagelens ingest``.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from engagelens.store import Store

_BOOL = {"true": True, "false": False}


def load_interactions_csv(
    store: Store, path: str | Path, *, own_accounts: tuple[tuple[str, str], ...] = ()
) -> int:
    """Insert the CSV's rows into ``interaction``; mark ``(platform, account_id)`` pairs as own."""
    rows = []
    with Path(path).open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            row = {k: (v if v != "" else None) for k, v in r.items()}
            row["occurred_at"] = dt.datetime.fromisoformat(r["occurred_at"])
            row["actor_followers"] = int(r["actor_followers"]) if r.get("actor_followers") else None
            row["is_brand"] = _BOOL.get((r.get("is_brand") or "").lower())
            rows.append(row)
    n = store.insert("interaction", rows)
    if own_accounts:
        store.insert(
            "account", [{"platform": p, "account_id": a, "is_own": True} for p, a in own_accounts]
        )
    return n


__all__ = ["load_interactions_csv"]
