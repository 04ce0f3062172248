"""Competitor benchmarking (listening/benchmark.py) on a real DuckDB store, its CLI command and
its API route; figures counted by hand from tests/bench_data.py."""

from __future__ import annotations

import datetime as dt
import json

import httpx
import pytest

import bench_data
from engagelens.cli.main import main
from engagelens.listening.benchmark import benchmark, brand_key
from engagelens.metrics.base import Filters
from engagelens.store import Store


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("bench") / "b.duckdb"
    bench_data.write(path)
    return path


def test_brands_side_by_side(db):
    with Store.open(db) as store:
        result = benchmark(store)
    acme, rival = result.brands
    assert (acme.name, acme.group, acme.query, acme.accounts) == (
        "Acme", "own", "acme", ["acme_ig", "acme_x"]
    )  # fmt: skip
    # 6 acme and 2 rival mentions: 6 / 8 and 2 / 8 of the voice
    assert (acme.mentions, acme.share_of_voice, rival.share_of_voice) == (6, 0.75, 0.25)
    assert (acme.positive, acme.neutral, acme.negative) == pytest.approx((3 / 6, 1 / 6, 2 / 6))
    assert acme.net_sentiment == pytest.approx((3 - 2) / 5) and rival.net_sentiment == -1.0
    # posts on Mar 4 and Mar 11 (open period: 8 days): 2 and 1 posts over 8/7 weeks
    assert result.period_days == 8
    assert (acme.posts_per_week, rival.posts_per_week) == (pytest.approx(1.75), 0.875)
    # mean over posts of interactions / reach: (10/100 + 10/200) / 2; rival 30/100
    assert acme.engagement_rate_by_reach == pytest.approx(0.075)
    assert rival.engagement_rate_by_reach == pytest.approx(0.30)
    # one of 2 comments answered after 30 min; the rival has no inbound: unknown, not 0 %
    assert (acme.inbound, acme.reply_rate, acme.reply_time_median_s) == (2, 0.5, 1800.0)
    assert (rival.inbound, rival.reply_rate) == (0, None)
    weeks = {(w["brand"], w["week"]): w for w in result.weeks}
    assert weeks[("Acme", dt.date(2024, 3, 4))]["engagement_rate_by_reach"] == pytest.approx(0.1)
    assert weeks[("Acme", dt.date(2024, 3, 11))]["engagement_rate_by_reach"] == pytest.approx(0.05)
    assert weeks[("Rival", dt.date(2024, 3, 4))]["share_of_voice"] == 0.25


def test_a_closed_period_divides_by_its_own_weeks(db):
    with Store.open(db) as store:
        f = Filters(start=dt.datetime(2024, 3, 4), end=dt.datetime(2024, 3, 18))
        acme = benchmark(store, f).brands[0]
        only_first = benchmark(store, Filters(end=dt.datetime(2024, 3, 11))).brands[0]
    assert acme.posts_per_week == pytest.approx(2 / 2)  # 2 posts in 14 days
    assert only_first.posts == 1 and only_first.engagement_rate_by_reach == pytest.approx(0.1)


def test_query_names_join_brands_without_case_or_punctuation():
    assert brand_key("Lumina Coffee") == "luminacoffee" == brand_key("lumina-coffee")


def test_cli_prints_80_columns_and_json(db, capsys):
    assert main(["benchmark", "--db", str(db)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert max(len(line) for line in out) <= 80
    assert out[1].split() == ["Acme", "*", "6", "75.0%", "33.3%", "1.8", "7.5%", "50.0%"]
    assert out[2].split() == ["Rival", "2", "25.0%", "100.0%", "0.9", "30.0%", "-"]
    assert main(["benchmark", "--json", "--db", str(db)]) == 0
    body = json.loads(capsys.readouterr().out)
    assert [b["name"] for b in body["brands"]] == ["Acme", "Rival"]
    assert main(["benchmark", "--from", "2024-03-10", "--to", "2024-03-01", "--db", str(db)]) == 2


def test_api_route_gives_the_same_figures(db, tmp_path):
    from engagelens.api import Control, create_app
    from engagelens.api.testing import live_server

    control = Control(tmp_path)
    control.create_workspace("bench", "Bench")
    bench_data.write(control.workspace_path("bench"))
    token = control.create_token("bench", "viewer").token
    app = create_app(tmp_path, settings={"api_rate_limit_per_minute": 1_000_000})
    with live_server(app) as url, httpx.Client(base_url=url, timeout=60) as client:
        headers = {"Authorization": f"Bearer {token}"}
        r = client.get("/api/v1/workspaces/bench/benchmark", headers=headers)
        assert r.status_code == 200, r.text
        acme = r.json()["brands"][0]
        assert (acme["share_of_voice"], acme["reply_rate"], acme["posts_per_week"]) == (
            0.75, 0.5, 1.75
        )  # fmt: skip
        r = client.get(
            "/api/v1/workspaces/bench/benchmark", headers=headers, params={"from": "2024-03-11"}
        )
        assert r.json()["brands"][1]["mentions"] == 0  # the rival's mentions were on Mar 5
        bad = client.get(
            "/api/v1/workspaces/bench/benchmark", headers=headers, params={"from": "nope"}
        )
        assert bad.status_code == 422
