"""Materialise fact tables once for a block of metric computations.

Why: a report computes many metrics, often at several grains, and every one of them starts
from the same per-content facts, whose cost is a scan with COUNT(DISTINCT) over every event.
Inside ``with cached(store):`` the first metric that needs those facts materialises them in
the engine (a temporary table on DuckDB, a cached DataFrame on Spark) and the others read the
small result, as a hand-written report would with a temporary table::

    with cached(store):
        per_post = compute(store, ["interactions"], by="content").to_pyarrow()
        per_day = compute(store, ["interactions"], by="account_day").to_pyarrow()

Rules: execute the expressions inside the block (the tables are dropped on leaving it); a
write through the store (``Store.insert``, ``.sql``, ``.raw``, a transaction) makes the next
metric rebuild the facts. Outside a block nothing is materialised and every expression stays
lazy.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Hashable, Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import ibis

    from engagelens.store import Store

    from .base import MetricContext


class FactCache:
    """Materialised tables of one store, keyed by what they were built from.

    A table is built with some optional parts (``needs``, e.g. which event counters): a later
    request is served by any table of the same key holding at least the parts it needs, and
    a rebuild includes every part asked for so far, so a block converges on one table."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._tables: dict[Hashable, tuple[int, frozenset[str], Any]] = {}
        self.builds = 0  # how many tables were materialised (tests and benchmarks read it)

    def get(
        self, key: Hashable, needs: frozenset[str], build: Callable[[frozenset[str]], ibis.Table]
    ) -> ibis.Table:
        generation = self.store.generation
        hit = self._tables.get(key)
        if hit is not None and hit[0] == generation and needs <= hit[1]:
            return hit[2]
        wanted = needs
        if hit is not None:
            if hit[0] == generation:
                wanted = needs | hit[1]
            _release(hit[2])
        table = build(wanted).cache()
        self.builds += 1
        self._tables[key] = (generation, wanted, table)
        return table

    def release(self) -> None:
        for _, _, table in self._tables.values():
            _release(table)
        self._tables.clear()


def _release(table: Any) -> None:
    with contextlib.suppress(Exception):  # the connection may be closed already
        table.release()


_ACTIVE: ContextVar[dict[int, FactCache] | None] = ContextVar("engagelens_fact_cache", default=None)


@contextlib.contextmanager
def cached(store: Store) -> Iterator[FactCache]:
    """Share materialised fact tables among the metrics computed on ``store`` in the block.

    Nested blocks on the same store share the outer cache."""
    active = _ACTIVE.get() or {}
    if id(store) in active:
        yield active[id(store)]
        return
    cache = FactCache(store)
    token = _ACTIVE.set({**active, id(store): cache})
    try:
        yield cache
    finally:
        _ACTIVE.reset(token)
        cache.release()


def shared(
    ctx: MetricContext,
    key: Hashable,
    needs: frozenset[str],
    build: Callable[[frozenset[str]], ibis.Table],
) -> ibis.Table:
    """``build(needs)`` materialised once per ``cached`` block (or lazily, outside any block).

    ``key`` must name everything the table depends on besides the store's data and
    ``needs``; the table returned may hold more parts than ``needs``."""
    cache = (_ACTIVE.get() or {}).get(id(ctx.store))
    if cache is None or cache.store is not ctx.store:
        return build(needs)
    return cache.get(key, needs, build)


__all__ = sorted(["FactCache", "cached", "shared"])
