"""Competitor benchmarking: the own brand next to each competitor, over the same period.

Why here (listening/, not metrics/): it joins the two layers — listening measures and the
metric registry — and listening already sits above metrics. Why one function: the
dashboard's competitors page, ``GET /api/v1/…/benchmark`` and ``engagelens benchmark`` must
show the same figures, and every figure is a registered metric
(``posts``, ``engagement_rate_by_reach``, ``inbound_volume``, ``reply_rate``,
``reply_time_median``) or a listening measure (volume, share of voice, sentiment counts from
:func:`engagelens.listening.measures.breakdown`) — computed once per brand with that brand's
accounts as the filter, never re-derived here.

A **brand** is a group of own or competitor accounts with the same ``account.brand`` (an
account without one is its own brand, named by its handle), and/or a listening query of kind
``brand`` or ``competitor``. A query joins the brand whose name it matches, compared without
case, spaces or punctuation, or the brand's first word (query ``lumina`` joins "Lumina
Coffee"); a query matching no account group is a brand of its own (mentions only), and an
account group without a query has no mention figures (shown as unknown, not zero). When one
own account group and one own (``brand``) query are left unmatched, they are paired.

Posts per week = posts ÷ (days of the period ÷ 7); an open period ("all time") spans the first
to the last publish day of every brand's posts, so each brand is divided by the same weeks.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from engagelens.metrics.base import Filters
from engagelens.metrics.compute import compute

if TYPE_CHECKING:  # pragma: no cover
    from engagelens.store import Store

POST_METRICS = ("posts", "engagement_rate_by_reach")
REPLY_METRICS = ("inbound_volume", "reply_rate", "reply_time_median")
_KEY = re.compile(r"[\W_]+", re.UNICODE)


def brand_key(name: str) -> str:
    """``"Lumina Coffee"`` → ``"luminacoffee"`` (case, spaces and punctuation dropped)."""
    return _KEY.sub("", name.casefold())


@dataclass
class Brand:
    """One brand's figures over the period (None: unknown, e.g. no query or no inbound)."""

    name: str
    group: str  # "own" or "competitor"
    query: str | None = None
    accounts: list[str] = field(default_factory=list)
    mentions: int | None = None
    share_of_voice: float | None = None
    positive: float | None = None  # shares of the labelled mentions
    neutral: float | None = None
    negative: float | None = None
    net_sentiment: float | None = None
    posts: int | None = None
    posts_per_week: float | None = None
    engagement_rate_by_reach: float | None = None
    inbound: int | None = None
    reply_rate: float | None = None
    reply_time_median_s: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass
class Benchmark:
    """Brands (own first, then by mentions) and the weekly trend of each."""

    brands: list[Brand]
    weeks: list[dict[str, Any]]  # brand, week, mentions, share_of_voice, posts, er_by_reach
    period_days: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "brands": [b.to_dict() for b in self.brands],
            "weeks": self.weeks,
            "period_days": self.period_days,
        }


def _accounts(store: Store) -> list[dict[str, Any]]:
    t = store.table("account")
    rows = (
        t.filter(t.is_own.fill_null(False) | t.is_competitor.fill_null(False))
        .select("platform", "account_id", "handle", "name", "brand", "is_own")
        .to_pyarrow()
        .to_pylist()
    )
    return sorted(rows, key=lambda r: (r["platform"], r["account_id"]))


def brands_of(store: Store) -> list[Brand]:
    """Own and competitor brands with their accounts and listening query (see module doc)."""
    from .frame import TRACKED_KINDS
    from .runner import list_queries

    groups: dict[str, Brand] = {}
    for a in _accounts(store):
        name = a["brand"] or a["handle"] or a["name"] or a["account_id"]
        b = groups.setdefault(
            brand_key(name) or name, Brand(name, "own" if a["is_own"] else "competitor")
        )
        if a["account_id"] not in b.accounts:
            b.accounts.append(a["account_id"])
        if a["is_own"]:
            b.group = "own"
    for q in list_queries(store):
        if q["kind"] not in TRACKED_KINDS:
            continue
        key = brand_key(q["name"])
        match = groups.get(key) or next(
            (
                b
                for k, b in groups.items()
                if b.query is None and brand_key(b.name.split()[0] if b.name.split() else "") == key
            ),
            None,
        )
        if match is not None and match.query is None:
            match.query = q["name"]
        else:
            groups[f"query:{q['name']}"] = Brand(
                q["name"], "own" if q["kind"] == "brand" else "competitor", query=q["name"]
            )
    return _pair_single_own(list(groups.values()))


def _pair_single_own(brands: list[Brand]) -> list[Brand]:
    """One own account group without a query and one own (kind ``brand``) query without
    accounts are the same brand (the usual set-up: your accounts and your brand's query)."""
    bare = [b for b in brands if b.group == "own" and b.accounts and b.query is None]
    lone = [b for b in brands if b.group == "own" and not b.accounts and b.query is not None]
    if len(bare) == 1 and len(lone) == 1:
        bare[0].query = lone[0].query
        brands = [b for b in brands if b is not lone[0]]
    return brands


