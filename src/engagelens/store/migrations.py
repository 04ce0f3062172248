"""Schema migrations the store runs itself on open.

Numbered steps are recorded in ``schema_version``; after them, every table declared with
``model.register_table`` is created if missing and gains any declared column it lacks, so a
layer that adds a table or column needs no migration file of its own. A step that changes
existing data (rename, backfill) is added to :data:`MIGRATIONS`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

import ibis

from engagelens.model.tables import CORE_TABLES, all_tables

if TYPE_CHECKING:
    from .connection import Store


def _create_core(store: Store) -> None:
    for spec in CORE_TABLES:
        if not store.has_table(spec.name):
            store.con.create_table(spec.name, schema=spec.ibis_schema())


#: file suffixes whose quarantine ``line`` was record + 1 before step 2 (a header line)
_HEADER_SUFFIXES = (".csv", ".tsv", ".tab", ".txt", ".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")


def _quarantine_record(store: Store) -> None:
    """quarantine.record, the record number next to the physical line. Rows quarantined
    before it keep their ``line`` (then record + 1 for files with a header, the record number
    otherwise) and get ``record`` back from it."""
    if not store.is_duckdb or not store.has_table("quarantine"):
        return  # Spark: the column is added by _ensure_declared; nothing to backfill there
    if "record" not in store.table("quarantine").columns:
        store.sql('ALTER TABLE "quarantine" ADD COLUMN "record" BIGINT')
    suffix = "lower(regexp_extract(source, '(\\.[A-Za-z0-9]+)$', 1))"
    store.sql(
        f"UPDATE quarantine SET record = CASE WHEN list_contains(?, {suffix}) "
        "THEN line - 1 ELSE line END WHERE record IS NULL",
        [list(_HEADER_SUFFIXES)],
    )


MIGRATIONS: tuple[tuple[int, str, Callable[[Store], None]], ...] = (
    (
        1,
        "core tables: accounts, content, interactions, mentions, web, email, NPS, ingest",
        _create_core,
    ),
    (2, "quarantine.record: the record number next to the physical line", _quarantine_record),
)

SCHEMA_VERSION = MIGRATIONS[-1][0]

VERSION_SCHEMA = ibis.schema(
    {"version": "int64", "description": "string", "applied_at": "timestamp"}
)


def applied_versions(store: Store) -> set[int]:
    if not store.has_table("schema_version"):
        return set()
    return {int(v) for v in store.table("schema_version").version.to_pyarrow().to_pylist()}


def migrate(store: Store) -> int:
    """Bring the store to the current schema; returns the schema version."""
    if not store.has_table("schema_version"):
        store.con.create_table("schema_version", schema=VERSION_SCHEMA)
    done = applied_versions(store)
    for version, description, step in MIGRATIONS:
        if version in done:
            continue
        with store.transaction():
            step(store)
            now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
            if store.is_duckdb:
                store.sql(
                    "INSERT INTO schema_version VALUES (?, ?, ?)", [version, description, now]
                )
            else:
                import pyarrow as pa

                store.con.insert(
                    "schema_version",
                    pa.table(
                        {"version": [version], "description": [description], "applied_at": [now]}
                    ),
                )
    _ensure_declared(store)
    return SCHEMA_VERSION


def _ensure_declared(store: Store) -> None:
    existing = set(store.con.list_tables())
    for spec in all_tables():
        if spec.name not in existing:
            store.con.create_table(spec.name, schema=spec.ibis_schema())
            continue
        have = set(store.table(spec.name).columns)
        missing = [c for c in spec.columns if c.name not in have]
        if missing and store.is_duckdb:
            for c in missing:  # identifiers and types come from declarations only
                sql_type = ibis.dtype(c.dtype)
                from ibis.backends.sql.datatypes import DuckDBType

                store.sql(
                    f'ALTER TABLE "{spec.name}" ADD COLUMN "{c.name}" '
                    f"{DuckDBType.to_string(sql_type)}"
                )
        elif missing and store.backend == "pyspark":  # a cluster's persistent catalog
            from ibis.backends.pyspark.datatypes import PySparkType

            cols = ", ".join(
                f"`{c.name}` {PySparkType.from_ibis(ibis.dtype(c.dtype)).simpleString()}"
                for c in missing
            )
            store.con.raw_sql(f"ALTER TABLE `{spec.name}` ADD COLUMNS ({cols})")


__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "applied_versions", "migrate"]
