"""JSON Lines (``.jsonl``, ``.ndjson``), parsed in Python in chunks of ``ingest_chunk_rows``.

Why numbers stay text: ``json.loads`` would round ``12.70`` and ``1e400``, and refuse a
5,000-digit integer for the whole file; kept as their source text, the store's validation sees
exactly what the file says. One bad record — invalid JSON, nested 100,000 deep, a lone
surrogate ``"\ud800"``, bytes invalid in the encoding — is rejected with its reason and the
file goes on. Lines are split at ``\n``, ``\r\n`` and bare ``\r`` only (see
``text._decoded_lines``), never at U+2028, U+0085 or U+001C inside a text.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from engagelens.store import bulk

from .base import Request, Staging, _chunk
from .text import _decoded_lines

EXTENSIONS = (".jsonl", ".ndjson")


def sniff(path: Path) -> bool:
    """The first non-blank line starts a JSON object."""
    with path.open("rb") as f:
        for line in f:
            text = line.lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n")
            if text:
                return text.startswith(b"{")
    return False


def stage(req: Request) -> Staging:
    size = max(req.path.stat().st_size, 1)
    done = [0]
    progress = req.progress

    def tick(n: int) -> None:
        done[0] += n
        if progress:
            progress(min(done[0] / size, 1.0))

    staged = bulk.stage_chunks(req.store, read(req.path, req.encoding, req.chunk_rows, tick))
    if progress:
        progress(1.0)
    return Staging(staged, 0, req.format, False)


class _Number(str):
    """A JSON number kept as its source text: no float rounding (``12.70``, ``1e400``), no
    digit limit (a 5,000-digit integer), so the store sees exactly what the file says."""

    __slots__ = ()


class BadRecord(ValueError):
    """One record that cannot become staged text (its reason is the message)."""


def _loads(text: str) -> Any:
    """``json.loads`` with numbers (and NaN/Infinity) kept as their source text."""
    try:
        return json.loads(text, parse_int=_Number, parse_float=_Number, parse_constant=_Number)
    except RecursionError:
        raise BadRecord("JSON nested too deeply to read") from None


def _dump(value: Any) -> str:
    """JSON text of a nested value, numbers as in the source (``json.dumps`` separators)."""
    if isinstance(value, _Number):
        return str.__str__(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_dump(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_dump(str(k))}: {_dump(v)}" for k, v in value.items()) + "}"
    return json.dumps(value, ensure_ascii=False)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    try:
        return _dump(value)
    except RecursionError:
        raise BadRecord("JSON nested too deeply to read") from None


def _valid_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def record_texts(record: dict[str, Any]) -> dict[str, str | None]:
    """A parsed record as text values; :class:`BadRecord` when a key or value is not valid
    Unicode (a lone surrogate such as ``"\ud800"``) or too deep to write back."""
    out: dict[str, str | None] = {}
    for key, value in record.items():
        text = _text(value)
        if not _valid_unicode(key) or (text is not None and not _valid_unicode(text)):
            name = key.encode("utf-8", "backslashreplace").decode("utf-8")
            raise BadRecord(f"{name}: lone surrogate (text that is not valid Unicode)")
        out[key] = text
    return out


def safe_raw(text: str) -> str:
    """Raw text fit for the quarantine: lone surrogates written as ``\\udXXX`` escapes."""
    return text if _valid_unicode(text) else text.encode("utf-8", "backslashreplace").decode()


def read(
    path: Path, encoding: str, chunk_rows: int, progress: Callable[[int], None] | None = None
) -> Iterator[tuple[Any, list[tuple[int, str, str]]]]:
    """Yield (Arrow chunk, rejected lines) for a JSON Lines file; ``__rec`` = line number.

    Blank lines are not records. A line that is not valid JSON, not an object, not valid in
    the file's encoding, nested too deeply or holding a lone surrogate is rejected with that
    reason and its raw text; the rest of the file goes on.
    """
    records: list[tuple[int, dict[str, str | None]]] = []
    rejects: list[tuple[int, str, str]] = []
    with path.open("rb") as raw:
        for number, text in enumerate(_lines_of(raw, encoding), start=1):
            if progress:
                progress(len(text.encode("utf-8", "surrogateescape")) + 1)
            if number == 1:
                text = text.lstrip("\ufeff")
            if any(0xDC80 <= ord(ch) <= 0xDCFF for ch in text):
                rejects.append(
                    (
                        number,
                        text.encode("utf-8", "replace").decode("utf-8"),
                        f"invalid bytes for {_ENCODING_WORD.get(encoding, encoding)}",
                    )
                )
                continue
            if not text.strip():
                continue
            try:
                value = _loads(text)
                if not isinstance(value, dict):
                    raise BadRecord("not a JSON object (expected {...} per line)")
                records.append((number, record_texts(value)))
            except json.JSONDecodeError as exc:
                rejects.append((number, text, f"invalid JSON: {exc.msg} at column {exc.colno}"))
                continue
            except BadRecord as exc:
                rejects.append((number, safe_raw(text), str(exc)))
                continue
            if len(records) >= chunk_rows:
                yield _chunk(records), rejects
                records, rejects = [], []
    yield _chunk(records), rejects


_ENCODING_WORD = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8"}


def _lines_of(raw: IO[bytes], encoding: str) -> Iterator[str]:
    return _decoded_lines(raw, "utf-8-sig" if encoding == "utf-8" else encoding)


__all__ = sorted(["EXTENSIONS", "BadRecord", "read", "record_texts", "safe_raw", "sniff", "stage"])
