"""The inbox on the Red Bull case: one post, 172 comments + 18 audience replies, no brand
reply (tests/fixtures/engage/redbull.csv; questions are comments c003, c013, …, every tenth)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from engagelens.engage import inbox as inbox_mod
from engagelens.engage.sample import load_interactions_csv
from engagelens.errors import NotFound
from engagelens.metrics import compute

FIX = Path(__file__).parent / "fixtures" / "engage"
NOW = dt.datetime(2026, 11, 20, 20, 0)


@pytest.fixture
def redbull(store):
    load_interactions_csv(store, FIX / "redbull.csv", own_accounts=(("facebook", "redbull"),))
    return store


def test_redbull_reply_rate_is_zero(redbull):
    df = compute(
        redbull, ["inbound_volume", "reply_rate", "reply_time_median"], by="total"
    ).to_pandas()
    assert int(df.inbound_volume.iloc[0]) == 172 + 18
    assert float(df.reply_rate.iloc[0]) == 0.0
    assert df.reply_time_median.isna().all() or len(df.reply_time_median.dropna()) == 0


def test_questions_come_first_with_a_why(redbull):
    items = inbox_mod.inbox(redbull, now=NOW)
    assert len(items) == 190
    questions = {f"c{i:03d}" for i in range(172) if i % 10 == 3}
    top = [i.interaction_id for i in items[: len(questions)]]
    assert set(top) == questions
    first = items[0]
    assert first.why["question"] == inbox_mod.WEIGHTS["question"]
    assert first.score == pytest.approx(sum(first.why.values()))
    assert first.signals["source"] == "rules"
    # a non-question from a 100k-follower author ranks below every question
    big = next(i for i in items if i.interaction_id == "c007")
    assert big.why["reach"] == 15.0 and items.index(big) >= len(questions)


def test_text_analysis_overrides_rules(redbull):
    redbull.insert(
        "text_analysis",
        [
            {
                "source_table": "interaction",
                "platform": "facebook",
                "source_id": "c001",
                "backend": "t",
                "backend_version": "1",
                "sentiment": "negative",
                "is_question": False,
                "is_complaint": True,
            }
        ],
    )
    items = inbox_mod.inbox(redbull, now=NOW)
    c1 = next(i for i in items if i.interaction_id == "c001")
    assert c1.why["complaint"] == 30 and c1.why["negative"] == 20 and c1.why["question"] == 0
    assert c1.signals["source"] == "text_analysis"


def test_mark_replied_and_assign(redbull):
    inbox_mod.assign(redbull, "facebook", "c003", "ann")
    inbox_mod.mark_replied(redbull, "facebook", "c013")
    items = inbox_mod.inbox(redbull, now=NOW)
    assert "c013" not in {i.interaction_id for i in items}
    assert [i.interaction_id for i in inbox_mod.inbox(redbull, now=NOW, assignee="ann")] == ["c003"]
    with pytest.raises(NotFound):
        inbox_mod.mark_replied(redbull, "facebook", "nope")


def test_sla_component_grows_with_age(redbull):
    a = inbox_mod.find(redbull, "c003", now=dt.datetime(2026, 11, 20, 12, 33))
    b = inbox_mod.find(redbull, "c003", now=dt.datetime(2026, 11, 20, 14, 3))
    assert a.why["sla"] == pytest.approx(10 * 30 / 60) and b.why["sla"] == 20.0


def test_each_component_of_the_score_by_hand(store):
    """Three open items on two posts; every point of the score is recomputed here by hand
    (target 60 min, now 20:00)."""

    def row(i, content, minutes_ago, text=None, followers=None, kind="comment"):
        return {
            "platform": "facebook",
            "interaction_id": i,
            "content_id": content,
            "kind": kind,
            "occurred_at": NOW - dt.timedelta(minutes=minutes_ago),
            "text": text,
            "actor_followers": followers,
            "actor_id": f"u_{i}",
            "account_id": "brand",
        }

    store.insert(
        "interaction",
        [
            row("q1", "pA", 30, "How much is it?", 0),
            row("k1", "pB", 120, "broken, I want a refund", 999),
            row("n1", "pB", 10, "nice", 9),
            *[row(f"l{i}", "pA", 60 * i + 5, kind="like") for i in range(4)],  # 4 likes within 24 h
            row("old", "pB", 25 * 60, kind="like"),  # outside the 24 h window
        ],
    )
    items = inbox_mod.inbox(store, now=NOW, settings={"reply_target_minutes": 60})
    got = {i.interaction_id: i.why for i in items}
    assert got["k1"] == {
        "question": 0,
        "complaint": 30,
        "negative": 0,
        "reach": 15.0,
        "sla": 20.0,
        "momentum": 0.4,
    }  # 5·log10(1000); capped at 2× target; 2/50·10
    assert got["q1"] == {
        "question": 40,
        "complaint": 0,
        "negative": 0,
        "reach": 0.0,
        "sla": 5.0,
        "momentum": 1.0,
    }  # 10·30/60; 5 interactions/50·10
    assert got["n1"] == {
        "question": 0,
        "complaint": 0,
        "negative": 0,
        "reach": 5.0,
        "sla": 1.67,
        "momentum": 0.4,
    }
    assert [i.interaction_id for i in items] == ["k1", "q1", "n1"]
    assert [i.score for i in items] == [65.4, 46.0, 7.07]
    assert items[0].signals == {
        "question": False,
        "complaint": True,
        "negative": False,
        "source": "rules",
        "age_minutes": 120.0,
        "recent_on_content": 2,
    }
