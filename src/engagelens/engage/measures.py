"""Outbound measures in the metric registry: inbound volume, reply rate, reply times.

All built on :func:`.facts.answered_items` (definitions there and in docs/outbound.md).
Percentiles are exact order statistics computed with window functions, never engine
approximations, so DuckDB and Spark return identical values:

* median: the mean of the two middle values (the single middle one when n is odd);
* p90: nearest rank, the ⌈0.9·n⌉-th smallest value (Hyndman & Fan 1996, definition 1).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import ibis

from engagelens.metrics.base import Metric, Unit
from engagelens.metrics.facts import tz
from engagelens.metrics.registry import register
from engagelens.metrics.timekeys import calendar_key

from .facts import answered_items, interactions

if TYPE_CHECKING:  # pragma: no cover
    from engagelens.metrics.base import MetricContext

GRAINS = ("total", "platform", "account", "content", "agent", "day", "week", "month")
_SRC_RATE = (
    "Brand reply (response) rate: share of inbound comments, mentions and messages the "
    "brand answered (Sprout Social, 'Response rate'; Hootsuite, 'Response rate')."
)
_SRC_TIME = (
    "First-reply (first response) time: time from an inbound message to the brand's "
    "first answer (Sprout Social, 'Average response time'; Zendesk, 'First reply time')."
)


def keyed(ctx: MetricContext, items: ibis.Table) -> tuple[ibis.Table, list[str]]:
    """``items`` with the grain's key columns added; returns the key names."""
    g = ctx.grain
    if g == "total":
        return items, []
    if g in ("day", "week", "month"):
        return items.mutate(
            **{g: calendar_key(items.occurred_at, g, tz(ctx), ctx.store.backend)}
        ), [g]
    if g == "agent":
        return items.mutate(agent=items.reply_agent), ["agent"]
    keys = {
        "platform": ["platform"],
        "account": ["platform", "account_id"],
        "content": ["platform", "content_id"],
    }[g]
    return items, keys


def _rate(flag: Callable[[ibis.Table], ibis.Value] | None) -> Callable[[ibis.Table], ibis.Value]:
    def value(t: ibis.Table) -> ibis.Value:
        base = t.interaction_id.notnull() if flag is None else flag(t)
        needing = base.cast("int64").sum()
        done = (base & t.answered).cast("int64").sum()
        return ibis.ifelse(
            needing > 0, done.cast("float64") / needing.cast("float64"), ibis.null("float64")
        )

    return value


def headline(ctx: MetricContext, column: str = "reply_seconds") -> ibis.Table:
    """Per grain cell: inbound_volume, answered_count, reply_rate and the mean, median and p90
    of ``column`` (reply_seconds or business_seconds; null exactly when unanswered).

    One pass: the items are counted per (keys, distinct value) — the (few) distinct reply
    times stand in for the rows — and a running total over them locates the ranks of the exact
    order statistics; every figure is then a plain aggregate of that small table. Memoised on
    the context, so the registered metrics of one ``compute()`` call share a single scan."""
    return ctx.memo(f"engage.headline:{column}", lambda: _headline(ctx, column))


def _headline(ctx: MetricContext, column: str) -> ibis.Table:
    items, keys = keyed(ctx, answered_items(ctx, _keep(ctx), business=column == "business_seconds"))
    vc = items.group_by([*keys, items[column].name("_v")]).agg(_c=items.count())
    ans = vc._v.notnull()
    w_cum = ibis.window(group_by=keys or None, order_by=[vc._v], preceding=None, following=0)
    w_all = ibis.window(group_by=keys or None)
    cum = ibis.ifelse(ans, vc._c, 0).sum().over(w_cum)
    r = vc.mutate(_cum=ibis.ifelse(ans, cum, 0), _n=ibis.ifelse(ans, vc._c, 0).sum().over(w_all))
    lo_rank = ((r._n - 1) / 2).floor().cast("int64")
    hi_rank = (r._n / 2).floor().cast("int64")
    p90_rank = ((r._n * 9 + 9) / 10).floor().cast("int64") - 1

    def at(rank: ibis.Value) -> ibis.Value:
        return r._v.cast("float64").max(
            where=r._v.notnull() & (r._cum - r._c <= rank) & (rank < r._cum)
        )

    inbound = r._c.sum()
    answered = r._c.sum(where=r._v.notnull())
    agg = dict(
        inbound_volume=inbound,
        answered_count=answered.fill_null(0),
        reply_rate=ibis.ifelse(
            inbound > 0,
            answered.fill_null(0).cast("float64") / inbound.cast("float64"),
            ibis.null("float64"),
        ),
        # integer sum, then one division: the exact mean (what SQL avg() of integers returns)
        mean=(r._v * r._c).sum().cast("float64") / answered.cast("float64"),
        median=(at(lo_rank) + at(hi_rank)) / 2,
        p90=at(p90_rank),
    )
    return r.group_by(keys).agg(**agg) if keys else r.aggregate(**agg)


