"""Platform connectors (issue 13): Graph API Insights in long format, the Graph API media list,
Airbyte RECORD messages and dlt filesystem tables, each ingested from a real-shaped sample in
tests/fixtures/connectors/ and checked value by value against the sample (hand-read), plus
the versioned metric renames. Every test also holds the ledger (read = stored + duplicates +
quarantined), idempotence (the same file again stores nothing) and that every quarantined row
has its source, line and reason."""

from __future__ import annotations

import datetime as dt
import os
import shutil

import pytest

from engagelens.cli.main import main
from engagelens.errors import UnknownSource
from engagelens.ingest import ingest_file, ingest_paths
from engagelens.ingest.connectors.renames import RENAMES, rename_metrics

#: the samples' modification time: 2024-05-03 12:00:00 UTC (as_of of Graph API lifetime files)
MTIME = 1714737600
FILE_TIME = dt.datetime(2024, 5, 3, 12, 0, 0)


@pytest.fixture
def sample(tmp_path, fixtures_dir):
    def copy(name: str, mtime: int = MTIME):
        src = fixtures_dir / "connectors" / name
        dst = tmp_path / name
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst)
        else:
            shutil.copy(src, dst)
        for p in [dst, *dst.rglob("*")] if dst.is_dir() else [dst]:
            os.utime(p, (mtime, mtime))
        return dst

    return copy


def _ingest(store, path, **kw):
    s = ingest_file(store, path, **kw)
    assert s.rows_read == s.rows_stored + s.rows_duplicate + s.rows_quarantined
    again = ingest_file(store, path, **kw)
    assert again.rows_stored == 0, "re-ingesting the same file must add nothing"
    assert again.rows_duplicate == s.rows_stored + s.rows_duplicate
    return s


def _rows(store, sql: str) -> list[tuple]:
    return store.raw().execute(sql).fetchall()


def _quarantine(store, batch_id: int) -> list[tuple]:
    rows = _rows(
        store,
        f"SELECT source, line, reason FROM quarantine WHERE batch_id = {int(batch_id)} "
        "ORDER BY line",
    )
    assert all(src and line is not None and reason for src, line, reason in rows)
    return [(line, reason) for _, line, reason in rows]


SNAPSHOT = (
    "SELECT platform, account_id, date, followers, profile_views, website_clicks, reach, views "
    "FROM account_snapshot ORDER BY platform, account_id, date"
)


def test_instagram_user_insights_long_format(store, sample):
    s = _ingest(store, sample("ig_user_insights.json"))
    assert (s.source, s.entity) == ("graph_insights:user_insights", "account_snapshot")
    assert (s.rows_read, s.rows_stored, s.rows_quarantined) == (3, 3, 0)
    # end_time 2024-05-02T07:00+0000 closes 1 May (Pacific); impressions → views (v22 rename);
    # online_followers (hourly) has no place in the store and is skipped
    assert _rows(store, SNAPSHOT) == [
        ("instagram", "17841400008460056", dt.date(2024, 5, 1), 1204, 41, 3, 880, 1530),
        ("instagram", "17841400008460056", dt.date(2024, 5, 2), 1211, 38, 0, 912, 1602),
        ("instagram", "17841400008460056", dt.date(2024, 5, 3), 1209, 52, 5, 1020, 1877),
    ]


def test_facebook_page_insights_quarantines_weekly_values(store, sample):
    s = _ingest(store, sample("fb_page_insights.json"))
    assert (s.source, s.rows_read, s.rows_stored, s.rows_quarantined) == (
        "graph_insights:page_insights",
        3,
        2,
        1,
    )
    assert _rows(store, SNAPSHOT) == [
        ("facebook", "104567890123456", dt.date(2024, 5, 1), 5320, 77, None, 2410, None),
        ("facebook", "104567890123456", dt.date(2024, 5, 2), 5326, 64, None, 1980, None),
    ]
    assert _quarantine(store, s.batch_id) == [
        (4, "period week is not a daily value (ask the API for period=day)")
    ]


