"""The content table: every post of the filters with its registry metrics, sortable by any
metric column, searchable, filterable by content kind and campaign, fifty rows a page.

Rows come from the post rollup (:mod:`engagelens.metrics.rollup`), sorted and searched exactly
like the API's ``/content`` listing; the export holds every matching row, not just the page.
"""

from __future__ import annotations

import dataclasses

from engagelens.api.routers.overview import rollup_of
from engagelens.metrics import rollup
from engagelens.web.exports import Col, Table

from .base import Context, Page

PAGE_SIZE = 50
DEFAULT_SORT = "-created_at"


def _choice(values: list[str], wanted: str) -> str:
    return wanted if wanted in values else ""


def build(ctx: Context) -> Page:
    _ = ctx._
    q = ctx.request.query_params
    sort = q.get("sort", DEFAULT_SORT)
    if sort.lstrip("-") not in rollup.sortable():
        sort = DEFAULT_SORT
    search = q.get("search", "")[:200]
    try:
        offset = max(0, min(int(q.get("offset", "0")), 10_000_000))
    except ValueError:
        offset = 0
    frame = rollup_of(ctx.ws, ctx.settings)
    kinds = sorted(v for v in frame["kind"].unique().to_list() if v)
    campaigns = sorted(v for v in frame["campaign"].unique().to_list() if v)
    kind, campaign = _choice(kinds, q.get("kind", "")), _choice(campaigns, q.get("campaign", ""))
    filters = dataclasses.replace(
        ctx.view.filters,
        content_kinds=(kind,) if kind else (),
        campaigns=(campaign,) if campaign else (),
    )
    posts = rollup.search_and_sort(rollup.select(frame, filters), search, sort)
    shown = posts.slice(offset, PAGE_SIZE)
    rows = [rollup.post_row(r) for r in shown.iter_rows(named=True)]
    every = [rollup.post_row(r) for r in posts.iter_rows(named=True)] if ctx.exporting else None
    columns = [
        Col("text", _("Post"), "post"),
        Col("platform", _("Platform")),
        Col("account_id", _("Account")),
        Col("kind", _("Kind")),
        Col("campaign", _("Campaign")),
        Col("created_at", _("Published"), "datetime"),
        Col("interactions", _("Interactions"), "int"),
        Col("likes", _("Likes"), "int"),
        Col("comments", _("Comments"), "int"),
        Col("shares", _("Shares"), "int"),
        Col("engagement_score", _("Engagement score"), "num"),
        Col("engagement_rate_by_reach", _("Engagement rate by reach"), "pct"),
        Col("engagement_rate_by_impressions", _("Engagement rate by impressions"), "pct"),
        Col("engagement_rate_by_followers", _("Engagement rate by followers"), "pct"),
        Col("interactions_vs_baseline", _("vs baseline"), "ratio"),
    ]
    table = Table(
        "posts",
        _("Posts"),
        columns,
        rows=rows,
        sortable=rollup.sortable(),
        sort=sort,
        page=(offset, PAGE_SIZE, posts.height),
        all_rows=every,
    )
    return Page(
        "content.html",
        _("Content"),
        tables=[table],
        extra={
            "search": search,
            "kinds": kinds,
            "kind": kind,
            "campaigns": campaigns,
            "campaign": campaign,
            "sort": sort,
        },
    )


__all__ = ["DEFAULT_SORT", "PAGE_SIZE", "build"]
