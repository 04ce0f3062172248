"""The overview's two paths agree: the day index (whole-day ranges, prefix sums) and the
general Polars aggregation, on random ranges and filters (Hypothesis)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_api_support import START, seed_rows, write_store

from engagelens.api import daily, rollup
from engagelens.metrics import Filters


@pytest.fixture(scope="module")
def frame(tmp_path_factory):
    from engagelens.store import Store

    path = tmp_path_factory.mktemp("rollup") / "acme.duckdb"
    write_store(path, seed_rows("a", 15))
    with Store.open(path) as store:
        return rollup.build(store, {"timezone": "UTC"})


def _close(a, b, where=""):
    if isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for k in a:
            _close(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            _close(x, y, f"{where}[{i}]")
    elif isinstance(a, float) or isinstance(b, float):
        assert a == pytest.approx(b, rel=1e-9, abs=1e-12), where
    else:
        assert a == b, where


days = st.integers(min_value=-2, max_value=18)


@settings(max_examples=60, deadline=None)
@given(start=st.none() | days, length=st.none() | st.integers(min_value=1, max_value=20),
       platforms=st.sampled_from([(), ("x",), ("instagram",), ("x", "instagram")]),
       ownership=st.sampled_from([None, "own", "competitor"]),
       campaigns=st.sampled_from([(), ("spring",)]), top=st.integers(min_value=0, max_value=6))
def test_day_index_matches_general_overview(frame, start, length, platforms, ownership,
                                            campaigns, top):
    base = dt.datetime.combine(START.date(), dt.time())
    lo = base + dt.timedelta(days=start) if start is not None else None
    hi = (lo or base) + dt.timedelta(days=length) if length is not None else None
    f = Filters(start=lo, end=hi, platforms=platforms, ownership=ownership, campaigns=campaigns)
    assert daily.applies(f, "UTC")
    fast = json.loads(daily.answer(daily.build(frame, f), f, top=top, head={"h": 1}))
    general = {"h": 1, **json.loads(json.dumps(rollup.overview(frame, f, top=top)))}
    _close(fast, general)


def test_day_index_only_for_whole_utc_days():
    day = dt.datetime(2024, 3, 1)
    assert daily.applies(Filters(start=day, end=day + dt.timedelta(days=2)), "UTC")
    assert not daily.applies(Filters(start=day + dt.timedelta(hours=1)), "UTC")
    assert not daily.applies(Filters(start=day), "Europe/Paris")
