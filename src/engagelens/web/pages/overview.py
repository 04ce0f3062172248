"""The overview: interactions against engagement, the three engagement rates over time, and
the posts furthest above and below their own baseline.

Figures are :func:`engagelens.metrics.rollup.overview` over the post rollup — the numbers the API's
``/overview`` returns, which tests check against the metric registry.
"""

from __future__ import annotations

from typing import Any

from engagelens.api.routers.overview import rollup_of
from engagelens.metrics import rollup
from engagelens.web.exports import Col, Table

from .base import Context, Page, chart, day_axis, value_axis

TOP = 10

#: the KPI cards: (totals key, label, number format) — each shows value, previous, change
KPIS: tuple[tuple[str, str, str], ...] = (
    ("posts", "Posts", "int"),
    ("interactions", "Interactions", "int"),
    ("engagement_score", "Engagement score", "num"),
    ("engagement_rate_by_reach", "Engagement rate by reach", "pct"),
    ("engagement_rate_by_impressions", "Engagement rate by impressions", "pct"),
    ("engagement_rate_by_followers", "Engagement rate by followers", "pct"),
)


def change(current: Any, previous: Any) -> tuple[float | None, str]:
    """(relative change, direction "up"/"down"/"flat"/"none") of a KPI against the previous
    period; no previous value or a zero one has no relative change."""
    if current is None or previous is None or previous == 0:
        return None, "none"
    rel = (float(current) - float(previous)) / abs(float(previous))
    return rel, "up" if rel > 0 else "down" if rel < 0 else "flat"


def kpis(totals: dict[str, Any], previous: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The cards' data, the same numbers the API's overview returns for both periods."""
    cards = []
    for key, label, kind in KPIS:
        value = totals.get(key)
        before = previous.get(key) if previous is not None else None
        rel, direction = change(value, before) if previous is not None else (None, "none")
        cards.append(
            {
                "key": key,
                "label": label,
                "kind": kind,
                "value": value,
                "previous": before,
                "has_previous": previous is not None,
                "change": rel,
                "direction": direction,
            }
        )
    return cards


def post_columns(_: Any) -> list[Col]:
    return [
        Col("text", _("Post"), "post"),
        Col("platform", _("Platform")),
        Col("account_id", _("Account")),
        Col("created_at", _("Published"), "datetime"),
        Col("interactions", _("Interactions"), "int"),
        Col("interactions_vs_baseline", _("vs baseline"), "ratio"),
        Col("engagement_rate_by_reach", _("Engagement rate by reach"), "pct"),
    ]


def build(ctx: Context) -> Page:
    _ = ctx._
    frame = rollup_of(ctx.ws, ctx.settings)
    data = rollup.overview(frame, ctx.view.filters, top=TOP)
    daily, totals = data["daily"], data["totals"]
    before = ctx.view.previous()
    previous = rollup.overview(frame, before, top=0)["totals"] if before is not None else None
    days = [d["day"] for d in daily]
    charts = [
        chart(
            "interactions-vs-engagement",
            _("Interactions vs engagement"),
            [
                {
                    "type": "bar",
                    "name": _("Interactions"),
                    "x": days,
                    "y": [d["interactions"] for d in daily],
                },
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "name": _("Engagement score"),
                    "x": days,
                    "y": [d["engagement_score"] for d in daily],
                    "yaxis": "y2",
                },
            ],
            {
                # both axes from zero with the same number of ticks: the right one's ticks
                # sit on the left one's grid lines; labels in the page's digits
                "yaxis": value_axis([d["interactions"] for d in daily], ctx.lang),
                "yaxis2": {
                    "overlaying": "y",
                    "side": "right",
                    "showgrid": False,
                    **value_axis([d["engagement_score"] for d in daily], ctx.lang),
                },
                "margin": {"t": 48, "r": 64, "b": 56, "l": 64},
                "xaxis": day_axis(days, ctx.lang),
            },
        ),
        chart(
            "engagement-rates",
            _("Engagement rate over time"),
            [
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "name": label,
                    "x": days,
                    "y": [d[key] for d in daily],
                }
                for key, label in (
                    ("engagement_rate_by_reach", _("by reach")),
                    ("engagement_rate_by_impressions", _("by impressions")),
                    ("engagement_rate_by_followers", _("by followers")),
                )
            ],
            {
                "yaxis": value_axis(
                    [
                        d[k]
                        for d in daily
                        for k in (
                            "engagement_rate_by_reach",
                            "engagement_rate_by_impressions",
                            "engagement_rate_by_followers",
                        )
                    ],
                    ctx.lang,
                    percent=True,
                ),
                "xaxis": day_axis(days, ctx.lang),
            },
        ),
        chart(
            "posts-vs-baseline",
            _("Top and bottom posts vs their baseline"),
            [
                {
                    "type": "bar",
                    "orientation": "h",
                    "name": name,
                    "y": [f"{p['platform']}/{p['content_id']}" for p in posts],
                    "x": [p[rollup.BASELINE_METRIC] for p in posts],
                    "text": [(p.get("text") or "")[:80] for p in posts],
                    "hoverinfo": "x+y+text",
                }
                for name, posts in (
                    (_("Top posts"), data["top_posts"]),
                    (_("Bottom posts"), data["bottom_posts"]),
                )
            ],
            {
                "hovermode": "closest",
                "yaxis": {"automargin": True, "type": "category"},
                "xaxis": {
                    "title": {"text": _("Interactions ÷ baseline")},
                    **value_axis(
                        [
                            p[rollup.BASELINE_METRIC]
                            for p in (*data["top_posts"], *data["bottom_posts"])
                        ],
                        ctx.lang,
                    ),
                },
            },
        ),
    ]
    daily_table = Table(
        "daily",
        _("By day"),
        [
            Col("day", _("Day"), "date"),
            Col("posts", _("Posts"), "int"),
            Col("interactions", _("Interactions"), "int"),
            Col("likes", _("Likes"), "int"),
            Col("comments", _("Comments"), "int"),
            Col("shares", _("Shares"), "int"),
            Col("engagement_score", _("Engagement score"), "num"),
            Col("engagement_rate_by_reach", _("Engagement rate by reach"), "pct"),
            Col("engagement_rate_by_impressions", _("Engagement rate by impressions"), "pct"),
            Col("engagement_rate_by_followers", _("Engagement rate by followers"), "pct"),
        ],
        rows=daily,
    )
    return Page(
        "overview.html",
        _("Overview"),
        tables=[
            Table(
                "top_posts",
                _("Top posts vs their baseline"),
                post_columns(_),
                rows=data["top_posts"],
            ),
            Table(
                "bottom_posts",
                _("Bottom posts vs their baseline"),
                post_columns(_),
                rows=data["bottom_posts"],
            ),
            daily_table,
        ],
        charts=charts,
        extra={"totals": totals, "previous": previous, "kpis": kpis(totals, previous)},
    )


__all__ = ["KPIS", "TOP", "build", "change", "kpis", "post_columns"]
