"""File formats, one module each, and the format table that picks one.

Every module has ``EXTENSIONS``, ``sniff(path) -> bool`` and ``stage(request) -> Staging``
(see ``base.py``); formats parsed in Python also have ``read(...)``. Adding a format is a new
module and one row of :data:`FORMATS` — ``ingest_file`` has no branch per format.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from engagelens.errors import UnreadableFile

from . import delimited, jsondoc, jsonlines, parquet, spreadsheet
from .base import Request, Staging


@dataclass(frozen=True)
class Format:
    """One row of the format table."""

    name: str
    module: ModuleType
    extensions: tuple[str, ...]
    binary: bool = False  # no text encoding to sniff
    requestable: bool = True  # may be given as --format


#: the format table: name → module (``txt`` is delimited text whose separator is sniffed)
FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("csv", delimited, (".csv",)),
        Format("tsv", delimited, (".tsv", ".tab")),
        Format("txt", delimited, (".txt",), requestable=False),
        Format("jsonl", jsonlines, jsonlines.EXTENSIONS),
        Format("json", jsondoc, jsondoc.EXTENSIONS),
        Format("parquet", parquet, parquet.EXTENSIONS, binary=True),
        Format("xlsx", spreadsheet, (".xlsx", ".xlsm", ".xlsb"), binary=True),
        Format("xls", spreadsheet, (".xls",), binary=True),
        Format("ods", spreadsheet, (".ods",), binary=True),
    )
}
FORMAT_NAMES: tuple[str, ...] = tuple(n for n, f in FORMATS.items() if f.requestable)
BINARY_FORMATS: tuple[str, ...] = tuple(n for n, f in FORMATS.items() if f.binary)
_EXT = {ext: f.name for f in FORMATS.values() for ext in f.extensions}
EXTENSIONS: tuple[str, ...] = tuple(_EXT)


def detect_format(path: Path, requested: str | None = None) -> str:
    """Format from ``requested`` or the extension (``.txt`` is sniffed for tabs)."""
    if requested:
        if requested not in FORMAT_NAMES:
            raise UnreadableFile(f"unknown format {requested!r}; one of {', '.join(FORMAT_NAMES)}")
        return requested
    suffixes = [s.lower() for s in path.suffixes]
    fmt = _EXT.get(suffixes[-1]) if suffixes else None
    if fmt is None:
        raise UnreadableFile(
            f"{path.name}: cannot tell the format from the extension; "
            f"expected one of {', '.join(sorted(_EXT))}"
        )
    return fmt


def stage(req: Request) -> Staging:
    """Stage ``req.path`` with the module of ``req.format``."""
    if req.sheet is not None and FORMATS[req.format].module is not spreadsheet:
        raise UnreadableFile(
            f"{req.path.name}: --sheet applies to spreadsheets, not {req.format} files"
        )
    return FORMATS[req.format].module.stage(req)


__all__ = sorted(
    [
        "BINARY_FORMATS",
        "EXTENSIONS",
        "FORMATS",
        "FORMAT_NAMES",
        "Format",
        "Request",
        "Staging",
        "detect_format",
        "stage",
    ]
)
