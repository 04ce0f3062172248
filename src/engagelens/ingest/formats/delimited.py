"""CSV and TSV (and ``.txt``, sniffed): DuckDB's parallel reader, or Python's for files that
mix ``\n`` line ends with bare ``\r`` characters inside unquoted fields.

DuckDB treats every CR as a line end, so such files (the Customer Support on Twitter export)
take :func:`csv_chunks`, which splits lines on ``\n`` only and keeps a CRLF inside a quoted
field as it was. Files in another encoding than UTF-8 are converted first (``text.py``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from engagelens.errors import UnreadableFile
from engagelens.store import bulk

from .base import Request, Staging, _chunk, _unique
from .text import _CHUNK_BYTES, _MARK, needs_transcoding, transcode_to_utf8

EXTENSIONS = (".csv", ".tsv", ".tab", ".txt")


def sniff(path: Path) -> bool:
    """Delimited text is what is left: a file that is not a zip, OLE2 or Parquet container."""
    with path.open("rb") as f:
        head = f.read(8)
    return not head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"PAR1"))


def stage(req: Request) -> Staging:
    """Stage a CSV/TSV file (converted to UTF-8 first when it is in another encoding)."""
    size = max(req.path.stat().st_size, 1)
    progress = req.progress
    source = req.path
    converted: Path | None = None
    if needs_transcoding(req.encoding):
        half = (lambda f: progress(f * 0.5)) if progress else None
        done = [0]

        def conv_tick(n: int) -> None:
            done[0] += n
            if half:
                half(min(done[0] / size, 1.0))

        converted = transcode_to_utf8(req.path, req.encoding, progress=conv_tick)
        source = converted
    try:
        if req.delimiter:
            delimiter = req.delimiter
        elif req.format == "tsv":
            delimiter = "\t"
        else:
            delimiter = sniff_delimiter(source, "\t" if req.format == "txt" else ",")
        fmt = "tsv" if delimiter == "\t" else "csv"
        hashed = converted is None
        if scan_line_ends(source, req.digest if hashed else None):  # CR in unquoted fields
            chunks = csv_chunks(source, delimiter, req.chunk_rows, req.max_field_bytes)
            staged = bulk.stage_chunks(req.store, chunks)
            if progress:
                progress(1.0)
            return Staging(staged, 1, fmt, hashed, _line_finder(req, delimiter, staged))
        header = read_header(source, delimiter)
        max_line = max(2_000_000, 32 * req.max_field_bytes)
        scaled = None
        if progress:
            scaled = (lambda f: progress(0.5 + f * 0.5)) if converted else progress
        staged = bulk.stage_csv(
            req.store,
            str(source),
            header=header,
            delimiter=delimiter,
            max_line_bytes=max_line,
            progress=scaled,
        )
    finally:
        if converted is not None:
            converted.unlink(missing_ok=True)
    return Staging(staged, 1, fmt, hashed, _line_finder(req, delimiter, staged))


def _line_finder(req: Request, delimiter: str, staged: Any) -> Any:
    records = staged.rows + staged.rejected
    return lambda wanted: physical_lines(req.path, req.encoding, delimiter, records, wanted)


def physical_lines(
    path: Path, encoding: str, delimiter: str, records: int, wanted: set[int]
) -> dict[int, int]:
    """The line each wanted record starts on, as an editor counts lines (header = line 1),
    where it is not record + 1 — after a quoted field with line breaks, a blank line or a
    header over several lines. Only those entries are returned.

    Why two steps: counting line ends is a byte scan (about 1 GB/s); when the file has exactly
    one line per record plus the header, nothing else is needed. Otherwise the file is read
    again with Python's csv module (splitting lines on ``\n`` only, as :func:`csv_chunks`),
    up to the last wanted record."""
    if not wanted:
        return {}
    newline = "\n"
    if encoding in ("utf-8", "utf-8-sig", "cp1252"):
        ends, last, has_cr = 0, b"", False
        with path.open("rb") as f:
            for block in iter(lambda: f.read(_CHUNK_BYTES), b""):
                ends += block.count(b"\n")
                has_cr = has_cr or (not ends and b"\r" in block)
                last = block[-1:]
        if not ends and has_cr:
            newline = "\r"  # classic Mac line ends
        elif ends + (1 if last and last != b"\n" else 0) == records + 1:
            return {}
    return _scan_lines(path, encoding, delimiter, wanted, newline)


def _scan_lines(
    path: Path, encoding: str, delimiter: str, wanted: set[int], newline: str
) -> dict[int, int]:
    counter = [0]

    def lines() -> Iterator[str]:
        with path.open("r", encoding=encoding, errors="replace", newline=newline) as f:
            for text in f:
                counter[0] += 1
                end = "\r\n" if text.endswith("\r\n") else newline if text.endswith(newline) else ""
                body = text[: len(text) - len(end)]
                if newline == "\n":
                    body = body.replace("\r", _CR_SENTINEL)
                yield body + "\n"

    csv.field_size_limit(max(csv.field_size_limit(), 1 << 30))
    reader = csv.reader(lines(), delimiter=delimiter, quotechar='"', doublequote=True, strict=False)
    if next(reader, None) is None:
        return {}
    target = max(wanted)
    out: dict[int, int] = {}
    previous = counter[0]
    record = 0
    for row in reader:
        start, previous = previous + 1, counter[0]
        if not row:
            continue  # a blank line is no record
        record += 1
        if record in wanted and start != record + 1:
            out[record] = start
        if record >= target:
            break
    return out


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


__all__ = sorted(
    [
        "EXTENSIONS",
        "csv_chunks",
        "physical_lines",
        "read_header",
        "scan_line_ends",
        "sniff",
        "sniff_delimiter",
        "stage",
    ]
)
