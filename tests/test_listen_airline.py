"""Done-when: the 2,000 airline tweets (Figure Eight / Kaggle "Twitter US Airline Sentiment",
CC BY-NC-SA 4.0) are ingested as mentions, six airline queries are defined, and share of voice
and sentiment mix per airline equal counts computed here independently with csv + re.

What an airline's query matches (the definition both sides implement):
its @handle as a whole handle, or its name as a phrase of whole words, case-insensitive.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest

from engagelens.listening import add_query, run
from engagelens.listening.measures import (
    MENTION_VOLUME,
    NET_SENTIMENT,
    SHARE_OF_VOICE,
    breakdown,
    top_authors,
    top_hashtags,
)
from engagelens.metrics.base import MetricContext

REPO = Path(__file__).resolve().parents[1]
MAPPING = REPO / "docs" / "examples" / "mappings" / "airline_mentions.yaml"

AIRLINES = {  # query name -> (handle, name phrase)
    "virgin_america": ("VirginAmerica", "virgin america"),
    "united": ("united", "united airlines"),
    "southwest": ("SouthwestAir", "southwest airlines"),
    "jetblue": ("JetBlue", "jetblue"),
    "us_airways": ("USAirways", "us airways"),
    "american": ("AmericanAir", "american airlines"),
}


def _query(handle: str, name: str) -> str:
    return f'@{handle} OR "{name}"'


def _expected_match(handle: str, name: str, text: str) -> bool:
    """Independent of the engine: regular expressions on the lower-cased text."""
    lower = text.lower()
    if re.search(rf"(?<![\w@#])@{re.escape(handle.lower())}(?!\w)", lower):
        return True
    words = [re.escape(w) for w in name.split()]
    return re.search(r"(?<!\w)" + r"\W+".join(words) + r"(?!\w)", lower) is not None


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _ingest(store, path: Path) -> None:
    """Through the real ingest layer and the documented mapping (entity: mention)."""
    from engagelens.ingest import ingest_file

    summary = ingest_file(store, path, mapping=MAPPING)
    assert summary.entity == "mention" and summary.rows_read == len(_csv_rows(path))
    assert summary.rows_stored == store.count("mention") >= 1900


@pytest.fixture
def airline_store(store, shared_data):
    path = shared_data / "twitter_airline_sample" / "tweets_2000.csv"
    _ingest(store, path)
    for name, (handle, phrase) in AIRLINES.items():
        add_query(store, name, _query(handle, phrase), kind="brand")
    run(store)
    return store, path


def _stored_rows(store, path: Path) -> list[dict[str, str]]:
    """The csv rows that ingestion stored (by record number; a few malformed rows are not)."""
    ids = set(store.table("mention").mention_id.to_pyarrow().to_pylist())
    numbers = {int(re.sub(r"\D", "", i)) for i in ids}
    return [r for n, r in enumerate(_csv_rows(path), start=1) if n in numbers]


def test_share_of_voice_and_sentiment_mix_per_airline(airline_store):
    store, path = airline_store
    rows = _stored_rows(store, path)
    assert len(rows) >= 1900 and store.count("mention") == len(rows)

    volume: Counter[str] = Counter()
    mix: dict[str, Counter[str]] = {name: Counter() for name in AIRLINES}
    for r in rows:
        for name, (handle, phrase) in AIRLINES.items():
            if _expected_match(handle, phrase, r["text"]):
                volume[name] += 1
                mix[name][r["airline_sentiment"]] += 1
    total = sum(volume.values())
    assert volume["united"] > 1000 and volume["virgin_america"] > 100  # the sample's two airlines

    got = {r["query"]: r for r in breakdown(store, tracked_only=True).to_pyarrow().to_pylist()}
    assert set(got) == {n for n in AIRLINES if volume[n]}
    for name, count in volume.items():
        row = got[name]
        assert row["volume"] == count
        assert row["share_of_voice"] == pytest.approx(count / total)
        assert (row["positive"], row["neutral"], row["negative"]) == (
            mix[name]["positive"],
            mix[name]["neutral"],
            mix[name]["negative"],
        )
        pos, neg = mix[name]["positive"], mix[name]["negative"]
        assert row["net_sentiment"] == pytest.approx((pos - neg) / (pos + neg))

    # the registered measures give the same numbers at the total grain
    ctx = MetricContext(store, "total")
    sov = {
        r["query"]: r["share_of_voice"] for r in SHARE_OF_VOICE.build(ctx).to_pyarrow().to_pylist()
    }
    assert sov == pytest.approx({n: volume[n] / total for n in sov})
    net = {
        r["query"]: r["net_sentiment"] for r in NET_SENTIMENT.build(ctx).to_pyarrow().to_pylist()
    }
    assert net["united"] == pytest.approx(
        (mix["united"]["positive"] - mix["united"]["negative"])
        / (mix["united"]["positive"] + mix["united"]["negative"])
    )


def test_measures_by_day_sum_to_one_and_to_the_total(airline_store):
    store, _ = airline_store
    daily = SHARE_OF_VOICE.build(MetricContext(store, "day")).to_pyarrow().to_pylist()
    per_day: dict[dt.date, float] = {}
    for r in daily:
        per_day[r["day"]] = per_day.get(r["day"], 0.0) + r["share_of_voice"]
    assert per_day and all(v == pytest.approx(1.0) for v in per_day.values())
    volumes = MENTION_VOLUME.build(MetricContext(store, "week")).to_pyarrow().to_pylist()
    totals = MENTION_VOLUME.build(MetricContext(store, "total")).to_pyarrow().to_pylist()
    by_query: Counter[str] = Counter()
    for r in volumes:
        assert r["week"].weekday() == 0  # weeks start on Monday
        by_query[r["query"]] += r["mention_volume"]
    assert by_query == {r["query"]: r["mention_volume"] for r in totals}


def test_top_authors_and_hashtags_match_a_direct_count(airline_store):
    store, path = airline_store
    rows = _stored_rows(store, path)
    handle, phrase = AIRLINES["united"]
    authors = Counter(r["name"] for r in rows if _expected_match(handle, phrase, r["text"]))
    top = top_authors(store, "united", limit=3).to_pylist()
    assert [t["mentions"] for t in top] == [c for _, c in authors.most_common(3)]
    assert top[0]["author_handle"] == authors.most_common(1)[0][0]
    tags: Counter[str] = Counter()
    for r in rows:
        if any(_expected_match(h, p, r["text"]) for h, p in AIRLINES.values()):
            tags.update({"#" + t.lower() for t in re.findall(r"(?<![\w&])#(\w+)", r["text"])})
    best = top_hashtags(store, limit=1).to_pylist()[0]
    assert (best["hashtag"], best["mentions"]) == tags.most_common(1)[0]
