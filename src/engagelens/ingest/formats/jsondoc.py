"""A JSON document: an array of records, a ``{"data": [...]}``-style wrapper, or an object of
records keyed by id (the key becomes column ``_key``). Parsed whole — use JSON Lines for large
exports; numbers are kept as source text as in JSON Lines."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from engagelens.errors import UnreadableFile
from engagelens.store import bulk

from .base import Request, Staging, _chunk
from .jsonlines import BadRecord, _dump, _loads, record_texts, safe_raw

EXTENSIONS = (".json",)


def sniff(path: Path) -> bool:
    with path.open("rb") as f:
        head = f.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith((b"[", b"{"))


def stage(req: Request) -> Staging:
    staged = bulk.stage_chunks(req.store, read(req.path, req.encoding, req.chunk_rows))
    if req.progress:
        req.progress(1.0)
    return Staging(staged, 0, req.format, False)


def read(
    path: Path, encoding: str, chunk_rows: int
) -> Iterator[tuple[Any, list[tuple[int, str, str]]]]:
    """A JSON array of records, ``{"data": [...]}``-style wrappers, or an object of records
    keyed by id (the key becomes column ``_key``). ``__rec`` = position in the array."""
    try:
        with path.open("r", encoding=encoding) as f:
            doc = _loads(f.read())
    except UnicodeDecodeError as exc:
        raise UnreadableFile(
            f"{path.name}: not valid {encoding} at byte {exc.start} "
            "(JSON documents are read whole; use --encoding)"
        ) from exc
    except json.JSONDecodeError as exc:
        raise UnreadableFile(
            f"{path.name}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from exc
    except BadRecord as exc:
        raise UnreadableFile(f"{path.name}: {exc} (use JSON Lines for such data)") from exc
    items: list[Any]
    if isinstance(doc, list):
        items = doc
    elif isinstance(doc, dict):
        lists = [v for v in doc.values() if isinstance(v, list)]
        if len(lists) == 1:
            items = lists[0]
        elif doc and all(isinstance(v, dict) for v in doc.values()):
            items = [{"_key": k, **v} for k, v in doc.items()]
        else:
            items = [doc]
    else:
        raise UnreadableFile(f"{path.name}: expected a JSON array or object of records")
    records: list[tuple[int, dict[str, str | None]]] = []
    rejects: list[tuple[int, str, str]] = []
    for number, item in enumerate(items, start=1):
        try:
            if not isinstance(item, dict):
                raise BadRecord("not a JSON object (expected a record)")
            records.append((number, record_texts(item)))
        except BadRecord as exc:
            try:
                raw = safe_raw(_dump(item))[:100_000]
            except RecursionError:
                raw = "(nested too deeply to show)"
            rejects.append((number, raw, str(exc)))
        if len(records) >= chunk_rows:
            yield _chunk(records), rejects
            records, rejects = [], []
    yield _chunk(records), rejects


__all__ = sorted(["EXTENSIONS", "read", "sniff", "stage"])
