"""Best times to post, best hashtags, advocates and influencers on small hand-made fixtures.

Expected figures are recomputed here in plain Python from the fixture rows (zoneinfo for the
local weekday/hour, statistics for mean/median/stdev), never copied from the code under test.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import statistics
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from engagelens.audience import (
    advocate_weights,
    advocates,
    best_times,
    hashtag_performance,
    influencers,
)
from engagelens.cli.main import app, main
from engagelens.errors import EngageLensError
from engagelens.metrics import Filters
from engagelens.metrics.catalog.engagement import DEFAULT_WEIGHTS
from engagelens.store import Store

# (content_id, account, publish time UTC, reach, engaged users, hashtags)
POSTS = [
    ("p1", "brand", dt.datetime(2026, 3, 2, 9, 0), 100, 10, "spring sale"),
    ("p2", "brand", dt.datetime(2026, 3, 9, 9, 30), 200, 30, "#Sale sale"),
    ("p3", "brand", dt.datetime(2026, 3, 16, 9, 10), 100, 5, "spring"),
    ("p4", "brand", dt.datetime(2026, 3, 3, 18, 0), 100, 40, "launch"),
    ("p5", "brand", dt.datetime(2026, 3, 4, 12, 0), 100, 20, "sale"),
    ("p6", "brand", dt.datetime(2026, 3, 11, 12, 0), 50, 10, None),
    ("p7", "brand", dt.datetime(2026, 3, 18, 12, 0), None, None, "sale"),  # reach unknown
    ("p8", "brand", dt.datetime(2026, 3, 8, 23, 30), 100, 35, "spring"),  # Sunday UTC
    ("c1", "rival", dt.datetime(2026, 3, 2, 9, 0), 100, 90, "sale"),  # competitor
]


def _load_posts(store):
    store.insert(
        "account",
        [
            {"platform": "instagram", "account_id": "brand", "is_own": True},
            {"platform": "instagram", "account_id": "rival", "is_competitor": True},
        ],
    )
    store.insert(
        "content",
        [
            {
                "platform": "instagram",
                "content_id": cid,
                "account_id": acc,
                "created_at": ts,
                "kind": "photo",
                "hashtags": tags,
            }
            for cid, acc, ts, _, _, tags in POSTS
        ],
    )
    store.insert(
        "content_snapshot",
        [
            {
                "platform": "instagram",
                "content_id": cid,
                "as_of": ts + dt.timedelta(days=7),
                "reach": reach,
                "engaged_users": engaged,
            }
            for cid, _, ts, reach, engaged, _ in POSTS
            if reach is not None
        ],
    )


def _own():
    return [p for p in POSTS if p[1] == "brand"]


def _rate(post):
    return post[4] / post[3] if post[3] else None


def _expected_cells(tz: str, min_posts: int):
    cells: dict[tuple[int, int], list] = {}
    for post in _own():
        local = post[2].replace(tzinfo=dt.UTC).astimezone(ZoneInfo(tz))
        cells.setdefault((local.weekday(), local.hour), []).append(_rate(post))
    out = {}
    for key, rates in cells.items():
        known = [r for r in rates if r is not None]
        out[key] = {
            "posts": len(rates),
            "rated_posts": len(known),
            "mean": statistics.mean(known) if known else None,
            "se": statistics.stdev(known) / math.sqrt(len(known)) if len(known) > 1 else None,
            "recommended": len(known) >= min_posts,
        }
    return out


@pytest.mark.parametrize("tz", ["UTC", "Asia/Tokyo", "America/New_York"])
def test_best_times_match_hand_computed_cells(store, tz):
    _load_posts(store)
    got = best_times(store, min_posts=2, settings={"timezone": tz})
    want = _expected_cells(tz, min_posts=2)
    assert {(c["weekday"], c["hour"]) for c in got} == set(want)
    for c in got:
        w = want[(c["weekday"], c["hour"])]
        assert (c["posts"], c["rated_posts"], c["recommended"]) == (
            w["posts"],
            w["rated_posts"],
            w["recommended"],
        )
        assert c["engagement_rate_by_reach"] == pytest.approx(w["mean"])
        assert c["std_error"] == pytest.approx(w["se"])
    # recommended cells first, best mean first; a thin cell never outranks them
    recommended = [c for c in got if c["recommended"]]
    assert got[: len(recommended)] == recommended
    means = [c["engagement_rate_by_reach"] for c in recommended]
    assert means == sorted(means, reverse=True)


def test_best_times_thin_cell_is_not_recommended_and_competitors_are_left_out(store):
    _load_posts(store)
    got = best_times(store, min_posts=2)
    top = got[0]
    # Wednesday 12:00 UTC: p5 (0.20), p6 (0.20), p7 unrated -> 3 posts, 2 rated, mean 0.20
    assert (top["weekday_name"], top["hour"], top["posts"], top["rated_posts"]) == ("Wed", 12, 3, 2)
    assert top["engagement_rate_by_reach"] == pytest.approx(0.2)
    tuesday = next(c for c in got if (c["weekday"], c["hour"]) == (1, 18))
    assert tuesday["engagement_rate_by_reach"] == pytest.approx(0.4)  # best rate, one post
    assert not tuesday["recommended"]
    monday9 = next(c for c in got if (c["weekday"], c["hour"]) == (0, 9))
    assert monday9["posts"] == 3  # the rival's Monday 09:00 post (0.90) is not ours
    everyone = best_times(store, min_posts=2, filters=None)
    monday9_all = next(c for c in everyone if (c["weekday"], c["hour"]) == (0, 9))
    assert monday9_all["posts"] == 4 and monday9_all["engagement_rate_by_reach"] == pytest.approx(
        statistics.mean([0.1, 0.15, 0.05, 0.9])
    )


def test_best_times_by_weekday_only(store):
    _load_posts(store)
    got = {c["weekday_name"]: c for c in best_times(store, slot="weekday", min_posts=1)}
    assert set(got) == {"Mon", "Tue", "Wed", "Sun"}
    assert got["Mon"]["engagement_rate_by_reach"] == pytest.approx(
        statistics.mean([0.1, 0.15, 0.05])
    )
    assert "hour" not in got["Mon"]
    with pytest.raises(EngageLensError):
        best_times(store, slot="minute")
    with pytest.raises(EngageLensError):
        best_times(store, min_posts=0)


@pytest.mark.parametrize("end", [None, dt.datetime(2026, 3, 8, 23)])  # 7 or 6 rated posts
def test_hashtag_lift_against_the_accounts_median_post(store, end):
    _load_posts(store)
    rows = {
        r["hashtag"]: r
        for r in hashtag_performance(store, min_posts=2, filters=Filters(ownership="own", end=end))
    }
    own = [p for p in _own() if end is None or p[2] < end]
    median = statistics.median(r for r in map(_rate, own) if r is not None)
    tags: dict[str, set[str]] = {}
    for post in own:
        for tag in (post[5] or "").split():
            tags.setdefault(tag.lower().lstrip("#"), set()).add(post[0])
    assert set(rows) == set(tags)
    rate = {p[0]: _rate(p) for p in own}
    for tag, ids in tags.items():
        known = [rate[i] for i in ids if rate[i] is not None]
        r = rows[tag]
        assert (r["posts"], r["rated_posts"]) == (len(ids), len(known)), tag
        assert r["account_median"] == pytest.approx(median)
        assert r["engagement_rate_by_reach"] == pytest.approx(statistics.mean(known))
        assert r["lift"] == pytest.approx(statistics.mean(known) / median - 1)
        assert r["ranked"] == (len(known) >= 2)
    if end is not None:
        return
    # "#Sale sale" on p2 counts once; the rival's "sale" post is not ours
    assert rows["sale"]["posts"] == 4 and rows["sale"]["rated_posts"] == 3
    ordered = list(hashtag_performance(store, min_posts=2))
    assert [r["hashtag"] for r in ordered][-1] == "launch"  # one post: unranked, last
    lifts = [r["lift"] for r in ordered if r["ranked"]]
    assert lifts == sorted(lifts, reverse=True)


def _ev(i, actor, kind, day=1, brand=False, platform="instagram"):
    return {
        "platform": platform,
        "interaction_id": str(i),
        "actor_id": actor,
        "kind": kind,
        "content_id": "p1",
        "occurred_at": dt.datetime(2026, 3, day, 12),
        "is_brand": brand,
    }


def test_advocates_weigh_shares_over_comments_over_likes(store):
    store.insert(
        "interaction",
        [
            _ev(1, "fan", "share"),
            _ev(2, "fan", "comment", 2),
            _ev(3, "fan", "like", 3),
            _ev(4, "talker", "comment"),
            _ev(5, "talker", "comment"),
            _ev(6, "liker", "like"),
            _ev(7, "liker", "like"),
            _ev(8, "liker", "reaction"),
            *[_ev(10 + k, "lurker", "view") for k in range(5)],
            _ev(20, "clicker", "click"),
            _ev(21, "tagger", "mention"),
            _ev(30, "brand", "reply", brand=True),
            _ev(31, "brand", "share", brand=True),
        ],
    )
    # text analysis calls one of talker's comments spam and the other substantive
    store.insert(
        "text_analysis",
        [
            {
                "source_table": "interaction",
                "platform": "instagram",
                "source_id": sid,
                "backend": "linear",
                "backend_version": "1",
                "quality": q,
            }
            for sid, q in (("4", "spam"), ("5", "substantive"))
        ],
    )
    w = DEFAULT_WEIGHTS
    want = {
        "fan": w["share"] + w["comment"] + w["like"],
        "talker": w["comment_spam"] + w["comment_substantive"],
        "liker": 3 * w["like"],
        "lurker": 5 * w["view"],
        "clicker": 0.0,
        "tagger": w["comment"],  # mentioning the brand counts as a comment
    }
    board = advocates(store).to_pyarrow().to_pylist()
    assert {r["actor_id"]: r["score"] for r in board} == pytest.approx(want)
    assert [r["actor_id"] for r in board] == sorted(want, key=lambda a: (-want[a], a))
    fan = board[0]
    assert (
        fan["interactions"],
        fan["shares"],
        fan["comments"],
        fan["likes"],
        fan["active_days"],
    ) == (3, 1, 1, 1, 3)
    assert board[-1]["interactions"] == 1  # a click counts as an interaction, not as points
    # weights come from the engagement-score settings, overridable
    custom = advocates(store, settings={"engagement_weights": {"like": 10.0}}).to_pyarrow()
    assert custom.to_pylist()[0]["actor_id"] == "liker"
    assert advocate_weights({"engagement_weights": {"like": 10.0}})["share"] == w["share"]
    top2 = advocates(store, limit=2).to_pyarrow().to_pylist()
    assert [r["actor_id"] for r in top2] == sorted(want, key=lambda a: (-want[a], a))[:2]
    later = advocates(store, start=dt.datetime(2026, 3, 2)).to_pyarrow().to_pylist()
    assert {r["actor_id"] for r in later} == {"fan"}


# (mention_id, author, followers, reach, source label, text-analysis label)
MENTIONS = [
    ("m1", "big", 10_000, None, "positive", None),
    ("m2", "big", 10_000, None, "positive", "negative"),  # analysis overrides the source
    ("m3", "mid", 3_000, 2_000, None, "positive"),
    ("m4", "mid", 3_000, 2_500, "positive", None),
    ("m5", "small", 100, None, "positive", None),
    ("m6", "grumpy", 50_000, None, "negative", None),
    ("m7", "quiet", None, None, None, None),
    ("m8", "brand", 1_000_000, None, "positive", None),  # the brand's own account
    ("m9", None, 5_000, 5_000, "positive", None),  # anonymous
]


def test_influencers_by_reach_of_positive_mentions(store):
    store.insert("account", [{"platform": "x", "account_id": "brand", "is_own": True}])
    store.insert(
        "mention",
        [
            {
                "platform": "x",
                "mention_id": mid,
                "author_id": a,
                "author_handle": f"@{a}\u202e",
                "author_followers": f,
                "reach": r,
                "sentiment": s,
                "text": "hi",
                "created_at": dt.datetime(2026, 3, 1),
            }
            for mid, a, f, r, s, _ in MENTIONS
        ],
    )
    store.insert(
        "text_analysis",
        [
            {
                "source_table": "mention",
                "platform": "x",
                "source_id": mid,
                "backend": "linear",
                "backend_version": "1",
                "sentiment": ta,
            }
            for mid, *_, ta in MENTIONS
            if ta
        ],
    )
    want: dict[str, dict[str, int]] = {}
    for _mid, a, f, r, s, ta in MENTIONS:
        if a is None or a == "brand":
            continue
        label, reach = ta or s, r if r is not None else (f or 0)
        row = want.setdefault(a, {"mentions": 0, "positive_reach": 0, "negative_reach": 0})
        row["mentions"] += 1
        if label in ("positive", "negative"):
            row[f"{label}_reach"] += reach
    board = influencers(store).to_pyarrow().to_pylist()
    got = {
        r["author_id"]: {k: r[k] for k in ("mentions", "positive_reach", "negative_reach")}
        for r in board
    }
    assert got == want
    assert [r["author_id"] for r in board][:3] == ["big", "mid", "small"]
    big = board[0]
    assert (big["positive"], big["negative"], big["net_reach"]) == (1, 1, 0)
    quiet = next(r for r in board if r["author_id"] == "quiet")
    assert quiet["unlabelled"] == 1 and quiet["reach"] == 0


def test_audience_commands_end_to_end(tmp_path):
    db = str(tmp_path / "t.duckdb")
    with Store.open(db) as s:
        _load_posts(s)
        s.insert("interaction", [_ev(1, "fan\u202e[bold]", "share"), _ev(2, "liker", "like")])
    r = CliRunner()
    out = r.invoke(app, ["audience", "best-times", "--db", db, "--min-posts", "2", "--json"])
    assert out.exit_code == 0, out.output
    cells = json.loads(out.output)
    assert (cells[0]["weekday_name"], cells[0]["hour"]) == ("Wed", 12)
    out = r.invoke(app, ["audience", "best-times", "--db", db, "--min-posts", "2"])
    assert out.exit_code == 0 and "20.00%" in out.output and "no (< 2 posts)" in out.output
    out = r.invoke(app, ["audience", "hashtags", "--db", db, "--min-posts", "2", "--json"])
    assert out.exit_code == 0, out.output
    assert {row["hashtag"] for row in json.loads(out.output)} == {"sale", "spring", "launch"}
    # wide enough that the actor cell is not cut (the bidi override is removed, not a space)
    out = r.invoke(
        app, ["audience", "advocates", "--db", db, "--show", "audience"], env={"COLUMNS": "200"}
    )
    assert out.exit_code == 0, out.output
    assert "[bold]" in out.output and "\u202e" not in out.output  # escaped, bidi stripped
    out = r.invoke(app, ["audience", "advocates", "--db", db, "--json"])
    data = json.loads(out.output)
    assert data["advocates"][0]["shares"] == 1 and data["influencers"] == []
    assert main(["audience", "best-times", "--db", db, "--slot", "minute"]) == 2
    assert main(["audience", "advocates", "--db", db, "--show", "nobody"]) == 2


def test_brand_segment_and_cascade_commands_take_a_period(tmp_path):
    """influencers/ugc/segments/cascades parse --from/--to (they once raised NameError)."""
    from engagelens.listening.runner import add_query, run

    db = str(tmp_path / "t.duckdb")
    with Store.open(db) as s:
        _load_posts(s)
        s.insert("interaction", [_ev(1, "fan", "share"), _ev(2, "liker", "like")])
        s.insert(
            "mention",
            [{"platform": "x", "mention_id": "m1", "author_id": "fan", "author_followers": 900,
              "created_at": dt.datetime(2024, 3, 6, 12), "text": "I love Lumina Coffee",
              "sentiment": "positive", "reach": 100}],
        )  # fmt: skip
        add_query(s, "lumina", '"lumina coffee"', kind="brand")
        run(s)
    period = ["--from", "2024-01-01", "--to", "2024-12-31", "--db", db, "--json"]
    for cmd in (["influencers", "--brand", "lumina"], ["ugc", "--brand", "lumina"],
                ["segments"], ["cascades"]):  # fmt: skip
        out = CliRunner().invoke(app, ["audience", *cmd, *period])
        assert out.exit_code == 0, (cmd, out.output)
        json.loads(out.output)
    segments = json.loads(CliRunner().invoke(app, ["audience", "segments", *period]).output)
    assert {"segments", "rfm"} <= set(segments)
    assert main(["audience", "segments", "--from", "2024-13-01", "--to", "2024-12-31",
                 "--db", db]) == 2  # fmt: skip
