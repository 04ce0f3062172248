"""Social listening workspace: the saved queries (create, try a draft on the stored mentions,
edit, remove), mentions and net sentiment per day, share of voice, a summary per query, and
the spikes of the date range told in plain sentences.

All figures come from the functions behind the API's ``/listening`` routes and the CLI's
``listen`` commands: :mod:`engagelens.listening.measures`, ``.spikes``, ``.explain`` (the
sentence's facts), ``.preview`` (a draft's matches) and ``.runner`` (save and remove). Spikes
are found on the whole history (a baseline needs the days before) and shown for the range.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from engagelens.api.listing import jsonable
from engagelens.errors import EngageLensError
from engagelens.listening import list_queries
from engagelens.listening.explain import Explanation, explain
from engagelens.listening.measures import breakdown
from engagelens.listening.preview import preview
from engagelens.listening.runner import queries_key
from engagelens.listening.spikes import find_spikes
from engagelens.listening.tables import QUERY_KINDS
from engagelens.web.exports import Col, Table
from engagelens.web.i18n import N_

from .base import Context, Page, chart, day_axis, value_axis

#: the query kinds in the form's menu, in words
KIND_LABELS = {
    "brand": N_("brand"),
    "competitor": N_("competitor"),
    "product": N_("product"),
    "campaign": N_("campaign"),
    "topic": N_("topic"),
}
SPIKE_SENTENCE = N_(
    "%(what)s of “%(query)s” rose to %(count)s on %(day)s, against %(expected)s expected from the same weekday in the %(window)s days before (%(ratio)s×)."  # noqa: E501
)
SPIKE_SENTENCE_NEW = N_(
    "%(what)s of “%(query)s” rose to %(count)s on %(day)s, against %(expected)s expected from the same weekday in the %(window)s days before."  # noqa: E501
)
SPIKE_WHAT = {"volume": N_("Mentions"), "negative": N_("Negative mentions")}
#: matches a draft shows on the page
DRAFT_LIMIT = 20


def _in_range(day: dt.date, f: Any) -> bool:
    moment = dt.datetime.combine(day, dt.time())
    return (
        f.start is None or moment >= f.start.replace(hour=0, minute=0, second=0, microsecond=0)
    ) and (f.end is None or moment < f.end)


def spike_sentence(ctx: Context, e: Explanation) -> str:
    """The explanation's facts in the page's language and digits."""
    lang = ctx.lang
    message = SPIKE_SENTENCE if e.ratio is not None else SPIKE_SENTENCE_NEW
    return ctx._(message) % {
        "what": ctx._(SPIKE_WHAT.get(e.series, SPIKE_WHAT["volume"])),
        "query": e.query,
        "count": lang.number(e.count),
        "day": lang.date(e.day),
        "expected": lang.number(e.expected, 1),
        "window": lang.number(e.window_days),
        "ratio": lang.number(e.ratio, 1) if e.ratio is not None else "–",
    }


EMPTY_FORM: dict[str, Any] = {
    "name": "",
    "query": "",
    "kind": "brand",
    "ignore_accents": False,
    "segment_chinese": False,
    "replaces": "",
    "error": "",
}


def _edit_state(queries: list[dict[str, Any]], name: str) -> dict[str, Any] | None:
    for r in queries:
        if r["name"] == name:
            return {
                "name": r["name"],
                "query": r["query"],
                "kind": r["kind"],
                "ignore_accents": bool(r["ignore_accents"]),
                "segment_chinese": bool(r["segment_chinese"]),
                "replaces": r["name"],
                "error": "",
            }
    return None


def draft_rows(ctx: Context, result: Any) -> list[dict[str, Any]]:
    """A preview's matches as table rows (dates written in the page's language)."""
    return [
        {
            **m,
            "when": ctx.lang.datetime(m["created_at"]),
            "terms_text": ", ".join(m["terms"]),
        }
        for m in result.matches
    ]


def run_draft(ctx: Context, form: dict[str, Any]) -> dict[str, Any]:
    """Match the form's draft on the stored mentions (nothing saved); a syntax error comes
    back as the form's error."""
    try:
        with ctx.ws.session() as store:
            result = preview(
                store,
                form["query"],
                ignore_accents=form["ignore_accents"],
                segment_chinese=form["segment_chinese"],
                limit=DRAFT_LIMIT,
            )
    except EngageLensError as exc:
        return {"error": str(exc), "rows": [], "matched": 0, "scanned": 0, "parsed": ""}
    return {
        "error": "",
        "rows": draft_rows(ctx, result),
        "matched": result.matched,
        "scanned": result.scanned,
        "parsed": result.parsed,
    }


def draft_summary(ctx: Context, draft: dict[str, Any]) -> str:
    return ctx._("%(matched)s of %(scanned)s stored mentions match this query.") % {
        "matched": ctx.lang.number(draft["matched"]),
        "scanned": ctx.lang.number(draft["scanned"]),
    }


