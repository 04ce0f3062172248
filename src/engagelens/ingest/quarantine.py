"""Reading back batches and quarantined rows (``engagelens batches`` / ``quarantine``).

Why exports neutralise formulas: quarantined rows are exactly the hostile ones; a raw cell
such as ``=HYPERLINK(...)`` is stored verbatim but written to CSV with a leading apostrophe so
a spreadsheet shows it instead of running it (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from engagelens.errors import ConfigError, NotFound

if TYPE_CHECKING:  # pragma: no cover
    from engagelens.store import Store

EXPORT_FORMATS = ("csv", "jsonl")
_FORMULA_LEAD = ("=", "+", "-", "@", "\t", "\r")
_COLUMNS = ("batch_id", "source", "line", "record", "reason", "raw", "entity")


def batches(store: Store, limit: int | None = None) -> list[dict[str, Any]]:
    """Ingest batches, newest first."""
    t = store.table("ingest_batch").order_by(lambda t: t.batch_id.desc())
    if limit:
        t = t.limit(limit)
    return t.to_pyarrow().to_pylist()


def reasons(store: Store, batch_id: int | None = None) -> list[dict[str, Any]]:
    """Quarantined rows counted by batch and reason (largest first)."""
    q = store.table("quarantine")
    if batch_id is not None:
        q = q.filter(q.batch_id == batch_id)
    out = (
        q.group_by(["batch_id", "reason"])
        .aggregate(rows=q.count(), first_line=q.line.min())
        .order_by([lambda t: t.rows.desc(), "batch_id", "reason"])
    )
    return out.to_pyarrow().to_pylist()


def rows(
    store: Store,
    batch_id: int | None = None,
    *,
    reason: str | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Quarantined rows in file order, optionally of one batch and/or reason substring."""
    q = store.table("quarantine")
    if batch_id is not None:
        if (
            not store.table("ingest_batch")
            .filter(lambda t: t.batch_id == batch_id)
            .count()
            .execute()
        ):
            raise NotFound(f"no ingest batch {batch_id}; see `engagelens batches`")
        q = q.filter(q.batch_id == batch_id)
    if reason:
        q = q.filter(q.reason.contains(reason))
    q = q.order_by(["batch_id", "line"])
    if limit:
        q = q.limit(limit)
    return q.select(*_COLUMNS).to_pyarrow().to_pylist()


def neutralise(value: Any) -> Any:
    """A cell that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_LEAD):
        return "'" + value
    return value


def export(
    store: Store,
    out: str | os.PathLike[str] | IO[str],
    *,
    batch_id: int | None = None,
    fmt: str = "csv",
) -> int:
    """Write quarantined rows to ``out`` (path or text stream); returns the row count."""
    if fmt not in EXPORT_FORMATS:
        raise ConfigError(f"export format must be one of {', '.join(EXPORT_FORMATS)}, not {fmt!r}")
    data = rows(store, batch_id)
    if isinstance(out, str | os.PathLike):
        with Path(out).open("w", encoding="utf-8", newline="") as f:
            return _write(f, data, fmt)
    return _write(out, data, fmt)


def _write(f: IO[str], data: list[dict[str, Any]], fmt: str) -> int:
    if fmt == "jsonl":
        for r in data:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    else:
        w = csv.writer(f)
        w.writerow(_COLUMNS)
        for r in data:
            w.writerow([neutralise(r[c]) for c in _COLUMNS])
    return len(data)


__all__ = sorted(["EXPORT_FORMATS", "batches", "export", "neutralise", "reasons", "rows"])
