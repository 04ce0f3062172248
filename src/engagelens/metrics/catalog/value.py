"""Economic value of content: revenue attributed to posts and return on their promotion.

Kaushik's fourth social metric is *economic value*; ROI is its standard ratio. Attribution
rule (documented in docs/metrics.md): a conversion is attributed to a content when its
``content_id`` names it (the post the click came from). Conversions without a content_id,
or naming an unknown content, are not attributed. Cost is ``content.spend`` (what was paid to
promote the post). Revenue is the content's lifetime conversion value, like its lifetime
counters; the date range selects contents by publish time. One currency per store.
"""

from __future__ import annotations

import ibis

from engagelens.metrics.base import MetricContext
from engagelens.metrics.facts import CONTENT_GRAINS, content_facts, grain_keys, safe_div

from ._declare import declare

_KAUSHIK = (
    "Avinash Kaushik, 'Best Social Media Metrics: Conversation, Amplification, "
    "Applause, Economic Value' (2011)"
)


def revenue_facts(ctx: MetricContext) -> ibis.Table:
    """Content facts plus ``revenue``: Σ conversion.value of conversions naming the content.

    Conversions carry no platform, so a content_id used on two platforms gets the revenue on
    both; platforms' ids rarely collide, and the rule keeps ROI additive across grains."""

    def build() -> ibis.Table:
        f = content_facts(ctx)
        c = ctx.table("conversion")
        c = c.filter(c.content_id.notnull())
        rev = c.group_by(_cid=c.content_id).agg(_rev=c.value.sum())
        j = f.left_join(rev, f.content_id == rev._cid)
        return j.mutate(revenue=j._rev.fill_null(0.0)).drop("_cid", "_rev")

    return ctx.memo("revenue_facts", build)


def _agg(t: ibis.Table, keys: list[str], **aggs) -> ibis.Table:
    return t.group_by(keys).agg(**aggs) if keys else t.agg(**aggs)


def _revenue(ctx: MetricContext) -> ibis.Table:
    f = revenue_facts(ctx)
    return _agg(f, grain_keys(ctx.grain), attributed_revenue=f.revenue.sum())


def _roi(ctx: MetricContext) -> ibis.Table:
    f = revenue_facts(ctx)
    paid = f.spend.notnull() & (f.spend > 0)
    t = _agg(f, grain_keys(ctx.grain), _r=f.revenue.sum(where=paid), _s=f.spend.sum(where=paid))
    return t.mutate(roi=safe_div(t._r - t._s, t._s)).drop("_r", "_s")


declare(
    name="attributed_revenue",
    title="Attributed revenue",
    description="Value of the conversions whose content_id names a content of the selection "
    "(the post the click came from). Conversions without a content are not "
    "attributed.",
    formula="Σ conversion.value over conversions with conversion.content_id = content_id",
    unit="currency",
    grains=CONTENT_GRAINS,
    requires=("content", "conversion"),
    source=_KAUSHIK + ": economic value = revenue attributed to social content",
    build=_revenue,
    tags=("value",),
)
declare(
    name="roi",
    title="Return on investment (ROI)",
    description="What promoting content returned: attributed revenue minus spend, over spend, "
    "over the contents with a known, positive spend (content.spend). 1.5 means "
    "every unit spent came back 2.5 times; −1 means nothing came back. Null when "
    "nothing in the cell was paid for.",
    formula="(Σ attributed revenue − Σ spend) ÷ Σ spend, over contents with spend > 0",
    unit="fraction",
    grains=CONTENT_GRAINS,
    requires=("content", "conversion"),
    source="ROI = (gain − cost) ÷ cost (e.g. Investopedia, 'Return on Investment (ROI)'); "
    + _KAUSHIK,
    build=_roi,
    tags=("value",),
)

__all__ = sorted(["revenue_facts"])
