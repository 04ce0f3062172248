"""Broken files lose nothing: every record is stored, a duplicate, or quarantined with its
line, raw text and a reason a person can act on. Files are written here, byte by byte, so each
test says exactly what is wrong with them."""

from __future__ import annotations

import codecs
import json

import pytest

from engagelens.ingest import ingest_file

HEADER = "interaction_id,platform,kind,occurred_at,text,value\n"


def _ingest(store, path, **kw):
    kw.setdefault("source", "canonical")
    kw.setdefault("entity", "interaction")
    return ingest_file(store, path, **kw)


def _quarantine(store) -> dict[int, dict]:
    rows = store.table("quarantine").to_pyarrow().to_pylist()
    return {r["line"]: r for r in rows}


def _ids(store) -> set[str]:
    return set(store.table("interaction").interaction_id.to_pyarrow().to_pylist())


def _check_nothing_lost(s, records: int) -> None:
    assert s.rows_read == records
    assert s.rows_read == s.rows_stored + s.rows_duplicate + s.rows_quarantined


def test_bad_values_each_get_their_reason(store, tmp_path):
    lines = [
        "1,x,comment,2024-01-02 03:04:05,fine,",  # line 2: stored
        "2,x,comment,2024-02-30 10:00:00,bad date,",  # line 3: no 30 February
        "3,x,like,2024-01-02,negative,-4",  # line 4: negative value
        ",x,like,2024-01-02,no id,",  # line 5: missing id
        "5,x,coment,2024-01-02,typo kind,",  # line 6: unknown kind
        "6,x,like,,no time,",  # line 7: missing occurred_at
        "7,x,like,2024-01-02,not a number,12abc",  # line 8: bad number
        "8,x,like,2024-01-02T10:00:00+02:00,offset,",  # line 9: stored, 08:00 UTC
    ]
    path = tmp_path / "interaction.csv"
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    s = _ingest(store, path)
    _check_nothing_lost(s, len(lines))
    assert (s.rows_stored, s.rows_quarantined) == (2, 6)
    q = _quarantine(store)
    assert set(q) == {3, 4, 5, 6, 7, 8}
    assert q[3]["reason"] == "bad date/time in occurred_at: 2024-02-30 10:00:00"
    assert q[4]["reason"].startswith("negative value")
    assert q[5]["reason"] == "missing interaction_id"
    assert q[6]["reason"] == "unknown kind: coment"
    assert q[7]["reason"] == "missing occurred_at"
    assert q[8]["reason"] == "bad number in value: 12abc"
    assert json.loads(q[3]["raw"])["occurred_at"] == "2024-02-30 10:00:00"
    assert all(r["batch_id"] == s.batch_id and r["source"] == str(path) for r in q.values())
    (t,) = (
        store.table("interaction")
        .filter(lambda t: t.interaction_id == "8")
        .occurred_at.to_pyarrow()
        .to_pylist()
    )
    assert (t.hour, t.minute) == (8, 0)


def test_structurally_broken_lines_are_kept_raw(store, tmp_path):
    body = (
        HEADER
        + "1,x,comment,2024-01-02,ok,\n"  # line 2
        + "2,x,comment,2024-01-02\n"  # line 3: too few columns
        + "3,x,comment,2024-01-02,a,b,c\n"  # line 4: too many columns
        + "4,x,comment,2024-01-02,ok too,\n"  # line 5
        + '5,x,comment,2024-01-02,"unterminated\n'
    )  # line 6: truncated last line
    path = tmp_path / "interaction.csv"
    path.write_text(body, encoding="utf-8")
    s = _ingest(store, path)
    _check_nothing_lost(s, 5)
    assert (s.rows_stored, s.rows_quarantined) == (2, 3)
    assert _ids(store) == {"1", "4"}
    q = _quarantine(store)
    assert set(q) == {3, 4, 6}
    assert q[3]["raw"] == "2,x,comment,2024-01-02" and "too few columns" in q[3]["reason"]
    assert q[4]["raw"] == "3,x,comment,2024-01-02,a,b,c" and "too many columns" in q[4]["reason"]
    assert "quot" in q[6]["reason"] and "unterminated" in q[6]["raw"]


