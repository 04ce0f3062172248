"""Every example mapping in docs/examples/mappings/ runs on a small sample file in
tests/fixtures/ingest/examples/ (same name); expected values are worked out by hand below."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from engagelens.ingest import ingest_file, load_mapping

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "docs" / "examples" / "mappings"
SAMPLES = Path(__file__).resolve().parent / "fixtures" / "ingest" / "examples"


def _ingest(store, name):
    return ingest_file(store, SAMPLES / f"{name}.csv", mapping=EXAMPLES / f"{name}.yaml")


def _reasons(store):
    return {r["line"]: r["reason"] for r in store.table("quarantine").to_pyarrow().to_pylist()}


def test_every_example_has_a_sample():
    names = {p.stem for p in EXAMPLES.glob("*.yaml")} - {"airline_mentions"}  # real data test
    assert names == {p.stem for p in SAMPLES.glob("*.csv")}
    for p in EXAMPLES.glob("*.yaml"):
        assert load_mapping(p).targets


def test_nps_survey(store):
    s = _ingest(store, "nps_survey")
    assert (s.rows_stored, s.rows_quarantined) == (2, 2)
    got = {r["response_id"]: r for r in store.table("survey_response").to_pyarrow().to_pylist()}
    # London is UTC+0 in January and UTC+1 (BST) in July
    assert got["typeform-r1"]["answered_at"] == dt.datetime(2024, 1, 31, 9, 15)
    assert got["typeform-r2"]["answered_at"] == dt.datetime(2024, 7, 15, 17, 40)
    assert (
        got["typeform-r2"]["score"] == 6 and got["typeform-r1"]["survey"] == "relationship NPS 2024"
    )
    reasons = _reasons(store)
    assert reasons[4] == "score above 10: 11"
    assert reasons[5] == "bad date/time in answered_at: 2024-02-01"


def test_email_events(store):
    s = _ingest(store, "email_events")
    assert (s.rows_stored, s.rows_quarantined) == (3, 1)
    rows = sorted(store.table("email_event").to_pyarrow().to_pylist(), key=lambda r: r["event_id"])
    assert [r["kind"] for r in rows] == ["sent", "open", "click"]
    assert {r["recipient_id"] for r in rows} == {"ann@example.com"}
    assert _reasons(store) == {5: "unknown kind: forwarded"}


def test_web_sessions(store):
    s = _ingest(store, "web_sessions")
    assert s.rows_stored == 2
    got = {r["session_id"]: r for r in store.table("web_session").to_pyarrow().to_pylist()}
    assert got["s1"]["started_at"] == dt.datetime(2024, 5, 1, 8, 0)
    assert got["s1"]["duration_s"] == pytest.approx(65.0)
    assert (got["s1"]["bounced"], got["s2"]["bounced"]) == (False, True)
    assert (got["s1"]["source"], got["s1"]["device"]) == ("instagram", "mobile")


def test_post_comments(store):
    s = _ingest(store, "post_comments")
    assert (s.rows_stored, s.rows_quarantined) == (2, 1)
    got = {r["interaction_id"]: r for r in store.table("interaction").to_pyarrow().to_pylist()}
    assert got["c1"]["kind"] == "comment" and got["c2"]["kind"] == "reply"
    assert got["c2"]["parent_id"] == "c1" and got["c2"]["is_brand"] is True
    assert (got["c1"]["account_id"], got["c2"]["account_id"]) == (None, "acme")
    assert got["c1"]["platform"] == "facebook"
    assert got["c1"]["occurred_at"] == dt.datetime(2024, 4, 1, 12, 0)
    assert _reasons(store) == {4: "comment deleted on the platform"}
