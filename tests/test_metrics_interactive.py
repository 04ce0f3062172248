"""Polls, quizzes and contests: participation, completion and entries from the registry,
counted by hand on a hand-built store, through the library and the CLI."""

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from engagelens.cli.main import app
from engagelens.metrics import Filters, compute, get_metric

D = dt.datetime(2026, 3, 2, 9)
NAMES = ["interactive_participation_rate", "quiz_completion_rate", "contest_entries"]


def _content(cid, kind, campaign, questions=None):
    return {"platform": "x", "content_id": cid, "account_id": "brand", "kind": kind,
            "campaign": campaign, "questions": questions, "created_at": D}  # fmt: skip


@pytest.fixture
def interactive(store):
    store.insert("account", [{"platform": "x", "account_id": "brand", "is_own": True}])
    store.insert("content", [
        _content("p1", "poll", "spring"), _content("q1", "quiz", "spring", 3),
        _content("q2", "quiz", "spring"),  # no question count: out of completion
        _content("k1", "contest", "summer"), _content("n1", "post", "spring"),
    ])  # fmt: skip
    store.insert("content_snapshot", [
        {"platform": "x", "content_id": c, "as_of": D, "reach": r}
        for c, r in [("p1", 100), ("q1", 50), ("n1", 999)]
    ])  # fmt: skip
    rows = [("a", "vote", "p1"), ("a", "vote", "p1"), ("b", "vote", "p1"), ("c", "like", "p1"),
            ("a", "vote", "q1"), ("a", "vote", "q1"), ("a", "vote", "q1"), ("b", "vote", "q1"),
            ("e", "vote", "q2"),
            ("a", "comment", "k1"), ("a", "comment", "k1"), ("b", "share", "k1"),
            ("c", "like", "k1"), ("brand", "comment", "k1"),
            ("d", "vote", "n1")]  # fmt: skip
    store.insert("interaction", [
        {"platform": "x", "interaction_id": str(k), "content_id": c, "actor_id": a, "kind": kind,
         "occurred_at": D, "is_brand": a == "brand", "account_id": "brand"}
        for k, (a, kind, c) in enumerate(rows)
    ])  # fmt: skip
    return store


def test_by_post_and_in_total(interactive):
    per = {r["content_id"]: r for r in compute(interactive, NAMES).to_pyarrow().to_pylist()}
    assert set(per) == {"p1", "q1", "q2", "k1"}  # the ordinary post n1 is not interactive
    assert per["p1"]["interactive_participation_rate"] == pytest.approx(2 / 100)  # a, b voted
    assert per["q1"]["interactive_participation_rate"] == pytest.approx(2 / 50)
    assert per["q1"]["quiz_completion_rate"] == pytest.approx(1 / 2)  # a answered 3 of 3
    assert per["q2"]["interactive_participation_rate"] is None  # no reach snapshot
    assert per["q2"]["quiz_completion_rate"] is None
    assert per["k1"]["contest_entries"] == 2  # a (twice, once counted), b; not c's like, not brand
    (tot,) = compute(interactive, NAMES, by="total").to_pyarrow().to_pylist()
    # posts with a known reach only: (2 + 2) / (100 + 50); q2 and k1 have no snapshot
    assert tot["interactive_participation_rate"] == pytest.approx(4 / 150)
    assert tot["quiz_completion_rate"] == pytest.approx(0.5) and tot["contest_entries"] == 2
    by_campaign = compute(interactive, NAMES, by="campaign").to_pyarrow().to_pylist()
    camp = {r["campaign"]: r for r in by_campaign}
    # no contest in spring: not applicable (null), which is not "a contest nobody entered"
    assert camp["summer"]["contest_entries"] == 2 and camp["spring"]["contest_entries"] is None
    later = compute(interactive, NAMES, by="total", filters=Filters(start=D + dt.timedelta(1)))
    assert [r["contest_entries"] for r in later.to_pyarrow().to_pylist()] in ([], [None])
    assert get_metric("quiz_completion_rate").unit == "fraction"


def test_cli_metrics_compute(interactive):
    db = interactive.url
    interactive.close()
    r = CliRunner().invoke(app, ["metrics", "compute", *NAMES, "--by", "total", "--format",
                                 "json", "--db", db])  # fmt: skip
    assert r.exit_code == 0, r.output
    (row,) = json.loads(r.output)
    assert row["contest_entries"] == 2 and row["quiz_completion_rate"] == pytest.approx(0.5)
