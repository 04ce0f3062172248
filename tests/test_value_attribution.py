"""Attribution models on hand-drawn paths, path building from a store, ROI and the CLI."""

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from engagelens.cli.main import app, main
from engagelens.errors import ConfigError
from engagelens.value.attribution import (
    Path,
    Touchpoint,
    attribute,
    attribution_report,
    store_paths,
    weights,
)

T0 = dt.datetime(2026, 3, 1)


def _path(*days_before, value=100.0, cid="o1"):
    tps = tuple(
        Touchpoint(T0 - dt.timedelta(days=d), f"ch{i}/m", f"c{i}")
        for i, d in enumerate(days_before)
    )
    return Path(cid, T0, value, tps)


def test_rule_weights_by_hand():
    p = _path(21, 14, 7, 0)  # four touchpoints, 21, 14, 7 and 0 days before the order
    assert weights(p, "last_touch") == [0, 0, 0, 1]
    assert weights(p, "first_touch") == [1, 0, 0, 0]
    assert weights(p, "linear") == [0.25] * 4
    assert weights(p, "position_based") == pytest.approx([0.4, 0.1, 0.1, 0.4])
    # half-life 7 days: raw weights 1/8, 1/4, 1/2, 1 → divided by 15/8
    assert weights(p, "time_decay") == pytest.approx([1 / 15, 2 / 15, 4 / 15, 8 / 15])
    assert weights(_path(3, 1), "position_based") == [0.5, 0.5]
    assert weights(_path(3), "time_decay") == [1.0]
    assert weights(_path(), "linear") == []
    with pytest.raises(ConfigError):
        weights(p, "shapley")
    with pytest.raises(ConfigError):
        weights(p, "time_decay", half_life_days=0)


def test_attribute_totals_and_roi():
    paths = [_path(10, 0, value=100.0, cid="o1"), _path(value=50.0, cid="o2")]
    rows = {r.key: r for r in attribute(paths, "linear", spend={"c0": 25.0, "c9": 10.0})}
    assert rows["c0"].revenue == 50.0 and rows["c1"].revenue == 50.0
    assert rows["(none)"].revenue == 50.0 and rows["(none)"].conversions == 1.0
    assert sum(r.conversions for r in rows.values()) == pytest.approx(2.0)
    assert rows["c0"].roi == pytest.approx((50 - 25) / 25)
    # a campaign that spent and got no credit shows ROI −100 %, not nothing
    assert rows["c9"].revenue == 0.0 and rows["c9"].roi == -1.0
    assert rows["c1"].spend is None and rows["c1"].roi is None
    with pytest.raises(ConfigError):
        attribute(paths, "linear", by="weekday")


def _seed(store):
    day = dt.datetime(2026, 3, 10, 12)
    store.insert(
        "web_session",
        [
            {"session_id": "s1", "visitor_id": "v1", "started_at": day - dt.timedelta(days=40),
             "source": "facebook", "medium": "social", "campaign": "old"},
            {"session_id": "s2", "visitor_id": "v1", "started_at": day - dt.timedelta(days=5),
             "source": "instagram", "medium": "social", "campaign": "spring"},
            {"session_id": "s3", "visitor_id": "v1", "started_at": day,
             "source": "google", "medium": "organic", "campaign": None},
            {"session_id": "s4", "visitor_id": "v2", "started_at": day,
             "source": "google", "medium": "cpc", "campaign": "spring"},
        ],
    )  # fmt: skip
    store.insert(
        "conversion",
        [
            {"conversion_id": "o1", "session_id": "s3", "customer_id": "alice",
             "occurred_at": day + dt.timedelta(minutes=5), "value": 90.0},
            {"conversion_id": "o2", "session_id": "s4", "customer_id": "bob",
             "occurred_at": day + dt.timedelta(minutes=9), "value": 30.0},
        ],
    )  # fmt: skip
    store.insert(
        "email_event",
        [
            {"event_id": "e1", "campaign": "spring", "recipient_id": "alice", "kind": "click",
             "occurred_at": day - dt.timedelta(days=2)},
            {"event_id": "e2", "campaign": "spring", "recipient_id": "alice", "kind": "open",
             "occurred_at": day - dt.timedelta(days=2)},
        ],
    )  # fmt: skip
    store.insert(
        "content",
        [
            {"platform": "instagram", "content_id": "p1", "campaign": "spring", "spend": 40.0},
            {"platform": "facebook", "content_id": "p2", "campaign": "spring", "spend": 20.0},
            {"platform": "facebook", "content_id": "p3", "campaign": None, "spend": 99.0},
        ],
    )  # fmt: skip


def test_store_paths_join_visitor_sessions_and_email_clicks(store):
    _seed(store)
    paths = {p.conversion_id: p for p in store_paths(store, lookback_days=30)}
    # s1 is 40 days old: outside the window; the e-mail open is not a touchpoint
    assert [(t.channel, t.campaign) for t in paths["o1"].touchpoints] == [
        ("instagram/social", "spring"),
        ("email/email", "spring"),
        ("google/organic", "(none)"),
    ]
    assert [t.campaign for t in paths["o2"].touchpoints] == ["spring"]
    wide = {p.conversion_id: p for p in store_paths(store, lookback_days=60)}
    assert len(wide["o1"].touchpoints) == 4
    rows = {r.key: r for r in attribution_report(store, "linear")}
    # spring: 2/3 of 90 + all of 30 = 90; spend 40 + 20 = 60 → ROI +50 %
    assert rows["spring"].revenue == pytest.approx(90.0)
    assert rows["spring"].spend == 60.0 and rows["spring"].roi == pytest.approx(0.5)
    last = {r.key: r for r in attribution_report(store, "last_touch")}
    assert last["spring"].revenue == pytest.approx(30.0) and last["(none)"].revenue == 90.0
    with pytest.raises(ConfigError):
        store_paths(store, lookback_days=0)


def test_cli_value_attribution(store, tmp_path):
    _seed(store)
    db = str(tmp_path / "test.duckdb")  # the store fixture's file
    store.close()
    r = CliRunner().invoke(
        app, ["value", "attribution", "--model", "first_touch", "--format", "json", "--db", db]
    )
    assert r.exit_code == 0, r.output
    rows = {x["key"]: x for x in json.loads(r.output)["rows"]}
    assert rows["spring"]["revenue"] == pytest.approx(120.0)
    assert main(["value", "attribution", "--model", "nope", "--db", db]) == 2
    assert main(["value", "attribution", "--by", "weekday", "--db", db]) == 2
