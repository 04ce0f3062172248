"""Small builders shared by catalog modules: content-grain sums, ratios and means.

A content metric is declared as data (which fact columns, how they aggregate) and compiled by
one of the builders here, so adding a metric is a table row, not new control flow.
"""

from __future__ import annotations

from collections.abc import Callable

import ibis

from engagelens.metrics.base import Metric, MetricContext
from engagelens.metrics.facts import content_facts, grain_keys, safe_div
from engagelens.metrics.registry import register

Expr = Callable[[ibis.Table], ibis.Value]


def col(name: str) -> Expr:
    return lambda t: t[name]


def per_post(fn: Callable[[ibis.Table], ibis.Value]) -> Callable[[MetricContext], ibis.Table]:
    """Facts with a per-post column ``_v`` (used by mean-of-posts metrics and baselines)."""

    def build(ctx: MetricContext) -> ibis.Table:
        f = content_facts(ctx)
        return f.mutate(_v=fn(f))

    return build


def sum_builder(name: str, value: Expr) -> Callable[[MetricContext], ibis.Table]:
    def build(ctx: MetricContext) -> ibis.Table:
        f = content_facts(ctx)
        keys = grain_keys(ctx.grain)
        return (
            f.group_by(keys).agg(**{name: value(f).sum().cast("int64")})
            if keys
            else f.agg(**{name: value(f).sum().cast("int64")})
        )

    return build


def _agg(f: ibis.Table, keys: list[str], **aggs: ibis.Value) -> ibis.Table:
    return f.group_by(keys).agg(**aggs) if keys else f.agg(**aggs)


def pooled_builder(name: str, num: Expr, den: Expr) -> Callable[[MetricContext], ibis.Table]:
    """Σ num ÷ Σ den over posts whose denominator is known and positive."""

    def build(ctx: MetricContext) -> ibis.Table:
        f = content_facts(ctx)
        d = den(f)
        ok = d.notnull() & (d > 0)
        t = _agg(f, grain_keys(ctx.grain), _n=num(f).sum(where=ok), _d=d.sum(where=ok))
        return t.mutate(**{name: safe_div(t._n, t._d)}).drop("_n", "_d")

    return build


def mean_builder(name: str, value: Expr) -> Callable[[MetricContext], ibis.Table]:
    """Mean over posts of a per-post value (nulls, e.g. zero reach, are left out)."""

    def build(ctx: MetricContext) -> ibis.Table:
        f = content_facts(ctx)
        return _agg(f, grain_keys(ctx.grain), **{name: value(f).cast("float64").mean()})

    return build


def per_post_avg_builder(name: str, value: Expr) -> Callable[[MetricContext], ibis.Table]:
    """Σ value ÷ number of posts (every post counts, including posts with no interactions)."""

    def build(ctx: MetricContext) -> ibis.Table:
        f = content_facts(ctx)
        t = _agg(f, grain_keys(ctx.grain), _n=value(f).sum(), _p=f.count())
        return t.mutate(**{name: safe_div(t._n, t._p)}).drop("_n", "_p")

    return build


def declare(**kw) -> Metric:
    return register(Metric(**kw))


__all__ = sorted(
    [
        "col",
        "declare",
        "mean_builder",
        "per_post",
        "per_post_avg_builder",
        "pooled_builder",
        "sum_builder",
    ]
)
