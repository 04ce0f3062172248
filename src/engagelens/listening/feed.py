"""The mention feed: stored mentions to read, newest first, filtered by listening query,
sentiment, platform, language, date and a text search, a page at a time.

Why here: ``engagelens listen mentions``, ``GET /api/v1/…/listening/mentions`` and the
dashboard's mentions page read the same rows. Sentiment and language are the source's label,
else the text layer's (as in :func:`.frame.matched_mentions`). The search is an Ibis
expression (a case-insensitive substring test compiled with the value as a literal by Ibis),
never SQL assembled from the user's text; ``%`` and ``_`` in it are plain characters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import ibis

from engagelens.errors import ConfigError

from .tables import ensure

if TYPE_CHECKING:  # pragma: no cover
    from engagelens.metrics.base import Filters
    from engagelens.store import Store

SENTIMENTS = ("positive", "neutral", "negative")
#: most rows one page (or one export) holds
MAX_LIMIT = 200_000


@dataclass(frozen=True)
class Feed:
    """One page of mentions and how many match in all."""

    total: int
    offset: int
    items: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"total": self.total, "offset": self.offset, "items": self.items}


def _mentions(store: Store) -> ibis.Table:
    m = store.table("mention")
    sentiment, language = m.sentiment, m.language
    if store.has_table("text_analysis"):
        ta = store.table("text_analysis")
        ta = (
            ta.filter(ta.source_table == "mention")
            .group_by(ta_platform=ta.platform, ta_id=ta.source_id)
            .agg(ta_sentiment=ta.sentiment.max(), ta_language=ta.language.max())
        )
        m = m.left_join(ta, [m.platform == ta.ta_platform, m.mention_id == ta.ta_id])
        sentiment = m.sentiment.fill_null(m.ta_sentiment)
        language = m.language.fill_null(m.ta_language)
    return m.select(
        platform=m.platform,
        mention_id=m.mention_id,
        created_at=m.created_at,
        author_handle=m.author_handle,
        reach=m.reach.fill_null(m.author_followers),
        sentiment=sentiment,
        language=language,
        url=m.url,
        text=m.text,
    )


def languages(store: Store) -> list[str]:
    """The languages the stored mentions are in (for a filter menu)."""
    t = _mentions(store)
    values = t.select("language").distinct().to_pyarrow().column("language").to_pylist()
    return sorted(v for v in values if v)


def mention_feed(
    store: Store,
    filters: Filters | None = None,
    *,
    query: str | None = None,
    sentiment: str | None = None,
    language: str | None = None,
    search: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> Feed:
    """Mentions newest first (ties by platform and id), each with the queries it matches.
    ``filters``: date range (``created_at``) and platforms. Raises ConfigError for an
    unknown sentiment; an unknown query is the caller's to reject (it names the choices)."""
    ensure(store)
    if sentiment is not None and sentiment not in SENTIMENTS:
        raise ConfigError(f"sentiment must be one of {', '.join(SENTIMENTS)}, not {sentiment!r}")
    t = _mentions(store)
    conds = [] if filters is None else filters.conditions(t, "created_at", accounts=False)
    if sentiment:
        conds.append(t.sentiment == sentiment)
    if language:
        conds.append(t.language == language)
    needle = (search or "").strip()
    if needle:
        conds.append(t.text.lower().contains(ibis.literal(needle.lower())))
    if conds:
        t = t.filter(conds)
    if query:
        match = store.table("listening_match")
        match = match.filter(match.query == query).select("platform", "mention_id")
        t = t.semi_join(match, ["platform", "mention_id"])
    total = int(t.count().to_pyarrow().as_py())
    offset = max(0, int(offset))
    limit = max(0, min(int(limit), MAX_LIMIT))
    page = (
        t.order_by([ibis.desc("created_at"), "platform", "mention_id"])
        .limit(limit, offset=offset)
        .to_pyarrow()
        .to_pylist()
    )
    _add_queries(store, page)
    return Feed(total, offset, page)


def _add_queries(store: Store, rows: list[dict[str, Any]]) -> None:
    """Each row's matching queries, in name order (one small query for the page's ids)."""
    if not rows:
        return
    match = store.table("listening_match")
    ids = sorted({r["mention_id"] for r in rows})
    found = (
        match.filter(match.mention_id.isin(ids))
        .select("query", "platform", "mention_id")
        .to_pyarrow()
        .to_pylist()
    )
    by: dict[tuple[str, str], list[str]] = {}
    for f in found:
        by.setdefault((f["platform"], f["mention_id"]), []).append(f["query"])
    for r in rows:
        r["queries"] = sorted(by.get((r["platform"], r["mention_id"]), []))


__all__ = ["MAX_LIMIT", "SENTIMENTS", "Feed", "languages", "mention_feed"]
