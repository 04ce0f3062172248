"""One post: its metrics, and its comments and replies with their sentiment, quality and
intent from the text layer.

Comments are attacker-controlled text. The template escapes them (Jinja autoescape) and shows
them in ``dir="auto"`` elements so right-to-left text and direction marks cannot reorder the
page around them; the CSP forbids inline scripts as a second wall.
"""

from __future__ import annotations

from typing import Any

from engagelens.api import listing
from engagelens.api.routers.overview import rollup_of
from engagelens.errors import NotFound
from engagelens.metrics import Filters, rollup
from engagelens.web.exports import Col, Table
from engagelens.web.i18n import N_

from .base import Context, Page

KINDS = ("comment", "reply")
PAGE_SIZE = 100
EXPORT_LIMIT = 20_000
INTENTS = (
    ("is_question", N_("question")),
    ("is_complaint", N_("complaint")),
    ("is_purchase_intent", N_("purchase intent")),
    ("is_praise", N_("praise")),
)


def _flatten(item: dict[str, Any], gettext: Any) -> dict[str, Any]:
    a = item.get("analysis") or {}
    intents = [gettext(label) for key, label in INTENTS if a.get(key)]
    return {
        **{
            k: item.get(k)
            for k in (
                "platform",
                "interaction_id",
                "kind",
                "occurred_at",
                "actor_id",
                "text",
                "parent_id",
            )
        },
        "sentiment": a.get("sentiment"),
        "sentiment_score": a.get("sentiment_score"),
        "quality": a.get("quality"),
        "language": a.get("language"),
        "intent": ", ".join(intents),
        "backend": a.get("backend"),
    }


def build(ctx: Context) -> Page:
    import polars as pl

    _ = ctx._
    q = ctx.request.query_params
    platform, content_id = q.get("p", "")[:300], q.get("id", "")[:300]
    cursor = q.get("cursor", "")[:600] or None
    frame = rollup_of(ctx.ws, ctx.settings)
    hit = frame.filter((pl.col("platform") == platform) & (pl.col("content_id") == content_id))
    if not platform or not content_id or hit.height == 0:
        raise NotFound("no such post")
    post = rollup.post_row(hit.row(0, named=True))
    # the date range applies to when comments were written
    when = Filters(start=ctx.view.filters.start, end=ctx.view.filters.end, platforms=(platform,))
    with ctx.ws.session() as store:
        page = listing.interactions(
            store, when, kinds=KINDS, content_id=content_id, limit=PAGE_SIZE, cursor=cursor
        )
        # the export holds every comment of the post in the range (up to EXPORT_LIMIT)
        everything = (
            listing.interactions(
                store, when, kinds=KINDS, content_id=content_id, limit=EXPORT_LIMIT
            )["items"]
            if ctx.exporting
            else None
        )
    columns = [
        Col("occurred_at", _("When"), "datetime"),
        Col("kind", _("Kind")),
        Col("actor_id", _("Author")),
        Col("text", _("Comment")),
        Col("sentiment", _("Sentiment"), "label"),
        Col("sentiment_score", _("Score"), "num2"),
        Col("quality", _("Quality"), "label"),
        Col("intent", _("Intent")),
        Col("language", _("Language")),
    ]
    table = Table(
        "comments",
        _("Comments"),
        columns,
        rows=[_flatten(i, _) for i in page["items"]],
        all_rows=None if everything is None else [_flatten(i, _) for i in everything],
    )
    metrics = [
        (key, label, fmt)
        for key, label, fmt in (
            ("interactions", _("Interactions"), "int"),
            ("likes", _("Likes"), "int"),
            ("comments", _("Comments"), "int"),
            ("shares", _("Shares"), "int"),
            ("engagement_score", _("Engagement score"), "num"),
            ("engagement_rate_by_reach", _("Engagement rate by reach"), "pct"),
            ("engagement_rate_by_impressions", _("Engagement rate by impressions"), "pct"),
            ("engagement_rate_by_followers", _("Engagement rate by followers"), "pct"),
            ("interactions_vs_baseline", _("vs baseline"), "ratio"),
        )
    ]
    return Page(
        "post.html",
        _("Post"),
        tables=[table],
        extra={
            "post": post,
            "metrics": metrics,
            "next_cursor": page["next_cursor"],
            "cursor": cursor,
        },
    )


__all__ = ["EXPORT_LIMIT", "INTENTS", "KINDS", "PAGE_SIZE", "build"]
