"""How a content metric combines across posts and days, declared once.

Why: the registry's builders, the overview's post rollup and its day index must agree on
whether a metric is a sum, a mean of posts or a pooled ratio. Each post contributes
*sufficient statistics* ``(s, n)``; any set of posts (a grain's group, a date range, a day)
combines by adding them, and the value is ``s`` (sums) or ``s ÷ n`` (null when ``n`` is 0):

============  ===========================  ==========================================
kind          s per post                   n per post
============  ===========================  ==========================================
sum           value                        (none)
mean          value (null left out)        1 when the value is known, else 0
pooled        num where den > 0            den where den > 0
per_post      value                        1 (every post counts)
============  ===========================  ==========================================

The same rule finalises in the engine (:func:`finalise`, Ibis) and in the rollup
(:func:`finalise_polars`), so adding a metric is one declaration.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import ibis

from .facts import content_facts, grain_keys, safe_div

if TYPE_CHECKING:  # pragma: no cover
    from .base import MetricContext

Kind = Literal["sum", "mean", "pooled", "per_post"]
#: a per-post value: a fact column name, or ``(facts, ctx) -> Ibis value``
PostValue = str | Callable[[ibis.Table, "MetricContext"], Any]


def _value(v: PostValue, f: ibis.Table, ctx: MetricContext) -> Any:
    return f[v] if isinstance(v, str) else v(f, ctx)


@dataclass(frozen=True)
class Aggregation:
    """A metric's rule across posts: build with :func:`total`, :func:`mean_of_posts`,
    :func:`pooled` or :func:`per_post`."""

    kind: Kind
    value: PostValue
    den: PostValue | None = None  # pooled only
    dtype: Literal["int64", "float64"] = "float64"  # of a sum's result

    @property
    def has_n(self) -> bool:
        return self.kind != "sum"

    def stats(self, f: ibis.Table, ctx: MetricContext, name: str) -> dict[str, Any]:
        """``{name}__s`` (and ``{name}__n``): the sums over the facts ``f`` (a grain's group)
        of each post's statistics; nulls are left out."""
        v = _value(self.value, f, ctx)
        if self.kind == "sum":
            return {f"{name}__s": v.sum()}
        if self.kind == "mean":
            v = v.cast("float64")
            return {f"{name}__s": v.sum(), f"{name}__n": v.notnull().cast("int64").sum()}
        if self.kind == "per_post":
            return {f"{name}__s": v.sum(), f"{name}__n": f.count()}
        d = _value(self.den, f, ctx)  # type: ignore[arg-type]
        ok = d.notnull() & (d > 0)
        return {f"{name}__s": v.sum(where=ok), f"{name}__n": d.sum(where=ok)}

    def finalise(self, t: ibis.Table, name: str) -> Any:
        """The metric's value from its summed statistics (an Ibis value on ``t``)."""
        if not self.has_n:
            return t[f"{name}__s"].cast(self.dtype)
        return safe_div(t[f"{name}__s"], t[f"{name}__n"])

    def finalise_polars(self, s: Any, n: Any) -> Any:
        """:meth:`finalise` over Polars expressions of the summed statistics."""
        import polars as pl

        if not self.has_n:
            return s.cast(pl.Int64 if self.dtype == "int64" else pl.Float64)
        return pl.when(n.fill_null(0) != 0).then(s.cast(pl.Float64) / n.cast(pl.Float64))

    def builder(self, name: str) -> Callable[[MetricContext], ibis.Table]:
        """The registry builder: the grain's summed statistics, finalised."""

        def build(ctx: MetricContext) -> ibis.Table:
            f = content_facts(ctx)
            keys = grain_keys(ctx.grain)
            aggs = self.stats(f, ctx, name)
            t = f.group_by(keys).agg(**aggs) if keys else f.agg(**aggs)
            return t.select(*keys, **{name: self.finalise(t, name)})

        return build


def total(value: PostValue, dtype: Literal["int64", "float64"] = "int64") -> Aggregation:
    """Σ value over posts (counts, scores)."""
    return Aggregation("sum", value, dtype=dtype)


def mean_of_posts(value: PostValue) -> Aggregation:
    """Mean over posts of a per-post value; posts without one (null) are left out."""
    return Aggregation("mean", value)


def pooled(num: PostValue, den: PostValue) -> Aggregation:
    """Σ num ÷ Σ den over posts whose denominator is known and positive."""
    return Aggregation("pooled", num, den)


def per_post(value: PostValue) -> Aggregation:
    """Σ value ÷ number of posts (every post counts, including posts with nothing)."""
    return Aggregation("per_post", value)


__all__ = sorted(
    ["Aggregation", "Kind", "PostValue", "mean_of_posts", "per_post", "pooled", "total"]
)