def test_instagram_media_list(store, sample):
    s = _ingest(store, sample("ig_media.json"))
    assert (s.source, s.entity, s.rows_stored) == (
        "instagram_media:media",
        "content+content_snapshot",
        3,
    )
    assert _rows(
        store,
        "SELECT content_id, account_id, created_at, kind, url, text FROM content ORDER BY 1",
    ) == [
        (
            "17895695668004550",
            "17841400008460056",
            dt.datetime(2024, 5, 1, 12, 0),
            "photo",
            "https://www.instagram.com/p/C6aBcDeFgHi/",
            "New sole, same trail. #trailrunning",
        ),
        (
            "17987654321098765",
            "17841400008460056",
            dt.datetime(2024, 5, 3, 8, 15),
            "carousel",
            "https://www.instagram.com/p/C6cDeFgHiJk/",
            "Sizes 36\u201347, swipe \u2192",
        ),
        (
            "18023456789012345",
            "17841400008460056",
            dt.datetime(2024, 5, 2, 17, 30, 5),
            "reel",
            "https://www.instagram.com/reel/C6bCdEfGhIj/",
            "60 seconds of mud \U0001f3c3",
        ),
    ]
    assert _rows(
        store, "SELECT content_id, as_of, likes, comments FROM content_snapshot ORDER BY 1"
    ) == [
        ("17895695668004550", FILE_TIME, 214, 17),
        ("17987654321098765", FILE_TIME, 0, 0),
        ("18023456789012345", FILE_TIME, 1532, 88),
    ]


MEDIA_SNAPSHOT = (
    "SELECT content_id, as_of, impressions, reach, views, saves, shares, likes, comments, "
    "total_interactions, avg_view_duration_s, watch_time_s FROM content_snapshot ORDER BY 1, 2"
)


def test_instagram_media_insights_long_format(store, sample):
    s = _ingest(store, sample("ig_media_insights.json"))
    assert (s.source, s.rows_read, s.rows_stored) == ("graph_insights:media_insights", 2, 2)
    assert _rows(store, MEDIA_SNAPSHOT) == [
        # impressions (before v22) is stored as views; the old column stays unknown
        ("17895695668004550", FILE_TIME, None, 3307, 4120, 12, None, None, None, None, None, None),
        # views and plays both present: views wins; watch times are milliseconds → seconds
        (
            "18023456789012345",
            FILE_TIME,
            None,
            20411,
            35870,
            302,
            147,
            None,
            None,
            2069,
            8.45,
            302740.125,
        ),
    ]


def test_airbyte_records_skip_protocol_messages_and_quarantine_strays(store, sample):
    s = _ingest(store, sample("airbyte_media_insights.jsonl"))
    # 6 lines: LOG and STATE are protocol, 4 RECORDs are rows
    assert (s.source, s.rows_read, s.rows_stored, s.rows_quarantined) == (
        "airbyte:media_insights",
        4,
        2,
        2,
    )
    emitted = dt.datetime(2024, 5, 3, 10, 0, 0)  # emitted_at 1714730400000 ms
    assert _rows(store, MEDIA_SNAPSHOT) == [
        ("17895695668004550", emitted, None, 3307, 4120, 12, 4, 214, 17, 247, None, None),
        (
            "18023456789012345",
            emitted,
            None,
            20411,
            35870,
            302,
            147,
            1532,
            88,
            2069,
            8.45,
            302740.125,
        ),
    ]
    assert _quarantine(store, s.batch_id) == [
        (4, "stream 'media' in a file of stream 'media_insights' (one stream per file)"),
        (5, "negative reach: -3"),
    ]


def test_airbyte_user_insights(store, sample):
    s = _ingest(store, sample("airbyte_user_insights.jsonl"))
    assert (s.source, s.rows_read, s.rows_stored) == ("airbyte:user_insights", 2, 2)
    assert _rows(store, SNAPSHOT) == [
        ("instagram", "17841400008460056", dt.date(2024, 5, 1), 1204, 41, 3, 880, 1530),
        ("instagram", "17841400008460056", dt.date(2024, 5, 2), 1211, 38, 0, 912, 1602),
    ]