def build(ctx: Context, form: dict[str, Any] | None = None, *, test: bool = False) -> Page:
    """The page; ``form``: the posted query form (after Test, or a Save that failed), which
    ``test`` matches on the stored mentions without saving it."""
    _ = ctx._
    f = ctx.view.filters

    def compute() -> dict[str, Any]:
        with ctx.ws.session() as store:
            return {
                "queries": jsonable(list_queries(store)),
                "summary": jsonable(breakdown(store, [], f).to_pyarrow().to_pylist()),
                "daily": jsonable(breakdown(store, ["day"], f).to_pyarrow().to_pylist()),
                "spikes": list(find_spikes(store)),
            }

    from engagelens.api.auth import state_of

    with ctx.ws.session() as store:
        version = (ctx.ws.data_version, queries_key(store))
    key = (ctx.slug, "web.listening", tuple(ctx.view.params()), version)
    data = state_of(ctx.request).cache.get_or_compute(key, compute)
    spikes = []
    for s in data["spikes"]:
        if not _in_range(s.day, f):
            continue
        e = explain(s)
        spikes.append(
            {
                "day": s.day,
                "query": s.query,
                "series": _(SPIKE_WHAT.get(s.series, s.series)),
                "count": s.count,
                "expected": s.expected,
                "sentence": spike_sentence(ctx, e),
                "terms": e.terms,
                "examples": e.examples,
                "terms_text": ", ".join(e.terms),
            }
        )
    daily = data["daily"]
    names = sorted({r["query"] for r in daily})
    days = [r["day"] for r in daily]
    axis = day_axis(days, ctx.lang)

    def series(name: str, key: str) -> dict[str, Any]:
        rows = [r for r in daily if r["query"] == name]
        return {"name": name, "x": [r["day"] for r in rows], "y": [r[key] for r in rows]}

    net_ticks = [-1.0, -0.5, 0.0, 0.5, 1.0]
    charts = []
    if daily:
        charts = [
            chart(
                "mentions-per-day",
                _("Mentions per day"),
                [
                    {"type": "scatter", "mode": "lines+markers", **series(n, "volume")}
                    for n in names
                ],
                {"xaxis": axis, "yaxis": value_axis([r["volume"] for r in daily], ctx.lang)},
            ),
            chart(
                "sentiment-per-day",
                _("Net sentiment per day"),
                [
                    {"type": "scatter", "mode": "lines+markers", **series(n, "net_sentiment")}
                    for n in names
                ],
                {
                    "xaxis": axis,
                    "yaxis": {
                        "tickmode": "array",
                        "tickvals": net_ticks,
                        # a left-to-right isolate keeps the minus before the digits on RTL pages
                        "ticktext": [f"\u2066{ctx.lang.number(v, 1)}\u2069" for v in net_ticks],
                        "range": [-1.05, 1.05],
                        "zeroline": True,
                    },
                },
            ),
            chart(
                "share-of-voice",
                _("Share of voice"),
                [{"type": "bar", **series(n, "share_of_voice")} for n in names],
                {
                    "barmode": "stack",
                    "xaxis": axis,
                    "yaxis": value_axis([1.0], ctx.lang, percent=True, ticks=4),
                },
            ),
        ]
    queries = data["queries"]
    for r in queries:
        r["kind_label"] = _(KIND_LABELS.get(r["kind"], r["kind"]))
    state = {**EMPTY_FORM, **(form or {})}
    editing = ctx.request.query_params.get("edit")
    if form is None and editing:
        state = _edit_state(queries, editing) or state
    draft = run_draft(ctx, state) if test else None
    if draft and draft["error"]:
        state = {**state, "error": draft["error"]}
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
                Col("kind_label", _("Kind")),
                Col("query", _("Query text")),
                Col("name", _("Actions"), "query_actions"),
            ],
            rows=queries,
        ),
        Table(
            "spikes",
            _("Spikes"),
            [
                Col("day", _("Day"), "date"),
                Col("query", _("Query")),
                Col("series", _("Series")),
                Col("count", _("Mentions"), "int"),
                Col("expected", _("Expected"), "num"),
                Col("terms_text", _("Top terms")),
                Col("sentence", _("Explanation")),
            ],
            rows=spikes,
        ),
    ]
    if draft is not None:
        tables.append(
            Table(
                "draft",
                _("Matching mentions"),
                [
                    Col("when", _("When")),
                    Col("platform", _("Platform")),
                    Col("author_handle", _("Author")),
                    Col("text", _("Mention")),
                    Col("terms_text", _("Words found")),
                ],
                rows=draft["rows"],
                exportable=False,
            )
        )
    q = ctx.request.query_params
    return Page(
        "listening.html",
        _("Listening"),
        tables=tables,
        charts=charts,
        extra={
            "queries": queries,
            "has_matches": bool(daily),
            "spikes": spikes,
            "form": state,
            "draft": draft,
            "draft_summary": draft_summary(ctx, draft) if draft and not draft["error"] else "",
            "kinds": [(k, _(KIND_LABELS[k])) for k in QUERY_KINDS],
            "can_edit": ctx.can("analyst"),
            "saved": q.get("saved", "")[:200],
            "removed": q.get("removed", "")[:200],
        },
    )


__all__ = ["DRAFT_LIMIT", "EMPTY_FORM", "KIND_LABELS", "build", "draft_rows", "spike_sentence"]
