"""The mention feed: every stored mention to read, newest first, filtered by listening query,
sentiment, language and a text search (and the filter bar's dates and platforms), fifty a page.

Rows are :func:`engagelens.listening.feed.mention_feed`, the call behind
``GET /api/v1/…/listening/mentions`` and ``engagelens listen mentions``. Texts are strangers':
they are printed escaped in ``dir="auto"`` cells (a right-to-left override stays inside its
cell), and the export neutralises formulas like every other table's.
"""

from __future__ import annotations

from typing import Any

from engagelens.listening import list_queries
from engagelens.listening.feed import MAX_LIMIT, SENTIMENTS, languages, mention_feed
from engagelens.web.exports import MAX_EXPORT_ROWS, Col, Table

from .base import Context, Page

PAGE_SIZE = 50


def _choice(values: list[str] | tuple[str, ...], wanted: str) -> str:
    return wanted if wanted in values else ""


def build(ctx: Context) -> Page:
    _ = ctx._
    q = ctx.request.query_params
    search = q.get("search", "")[:200]
    try:
        offset = max(0, min(int(q.get("offset", "0")), 10_000_000))
    except ValueError:
        offset = 0
    with ctx.ws.session() as store:
        queries = [r["name"] for r in list_queries(store)]
        langs = languages(store)
        query = _choice(queries, q.get("query", ""))
        sentiment = _choice(SENTIMENTS, q.get("sentiment", ""))
        language = _choice(langs, q.get("language", ""))
        args: dict[str, Any] = {
            "query": query or None,
            "sentiment": sentiment or None,
            "language": language or None,
            "search": search or None,
        }
        feed = mention_feed(store, ctx.view.filters, offset=offset, limit=PAGE_SIZE, **args)
        every = None
        if ctx.exporting:
            limit = min(MAX_EXPORT_ROWS, MAX_LIMIT)
            every = mention_feed(store, ctx.view.filters, limit=limit, **args).items
    for row in [*feed.items, *(every or [])]:
        row["queries_text"] = ", ".join(row["queries"])
    table = Table(
        "mentions",
        _("Mentions"),
        [
            Col("created_at", _("When"), "datetime"),
            Col("platform", _("Platform")),
            Col("author_handle", _("Author")),
            Col("text", _("Mention")),
            Col("sentiment", _("Sentiment"), "label"),
            Col("language", _("Language")),
            Col("queries_text", _("Queries")),
            Col("reach", _("Reach"), "int"),
        ],
        rows=feed.items,
        page=(offset, PAGE_SIZE, feed.total),
        all_rows=every,
    )
    return Page(
        "mentions.html",
        _("Mentions"),
        tables=[table],
        extra={
            "queries": queries,
            "query": query,
            "sentiments": [(s, _(s)) for s in SENTIMENTS],
            "sentiment": sentiment,
            "languages": langs,
            "language": language,
            "search": search,
            "total": feed.total,
        },
    )


__all__ = ["PAGE_SIZE", "build"]
