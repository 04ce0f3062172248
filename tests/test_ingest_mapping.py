"""Mappings: the YAML format's transforms, its validation messages, built-in platform sources
(small sample exports in tests/fixtures/ingest/, values checked by hand against the file), and
header detection."""

from __future__ import annotations

import csv
import datetime as dt
import os
import textwrap
from pathlib import Path

import pytest

from engagelens.errors import InvalidMapping, UnknownSource
from engagelens.ingest import (
    builtin,
    detect,
    entity_from_name,
    ingest_file,
    ingest_paths,
    load_mapping,
)

FIX = Path(__file__).resolve().parent / "fixtures" / "ingest"
EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples" / "mappings"


def _rows(store, table, key):
    return {r[key]: r for r in store.table(table).to_pyarrow().to_pylist()}


def _write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return p


def test_transforms(store, tmp_path):
    data = _write(
        tmp_path,
        "export.csv",
        """
        ID,Net,Type,When,Who,Private,Parent,Secs
        a1,FB,Comment,2024-03-31 01:30:00,Ann,yes,7.0,1.5
        a2,FB,LIKE,2024-03-31 03:30:00,,no,,
        a3,IG,Poke,2024-07-01 12:00:00,Bob,,12.0,2
        """,
    )
    mapping = _write(
        tmp_path,
        "m.yaml",
        """
        entity: interaction
        platform: {column: Net, lower: true, values: {fb: facebook, ig: instagram}}
        timezone: Europe/Paris
        kind_values: {Comment: comment, Like: like}
        columns:
          interaction_id: {column: ID, prefix: "shop-"}
          kind: Type
          occurred_at: When
          actor_id: {column: Who, default: anonymous}
          is_brand: {column: Private, negate: true}
          parent_id: {column: Parent, strip_suffix: ".0"}
          value: {column: Secs, multiply: 1000}
          text: {template: "row {ID} from $file"}
          content_id: $row
        """,
    )
    s = ingest_file(store, data, mapping=mapping)
    assert s.rows_quarantined == 1 and s.rows_stored == 2
    got = _rows(store, "interaction", "interaction_id")
    a1, a2 = got["shop-a1"], got["shop-a2"]
    assert a1["platform"] == "facebook" and a1["kind"] == "comment" and a2["kind"] == "like"
    # Paris is UTC+1 before 02:00 on 31 March 2024 and UTC+2 after (summer time)
    assert a1["occurred_at"] == dt.datetime(2024, 3, 31, 0, 30)
    assert a2["occurred_at"] == dt.datetime(2024, 3, 31, 1, 30)
    assert (a1["actor_id"], a2["actor_id"]) == ("Ann", "anonymous")
    assert (a1["is_brand"], a2["is_brand"]) == (False, True)
    assert (a1["parent_id"], a2["parent_id"]) == ("7", None)
    assert (a1["value"], a2["value"]) == (1500.0, None)
    assert a1["text"] == "row a1 from $file"  # templates take columns only
    assert (a1["content_id"], a2["content_id"]) == ("1", "2")
    (q,) = store.table("quarantine").to_pyarrow().to_pylist()
    assert q["line"] == 4 and q["reason"] == "unknown kind: poke"


def test_targets_one_file_two_tables_and_entity_filter(store, tmp_path):
    data = _write(
        tmp_path,
        "posts.csv",
        """
        post,published,views
        p1,2024-01-01,10
        p2,2024-01-02,-5
        """,
    )
    m = {
        "platform": "web",
        "targets": [
            {"entity": "content", "columns": {"content_id": "post", "created_at": "published"}},
            {
                "entity": "content_snapshot",
                "columns": {"content_id": "post", "as_of": "$file_time", "views": "views"},
            },
        ],
    }
    s = ingest_file(store, data, mapping=m)
    # p2 is rejected as a whole (negative views), so no half row lands in content
    assert (s.rows_stored, s.rows_quarantined) == (1, 1)
    assert s.stored_by_table == {"content": 1, "content_snapshot": 1}
    (snap,) = store.table("content_snapshot").to_pyarrow().to_pylist()
    mtime = dt.datetime.fromtimestamp(os.path.getmtime(data), dt.UTC).replace(
        tzinfo=None, microsecond=0
    )
    assert snap["as_of"] == mtime
    only = ingest_file(
        store,
        _write(tmp_path, "posts2.csv", "post,published,views\np3,2024-01-03,1\n"),
        mapping=m,
        entity="content",
    )
    assert (
        only.entity == "content"
        and store.count("content") == 2
        and store.count("content_snapshot") == 1
    )