def test_formula_looking_cells_are_stored_verbatim(store, tmp_path):
    texts = [
        '=HYPERLINK("http://evil.example","click")',
        "+1+1",
        "-2+3",
        "@SUM(A1:A3)",
        "<script>alert(1)</script>",
        "\u202eevil\u202c",
        "zero\u200bwidth 😀",
    ]
    path = tmp_path / "interaction.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        import csv

        w = csv.writer(f)
        w.writerow(HEADER.strip().split(","))
        for i, t in enumerate(texts, start=1):
            w.writerow([i, "x", "comment", "2024-01-02", t, ""])
    s = _ingest(store, path)
    assert s.rows_stored == len(texts)
    got = {
        r["interaction_id"]: r["text"] for r in store.table("interaction").to_pyarrow().to_pylist()
    }
    assert [got[str(i)] for i in range(1, len(texts) + 1)] == texts


def test_ten_megabyte_field_is_quarantined_whole(store, tmp_path):
    big = "x" * (10 * 1024 * 1024)
    path = tmp_path / "interaction.csv"
    path.write_text(
        HEADER + f"1,x,comment,2024-01-02,{big},\n2,x,comment,2024-01-02,small,\n", encoding="utf-8"
    )
    s = _ingest(store, path)
    _check_nothing_lost(s, 2)
    assert (s.rows_stored, s.rows_quarantined) == (1, 1)
    q = _quarantine(store)[2]
    assert q["reason"] == f"text is {len(big)} bytes, over max_field_bytes=1048576"
    assert json.loads(q["raw"])["text"] == big  # nothing lost: the whole field is kept


@pytest.mark.parametrize(
    "bom,codec,sep,name",
    [
        (codecs.BOM_UTF8, "utf-8", ",", "interaction.csv"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "\t", "interaction.txt"),  # Excel "Unicode text"
        (codecs.BOM_UTF16_BE, "utf-16-be", "\t", "interaction.tsv"),
        (b"", "cp1252", ",", "interaction.csv"),  # old Excel "CSV"
    ],
)
def test_encodings_users_really_have(store, tmp_path, bom, codec, sep, name):
    texts = (
        ["café crème", "naïve “quotes”", "Ünïcödé"]
        if codec == "cp1252"
        else ["café crème", "Tiếng Việt", "سلام دنیا", "中文评论 😀"]
    )
    lines = [sep.join(HEADER.strip().split(","))]
    lines += [
        sep.join([str(i), "x", "comment", "2024-01-02", t, ""]) for i, t in enumerate(texts, 1)
    ]
    path = tmp_path / name
    path.write_bytes(bom + "\r\n".join(lines).encode(codec) + "\r\n".encode(codec))
    s = _ingest(store, path)
    _check_nothing_lost(s, len(texts))
    assert s.rows_stored == len(texts)
    rows = {
        r["interaction_id"]: r["text"] for r in store.table("interaction").to_pyarrow().to_pylist()
    }
    assert [rows[str(i)] for i in range(1, len(texts) + 1)] == texts


def test_invalid_utf8_bytes_quarantine_only_their_row(store, tmp_path):
    path = tmp_path / "interaction.csv"
    path.write_bytes(
        HEADER.encode()
        + "1,x,comment,2024-01-02,été,\n".encode()
        + b"2,x,comment,2024-01-02,caf\xe9 broken,\n"
        + "3,x,comment,2024-01-02,ok ✓,\n".encode()
    )
    s = _ingest(store, path)
    _check_nothing_lost(s, 3)
    assert _ids(store) == {"1", "3"}
    q = _quarantine(store)
    assert set(q) == {3} and "invalid bytes" in q[3]["reason"]
    assert q[3]["raw"].startswith("2,x,comment")


def test_invalid_utf16_is_quarantined_not_guessed(store, tmp_path):
    good = "1\tx\tcomment\t2024-01-02\tfine\t\r\n"
    head = "\t".join(HEADER.strip().split(",")) + "\r\n"
    data = (
        codecs.BOM_UTF16_LE
        + (head + good).encode("utf-16-le")
        + "2\tx\tcomment\t2024-01-02\tlone ".encode("utf-16-le")
        + b"\x00\xd8"  # lone surrogate
        + "surrogate\t\r\n3\tx\tlike\t2024-01-02\tok\t\r\n".encode("utf-16-le")
    )
    path = tmp_path / "interaction.txt"
    path.write_bytes(data)
    s = _ingest(store, path)
    _check_nothing_lost(s, 3)
    assert _ids(store) == {"1", "3"}
    assert "invalid bytes" in _quarantine(store)[3]["reason"]


def test_explicit_encoding_wins(store, tmp_path):
    path = tmp_path / "interaction.csv"
    path.write_bytes((HEADER + "1,x,comment,2024-01-02,Ærø,\n").encode("latin-1"))
    s = _ingest(store, path, encoding="latin-1")
    assert s.rows_stored == 1 and s.encoding == "iso8859-1"
    assert store.table("interaction").text.to_pyarrow().to_pylist() == ["Ærø"]


