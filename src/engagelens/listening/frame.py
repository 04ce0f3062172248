"""The one Ibis expression every listening measure starts from: matched mentions.

One row per (query, mention) with the mention's time, platform, language, author, reach and
sentiment. Sentiment is the source's label (e.g. the airline data set's annotators) when the
mention has one, else the text layer's (``text_analysis``); language likewise. Reach is the
mention's estimated audience, else its author's followers, else 0. Day, week (Monday) and
month are calendar keys in the ``timezone`` setting, like every other metric's
(:mod:`engagelens.metrics.timekeys`): a brand in Hanoi counts a 23:30 UTC tweet on the next day.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ibis

from engagelens import settings
from engagelens.metrics.timekeys import calendar_key

from .tables import ensure

if TYPE_CHECKING:  # pragma: no cover
    from engagelens.metrics.base import Filters
    from engagelens.store import Store

#: query kinds that compete for share of voice
TRACKED_KINDS = ("brand", "competitor")


def _analysis(store: Store) -> ibis.Table | None:
    if not store.has_table("text_analysis"):
        return None
    ta = store.table("text_analysis")
    return (
        ta.filter(ta.source_table == "mention")
        .group_by(ta_platform=ta.platform, ta_id=ta.source_id)
        .agg(ta_sentiment=ta.sentiment.max(), ta_language=ta.language.max())
    )


def matched_mentions(
    store: Store,
    filters: Filters | None = None,
    *,
    tracked_only: bool = False,
    timezone: str | None = None,
) -> ibis.Table:
    """query, kind, platform, mention_id, created_at, day, week, month, language,
    author_handle, author_followers, reach, sentiment, text — one row per query match.
    ``timezone``: of the calendar keys (default: the ``timezone`` setting)."""
    ensure(store)
    tz = str(timezone or settings.get("timezone") or "UTC")
    match, mention, queries = (
        store.table("listening_match"),
        store.table("mention"),
        store.table("listening_query"),
    )
    if tracked_only:
        queries = queries.filter(queries.kind.isin(TRACKED_KINDS))
    kinds = queries.select(q_name=queries.name, kind=queries.kind)
    joined = match.join(kinds, match.query == kinds.q_name).join(
        mention, ["platform", "mention_id"]
    )
    sentiment, language = joined.sentiment, joined.language
    ta = _analysis(store)
    if ta is not None:
        joined = joined.left_join(
            ta, [joined.platform == ta.ta_platform, joined.mention_id == ta.ta_id]
        )
        sentiment = joined.sentiment.fill_null(joined.ta_sentiment)
        language = joined.language.fill_null(joined.ta_language)
    out = joined.select(
        query=joined.query,
        kind=joined.kind,
        platform=joined.platform,
        mention_id=joined.mention_id,
        created_at=joined.created_at,
        day=calendar_key(joined.created_at, "day", tz, store.backend),
        week=calendar_key(joined.created_at, "week", tz, store.backend),
        month=calendar_key(joined.created_at, "month", tz, store.backend),
        language=language,
        author_handle=joined.author_handle,
        author_followers=joined.author_followers,
        reach=joined.reach.fill_null(joined.author_followers).fill_null(0),
        sentiment=sentiment,
        text=joined.text,
    )
    conds = [] if filters is None else filters.conditions(out, "created_at", accounts=False)
    return out.filter(conds) if conds else out


__all__ = sorted(["TRACKED_KINDS", "matched_mentions"])
