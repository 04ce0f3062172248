"""Nothing silently changed: one bad value quarantines its record (never the file), and a
value that is stored is the value in the file — no rounding, no rolled-over dates, no
re-decoding, no line ends rewritten (issue 17, "What breaks" 2–4). Every file is written here
byte by byte so each test says exactly what is hostile about it."""

from __future__ import annotations

import json

import pytest

from engagelens.ingest import ingest_file

HEADER = "interaction_id,platform,kind,occurred_at,text,value\n"


def _ingest(store, path, **kw):
    kw.setdefault("source", "canonical")
    kw.setdefault("entity", "interaction")
    s = ingest_file(store, path, **kw)
    assert s.rows_read == s.rows_stored + s.rows_duplicate + s.rows_quarantined
    return s


def _rows(store, table="interaction", key="interaction_id") -> dict[str, dict]:
    return {r[key]: r for r in store.table(table).to_pyarrow().to_pylist()}


def _quarantine(store) -> dict[int, str]:
    return {r["line"]: r["reason"] for r in store.table("quarantine").to_pyarrow().to_pylist()}


def _record(i: int, **extra) -> dict:
    return {
        "interaction_id": str(i),
        "platform": "x",
        "kind": "like",
        "occurred_at": "2024-01-01",
        **extra,
    }


def _jsonl(tmp_path, lines: list[str], name="interaction.jsonl"):
    p = tmp_path / name
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


# -- one bad value, one quarantined record ---------------------------------------------------
def test_lone_surrogate_quarantines_its_record_only(store, tmp_path):
    bad = json.dumps(_record(1, text="a\ud800b"))  # json.dumps writes the escape "\ud800"
    p = _jsonl(tmp_path, [bad, json.dumps(_record(2, text="ok"))])
    s = _ingest(store, p)
    assert (s.rows_read, s.rows_stored, s.rows_quarantined) == (2, 1, 1)
    assert _quarantine(store) == {1: "text: lone surrogate (text that is not valid Unicode)"}
    raw = store.table("quarantine").to_pyarrow().to_pylist()[0]["raw"]
    assert raw == bad  # the record as written, escape and all


def test_deeply_nested_json_quarantines_its_record_only(store, tmp_path):
    deep = json.dumps(_record(1))[:-1] + ', "text": ' + "[" * 100_000 + "]" * 100_000 + "}"
    p = _jsonl(tmp_path, [deep, json.dumps(_record(2, text="ok"))])
    s = _ingest(store, p)
    assert (s.rows_stored, s.rows_quarantined) == (1, 1)
    assert _quarantine(store) == {1: "JSON nested too deeply to read"}
    assert set(_rows(store)) == {"2"}


def test_five_thousand_digit_number_is_a_bad_value_not_an_abort(store, tmp_path):
    huge = json.dumps(_record(1))[:-1] + ', "value": ' + "9" * 5000 + "}"
    p = _jsonl(tmp_path, [huge, json.dumps(_record(2, value=2.5))])
    s = _ingest(store, p)
    assert (s.rows_stored, s.rows_quarantined) == (1, 1)
    assert _quarantine(store)[1] == "bad number in value: " + "9" * 80  # not infinity
    assert _rows(store)["2"]["value"] == 2.5


def test_json_numbers_reach_text_fields_exactly(store, tmp_path):
    line = json.dumps(_record(1))[:-1] + ', "text": 12.70, "value": 1e2}'
    nested = json.dumps(_record(2))[:-1] + ', "text": [1.50, 10000000000000000000001]}'
    s = _ingest(store, _jsonl(tmp_path, [line, nested]))
    assert s.rows_stored == 2
    rows = _rows(store)
    assert rows["1"]["text"] == "12.70" and rows["1"]["value"] == 100.0
    assert rows["2"]["text"] == "[1.50, 10000000000000000000001]"


def test_invalid_byte_in_the_header_of_a_mixed_line_end_csv(store, tmp_path):
    p = tmp_path / "interaction.csv"
    header = b"interaction_id,platform,kind,occurred_at,text,note\xff\n"
    rows = "1,x,like,2024-01-01,a\rb,\n2,x,like,2024-01-01,café,\n,x,like,,d,\n"
    p.write_bytes(header + rows.encode())  # UTF-8 (café) with one bad byte in the header
    s = _ingest(store, p)
    assert (s.rows_read, s.rows_stored, s.rows_quarantined) == (3, 2, 1)
    assert _rows(store)["1"]["text"] == "a\rb"
    assert _quarantine(store) == {4: "missing interaction_id; missing occurred_at"}
    raw = json.loads(store.table("quarantine").to_pyarrow().to_pylist()[0]["raw"])
    assert "note\ufffd" in raw  # the broken column name shown, the row kept whole


