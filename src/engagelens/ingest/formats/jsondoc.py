"""A JSON document: an array of records, a ``{"data": [...]}``-style wrapper, or an object of
records keyed by id (the key becomes column ``_key``). Parsed whole — use JSON Lines for large
exports; numbers are kept as source text as in JSON Lines."""

from __future__ import annotations

import bisect
import json
import re
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
    return Staging(
        staged, 0, req.format, False, lambda wanted: record_lines(req.path, req.encoding, wanted)
    )


_WS = re.compile(r"[ \t\r\n]*")
_LINE_END = re.compile(r"\r\n|\r|\n")


def record_lines(path: Path, encoding: str, wanted: set[int]) -> dict[int, int]:
    """The line each wanted record starts on (the line of its ``{``), for records in the
    array that :func:`read` takes them from; only lines that differ from the record number.

    Why a second walk: ``json.loads`` keeps no positions, so when some records are
    quarantined the document is read again with ``raw_decode`` element by element — only
    then, and only up to the last wanted record."""
    if not wanted:
        return {}
    try:
        with path.open("r", encoding=encoding) as f:
            text = f.read()
        starts = _element_starts(text.lstrip("\ufeff"), max(wanted))
    except (ValueError, RecursionError, OSError):
        return {}
    offset = len(text) - len(text.lstrip("\ufeff"))
    ends = [m.end() for m in _LINE_END.finditer(text)]
    out = {}
    for number, start in enumerate(starts, start=1):
        if number in wanted:
            line = bisect.bisect_right(ends, start + offset) + 1
            if line != number:
                out[number] = line
    return out


def _element_starts(text: str, upto: int) -> list[int]:
    """Offsets of the records :func:`read` takes: an array's elements, the elements of the
    one list of a wrapper object, an object's values (records keyed by id), or the object."""
    decoder = json.JSONDecoder(parse_int=str, parse_float=str, parse_constant=str)
    pos = _WS.match(text, 0).end()  # type: ignore[union-attr]
    if text.startswith("[", pos):
        return _array_starts(text, pos, decoder, upto)
    if not text.startswith("{", pos):
        return []
    pairs: list[tuple[int, Any]] = []  # (value start, value)
    i = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
    while not text.startswith("}", i):
        _key, i = decoder.raw_decode(text, i)
        i = _WS.match(text, i).end()  # type: ignore[union-attr]
        i = _WS.match(text, i + 1).end()  # type: ignore[union-attr]  # past ':'
        start = i
        value, i = decoder.raw_decode(text, i)
        pairs.append((start, value))
        i = _WS.match(text, i).end()  # type: ignore[union-attr]
        if text.startswith(",", i):
            i = _WS.match(text, i + 1).end()  # type: ignore[union-attr]
    lists = [(start, v) for start, v in pairs if isinstance(v, list)]
    if len(lists) == 1:
        return _array_starts(text, lists[0][0], decoder, upto)
    if pairs and all(isinstance(v, dict) for _, v in pairs):
        return [start for start, _ in pairs][:upto]
    return [pos]


def _array_starts(text: str, pos: int, decoder: json.JSONDecoder, upto: int) -> list[int]:
    starts: list[int] = []
    i = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
    while not text.startswith("]", i) and len(starts) < upto:
        starts.append(i)
        _value, i = decoder.raw_decode(text, i)
        i = _WS.match(text, i).end()  # type: ignore[union-attr]
        if text.startswith(",", i):
            i = _WS.match(text, i + 1).end()  # type: ignore[union-attr]
    return starts


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


__all__ = sorted(["EXTENSIONS", "read", "record_lines", "sniff", "stage"])
