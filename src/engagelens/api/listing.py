"""Paged listings read straight from a workspace store: interactions (keyset cursor) and the
text analysis of a page of them.

Why a cursor for interactions: a workspace holds millions of them, and ``OFFSET 2_000_000``
makes the engine walk two million rows. The cursor is the last row's sort key (newest first:
``occurred_at`` descending, then ``platform``, ``interaction_id``), so every page costs the
same. It is opaque to clients (URL-safe base64 of JSON) and validated when it comes back.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import math
from typing import TYPE_CHECKING, Any

from engagelens.errors import NotFound

from .errors import InvalidParameter

if TYPE_CHECKING:  # pragma: no cover
    from engagelens.metrics import Filters
    from engagelens.store import Store

INTERACTION_COLUMNS: tuple[str, ...] = (
    "platform",
    "interaction_id",
    "content_id",
    "account_id",
    "actor_id",
    "kind",
    "occurred_at",
    "text",
    "reaction",
    "parent_id",
    "is_brand",
    "value",
)
ANALYSIS_COLUMNS: tuple[str, ...] = (
    "language",
    "sentiment",
    "sentiment_score",
    "quality",
    "is_question",
    "is_complaint",
    "is_purchase_intent",
    "is_praise",
    "emotions",
)


def jsonable(value: Any) -> Any:
    """A value JSON can carry: dates as ISO strings, NaN/inf as null."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def encode_cursor(row: dict[str, Any]) -> str:
    key = [row["occurred_at"].isoformat(), row["platform"], row["interaction_id"]]
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[dt.datetime, str, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        when, platform, interaction_id = json.loads(raw)
        if not isinstance(platform, str) or not isinstance(interaction_id, str):
            raise ValueError
        return dt.datetime.fromisoformat(when), platform, interaction_id
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise InvalidParameter("cursor is not one this server issued; start without it") from None


def interactions(
    store: Store,
    filters: Filters,
    *,
    kinds: tuple[str, ...] = (),
    content_id: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> dict[str, Any]:
    """A page of interactions (newest first) with their text analysis, and the next cursor."""
    t = store.table("interaction")
    conds = filters.conditions(t, "occurred_at")
    if kinds:
        conds.append(t.kind.isin(list(kinds)))
    if content_id is not None:
        conds.append(t.content_id == content_id)
    if cursor:
        when, platform, iid = decode_cursor(cursor)
        conds.append(
            (t.occurred_at < when)
            | (
                (t.occurred_at == when)
                & ((t.platform > platform) | ((t.platform == platform) & (t.interaction_id > iid)))
            )
        )
    if conds:
        t = t.filter(conds)
    page = (
        t.order_by([t.occurred_at.desc(), t.platform, t.interaction_id])
        .select(*INTERACTION_COLUMNS)
        .limit(limit + 1)
        .to_pyarrow()
        .to_pylist()
    )
    more = len(page) > limit
    page = page[:limit]
    _attach_analysis(store, page)
    return {
        "items": [jsonable(r) for r in page],
        "next_cursor": encode_cursor(page[-1]) if more and page else None,
    }


def _attach_analysis(store: Store, rows: list[dict[str, Any]]) -> None:
    """Adds ``analysis`` (or None) to each row: the alphabetically first backend's result,
    the same tie-break the metrics use."""
    for r in rows:
        r["analysis"] = None
    if not rows or not store.has_table("text_analysis"):
        return
    ids = sorted({r["interaction_id"] for r in rows})
    a = store.table("text_analysis")
    a = a.filter((a.source_table == "interaction") & a.source_id.isin(ids))
    found = (
        a.order_by(["platform", "source_id", "backend"])
        .select("platform", "source_id", "backend", *ANALYSIS_COLUMNS)
        .to_pyarrow()
        .to_pylist()
    )
    first: dict[tuple[str, str], dict[str, Any]] = {}
    for f in found:
        first.setdefault((f["platform"], f["source_id"]), f)
    for r in rows:
        hit = first.get((r["platform"], r["interaction_id"]))
        if hit is not None:
            r["analysis"] = {k: hit[k] for k in ("backend", *ANALYSIS_COLUMNS)}


def content_exists(store: Store, platform: str, content_id: str) -> None:
    t = store.table("content")
    if not t.filter((t.platform == platform) & (t.content_id == content_id)).count().execute():
        raise NotFound(f"no content {content_id!r} on {platform!r}")


__all__ = sorted(
    [
        "ANALYSIS_COLUMNS",
        "INTERACTION_COLUMNS",
        "content_exists",
        "decode_cursor",
        "encode_cursor",
        "interactions",
        "jsonable",
    ]
)
