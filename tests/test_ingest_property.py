"""Property: whatever a file holds, ingest never raises, loses nothing and changes nothing.

For every format (CSV, UTF-16 TSV, JSON Lines, UTF-16 JSON Lines, JSON, Parquet, XLSX) and
hostile values — NUL, a BOM mid-text, CR-only and CRLF line breaks, U+2028/U+0085/U+001C,
formula-looking text, lone high bytes as text, long fields, NaN/inf/negative/fractional/hex
counters — we check ``read = stored + duplicates + quarantined``, ``read`` = records written,
every stored text equal to the text written, and every stored number equal to the decimal text
written (so nothing was rounded, re-decoded or read as hex)."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engagelens.ingest import ingest_file
from engagelens.store import Store

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
_DECIMAL = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")
FORMATS = ["csv", "tsv16", "jsonl", "jsonl16", "json", "parquet", "xlsx"]


def _texts(fmt: str):
    chars = st.characters(exclude_categories=("Cs",))
    if fmt == "xlsx":  # XML (and so XLSX) cannot hold most control characters
        chars = st.characters(exclude_categories=("Cs", "Cc"))
        hostile = [t for t in HOSTILE_TEXT if not any(ord(c) < 32 and c not in "\t\n\r" for c in t)]
        hostile = [t for t in hostile if "\r" not in t]  # spreadsheets normalise line ends
        return st.one_of(st.sampled_from(hostile), st.text(chars, max_size=40))
    return st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(chars, max_size=40))


def _numbers():
    return st.one_of(
        st.sampled_from(HOSTILE_NUMBERS),
        st.integers(-10, 10**12).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
    )


def _write(tmp_path, fmt: str, records: list[dict]) -> object:
    names = ["interaction_id", "platform", "kind", "occurred_at", "text", "value"]
    if fmt in ("csv", "tsv16"):
        buf = io.StringIO(newline="")
        w = csv.writer(
            buf, delimiter="," if fmt == "csv" else "\t", quoting=csv.QUOTE_ALL, lineterminator="\n"
        )
        w.writerow(names)
        for r in records:
            w.writerow([r[n] for n in names])
        p = tmp_path / ("interaction.csv" if fmt == "csv" else "interaction.tsv")
        p.write_bytes(
            buf.getvalue().encode("utf-8")
            if fmt == "csv"
            else b"\xff\xfe" + buf.getvalue().encode("utf-16-le")
        )
    elif fmt in ("jsonl", "jsonl16"):
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        p = tmp_path / "interaction.jsonl"
        p.write_bytes(text.encode() if fmt == "jsonl" else b"\xff\xfe" + text.encode("utf-16-le"))
    elif fmt == "json":
        p = tmp_path / "interaction.json"
        p.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    elif fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        p = tmp_path / "interaction.parquet"
        pq.write_table(pa.table({n: [r[n] for r in records] for n in names}), p)
    else:
        import xlsxwriter

        p = tmp_path / "interaction.xlsx"
        wb = xlsxwriter.Workbook(
            str(p),
            {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
        )
        ws = wb.add_worksheet()
        ws.write_row(0, 0, names)
        for i, r in enumerate(records, start=1):
            for c, n in enumerate(names):
                if r[n] != "":
                    ws.write_string(i, c, r[n])
        wb.close()
    return p


@pytest.mark.parametrize("fmt", FORMATS)
@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_ingest_loses_and_changes_nothing(tmp_path_factory, fmt, data):
    n = data.draw(st.integers(1, 8), label="records")
    records = [
        {
            "interaction_id": f"id{data.draw(st.integers(0, 5))}",  # repeats on purpose
            "platform": "x",
            "kind": "comment",
            "occurred_at": data.draw(st.sampled_from(["2024-01-02 03:04:05", "2024-02-30", ""])),
            "text": data.draw(_texts(fmt)),
            "value": data.draw(_numbers()),
        }
        for _ in range(n)
    ]
    tmp = tmp_path_factory.mktemp(fmt)
    path = _write(tmp, fmt, records)
    store = Store.open(tmp / "p.duckdb")
    try:
        s = ingest_file(store, path, source="canonical", entity="interaction")
        assert s.rows_read == n
        assert s.rows_read == s.rows_stored + s.rows_duplicate + s.rows_quarantined
        stored = store.table("interaction").to_pyarrow().to_pylist()
        assert len(stored) == s.rows_stored
        by_id: dict[str, list[dict]] = {}
        for r in records:
            by_id.setdefault(r["interaction_id"], []).append(r)
        for row in stored:
            candidates = by_id[row["interaction_id"]]
            # the stored row is one of the records written with that id, unchanged
            assert any(
                (row["text"] or "") == r["text"] and _same_number(row["value"], r["value"])
                for r in candidates
            ), (row, candidates)
    finally:
        store.close()


def _same_number(stored: float | None, text: str) -> bool:
    if stored is None:
        return text.strip() == ""
    return bool(_DECIMAL.fullmatch(text.strip())) and float(text) == stored