def test_dlt_folder_ingests_parquet_and_jsonl(store, sample):
    folder = sample("dlt")
    summaries = ingest_paths(store, [folder])
    assert [(s.source, s.rows_read, s.rows_stored) for s in summaries] == [
        ("dlt:media", 2, 2),
        ("dlt:user_insights", 1, 1),
    ]
    loaded = dt.datetime(2024, 5, 3, 10, 0, 0)  # _dlt_load_id 1714730400.123456
    assert _rows(store, "SELECT content_id, kind, created_at FROM content ORDER BY 1") == [
        ("17895695668004550", "photo", dt.datetime(2024, 5, 1, 12, 0)),
        ("18023456789012345", "reel", dt.datetime(2024, 5, 2, 17, 30, 5)),
    ]
    assert _rows(
        store, "SELECT content_id, as_of, likes, comments FROM content_snapshot ORDER BY 1"
    ) == [("17895695668004550", loaded, 214, 17), ("18023456789012345", loaded, 1532, 88)]
    assert _rows(store, SNAPSHOT) == [
        ("instagram", "17841400008460056", dt.date(2024, 5, 3), 1209, 52, 5, 1020, 1877)
    ]
    again = ingest_paths(store, [folder])
    assert sum(s.rows_stored for s in again) == 0


def test_the_same_data_through_two_carriers_is_stored_once(store, sample):
    ingest_file(store, sample("ig_user_insights.json"))
    s = ingest_file(store, sample("airbyte_user_insights.jsonl"))
    assert (s.rows_stored, s.rows_duplicate) == (0, 2)


def test_connector_named_explicitly_and_refusals(store, sample, tmp_path):
    s = ingest_file(store, sample("airbyte_user_insights.jsonl"), source="airbyte")
    assert s.rows_stored == 2
    with pytest.raises(UnknownSource, match="does not look like a airbyte export"):
        ingest_file(
            store, sample("dlt/instagram/user_insights/1714817000.5.0b7d.jsonl"), source="airbyte"
        )
    other = tmp_path / "stories.jsonl"
    other.write_text(
        '{"type": "RECORD", "record": {"stream": "stories", "data": {"id": "1"}, '
        '"emitted_at": 1714730400000}}\n',
        encoding="utf-8",
    )
    with pytest.raises(UnknownSource, match="known streams: media, media_insights"):
        ingest_file(store, other)


def test_rename_table():
    assert {(r.platform, r.old, r.new, r.since) for r in RENAMES} >= {
        ("instagram", "impressions", "views", "v22.0"),
        ("instagram", "plays", "views", "v22.0"),
        ("instagram", "video_views", "views", "v22.0"),
    }
    assert rename_metrics("instagram", {"plays": "7"}) == {"views": "7"}
    # both names: the current one wins, the superseded value is dropped
    assert rename_metrics("instagram", {"plays": "7", "views": "9"}) == {"views": "9"}
    # renames are per platform
    assert rename_metrics("facebook", {"impressions": "5"}) == {"impressions": "5"}


def test_cli_ingests_a_landed_folder(capsys, sample, tmp_path):
    folder = sample("dlt")
    code = main(["ingest", str(folder), "--db", str(tmp_path / "cli.duckdb")])
    out = capsys.readouterr().out
    assert code == 0
    assert "dlt:media → content+content_snapshot" in out
    assert "total: read 3 = stored 3 + duplicates 0 + quarantined 0" in out


def test_hostile_airbyte_lines_are_quarantined_alone(store, tmp_path):
    good = (
        '{"type": "RECORD", "record": {"stream": "media_insights", "data": {"id": "1", '
        '"reach": 5}, "emitted_at": 1714730400000}}'
    )
    surrogate = good.replace('"id": "1"', '"id": "2\\ud800"')
    p = tmp_path / "media_insights.jsonl"
    p.write_text("\n".join([good, surrogate, "{not json", '"a string"']) + "\n", encoding="utf-8")
    s = _ingest(store, p)
    assert (s.rows_read, s.rows_stored, s.rows_quarantined) == (4, 1, 3)
    reasons = dict(_quarantine(store, s.batch_id))
    assert reasons[2] == "id: lone surrogate (text that is not valid Unicode)"
    assert reasons[3].startswith("invalid JSON")
    assert reasons[4] == "not an Airbyte RECORD message with record.stream and record.data"
