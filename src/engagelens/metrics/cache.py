"""Materialise fact tables once per store version, and compile each metric query once.

Why: a report computes many metrics, often at several grains, and every one of them starts
from the same per-content facts, whose cost is a scan with COUNT(DISTINCT) over every event;
and every ``compute()`` pays Ibis' expression building and SQL compilation (0.3-0.5 s), which
dominates small stores. So the first metric that needs the facts materialises them in the
engine (a temporary table on DuckDB, a cached DataFrame on Spark) and the others read the
small result, as a hand-written report would with a temporary table; and a query asked again
(same metrics, grain, filters, settings and declarations) reuses its compiled SQL.

Compiled SQL outlives writes (the dashboard's case: the same questions after every ingest).
A write drops the views and fact tables; the next repeated question refills the fact tables
it reads from their own compiled SQL (under the same per-cache names) and runs its SQL again,
with no Ibis building or compiling. The SQL is compiled again when a table it reads changes
shape (a migration; see ``Store.table_schemas``) or a metric declaration is replaced.

This happens on its own for plain ``compute()`` calls (a cache kept with the store, emptied by
every write through the store: ``Store.insert``, ``.sql``, ``.raw``, a transaction) — so run
an expression before writing, or compute it again after: a query asked again before a write
and run after it fails with "table does not exist" instead of answering from old data (one
asked once reads the fact tables, and answers from the new data once they are refilled). Inside
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
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import ibis

    from engagelens.store import Store

    from .base import MetricContext


@dataclass(frozen=True)
class FactDep:
    """A materialised fact table a compiled query reads: its cache key, the parts it
    holds, its (per-cache, stable) name, and the SQL and schema that fill it."""

    key: Hashable
    needs: frozenset[str]
    name: str
    sql: str
    schema: Any
    tables: frozenset[str]  # the store tables the SQL reads


@dataclass(frozen=True)
class Compiled:
    """A metric query compiled once: its SQL, result schema and the fact tables it reads.
    Text only, so it outlives the tables: after a write they are refilled from their own SQL
    and the query runs again without Ibis building or compiling anything."""

    sql: str
    schema: Any
    deps: tuple[FactDep, ...]
    #: (table, its columns) of every store table the query and its fact tables read, when
    #: compiled: the SQL is run again only while these are the same
    signature: tuple[tuple[str, Any], ...]


@dataclass
class _Entry:
    key: Hashable
    generation: int
    needs: frozenset[str]
    table: Any
    sql: str | None = None
    schema: Any = None
    tables: frozenset[str] = frozenset()


def tables_read(expr: ibis.Table) -> frozenset[str] | None:
    """Names of the store tables ``expr`` reads (not the cache's own temporary tables), or
    None when it reads anything else (an in-memory table, raw SQL): SQL not worth keeping."""
    import ibis.expr.operations as ops

    names = set()
    for op in expr.op().find(ops.Relation):
        if isinstance(op, ops.DatabaseTable):
            if not op.name.startswith("el_metric_"):
                names.add(op.name)
        elif isinstance(op, (ops.PhysicalTable, ops.SQLQueryResult, ops.SQLStringView)):
            return None  # memtables, SQL strings
    return frozenset(names)


def signature(store: Store, tables: frozenset[str]) -> tuple[tuple[str, Any], ...]:
    schemas = store.table_schemas()
    return tuple((t, schemas.get(t)) for t in sorted(tables))


class FactCache:
    """Materialised tables of one store, keyed by what they were built from, and the
    compiled SQL of the metric queries asked of it.

    A table is built with some optional parts (``needs``, e.g. which event counters): a later
    request is served by any table of the same key holding at least the parts it needs, and
    a rebuild includes every part asked for so far, so a block converges on one table.

    Three levels, each outliving the one before: a query's temporary view (until the next
    write), the fact tables (until the next write; refilled on demand), and the compiled SQL
    of queries and fact tables (until the schema or the metric registry changes)."""

    #: at most this many fact tables (one per filter set) before the oldest is dropped
    MAX_TABLES = 16
    #: at most this many compiled queries before the oldest is forgotten
    MAX_QUERIES = 256

    def __init__(self, store: Store) -> None:
        self.store = store
        self._number = next(_CACHE_NUMBERS)
        self._generation = store.generation  # the store version the views were made for
        self._tables: dict[str, _Entry] = {}  # table name -> entry
        self._names: dict[tuple[Hashable, frozenset[str]], str] = {}
        #: key -> (temporary view name or None while asked once, table, fact tables read
        #: or None when its SQL is not reusable: off DuckDB, or a table dropped meanwhile)
        self._queries: dict[Hashable, tuple[str | None, Any, tuple[FactDep, ...] | None]] = {}
        self._compiled: dict[Hashable, Compiled] = {}
        self._recording: list[dict[str, None]] = []  # table names read by queries being built
        self.builds = 0  # how many tables were materialised (tests and benchmarks read it)
        self.query_hits = 0  # compute() calls answered without building a query
        self.query_misses = 0  # compute() calls that built (and compiled) their query
        self.sql_hits = 0  # hits answered from compiled SQL after a write dropped the views

    @property
    def building(self) -> bool:
        """True while a query is being built (a nested ``compute()`` is then inlined)."""
        return bool(self._recording)

    @contextlib.contextmanager
    def recording(self) -> Iterator[dict[str, None]]:
        """Note (in the dict yielded) the fact tables the query built in the block reads."""
        read: dict[str, None] = {}
        self._recording.append(read)
        try:
            yield read
        finally:
            self._recording.pop()

    def query(self, key: Hashable) -> ibis.Table | None:
        """The query stored for ``key``, counting the hit or miss. A query asked a second
        time is compiled once into a temporary view (a question asked once pays no more than
        its own compilation), and the table over that view answers from then on; after a
        write a new view over the same compiled SQL answers, once the fact tables it reads
        are refilled from theirs."""
        self._drop_stale(self.store.generation)
        hit = self._queries.get(key)
        if hit is not None:
            self.query_hits += 1
            name, table, deps = hit
            if name is not None or deps is None:  # a view, or the expression off DuckDB
                return table
            read = tables_read(table)
            if read is None:
                self._queries[key] = (None, table, None)
                return table
            read = read.union(*(d.tables for d in deps))
            sql = self.store.compile(table)
            compiled = Compiled(sql, table.schema(), deps, signature(self.store, read))
            if len(self._compiled) >= self.MAX_QUERIES:
                self._compiled.pop(next(iter(self._compiled)))
            self._compiled[key] = compiled
            return self._view(key, compiled)
        found: Compiled | None = self._compiled.get(key)
        if found is not None and found.signature != signature(
            self.store, frozenset(t for t, _ in found.signature)
        ):  # a table it reads changed shape (a migration): compile again
            del self._compiled[key]
            found = None
        if found is None:
            self.query_misses += 1
            return None
        for dep in found.deps:
            self._ensure(dep)
        self.query_hits += 1
        self.sql_hits += 1
        return self._view(key, found)

    def remember(
        self, key: Hashable, expr: ibis.Table, read: dict[str, None] | None = None
    ) -> ibis.Table:
        """Keep the query ``expr`` built for ``key`` and the fact tables it ``read`` (noted
        by :meth:`recording`), and return it."""
        self._drop_oldest_query()
        deps: tuple[FactDep, ...] | None = None
        if self.store.is_duckdb:
            read = read or {}
            entries = [self._tables.get(name) for name in read]
            known = [e for e in entries if e is not None and e.sql is not None]
            if len(known) == len(entries):
                deps = tuple(
                    FactDep(e.key, e.needs, n, e.sql or "", e.schema, e.tables)
                    for n, e in zip(read, known, strict=True)
                )
        self._queries[key] = (None, expr, deps)
        return expr

    def _view(self, key: Hashable, compiled: Compiled) -> ibis.Table:
        self._drop_oldest_query()
        name = f"el_metric_query_{next(_VIEW_NUMBERS)}"
        table = self.store.temp_view_sql(name, compiled.sql, compiled.schema)
        self._queries[key] = (name, table, compiled.deps)
        return table

    def _drop_oldest_query(self) -> None:
        if len(self._queries) >= self.MAX_QUERIES:
            old = self._queries.pop(next(iter(self._queries)))[0]
            if old is not None:
                self.store.drop_temp_view(old)

    def _forget_queries(self) -> None:
        for name, _, _ in self._queries.values():
            if name is not None:
                with contextlib.suppress(Exception):  # the connection may be closed already
                    self.store.drop_temp_view(name)
        self._queries.clear()

    def get(
        self, key: Hashable, needs: frozenset[str], build: Callable[[frozenset[str]], ibis.Table]
    ) -> ibis.Table:
        generation = self.store.generation
        self._drop_stale(generation)
        same = [(n, e) for n, e in self._tables.items() if e.key == key]
        for name, e in reversed(same):  # the newest (widest) first
            if needs <= e.needs:
                self._read(name)
                return _table(e.table)
        wanted = needs.union(*(e.needs for _, e in same))
        self._make_room()
        name = self._names.setdefault((key, wanted), self._new_name())
        expr = build(wanted)
        if self.store.is_duckdb:
            sql, schema = self.store.compile(expr), expr.schema()
            table = self._fill(name, sql, schema)
            read = tables_read(expr)
            entry = _Entry(key, generation, wanted, table, sql, schema, read or frozenset())
            if read is None:  # reads more than store tables: its SQL is not kept for later
                entry.sql = None
        else:  # Ibis' own cache (Spark): no SQL of ours to keep
            entry = _Entry(key, generation, wanted, expr.cache())
        self._tables[name] = entry
        self._read(name)
        return _table(entry.table)

    def _ensure(self, dep: FactDep) -> None:
        """The table ``dep`` names, present for the current data (refilled from its SQL)."""
        generation = self.store.generation
        self._drop_stale(generation)
        if dep.name in self._tables:
            return
        self._make_room()
        self._names.setdefault((dep.key, dep.needs), dep.name)
        table = self._fill(dep.name, dep.sql, dep.schema)
        self._tables[dep.name] = _Entry(
            dep.key, generation, dep.needs, table, dep.sql, dep.schema, dep.tables
        )

    def _fill(self, name: str, sql: str, schema: Any) -> _Owned:
        self.builds += 1
        return _Owned(self.store, name, self.store.temp_table_sql(name, sql, schema))

    def _new_name(self) -> str:
        return f"el_metric_facts_{self._number}_{len(self._names) + 1}"

    def _read(self, name: str) -> None:
        if self._recording:
            self._recording[-1][name] = None

    def _drop_stale(self, generation: int) -> None:
        """Drop the views and tables made before the last write."""
        if generation != self._generation:
            self._forget_queries()
            self._generation = generation
        for name in [n for n, e in self._tables.items() if e.generation != generation]:
            _release(self._tables.pop(name).table)

    def _make_room(self) -> None:
        if len(self._tables) >= self.MAX_TABLES:
            self._forget_queries()  # compiled views may name the table dropped next
            _release(self._tables.pop(next(iter(self._tables))).table)

    def release(self) -> None:
        """Drop every view and table (compiled SQL is kept: it refills them on demand)."""
        self._forget_queries()
        for e in self._tables.values():
            _release(e.table)
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


_CACHE_NUMBERS = itertools.count(1)  # fact table names differ between caches of one connection
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


__all__ = sorted(
    [
        "Compiled",
        "FactCache",
        "FactDep",
        "active",
        "auto_cache",
        "cached",
        "lazy",
        "shared",
        "signature",
        "tables_read",
    ]
)
