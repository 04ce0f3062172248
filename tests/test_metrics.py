"""Metric registry and catalogue: every metric's value on a hand-computed fixture.

The fixture (tests/fixtures/metrics/small.json) is small enough to check with a pencil; each
expected number below carries its arithmetic. Edge cases it holds: zero reach (p2), missing
followers (p4), a post with no interactions and no snapshot (p3), a comment at 23:30 UTC
(midnight in Paris), a duplicated event row (c3 twice), a brand reply (r1, not counted), and
contents with both snapshots and events (p2 comments, p4 likes: events win, never summed).
"""

from __future__ import annotations

import datetime as dt
import math

import pytest

from engagelens.errors import MetricError, UnknownMetric, UnsupportedGrain
from engagelens.metrics import Filters, all_metrics, baseline, compute, get_metric
from engagelens.metrics.fixtures import load_fixture

N = None

# content grain: p1, p2, p3, p4 (hand-computed; see the fixture)
CONTENT = {
    "likes": [30, 10, 0, 2],  # p2: snapshot (no like events); p4: 2 events beat snapshot 50
    "comments": [5, 3, 0, 0],  # p2: c1, c2, c3 (c3 twice = once; brand r1 excluded) beat 99
    "shares": [5, 2, 0, 1],
    "saves": [0, 0, 0, 0],
    "clicks": [0, 0, 0, 8],
    "video_views": [0, 100, 0, 4],
    "posts": [1, 1, 1, 1],
    "interactions": [40, 15, 0, 3],
    # p2: 10·1 + 2·6 + (6 + 1 + 4) comments + 20·3 completed + 80·0.1 = 101
    # p4: 2·1 + 1·6 + 1·3 completed + 3·0.1 = 11.3
    "engagement_score": [80.0, 101.0, 0.0, 11.3],
    "engagement_rate_by_reach": [50 / 1000, N, N, N],  # p2 reach 0 -> null
    "engagement_rate_by_reach_pooled": [50 / 1000, N, N, N],
    "engagement_rate_by_impressions": [40 / 2000, 15 / 500, N, 3 / 400],
    "engagement_rate_by_impressions_pooled": [40 / 2000, 15 / 500, N, 3 / 400],
    # p1 followers from account_snapshot 2024-01-01 (900); p2 from its snapshot (960);
    # p3 from C's snapshot (500); p4: no follower data -> null
    "engagement_rate_by_followers": [40 / 900, 15 / 960, 0.0, N],
    "engagement_rate_by_followers_pooled": [40 / 900, 15 / 960, 0.0, N],
    "engagement_rate_by_views": [N, 15 / 100, N, 3 / 4],
    "engagement_rate_by_views_pooled": [N, 15 / 100, N, 3 / 4],
    "amplification_rate": [5.0, 2.0, 0.0, 1.0],
    "amplification_rate_by_followers": [5 / 900, 2 / 960, 0.0, N],
    "conversation_rate": [5.0, 3.0, 0.0, 0.0],
    "applause_rate": [30.0, 10.0, 0.0, 2.0],
    "virality_rate": [5 / 2000, 2 / 500, N, 1 / 400],
    "ctr": [0.0, 0.0, N, 8 / 400],
    "average_watch_time": [N, 1500 / 100, N, (2 + 2 + 10 + 30) / 4],
    "completion_rate": [N, 20 / 100, N, 1 / 4],
    "daily_engagement_rate": [40 / 900, 15 / 960, 0.0, N],
    "interactions_baseline_mean": [N, 40.0, N, N],  # p2's previous post is p1
    "interactions_vs_baseline": [N, 15 / 40, N, N],
    "interactions_baseline_z": [N, N, N, N],  # one neighbour: no std
    # conversions k1 (100, p1) and k2 (50, p2); spend p1 40, p4 10; p2, p3 unpaid
    "attributed_revenue": [100.0, 50.0, 0.0, 0.0],
    "roi": [(100 - 40) / 40, N, N, (0 - 10) / 10],
}

