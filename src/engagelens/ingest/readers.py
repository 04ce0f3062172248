"""Readers: recognise a file's format and encoding, and turn it into staged rows.

Why we sniff rather than trust: platform exports arrive as UTF-8 with a BOM (Excel "CSV
UTF-8"), UTF-16 with a BOM (Excel "Unicode text", tab-separated), or Windows-1252 (old
Excel "CSV"). UTF-16 and Windows-1252 are converted to UTF-8 in streaming chunks so a 5 GB
export never sits in memory; bytes that are invalid for the encoding are carried through as
invalid UTF-8, so the CSV reader quarantines exactly those rows ("invalid bytes …") instead
of failing the file or silently replacing characters.

JSON Lines are parsed in chunks of ``ingest_chunk_rows`` lines. A JSON document (an array of
records, or an object holding one) is parsed whole — use JSON Lines for large exports.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from engagelens.errors import UnreadableFile

FORMATS = ("csv", "tsv", "jsonl", "json", "parquet", "xlsx", "xls", "ods")
#: formats whose bytes are not text (no encoding to sniff)
BINARY_FORMATS = ("parquet", "xlsx", "xls", "ods")
_EXT = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".txt": "txt",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xlsb": "xlsx",
    ".xls": "xls",
    ".ods": "ods",
}
_CHUNK_BYTES = 4 * 1024 * 1024
_MARK = "engagelens-mark-invalid"


def _mark_invalid(error: UnicodeError) -> tuple[str, int]:
    """Decode-error handler: keep each bad byte as a lone surrogate, which is written back as
    the same invalid byte (so the CSV reader rejects that row and says why)."""
    if isinstance(error, UnicodeDecodeError):
        bad = error.object[error.start : error.end]
        return "".join(chr(0xDC00 + (b if b >= 0x80 else 0x80)) for b in bad), error.end
    raise error


codecs.register_error(_MARK, _mark_invalid)


@dataclass(frozen=True)
class FileInfo:
    """What the sniffers found out about a file."""

    path: Path
    format: str  # csv, tsv, jsonl, json, parquet
    encoding: str  # codec name the bytes are in (utf-8 for Parquet)
    delimiter: str = ","


def detect_format(path: Path, requested: str | None = None) -> str:
    """Format from ``requested`` or the extension (``.txt`` is sniffed for tabs)."""
    if requested:
        if requested not in FORMATS:
            raise UnreadableFile(f"unknown format {requested!r}; one of {', '.join(FORMATS)}")
        return requested
    suffixes = [s.lower() for s in path.suffixes]
    fmt = _EXT.get(suffixes[-1]) if suffixes else None
    if fmt is None:
        raise UnreadableFile(
            f"{path.name}: cannot tell the format from the extension; "
            f"expected one of {', '.join(sorted(_EXT))}"
        )
    return fmt


def sniff_encoding(path: Path, requested: str | None = None) -> str:
    """The file's encoding: ``requested`` if given, else from the BOM, else UTF-8 unless the
    start of the file is *clearly* Windows-1252 (non-ASCII bytes, none forming UTF-8)."""
    if requested:
        try:
            return codecs.lookup(requested).name
        except LookupError:
            raise UnreadableFile(f"unknown encoding {requested!r}") from None
    with path.open("rb") as f:
        head = f.read(1 << 20)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16"
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    if len(head) >= 4 and head[1:40:2].count(0) > 15 and head[0:40:2].count(0) == 0:
        return "utf-16-le"  # ASCII text with every second byte zero: UTF-16 without a BOM
    if len(head) >= 4 and head[0:40:2].count(0) > 15 and head[1:40:2].count(0) == 0:
        return "utf-16-be"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:  # a character cut by the 1 MB window
            return "utf-8"
    # Invalid UTF-8 at the start: Windows-1252 only if no valid UTF-8 multi-byte character
    # occurs anywhere in the file. One stray byte in a UTF-8 file must quarantine its row,
    # not re-decode every "Tiếng Việt" after the first MiB as "Tiáº¿ng Viá»‡t".
    return "utf-8" if _has_utf8_multibyte(path) else "cp1252"


def _has_utf8_multibyte(path: Path) -> bool:
    """True when the file holds at least one valid UTF-8 character beyond ASCII (streamed,
    stopping at the first)."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors=_MARK)
    with path.open("rb") as f:
        for block in iter(lambda: f.read(_CHUNK_BYTES), b""):
            text = decoder.decode(block)
            if _VALID_MULTIBYTE.search(text):
                return True
    return bool(_VALID_MULTIBYTE.search(decoder.decode(b"", final=True)))