def _from_headline(
    name: str, column: str = "reply_seconds", field: str | None = None
) -> Callable[[MetricContext], ibis.Table]:
    """A registered metric that reads one field of :func:`headline`."""

    def build(ctx: MetricContext) -> ibis.Table:
        h = headline(ctx, column)
        return h.select(
            *[c for c in h.columns if c not in _HEADLINE_FIELDS], **{name: h[field or name]}
        )

    return build


_HEADLINE_FIELDS = ("inbound_volume", "answered_count", "reply_rate", "mean", "median", "p90")


def _keep(ctx: MetricContext) -> tuple[str, ...]:
    """Optional columns a grain needs (see facts.deduplicated)."""
    return {"account": ("account_id",), "content": ("content_id",), "agent": ("agent",)}.get(
        ctx.grain, ()
    )


def _replies_per_conversation(ctx: MetricContext) -> ibis.Table:
    """Brand replies ÷ conversations that started with an inbound item (roots: no parent, or a
    parent that is not in the store)."""
    items, keys = keyed(ctx, answered_items(ctx, business=False))
    t = interactions(ctx)
    ids = t.select(p_platform="platform", p_id="interaction_id")
    roots = items.anti_join(ids, [items.platform == ids.p_platform, items.parent_id == ids.p_id])
    agg = {"_replies": roots.brand_replies.sum(), "_n": roots.count()}
    s = roots.group_by(keys).agg(**agg) if keys else roots.aggregate(**agg)
    value = ibis.ifelse(
        s._n > 0, s._replies.cast("float64") / s._n.cast("float64"), ibis.null("float64")
    )
    return s.select(*keys, replies_per_conversation=value)


def _declare(
    name: str,
    title: str,
    description: str,
    formula: str,
    unit: Unit,
    build,
    source: str,
    *,
    higher: bool = True,
    requires: tuple[str, ...] = ("interaction", "account"),
    grains: tuple[str, ...] = GRAINS,
) -> None:
    register(
        Metric(
            name=name,
            title=title,
            description=description,
            formula=formula,
            unit=unit,
            grains=grains,
            requires=requires,
            source=source,
            build=build,
            higher_is_better=higher,
            tags=("outbound",),
        ),
        replace=True,
    )


_declare(
    "inbound_volume",
    "Inbound needing an answer",
    "Comments, replies, mentions, tags, quotes and DMs from the audience (not the brand).",
    "count(distinct inbound items by non-brand actors)",
    "count",
    _from_headline("inbound_volume"),
    _SRC_RATE,
)
_declare(
    "answered_count",
    "Inbound items answered",
    "Inbound items with at least one brand reply (a brand row naming them as parent).",
    "count(inbound items with ≥ 1 brand reply)",
    "count",
    _from_headline("answered_count"),
    _SRC_RATE,
)
_declare(
    "reply_rate",
    "Brand reply rate",
    "Share of inbound items the brand answered; 0 replies to 172 comments shows as 0%.",
    "answered inbound items ÷ inbound items needing an answer",
    "fraction",
    _from_headline("reply_rate"),
    _SRC_RATE,
)
_declare(
    "reply_time_mean",
    "Mean first-reply time",
    "Average seconds from an inbound item to the brand's first reply (answered items only).",
    "mean(first brand reply time − item time), clipped at 0",
    "seconds",
    _from_headline("reply_time_mean", field="mean"),
    _SRC_TIME,
    higher=False,
)
_declare(
    "reply_time_median",
    "Median first-reply time",
    "Typical seconds to the brand's first reply; robust to a few very late answers.",
    "median(first brand reply time − item time), mean of the two middle values",
    "seconds",
    _from_headline("reply_time_median", field="median"),
    _SRC_TIME,
    higher=False,
)
_declare(
    "reply_time_p90",
    "90th-percentile first-reply time",
    "Nine in ten answered items got their first reply within this many seconds.",
    "nearest-rank p90: the ⌈0.9·n⌉-th smallest reply time",
    "seconds",
    _from_headline("reply_time_p90", field="p90"),
    _SRC_TIME,
    higher=False,
)
_declare(
    "reply_time_business_mean",
    "Mean first-reply time (business hours)",
    "Like reply_time_mean, but the clock only runs during business_hours on business_days "
    "in the configured time zone.",
    "mean(business seconds between item and first brand reply)",
    "seconds",
    _from_headline("reply_time_business_mean", "business_seconds", "mean"),
    _SRC_TIME,
    higher=False,
)
_declare(
    "reply_time_business_median",
    "Median first-reply time (business hours)",
    "Median of business-hours reply times (settings business_hours, business_days, timezone).",
    "median(business seconds between item and first brand reply)",
    "seconds",
    _from_headline("reply_time_business_median", "business_seconds", "median"),
    _SRC_TIME,
    higher=False,
)
_declare(
    "reply_time_business_p90",
    "90th-percentile first-reply time (business hours)",
    "Nearest-rank p90 of business-hours reply times.",
    "⌈0.9·n⌉-th smallest business-hours reply time",
    "seconds",
    _from_headline("reply_time_business_p90", "business_seconds", "p90"),
    _SRC_TIME,
    higher=False,
)
_declare(
    "replies_per_conversation",
    "Brand replies per conversation",
    "How many direct brand replies a conversation started by the audience receives.",
    "brand replies to root items ÷ root inbound items",
    "ratio",
    _replies_per_conversation,
    _SRC_RATE,
    grains=("total", "platform", "account", "content", "day", "week", "month"),
)


