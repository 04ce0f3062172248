"""The quarantine's line is the line a user opens in an editor (issue 13, data fidelity):
quoted fields with line breaks, blank lines and multi-line headers move it away from the
record number, which is kept next to it (``quarantine.record``). Stores from before get the
column and a backfilled record number."""

from __future__ import annotations

import duckdb

from engagelens.ingest import ingest_file
from engagelens.ingest.formats.delimited import physical_lines
from engagelens.store import Store

HEADER = "interaction_id,platform,kind,occurred_at,text\n"
# line 1 header; record 1 on lines 2-4; record 2 on 5; record 3 (bad date) on 6; record 4
# (too many columns) on 7; a blank line 8; record 5 (bad date) on lines 9-10
MULTILINE = (
    HEADER + '1,x,comment,2024-01-01,"multi\nline\ntext"\n'
    '2,x,comment,2024-01-01,"a,b"\n'
    '3,x,comment,bad date,"x"\n'
    "4,x,comment,2024-01-01,too,many,cols\n"
    "\n"
    '5,x,comment,bad,"y\nz"\n'
)


def _ingest(store, path, **kw):
    kw.setdefault("source", "canonical")
    kw.setdefault("entity", "interaction")
    s = ingest_file(store, path, **kw)
    assert s.rows_read == s.rows_stored + s.rows_duplicate + s.rows_quarantined
    return s


def _quarantine(store) -> list[tuple[int, int, str]]:
    rows = (
        store.raw()
        .execute("SELECT source, line, record, reason FROM quarantine ORDER BY line")
        .fetchall()
    )
    assert all(src and line is not None and reason for src, line, _, reason in rows)
    return [(line, record, reason.split(" — ")[0]) for _, line, record, reason in rows]


EXPECTED = [
    (6, 3, "bad date/time in occurred_at: bad date"),
    (7, 4, "too many columns (unquoted delimiter?)"),
    (9, 5, "bad date/time in occurred_at: bad"),
]


def test_csv_lines_count_quoted_line_breaks_and_blank_lines(store, tmp_path):
    p = tmp_path / "interaction.csv"
    p.write_bytes(MULTILINE.encode())
    s = _ingest(store, p)
    assert (s.rows_read, s.rows_stored, s.rows_quarantined) == (5, 2, 3)
    assert _quarantine(store) == EXPECTED


def test_crlf_file_with_crlf_inside_a_quoted_field(store, tmp_path):
    p = tmp_path / "interaction.csv"
    p.write_bytes(MULTILINE.replace("\n", "\r\n").encode())
    _ingest(store, p)
    assert _quarantine(store) == EXPECTED


def test_utf16_tsv_is_counted_in_its_own_encoding(store, tmp_path):
    p = tmp_path / "interaction.tsv"
    text = MULTILINE.replace(",", "\t").replace('"a\tb"', '"a,b"')
    # too,many,cols became tab-separated too: still too many columns
    p.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    _ingest(store, p)
    assert _quarantine(store) == EXPECTED


def test_python_reader_path_for_bare_cr_counts_lines_on_newline(store, tmp_path):
    # a bare CR inside an unquoted field sends the file to the Python reader (csv_chunks)
    p = tmp_path / "interaction.csv"
    p.write_bytes(
        (
            HEADER + "1,x,comment,2024-01-01,bare\rcr\n"
            '2,x,comment,2024-01-01,"two\nlines"\n'
            "3,x,comment,nope,x\n"
        ).encode()
    )
    s = _ingest(store, p)
    assert (s.rows_stored, s.rows_quarantined) == (2, 1)
    assert _quarantine(store) == [(5, 3, "bad date/time in occurred_at: nope")]


def test_simple_files_need_no_scan(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text(HEADER + "1,x,like,2024-01-01,a\n2,x,like,2024-01-01,b", encoding="utf-8")
    assert physical_lines(p, "utf-8", ",", 2, {1, 2}) == {}
    p.write_text(HEADER + '1,x,like,2024-01-01,"a\nb"\n2,x,like,2024-01-01,b\n', encoding="utf-8")
    assert physical_lines(p, "utf-8", ",", 2, {1, 2}) == {2: 4}


def test_conflict_examples_give_physical_lines_and_records(store, tmp_path):
    p = tmp_path / "interaction.csv"
    p.write_text(
        HEADER + '1,x,comment,2024-01-01,"first\nrow"\n1,x,comment,2024-01-01,second\n',
        encoding="utf-8",
    )
    s = _ingest(store, p)
    assert [(c["records"], c["lines"]) for c in s.conflicts] == [([1, 2], [2, 4])]


def test_json_lines_line_is_the_line_and_the_record(store, tmp_path):
    p = tmp_path / "interaction.jsonl"
    p.write_text(
        '{"interaction_id": "1", "platform": "x", "kind": "like", "occurred_at": "2024-01-01"}\n'
        "\n"
        '{"interaction_id": "2", "platform": "x", "kind": "like", "occurred_at": "no"}\n'
        "{broken\n",
        encoding="utf-8",
    )
    _ingest(store, p)
    assert [(line, record) for line, record, _ in _quarantine(store)] == [(3, 3), (4, 4)]


def test_old_store_gets_the_record_column_backfilled(tmp_path):
    path = tmp_path / "old.duckdb"
    Store.open(path).close()
    con = duckdb.connect(str(path))
    con.execute("ALTER TABLE quarantine DROP COLUMN record")
    con.execute("DELETE FROM schema_version WHERE version = 2")
    # a committed batch (rows of batches without their ledger record are rolled back on open)
    con.execute("INSERT INTO ingest_batch (batch_id, status) VALUES (1, 'done')")
    con.execute(
        "INSERT INTO quarantine (batch_id, source, line, raw, reason, entity) VALUES "
        "(1, '/in/export.CSV', 5, '{}', 'bad', 'interaction'), "
        "(1, '/in/events.jsonl', 3, '{}', 'bad', 'interaction'), "
        "(1, '/in/sheet.xlsx', 2, '{}', 'bad', 'interaction')"
    )
    con.close()
    with Store.open(path) as store:
        rows = store.raw().execute("SELECT source, line, record FROM quarantine ORDER BY 1")
        assert rows.fetchall() == [
            ("/in/events.jsonl", 3, 3),
            ("/in/export.CSV", 5, 4),
            ("/in/sheet.xlsx", 2, 1),
        ]
        versions = store.raw().execute("SELECT max(version) FROM schema_version").fetchone()
        assert versions == (2,)