# total grain, UTC
TOTAL = {
    "net_follows": 1,  # f1 + f2 − f3
    "follower_growth_rate": ((1000 + 550) - (900 + 500)) / (900 + 500),
    "participation_rate": (5 + 4) / (1000 + 200),  # A: u1..u5 of 1000; B: u1,u6,u7,u8 of 200
    "activity_frequency": 13 / (8 * 1),  # 13 events, 8 actors, 1 month (UTC)
    "conversion_rate": 1 / 4,
    "bounce_rate": 1 / 3,  # s4's flag unknown
    "average_time_on_site": (30 + 90 + 60 + 0) / 4,
    "arpu": (100 + 50) / 3,  # visitors v1, v2, v3
    # e-mails are (campaign, recipient) pairs: jan delivered r1..r3; feb reports no
    # deliveries, so delivered = sent {r1, r2} − bounced {r2} = {r1}: 4 delivered e-mails.
    # Opens: (jan, r1) twice = once, (jan, r2), (feb, r1) -> 3; click (jan, r1); unsub (jan, r3)
    "email_open_rate": 3 / 4,
    "email_click_rate": 1 / 4,
    "email_click_to_open_rate": 1 / 3,
    "email_unsubscribe_rate": 1 / 4,
    "nps": 100 * (3 - 2) / 6,
    "attributed_revenue": 150.0,
    "roi": ((100 + 0) - (40 + 10)) / (40 + 10),  # p2's revenue was not paid for
    # no poll, quiz or contest in this fixture: not applicable (null), never 0; counted by
    # hand on interactive posts in tests/test_metrics_interactive.py
    "interactive_participation_rate": None,
    "quiz_completion_rate": None,
    "contest_entries": None,
}


def _close(a, b) -> bool:
    if a is None or b is None or (isinstance(a, float) and math.isnan(a)):
        return (a is None or (isinstance(a, float) and math.isnan(a))) and b is None
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)


@pytest.fixture
def fx(store, fixtures_dir):
    load_fixture(store, fixtures_dir / "metrics" / "small.json")
    return store


def _rows(table, key):
    return {tuple(r[k] for k in key): r for r in table.to_pyarrow().to_pylist()}


def _core_metrics():
    return [m for m in all_metrics() if m.build.__module__.startswith("engagelens.metrics.")]


def test_every_metric_declares_every_part():
    assert len(all_metrics()) >= 30
    for m in all_metrics():
        for part in ("name", "title", "description", "formula", "unit", "source"):
            assert isinstance(getattr(m, part), str) and getattr(m, part).strip(), (m.name, part)
        assert m.grains and m.requires and callable(m.build), m.name


def test_required_names_are_registered():
    for name in (
        "interactions",
        "engagement_score",
        "engagement_rate_by_reach",
        "engagement_rate_by_impressions",
        "engagement_rate_by_followers",
        "amplification_rate",
        "conversation_rate",
        "applause_rate",
        "virality_rate",
        "reply_rate",
        "reply_time_median",
        "participation_rate",
        "ctr",
        "conversion_rate",
        "bounce_rate",
        "nps",
        "roi",
    ):
        assert get_metric(name).name == name


def test_fixture_covers_every_core_metric():
    assert {m.name for m in _core_metrics()} == set(CONTENT) | set(TOTAL)


def test_content_grain_values(fx):
    t = compute(fx, list(CONTENT), by="content")
    assert t.columns[:2] == ("platform", "content_id")
    rows = _rows(t, ["content_id"])
    for name, expected in CONTENT.items():
        for cid, want in zip(("p1", "p2", "p3", "p4"), expected, strict=False):
            got = rows[(cid,)][name]
            assert _close(got, want), (name, cid, got, want)


def test_total_grain_values(fx):
    row = compute(fx, list(TOTAL), by="total").to_pyarrow().to_pylist()
    assert len(row) == 1
    for name, want in TOTAL.items():
        assert _close(row[0][name], want), (name, row[0][name], want)


def test_content_metrics_add_up_at_total(fx):
    row = (
        compute(
            fx,
            [
                "interactions",
                "posts",
                "engagement_rate_by_impressions",
                "engagement_rate_by_impressions_pooled",
            ],
            by="total",
        )
        .to_pyarrow()
        .to_pylist()[0]
    )
    assert row["interactions"] == 58 and row["posts"] == 4
    assert _close(
        row["engagement_rate_by_impressions"], (0.02 + 0.03 + 0.0075) / 3
    )  # mean of posts
    assert _close(row["engagement_rate_by_impressions_pooled"], 58 / 2900)  # pooled