def _num(v: Any) -> float | None:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return float(v)


def _period_days(store: Store, filters: Filters, accounts: list[str]) -> float | None:
    if filters.start is not None and filters.end is not None:
        return (filters.end - filters.start).total_seconds() / 86_400
    t = store.table("content")
    conds = dataclasses.replace(filters, accounts=tuple(accounts)).conditions(t, "created_at")
    t = t.filter(conds) if conds else t
    lo, hi = t.created_at.min().to_pyarrow().as_py(), t.created_at.max().to_pyarrow().as_py()
    if lo is None:
        return None
    start = filters.start or dt.datetime.combine(lo.date(), dt.time())
    end = filters.end or dt.datetime.combine(hi.date(), dt.time()) + dt.timedelta(days=1)
    return (end - start).total_seconds() / 86_400


def benchmark(
    store: Store, filters: Filters | None = None, settings: dict[str, Any] | None = None
) -> Benchmark:
    """Every brand's figures over ``filters``' period and platforms (its accounts and
    ownership are replaced by each brand's accounts)."""
    from .measures import breakdown

    base = dataclasses.replace(filters or Filters(), accounts=(), ownership=None)
    brands = brands_of(store)
    every = [a for b in brands for a in b.accounts]
    days = _period_days(store, base, every) if every else None
    mention_rows = breakdown(store, [], base, tracked_only=True).to_pyarrow().to_pylist()
    week_rows = breakdown(store, ["week"], base, tracked_only=True).to_pyarrow().to_pylist()
    by_query = {r["query"]: r for r in mention_rows}
    weeks: list[dict[str, Any]] = []
    for b in brands:
        if b.query is not None:
            r = by_query.get(b.query)
            b.mentions = int(r["volume"]) if r else 0
            b.share_of_voice = _num(r["share_of_voice"]) if r else None
            labelled = (r["labelled"] or 0) if r else 0
            if r and labelled:
                b.positive, b.neutral, b.negative = (
                    r[k] / labelled for k in ("positive", "neutral", "negative")
                )
            b.net_sentiment = _num(r["net_sentiment"]) if r else None
            for w in week_rows:
                if w["query"] == b.query:
                    weeks.append(
                        {
                            "brand": b.name,
                            "week": w["week"],
                            "mentions": int(w["volume"]),
                            "share_of_voice": _num(w["share_of_voice"]),
                        }
                    )
        if not b.accounts:
            continue
        f = dataclasses.replace(base, accounts=tuple(b.accounts))
        total = compute(store, list(POST_METRICS), by="total", filters=f, settings=settings)
        row = (total.to_pyarrow().to_pylist() or [{}])[0]
        b.posts = int(row.get("posts") or 0)
        b.posts_per_week = b.posts / (days / 7) if days else None
        b.engagement_rate_by_reach = _num(row.get("engagement_rate_by_reach"))
        replies = compute(store, list(REPLY_METRICS), by="total", filters=f, settings=settings)
        rrow = (replies.to_pyarrow().to_pylist() or [{}])[0]
        b.inbound = int(rrow.get("inbound_volume") or 0)
        if b.inbound:  # "where known": no inbound items, no reply rate (not 0 %)
            b.reply_rate = _num(rrow.get("reply_rate"))
            b.reply_time_median_s = _num(rrow.get("reply_time_median"))
        weekly = compute(store, list(POST_METRICS), by="week", filters=f, settings=settings)
        _merge_weeks(weeks, b.name, weekly.to_pyarrow().to_pylist())
    brands.sort(key=lambda b: (b.group != "own", -(b.mentions or 0), -(b.posts or 0), b.name))
    for w in weeks:
        w.setdefault("posts", None)
        w.setdefault("engagement_rate_by_reach", None)
    weeks.sort(key=lambda w: (str(w["week"]), w["brand"]))
    return Benchmark(brands, weeks, days)


def _merge_weeks(weeks: list[dict[str, Any]], brand: str, rows: list[dict[str, Any]]) -> None:
    index = {(w["brand"], str(w["week"])): w for w in weeks}
    for r in rows:
        if r.get("week") is None:
            continue
        w = index.get((brand, str(r["week"])))
        if w is None:
            w = {"brand": brand, "week": r["week"], "mentions": None, "share_of_voice": None}
            weeks.append(w)
            index[(brand, str(r["week"]))] = w
        w["posts"] = int(r.get("posts") or 0)
        w["engagement_rate_by_reach"] = _num(r.get("engagement_rate_by_reach"))
    for w in weeks:
        w.setdefault("posts", None)
        w.setdefault("engagement_rate_by_reach", None)


__all__ = [
    "POST_METRICS",
    "REPLY_METRICS",
    "Benchmark",
    "Brand",
    "benchmark",
    "brand_key",
    "brands_of",
]
