"""Done-when of issue 2: the real files in ../shared/data go in with the built-in mappings, and
what is stored equals what the csv module (or pandas) reads from the same files here."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from engagelens.ingest import ingest_file

REPO = Path(__file__).resolve().parents[1]
AIRLINE_MAPPING = REPO / "docs" / "examples" / "mappings" / "airline_mentions.yaml"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _int(v: str) -> int | None:
    return int(v) if v.strip() else None


def _utc(text: str, fmt: str) -> dt.datetime:
    return dt.datetime.strptime(text, fmt).astimezone(dt.UTC).replace(tzinfo=None)


def test_facebook_uci_posts_with_lifetime_counters(store, shared_data):
    path = shared_data / "facebook_metrics_uci" / "dataset_Facebook.csv"
    rows = _rows(path)
    s = ingest_file(store, path)  # detected from the Insights header
    assert s.source == "facebook" and s.entity == "content+content_snapshot"
    assert (s.rows_read, s.rows_stored, s.rows_duplicate, s.rows_quarantined) == (500, 500, 0, 0)
    assert s.stored_by_table == {"content": 500, "content_snapshot": 500}

    snap = {r["content_id"]: r for r in store.table("content_snapshot").to_pyarrow().to_pylist()}
    content = {r["content_id"]: r for r in store.table("content").to_pyarrow().to_pylist()}
    for field, column in (("likes", "like"), ("comments", "comment"), ("shares", "share")):
        want = sum(_int(r[column]) or 0 for r in rows)
        assert sum(v[field] or 0 for v in snap.values()) == want
    for number, r in enumerate(rows, start=1):  # record number is the id (the file has none)
        got = snap[str(number)]
        assert got["reach"] == _int(r["Lifetime Post Total Reach"])
        assert got["impressions"] == _int(r["Lifetime Post Total Impressions"])
        assert got["engaged_users"] == _int(r["Lifetime Engaged Users"])
        assert got["followers"] == _int(r["Page_total_likes"])
        assert (got["likes"], got["comments"], got["shares"]) == (
            _int(r["like"]),
            _int(r["comment"]),
            _int(r["share"]),
        )
        c = content[str(number)]
        assert c["kind"] == r["Type"].lower()
        assert c["paid"] == ({"1": True, "0": False}.get(r["Paid"]))
        assert (c["created_at"].year, c["created_at"].month, c["created_at"].hour) == (
            2014,
            int(r["Post Month"]),
            int(r["Post Hour"]),
        )

    again = ingest_file(store, path, source="facebook")
    assert (again.rows_read, again.rows_stored, again.rows_duplicate) == (500, 0, 500)
    assert store.count("content_snapshot") == 500


def test_twcs_customer_support_threads(store, shared_data):
    pd = pytest.importorskip("pandas")
    path = shared_data / "customer_support_twitter_sample" / "twcs_5000.csv"
    # independent reading: pandas with an explicit \n terminator (one text holds a raw CR)
    df = pd.read_csv(path, dtype=str, keep_default_na=False, lineterminator="\n")
    assert len(df) == 5000
    s = ingest_file(store, path, source="twcs")
    assert (s.rows_read, s.rows_stored, s.rows_quarantined) == (5000, 5000, 0)

    got = {r["interaction_id"]: r for r in store.table("interaction").to_pyarrow().to_pylist()}
    assert len(got) == 5000
    for r in df.itertuples(index=False):
        g = got[r.tweet_id]
        assert g["actor_id"] == r.author_id
        assert g["is_brand"] is (r.inbound == "False")
        assert g["text"] == r.text
        parent = r.in_response_to_tweet_id.removesuffix(".0") or None
        assert g["parent_id"] == parent
        assert g["kind"] == ("reply" if parent else "mention")
        assert g["account_id"] == (r.author_id if r.inbound == "False" else None)
        assert g["occurred_at"] == _utc(r.created_at, "%a %b %d %H:%M:%S %z %Y")
    assert any("\r" in v["text"] for v in got.values())
    assert ingest_file(store, path, source="twcs").rows_duplicate == 5000


def test_airline_tweets_as_mentions(store, shared_data):
    path = shared_data / "twitter_airline_sample" / "tweets_2000.csv"
    rows = _rows(path)
    assert len(rows) == 2000
    expected = {}
    for number, r in enumerate(rows, start=1):  # what a valid mention row is, written out here
        try:
            created = _utc(r["tweet_created"], "%Y-%m-%d %H:%M:%S %z")
        except (TypeError, ValueError):
            continue
        if not r["text"] or r["airline_sentiment"] not in ("positive", "neutral", "negative"):
            continue
        if not r["retweet_count"].isdigit():
            continue
        expected[str(number)] = (
            created,
            r["text"],
            r["name"],
            r["airline_sentiment"],
            int(r["retweet_count"]),
        )

    s = ingest_file(store, path, mapping=AIRLINE_MAPPING)
    assert s.rows_read == 2000
    assert s.rows_stored == len(expected) and s.rows_stored > 1900
    assert s.rows_quarantined == 2000 - len(expected)
    got = {r["mention_id"]: r for r in store.table("mention").to_pyarrow().to_pylist()}
    assert set(got) == set(expected)
    for key, (created, text, name, sentiment, shares) in expected.items():
        g = got[key]
        assert (g["created_at"], g["text"], g["author_handle"], g["sentiment"], g["shares"]) == (
            created,
            text,
            name,
            sentiment,
            shares,
        )
        assert g["platform"] == "x"

    q = store.table("quarantine").to_pyarrow().to_pylist()
    assert len(q) == s.rows_quarantined
    bad_numbers = {n for n in range(1, 2001) if str(n) not in expected}
    assert {r["record"] for r in q} == bad_numbers
    # the line an editor shows: tweets with line breaks push later records down (39 of them)
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        next(reader)
        starts, previous = {}, reader.line_num
        for number, _ in enumerate(reader, start=1):
            starts[number], previous = previous + 1, reader.line_num
    assert {r["record"]: r["line"] for r in q} == {n: starts[n] for n in bad_numbers}
    assert any(r["line"] != r["record"] + 1 for r in q)
    assert all(r["reason"] and r["raw"] for r in q)

    again = ingest_file(store, path, mapping=AIRLINE_MAPPING)
    assert (again.rows_stored, again.rows_duplicate) == (0, len(expected))
