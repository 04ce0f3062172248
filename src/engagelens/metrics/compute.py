"""Compute several metrics at one grain and join them on the grain's keys.

Each metric returns ``(keys…, name)``; results are outer-joined with null-safe key equality
(``IS NOT DISTINCT FROM``) so a null campaign or platform still lines up.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING, Any

import ibis

from engagelens import settings as settings_mod
from engagelens.errors import MetricError, UnsupportedGrain

from .base import GRAIN_KEYS, Filters, MetricContext
from .cache import active
from .facts import content_facts
from .probe import fact_needs
from .registry import get_metric

if TYPE_CHECKING:  # pragma: no cover
    from engagelens.store import Store


def make_context(
    store: Store, by: str, filters: Filters | None, settings: dict[str, Any] | None
) -> MetricContext:
    resolved = settings_mod.load()
    resolved.update(settings or {})
    return MetricContext(store=store, grain=by, filters=filters or Filters(), settings=resolved)


def compute(
    store: Store,
    names: Sequence[str] | str,
    by: str = "content",
    filters: Filters | None = None,
    settings: dict[str, Any] | None = None,
) -> ibis.Table:
    """An Ibis table: the grain's key columns, then one column per metric (in ``names`` order)."""
    if isinstance(names, str):
        names = [names]
    if not names:
        raise MetricError("name at least one metric")
    if by not in GRAIN_KEYS:
        raise UnsupportedGrain(f"unknown grain {by!r}; one of {', '.join(GRAIN_KEYS)}")
    metrics = [get_metric(n) for n in dict.fromkeys(names)]
    for m in metrics:
        if by not in m.grains:
            raise UnsupportedGrain(
                f"metric {m.name!r} cannot be computed by {by!r}; grains: {', '.join(m.grains)}"
            )
    ctx = make_context(store, by, filters, settings)
    cache = active(store)
    if cache is None:
        return _build(ctx, metrics)
    key = _query_key(store, [m.name for m in metrics], ctx)
    hit = cache.query(key)
    if hit is not None:  # the same question on the same data: skip building and compiling
        return hit
    return cache.remember(key, _build(ctx, metrics))


def _query_key(store: Store, names: list[str], ctx: MetricContext) -> Hashable:
    """What a compiled metric query depends on besides the materialised facts (which the
    cache drops, with its queries, when the data changes)."""
    return (
        "compute",
        tuple(names),
        ctx.grain,
        ctx.filters,
        store.generation,
        json.dumps(ctx.settings, sort_keys=True, default=repr),
    )


def _build(ctx: MetricContext, metrics: list[Any]) -> ibis.Table:
    by = ctx.grain
    ctx.fact_needs = fact_needs(ctx, metrics)  # count only the event kinds these metrics read
    parts = [m.build(ctx) for m in metrics]
    key_sets = {
        tuple(c for c in p.columns if c != m.name) for p, m in zip(parts, metrics, strict=True)
    }
    if len(key_sets) > 1:
        raise MetricError(
            "these metrics have different key columns at grain "
            f"{by!r} ({' vs '.join(map(str, key_sets))}); compute them separately"
        )
    if len(parts) == 1:
        return parts[0]
    return join_on_keys(parts, list(key_sets.pop()))


def compute_stats(
    store: Store,
    names: Sequence[str],
    by: str = "content",
    filters: Filters | None = None,
    settings: dict[str, Any] | None = None,
) -> ibis.Table:
    """The grain's key columns, then each metric's summed sufficient statistics
    (``{name}__s``, and ``{name}__n`` unless it is a sum; see metrics/aggregation.py), in one
    aggregation over the content facts. Adding the rows of any set of groups and finalising
    gives that set's values: what the post rollup and the day index do."""
    if by not in GRAIN_KEYS:
        raise UnsupportedGrain(f"unknown grain {by!r}; one of {', '.join(GRAIN_KEYS)}")
    metrics = [get_metric(n) for n in dict.fromkeys(names)]
    if not metrics:
        raise MetricError("name at least one metric")
    plain = [m.name for m in metrics if m.aggregation is None or by not in m.grains]
    if plain:
        raise MetricError(
            f"metrics {', '.join(plain)} declare no aggregation across posts at grain {by!r}"
        )
    ctx = make_context(store, by, filters, settings)
    ctx.fact_needs = fact_needs(ctx, metrics)
    f = content_facts(ctx)
    aggs: dict[str, Any] = {}
    for m in metrics:
        aggs.update(m.aggregation.stats(f, ctx, m.name))  # type: ignore[union-attr]
    keys = list(GRAIN_KEYS[by])
    return f.group_by(keys).agg(**aggs) if keys else f.agg(**aggs)


def join_on_keys(parts: list[ibis.Table], keys: list[str]) -> ibis.Table:
    if not keys:
        out = parts[0]
        for p in parts[1:]:
            out = out.cross_join(p)
        return out
    frame = parts[0].select(*keys)
    for p in parts[1:]:
        frame = frame.union(p.select(*keys), distinct=True)
    out = frame
    for p in parts:
        pr = p.rename({f"_k_{k}": k for k in keys})
        out = out.left_join(pr, [out[k].identical_to(pr[f"_k_{k}"]) for k in keys])
        out = out.select(*[c for c in out.columns if not c.startswith("_k_")])
    return out


__all__ = sorted(["compute", "compute_stats", "join_on_keys", "make_context"])