@pytest.mark.parametrize(
    "text,message",
    [
        ("entity: tweets\ncolumns: {a: b}", "`entity:` must be one of"),
        (
            "entity: mention\nplatform: x\ncolumns: {mention_id: id, txt: text}",
            "'txt' is not a field of mention",
        ),
        (
            "entity: mention\nplatform: x\ncolumns: {mention_id: id}",
            "required field(s) not mapped: created_at, text",
        ),
        (
            "entity: mention\ncolumns: {mention_id: id, created_at: t, text: x}",
            "say which platform",
        ),
        (
            "entity: interaction\nplatform: x\nkind_values: {RT: retweeted}\n"
            "columns: {interaction_id: i, kind: k, occurred_at: t}",
            "'retweeted', which is not a interaction kind",
        ),
        (
            "entity: mention\nplatform: x\ntimestamp_format: YYYY-MM-DD\n"
            "columns: {mention_id: i, created_at: t, text: x}",
            "strptime format",
        ),
        (
            "entity: mention\nplatform: x\n"
            "columns: {mention_id: {column: i, frobnicate: 1}, created_at: t, text: x}",
            "unknown key(s) ['frobnicate']",
        ),
        (
            "entity: mention\nplatform: x\n"
            "columns: {mention_id: {column: i, value: 2}, created_at: t, text: x}",
            "exactly one of",
        ),
        (
            "entity: mention\nplatform: x\n"
            "columns: {mention_id: i, created_at: t, text: {column: x, negate: true}}",
            "`negate` only applies",
        ),
        ("- just\n- a list", "expected a mapping"),
        ("entity: [unclosed", "not valid YAML"),
    ],
)
def test_invalid_mappings_say_what_is_wrong(tmp_path, text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidMapping) as info:
        load_mapping(path)
    assert message in str(info.value)
    assert "bad.yaml" in str(info.value)


def test_mapping_naming_a_column_the_file_lacks(store, tmp_path):
    data = _write(tmp_path, "m.csv", "id,body,when\n1,hi,2024-01-01\n")
    m = {
        "entity": "mention",
        "platform": "x",
        "columns": {"mention_id": "id", "text": "message", "created_at": "when"},
    }
    with pytest.raises(InvalidMapping, match=r"column 'message' is not in the file .*'body'"):
        ingest_file(store, data, mapping=m)
    assert store.count("ingest_batch") == 0


def test_example_mappings_are_valid():
    files = sorted(EXAMPLES.glob("*.yaml"))
    assert files
    for f in files:
        assert load_mapping(f).targets


# -- built-in platform sources --------------------------------------------------------------
def _csv(name: str) -> list[dict[str, str]]:
    with (FIX / name).open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_x_tweet_activity(store):
    rows = _csv("x_tweet_activity.csv")
    s = ingest_file(store, FIX / "x_tweet_activity.csv")  # detected
    assert s.source == "x" and s.rows_stored == len(rows) == 3
    snaps = _rows(store, "content_snapshot", "content_id")
    content = _rows(store, "content", "content_id")
    for r in rows:
        snap, c = snaps[r["Tweet id"]], content[r["Tweet id"]]
        assert snap["impressions"] == int(float(r["impressions"]))
        assert snap["likes"] == int(float(r["likes"]))
        assert snap["shares"] == int(float(r["retweets"]))
        assert snap["profile_visits"] == int(float(r["user profile clicks"]))
        assert c["text"] == r["Tweet text"] and c["kind"] == "tweet"
        assert c["created_at"] == dt.datetime.strptime(r["time"], "%Y-%m-%d %H:%M %z").replace(
            tzinfo=None
        )
    assert content["1100787987364642816"]["text"].startswith("=HYPERLINK(")  # verbatim


def test_youtube_total_row_is_quarantined_not_counted(store):
    rows = _csv("youtube_table_data.csv")
    s = ingest_file(store, FIX / "youtube_table_data.csv", source="youtube")
    assert (s.rows_read, s.rows_stored, s.rows_quarantined) == (3, 2, 1)
    (q,) = store.table("quarantine").to_pyarrow().to_pylist()
    assert q["line"] == 2 and "total row" in q["reason"]
    snaps = _rows(store, "content_snapshot", "content_id")
    for r in rows[1:]:
        assert snaps[r["Content"]]["views"] == int(r["Views"])
        assert snaps[r["Content"]]["watch_time_s"] == pytest.approx(
            float(r["Watch time (hours)"]) * 3600
        )
    content = _rows(store, "content", "content_id")
    assert content["dQw4w9WgXcQ"]["created_at"] == dt.datetime(2023, 3, 3)
    assert content["dQw4w9WgXcQ"]["duration_s"] == 245.0