# -- no silent value changes -----------------------------------------------------------------
def test_impossible_dates_with_an_offset_are_quarantined_not_rolled_over(store, tmp_path):
    p = tmp_path / "interaction.csv"
    p.write_text(
        HEADER + "1,x,like,2024-02-30 10:00 +0000,a,\n"
        "2,x,like,2024-02-30T10:00:00+02:00,b,\n"
        "3,x,like,2023-02-29 10:00:00+00:00,c,\n"
        "4,x,like,2024-02-29 10:00 +0100,leap day,\n",
        encoding="utf-8",
    )
    s = _ingest(store, p)
    assert (s.rows_stored, s.rows_quarantined) == (1, 3)
    assert _quarantine(store) == {
        2: "bad date/time in occurred_at: 2024-02-30 10:00 +0000",
        3: "bad date/time in occurred_at: 2024-02-30T10:00:00+02:00",
        4: "bad date/time in occurred_at: 2023-02-29 10:00:00+00:00",
    }
    assert str(_rows(store)["4"]["occurred_at"]) == "2024-02-29 09:00:00"


def test_counters_are_never_rounded_or_read_as_hex_binary_or_underscored(store, tmp_path):
    p = tmp_path / "content_snapshot.csv"
    values = ["12.7", "0x10", "0b11", "1_000", ".5", "nan", "inf", "12.0", " 7 ", "+3"]
    p.write_text(
        "platform,content_id,as_of,likes\n"
        + "".join(f"x,p{i},2024-01-01,{v}\n" for i, v in enumerate(values)),
        encoding="utf-8",
    )
    s = _ingest(store, p, entity="content_snapshot")
    assert (s.rows_stored, s.rows_quarantined) == (3, 7)
    q = _quarantine(store)
    assert [q[i + 2] for i in range(7)] == [f"bad whole number in likes: {v}" for v in values[:7]]
    likes = {
        r["content_id"]: r["likes"]
        for r in store.table("content_snapshot").to_pyarrow().to_pylist()
    }
    assert likes == {"p7": 12, "p8": 7, "p9": 3}


def test_float_columns_refuse_hex_underscores_and_non_finite(store, tmp_path):
    p = tmp_path / "interaction.csv"
    p.write_text(
        HEADER + "1,x,like,2024-01-01,a,12.7\n2,x,like,2024-01-01,b,1_000\n"
        "3,x,like,2024-01-01,c,NaN\n4,x,like,2024-01-01,d,1e999\n5,x,like,2024-01-01,e,0.25e1\n",
        encoding="utf-8",
    )
    s = _ingest(store, p)
    assert (s.rows_stored, s.rows_quarantined) == (2, 3)
    assert sorted(_quarantine(store)) == [3, 4, 5]
    rows = _rows(store)
    assert rows["1"]["value"] == 12.7 and rows["5"]["value"] == 2.5


