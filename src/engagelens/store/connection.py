"""Open a store from a path or an Ibis URL, run its migrations, hand out Ibis tables.

Why a wrapper around the Ibis backend: ingestion needs transactions and a few engine-native
fast paths (DuckDB's CSV reader and reject tables), which stay here so that no other layer
imports ``duckdb`` or builds SQL. Parameters are always bound, never formatted into SQL.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import ibis

from engagelens import settings
from engagelens.errors import StoreError
from engagelens.model.tables import TableSpec, all_tables, table_spec


def _resolve(url: str | os.PathLike[str] | None) -> str:
    if url is None:
        url = settings.get("db")
    return os.fspath(url)


class Store:
    """A connection to one EngageLens database (one brand or workspace)."""

    def __init__(self, con: Any, *, url: str, backend: str) -> None:
        self.con = con
        self.url = url
        self.backend = backend
        self._lock = threading.RLock()
        self._in_tx = False
        #: caches other layers derive from this store's data (metric facts, compiled
        #: queries), keyed by their owner; they live and die with the store
        self.derived: dict[str, Any] = {}
        self._write_listeners: list[Callable[[Store], None]] = []
        self._generation = 0
        self._schema_seen: tuple[int, dict[str, Any]] | None = None  # (generation, schemas)

    # -- write notifications (for caches of derived data) --------------------------------
    @property
    def generation(self) -> int:
        """Bumped by every write path of the store, so caches of derived tables (metric
        facts) know they are stale; writes through ``con`` directly are not seen."""
        return self._generation

    @generation.setter
    def generation(self, value: int) -> None:
        self._generation = value
        for listener in list(self._write_listeners):
            listener(self)

    def on_write(self, listener: Callable[[Store], None]) -> None:
        """Call ``listener(store)`` whenever a write path bumps :attr:`generation` (before
        the write runs), so a cache can drop what the write makes stale."""
        self._write_listeners.append(listener)

    def table_schemas(self) -> dict[str, tuple[tuple[str, str], ...]]:
        """(column, engine type) of every table and view of the store (not temporary ones),
        read once per :attr:`generation`: SQL compiled against some tables stays valid
        while theirs are unchanged. Empty off DuckDB."""
        seen = self._schema_seen
        if seen is not None and seen[0] == self._generation:
            return seen[1]
        schemas: dict[str, list[tuple[str, str]]] = {}
        if self.is_duckdb:
            with self._lock:
                rows = self.con.con.execute(
                    "SELECT table_name, column_name, data_type FROM duckdb_columns() "
                    "WHERE NOT internal AND database_name <> 'temp' "
                    "ORDER BY table_name, column_index"
                ).fetchall()
            for table, column, kind in rows:
                schemas.setdefault(table, []).append((column, kind))
        frozen = {t: tuple(cols) for t, cols in schemas.items()}
        self._schema_seen = (self._generation, frozen)
        return frozen

    def compile(self, expr: ibis.Table) -> str:
        """The engine SQL of ``expr`` (what running it would send)."""
        return str(self.con.compile(expr))

    def temp_view_sql(self, name: str, sql: str, schema: ibis.Schema) -> ibis.Table:
        """A temporary view ``name`` over ``sql``, which :meth:`compile` made from an
        expression of result ``schema`` (never SQL from user data). The view casts to
        ``schema`` (the engine's own result types differ: a SUM is HUGEINT), so the table
        returned is known without asking the engine for its schema."""
        if not self.is_duckdb:
            raise StoreError(f"temporary views are only available on DuckDB, not {self.backend}")
        with self._lock:
            self.con.con.execute(
                f"CREATE OR REPLACE TEMP VIEW {_q(name)} AS {self._typed(sql, schema)}"
            )
        return self._temp_relation(name, schema)

    def _typed(self, sql: str, schema: ibis.Schema) -> str:
        """``SELECT`` every column of ``sql`` cast to its type in ``schema``."""
        cols = ", ".join(
            f"CAST({_q(c)} AS {self._type_sql(t)}) AS {_q(c)}" for c, t in schema.items()
        )
        return f"SELECT {cols} FROM ({sql})"

    def _type_sql(self, dtype: Any) -> str:
        """The engine's name of an Ibis type, remembered (sqlglot takes ~5 ms to make one)."""
        known = _TYPE_SQL.get(dtype)
        if known is None:
            known = _TYPE_SQL[dtype] = self.con.compiler.type_mapper.to_string(dtype)
        return known

    def _temp_relation(self, name: str, schema: ibis.Schema) -> ibis.Table:
        import ibis.expr.operations as ops

        return ops.DatabaseTable(
            name,
            schema=schema,
            source=self.con,
            namespace=ops.Namespace(catalog="temp", database="main"),
        ).to_expr()

    def drop_temp_view(self, name: str) -> None:
        if self.is_duckdb:
            with self._lock:
                self.con.con.execute(f"DROP VIEW IF EXISTS temp.main.{_q(name)}")

    def temp_table_sql(self, name: str, sql: str, schema: ibis.Schema) -> ibis.Table:
        """The temporary table ``name`` (replaced if it exists) of ``schema``, filled by
        ``sql``, which :meth:`compile` made from an expression of that schema (never SQL from
        user data). Owned by the caller until :meth:`drop_temp_table`; the columns get the
        expression's types."""
        if not self.is_duckdb:
            raise StoreError(f"temporary tables are only available on DuckDB, not {self.backend}")
        with self._lock:
            self.con.con.execute(
                f"CREATE OR REPLACE TEMP TABLE {_q(name)} AS {self._typed(sql, schema)}"
            )
        return self._temp_relation(name, schema)

    def drop_temp_table(self, name: str) -> None:
        if self.is_duckdb:
            with self._lock:
                self.con.con.execute(f"DROP TABLE IF EXISTS temp.main.{_q(name)}")

    # -- opening -----------------------------------------------------------------------
    @classmethod
    def open(
        cls,
        url: str | os.PathLike[str] | None = None,
        *,
        migrate: bool = True,
        read_only: bool = False,
    ) -> Store:
        """Open ``url``: a DuckDB file path, ``:memory:``, ``duckdb://path``, ``pyspark://``
        (local Spark, or the active SparkSession) or any URL ``ibis.connect`` understands."""
        target = _resolve(url)
        try:
            if target.startswith("pyspark://") or target == "spark":
                where = target.removeprefix("pyspark://") if target != "spark" else ""
                store = cls(_spark_connect(where or None), url=target, backend="pyspark")
            elif "://" in target and not target.startswith("duckdb://"):
                con = ibis.connect(target)
                store = cls(con, url=target, backend=con.name)
            else:
                path = target.removeprefix("duckdb://") or ":memory:"
                if path != ":memory:":
                    Path(path).parent.mkdir(parents=True, exist_ok=True)
                config = {}
                limit = duckdb_memory_limit(settings.get("duckdb_memory_limit"))
                if limit:  # a connection option, not SQL: nothing is built from the string
                    config["memory_limit"] = limit
                con = ibis.duckdb.connect(path, read_only=read_only, **config)
                store = cls(con, url=path, backend="duckdb")
        except StoreError:
            raise
        except Exception as exc:  # engine errors become one clear line
            raise StoreError(f"cannot open store {target!r}: {exc}") from exc
        if migrate and not read_only:
            from .migrations import migrate as run_migrations

            run_migrations(store)
        if not read_only and store.is_duckdb:
            from .ledger import remove_orphans

            remove_orphans(store)  # rows of a batch a crash cut short (see store/ledger.py)
        return store

    @classmethod
    def from_ibis(cls, con: Any, *, migrate: bool = True) -> Store:
        """Wrap an Ibis connection the caller made (a Spark cluster, PostgreSQL, …)."""
        store = cls(con, url=f"{con.name}://", backend=con.name)
        if migrate:
            from .migrations import migrate as run_migrations

            run_migrations(store)
        return store

    def close(self) -> None:
        with contextlib.suppress(Exception):
            if self.backend == "duckdb":
                self.con.disconnect()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- tables ------------------------------------------------------------------------
    @property
    def is_duckdb(self) -> bool:
        return self.backend == "duckdb"

    def list_tables(self) -> list[str]:
        """Names of the store's tables, sorted."""
        return sorted(self.con.list_tables())

    def has_table(self, name: str) -> bool:
        return name in self.con.list_tables()

    def truncate(self, name: str) -> None:
        """Remove every row of the declared table ``name`` (inside the caller's transaction
        when there is one)."""
        table_spec(name)  # identifiers come from declarations only
        with self._lock:
            self.generation += 1
            if self.is_duckdb:
                self.con.con.execute(f"DELETE FROM {_q(name)}")
            else:
                self.con.truncate_table(name)

    def checkpoint(self) -> None:
        """Write the WAL into the database file (DuckDB); a no-op elsewhere."""
        if self.is_duckdb:
            with self._lock:
                self.con.con.execute("CHECKPOINT")

    def table(self, name: str) -> ibis.Table:
        """An Ibis table of the store (raises StoreError for unknown tables)."""
        try:
            return self.con.table(name)
        except Exception as exc:
            raise StoreError(f"table {name!r} is not in the store {self.url!r}") from exc

    def spec(self, name: str) -> TableSpec:
        return table_spec(name)

    def count(self, name: str) -> int:
        return int(self.table(name).count().execute())

    def insert(self, name: str, data: Any) -> int:
        """Append rows (pyarrow Table, polars/pandas DataFrame or list of dicts) to ``name``.

        Columns missing from ``data`` are null; extra columns are an error. Types are cast to
        the declared schema so the caller need not care about Arrow's inferred types.
        """
        import pyarrow as pa

        spec = table_spec(name)
        table = _to_arrow(data)
        extra = set(table.column_names) - set(spec.column_names)
        if extra:
            raise StoreError(f"{name}: unknown columns {sorted(extra)}")
        target = spec.ibis_schema().to_pyarrow()
        cols = []
        for fld in target:
            if fld.name in table.column_names:
                cols.append(table.column(fld.name).cast(fld.type))
            else:
                cols.append(pa.nulls(table.num_rows, fld.type))
        aligned = pa.Table.from_arrays(cols, schema=target)
        if aligned.num_rows == 0:
            return 0
        with self._lock:
            self.generation += 1
            if self.is_duckdb:
                self.con.con.register("__el_insert", aligned)
                try:
                    # by name: a column a migration appended sits last in an old store
                    self.con.con.execute(
                        f"INSERT INTO {_q(name)} BY NAME SELECT * FROM __el_insert"
                    )
                finally:
                    self.con.con.unregister("__el_insert")
            else:
                _spark_insert(self.con, name, aligned)
        return aligned.num_rows

    # -- row-level erasure (privacy): see store/erasure.py -------------------------------
    def delete_rows(self, name: str, where: dict[str, Any]) -> int:
        """Delete the rows of ``name`` whose columns equal ``where`` (a collection: IN)."""
        from .erasure import delete_rows

        return delete_rows(self, name, where)

    def update_rows(self, name: str, where: dict[str, Any], values: dict[str, Any]) -> int:
        """Set ``values`` on the rows of ``name`` matching ``where``."""
        from .erasure import update_rows

        return update_rows(self, name, where, values)

    def map_values(
        self,
        name: str,
        column: str,
        mapping: dict[tuple[Any, ...], Any],
        by: tuple[str, ...] = (),
        clear: tuple[str, ...] = (),
    ) -> int:
        """Replace values of ``column`` through ``mapping`` keyed by ``(*by values, old)``,
        clearing the ``clear`` columns of those rows."""
        from .erasure import map_values

        return map_values(self, name, column, mapping, by=by, clear=clear)

    # -- engine access (store-internal fast paths) --------------------------------------
    def sql(self, query: str, params: list[Any] | tuple[Any, ...] | None = None) -> Any:
        """Run engine SQL with *bound* parameters (DuckDB only). Returns the DuckDB relation
        or cursor; callers use ``.fetchall()`` / ``.arrow()``. Identifiers in ``query`` must
        come from declarations, never from user data."""
        if not self.is_duckdb:
            raise StoreError(f"raw SQL is only available on DuckDB, not {self.backend}")
        with self._lock:
            self.generation += 1  # the statement may write
            return self.con.con.execute(query, params or [])

    def raw(self) -> Any:
        """The engine connection (DuckDB). For the store package and benchmarks only."""
        if not self.is_duckdb:
            raise StoreError("raw connection is only available on DuckDB")
        self.generation += 1  # the caller may write
        return self.con.con

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Store]:
        """All-or-nothing block: a crash or an exception leaves no partial write."""
        self.generation += 1
        if not self.is_duckdb:  # Spark tables have no transactions; writes are per statement
            yield self
            return
        with self._lock:
            if self._in_tx:  # nested: the outer transaction decides
                yield self
                return
            self.con.con.execute("BEGIN TRANSACTION")
            self._in_tx = True
            try:
                yield self
            except BaseException:
                self.con.con.execute("ROLLBACK")
                raise
            else:
                self.con.con.execute("COMMIT")
            finally:
                self._in_tx = False
                self.generation += 1

    def next_id(self, table: str, column: str) -> int:
        """Next integer id for ``table.column`` (max + 1); call inside a transaction."""
        spec = table_spec(table)
        spec.column(column)  # identifiers come from declarations only
        t = self.table(table)
        current = t[column].max().execute()
        return int(current or 0) + 1


