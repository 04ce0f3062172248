"""A batch's record is its commit marker: rows first, then the ledger row, then nothing else.

Why two commits: DuckDB 1.5.6 can replay a large insert from a WAL cut short by ``kill -9``
without the rest of its transaction (upstream "Fix uncommitted data recovered accidentally"),
so one transaction holding rows *and* the ``ingest_batch`` row could reopen as rows without a
batch and a ledger that is wrong for ever. Here the rows and quarantine commit first; the
batch record follows in a transaction of one small row, which a WAL replays whole or not at
all. A batch is therefore stored exactly when its record exists, and rows whose batch has no
record (``batch_id`` above the last recorded one: ids only grow) are removed on open and
before every batch. ``tests/test_crash_ingest.py`` kills the process at each stage.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from engagelens.errors import StoreError
from engagelens.model.tables import all_tables, table_spec

if TYPE_CHECKING:  # pragma: no cover
    from .connection import Store


@dataclass
class PendingBatch:
    """A batch being written: its id, and the ledger row the writer fills in."""

    batch_id: int
    record: dict[str, Any] | None = None


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def batch_tables(store: Store) -> list[str]:
    """Stored tables whose rows carry a ``batch_id`` (ingestible tables and quarantine)."""
    existing = set(store.list_tables())
    return [
        spec.name
        for spec in all_tables()
        if spec.name != "ingest_batch" and "batch_id" in spec.column_names and spec.name in existing
    ]


def last_batch(store: Store) -> int:
    """The highest recorded batch id (0 for a store without batches)."""
    row = store.sql("SELECT COALESCE(max(batch_id), 0) FROM ingest_batch").fetchone()
    return int(row[0]) if row else 0


def remove_orphans(store: Store) -> dict[str, int]:
    """Delete rows of batches that were never recorded; returns rows removed per table.

    Cheap on a large store: ``batch_id > last`` is checked against each row group's min/max
    statistics, so only row groups a crashed batch wrote are read.
    """
    if not store.is_duckdb or not store.has_table("ingest_batch"):
        return {}
    removed: dict[str, int] = {}
    with store.transaction():
        last = last_batch(store)
        for name in batch_tables(store):  # identifiers from declarations only
            row = store.sql(f"DELETE FROM {_q(name)} WHERE batch_id > ?", [last]).fetchone()
            if row and row[0]:
                removed[name] = int(row[0])
    return removed


def discard_batch(store: Store, batch_id: int) -> None:
    """Remove every row of one unrecorded batch (after a failure between its two commits)."""
    with store.transaction():
        for name in batch_tables(store):
            store.sql(f"DELETE FROM {_q(name)} WHERE batch_id = ?", [batch_id])


def write_batch(store: Store, row: dict[str, Any]) -> None:
    """Insert one ``ingest_batch`` row (the caller's transaction decides when it commits)."""
    spec = table_spec("ingest_batch")
    names = [c for c in spec.column_names if c in row]
    store.sql(
        f"INSERT INTO ingest_batch ({', '.join(_q(n) for n in names)}) "
        f"VALUES ({', '.join('?' for _ in names)})",
        [row[n] for n in names],
    )


@contextlib.contextmanager
def batch_transaction(store: Store) -> Iterator[PendingBatch]:
    """Write one batch: rows inside the block, then its record (``pending.record``).

    The block runs in a transaction that commits the rows; the record then commits on its
    own. An exception in the block rolls everything back; a failure while recording removes
    the rows again; a crash anywhere is repaired by :func:`remove_orphans` on the next open.
    Holds the store's lock throughout, so no other batch of this store takes the same id.
    """
    if not store.is_duckdb:
        raise StoreError(f"batches are written through DuckDB, not {store.backend}")
    with store._lock:
        with store.transaction():
            remove_orphans(store)  # nested: part of this transaction
            pending = PendingBatch(last_batch(store) + 1)
            yield pending
            if pending.record is None:
                raise StoreError(f"batch {pending.batch_id} was written without its record")
        try:
            with store.transaction():
                write_batch(store, {**pending.record, "batch_id": pending.batch_id})
        except BaseException:
            with contextlib.suppress(Exception):
                discard_batch(store, pending.batch_id)
            raise


__all__ = sorted(
    [
        "PendingBatch",
        "batch_tables",
        "batch_transaction",
        "discard_batch",
        "last_batch",
        "remove_orphans",
        "write_batch",
    ]
)
