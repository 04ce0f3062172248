"""The fair leaderboard: each anti-abuse rule on a hand-built fixture, the daily cap worked by
hand, badges, per-person totals, and the CLI/API on the same store."""

import datetime as dt
import json

import httpx
import pytest
from typer.testing import CliRunner

from engagelens.audience import link_persons
from engagelens.audience.gamification import BADGES, fair_leaderboard
from engagelens.audience.points import DEFAULT_POINTS as P
from engagelens.cli.main import app, main
from engagelens.errors import ConfigError

D = dt.datetime(2026, 3, 2, 9)  # a Monday


def _i(k, actor, kind, day=0, text=None, content="c1", minute=0, platform="x", brand=False):
    return {"platform": platform, "interaction_id": str(k), "content_id": content,
            "actor_id": actor, "kind": kind, "text": text, "is_brand": brand,
            "occurred_at": D + dt.timedelta(days=day, minutes=minute)}  # fmt: skip


ROWS = [
    _i(1, "ana", "comment", text="Love it"),
    _i(2, "ana", "comment", text="  love   IT!! ", minute=1),  # the same text again
    _i(3, "ana", "like", content="own"),  # her own post
    _i(4, "ana", "comment", text="cheap followers here", minute=2),  # labelled spam
    *[_i(10 + m, "bob", "share", minute=m) for m in range(5)],  # 25 points on day 0
    _i(20, "bob", "share", day=1),
    *[_i(30 + w, "carl", "like", day=7 * w) for w in range(4)],  # four different weeks
    _i(40, "dan", "like"),
    _i(41, "dan2", "comment", text="great", platform="instagram"),
    _i(50, "brand", "reply", text="thanks", brand=True),
]


@pytest.fixture
def board_store(store):
    posts = [("c1", "brand"), ("own", "ana")]
    store.insert("content", [{"platform": "x", "content_id": c, "account_id": a} for c, a in posts])
    store.insert("interaction", ROWS)
    store.insert("text_analysis", [{"source_table": "interaction", "platform": "x",
                                    "source_id": "4", "backend": "t", "backend_version": "1",
                                    "quality": "spam"}])  # fmt: skip
    return store


def test_rules_cap_and_badges_by_hand(board_store):
    rows = {r["actor_id"]: r for r in fair_leaderboard(board_store)}
    # 25, 4, then the tie at 3 broken by platform (instagram before x), then 1
    assert list(rows) == ["bob", "carl", "dan2", "ana", "dan"]
    bob = rows["bob"]
    # day 0: 5 shares x 5 = 25, capped at 20; day 1: 5 -> 25 of 30
    assert (bob["points"], bob["raw_points"], bob["capped_points"]) == (20 + P["share"], 30, 5)
    assert bob["badges"] == ["amplifier", "podium"] and bob["active_days"] == 2
    ana = rows["ana"]
    assert ana["points"] == P["comment"] and ana["interactions"] == 1
    assert (ana["excluded_duplicate"], ana["excluded_self"], ana["excluded_spam"]) == (1, 1, 1)
    assert ana["badges"] == ["first_words"] and ana["rank"] == 4  # fourth: off the podium
    assert rows["dan2"]["badges"] == ["first_words", "podium"]
    carl = rows["carl"]
    assert carl["points"] == 4 * P["like"] and carl["active_weeks"] == 4
    assert carl["badges"] == ["regular", "podium"]
    assert rows["dan"]["badges"] == [] and "brand" not in rows
    tight = {r["actor_id"]: r["points"] for r in fair_leaderboard(board_store, daily_cap=3)}
    assert tight["bob"] == 3 + 3 and tight["carl"] == 4  # one capped day each for bob
    custom = fair_leaderboard(board_store, points={"like": 10}, limit=1)
    assert custom[0]["actor_id"] == "carl" and custom[0]["points"] == 4 * 10  # under the cap
    capped = fair_leaderboard(board_store, points={"like": 10}, daily_cap=5, limit=1)
    assert capped[0]["points"] == 4 * 5 and capped[0]["capped_points"] == 20
    assert {b.name for b in BADGES} >= {"first_words", "amplifier", "regular", "podium"}


def test_per_person_and_period(board_store):
    accounts = [("x", "dan"), ("instagram", "dan2")]
    link_persons(board_store, [{"platform": p, "author_id": a, "person": "D"} for p, a in accounts])
    rows = {r["actor_id"]: r for r in fair_leaderboard(board_store, per="person")}
    dan = next(r for k, r in rows.items() if k.startswith("p-"))
    assert dan["points"] == P["like"] + P["comment"] and dan["platform"] == "person"
    assert rows["x:carl"]["points"] == 4
    later = fair_leaderboard(board_store, start=D + dt.timedelta(days=1))
    assert {r["actor_id"]: r["points"] for r in later} == {"carl": 3, "bob": 5}
    with pytest.raises(ConfigError):
        fair_leaderboard(board_store, daily_cap=0)
    with pytest.raises(ConfigError):
        fair_leaderboard(board_store, per="household")


def test_cli_and_api(board_store, tmp_path):
    db = board_store.url
    board_store.close()
    r = CliRunner().invoke(app, ["audience", "leaderboard", "--json", "--daily-cap", "3",
                                 "--db", db])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)[0] == {**json.loads(r.output)[0], "actor_id": "bob", "points": 6}
    r = CliRunner().invoke(app, ["audience", "leaderboard", "--points", '{"like": 10}',
                                 "--limit", "1", "--json", "--db", db])  # fmt: skip
    assert json.loads(r.output)[0]["actor_id"] == "carl"
    r = CliRunner().invoke(app, ["audience", "leaderboard", "--db", db])
    assert r.exit_code == 0 and "bob" in r.output
    assert main(["audience", "leaderboard", "--points", "{oops", "--db", db]) == 2
    assert main(["audience", "leaderboard", "--points", '{"like": 1.5}', "--db", db]) == 2
    assert main(["audience", "leaderboard", "--daily-cap", "0", "--db", db]) == 2

    from engagelens.api import Control, create_app
    from engagelens.api.testing import live_server
    from engagelens.store import Store

    control = Control(tmp_path / "data")
    control.create_workspace("shop", "Shop")
    with Store.open(control.workspace_path("shop")) as s:
        s.insert("interaction", ROWS)
    token = control.create_token("shop", "viewer").token
    app_ = create_app(tmp_path / "data", settings={"api_rate_limit_per_minute": 1_000_000})
    with live_server(app_) as url, httpx.Client(
        base_url=url + "/api/v1/workspaces/shop", timeout=60,
        headers={"Authorization": f"Bearer {token}"},
    ) as client:  # fmt: skip
        r = client.get("/audience/leaderboard", params={"daily_cap": 3})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["items"][0]["actor_id"] == "bob" and body["items"][0]["points"] == 6
        assert {b["name"] for b in body["badges"]} == {b.name for b in BADGES}
        assert client.get("/audience/leaderboard", params={"daily_cap": 0}).status_code == 422
