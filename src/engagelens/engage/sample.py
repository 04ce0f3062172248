"""Load a small interactions CSV (the columns of the ``interaction`` table) into a store.

Used by the engage tests, docs and benchmarks' smoke runs; production imports go through
``engagelens ingest``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from ..store import Store

_BOOL = {"true": True, "false": False}


def load_interactions_csv(store: Store, path: str | Path, *, own_accounts: tuple[tuple[str, str], ...] = ()
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
        store.insert("account", [{"platform": p, "account_id": a, "is_own": True} for p, a in own_accounts])
    return n


def twcs_rows(path: str | Path) -> list[dict]:
    """Rows of a "Customer Support on Twitter" export (tweet_id, author_id, inbound,
    created_at, text, response_tweet_id, in_response_to_tweet_id) as ``interaction`` rows.

    A stand-alone reader for tests and benchmarks; ``engagelens ingest --source twcs`` is the
    production route. Mapping: interaction_id = tweet_id, actor_id = author_id, is_brand = not
    inbound, parent_id = in_response_to_tweet_id, kind = reply when it answers a tweet else
    mention; account_id = the brand (author of brand tweets; for customers, the first @handle
    that is a brand author in the file).
    """
    # the data set holds raw CRs inside texts: records end at "\n" only
    with Path(path).open(encoding="utf-8", newline="") as fh:
        text = fh.read().replace("\r\n", "\n").replace("\r", " ")
    raw = list(csv.DictReader(io.StringIO(text, newline="")))
    brands = {r["author_id"] for r in raw if r["inbound"].strip().lower() == "false"}
    out = []
    for r in raw:
        inbound = r["inbound"].strip().lower() == "true"
        parent = r["in_response_to_tweet_id"].strip()
        parent = str(int(float(parent))) if parent else None
        if inbound:
            handles = [w[1:].rstrip(".,:;!?") for w in r["text"].split() if w.startswith("@")]
            account = next((h for h in handles if h in brands), None)
        else:
            account = r["author_id"]
        out.append({
            "platform": "twitter", "interaction_id": r["tweet_id"].strip(), "account_id": account,
            "actor_id": r["author_id"], "kind": "reply" if parent else "mention",
            "occurred_at": dt.datetime.strptime(r["created_at"], "%a %b %d %H:%M:%S %z %Y")
            .astimezone(dt.UTC).replace(tzinfo=None),
            "text": r["text"], "parent_id": parent, "is_brand": not inbound,
        })
    return out


__all__ = ["load_interactions_csv", "twcs_rows"]
