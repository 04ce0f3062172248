"""Headline figures for one account (or all) over a period: what `engagelens report` and the
demo print. Interactions and engagement sit side by side, as the literature asks."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .base import Filters
from .cache import cached
from .compute import compute
from .registry import all_metrics, get_metric

if TYPE_CHECKING:  # pragma: no cover
    from engagelens.store import Store

#: headline metrics, in reading order (those not registered in this checkout are skipped)
HEADLINE: tuple[str, ...] = (
    "posts",
    "interactions",
    "engagement_score",
    "engagement_rate_by_reach",
    "engagement_rate_by_reach_pooled",
    "engagement_rate_by_impressions",
    "engagement_rate_by_followers",
    "amplification_rate",
    "conversation_rate",
    "applause_rate",
    "virality_rate",
    "reply_rate",
    "reply_time_median",
    "participation_rate",
    "net_follows",
    "follower_growth_rate",
)


def figures(
    store: Store,
    names: Iterable[str] = HEADLINE,
    filters: Filters | None = None,
    settings: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """{metric name: value} at the ``total`` grain, in one computation: the probe sees every
    metric's needs, so the facts are built once. Names not registered (or without a ``total``
    grain) in this checkout are left out."""
    known = {m.name for m in all_metrics()}
    chosen = [n for n in names if n in known and "total" in get_metric(n).grains]
    if not chosen:
        return {}
    with cached(store):
        row = compute(store, chosen, by="total", filters=filters, settings=settings).to_pyarrow()
    first = row.slice(0, 1).to_pylist()
    return {n: first[0][n] if first else None for n in chosen}


def headline(
    store: Store,
    account: str | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    settings: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The :data:`HEADLINE` figures for ``account`` (all accounts if None) over a period."""
    filters = Filters(start=start, end=end, accounts=(account,) if account else ())
    return figures(store, HEADLINE, filters, settings)


def format_value(unit: str, value: Any) -> str:
    """Human formatting: fractions as percentages, counts with thousands separators."""
    if value is None:
        return "—"
    if unit == "fraction":
        return f"{value * 100:.2f}%"
    if unit == "count":
        return f"{int(value):,}"
    if unit == "seconds":
        return f"{value:,.1f} s"
    if unit == "nps":  # a score on -100..100: one decimal, signed like the NPS convention
        return f"{value:+.1f}"
    if unit in ("score", "currency"):
        return f"{value:,.2f}"
    if isinstance(value, float):
        return f"{value:,.3f}"
    return str(value)


def render_markdown(figures: dict[str, Any], *, title: str = "Headline metrics") -> str:
    """A Markdown table of ``headline``'s result (titles escaped: they may reach HTML)."""
    lines = [f"## {html.escape(title)}", "", "| Metric | Value |", "|---|---:|"]
    for name, value in figures.items():
        m = get_metric(name)
        lines.append(f"| {html.escape(m.title)} | {format_value(m.unit, value)} |")
    return "\n".join(lines) + "\n"


__all__ = sorted(["HEADLINE", "figures", "format_value", "headline", "render_markdown"])