def test_duplicates_inside_one_file_and_across_files(store, tmp_path):
    path = tmp_path / "interaction.csv"
    path.write_text(
        HEADER + "1,x,comment,2024-01-02,first,\n1,x,comment,2024-01-03,again,\n"
        "1,facebook,comment,2024-01-02,other platform,\n",
        encoding="utf-8",
    )
    s = _ingest(store, path)
    assert (s.rows_stored, s.rows_duplicate) == (2, 1)
    texts = sorted(store.table("interaction").text.to_pyarrow().to_pylist())
    assert texts == ["first", "other platform"]  # the first occurrence wins
    again = _ingest(store, path)
    assert (again.rows_read, again.rows_stored, again.rows_duplicate) == (3, 0, 3)
    assert store.count("ingest_batch") == 2


def test_json_lines_with_broken_lines(store, tmp_path):
    good = {
        "interaction_id": "1",
        "platform": "x",
        "kind": "comment",
        "occurred_at": "2024-01-02T10:00:00Z",
        "text": "hi ✓",
        "value": 3,
    }
    lines = [
        json.dumps(good, ensure_ascii=False),
        "{not json",
        "[1, 2]",
        "",
        json.dumps({**good, "interaction_id": "2", "value": -1}),
        json.dumps({**good, "interaction_id": "3", "extra": {"nested": True}}),
    ]
    path = tmp_path / "interaction.jsonl"
    path.write_bytes("\n".join(lines).encode() + b"\n" + b'{"interaction_id": "\xff"}\n')
    s = _ingest(store, path)
    _check_nothing_lost(s, 6)  # the blank line is not a record
    assert _ids(store) == {"1", "3"}
    q = _quarantine(store)
    assert set(q) == {2, 3, 5, 7}
    assert q[2]["reason"].startswith("invalid JSON") and q[2]["raw"] == "{not json"
    assert q[3]["reason"].startswith("not a JSON object")
    assert q[5]["reason"].startswith("negative value")
    assert "invalid bytes" in q[7]["reason"]


def test_json_document_array_and_wrapped(store, tmp_path):
    records = [
        {
            "session_id": f"s{i}",
            "started_at": "2024-01-02 10:00:00",
            "pageviews": i,
            "bounced": i == 1,
        }
        for i in range(1, 4)
    ]
    path = tmp_path / "web_session.json"
    path.write_text(json.dumps({"data": [*records, "oops"]}), encoding="utf-8")
    s = ingest_file(store, path, source="canonical")
    _check_nothing_lost(s, 4)
    assert (s.rows_stored, s.rows_quarantined) == (3, 1)
    got = {r["session_id"]: r for r in store.table("web_session").to_pyarrow().to_pylist()}
    assert [got[f"s{i}"]["pageviews"] for i in (1, 2, 3)] == [1, 2, 3]
    assert got["s1"]["bounced"] is True and got["s2"]["bounced"] is False


def test_unreadable_and_unknown_files_fail_with_one_clear_error(store, tmp_path):
    from engagelens.errors import UnknownSource, UnreadableFile

    with pytest.raises(UnreadableFile, match="no such file"):
        _ingest(store, tmp_path / "missing.csv")
    odd = tmp_path / "data.docx"  # .xlsx is now a format (issue 13); an unknown extension
    odd.write_bytes(b"PK\x03\x04")
    with pytest.raises(UnreadableFile, match="extension"):
        _ingest(store, odd)
    anon = tmp_path / "export.csv"
    anon.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(UnknownSource, match="--source"):
        ingest_file(store, anon)
    empty = tmp_path / "interaction.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(UnreadableFile, match="empty"):
        _ingest(store, empty)
    assert store.count("ingest_batch") == 0


def test_semicolon_csv_header_only_and_empty_json_lines(store, tmp_path):
    from engagelens.errors import UnreadableFile

    semi = tmp_path / "interaction.csv"
    semi.write_text(
        "platform;interaction_id;kind;occurred_at\nx;1;like;2024-01-01\n", encoding="utf-8"
    )
    assert _ingest(store, semi).rows_stored == 1  # European Excel "CSV"
    header_only = tmp_path / "interaction-0001.csv"
    header_only.write_text("platform,interaction_id,kind,occurred_at\n", encoding="utf-8")
    s = _ingest(store, header_only)
    assert (s.rows_read, s.rows_stored) == (0, 0)
    empty = tmp_path / "interaction-0002.jsonl"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(UnreadableFile, match="no records"):
        _ingest(store, empty)
