"""Recommendations per segment on a hand-made store: shrunken lift and the held-out check are
recomputed here by hand; the CLI and the API (a live server) give the same answer."""

from __future__ import annotations

import datetime as dt
import json

import httpx
import pytest

from engagelens.audience.recommend import recommend, slot_of, summary
from engagelens.cli.main import main
from engagelens.errors import ConfigError
from engagelens.store import Store

JAN = (dt.datetime(2026, 1, 1), dt.datetime(2026, 2, 1))
FEB = (dt.datetime(2026, 2, 1), dt.datetime(2026, 3, 1))


def _fill(store: Store) -> None:
    store.insert("account", [{"platform": "instagram", "account_id": "brand", "is_own": True}])
    posts, events = [], []

    def post(cid, kind, day, month=1):
        posts.append({"platform": "instagram", "content_id": cid, "account_id": "brand",
                      "created_at": dt.datetime(2026, month, day, 10), "kind": kind})  # fmt: skip

    def event(cid, actor, kind, day, month=1):
        events.append({"platform": "instagram", "interaction_id": f"{cid}-{actor}-{len(events)}",
                       "content_id": cid, "actor_id": actor, "kind": kind,
                       "occurred_at": dt.datetime(2026, month, day, 12)})  # fmt: skip

    # January: 4 videos with 2 comments each (c1, c2) and 4 photos with none; r1 likes all 8
    for i in range(4):
        post(f"v{i}", "video", 2 + i)
        event(f"v{i}", "c1", "comment", 2 + i)
        event(f"v{i}", "c2", "comment", 2 + i)
        event(f"v{i}", "r1", "like", 2 + i)
        post(f"p{i}", "photo", 10 + i)
        event(f"p{i}", "r1", "like", 10 + i)
    # February: 2 videos with 1 comment each, 2 photos of which one got a comment
    for i in range(2):
        post(f"fv{i}", "video", 2 + i, 2)
        event(f"fv{i}", "c1", "comment", 2 + i, 2)
        post(f"fp{i}", "photo", 10 + i, 2)
    event("fp0", "c2", "comment", 10, 2)
    store.insert("content", posts)
    store.insert("interaction", events)


def test_commenters_video_lift_is_shrunk_and_checked_later(store):
    _fill(store)
    recs = recommend(store, train=JAN, test=FEB, features=("format",), min_posts=2)
    [video] = [r for r in recs if r.segment == "commenter"]
    # by hand: commenter interactions per January post = (4·2 + 4·0) / 8 = 1.0
    # video, shrunk with prior weight 2: (8 + 2·1.0) / (4 + 2) = 5/3 → lift 2/3
    assert (video.feature, video.value, video.posts) == ("format", "video", 4)
    assert video.response == 2.0 and video.baseline == 1.0
    assert video.lift == pytest.approx(2 / 3)
    # February: baseline (1 + 1 + 1 + 0) / 4 = 0.75; videos 1.0 → +1/3
    assert video.held_out_posts == 2 and video.held_out_baseline == pytest.approx(0.75)
    assert video.held_out_lift == pytest.approx(1 / 3)
    assert "held: +33% on 2 posts" in video.sentence()
    # reactors like every post alike: no format beats the usual post, so nothing for them
    assert [r for r in recs if r.segment == "reactor"] == []
    assert summary(recs) == {"recommendations": 1, "checked": 1, "held": 1,
                             "mean_held_out_lift": pytest.approx(1 / 3)}  # fmt: skip


def test_rare_and_universal_values_are_not_recommended(store):
    _fill(store)
    # min_posts 5: four videos are too few to trust
    assert recommend(store, train=JAN, features=("format",), min_posts=5) == []
    # every post is published on a weekday morning: a value on every post is no choice
    assert slot_of(dt.datetime(2026, 1, 2, 10)) == "weekday morning"
    assert recommend(store, train=JAN, features=("slot",), min_posts=1) == []
    # all features run on posts without captions or hashtags
    assert {r.feature for r in recommend(store, train=JAN, min_posts=2)} == {"format"}


def test_slots_follow_the_time_zone():
    sunday_utc_23h = dt.datetime(2026, 1, 4, 23)
    assert slot_of(sunday_utc_23h) == "weekend night"
    assert slot_of(sunday_utc_23h, "Asia/Ho_Chi_Minh") == "weekday morning"  # Monday 06:00


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"train": JAN, "test": (dt.datetime(2026, 1, 15), FEB[1])}, "must start after"),
        ({"train": (JAN[1], JAN[0])}, "must be after the start"),
        ({"train": JAN, "segments": ("lurker",)}, "unknown segment"),
        ({"train": JAN, "features": ("colour",)}, "unknown feature"),
        ({"train": JAN, "timezone": "Mars/Olympus"}, "unknown time zone"),
        ({"train": (dt.datetime(2020, 1, 1), dt.datetime(2020, 2, 1))}, "no own posts"),
    ],
)
def test_bad_requests_say_what_is_wrong(store, kwargs, message):
    _fill(store)
    with pytest.raises(ConfigError, match=message):
        recommend(store, **kwargs)


def test_cli_and_api_give_the_library_answer(tmp_path, capsys):
    from engagelens.api import Control, create_app
    from engagelens.api.testing import live_server

    control = Control(tmp_path / "data")
    control.create_workspace("shop", "Shop")
    with Store.open(control.workspace_path("shop")) as s:
        _fill(s)
    db = str(control.workspace_path("shop"))
    argv = ["audience", "recommend", "--train-from", "2026-01-01", "--train-to", "2026-02-01",
            "--test-from", "2026-02-01", "--test-to", "2026-03-01", "--feature", "format",
            "--min-posts", "2", "--db", db]  # fmt: skip
    assert main([*argv, "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    assert [(r["segment"], r["value"]) for r in cli["items"]] == [("commenter", "video")]
    assert main(argv) == 0
    assert "Commenters: video posts drew 2.0 interactions" in capsys.readouterr().out
    half = ["audience", "recommend", "--train-from", "2026-01-01", "--train-to", "2026-02-01",
            "--test-from", "2026-02-01", "--db", db]  # fmt: skip
    assert main(half) == 2  # --test-to missing
    assert "--test-from and --test-to go together" in capsys.readouterr().err

    token = control.create_token("shop", "viewer").token
    app = create_app(tmp_path / "data", settings={"api_rate_limit_per_minute": 1_000_000})
    params = {"train_from": "2026-01-01", "train_to": "2026-02-01", "test_from": "2026-02-01",
              "test_to": "2026-03-01", "feature": "format", "min_posts": 2}  # fmt: skip
    with live_server(app) as url:
        r = httpx.get(
            f"{url}/api/v1/workspaces/shop/audience/recommendations",
            params=params,
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )
        assert r.status_code == 200, r.text
        assert r.json()["items"] == cli["items"]
        bad = httpx.get(
            f"{url}/api/v1/workspaces/shop/audience/recommendations",
            params={**params, "segment": "lurker"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )
        assert bad.status_code in (400, 422) and "unknown segment" in bad.text
