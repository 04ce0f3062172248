"""Emotions are stored per comment (text_analysis.emotions): named ones in a fixed order, ""
when a text names none, NULL for rows analysed before the column existed."""

from __future__ import annotations

import datetime as dt

from engagelens.store import Store
from engagelens.text import analyze, analyze_store


def _comments(texts):
    return [
        {
            "platform": "instagram",
            "interaction_id": str(i),
            "kind": "comment",
            "occurred_at": dt.datetime(2026, 1, 1, 9, i),
            "content_id": "p1",
            "text": t,
        }
        for i, t in enumerate(texts)
    ]


def test_analyze_names_emotions_in_a_fixed_order():
    rows = analyze(
        [
            "So angry and sad, my order never came 😡",
            "Wow, did not expect it to be this good!",
            "Not happy with the new cups",
            "生气，太过分了",
            "ناراحتم",
            "Where is the store?",
            "",
        ]
    )
    assert [r["emotions"] for r in rows] == [
        "anger,sadness",
        "surprise",
        "",  # "not happy" is negated joy, not an emotion named
        "anger",
        "sadness",
        "",
        "",
    ]


def test_analyze_store_keeps_emotions_and_older_stores_gain_the_column(tmp_path):
    path = tmp_path / "old.duckdb"
    store = Store.open(path)
    store.insert("interaction", _comments(["I'm scared the app lost my order", "Love it 😍"]))
    assert analyze_store(store, "interaction") == 2
    stored = store.table("text_analysis").order_by("source_id").emotions.to_pyarrow().to_pylist()
    assert stored == ["fear", "joy"]
    # a store written before emotions were stored: the column did not exist
    store.sql("ALTER TABLE text_analysis DROP COLUMN emotions")
    store.close()
    store = Store.open(path)  # opening adds the declared column back; old rows are NULL
    store.insert("interaction", _comments(["x"] * 2 + ["Wow, unexpected and so happy!"])[2:])
    assert analyze_store(store, "interaction") == 1
    rows = store.table("text_analysis").order_by("source_id").to_pyarrow().to_pylist()
    store.close()
    assert [(r["source_id"], r["emotions"]) for r in rows] == [
        ("0", None),
        ("1", None),
        ("2", "joy,surprise"),
    ]
