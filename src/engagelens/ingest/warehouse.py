"""Ingest into a store that is not DuckDB (a Spark warehouse: ``--db pyspark:///path``).

Why through DuckDB: validation, quarantine and deduplication are compiled to DuckDB SQL
(``store/``), and one path means one set of rules. The file is ingested into an embedded
DuckDB that holds the warehouse's natural keys (of the tables the file writes, found by a
first pass into an empty DuckDB) and batch ledger, so duplicates and batch ids
come out as they would on the warehouse itself; the new rows and quarantine are then
appended to the warehouse, and the batch record last: a batch counts once its record exists,
as on DuckDB (``store/ledger.py``).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from engagelens.model.tables import all_tables

if TYPE_CHECKING:  # pragma: no cover
    from engagelens.store import Store

    from .summary import BatchSummary


def ingest_into_warehouse(store: Store, path: str | os.PathLike[str], **kw: Any) -> BatchSummary:
    """:func:`engagelens.ingest.ingest_file` for a non-DuckDB ``store``."""
    from engagelens.store import Store as _Store
    from engagelens.store.ledger import batch_tables

    from .batch import ingest_file

    with _Store.open(":memory:") as probe:  # which tables the file writes (DuckDB: cheap)
        first = ingest_file(probe, path, **{**kw, "progress": None})
    targets = set(first.stored_by_table) | set(first.entity.split("+"))
    with _Store.open(":memory:") as work:
        for spec in all_tables():  # the keys that make a re-ingest a duplicate
            if spec.name in targets and spec.ingestible and spec.key and store.has_table(spec.name):
                keys = store.table(spec.name).select(*spec.key).distinct().to_pyarrow()
                if keys.num_rows:
                    work.insert(spec.name, keys)
        ledger = store.table("ingest_batch").to_pyarrow()
        if ledger.num_rows:
            work.insert("ingest_batch", ledger)
        summary = ingest_file(work, path, **kw)
        for name in batch_tables(work):
            t = work.table(name)
            new = t.filter(t.batch_id == summary.batch_id).to_pyarrow()
            if new.num_rows:
                store.insert(name, new)
        t = work.table("ingest_batch")
        store.insert("ingest_batch", t.filter(t.batch_id == summary.batch_id).to_pyarrow())
    return summary


__all__ = ["ingest_into_warehouse"]
