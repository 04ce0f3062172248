"""Hostile export files: the values real exports break ingest with, written in every format.

Why in the package: the property test (tests/test_ingest_property.py) and the fuzz campaign
(benchmarks/fuzz_ingest.py) must attack ingest with the same values and the same writers, so a
fix proven by one is measured by the other. Values: NUL, a BOM mid-text, CR-only and CRLF breaks,
U+2028/U+0085/U+001C, formula-looking text, lone high bytes as text, long fields, and counters
written as NaN/inf/negative/fractional/hex/binary/underscored text.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

__all__ = [
    "COLUMNS",
    "FORMATS",
    "HOSTILE_NUMBERS",
    "HOSTILE_TEXT",
    "same_number",
    "spreadsheet_safe",
    "write_records",
]

HOSTILE_TEXT = [
    "\x00",
    "a\ufeffb",
    "one\rtwo",
    "one\r\ntwo",
    "one\ntwo",
    "a\u2028b\u0085c\u001cd",
    "=1+1",
    "\t=HYPERLINK(1)",
    "Tiếng Việt",
    "ÿ\u00a0",
    '"quoted", with, commas',
    "x" * 5000,
    " padded ",
]
HOSTILE_NUMBERS = [
    "12.7",
    "0x10",
    "0b11",
    "1_000",
    "nan",
    "inf",
    "-inf",
    "-3",
    ".5",
    "1e999",
    " 7 ",
    "12.0",
    "9" * 400,
    "",
    "1,5",
]
#: the formats a file is written in: UTF-8 CSV, UTF-16 TSV, JSON Lines (UTF-8 and UTF-16),
#: one JSON array, Parquet and XLSX
FORMATS = ["csv", "tsv16", "jsonl", "jsonl16", "json", "parquet", "xlsx"]
#: the canonical interaction columns every hostile record has
COLUMNS = ["interaction_id", "platform", "kind", "occurred_at", "text", "value"]
_DECIMAL = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


def spreadsheet_safe(text: str) -> bool:
    """Whether XLSX can hold ``text`` as written: XML forbids most control characters and
    spreadsheets normalise line ends, so those values are not a fair test of that format."""
    return "\r" not in text and not any(ord(c) < 32 and c not in "\t\n" for c in text)


def same_number(stored: float | None, text: str) -> bool:
    """Whether a stored counter equals the decimal text written (no rounding, no hex)."""
    if stored is None:
        return text.strip() == ""
    return bool(_DECIMAL.fullmatch(text.strip())) and float(text) == stored


def write_records(folder: Path, fmt: str, records: list[dict[str, str]]) -> Path:
    """Write ``records`` (dicts over :data:`COLUMNS`) in ``fmt`` under ``folder``; the path."""
    if fmt in ("csv", "tsv16"):
        buf = io.StringIO(newline="")
        w = csv.writer(
            buf, delimiter="," if fmt == "csv" else "\t", quoting=csv.QUOTE_ALL, lineterminator="\n"
        )
        w.writerow(COLUMNS)
        for r in records:
            w.writerow([r[n] for n in COLUMNS])
        p = folder / ("interaction.csv" if fmt == "csv" else "interaction.tsv")
        p.write_bytes(
            buf.getvalue().encode("utf-8")
            if fmt == "csv"
            else b"\xff\xfe" + buf.getvalue().encode("utf-16-le")
        )
    elif fmt in ("jsonl", "jsonl16"):
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        p = folder / "interaction.jsonl"
        p.write_bytes(text.encode() if fmt == "jsonl" else b"\xff\xfe" + text.encode("utf-16-le"))
    elif fmt == "json":
        p = folder / "interaction.json"
        p.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    elif fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        p = folder / "interaction.parquet"
        pq.write_table(pa.table({n: [r[n] for r in records] for n in COLUMNS}), p)
    elif fmt == "xlsx":
        import xlsxwriter

        p = folder / "interaction.xlsx"
        wb = xlsxwriter.Workbook(
            str(p),
            {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
        )
        ws = wb.add_worksheet()
        ws.write_row(0, 0, COLUMNS)
        for i, r in enumerate(records, start=1):
            for c, n in enumerate(COLUMNS):
                if r[n] != "":
                    ws.write_string(i, c, r[n])
        wb.close()
    else:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return p
