"""Materialise fact tables once, and compile each metric query once, per store version.

Why: a report computes many metrics, often at several grains, and every one of them starts
from the same per-content facts, whose cost is a scan with COUNT(DISTINCT) over every event;
and every ``compute()`` pays Ibis' expression building and SQL compilation (0.3-0.5 s), which
dominates small stores. So the first metric that needs the facts materialises them in the
engine (a temporary table on DuckDB, a cached DataFrame on Spark) and the others read the
small result, as a hand-written report would with a temporary table; and a query asked again
(same metrics, grain, filters and settings, same store version) reuses its compiled SQL.

This happens on its own for plain ``compute()`` calls (a cache kept with the store, emptied by
every write through the store: ``Store.insert``, ``.sql``, ``.raw``, a transaction) — so run
an expression before writing, or compute it again after: one built before a write and run
after it fails with "table does not exist" instead of answering from old data. Inside
``with cached(store):`` the block owns the tables (dropped on leaving it) and a write makes
the next metric rebuild them::

    with cached(store):
        per_post = compute(store, ["interactions"], by="content").to_pyarrow()
        per_day = compute(store, ["interactions"], by="account_day").to_pyarrow()
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Hashable, Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from engagelens.errors import StoreError

if TYPE_CHECKING:  # pragma: no cover
    import ibis

    from engagelens.store import Store

    from .base import MetricContext


class FactCache:
    """Materialised tables of one store, keyed by what they were built from.

    A table is built with some optional parts (``needs``, e.g. which event counters): a later
    request is served by any table of the same key holding at least the parts it needs, and
    a rebuild includes every part asked for so far, so a block converges on one table."""

    #: at most this many fact tables (one per filter set) before the oldest is dropped
    MAX_TABLES = 16
    #: at most this many compiled queries before the oldest is forgotten
    MAX_QUERIES = 256

    def __init__(self, store: Store) -> None:
        self.store = store
        self._tables: dict[Hashable, tuple[int, frozenset[str], Any]] = {}
        #: key -> (temporary view name or None while asked once, table)
        self._queries: dict[Hashable, tuple[str | None, Any]] = {}
        self.builds = 0  # how many tables were materialised (tests and benchmarks read it)
        self.query_hits = 0  # compute() calls answered with an already compiled query
        self.query_misses = 0

    def query(self, key: Hashable) -> ibis.Table | None:
        """The query stored for ``key``, counting the hit or miss. A query asked a second
        time is compiled once into a temporary view (a question asked once pays no more than
        its own compilation), and the table over that view answers from then on."""
        hit = self._queries.get(key)
        if hit is None:
            self.query_misses += 1
            return None
        self.query_hits += 1
        name, table = hit
        if name is None:
            name = f"el_metric_query_{next(_VIEW_NUMBERS)}"
            try:
                table = self.store.temp_view(name, table)
            except StoreError:  # a backend without temporary views: the expression itself
                return table
            self._queries[key] = (name, table)
        return table

    def remember(self, key: Hashable, expr: ibis.Table) -> ibis.Table:
        """Keep the query ``expr`` built for ``key`` and return it."""
        if len(self._queries) >= self.MAX_QUERIES:
            old = self._queries.pop(next(iter(self._queries)))[0]
            if old is not None:
                self.store.drop_temp_view(old)
        self._queries[key] = (None, expr)
        return expr

    def _forget_queries(self) -> None:
        for name, _ in self._queries.values():
            if name is not None:
                with contextlib.suppress(Exception):  # the connection may be closed already
                    self.store.drop_temp_view(name)
        self._queries.clear()

    def get(
        self, key: Hashable, needs: frozenset[str], build: Callable[[frozenset[str]], ibis.Table]
    ) -> ibis.Table:
        generation = self.store.generation
        hit = self._tables.get(key)
        if hit is not None and hit[0] == generation and needs <= hit[1]:
            return _table(hit[2])
        wanted = needs
        if hit is not None:
            if hit[0] == generation:
                wanted = needs | hit[1]
            self._forget_queries()  # compiled queries name the table dropped next
            _release(self._tables.pop(key)[2])
        elif len(self._tables) >= self.MAX_TABLES:
            self._forget_queries()
            _release(self._tables.pop(next(iter(self._tables)))[2])
        table = self._materialise(build(wanted))
        self.builds += 1
        self._tables[key] = (generation, wanted, table)
        return _table(table)

    def _materialise(self, expr: ibis.Table) -> Any:
        """A temporary table of our own on DuckDB; Ibis' ``.cache()`` elsewhere (Spark)."""
        if not self.store.is_duckdb:
            return expr.cache()
        name = f"el_metric_facts_{next(_VIEW_NUMBERS)}"
        return _Owned(self.store, name, self.store.temp_table(name, expr))

    def release(self) -> None:
        self._forget_queries()
        for _, _, table in self._tables.values():
            _release(table)
        self._tables.clear()


class _Owned:
    """A temporary table and how to drop it; reads as the Ibis table itself."""

    def __init__(self, store: Store, name: str, table: ibis.Table) -> None:
        self.store, self.name, self.table = store, name, table

    def release(self) -> None:
        self.store.drop_temp_table(self.name)


def _release(table: Any) -> None:
    with contextlib.suppress(Exception):  # the connection may be closed already
        table.release()


def _table(entry: Any) -> ibis.Table:
    return entry.table if isinstance(entry, _Owned) else entry


_VIEW_NUMBERS = itertools.count(1)  # view names unique on every connection of the process

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


_LAZY: ContextVar[frozenset[int]] = ContextVar("engagelens_lazy_metrics", default=frozenset())


@contextlib.contextmanager
def lazy(store: Store) -> Iterator[None]:
    """Inside the block nothing is materialised or reused for ``store``: every expression is
    built and compiled whole (to read the SQL a metric compiles to, or to measure it)."""
    token = _LAZY.set(_LAZY.get() | {id(store)})
    try:
        yield
    finally:
        _LAZY.reset(token)


def auto_cache(store: Store) -> FactCache:
    """The cache kept with ``store`` for plain ``compute()`` calls; every write through the
    store empties it (its tables are dropped, so no expression reads them after the write)."""
    cache = store.derived.get("metrics.facts")
    if cache is None:
        cache = store.derived["metrics.facts"] = FactCache(store)
        store.on_write(lambda _store: cache.release())
    return cache


def active(store: Store) -> FactCache | None:
    """The ``cached`` block's cache for ``store`` if one is open, else the store's own on
    DuckDB; None inside :func:`lazy` (and outside a block on other engines: Spark keeps
    caching to explicit blocks, whose tables it holds in executor memory)."""
    if id(store) in _LAZY.get():
        return None
    block = (_ACTIVE.get() or {}).get(id(store))
    if block is not None and block.store is store:
        return block
    return auto_cache(store) if store.is_duckdb else None


def shared(
    ctx: MetricContext,
    key: Hashable,
    needs: frozenset[str],
    build: Callable[[frozenset[str]], ibis.Table],
) -> ibis.Table:
    """``build(needs)`` materialised once per store version (per ``cached`` block inside one).

    ``key`` must name everything the table depends on besides the store's data and
    ``needs``; the table returned may hold more parts than ``needs``."""
    cache = active(ctx.store)
    return build(needs) if cache is None else cache.get(key, needs, build)


__all__ = sorted(["FactCache", "active", "auto_cache", "cached", "lazy", "shared"])
