"""Listening measures on a hand-made store: reach weighting, sentiment from the source or the
text layer, language breakdown, filters, and the metric contract."""

from __future__ import annotations

import datetime as dt

import pytest

from engagelens.listening import add_query, run
from engagelens.listening.measures import MENTION_VOLUME, breakdown, measures
from engagelens.metrics.base import GRAIN_KEYS, Filters, MetricContext

D1, D2 = dt.datetime(2024, 1, 1, 10), dt.datetime(2024, 1, 2, 10)


@pytest.fixture
def brands(store):
    rows = [  # id, text, platform, when, reach, followers, source sentiment, language
        ("1", "acme rocks", "x", D1, 1000, None, "positive", "en"),
        ("2", "acme broke", "x", D1, None, 300, None, None),  # sentiment/lang: text layer
        ("3", "globex ok", "x", D1, 100, 50, "neutral", "vi"),
        ("4", "acme and globex", "facebook", D2, None, None, "negative", "en"),
        ("5", "globex bad", "facebook", D2, 600, None, "negative", "en"),
    ]
    store.insert(
        "mention",
        [
            {
                "mention_id": i,
                "text": t,
                "platform": p,
                "created_at": w,
                "reach": r,
                "author_followers": f,
                "sentiment": s,
                "language": lang,
            }
            for i, t, p, w, r, f, s, lang in rows
        ],
    )
    store.insert(
        "text_analysis",
        [
            {
                "source_table": "mention",
                "platform": "x",
                "source_id": "2",
                "backend": "linear",
                "backend_version": "1",
                "sentiment": "negative",
                "language": "vi",
            },
            {
                "source_table": "mention",
                "platform": "x",
                "source_id": "1",
                "backend": "linear",
                "backend_version": "1",
                "sentiment": "negative",
                "language": "fr",
            },  # source wins
        ],
    )
    add_query(store, "acme", "acme", kind="brand")
    add_query(store, "globex", "globex", kind="competitor")
    add_query(store, "broken", "broke*", kind="topic")  # not part of share of voice
    run(store)
    return store


def _by(store, keys=(), **kw):
    return {
        tuple(r[k] for k in ("query", *keys)): r
        for r in breakdown(store, keys, **kw).to_pyarrow().to_pylist()
    }


def test_share_of_voice_counts_and_reach(brands):
    got = _by(brands, tracked_only=True)
    assert set(got) == {("acme",), ("globex",)}
    # acme: mentions 1, 2, 4; globex: 3, 4, 5 -> 3 / 6 each
    assert got[("acme",)]["share_of_voice"] == pytest.approx(3 / 6)
    # reach: mention reach, else author followers, else 0
    acme_reach, globex_reach = 1000 + 300 + 0, 100 + 0 + 600
    assert got[("acme",)]["reach"] == acme_reach
    assert got[("globex",)]["share_of_voice_reach"] == pytest.approx(
        globex_reach / (acme_reach + globex_reach)
    )


def test_share_of_voice_ignores_topic_queries(brands):
    got = _by(brands)  # every query, topics included
    assert got[("acme",)]["share_of_voice"] == pytest.approx(3 / 6)
    assert got[("globex",)]["share_of_voice"] == pytest.approx(3 / 6)
    assert got[("broken",)]["share_of_voice"] is None  # a topic has no share of voice
    assert got[("broken",)]["share_of_voice_reach"] is None
    assert got[("broken",)]["volume"] == 1 and got[("broken",)]["kind"] == "topic"


def test_sentiment_comes_from_the_source_else_the_text_layer(brands):
    acme = _by(brands)[("acme",)]
    # 1 positive (source, not the text layer's negative), 2 negative (text layer), 4 negative
    assert (acme["positive"], acme["negative"], acme["neutral"]) == (1, 2, 0)
    assert acme["net_sentiment"] == pytest.approx((1 - 2) / (1 + 2))


def test_breakdown_by_language_platform_and_day(brands):
    lang = _by(brands, ("language",), tracked_only=True)
    assert lang[("acme", "vi")]["volume"] == 1  # mention 2, language from text layer
    assert lang[("acme", "en")]["share_of_voice"] == pytest.approx(2 / 4)  # 1, 4 vs 4, 5
    assert lang[("globex", "vi")]["share_of_voice"] == pytest.approx(1 / 2)
    plat = _by(brands, ("platform",), tracked_only=True)
    assert plat[("globex", "facebook")]["share_of_voice"] == pytest.approx(2 / 3)
    day = _by(brands, ("day",))
    assert day[("broken", D1.date())]["volume"] == 1


def test_filters(brands):
    only_d2 = _by(brands, filters=Filters(start=D2, platforms=("facebook",)), tracked_only=True)
    assert only_d2[("acme",)]["volume"] == 1 and only_d2[("globex",)]["volume"] == 2


@pytest.mark.parametrize("grain", ["total", "day", "week", "month", "platform", "language"])
def test_every_measure_follows_the_metric_contract(brands, grain):
    for metric in measures():
        table = metric.build(MetricContext(brands, grain))
        assert table.columns == ("query", *GRAIN_KEYS[grain], metric.name)
        assert metric.grains and "listening" in metric.tags
        rows = table.to_pyarrow().to_pylist()
        assert rows, metric.name


def test_registered_in_the_metric_registry():
    from engagelens.metrics import registry

    names = {m.name for m in measures()}
    assert names <= set(registry._METRICS)  # registered at import, like every metric module
    assert "engagelens.listening.measures" in registry.BUILTIN_MODULES


def test_share_of_voice_by_language_through_the_registry(brands):
    from engagelens.metrics import compute

    rows = compute(brands, ["share_of_voice", "mention_volume"], by="language")
    got = {(r["query"], r["language"]): r for r in rows.to_pyarrow().to_pylist()}
    # en: acme 1, 4; globex 4, 5 — vi: acme 2 (text layer), globex 3
    assert got[("acme", "en")]["share_of_voice"] == pytest.approx(2 / 4)
    assert got[("globex", "vi")]["share_of_voice"] == pytest.approx(1 / 2)
    assert got[("broken", "vi")]["mention_volume"] == 1  # topics are measured, not in SOV
    assert got[("broken", "vi")]["share_of_voice"] is None


def test_days_follow_the_timezone_setting(store):
    late = dt.datetime(2024, 1, 1, 23, 30)  # UTC; already 2 January in Hanoi (UTC+7)
    store.insert(
        "mention", [{"platform": "x", "mention_id": "1", "text": "acme", "created_at": late}]
    )
    add_query(store, "acme", "acme")
    run(store)
    utc = MENTION_VOLUME.build(MetricContext(store, "day", settings={"timezone": "UTC"}))
    hanoi = MENTION_VOLUME.build(
        MetricContext(store, "day", settings={"timezone": "Asia/Ho_Chi_Minh"})
    )
    assert [r["day"] for r in utc.to_pyarrow().to_pylist()] == [dt.date(2024, 1, 1)]
    assert [r["day"] for r in hanoi.to_pyarrow().to_pylist()] == [dt.date(2024, 1, 2)]