def test_instagram_tiktok_linkedin(store):
    s = ingest_file(store, FIX / "instagram_posts.csv")
    assert s.source == "instagram" and s.rows_stored == 2
    ig = _rows(store, "content", "content_id")
    assert ig["17987654321098765"]["kind"] == "reel"
    assert ig["17912345678901234"]["created_at"] == dt.datetime(2024, 4, 18, 9, 30)
    snaps = _rows(store, "content_snapshot", "content_id")
    assert (
        snaps["17987654321098765"]["reach"] == 7400 and snaps["17912345678901234"]["views"] is None
    )

    s = ingest_file(store, FIX / "tiktok_content.csv")
    assert s.source == "tiktok" and s.rows_stored == 2
    snaps = _rows(store, "content_snapshot", "content_id")
    tt = [r for r in _csv("tiktok_content.csv")]
    for r in tt:
        assert snaps[r["Video link"]]["views"] == int(r["Total views"])
    assert snaps[tt[1]["Video link"]]["shares"] is None  # blank stays unknown, not 0

    s = ingest_file(store, FIX / "linkedin_posts.csv")
    assert s.source == "linkedin" and s.rows_stored == 2
    content = _rows(store, "content", "content_id")
    li = _csv("linkedin_posts.csv")
    assert content[li[1]["Post link"]]["campaign"] == "Q1 brand"
    assert content[li[0]["Post link"]]["created_at"] == dt.datetime(2024, 1, 15)
    snaps = _rows(store, "content_snapshot", "content_id")
    assert snaps[li[1]["Post link"]]["shares"] == int(li[1]["Reposts"])


def test_detection_and_source_names():
    for name in ("facebook", "instagram", "x", "youtube", "tiktok", "linkedin", "twcs"):
        m = builtin(name)
        assert m.matches_header(list(m.detect))
        assert detect(list(m.detect)) is not None and detect(list(m.detect)).name == name
    assert builtin("twitter").name == "x"
    assert detect(["a", "b"]) is None
    with pytest.raises(UnknownSource, match="built-in sources"):
        builtin("myspace")
    assert entity_from_name("interaction-0001.parquet") == "interaction"
    assert entity_from_name("interactions.csv") == "interaction"
    assert entity_from_name("content_snapshot_0002.parquet") == "content_snapshot"
    assert entity_from_name("email_event.jsonl") == "email_event"
    assert entity_from_name("export.csv") is None


def test_canonical_parquet_folder(store, tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    folder = tmp_path / "demo"
    folder.mkdir()
    when = [dt.datetime(2024, 1, 1, 10) + dt.timedelta(minutes=i) for i in range(5)]
    for part in range(2):
        ids = [f"i{part}-{i}" for i in range(5)]
        pq.write_table(
            pa.table(
                {
                    "platform": ["instagram"] * 5,
                    "interaction_id": ids,
                    "kind": ["like", "comment", "share", "view", "bogus"],
                    "occurred_at": pa.array(when, pa.timestamp("us")),
                    "value": [None, None, None, 12.5, None],
                    "is_brand": [False, True, False, False, False],
                }
            ),
            folder / f"interaction-{part:04d}.parquet",
        )
    tz = pa.array(
        [dt.datetime(2024, 1, 1, 12, tzinfo=dt.UTC)], pa.timestamp("us", tz="Europe/Paris")
    )
    pq.write_table(
        pa.table(
            {
                "platform": ["instagram"],
                "account_id": ["acme"],
                "date": pa.array([dt.date(2024, 1, 1)]),
                "followers": pa.array([10], pa.int32()),
                "noise": tz,
            }
        ),
        folder / "account_snapshot.parquet",
    )
    summaries = ingest_paths(store, [folder], source="canonical")
    assert [s.entity for s in summaries] == ["account_snapshot", "interaction", "interaction"]
    assert sum(s.rows_stored for s in summaries) == 1 + 4 + 4
    reasons = store.table("quarantine").reason.to_pyarrow().to_pylist()
    assert reasons == ["unknown kind: bogus"] * 2
    got = _rows(store, "interaction", "interaction_id")
    assert got["i1-3"]["value"] == 12.5 and got["i0-1"]["is_brand"] is True
    assert got["i0-0"]["occurred_at"] == when[0]
    assert store.table("account_snapshot").followers.to_pyarrow().to_pylist() == [10]


def test_docs_cover_every_source_and_modifier():
    from engagelens.ingest import SOURCE_NAMES
    from engagelens.ingest.mapping import _MODIFIERS, ENTITIES

    doc = (Path(__file__).resolve().parents[1] / "docs" / "ingest.md").read_text(encoding="utf-8")
    for name in (*SOURCE_NAMES, *_MODIFIERS, *ENTITIES, "$row", "$file_time", "kind_values"):
        assert f"`{name}`" in doc or f" {name}" in doc, name
