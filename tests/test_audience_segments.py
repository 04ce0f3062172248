"""Ladder movement between periods, participation per segment and RFM, by hand."""

import datetime as dt

import pytest

from engagelens.audience.segments import (
    customer_rfm,
    ladder_movement,
    quintile_scores,
    rfm,
    rfm_cell,
    segment_summary,
)
from engagelens.errors import ConfigError

MARCH = (dt.datetime(2026, 3, 1), dt.datetime(2026, 3, 29))  # four weeks
APRIL = (dt.datetime(2026, 4, 1), dt.datetime(2026, 4, 29))


def _ev(i, actor, kind, month, day):
    return {
        "platform": "instagram",
        "interaction_id": str(i),
        "actor_id": actor,
        "kind": kind,
        "occurred_at": dt.datetime(2026, month, day, 12),
        "is_brand": False,
    }


@pytest.fixture
def seeded(store):
    store.insert(
        "interaction",
        [
            # climber: reactor in March, advocate in April (share + comment on 3 days)
            _ev(1, "climber", "like", 3, 2),
            _ev(2, "climber", "like", 3, 20),
            _ev(3, "climber", "share", 4, 2),
            _ev(4, "climber", "comment", 4, 9),
            _ev(5, "climber", "like", 4, 16),
            # faller: commenter in March (weeks 1 and 2), viewer in April
            _ev(6, "faller", "comment", 3, 1),
            _ev(7, "faller", "comment", 3, 9),
            _ev(8, "faller", "view", 4, 3),
            # leaver: reactor in March only; newcomer: April only
            _ev(9, "leaver", "like", 3, 5),
            _ev(10, "newcomer", "comment", 4, 5),
            # steady: reactor in both
            _ev(11, "steady", "like", 3, 3),
            _ev(12, "steady", "like", 4, 3),
        ],
    )
    return store


def test_movement_between_two_periods(seeded):
    m = ladder_movement(seeded, before=MARCH, after=APRIL)
    moved = {x["actor_id"]: (x["before"], x["after"], x["direction"]) for x in m["movers"]}
    assert moved == {
        "climber": ("reactor", "advocate", "up"),
        "faller": ("commenter", "viewer", "down"),
        "leaver": ("reactor", "absent", "down"),
        "newcomer": ("absent", "commenter", "up"),
    }
    assert (m["up"], m["down"], m["same"]) == (2, 2, 1)
    assert {"before": "reactor", "after": "reactor", "actors": 1} in m["transitions"]
    with pytest.raises(ConfigError):
        ladder_movement(seeded, before=(MARCH[1], MARCH[0]), after=APRIL)


def test_participation_and_frequency_per_segment(seeded):
    by = {r["step"]: r for r in segment_summary(seeded, start=MARCH[0], end=MARCH[1])}
    # March: reactors climber (2 days, weeks 1 and 3), leaver (1), steady (1); commenter faller
    assert by["reactor"]["actors"] == 3 and by["reactor"]["share"] == pytest.approx(3 / 4)
    assert by["reactor"]["activity_frequency"] == pytest.approx((2 + 1 + 1) / 3)
    assert by["reactor"]["participation_rate"] == pytest.approx((2 / 4 + 1 / 4 + 1 / 4) / 3)
    assert by["commenter"]["participation_rate"] == pytest.approx(2 / 4)
    assert by["advocate"]["actors"] == 0 and by["advocate"]["participation_rate"] is None


def test_rfm_scores_and_cells():
    assert quintile_scores([10, 20, 30, 40, 50]) == [1, 2, 3, 4, 5]
    assert quintile_scores([10, 20, 30, 40, 50], higher_is_better=False) == [5, 4, 3, 2, 1]
    assert quintile_scores([7, 7, 7, 7, 7]) == [1, 1, 1, 1, 1]
    assert [rfm_cell(5, 5), rfm_cell(1, 5), rfm_cell(5, 1), rfm_cell(1, 3), rfm_cell(1, 1)] == [
        "champions",
        "loyal",
        "promising",
        "at_risk",
        "hibernating",
    ]
    day = lambda d: dt.datetime(2026, 1, d)  # noqa: E731
    rows = rfm(
        [("a", day(28), 10.0), ("a", day(29), 5.0), ("b", day(2), 99.0), ("a", day(31), 1.0)],
        as_of=day(30),
    )
    a, b = rows
    assert (a["id"], a["frequency"], a["monetary"], a["recency_days"]) == ("a", 2, 15.0, 1.0)
    assert (b["recency_days"], b["monetary"]) == (28.0, 99.0)
    assert (a["r"], a["f"], a["m"]) == (3, 3, 1) and (b["r"], b["f"], b["m"]) == (1, 1, 3)


def test_customer_rfm_from_orders(store):
    store.insert(
        "conversion",
        [
            {"conversion_id": str(i), "customer_id": c, "occurred_at": dt.datetime(2026, 2, d),
             "value": v}
            for i, (c, d, v) in enumerate([("x", 1, 10.0), ("x", 20, 10.0), ("y", 5, 50.0)])
        ],
    )  # fmt: skip
    rows = {r["id"]: r for r in customer_rfm(store, as_of=dt.datetime(2026, 3, 1))}
    assert rows["x"]["frequency"] == 2 and rows["x"]["monetary"] == 20.0
    assert rows["y"]["recency_days"] == 24.0
