"""Property: whatever a file holds, ingest never raises, loses nothing and changes nothing.

For every format (CSV, UTF-16 TSV, JSON Lines, UTF-16 JSON Lines, JSON, Parquet, XLSX) and
hostile values — NUL, a BOM mid-text, CR-only and CRLF line breaks, U+2028/U+0085/U+001C,
formula-looking text, lone high bytes as text, long fields, NaN/inf/negative/fractional/hex
counters — we check ``read = stored + duplicates + quarantined``, ``read`` = records written,
every stored text equal to the text written, and every stored number equal to the decimal text
written (so nothing was rounded, re-decoded or read as hex)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engagelens.demo.hostile import (
    FORMATS,
    HOSTILE_NUMBERS,
    HOSTILE_TEXT,
    same_number,
    spreadsheet_safe,
    write_records,
)
from engagelens.ingest import ingest_file
from engagelens.store import Store


def _texts(fmt: str):
    if fmt == "xlsx":  # XML (and so XLSX) cannot hold most control characters
        chars = st.characters(exclude_categories=("Cs", "Cc"))
        hostile = [t for t in HOSTILE_TEXT if spreadsheet_safe(t)]
        return st.one_of(st.sampled_from(hostile), st.text(chars, max_size=40))
    chars = st.characters(exclude_categories=("Cs",))
    return st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(chars, max_size=40))


def _numbers():
    return st.one_of(
        st.sampled_from(HOSTILE_NUMBERS),
        st.integers(-10, 10**12).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
    )


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
    path = write_records(tmp, fmt, records)
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
                (row["text"] or "") == r["text"] and same_number(row["value"], r["value"])
                for r in candidates
            ), (row, candidates)
    finally:
        store.close()
