"""Listening on real Persian, Vietnamese and Chinese text (80 rows each, copied into
tests/fixtures/listening/ from ../shared/data: Snappfood comments, UIT-VSFC (Nguyen et al.
2018), waimai_10k). Expected counts are computed here with csv + re + unicodedata."""

from __future__ import annotations

import csv
import datetime as dt
import re
import unicodedata

import pytest

from engagelens.listening import add_query, run
from engagelens.listening.measures import breakdown


def _rows(fixtures_dir):
    path = fixtures_dir / "listening" / "multilingual_mentions.csv"
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _persian(text: str) -> str:
    """Arabic-keyboard letters -> Persian ones, invisible marks dropped (the documented rule)."""
    for a, b in (("ي", "ی"), ("ى", "ی"), ("ك", "ک")):
        text = text.replace(a, b)
    return re.sub("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]", "", text)


def _plain(text: str) -> str:
    stripped = "".join(
        c for c in unicodedata.normalize("NFD", text.lower()) if not unicodedata.combining(c)
    )
    return stripped.replace("đ", "d")


def _word(pattern: str, text: str) -> bool:
    return re.search(rf"(?<!\w){pattern}(?!\w)", text) is not None


EXPECTED = {  # query -> (query text, options, independent test on one row)
    "fa_quality": ("كيفيت", {}, lambda r: _word("کیفیت", _persian(r["text"]))),
    "fa_food": (
        "غذا lang:fa",
        {},
        lambda r: r["language"] == "fa" and _word("غذا", _persian(r["text"])),
    ),
    "vi_lecturer": ('"giảng viên"', {}, lambda r: _word(r"giảng\W+viên", r["text"].lower())),
    "vi_lecturer_plain": (
        '"giang vien"',
        {"ignore_accents": True},
        lambda r: _word(r"giang\W+vien", _plain(r["text"])),
    ),
    "zh_taste": ("味道", {}, lambda r: "味道" in r["text"]),
    "zh_taste_slow": ("味道 NOT 快", {}, lambda r: "味道" in r["text"] and "快" not in r["text"]),
}


@pytest.fixture
def multilingual(store, fixtures_dir):
    rows = _rows(fixtures_dir)
    store.insert(
        "mention",
        [
            {
                "platform": "review",
                "mention_id": r["mention_id"],
                "text": r["text"],
                "language": r["language"],
                "sentiment": r["label"],
                "created_at": dt.datetime(2024, 6, 1),
            }
            for r in rows
        ],
    )
    for name, (query, options, _) in EXPECTED.items():
        add_query(store, name, query, kind="topic", **options)
    run(store)
    return store, rows


def test_volumes_and_sentiment_match_an_independent_count(multilingual):
    store, rows = multilingual
    got = {r["query"]: r for r in breakdown(store).to_pyarrow().to_pylist()}
    for name, (_, _, check) in EXPECTED.items():
        hits = [r for r in rows if check(r)]
        assert hits, name  # every query finds something in real text
        assert got[name]["volume"] == len(hits), name
        pos = sum(r["label"] == "positive" for r in hits)
        neg = sum(r["label"] == "negative" for r in hits)
        assert (got[name]["positive"], got[name]["negative"]) == (pos, neg), name
    # typing without diacritics finds at least what the accented phrase finds
    assert got["vi_lecturer_plain"]["volume"] >= got["vi_lecturer"]["volume"]
