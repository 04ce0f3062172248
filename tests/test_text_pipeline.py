"""analyze() and analyze_store(): the contract other layers rely on."""

from __future__ import annotations

import datetime as dt

import pytest

from engagelens.errors import TextError
from engagelens.text import ANALYSIS_KEYS, QUALITY_LABELS, SENTIMENT_LABELS, analyze, analyze_store
from engagelens.text.backends.fixed import FixedBackend

TEXTS = [
    "I love this airline, thank you!",
    "@united my flight was cancelled and nobody answers, I want a refund",
    "giáo viên rất nhiệt tình, dạy dễ hiểu",
    "غذا سرد بود و خیلی دیر رسید",
    "很快，好吃，味道足，量大",
    "😍😍😍",
    "",
    "@anna @bob",
    "Where can I buy this? how much is it",
    "FREE crypto giveaway, click here http://spam.example/x",
]


def test_one_row_per_text_with_contract_keys_and_values():
    rows = analyze(TEXTS)
    assert len(rows) == len(TEXTS)
    for r in rows:
        assert tuple(r) == ANALYSIS_KEYS
        assert r["sentiment"] in SENTIMENT_LABELS and r["quality"] in QUALITY_LABELS
        assert -1.0 <= r["sentiment_score"] <= 1.0


def test_expected_signals_on_clear_examples():
    r = analyze(TEXTS)
    assert [x["language"] for x in r[:5]] == ["en", "en", "vi", "fa", "zh"]
    assert r[0]["sentiment"] == "positive" and r[0]["is_praise"]
    assert r[1]["sentiment"] == "negative" and r[1]["is_complaint"]
    assert r[2]["sentiment"] == "positive"
    assert r[3]["sentiment"] == "negative"
    assert r[4]["sentiment"] == "positive"
    assert r[5]["quality"] == "low_effort" and r[5]["language"] is None
    assert r[6] == {
        "language": None,
        "sentiment": "neutral",
        "sentiment_score": 0.0,
        "quality": "low_effort",
        "is_question": False,
        "is_complaint": False,
        "is_purchase_intent": False,
        "is_praise": False,
        "emotions": "",
    }
    assert r[7]["quality"] == "low_effort"
    assert r[8]["is_question"] and r[8]["is_purchase_intent"]
    assert r[9]["quality"] == "spam"


def _without_quality(rows):
    return [{k: v for k, v in r.items() if k != "quality"} for r in rows]


def test_order_is_preserved_when_languages_interleave():
    texts = TEXTS[:5] * 3
    assert _without_quality(analyze(texts)) == _without_quality(analyze(TEXTS[:5])) * 3
    assert analyze(list(reversed(texts))) == list(reversed(analyze(texts)))


def test_copy_paste_across_a_batch_is_spam():
    # issue 18: copy-paste means copies on different posts within an hour, so the batch now
    # says where and when each text was posted (3 posts, 10 minutes apart)
    texts = TEXTS[:5] * 3
    posts = [f"p{i // 5}" for i in range(15)]
    t0 = dt.datetime(2026, 12, 1, 9, 0)
    times = [t0 + dt.timedelta(minutes=10 * (i // 5)) for i in range(15)]
    rows = analyze(texts, posts=posts, times=times)
    # every text pasted 3 times with >= 20 letters/digits is spam; the short zh one is not
    expected = ["spam" if len(t) >= 20 else "substantive" for t in TEXTS[:5]] * 3
    assert [r["quality"] for r in rows] == expected
    # the same texts without post/time metadata: repetition alone is not spam
    assert "spam" not in {r["quality"] for r in analyze(texts)}


def test_batch_of_one_equals_batch_of_many():
    together = analyze(TEXTS)
    alone = [analyze([t])[0] for t in TEXTS]
    # quality may differ only through the batch duplicate rule; none are duplicates here
    assert together == alone


def test_bytes_none_and_100kb_inputs():
    big = "The service was slow and the food was cold. " * 2300
    rows = analyze([b"\xff\xfe caf\xc3\xa9", None, big])
    assert len(rows) == 3 and rows[2]["sentiment"] == "negative"


def test_unknown_backend_is_a_text_error():
    with pytest.raises(TextError, match="unknown text backend"):
        analyze(["x"], backend="nope")


def _interactions(n_start: int, texts: list[str | None]) -> list[dict]:
    t0 = dt.datetime(2026, 1, 1)
    return [
        {
            "platform": "instagram",
            "interaction_id": str(n_start + i),
            "kind": "comment",
            "occurred_at": t0,
            "text": t,
        }
        for i, t in enumerate(texts)
    ]


def test_analyze_store_only_new_rows_and_records_backend(store):
    store.insert("interaction", _interactions(0, ["love it!", "terrible, refund please", None, ""]))
    store.insert(
        "mention",
        [
            {
                "platform": "x",
                "mention_id": "m1",
                "text": "送餐很快",
                "created_at": dt.datetime(2026, 1, 2),
            }
        ],
    )
    assert analyze_store(store) == 3  # None and "" have nothing to read
    assert analyze_store(store) == 0  # re-run: nothing new
    store.insert("interaction", _interactions(10, ["where can I buy it?"]))
    assert analyze_store(store, "interaction") == 1
    fixed = FixedBackend("positive")
    assert analyze_store(store, backend=fixed) == 4  # another backend sees all rows
    rows = store.table("text_analysis").to_pyarrow().to_pylist()
    assert len(rows) == 8
    by = {(r["backend"], r["source_table"], r["source_id"]): r for r in rows}
    linear = by[("linear", "interaction", "0")]
    from engagelens.text import get_backend

    assert linear["backend_version"] == get_backend("linear").version
    assert linear["sentiment"] == "positive" and linear["analyzed_at"] is not None
    assert by[("linear", "mention", "m1")]["language"] == "zh"
    assert by[("fixed", "interaction", "1")]["sentiment"] == "positive"
    assert by[("fixed", "interaction", "1")]["backend_version"] == "1"


def test_analyze_store_rejects_unknown_table(store):
    with pytest.raises(TextError):
        analyze_store(store, "account")
