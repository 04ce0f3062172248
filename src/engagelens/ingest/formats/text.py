"""Text encodings: recognise a file's encoding and turn it into UTF-8 without losing a byte.

Why we sniff rather than trust: platform exports arrive as UTF-8 with a BOM (Excel "CSV
UTF-8"), UTF-16 with a BOM (Excel "Unicode text", tab-separated), or Windows-1252 (old
Excel "CSV"). UTF-16 and Windows-1252 are converted to UTF-8 in streaming chunks so a 5 GB
export never sits in memory; bytes that are invalid for the encoding are carried through as
invalid UTF-8 (lone surrogates in Python text), so only the records holding them are
quarantined ("invalid bytes …") instead of failing the file or silently replacing characters.
"""

from __future__ import annotations

import codecs
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from engagelens.errors import UnreadableFile

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


def is_marked(ch: str) -> bool:
    """True for a character standing for an invalid byte."""
    return 0xDC80 <= ord(ch) <= 0xDCFF


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


__all__ = sorted(["is_marked", "needs_transcoding", "sniff_encoding", "transcode_to_utf8"])