_VALID_MULTIBYTE = re.compile("[\u0080-\udc7f\udd00-\U0010ffff]")


def needs_transcoding(encoding: str) -> bool:
    """DuckDB reads UTF-8 (and skips a UTF-8 BOM) itself; everything else is converted."""
    return codecs.lookup(encoding).name not in ("utf-8", "utf-8-sig")


def transcode_to_utf8(
    path: Path,
    encoding: str,
    workdir: str | os.PathLike[str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Path:
    """Stream ``path`` into a temporary UTF-8 file (the caller deletes it).

    Bytes invalid in ``encoding`` stay invalid in the output, so that their rows are
    quarantined by the CSV reader rather than altered.
    """
    decoder = codecs.getincrementaldecoder(encoding)(errors=_MARK)
    fd, name = tempfile.mkstemp(prefix="engagelens-", suffix=".utf8" + path.suffix, dir=workdir)
    first = True
    try:
        with path.open("rb") as src, os.fdopen(fd, "wb") as out:
            while True:
                block = src.read(_CHUNK_BYTES)
                text = decoder.decode(block, final=not block)
                if first and text.startswith("\ufeff"):
                    text = text[1:]
                first = first and not text
                out.write(text.encode("utf-8", errors="surrogateescape"))
                if progress:
                    progress(len(block))
                if not block:
                    break
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def read_header(path: Path, delimiter: str) -> list[str]:
    """The first record of a UTF-8 CSV, as column names (a BOM is dropped)."""
    with path.open("rb") as f:
        head = f.read(1 << 20)
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    if not text.strip():
        raise UnreadableFile(f"{path.name}: the file is empty")
    row = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), None)
    if not row:
        raise UnreadableFile(f"{path.name}: no header line")
    return [c.strip() for c in row]


def sniff_delimiter(path: Path, default: str = ",") -> str:
    """The header line's separator: ``default`` when the line contains it, else whichever of
    comma, tab (Excel "Unicode text"), ``;`` (European Excel "CSV") or ``|`` it has most."""
    with path.open("rb") as f:
        first = f.readline(1 << 20).decode("utf-8", errors="replace")
    counts = {d: first.count(d) for d in (",", "\t", ";", "|")}
    if counts[default]:
        return default
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else default


def parquet_columns(path: Path) -> list[str]:
    import pyarrow.parquet as pq

    try:
        return list(pq.read_schema(path).names)
    except Exception as exc:
        raise UnreadableFile(f"{path.name}: not a readable Parquet file ({exc})") from exc


def scan_line_ends(path: Path, digest: Any = None) -> bool:
    """True when the file mixes ``\n`` line ends with bare ``\r`` characters (a CR inside an
    unquoted field, as in the Customer Support on Twitter export). DuckDB's reader treats
    every CR as a line end, so such files take :func:`csv_chunks` instead. ``digest`` (a
    hashlib object) is fed the whole file on the way, saving a second pass."""
    bare_cr = has_lf = False
    previous_cr = False
    with path.open("rb") as f:
        for block in iter(lambda: f.read(_CHUNK_BYTES), b""):
            if digest is not None:
                digest.update(block)
            if previous_cr and not block.startswith(b"\n"):
                bare_cr = True
            has_lf = has_lf or b"\n" in block
            if not bare_cr and _BARE_CR.search(block[:-1] if block.endswith(b"\r") else block):
                bare_cr = True
            previous_cr = block.endswith(b"\r")
            if bare_cr and has_lf and digest is None:
                return True
    return bare_cr and has_lf


_BARE_CR = re.compile(rb"\r(?!\n)")
_CR_SENTINEL = "\ue000\ue001"