def test_mean_of_posts_differs_from_pooled_by_account(fx):
    rows = _rows(
        compute(
            fx,
            ["engagement_rate_by_impressions", "engagement_rate_by_impressions_pooled"],
            by="account",
        ),
        ["account_id"],
    )
    assert _close(rows[("A",)]["engagement_rate_by_impressions"], (0.02 + 0.03) / 2)
    assert _close(rows[("A",)]["engagement_rate_by_impressions_pooled"], 55 / 2500)
    assert rows[("C",)]["engagement_rate_by_impressions"] is None  # no impressions: null


def test_email_by_campaign_and_sent_minus_bounced(fx):
    rows = _rows(
        compute(fx, ["email_open_rate", "email_click_to_open_rate"], by="campaign"), ["campaign"]
    )
    assert _close(rows[("jan",)]["email_open_rate"], 2 / 3)
    assert _close(rows[("feb",)]["email_open_rate"], 1.0)  # delivered = sent 2 − bounced 1
    assert _close(rows[("feb",)]["email_click_to_open_rate"], 0.0)


def test_email_rates_count_campaign_recipient_pairs(store):
    """One person opening two campaigns opened two e-mails (standard definitions: unique
    opens ÷ delivered, per e-mail). Counting distinct recipients gave 1/2 here."""
    from engagelens.metrics.fixtures import parse_rows

    events = []
    for camp in ("a", "b"):
        for r in ("r1", "r2"):
            events.append(
                {
                    "event_id": f"{camp}{r}d",
                    "campaign": camp,
                    "recipient_id": r,
                    "kind": "delivered",
                    "occurred_at": "2024-05-01 08:00:00",
                }
            )
        events.append(
            {
                "event_id": f"{camp}o",
                "campaign": camp,
                "recipient_id": "r1",
                "kind": "open",
                "occurred_at": "2024-05-02 09:00:00",
            }
        )  # next day
    events.append(
        {
            "event_id": "bc",
            "campaign": "b",
            "recipient_id": "r1",
            "kind": "click",
            "occurred_at": "2024-05-02 09:01:00",
        }
    )
    store.insert("email_event", parse_rows("email_event", events))
    names = ["email_open_rate", "email_click_rate", "email_click_to_open_rate"]
    row = compute(store, names, by="total").to_pyarrow().to_pylist()[0]
    assert _close(row["email_open_rate"], 2 / 4)  # (a, r1), (b, r1) of 4 e-mails
    assert _close(row["email_click_rate"], 1 / 4)
    assert _close(row["email_click_to_open_rate"], 1 / 2)
    # opens count on the send day, so a day's rate is never above 100 %
    days = _rows(compute(store, ["email_open_rate"], by="day"), ["day"])
    assert list(days) == [(dt.date(2024, 5, 1),)]
    assert _close(days[(dt.date(2024, 5, 1),)]["email_open_rate"], 0.5)


def test_roi_by_campaign_and_kind(fx):
    rows = _rows(compute(fx, ["roi", "attributed_revenue"], by="campaign"), ["campaign"])
    assert _close(rows[("spring",)]["roi"], (100 - 40) / 40)  # p1 paid, p2 organic
    assert _close(rows[("spring",)]["attributed_revenue"], 150.0)
    assert _close(rows[(None,)]["roi"], -1.0)  # p4: spent, no revenue


def test_old_store_gains_spend_and_inserts_by_name(tmp_path):
    """A store made before content.spend existed gets the column appended on open; inserts
    then match columns by name, not position."""
    from engagelens.metrics.fixtures import parse_rows
    from engagelens.store import Store

    path = tmp_path / "old.duckdb"
    with Store.open(path) as s:
        s.sql('ALTER TABLE content DROP COLUMN "spend"')
    with Store.open(path) as s:
        assert s.table("content").columns[-1] == "spend"
        s.insert(
            "content",
            parse_rows(
                "content",
                [
                    {
                        "platform": "x",
                        "content_id": "t",
                        "account_id": "B",
                        "language": "fr",
                        "created_at": "2024-03-01 10:00:00",
                        "spend": 5.0,
                    }
                ],
            ),
        )
        s.insert(
            "conversion",
            parse_rows(
                "conversion",
                [
                    {
                        "conversion_id": "k",
                        "occurred_at": "2024-03-02 10:00:00",
                        "value": 7.5,
                        "content_id": "t",
                    }
                ],
            ),
        )
        row = s.table("content").to_pyarrow().to_pylist()[0]
        assert (row["language"], row["spend"]) == ("fr", 5.0)
        got = compute(s, ["roi"], by="content").to_pyarrow().to_pylist()[0]["roi"]
        assert _close(got, (7.5 - 5) / 5)


