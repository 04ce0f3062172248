"""Spreadsheet exports (XLSX, and XLS/ODS through the same reader) ingest like their CSV.

The workbooks are written here with xlsxwriter — a real XLSX writer, independent of the reader
(python-calamine) — from the same rows as a CSV fixture, so the golden answer is the CSV's."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from engagelens.errors import UnreadableFile
from engagelens.ingest import ingest_file
from engagelens.ingest.formats.spreadsheet import cell_text

FIX = Path(__file__).resolve().parent / "fixtures" / "ingest"


def _number(text: str):
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


def _workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, dt.datetime):
                    ws.write_datetime(
                        r, c, value, wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
                    )
                else:
                    ws.write(r, c, value)
    wb.close()
    return path


def _csv_rows(name: str) -> list[list]:
    import csv

    with (FIX / name).open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    # numbers as numbers (as Meta's XLSX holds them), ids and dates as the text they are
    return [rows[0]] + [
        [
            v if h in ("Post ID", "Account ID", "Publish time") else _number(v)
            for h, v in zip(rows[0], r, strict=True)
        ]
        for r in rows[1:]
    ]


def _table(store, name: str) -> list[dict]:
    rows = store.table(name).drop("batch_id").to_pyarrow().to_pylist()
    return sorted(rows, key=lambda r: str(sorted(r.items(), key=str)))


def test_instagram_xlsx_stores_exactly_what_its_csv_stores(store, tmp_path):
    from engagelens.store import Store

    xlsx = _workbook(tmp_path / "instagram_posts.xlsx", {"Posts": _csv_rows("instagram_posts.csv")})
    s = ingest_file(store, xlsx)
    assert (s.source, s.format, s.encoding) == ("instagram", "xlsx", "binary")
    assert (s.rows_read, s.rows_stored, s.rows_quarantined) == (2, 2, 0)
    other = Store.open(tmp_path / "csv.duckdb")
    try:
        ingest_file(other, FIX / "instagram_posts.csv")
        assert _table(store, "content") == _table(other, "content")
        snap = _table(store, "content_snapshot")
        want = _table(other, "content_snapshot")
        for r in snap + want:
            r.pop("as_of")  # the file's modification time
        assert snap == want
    finally:
        other.close()
    likes = {r["content_id"]: r["likes"] for r in snap}
    assert likes == {"17912345678901234": 210, "17987654321098765": 640}


def test_named_sheet_all_sheets_and_row_numbers(store, tmp_path):
    header = ["interaction_id", "platform", "kind", "occurred_at", "value"]
    when = dt.datetime(2024, 1, 2, 3, 4)
    xlsx = _workbook(
        tmp_path / "interaction.xlsx",
        {
            "Read me": [["This export was made by …"]],
            "January": [header, ["a", "x", "like", when, 1.5], [], ["b", "x", "like", "", 12.7]],
            "February": [header, ["c", "x", "like", when, 3]],
        },
    )
    with pytest.raises(UnreadableFile, match="no sheet 'March'"):
        ingest_file(store, xlsx, source="canonical", entity="interaction", sheet="March")
    s = ingest_file(store, xlsx, source="canonical", entity="interaction", sheet="January")
    assert (s.rows_read, s.rows_stored, s.rows_quarantined) == (2, 1, 1)
    q = store.table("quarantine").to_pyarrow().to_pylist()
    assert [(r["line"], r["reason"]) for r in q] == [(4, "missing occurred_at")]  # sheet row 4
    rows = {r["interaction_id"]: r for r in store.table("interaction").to_pyarrow().to_pylist()}
    assert rows["a"]["occurred_at"] == when and rows["a"]["value"] == 1.5
    s2 = ingest_file(store, xlsx, source="canonical", entity="interaction", sheet="*")
    assert (s2.rows_read, s2.rows_stored, s2.rows_duplicate, s2.rows_quarantined) == (3, 1, 1, 1)
    assert "c" in {r["interaction_id"] for r in store.table("interaction").to_pyarrow().to_pylist()}


def test_default_is_the_first_sheet_and_sheet_needs_a_spreadsheet(store, tmp_path):
    xlsx = _workbook(
        tmp_path / "interaction.xlsx",
        {
            "S1": [
                ["interaction_id", "platform", "kind", "occurred_at"],
                ["a", "x", "like", "2024-01-01"],
            ]
        },
    )
    assert ingest_file(store, xlsx, source="canonical", entity="interaction").rows_stored == 1
    csv = tmp_path / "interaction.csv"
    csv.write_text("interaction_id,platform,kind,occurred_at\n", encoding="utf-8")
    with pytest.raises(Exception, match="applies to spreadsheets"):
        ingest_file(store, csv, source="canonical", entity="interaction", sheet="S1")


def test_not_a_spreadsheet_is_a_clear_error(store, tmp_path):
    bad = tmp_path / "interaction.xlsx"
    bad.write_text("interaction_id,platform\n", encoding="utf-8")
    with pytest.raises(UnreadableFile, match="not a readable spreadsheet"):
        ingest_file(store, bad, source="canonical", entity="interaction")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (70.0, "70"),
        (12.7, "12.7"),
        (0.1 + 0.2, "0.30000000000000004"),
        (2.0**60, "1.152921504606847e+18"),
        (True, "true"),
        ("", None),
        (dt.datetime(2024, 1, 12, 9, 30), "2024-01-12 09:30:00"),
        (dt.date(2024, 2, 1), "2024-02-01"),
        ("=1+1", "=1+1"),
    ],
)
def test_cells_become_the_text_a_person_reads(value, text):
    assert cell_text(value) == text