# -- the automatic memory cap -------------------------------------------------------------
#: share of the machine's memory DuckDB may use when no cap is set (its own default is 80%,
#: which a 100M-row report grows into instead of spilling; a quarter measured as fast)
AUTO_MEMORY_SHARE = 0.25


def machine_memory_bytes() -> int | None:
    """Physical memory, or the container's (cgroup v2/v1) limit when that is lower."""
    sizes = []
    with contextlib.suppress(ValueError, OSError, AttributeError):
        sizes.append(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        with contextlib.suppress(ValueError, OSError):
            sizes.append(int(Path(path).read_text().strip()))
    sizes = [n for n in sizes if 0 < n < 1 << 60]  # "max" and v1's huge "no limit" left out
    return min(sizes) if sizes else None


def memory_cap(total_bytes: int) -> str:
    """The automatic cap for a machine of ``total_bytes``: a DuckDB size in MiB."""
    return f"{max(256, int(total_bytes * AUTO_MEMORY_SHARE) >> 20)}MiB"


def duckdb_memory_limit(setting: Any) -> str | None:
    """The ``duckdb_memory_limit`` setting resolved: '' or 'auto' choose :func:`memory_cap`
    from the machine's memory, 'default' leaves DuckDB's own, anything else is passed on."""
    text = str(setting or "").strip()
    if text.lower() == "default":
        return None
    if text and text.lower() != "auto":
        return text
    total = machine_memory_bytes()
    return memory_cap(total) if total else None


#: Ibis type -> DuckDB type name (see Store._type_sql)
_TYPE_SQL: dict[Any, str] = {}


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _to_arrow(data: Any) -> Any:
    import pyarrow as pa

    if isinstance(data, pa.Table):
        return data
    if isinstance(data, pa.RecordBatch):
        return pa.Table.from_batches([data])
    if hasattr(data, "to_arrow"):  # polars
        return data.to_arrow()
    if isinstance(data, list):
        # every key of every row: from_pylist keeps only the first row's keys, which silently
        # dropped a column set on later rows only
        names = list(dict.fromkeys(k for row in data for k in row))
        return pa.Table.from_pydict({k: [row.get(k) for row in data] for k in names})
    if hasattr(data, "to_records"):  # pandas
        return pa.Table.from_pandas(data, preserve_index=False)
    raise StoreError(f"cannot insert {type(data).__name__}")


def _spark_insert(con: Any, name: str, aligned: Any) -> None:
    """Append an Arrow table to a Spark table straight from Arrow.

    Why not ``con.insert``: Ibis goes through pandas, where an int64 column holding nulls
    becomes float64 with NaN, and Spark then stores those columns wrongly. PySpark 4 builds
    a DataFrame from Arrow directly, keeping nulls and types; columns are matched by name.
    """
    session = con._session
    df = session.createDataFrame(aligned)
    target = session.table(name)
    df.select(*[df[c].cast(target.schema[c].dataType) for c in target.columns]).write.insertInto(
        name
    )


def spark_dirs(base: str | os.PathLike[str] | None = None) -> tuple[Path, Path]:
    """(warehouse, derby home) for a local Spark session: under the ``spark_warehouse_dir``
    setting, or a fresh temp folder, never the current directory."""
    import tempfile

    root = base if base is not None else settings.get("spark_warehouse_dir")
    folder = Path(root) if root else Path(tempfile.mkdtemp(prefix="engagelens-spark-"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "warehouse", folder


def _spark_connect(warehouse: str | None = None) -> Any:
    """An Ibis connection to Spark: the active SparkSession (a cluster's, set up by the
    caller) or a local one. With ``warehouse`` (``pyspark:///data/wh``) every declared table
    is a Parquet table in its own folder there, registered on open, so a later process (or a
    cluster sharing the folder) sees what an earlier one wrote; see docs/spark.md."""
    from engagelens.errors import require

    require("pyspark", "spark")
    from pyspark.sql import SparkSession

    spark = SparkSession.getActiveSession()
    root = Path(warehouse).expanduser().resolve() if warehouse else None
    if spark is None:
        folder, derby = (root, root / "_derby") if root else spark_dirs()
        conf = settings.load()
        spark = (
            SparkSession.builder.master(conf["spark_master"])
            .appName("engagelens")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", str(conf["spark_partitions"]))
            .config("spark.ui.enabled", "false")
            .config("spark.driver.memory", conf["spark_driver_memory"])
            .config("spark.sql.warehouse.dir", str(folder.resolve()))
            .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={derby.resolve()}")
            .getOrCreate()
        )
    if root is not None:
        _register_warehouse(spark, root)
    return ibis.pyspark.connect(spark)


def _register_warehouse(spark: Any, root: Path) -> None:
    """Register every declared table as a Parquet table under ``root/<name>`` (kept files
    are read back; a missing folder starts empty). Names and schemas are declarations."""
    import hashlib

    from ibis.backends.pyspark.datatypes import PySparkSchema

    from .migrations import VERSION_SCHEMA

    root.mkdir(parents=True, exist_ok=True)
    # one Spark database per warehouse folder (a hash: no user text in SQL), made current,
    # so two warehouses in one session (or a cluster's own tables) never share a name
    database = "engagelens_" + hashlib.sha256(str(root).encode()).hexdigest()[:12]
    spark.sql(f"CREATE DATABASE IF NOT EXISTS {database}")
    spark.catalog.setCurrentDatabase(database)
    schemas = {"schema_version": VERSION_SCHEMA}
    schemas.update({spec.name: spec.ibis_schema() for spec in all_tables()})
    for name, schema in schemas.items():
        if spark.catalog.tableExists(f"{database}.{name}"):
            continue
        spark.catalog.createTable(
            f"{database}.{name}",
            path=str(root / name),
            source="parquet",
            schema=PySparkSchema.from_ibis(schema),
        )


def open_store(url: str | os.PathLike[str] | None = None, **kw: Any) -> Store:
    """Shorthand for :meth:`Store.open`."""
    return Store.open(url, **kw)


def tables_declared() -> list[TableSpec]:
    return all_tables()


__all__ = ["Store", "open_store"]
