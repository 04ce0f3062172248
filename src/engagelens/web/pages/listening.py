"""Social listening: the saved queries, their volume, reach, net sentiment and share of voice,
mentions per day, and the spikes with what drove them.

All figures come from :mod:`engagelens.listening.measures` and :mod:`~.spikes`, the functions
behind the API's ``/listening`` routes. Spikes are found on the whole history (a baseline needs
the days before) and then shown for the chosen date range.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from engagelens.api.listing import jsonable
from engagelens.listening import list_queries
from engagelens.listening.measures import breakdown
from engagelens.listening.spikes import find_spikes
from engagelens.web.exports import Col, Table

from .base import Context, Page, chart, day_axis


def _drivers(d: dict[str, list[Any]]) -> str:
    parts = []
    for key, values in sorted((d or {}).items()):
        shown = [v[0] if isinstance(v, list | tuple) else v for v in values[:5]]
        if shown:
            parts.append(f"{key}: {', '.join(str(v) for v in shown)}")
    return "; ".join(parts)


def _in_range(day: dt.date, f: Any) -> bool:
    moment = dt.datetime.combine(day, dt.time())
    return (
        f.start is None or moment >= f.start.replace(hour=0, minute=0, second=0, microsecond=0)
    ) and (f.end is None or moment < f.end)


def build(ctx: Context) -> Page:
    _ = ctx._
    f = ctx.view.filters
    version = ctx.ws.data_version

    def compute() -> dict[str, Any]:
        with ctx.ws.session() as store:
            return {
                "queries": jsonable(list_queries(store)),
                "summary": jsonable(breakdown(store, [], f).to_pyarrow().to_pylist()),
                "daily": jsonable(breakdown(store, ["day"], f).to_pyarrow().to_pylist()),
                "spikes": [s for s in find_spikes(store)],
            }

    from engagelens.api.auth import state_of

    key = (ctx.slug, "web.listening", tuple(ctx.view.params()), version)
    data = state_of(ctx.request).cache.get_or_compute(key, compute)
    spikes = [
        {**s.to_dict(), "drivers": _drivers(s.drivers)}
        for s in data["spikes"]
        if _in_range(s.day, f)
    ]
    names = sorted({r["query"] for r in data["daily"]})
    axis = day_axis([r["day"] for r in data["daily"]])
    charts = [
        chart(
            "mentions-per-day",
            _("Mentions per day"),
            [
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "name": name,
                    "x": [r["day"] for r in data["daily"] if r["query"] == name],
                    "y": [r["volume"] for r in data["daily"] if r["query"] == name],
                }
                for name in names
            ],
            {"xaxis": axis},
        ),
        chart(
            "share-of-voice",
            _("Share of voice"),
            [
                {
                    "type": "bar",
                    "name": name,
                    "x": [r["day"] for r in data["daily"] if r["query"] == name],
                    "y": [r["share_of_voice"] for r in data["daily"] if r["query"] == name],
                }
                for name in names
            ],
            {"barmode": "stack", "yaxis": {"tickformat": ".0%"}, "xaxis": axis},
        ),
    ]
    tables = [
        Table(
            "summary",
            _("Queries"),
            [
                Col("query", _("Query")),
                Col("volume", _("Mentions"), "int"),
                Col("reach", _("Reach"), "int"),
                Col("positive", _("Positive"), "int"),
                Col("negative", _("Negative"), "int"),
                Col("net_sentiment", _("Net sentiment"), "num2"),
                Col("share_of_voice", _("Share of voice"), "pct"),
            ],
            rows=data["summary"],
        ),
        Table(
            "queries",
            _("Saved queries"),
            [
                Col("name", _("Name")),
                Col("kind", _("Kind")),
                Col("query", _("Query text")),
            ],
            rows=data["queries"],
        ),
        Table(
            "spikes",
            _("Spikes"),
            [
                Col("day", _("Day"), "date"),
                Col("query", _("Query")),
                Col("series", _("Series")),
                Col("count", _("Mentions"), "int"),
                Col("expected", _("Expected"), "num2"),
                Col("z", _("z-score"), "num2"),
                Col("drivers", _("Drivers")),
            ],
            rows=spikes,
        ),
    ]
    return Page("listening.html", _("Listening"), tables=tables, charts=charts)


__all__ = ["build"]
