"""One declaration, one path: a metric declared here — with nothing in api/ or web/ — is on the
API's overview (totals, daily series, both the day-index and the general path) and in the
post rows, with the values its aggregation declares, counted by hand from the seed rows."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from statistics import mean

import httpx
import pytest

from engagelens.api import API_PREFIX
from engagelens.metrics import Metric, compute, register
from engagelens.metrics.aggregation import mean_of_posts, per_post, pooled, total
from engagelens.metrics.facts import CONTENT_GRAINS, safe_div
from engagelens.metrics.registry import unregister
from test_api_support import seed_rows, write_store

NEW = {
    "likes_and_shares": total(lambda f, _ctx: f.likes + f.shares),
    "comments_per_interaction": pooled("comments", "interactions"),
    "shares_per_comment": mean_of_posts(lambda f, _ctx: safe_div(f.shares, f.comments)),
    "comments_per_post": per_post("comments"),
}


@pytest.fixture(scope="module")
def declared():
    for name, agg in NEW.items():
        register(
            Metric(
                name=name,
                title=name,
                description="declared by a test",
                formula=name,
                unit="ratio",
                grains=CONTENT_GRAINS,
                requires=("content", "interaction"),
                source="tests/test_metrics_declared.py",
                aggregation=agg,
            )
        )
    yield
    for name in NEW:
        unregister(name)


@pytest.fixture(scope="module")
def env(declared, tmp_path_factory):
    from engagelens.api import Control, create_app
    from engagelens.api.testing import live_server

    data_dir = tmp_path_factory.mktemp("declared")
    control = Control(data_dir)
    control.create_workspace("acme", "Acme")
    seeded = seed_rows("a", 9)
    write_store(control.workspace_path("acme"), seeded)
    from engagelens.store import Store

    with Store.open(control.workspace_path("acme")) as store:  # before the server opens it
        registry = compute(store, list(NEW), by="total").to_pyarrow().to_pylist()[0]
    token = control.create_token("acme", "viewer").token
    app = create_app(data_dir, settings={"api_rate_limit_per_minute": 1_000_000})
    with live_server(app) as url, httpx.Client(base_url=url, timeout=60) as client:

        def get(path: str, **kw):
            r = client.get(API_PREFIX + path, headers={"Authorization": f"Bearer {token}"}, **kw)
            assert r.status_code == 200, r.text
            return r.json()

        yield seeded, get, registry


def _by_hand(seeded, posts) -> dict[str, float | int | None]:
    """The four declared rules, applied in plain Python to the seed rows' counts."""
    counts = [seeded.counts(p) for p in posts]
    rated = [c["shares"] / c["comments"] for c in counts if c["comments"] > 0]
    total_interactions = sum(c["interactions"] for c in counts)
    return {
        "likes_and_shares": sum(c["likes"] + c["shares"] for c in counts),
        "comments_per_interaction": (
            sum(c["comments"] for c in counts) / total_interactions if total_interactions else None
        ),
        "shares_per_comment": mean(rated) if rated else None,
        "comments_per_post": sum(c["comments"] for c in counts) / len(counts) if counts else None,
    }


def _assert_close(got: dict, want: dict) -> None:
    for key, value in want.items():
        if value is None:
            assert got[key] is None, key
        else:
            assert got[key] == pytest.approx(value, rel=1e-9), key


def test_hand_values_are_not_trivial(env):
    seeded, _, _ = env
    want = _by_hand(seeded, seeded.posts)
    # 9 posts: likes 1..9, comments i % 3, shares i % 2 (see seed_rows)
    assert want["likes_and_shares"] == 45 + 4
    assert want["comments_per_interaction"] == pytest.approx(9 / (45 + 9 + 4))
    assert want["comments_per_post"] == pytest.approx(1.0)


def test_new_metric_on_overview_totals_and_days(env):
    seeded, get, _ = env
    body = get("/workspaces/acme/overview")
    _assert_close(body["totals"], _by_hand(seeded, seeded.posts))
    by_day = defaultdict(list)
    for p in seeded.posts:
        by_day[p["created_at"].date().isoformat()].append(p)
    assert [d["day"] for d in body["daily"]] == sorted(by_day)
    for row in body["daily"]:
        _assert_close(row, _by_hand(seeded, by_day[row["day"]]))


def test_new_metric_on_a_partial_range_and_platform(env):
    seeded, get, _ = env
    # times of day: partial edge days (the day index's edge-day path)
    params = {"from": "2024-03-02T12:00:00Z", "to": "2024-03-07T10:00:01Z", "platform": "x"}
    body = get("/workspaces/acme/overview", params=params)
    lo, hi = dt.datetime(2024, 3, 2, 12), dt.datetime(2024, 3, 7, 10, 0, 1)
    posts = [p for p in seeded.posts if lo <= p["created_at"] < hi and p["platform"] == "x"]
    assert len(posts) == 2
    _assert_close(body["totals"], _by_hand(seeded, posts))


def test_new_metric_in_post_rows_and_the_registry(env):
    seeded, get, registry = env
    items = get("/workspaces/acme/content", params={"sort": "-comments_per_interaction"})["items"]
    assert len(items) == len(seeded.posts)
    for item in items:
        post = next(p for p in seeded.posts if p["content_id"] == item["content_id"])
        _assert_close(item, _by_hand(seeded, [post]))
    ratios = [i["comments_per_interaction"] for i in items]
    assert ratios == sorted(ratios, reverse=True)
    _assert_close(registry, _by_hand(seeded, seeded.posts))
