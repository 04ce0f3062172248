"""On the UCI Facebook metrics file, EngageLens' interactions and per-post ERR agree with the
file's own columns (Moro, Rita & Vala 2016): Total Interactions = comment + like + share, and
ERR = Lifetime Engaged Users ÷ Lifetime Post Total Reach. Expected values are computed here
from the CSV with the csv module, independently of the metric code."""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import importlib.util
import math

import pytest

from engagelens.metrics import compute

FILE = "facebook_metrics_uci/dataset_Facebook.csv"


def _int(v: str) -> int | None:
    return int(v) if v.strip() else None


def _load(store, path) -> list[dict]:
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    ingest = None
    if importlib.util.find_spec("engagelens.ingest") is not None:
        ingest = getattr(importlib.import_module("engagelens.ingest"), "ingest_file", None)
    if ingest is not None:
        ingest(store, path, source="facebook")
        return rows
    content, snaps = [], []
    for i, r in enumerate(rows):
        cid = f"uci-{i:03d}"
        # the file has month/weekday/hour but no year or day; any consistent date will do
        created = dt.datetime(2014, int(r["Post Month"]), 1, int(r["Post Hour"]) % 24)
        content.append(
            {
                "platform": "facebook",
                "content_id": cid,
                "account_id": "uci",
                "created_at": created,
                "kind": r["Type"].lower(),
                "paid": r["Paid"] == "1",
            }
        )
        snaps.append(
            {
                "platform": "facebook",
                "content_id": cid,
                "as_of": dt.datetime(2015, 1, 1),
                "reach": _int(r["Lifetime Post Total Reach"]),
                "impressions": _int(r["Lifetime Post Total Impressions"]),
                "engaged_users": _int(r["Lifetime Engaged Users"]),
                "likes": _int(r["like"]),
                "comments": _int(r["comment"]),
                "shares": _int(r["share"]),
                "followers": _int(r["Page_total_likes"]),
            }
        )
    store.insert("content", content)
    store.insert("content_snapshot", snaps)
    return rows


def test_interactions_and_err_match_the_file(store, shared_data):
    rows = _load(store, shared_data / FILE)
    want_total = sum(int(r["Total Interactions"]) for r in rows)
    want_err = sorted(
        int(r["Lifetime Engaged Users"]) / int(r["Lifetime Post Total Reach"]) for r in rows
    )
    t = compute(store, ["interactions", "engagement_rate_by_reach"], by="content").to_pyarrow()
    assert t.num_rows == len(rows) == 500
    assert sum(t.column("interactions").to_pylist()) == want_total
    # per post: Total Interactions is comment + like + share with blanks as 0
    assert sorted(t.column("interactions").to_pylist()) == sorted(
        int(r["Total Interactions"]) for r in rows
    )
    got = sorted(t.column("engagement_rate_by_reach").to_pylist())
    assert all(math.isclose(a, b, rel_tol=1e-12) for a, b in zip(got, want_err, strict=False))
    pooled = compute(store, ["engagement_rate_by_reach_pooled"], by="total").to_pyarrow()
    want_pooled = sum(int(r["Lifetime Engaged Users"]) for r in rows) / sum(
        int(r["Lifetime Post Total Reach"]) for r in rows
    )
    assert math.isclose(pooled.column(0)[0].as_py(), want_pooled, rel_tol=1e-12)


@pytest.mark.parametrize("kind", ["photo", "status", "link", "video"])
def test_err_by_kind_is_the_mean_of_posts(store, shared_data, kind):
    rows = _load(store, shared_data / FILE)
    mine = [
        int(r["Lifetime Engaged Users"]) / int(r["Lifetime Post Total Reach"])
        for r in rows
        if r["Type"].lower() == kind
    ]
    t = compute(store, ["engagement_rate_by_reach"], by="kind").to_pyarrow().to_pylist()
    got = {r["content_kind"]: r["engagement_rate_by_reach"] for r in t}
    assert math.isclose(got[kind], sum(mine) / len(mine), rel_tol=1e-12)
