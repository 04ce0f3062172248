"""Back up and restore one store (a workspace is one DuckDB file).

Why a file copy after CHECKPOINT, not ``EXPORT DATABASE``/``ATTACH``: those take the target
path inside SQL text, and no user value is ever formatted into SQL. After a checkpoint under
the store's lock the database file holds every committed row and the WAL is empty, so a byte
copy is a consistent snapshot. Every backup and restore is checked by opening the copy and
comparing each table's row count with the original before it is put in place; a copy goes to
a temporary name first and is renamed, so an interrupted backup never leaves a half file
under the final name.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from engagelens.errors import StoreError

if TYPE_CHECKING:  # pragma: no cover
    from .connection import Store


def table_counts(store: Store) -> dict[str, int]:
    """Rows per table of ``store``."""
    return {name: store.count(name) for name in store.list_tables()}


def _open_copy(path: Path) -> dict[str, int]:
    from .connection import Store

    try:
        copy = Store.open(path, read_only=True)
    except Exception as exc:  # a damaged or foreign file: one clear line
        raise StoreError(f"{path} is not a readable EngageLens store: {exc}") from exc
    with copy:
        if not copy.has_table("schema_version"):
            raise StoreError(f"{path} is not an EngageLens store (no schema_version)")
        return table_counts(copy)


def _place(tmp: Path, dest: Path) -> None:
    os.replace(tmp, dest)
    Path(str(dest) + ".wal").unlink(missing_ok=True)  # a WAL left next to the old file


def backup(store: Store, dest: str | os.PathLike[str], *, force: bool = False) -> dict[str, int]:
    """Copy ``store`` to the file ``dest``; returns rows per table (checked in the copy)."""
    if not store.is_duckdb or store.url == ":memory:":
        raise StoreError("backup copies a DuckDB store file; this store has none")
    target = Path(dest)
    if target.exists() and not force:
        raise StoreError(f"{target} exists; give --force to replace it")
    if target.resolve() == Path(store.url).resolve():
        raise StoreError("the backup cannot be the store itself")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".partial")
    with store._lock:
        store.checkpoint()
        counts = table_counts(store)
        shutil.copyfile(store.url, tmp)
    try:
        copied = _open_copy(tmp)
        if copied != counts:
            raise StoreError(f"backup check failed: {copied} rows in the copy, {counts} stored")
        _place(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return counts


def restore(
    source: str | os.PathLike[str], dest: str | os.PathLike[str], *, force: bool = False
) -> dict[str, int]:
    """Put the backup ``source`` in place as the store file ``dest``; returns rows per table.

    ``dest`` must not be open elsewhere (DuckDB holds a lock on an open file)."""
    src = Path(source)
    target = Path(dest)
    if not src.is_file():
        raise StoreError(f"no such backup: {src}")
    if target.exists() and not force:
        raise StoreError(f"{target} exists; give --force to replace it with the backup")
    counts = _open_copy(src)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".partial")
    try:
        shutil.copyfile(src, tmp)
        if _open_copy(tmp) != counts:
            raise StoreError("restore check failed: the copy differs from the backup")
        _place(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return counts


__all__ = ["backup", "restore", "table_counts"]
