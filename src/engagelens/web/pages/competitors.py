"""Competitor benchmarking: the own brand next to each competitor over the same period — share
of voice, mentions, sentiment mix, posts per week, engagement rate by reach, reply rate and
median reply time where known — and their weekly trends.

Every figure is :func:`engagelens.listening.benchmark.benchmark`, the call behind
``GET /api/v1/…/benchmark`` and ``engagelens benchmark``. The scope switch does not apply here
(the page is own *versus* competitors by definition); the date range and platforms do.
"""

from __future__ import annotations

from typing import Any

from engagelens.api.listing import jsonable
from engagelens.listening.benchmark import benchmark
from engagelens.listening.runner import queries_key
from engagelens.web.exports import Col, Table
from engagelens.web.i18n import N_

from .base import Context, Page, chart, day_axis, value_axis

GROUPS = {"own": N_("Own brand"), "competitor": N_("Competitor")}
SENTIMENT = (
    ("positive", N_("Positive"), "#2e9d5b"),
    ("neutral", N_("Neutral"), "#9aa4b2"),
    ("negative", N_("Negative"), "#d64545"),
)


def duration(ctx: Context, seconds: float | None) -> str:
    """A reply time in the page's language: minutes under two hours, hours under two days."""
    if seconds is None:
        return "–"
    minutes = seconds / 60
    if minutes < 120:
        return ctx._("%(n)s min") % {"n": ctx.lang.number(minutes, 0 if minutes >= 10 else 1)}
    if minutes < 48 * 60:
        return ctx._("%(n)s h") % {"n": ctx.lang.number(minutes / 60, 1)}
    return ctx._("%(n)s d") % {"n": ctx.lang.number(minutes / 1440, 1)}


def build(ctx: Context) -> Page:
    _ = ctx._
    f = ctx.view.filters
    from engagelens.api.auth import state_of

    with ctx.ws.session() as store:
        version = (ctx.ws.data_version, queries_key(store))

    def compute() -> Any:
        with ctx.ws.session() as store:
            return benchmark(store, f, ctx.settings)

    key = (ctx.slug, "web.benchmark", tuple(ctx.view.params()), version)
    result = state_of(ctx.request).cache.get_or_compute(key, compute)
    rows = []
    for b in result.brands:
        rows.append(
            {
                **b.to_dict(),
                "group_label": _(GROUPS[b.group]),
                "reply_time": duration(ctx, b.reply_time_median_s),
                "accounts_text": ", ".join(ctx.account_label(a) for a in b.accounts),
            }
        )
    names = [b.name for b in result.brands]
    competitors = [b for b in result.brands if b.group == "competitor"]
    weeks = jsonable(result.weeks)  # dates as ISO strings for the chart JSON
    axis = day_axis([w["week"] for w in weeks], ctx.lang)

    def trend(key: str) -> list[dict[str, Any]]:
        out = []
        for name in names:
            mine = [w for w in weeks if w["brand"] == name and w.get(key) is not None]
            if mine:
                out.append(
                    {
                        "type": "scatter",
                        "mode": "lines+markers",
                        "name": name,
                        "x": [w["week"] for w in mine],
                        "y": [w[key] for w in mine],
                    }
                )
        return out

    charts = []
    with_mix = [b for b in result.brands if b.positive is not None]
    if competitors:
        sov = trend("share_of_voice")
        if sov:
            charts.append(
                chart(
                    "sov-per-week",
                    _("Share of voice per week"),
                    sov,
                    {"xaxis": axis, "yaxis": value_axis([1.0], ctx.lang, percent=True, ticks=4)},
                )
            )
        er = trend("engagement_rate_by_reach")
        if er:
            charts.append(
                chart(
                    "er-per-week",
                    _("Engagement rate by reach per week"),
                    er,
                    {
                        "xaxis": axis,
                        "yaxis": value_axis(
                            [w["engagement_rate_by_reach"] for w in weeks], ctx.lang, percent=True
                        ),
                    },
                )
            )
        if with_mix:
            charts.append(
                chart(
                    "sentiment-mix",
                    _("Sentiment mix"),
                    [
                        {
                            "type": "bar",
                            "orientation": "h",
                            "name": _(label),
                            "marker": {"color": color},
                            "y": [b.name for b in with_mix],
                            "x": [getattr(b, key) for b in with_mix],
                        }
                        for key, label, color in SENTIMENT
                    ],
                    {
                        "barmode": "stack",
                        "hovermode": "closest",
                        "yaxis": {"automargin": True, "type": "category"},
                        "xaxis": value_axis([1.0], ctx.lang, percent=True, ticks=4),
                    },
                )
            )
    table = Table(
        "brands",
        _("Brands"),
        [
            Col("name", _("Brand")),
            Col("group_label", _("Kind")),
            Col("mentions", _("Mentions"), "int"),
            Col("share_of_voice", _("Share of voice"), "pct"),
            Col("positive", _("Positive"), "pct"),
            Col("neutral", _("Neutral"), "pct"),
            Col("negative", _("Negative"), "pct"),
            Col("posts", _("Posts"), "int"),
            Col("posts_per_week", _("Posts per week"), "num"),
            Col("engagement_rate_by_reach", _("Engagement rate by reach"), "pct"),
            Col("reply_rate", _("Reply rate"), "pct"),
            Col("reply_time", _("Median reply time")),
            Col("query", _("Listening query")),
            Col("accounts_text", _("Accounts")),
        ],
        rows=rows,
    )
    trend_table = Table(
        "weeks",
        _("By week"),
        [
            Col("week", _("Week"), "date"),
            Col("brand", _("Brand")),
            Col("mentions", _("Mentions"), "int"),
            Col("share_of_voice", _("Share of voice"), "pct"),
            Col("posts", _("Posts"), "int"),
            Col("engagement_rate_by_reach", _("Engagement rate by reach"), "pct"),
        ],
        rows=weeks,
    )
    return Page(
        "competitors.html",
        _("Competitors"),
        tables=[table, trend_table],
        charts=charts,
        extra={"has_competitors": bool(competitors), "has_brands": bool(rows)},
    )


__all__ = ["GROUPS", "build", "duration"]
