"""Outbound measures on a hand-checked thread fixture (tests/fixtures/engage/thread.csv).

By hand (UTC, Monday 2026-11-23; business hours 09–17 Mon–Fri):
inbound c1..c7 = 7 (the like and brand rows excluded; duplicates of c6/r1 collapse);
answered c1 (1800 s), c2 (first of two replies, 7200 s), c4 (reply before comment: 0 s,
skewed), c6 (brand by own account, 600 s), c7 (Fri 16:00 → Mon 10:00 = 2 d 18 h = 237600 s raw,
7200 s business); c3 (branch under c1) and c5 (missing parent) unanswered.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from engagelens.engage.sample import load_interactions_csv
from engagelens.metrics import compute

FIX = Path(__file__).parent / "fixtures" / "engage"


def load_thread(store, path: Path = FIX / "thread.csv") -> None:
    load_interactions_csv(store, path, own_accounts=(("x", "brand1"),))


@pytest.fixture
def thread_store(store):
    load_thread(store)
    return store


def value(store, name, by="total", **settings):
    df = compute(store, [name], by=by, settings=settings or None).to_pandas()
    return df


def test_total_figures_match_hand_computation(thread_store):
    names = [
        "inbound_volume",
        "answered_count",
        "reply_rate",
        "reply_time_mean",
        "reply_time_median",
        "reply_time_p90",
        "reply_time_business_mean",
        "reply_time_business_median",
        "reply_time_business_p90",
    ]
    got = {n: float(value(thread_store, n)[n].iloc[0]) for n in names}
    raw = sorted([1800, 7200, 0, 600, 237600])
    biz = sorted([1800, 7200, 0, 600, 7200])
    assert got["inbound_volume"] == 7
    assert got["answered_count"] == 5
    assert got["reply_rate"] == pytest.approx(5 / 7)
    assert got["reply_time_mean"] == pytest.approx(sum(raw) / 5)
    assert got["reply_time_median"] == raw[2]
    assert got["reply_time_p90"] == raw[4]  # nearest rank ceil(0.9*5) = 5
    assert got["reply_time_business_mean"] == pytest.approx(sum(biz) / 5)
    assert got["reply_time_business_median"] == biz[2]
    assert got["reply_time_business_p90"] == biz[4]


def test_even_count_median_is_mean_of_middles(thread_store):
    from engagelens.metrics.base import Filters

    f = Filters(end=dt.datetime(2026, 11, 24))  # drops c7: answered times 0, 600, 1800, 7200
    df = compute(thread_store, ["reply_time_median"], by="total", filters=f).to_pandas()
    assert float(df.reply_time_median.iloc[0]) == (600 + 1800) / 2


def test_by_agent_uses_first_reply(thread_store):
    df = value(thread_store, "answered_count", by="agent").set_index("agent")
    # first replies: c1 ann, c2 bob (b2 at 12:00 precedes ann's b2b), c4 bob, c6 ann, c7 bob
    assert df.loc["ann", "answered_count"] == 2
    assert df.loc["bob", "answered_count"] == 3


def test_by_day_and_business_calendar_setting(thread_store):
    df = value(thread_store, "inbound_volume", by="day").set_index("day")
    assert {str(k)[:10]: int(v) for k, v in df.inbound_volume.items()} == {
        "2026-11-23": 6,
        "2026-11-27": 1,
    }
    # 24/7 calendar: business time equals raw time
    df = value(
        thread_store,
        "reply_time_business_p90",
        business_hours="00:00-24:00",
        business_days="mon,tue,wed,thu,fri,sat,sun",
    )
    assert float(df.reply_time_business_p90.iloc[0]) == 237600


def test_replies_per_conversation_and_questions(thread_store):
    # roots: c1 c2 c4 c5 c6 c7 (c3 answers c1; c5's parent is missing → root);
    # direct brand replies to roots: 1 + 2 + 1 + 0 + 1 + 1 = 6
    assert float(value(thread_store, "replies_per_conversation").iloc[0, 0]) == 1.0
    # without text analysis a question has '?': c1 (answered), c3 (not)
    assert float(value(thread_store, "question_reply_rate").iloc[0, 0]) == 0.5


def test_business_seconds_python_matches_hand():
    from engagelens.engage.calendar import BusinessCalendar

    cal = BusinessCalendar.from_settings({})
    fri = int(dt.datetime(2026, 11, 27, 16, tzinfo=dt.UTC).timestamp())
    mon = int(dt.datetime(2026, 11, 30, 10, tzinfo=dt.UTC).timestamp())
    assert cal.python_seconds(fri, mon) == 7200


def test_weekly_goals(thread_store):
    from engagelens.engage.goals import weekly_report

    weeks = weekly_report(
        thread_store, settings={"reply_rate_goal": 0.8, "reply_target_minutes": 60}
    )
    # week of 2026-11-23: inbound c1..c7 = 7, answered 5 → 71% < 80%;
    # business times 0, 600, 1800, 7200, 7200 → median 1800 ≤ 3600
    assert [w.week for w in weeks] == ["2026-11-23"]
    w = weeks[0]
    assert (w.inbound, w.answered, w.reply_rate_met, w.reply_time_met) == (7, 5, False, True)
    assert w.business_median_seconds == 1800


@pytest.mark.parametrize("by", ["total", "day", "account"])
def test_summary_equals_registry_metrics(thread_store, by):
    from engagelens.engage.measures import summary

    names = [
        "inbound_volume",
        "answered_count",
        "reply_rate",
        "reply_time_mean",
        "reply_time_median",
        "reply_time_p90",
    ]
    keys = {"total": [], "day": ["day"], "account": ["platform", "account_id"]}[by]
    a = (
        summary(thread_store, by=by)
        .to_pandas()
        .sort_values(keys or names[:1])
        .reset_index(drop=True)
    )
    b = (
        compute(thread_store, names, by=by)
        .to_pandas()
        .sort_values(keys or names[:1])
        .reset_index(drop=True)
    )
    for n in names:
        assert [float(x) for x in a[n]] == pytest.approx([float(x) for x in b[n]], nan_ok=True), n