def _text_flag(column: str) -> Callable[[ibis.Table], ibis.Value]:
    return lambda t: t[column]


def _with_intent(ctx: MetricContext) -> ibis.Table:
    """answered_items + is_question / is_complaint from text_analysis; without analysis a
    question is text containing '?' and a complaint is unknown (false)."""
    items = answered_items(ctx, business=False)
    ta = ctx.table("text_analysis")
    ta = (
        ta.filter(ta.source_table == "interaction")
        .group_by(["platform", "source_id"])
        .agg(q=ta.is_question.cast("int8").max(), c=ta.is_complaint.cast("int8").max())
    )
    j = items.left_join(ta, [items.platform == ta.platform, items.interaction_id == ta.source_id])
    fallback_q = j.text.fill_null("").contains("?")
    return j.select(
        *items.columns,
        is_question=ibis.ifelse(j.q.isnull(), fallback_q, j.q > 0),
        is_complaint=j.c.fill_null(0) > 0,
    )


def _intent_rate(name: str, column: str) -> Callable[[MetricContext], ibis.Table]:
    def build(ctx: MetricContext) -> ibis.Table:
        items, keys = keyed(ctx, _with_intent(ctx))
        fn = _rate(_text_flag(column))
        return (
            items.group_by(keys).agg(**{name: fn(items)})
            if keys
            else items.aggregate(**{name: fn(items)})
        )

    return build


_declare(
    "question_reply_rate",
    "Questions answered",
    "Share of inbound questions the brand answered (text layer's is_question; '?' if unanalysed).",
    "answered questions ÷ inbound questions",
    "fraction",
    _intent_rate("question_reply_rate", "is_question"),
    _SRC_RATE,
    requires=("interaction", "account", "text_analysis"),
)
_declare(
    "complaint_reply_rate",
    "Complaints answered",
    "Share of inbound complaints (text layer's is_complaint) the brand answered.",
    "answered complaints ÷ inbound complaints",
    "fraction",
    _intent_rate("complaint_reply_rate", "is_complaint"),
    _SRC_RATE,
    requires=("interaction", "account", "text_analysis"),
)


def summary(store, by: str = "total", filters=None, settings=None) -> ibis.Table:
    """The six headline outbound figures in one pass: inbound_volume, answered_count,
    reply_rate, reply_time_mean, reply_time_median, reply_time_p90 — the very expression the
    registered metrics read (:func:`headline`), for dashboards and large stores."""
    from engagelens.metrics.compute import make_context

    h = headline(make_context(store, by, filters, settings))
    keys = [c for c in h.columns if c not in _HEADLINE_FIELDS]
    return h.select(
        *keys,
        *_HEADLINE_FIELDS[:3],
        reply_time_mean=h["mean"],
        reply_time_median=h["median"],
        reply_time_p90=h["p90"],
    )


__all__ = sorted(["GRAINS", "headline", "keyed", "summary"])
