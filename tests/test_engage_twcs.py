"""Outbound figures on real "Customer Support on Twitter" rows, imported the way a user would
(``engagelens ingest --source twcs``), against an independent computation from the CSV itself
(pandas + zoneinfo, no EngageLens code): totals, daily and weekly trends in a time zone, and
business-hours reply times on a custom calendar."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from typer.testing import CliRunner

from engagelens.cli.main import app
from engagelens.engage.conversations import conversations
from engagelens.metrics import compute
from engagelens.store import Store

FIX = Path(__file__).parent / "fixtures" / "engage"
ZONE = "America/New_York"
CAL = {
    "timezone": ZONE,
    "business_hours": "08:00-20:00",
    "business_days": "mon,tue,wed,thu,fri,sat",
}


@pytest.fixture(params=["fixture", "shared"])
def twcs(request, tmp_path):
    """(store filled by the ingest CLI, the CSV read independently by pandas)."""
    if request.param == "fixture":
        path = FIX / "twcs_300.csv"
    else:
        path = (
            request.getfixturevalue("shared_data")
            / "customer_support_twitter_sample"
            / "twcs_5000.csv"
        )
        if not path.exists():
            pytest.skip("shared Customer Support on Twitter sample not present")
    db = str(tmp_path / "twcs.duckdb")
    out = CliRunner().invoke(app, ["ingest", "--source", "twcs", str(path), "--db", db, "--quiet"])
    assert out.exit_code == 0, out.output
    store = Store.open(db)
    yield store, _read(path)
    store.close()


def _read(path: Path) -> pd.DataFrame:
    # one text in the shared sample holds a raw CR: records end at "\n" only
    df = pd.read_csv(path, dtype=str, keep_default_na=False, lineterminator="\n")
    df["ts"] = pd.to_datetime(df.created_at, format="%a %b %d %H:%M:%S %z %Y", utc=True)
    df["parent"] = df.in_response_to_tweet_id.str.removesuffix(".0").replace("", None)
    df["brand"] = df.inbound == "False"
    return df


def _answered(df: pd.DataFrame) -> pd.DataFrame:
    """Inbound tweets with the time of the first brand tweet answering them (NaT if none)."""
    first = df[df.brand & df.parent.notna()].groupby("parent").ts.min().rename("reply_at")
    items = df[~df.brand].set_index("tweet_id").join(first)
    items["secs"] = (items.reply_at - items.ts).dt.total_seconds().clip(lower=0)
    return items


def _nearest_rank_p90(values: list[float]) -> float:
    s = sorted(values)
    return s[math.ceil(0.9 * len(s)) - 1]


def _business_seconds(start: dt.datetime, end: dt.datetime) -> int:
    """Seconds of [start, end] inside 08:00–20:00 Mon–Sat in New York: walk the local days and
    intersect each day's opening interval (as real instants) with the span."""
    zone = ZoneInfo(ZONE)
    if end <= start:
        return 0
    total = 0.0
    day = start.astimezone(zone).date()
    while day <= end.astimezone(zone).date():
        if day.weekday() < 6:
            o = dt.datetime.combine(day, dt.time(8), zone)
            c = dt.datetime.combine(day, dt.time(20), zone)
            total += max(0.0, (min(c, end) - max(o, start)).total_seconds())
        day += dt.timedelta(days=1)
    return int(total)


def test_total_reply_figures(twcs):
    store, df = twcs
    items = _answered(df)
    done = items.secs.dropna()
    got = (
        compute(
            store,
            [
                "inbound_volume",
                "answered_count",
                "reply_rate",
                "reply_time_mean",
                "reply_time_median",
                "reply_time_p90",
            ],
            by="total",
        )
        .to_pandas()
        .iloc[0]
    )
    assert int(got.inbound_volume) == len(items) == int((df.inbound == "True").sum())
    assert int(got.answered_count) == len(done) > 0
    assert float(got.reply_rate) == pytest.approx(len(done) / len(items))
    assert float(got.reply_time_mean) == pytest.approx(done.mean())
    assert float(got.reply_time_median) == done.median()
    assert float(got.reply_time_p90) == _nearest_rank_p90(done.tolist())
    conv = conversations(store).to_pandas()
    assert conv.interaction_id.is_unique and len(conv) == len(df)
    assert conv.orphan.any()  # some tweets answer tweets outside the sample


def test_daily_and_weekly_trends_in_a_time_zone(twcs):
    store, df = twcs
    items = _answered(df)
    items["day"] = items.ts.dt.strftime("%Y-%m-%d")
    local = items.ts.dt.tz_convert(ZONE)
    items["week"] = (
        local.dt.normalize() - pd.to_timedelta(local.dt.weekday, unit="D")
    ).dt.strftime("%Y-%m-%d")
    for grain, settings in (("day", None), ("week", {"timezone": ZONE})):
        want = items.groupby(grain).agg(n=("secs", "size"), answered=("secs", "count"))
        got = compute(
            store, ["inbound_volume", "reply_rate"], by=grain, settings=settings
        ).to_pandas()
        got = {
            str(r[grain])[:10]: (int(r.inbound_volume), float(r.reply_rate))
            for _, r in got.iterrows()
        }
        assert set(got) == set(want.index), grain
        for key, row in want.iterrows():
            assert got[key][0] == row.n and got[key][1] == pytest.approx(row.answered / row.n), (
                grain,
                key,
            )


def test_business_hours_on_a_custom_calendar_and_zone(twcs):
    store, df = twcs
    items = _answered(df).dropna(subset=["reply_at"])
    secs = [
        _business_seconds(a.to_pydatetime(), b.to_pydatetime())
        for a, b in zip(items.ts, items.reply_at, strict=False)
    ]
    got = (
        compute(
            store,
            ["reply_time_business_mean", "reply_time_business_median", "reply_time_business_p90"],
            by="total",
            settings=CAL,
        )
        .to_pandas()
        .iloc[0]
    )
    assert float(got.reply_time_business_mean) == pytest.approx(sum(secs) / len(secs))
    assert float(got.reply_time_business_median) == pd.Series(secs).median()
    assert float(got.reply_time_business_p90) == _nearest_rank_p90(secs)
    # the calendar matters: with the default (09–17 Mon–Fri, UTC) the figures differ
    default = compute(store, ["reply_time_business_mean"], by="total").to_pandas().iloc[0, 0]
    assert float(default) != pytest.approx(float(got.reply_time_business_mean))