def test_time_zone_moves_events_across_midnight(fx):
    utc = _rows(compute(fx, ["posts"], by="day"), ["day"])
    paris = _rows(compute(fx, ["posts"], by="day", settings={"timezone": "Europe/Paris"}), ["day"])
    assert utc[(dt.date(2024, 1, 10),)]["posts"] == 1 and (dt.date(2024, 1, 11),) not in utc
    assert paris[(dt.date(2024, 1, 11),)]["posts"] == 1 and (dt.date(2024, 1, 10),) not in paris
    # f2 (follow at 2024-01-31 23:30 UTC) is February in Paris: two active months
    af = compute(
        fx, ["activity_frequency", "net_follows"], by="month", settings={"timezone": "Europe/Paris"}
    )
    months = _rows(af, ["month"])
    assert months[(dt.date(2024, 2, 1),)]["net_follows"] == 1
    assert months[(dt.date(2024, 1, 1),)]["net_follows"] == 0
    total = (
        compute(fx, ["activity_frequency"], by="total", settings={"timezone": "Europe/Paris"})
        .to_pyarrow()
        .to_pylist()[0]
    )
    assert _close(total["activity_frequency"], 13 / (8 * 2))


def test_week_starts_monday(fx):
    rows = _rows(compute(fx, ["posts"], by="week"), ["week"])
    # p1 Fri 5 Jan -> Mon 1 Jan; p2 Wed 10 Jan and p4 Mon 15 Jan; p3 Sat 20 Jan -> Mon 15 Jan
    assert {k[0]: r["posts"] for k, r in rows.items()} == {
        dt.date(2024, 1, 1): 1,
        dt.date(2024, 1, 8): 1,
        dt.date(2024, 1, 15): 2,
    }


def test_filters_ownership_and_dates(fx):
    def posts(**kw):
        return (
            compute(fx, ["posts"], by="total", filters=Filters(**kw))
            .to_pyarrow()
            .column(0)[0]
            .as_py()
        )

    assert posts(ownership="own") == 3
    assert posts(ownership="competitor") == 1
    assert posts(start=dt.datetime(2024, 1, 10), end=dt.datetime(2024, 1, 16)) == 2
    assert posts(platforms=("x",)) == 1
    assert posts(campaigns=("spring",)) == 2


def test_snapshot_and_events_are_not_double_counted(store):
    from engagelens.metrics.fixtures import parse_rows

    store.insert(
        "content",
        parse_rows(
            "content",
            [
                {
                    "platform": "x",
                    "content_id": "t",
                    "account_id": "B",
                    "created_at": "2024-03-01 10:00:00",
                }
            ],
        ),
    )
    store.insert(
        "content_snapshot",
        parse_rows(
            "content_snapshot",
            [
                {
                    "platform": "x",
                    "content_id": "t",
                    "as_of": "2024-03-02 00:00:00",
                    "likes": 10,
                    "comments": 4,
                    "shares": 2,
                }
            ],
        ),
    )
    store.insert(
        "interaction",
        parse_rows(
            "interaction",
            [
                {
                    "platform": "x",
                    "interaction_id": f"l{i}",
                    "content_id": "t",
                    "kind": "like",
                    "occurred_at": "2024-03-01 11:00:00",
                }
                for i in range(3)
            ],
        ),
    )
    row = (
        compute(store, ["likes", "comments", "shares", "interactions"], by="content")
        .to_pyarrow()
        .to_pylist()[0]
    )
    # likes from the 3 events (not 10, not 13); comments and shares from the snapshot
    assert (row["likes"], row["comments"], row["shares"], row["interactions"]) == (3, 4, 2, 9)