def test_parquet_fractions_are_not_rounded_into_counts(store, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    p = tmp_path / "content_snapshot.parquet"
    table = pa.table(
        {
            "platform": ["x", "x", "x"],
            "content_id": ["a", "b", "c"],
            "as_of": ["2024-01-01"] * 3,
            "likes": pa.array([12.7, 12.0, float("nan")], pa.float64()),
        }
    )
    pq.write_table(table, p)
    s = _ingest(store, p, entity="content_snapshot")
    assert (s.rows_stored, s.rows_quarantined) == (1, 2)
    assert [r["likes"] for r in store.table("content_snapshot").to_pyarrow().to_pylist()] == [12]


def test_ids_are_trimmed_and_all_space_ids_are_missing(store, tmp_path):
    p = tmp_path / "interaction.csv"
    p.write_text(
        HEADER + "   ,x,like,2024-01-01,spaces,\n 7,x,like,2024-01-01,first,\n"
        "7 ,x,like,2024-01-01,second,\n",
        encoding="utf-8",
    )
    s = _ingest(store, p)
    assert (s.rows_stored, s.rows_duplicate, s.rows_quarantined) == (1, 1, 1)
    assert _quarantine(store) == {2: "missing interaction_id"}
    assert list(_rows(store)) == ["7"] and _rows(store)["7"]["text"] == "first"


def test_crlf_inside_quoted_fields_survives_the_mixed_line_end_reader(store, tmp_path):
    p = tmp_path / "interaction.csv"
    p.write_bytes(
        HEADER.encode() + b'1,x,like,2024-01-01,"one\r\ntwo",\n2,x,like,2024-01-01,a\rb,\n'
        b'3,x,like,2024-01-01,"lf\nonly",\r\n'
    )
    s = _ingest(store, p)
    assert s.rows_stored == 3
    rows = _rows(store)
    assert [rows[i]["text"] for i in "123"] == ["one\r\ntwo", "a\rb", "lf\nonly"]


def test_a_stray_byte_does_not_turn_a_utf8_file_into_windows_1252(store, tmp_path):
    p = tmp_path / "interaction.csv"
    filler = "".join(f"{i},x,like,2024-01-01,{'p' * 1000},\n" for i in range(3, 1200))
    p.write_bytes(
        HEADER.encode()
        + b"1,x,like,2024-01-01,plain,\n2,x,like,2024-01-01,bad\xffbyte,\n"
        + filler.encode()  # pushes the first non-ASCII text past the 1 MiB sniffing window
        + "1200,x,like,2024-01-01,Tiếng Việt,\n".encode()
    )
    s = _ingest(store, p)
    assert s.encoding == "utf-8"
    assert (s.rows_stored, s.rows_quarantined) == (1199, 1)
    assert "invalid bytes" in _quarantine(store)[3]
    assert _rows(store)["1200"]["text"] == "Tiếng Việt"


def test_a_real_windows_1252_file_is_still_recognised(store, tmp_path):
    p = tmp_path / "interaction.csv"
    p.write_bytes((HEADER + "1,x,like,2024-01-01,café crème,\n").encode("cp1252"))
    s = _ingest(store, p)
    assert s.encoding == "cp1252" and _rows(store)["1"]["text"] == "café crème"


# -- twcs and UTF-16 JSON Lines --------------------------------------------------------------
def test_twcs_as_json_lines_keeps_account_id_for_brand_tweets(store, tmp_path):
    tweets = [
        {
            "tweet_id": 1,
            "author_id": "sprintcare",
            "inbound": False,
            "created_at": "Tue Oct 31 22:10:47 +0000 2017",
            "text": "@115712 we can help",
            "response_tweet_id": "",
            "in_response_to_tweet_id": 2,
        },
        {
            "tweet_id": 2,
            "author_id": "115712",
            "inbound": True,
            "created_at": "Tue Oct 31 22:08:27 +0000 2017",
            "text": "@sprintcare help",
            "response_tweet_id": "1",
            "in_response_to_tweet_id": None,
        },
    ]
    p = _jsonl(tmp_path, [json.dumps(t) for t in tweets], name="twcs.jsonl")
    s = ingest_file(store, p, source="twcs")
    assert s.rows_stored == 2
    rows = _rows(store)
    assert rows["1"]["account_id"] == "sprintcare" and rows["1"]["is_brand"] is True
    assert rows["2"]["account_id"] is None and rows["2"]["is_brand"] is False


def test_utf16_json_lines_split_only_at_line_ends(store, tmp_path):
    texts = ["a\u2028b", "c\u0085d", "e\u001cf", "g\u000bh\u000ci", "plain"]
    lines = [json.dumps(_record(i, text=t), ensure_ascii=False) for i, t in enumerate(texts)]
    p = tmp_path / "interaction.jsonl"
    p.write_bytes(b"\xff\xfe" + ("\r\n".join(lines) + "\r\n").encode("utf-16-le"))
    s = _ingest(store, p)
    assert (s.rows_read, s.rows_stored, s.rows_quarantined) == (5, 5, 0)
    assert [_rows(store)[str(i)]["text"] for i in range(5)] == texts


def test_cr_only_json_lines_are_records_with_editor_line_numbers(store, tmp_path):
    p = tmp_path / "interaction.jsonl"
    p.write_bytes((json.dumps(_record(1)) + "\r{broken\r" + json.dumps(_record(3)) + "\r").encode())
    s = _ingest(store, p)
    assert (s.rows_stored, s.rows_quarantined) == (2, 1)
    assert list(_quarantine(store)) == [2]


def test_a_field_shared_by_two_tables_is_reported_once(store, fixtures_dir, tmp_path):
    lines = (fixtures_dir / "ingest" / "instagram_posts.csv").read_text(encoding="utf-8")
    header, first, *_ = lines.splitlines()
    p = tmp_path / "instagram.csv"
    p.write_text(f"{header}\n{first}\n,{first.split(',', 1)[1]}\n", encoding="utf-8")
    s = ingest_file(store, p, source="instagram")
    assert (s.rows_stored, s.rows_quarantined) == (1, 1)
    assert _quarantine(store) == {3: "missing content_id"}


# -- YouTube Studio counters -----------------------------------------------------------------
def test_youtube_studio_likes_comments_shares_are_ingested(store, fixtures_dir):
    s = ingest_file(store, fixtures_dir / "ingest" / "youtube_studio_engagement.csv")
    assert s.source == "youtube" and (s.rows_stored, s.rows_quarantined) == (2, 1)
    snap = {r["content_id"]: r for r in store.table("content_snapshot").to_pyarrow().to_pylist()}
    first = snap["3AGlBYyLjo0"]
    assert (first["likes"], first["comments"], first["shares"]) == (70, 9, 4)
    assert (first["views"], first["follows"], first["impressions"]) == (5100, 44, 80000)
    assert first["watch_time_s"] == 350.5 * 3600
    assert (snap["-kPq0x8w7Yc"]["likes"], snap["-kPq0x8w7Yc"]["shares"]) == (25, 2)


def test_youtube_counters_the_export_lacks_are_unknown_not_zero(store, tmp_path):
    p = tmp_path / "Table data.csv"
    p.write_text(
        'Content,Video title,Video publish time,Views\nabc,T,"Jan 12, 2024",10\n',
        encoding="utf-8",
    )
    s = ingest_file(store, p, source="youtube")
    assert s.rows_stored == 1
    row = store.table("content_snapshot").to_pyarrow().to_pylist()[0]
    assert row["views"] == 10
    assert (row["likes"], row["comments"], row["shares"], row["impressions"]) == (None,) * 4


# -- conflicting duplicates ------------------------------------------------------------------
_CONFLICTS = (
    HEADER + "1,x,comment,2024-01-01,first,\n"
    "2,x,comment,2024-01-01,same,\n"
    "1,x,comment,2024-01-01,second,\n"
    "2,x,comment,2024-01-01,same,\n"
    "1,x,comment,2024-01-01,third,\n"
)


@pytest.mark.parametrize(
    ("policy", "kept", "counts"),
    [
        ("first", "first", (2, 3, 0)),
        ("last", "third", (2, 3, 0)),
        ("quarantine", None, (1, 1, 3)),
    ],
)
def test_conflicting_duplicates_are_reported_and_follow_the_policy(
    store, tmp_path, policy, kept, counts
):
    p = tmp_path / "interaction.csv"
    p.write_text(_CONFLICTS, encoding="utf-8")
    s = _ingest(store, p, on_conflict=policy)
    assert (s.rows_stored, s.rows_duplicate, s.rows_quarantined) == counts
    assert s.conflicting_keys == 1 and s.on_conflict == policy
    assert s.conflicts == [
        {
            "table": "interaction",
            "key": {"platform": "x", "interaction_id": "1"},
            "rows": 3,
            "records": [1, 5],
            "lines": [2, 6],
            "first": {"text": "first"},
            "last": {"text": "third"},
        }
    ]
    assert "1 keys repeated with different values" in s.line()
    rows = _rows(store)
    assert rows["2"]["text"] == "same"
    assert (rows["1"]["text"] if "1" in rows else None) == kept
    if policy == "quarantine":
        assert _quarantine(store) == {
            n: "interaction: key repeated in this file with different values" for n in (2, 4, 6)
        }


def test_plain_duplicates_are_not_conflicts(store, tmp_path):
    p = tmp_path / "interaction.csv"
    p.write_text(HEADER + "1,x,like,2024-01-01,a,\n1,x,like,2024-01-01,a,\n", encoding="utf-8")
    s = _ingest(store, p)
    assert (s.rows_stored, s.rows_duplicate, s.conflicting_keys) == (1, 1, 0)
    assert "different values" not in s.line()
