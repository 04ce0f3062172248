"""Compute several metrics at one grain and join them on the grain's keys.

Each metric returns ``(keys…, name)``; results are outer-joined with null-safe key equality
(``IS NOT DISTINCT FROM``) so a null campaign or platform still lines up.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.operations as ops

from engagelens import settings as settings_mod
from engagelens.errors import MetricError, UnsupportedGrain

from . import registry
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
    if cache is None or cache.building:  # nested in a query being built: part of its SQL
        return _build(ctx, metrics)
    key = _query_key(store, [m.name for m in metrics], ctx)
    hit = cache.query(key)
    if hit is not None:  # the same question asked before: no building, no compiling
        return hit
    with cache.recording() as read:
        expr = _build(ctx, metrics)
    return cache.remember(key, expr, read)


def _query_key(store: Store, names: list[str], ctx: MetricContext) -> Hashable:
    """What the SQL of a metric query depends on besides the schemas of the tables it reads
    (which the cache checks): the question (metrics, grain, filters, settings) and the
    declarations answering it. Not the data: the cache refills the fact tables the SQL
    reads after every write. Off DuckDB (no compiled SQL kept) also the store version."""
    return (
        "compute",
        tuple(names),
        ctx.grain,
        ctx.filters,
        json.dumps(ctx.settings, sort_keys=True, default=repr),
        registry.version(),
        None if store.is_duckdb else store.generation,
    )


def _build(ctx: MetricContext, metrics: list[Any]) -> ibis.Table:
    """One relation per distinct source, joined on the grain's keys: the metrics that
    declare an aggregation share one aggregation of their sufficient statistics over the
    content facts, and metrics that select fields of one shared relation (the outbound
    headline) one projection of it — so no relation is computed twice."""
    by = ctx.grain
    ctx.fact_needs = fact_needs(ctx, metrics)  # count only the event kinds these metrics read
    pieces: list[tuple[ibis.Table, list[str]]] = []
    declared = [m for m in metrics if m.aggregation is not None]
    if len(declared) > 1:
        t = _stats(ctx, declared)
        keys = list(GRAIN_KEYS[by])
        pieces.append(
            (
                t.select(*keys, **{m.name: m.aggregation.finalise(t, m.name) for m in declared}),
                [m.name for m in declared],
            )
        )
    pieces += _merge_projections(
        [(m.build(ctx), [m.name]) for m in metrics if not (len(declared) > 1 and m in declared)]
    )
    key_sets = {tuple(c for c in p.columns if c not in names) for p, names in pieces}
    if len(key_sets) > 1:
        raise MetricError(
            "these metrics have different key columns at grain "
            f"{by!r} ({' vs '.join(map(str, key_sets))}); compute them separately"
        )
    keys = list(key_sets.pop())
    out = pieces[0][0] if len(pieces) == 1 else join_on_keys([p for p, _ in pieces], keys)
    order = [*keys, *(m.name for m in metrics)]
    return out if list(out.columns) == order else out.select(*order)


def _stats(ctx: MetricContext, metrics: list[Any]) -> ibis.Table:
    """The grain's summed sufficient statistics of ``metrics`` in one aggregation."""
    f = content_facts(ctx)
    aggs: dict[str, Any] = {}
    for m in metrics:
        aggs.update(m.aggregation.stats(f, ctx, m.name))
    keys = list(GRAIN_KEYS[ctx.grain])
    return f.group_by(keys).agg(**aggs) if keys else f.agg(**aggs)


def _merge_projections(
    pieces: list[tuple[ibis.Table, list[str]]],
) -> list[tuple[ibis.Table, list[str]]]:
    """Pieces that are projections of one relation with the same key columns become one
    projection (a join of a relation with itself would compute it once per side)."""
    groups: dict[Any, list[tuple[Any, list[str]]]] = {}
    out: list[tuple[ibis.Table, list[str]]] = []
    for table, names in pieces:
        op = table.op()
        if isinstance(op, ops.Project):
            groups.setdefault(op.parent, []).append((op, names))
        else:
            out.append((table, names))
    for parent, members in groups.items():
        first = members[0][0]
        keys = [k for k in first.values if k not in members[0][1]]
        same_keys = all(
            [k for k in o.values if k not in n] == keys
            and all(o.values[k] == first.values[k] for k in keys)
            for o, n in members
        )
        if len(members) == 1 or not same_keys:
            out += [(o.to_expr(), n) for o, n in members]
            continue
        values = {k: first.values[k] for k in keys}
        for o, n in members:
            values.update({name: o.values[name] for name in n})
        out.append((ops.Project(parent, values).to_expr(), [x for _, n in members for x in n]))
    return out


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
    return _stats(ctx, metrics)


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
