"""Trying a draft query on the stored mentions before saving it (``engagelens listen test``,
``POST /listening/test`` and the listening page's draft form all call :func:`preview`).

Why a separate pass instead of saving and running: a draft must never touch the store (no
matches written, no ``listening_seen`` rows), and a syntax error must come back as an error
that names the column, before anything is saved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .engine import Engine, QuerySpec
from .fold import FoldOptions
from .query import parse, to_string
from .runner import mention_rows

if TYPE_CHECKING:  # pragma: no cover
    from engagelens.store import Store

#: most matches a preview returns (the count covers every match)
MAX_LIMIT = 200


@dataclass(frozen=True)
class Preview:
    """How a draft query was read, how many stored mentions it matches, and the first ones."""

    parsed: str
    matched: int
    scanned: int
    matches: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "parsed": self.parsed,
            "matched": self.matched,
            "scanned": self.scanned,
            "matches": self.matches,
        }


def preview(
    store: Store,
    query: str,
    *,
    ignore_accents: bool = False,
    segment_chinese: bool = False,
    limit: int = 20,
) -> Preview:
    """Match ``query`` on every stored mention; newest first, the first ``limit`` matches
    with their text, terms found, date, author and reach. Raises QuerySyntaxError."""
    parsed = to_string(parse(query))
    limit = max(0, min(int(limit), MAX_LIMIT))
    engine = Engine([QuerySpec("draft", query, FoldOptions(ignore_accents, segment_chinese))])
    found: list[dict[str, Any]] = []
    scanned = 0
    for batch in mention_rows(store, only_new=False):
        records = batch.to_pylist()
        scanned += len(records)
        for n, _, terms in engine.match_rows(records):
            r = records[n]
            found.append({**r, "terms": terms})
    found.sort(key=_newest_first)
    return Preview(parsed, len(found), scanned, _details(store, found[:limit]))


def _newest_first(r: dict[str, Any]) -> tuple[Any, ...]:
    stamp = r["created_at"].timestamp() if r["created_at"] is not None else float("-inf")
    return (-stamp, r["platform"], r["mention_id"])


def _details(store: Store, shown: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The shown matches with their author and reach (one small query for ``limit`` ids)."""
    if not shown:
        return []
    m = store.table("mention")
    rows = (
        m.filter(m.mention_id.isin(sorted({r["mention_id"] for r in shown})))
        .select("platform", "mention_id", "author_handle", "reach")
        .to_pyarrow()
        .to_pylist()
    )
    extra = {(r["platform"], r["mention_id"]): r for r in rows}
    out = []
    for r in shown:
        more = extra.get((r["platform"], r["mention_id"]), {})
        out.append(
            {
                "platform": r["platform"],
                "mention_id": r["mention_id"],
                "created_at": r["created_at"],
                "author_handle": more.get("author_handle"),
                "reach": more.get("reach"),
                "language": r["language"],
                "text": r["text"],
                "terms": r["terms"],
            }
        )
    return out


__all__ = ["MAX_LIMIT", "Preview", "preview"]