def test_empty_store_gives_empty_results_not_errors(store):
    assert compute(store, ["interactions"], by="content").to_pyarrow().num_rows == 0
    row = compute(store, ["nps", "bounce_rate"], by="total").to_pyarrow().to_pylist()
    assert row == [{"nps": None, "bounce_rate": None}]


def test_unknown_metric_and_grain_are_clear_errors(fx):
    with pytest.raises(UnknownMetric, match="did you mean"):
        compute(fx, ["interaction"], by="content")
    with pytest.raises(UnsupportedGrain):
        compute(fx, ["nps"], by="content")
    with pytest.raises(UnsupportedGrain):
        compute(fx, ["interactions"], by="fortnight")
    with pytest.raises(MetricError):
        compute(fx, [], by="content")


def test_engagement_weights_are_configurable(fx):
    t = compute(
        fx,
        ["engagement_score"],
        by="content",
        settings={"engagement_weights": {"share": 0.0, "view": 0.0}},
    )
    rows = _rows(t, ["content_id"])
    assert _close(rows[("p4",)]["engagement_score"], 2 * 1 + 1 * 3)  # likes + completed view


def test_baseline_next_n_posts(store):
    """'69 retweets vs an average of 158 for the next ten posts' is one call."""
    from engagelens.metrics.fixtures import parse_rows

    shares = [69, 100, 200, 150, 158, 170, 140, 160, 180, 120, 202, 1]
    store.insert(
        "content",
        parse_rows(
            "content",
            [
                {
                    "platform": "x",
                    "content_id": f"t{i:02d}",
                    "account_id": "B",
                    "created_at": f"2024-03-{i + 1:02d} 10:00:00",
                }
                for i in range(len(shares))
            ],
        ),
    )
    store.insert(
        "content_snapshot",
        parse_rows(
            "content_snapshot",
            [
                {
                    "platform": "x",
                    "content_id": f"t{i:02d}",
                    "as_of": "2024-04-01 00:00:00",
                    "shares": s,
                }
                for i, s in enumerate(shares)
            ],
        ),
    )
    rows = _rows(baseline(store, "shares", n=10, direction="next"), ["content_id"])
    first = rows[("t00",)]
    nxt = sorted(shares[1:11])
    mean = sum(nxt) / 10
    assert first["value"] == 69 and _close(first["baseline_mean"], mean)
    assert _close(first["baseline_median"], (nxt[4] + nxt[5]) / 2)
    sd = math.sqrt(sum((x - mean) ** 2 for x in nxt) / 9)
    assert _close(first["z_score"], (69 - mean) / sd)
    assert first["baseline_posts"] == 10
    assert rows[("t11",)]["baseline_posts"] == 0 and rows[("t11",)]["baseline_mean"] is None
    prev = _rows(baseline(store, "shares", n=2, direction="both"), ["content_id"])
    assert _close(prev[("t02",)]["baseline_mean"], (69 + 100 + 150 + 158) / 4)


def test_compute_returns_ibis_with_polars_and_pandas(fx):
    t = compute(fx, ["interactions"], by="platform")
    assert sorted(t.to_polars()["interactions"].to_list()) == [3, 55]
    assert sorted(t.to_pandas()["interactions"].tolist()) == [3, 55]


def test_docs_are_generated_from_the_registry():
    from pathlib import Path

    from engagelens.metrics.docs import render

    text = render()
    for m in all_metrics():
        assert f"### `{m.name}`" in text and m.source in text
    docs = Path(__file__).resolve().parents[1] / "docs" / "metrics.md"
    assert docs.read_text(encoding="utf-8") == text, (
        "run: engagelens metrics docs --out docs/metrics.md"
    )


def test_account_day_grain(fx):
    rows = _rows(
        compute(fx, ["interactions", "net_follows"], by="account_day"), ["account_id", "day"]
    )
    assert rows[("A", dt.date(2024, 1, 10))]["interactions"] == 15
    assert rows[("A", dt.date(2024, 1, 12))]["net_follows"] == 0  # f1 − f3
    assert rows[("A", dt.date(2024, 1, 31))]["net_follows"] == 1  # f2 (UTC)
