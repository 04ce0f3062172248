"""What every format module shares: records as Arrow chunks of text, and their names.

A format module has ``sniff(path) -> bool`` (do the bytes look like this format?) and
``stage(request) -> Staging`` (put the file's records into the store's staging tables); formats
parsed in Python also have ``read(...)``, yielding ``(Arrow chunk, rejected records)`` pairs
for ``store.bulk.stage_chunks``. A rejected record is ``(line, raw text, reason)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from engagelens.store import Store
    from engagelens.store.bulk import Staged

Reject = tuple[int, str, str]


@dataclass(frozen=True)
class Request:
    """Everything a format needs to stage one file."""

    store: Store
    path: Path
    format: str
    encoding: str
    chunk_rows: int
    max_field_bytes: int
    delimiter: str | None = None  # from the mapping, if it says
    progress: Callable[[float], None] | None = None
    digest: Any = None  # a hashlib object to feed the file's bytes, when the format can
    sheet: str | None = None


@dataclass(frozen=True)
class Staging:
    """What staging left: the staged records, how a record number becomes the reported
    line, the format actually read, whether ``digest`` saw the whole file, and how to find
    the physical line of a record when it is not simply the record number + offset."""

    staged: Staged
    line_offset: int
    format: str
    hashed: bool = False
    #: record numbers → the physical lines they start on, for formats where the two differ
    #: (quoted line breaks, blank lines); None: line = record number + ``line_offset``
    lines: Callable[[set[int]], dict[int, int]] | None = None


def _chunk(records: list[tuple[int, dict[str, str | None]]], keys: list[str] | None = None) -> Any:
    import pyarrow as pa

    keys = list(keys or [])
    seen: set[str] = set(keys)
    for _, rec in records:
        for k in rec:
            if k not in seen:
                seen.add(k)
                keys.append(k)
    cols: dict[str, Any] = {"__rec": pa.array([n for n, _ in records], pa.int64())}
    for k in keys:
        cols[k] = pa.array([rec.get(k) for _, rec in records], pa.string())
    return pa.table(cols)


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n}_{seen[n]}")
    return out


__all__ = sorted(["Reject", "Request", "Staging"])