def csv_chunks(
    path: Path, delimiter: str, chunk_rows: int, max_field_bytes: int
) -> Iterator[tuple[Any, list[tuple[int, str, str]]]]:
    """Read a UTF-8 CSV in Python, splitting lines on ``\n`` only (bare CRs stay in their
    field). Slower than DuckDB's reader; used for files with mixed line ends. ``__rec`` is the
    record number; rows with the wrong number of fields or invalid bytes are rejected with
    their record number + 1 as line (header = line 1), like the fast path."""
    csv.field_size_limit(max(max_field_bytes * 32, 1 << 24))

    def lines() -> Iterator[str]:
        with path.open("rb") as f:
            for raw in f:
                text = raw.decode("utf-8", errors=_MARK)
                # the line end is kept as it was: inside a quoted field the reader keeps it,
                # so a CRLF there stays CRLF; bare CRs are hidden from the reader
                end = "\r\n" if text.endswith("\r\n") else "\n" if text.endswith("\n") else ""
                body = text[: len(text) - len(end)]
                yield body.replace("\r", _CR_SENTINEL) + (end or "\n")

    reader = csv.reader(lines(), delimiter=delimiter, quotechar='"', doublequote=True, strict=False)
    header = next(reader, None)
    if header is None:
        raise UnreadableFile(f"{path.name}: the file is empty")
    # an invalid byte in a column name cannot be quarantined with a row: it is shown as
    # U+FFFD (so the name still reaches the mapping's error message) instead of failing
    names = _unique(
        [_replace_marks(h.replace(_CR_SENTINEL, "\r")).lstrip("\ufeff").strip() for h in header]
    )
    records: list[tuple[int, dict[str, Any]]] = []
    rejects: list[tuple[int, str, str]] = []
    number = 0
    for row in reader:
        if not row:
            continue
        number += 1
        values = [v.replace(_CR_SENTINEL, "\r") for v in row]
        raw = delimiter.join(values)
        if any(0xDC80 <= ord(ch) <= 0xDCFF for ch in raw):
            rejects.append(
                (
                    number + 1,
                    raw.encode("utf-8", "replace").decode("utf-8"),
                    "invalid bytes for the file's encoding",
                )
            )
        elif len(values) != len(names):
            word = "too few" if len(values) < len(names) else "too many"
            rejects.append(
                (number + 1, raw, f"{word} columns: expected {len(names)}, found {len(values)}")
            )
        else:
            records.append(
                (number, {n: (v if v != "" else None) for n, v in zip(names, values, strict=True)})
            )
        if len(records) >= chunk_rows:
            yield _chunk(records, names), rejects
            records, rejects = [], []
    yield _chunk(records, names), rejects


def _replace_marks(text: str) -> str:
    return "".join("\ufffd" if 0xDC80 <= ord(ch) <= 0xDCFF else ch for ch in text)


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n}_{seen[n]}")
    return out


# -- JSON ----------------------------------------------------------------------------------
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


def _decoded_lines(raw: IO[bytes], encoding: str) -> Iterator[str]:
    """Text lines, without their ends, split at ``\n``, ``\r\n`` and bare ``\r`` only — never
    at U+2028, U+0085 or U+001C, where ``str.splitlines`` (and so codecs' line reader) would
    break records. A raw CR cannot occur inside a JSON string, so splitting there is safe.
    Invalid bytes become lone surrogates (see ``_mark_invalid``)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors=_MARK)
    pending = ""
    while True:
        block = raw.read(_CHUNK_BYTES)
        text = pending + decoder.decode(block, final=not block)
        if not block:
            parts = _LINE_END.split(text)
            last = parts.pop()
            yield from parts
            if last:
                yield last
            return
        held = "\r" if text.endswith("\r") else ""  # may be the first half of a CRLF
        parts = _LINE_END.split(text[: len(text) - len(held)])
        pending = parts.pop() + held
        yield from parts


_LINE_END = re.compile(r"\r\n|\r|\n")


def json_lines_chunks(
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


def json_document_chunks(
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


__all__ = sorted(
    [
        "BINARY_FORMATS",
        "FORMATS",
        "FileInfo",
        "csv_chunks",
        "detect_format",
        "json_document_chunks",
        "json_lines_chunks",
        "needs_transcoding",
        "parquet_columns",
        "read_header",
        "scan_line_ends",
        "sniff_delimiter",
        "sniff_encoding",
        "transcode_to_utf8",
    ]
)
