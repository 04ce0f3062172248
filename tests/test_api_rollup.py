"""The overview's two paths agree: the day index (prefix sums over posts, pre-serialised days,
edge days computed) and the general Polars aggregation, on random ranges — whole days and
times of day — and filters (Hypothesis)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engagelens.api import daily
from engagelens.metrics import Filters, rollup
from test_api_support import START, seed_rows, write_store

#: UTC, and a zone whose clocks move forward on 2024-03-10 inside the seeded fortnight (that
#: local day has 23 hours), and one east of UTC (posts at 10:00 UTC fall on the same local day,
#: the one at 23:00 UTC on the next)
ZONES = ["UTC", "America/New_York", "Asia/Ho_Chi_Minh"]


@pytest.fixture(scope="module", params=ZONES)
def frame(request, tmp_path_factory):
    from engagelens.store import Store

    path = tmp_path_factory.mktemp("rollup") / "acme.duckdb"
    write_store(path, seed_rows("a", 15))
    with Store.open(path) as store:
        return request.param, rollup.build(store, {"timezone": request.param})


def _close(a, b, where=""):
    if isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for k in a:
            _close(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _close(x, y, f"{where}[{i}]")
    elif isinstance(a, float) or isinstance(b, float):
        assert a == pytest.approx(b, rel=1e-9, abs=1e-12), where
    else:
        assert a == b, where


days = st.integers(min_value=-2, max_value=18)
#: a time of day in minutes: 0 (midnight, whole days) often, and the posts' own times (10:00,
#: 23:00 for post 3) and one minute either side of them
minutes = st.sampled_from([0, 0, 0, 599, 600, 601, 1379, 1380, 1381]) | st.integers(0, 1439)


def _check(zoned, f, top):
    zone, frame = zoned
    index = daily.build(frame, f, zone)
    assert index.complete
    fast = json.loads(daily.answer(index, f, top=top, head={"h": 1}))
    general = {"h": 1, **json.loads(json.dumps(rollup.overview(frame, f, top=top)))}
    _close(fast, general)


@settings(max_examples=40, deadline=None)
@given(
    start=st.none() | days,
    length=st.none() | st.integers(min_value=0, max_value=20),
    start_min=minutes,
    end_min=minutes,
    platforms=st.sampled_from([(), ("x",), ("instagram",), ("x", "instagram")]),
    ownership=st.sampled_from([None, "own", "competitor"]),
    campaigns=st.sampled_from([(), ("spring",)]),
    top=st.integers(min_value=0, max_value=6),
)
def test_day_index_matches_general_overview(
    frame, start, length, start_min, end_min, platforms, ownership, campaigns, top
):
    base = dt.datetime.combine(START.date(), dt.time())
    lo = base + dt.timedelta(days=start, minutes=start_min) if start is not None else None
    hi = (
        (lo or base).replace(hour=0, minute=0) + dt.timedelta(days=length, minutes=end_min)
        if length is not None
        else None
    )
    if lo is not None and hi is not None and hi <= lo:
        hi = lo + dt.timedelta(minutes=end_min + 1)
    f = Filters(start=lo, end=hi, platforms=platforms, ownership=ownership, campaigns=campaigns)
    _check(frame, f, top)


@pytest.mark.parametrize(
    "lo,hi",
    [
        ("2024-03-02 10:00", "2024-03-02 10:00:01"),  # one post, inside one day
        ("2024-03-02 10:00:01", "2024-03-05 10:00"),  # edge days without their post
        ("2024-03-03 00:00", "2024-03-04 23:30"),  # whole first day, partial last day
        ("2024-03-03 09:00", "2024-03-06 00:00"),  # partial first day, whole last day
        ("2024-03-04 22:59", "2024-03-04 23:01"),  # post 3 at 23:00, nothing else that day
        ("2024-03-09 05:00", "2024-03-11 04:00"),  # New York's midnights around the DST change
        ("2024-03-10 17:00", "2024-03-12 17:00"),  # Ho Chi Minh City's midnights (UTC+7)
    ],
)
def test_day_index_edge_days(frame, lo, hi):
    f = Filters(start=dt.datetime.fromisoformat(lo), end=dt.datetime.fromisoformat(hi))
    _check(frame, f, 3)


def test_index_is_not_used_when_a_post_has_no_publish_time():
    import polars as pl

    columns = {c: pl.lit(None, pl.String) for c in rollup.POST_COLUMNS if c != "created_at"}
    columns.update({m: pl.lit(1.0) for m in rollup.metric_columns()})
    columns.update(
        {c: pl.lit(1.0) for m in rollup.rollup_metrics() for c in rollup.stat_columns(m)}
    )
    frame = (
        pl.DataFrame(
            {"created_at": [None, dt.datetime(2024, 3, 1)]},
            schema={"created_at": pl.Datetime("us")},
        )
        .with_columns(**columns, is_own=pl.lit(True), is_competitor=pl.lit(False))
        .with_columns(day=pl.col("created_at").dt.date())
    )
    assert not daily.build(frame, Filters()).complete
    assert daily.build(frame.drop_nulls("created_at"), Filters()).complete
