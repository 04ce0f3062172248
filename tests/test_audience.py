"""Engagement ladder and leaderboard on a hand-built fixture."""

import datetime as dt

from engagelens.audience import DEFAULT_POINTS, engagement_ladder, ladder_summary, leaderboard


def _ev(i, actor, kind, day, brand=False):
    return {
        "platform": "instagram",
        "interaction_id": str(i),
        "actor_id": actor,
        "kind": kind,
        "occurred_at": dt.datetime(2026, 3, day, 12),
        "is_brand": brand,
    }


def _fixture(store):
    rows = [
        _ev(1, "viewer", "view", 1),
        _ev(2, "liker", "like", 1),
        _ev(3, "liker", "view", 2),
        _ev(4, "talker", "comment", 1),
        _ev(5, "talker", "like", 1),
        _ev(6, "sharer", "share", 1),
        _ev(7, "fan", "share", 1),
        _ev(8, "fan", "comment", 2),
        _ev(9, "fan", "like", 3),
        _ev(10, "almostfan", "share", 1),
        _ev(11, "almostfan", "comment", 1),
        _ev(12, "brand", "reply", 1, brand=True),
    ]
    store.insert("interaction", rows)


def test_each_actor_lands_on_the_right_step(store):
    _fixture(store)
    steps = {r["actor_id"]: r["step"] for r in engagement_ladder(store).to_pyarrow().to_pylist()}
    assert steps == {
        "viewer": "viewer",
        "liker": "reactor",
        "talker": "commenter",
        "sharer": "amplifier",
        "fan": "advocate",
        "almostfan": "amplifier",
    }


def test_summary_shares_add_up_and_period_filter_applies(store):
    _fixture(store)
    summary = {r["step"]: r for r in ladder_summary(store)}
    assert summary["amplifier"]["actors"] == 2
    assert abs(sum(r["share"] for r in summary.values()) - 1.0) < 1e-12
    # from 2 March on only liker (view), fan (comment, like) are active
    later = {
        r["actor_id"]: r["step"]
        for r in engagement_ladder(store, start=dt.datetime(2026, 3, 2)).to_pyarrow().to_pylist()
    }
    assert later == {"liker": "viewer", "fan": "commenter"}


def test_leaderboard_uses_points_table(store):
    _fixture(store)
    board = leaderboard(store).to_pyarrow().to_pylist()
    expected_fan = DEFAULT_POINTS["share"] + DEFAULT_POINTS["comment"] + DEFAULT_POINTS["like"]
    assert board[0]["actor_id"] == "fan" and board[0]["points"] == expected_fan
    assert "brand" not in {r["actor_id"] for r in board}
    custom = leaderboard(store, points={"view": 10, "like": -1}).to_pyarrow().to_pylist()
    assert custom[0]["actor_id"] == "viewer" and custom[0]["points"] == 10
