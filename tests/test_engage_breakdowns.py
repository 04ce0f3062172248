"""Outbound measures per platform, account, agent and week, in a time zone, on a hand-checked
fixture whose replies arrive before the items they answer (tests/fixtures/engage/accounts.csv).

By hand (UTC stored; settings timezone Europe/Paris = UTC+1, business 09–17 Mon–Fri local):

====  =========  =====  ==================  ===================  ==========  =========  =====
item  platform   acct   asked (UTC)         first reply (UTC)    raw s       business   agent
====  =========  =====  ==================  ===================  ==========  =========  =====
f1    facebook   A      Mon 23 08:30        Mon 23 09:00         1800        1800       ann
f2    facebook   A      Mon 23 16:30        Tue 24 08:30         57600       1800       bob
f3    facebook   A      Mon 30 10:00        —                    —           —          —
f4    facebook   C      Wed 25 10:00        Wed 25 10:20         1200        1200       ann
i1    instagram  B      Tue 24 12:00        Tue 24 12:10         600         600        ann
i2    instagram  B      Mon 30 07:00 (dm)   Mon 30 08:30         5400        1800       cy
i3    instagram  B      Sun 29 23:30        —                    —           —          —
====  =========  =====  ==================  ===================  ==========  =========  =====

(f2: Paris 17:30 Mon → 09:30 Tue = 30 business minutes; i2: Paris 08:00 → 09:30 = 30 min;
i3 is Monday 00:30 in Paris, so it falls in the week of 30 Nov there but 23 Nov in UTC.)
Brand rows carry no is_brand flag: they are brand because their actor is an own account.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from engagelens.engage.goals import weekly_report
from engagelens.engage.sample import load_interactions_csv
from engagelens.metrics import compute

FIX = Path(__file__).parent / "fixtures" / "engage" / "accounts.csv"
OWN = (("facebook", "brandA"), ("facebook", "brandC"), ("instagram", "brandB"))
PARIS = {"timezone": "Europe/Paris"}
NAMES = [
    "inbound_volume",
    "answered_count",
    "reply_rate",
    "reply_time_median",
    "reply_time_p90",
    "reply_time_business_median",
    "replies_per_conversation",
]


@pytest.fixture
def acc_store(store):
    load_interactions_csv(store, FIX, own_accounts=OWN)
    return store


def _table(store, by, names=NAMES, settings=None):
    df = compute(store, names, by=by, settings=settings).to_pandas()
    keys = [c for c in df.columns if c not in names]
    out = {}
    for _, r in df.iterrows():
        key = tuple(None if r[k] is None else str(r[k])[:10] for k in keys)
        out[key[0] if len(key) == 1 else key] = tuple(
            None if r[n] != r[n] else float(r[n]) for n in names
        )
    return out


def test_by_platform(acc_store):
    got = _table(acc_store, "platform", settings=PARIS)
    #             inbound answered rate  median p90    biz median  replies/conversation
    assert got == {
        "facebook": (4, 3, 0.75, 1800, 57600, 1800, 0.75),
        "instagram": (3, 2, 2 / 3, 3000, 5400, 1200, 2 / 3),
    }


def test_by_account(acc_store):
    got = _table(acc_store, "account", NAMES[:3])
    assert got == {
        ("facebook", "brandA"): (3, 2, 2 / 3),
        ("facebook", "brandC"): (1, 1, 1.0),
        ("instagram", "brandB"): (3, 2, 2 / 3),
    }


def test_by_agent_of_the_first_reply(acc_store):
    got = _table(acc_store, "agent", ["inbound_volume", "answered_count", "reply_time_mean"])
    assert got == {
        "ann": (3, 3, (1800 + 1200 + 600) / 3),
        "bob": (1, 1, 57600),
        "cy": (1, 1, 5400),
        None: (2, 0, None),
    }


def test_weekly_trend_follows_the_time_zone(acc_store):
    names = ["inbound_volume", "answered_count", "reply_rate"]
    assert _table(acc_store, "week", names) == {
        "2026-11-23": (5, 4, 0.8),
        "2026-11-30": (2, 1, 0.5),
    }
    assert _table(acc_store, "week", names, PARIS) == {
        "2026-11-23": (4, 4, 1.0),
        "2026-11-30": (3, 1, 1 / 3),
    }


def test_totals_raw_and_business(acc_store):
    got = _table(
        acc_store,
        "total",
        [
            "reply_time_mean",
            "reply_time_median",
            "reply_time_p90",
            "reply_time_business_mean",
            "reply_time_business_median",
            "reply_time_business_p90",
        ],
        PARIS,
    )
    # raw [600, 1200, 1800, 5400, 57600]; business [600, 1200, 1800, 1800, 1800]
    assert list(got.values()) == [(66600 / 5, 1800, 57600, 7200 / 5, 1800, 1800)]


def test_weekly_goals_report_per_week(acc_store):
    weeks = weekly_report(
        acc_store, settings={**PARIS, "reply_rate_goal": 0.5, "reply_target_minutes": 25}
    )
    got = [
        (
            w.week,
            w.inbound,
            w.answered,
            w.reply_rate_met,
            w.business_median_seconds,
            w.reply_time_met,
        )
        for w in weeks
    ]
    # week 23: business [600, 1200, 1800, 1800] → median 1500 ≤ 25 min;
    # week 30: i2 only, 1800 > 1500
    assert got == [("2026-11-23", 4, 4, True, 1500, True), ("2026-11-30", 3, 1, False, 1800, False)]
    assert weeks[1].reply_rate == pytest.approx(1 / 3) and weeks[0].target_seconds == 1500


def test_arrival_order_and_batches_do_not_change_figures(store, acc_store):
    """The same rows inserted one by one in reverse order (answers first, items in a later
    batch) give the same figures as the file in one batch."""
    import csv

    rows = list(csv.DictReader(FIX.open(encoding="utf-8")))
    for r in reversed(rows):
        one = {k: (v or None) for k, v in r.items()}
        one["occurred_at"] = dt.datetime.fromisoformat(r["occurred_at"])
        one["actor_followers"] = int(r["actor_followers"]) if r["actor_followers"] else None
        one["is_brand"] = {"false": False, "true": True}.get(r["is_brand"])
        store.insert("interaction", [one])
    store.insert("account", [{"platform": p, "account_id": a, "is_own": True} for p, a in OWN])
    # a second store filled from the file in one batch is the reference
    from engagelens.store import Store

    with Store.open(":memory:") as ref:
        load_interactions_csv(ref, FIX, own_accounts=OWN)
        for by in ("platform", "week"):
            assert _table(store, by, settings=PARIS) == _table(ref, by, settings=PARIS)


def test_business_calendar_rejects_bad_settings(acc_store):
    from engagelens.errors import ConfigError

    for bad in (
        {"business_hours": "17:00-09:00"},
        {"business_hours": "nine-five"},
        {"business_days": "mon,funday"},
    ):
        with pytest.raises(ConfigError):
            compute(acc_store, ["reply_time_business_median"], by="total", settings=bad).to_pandas()
