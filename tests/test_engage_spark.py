"""Outbound measures give identical results on DuckDB and local PySpark (exact percentiles,
business-hours arithmetic, a non-UTC time zone)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from conftest import empty_all_tables
from engagelens.engage.sample import load_interactions_csv
from engagelens.metrics import all_metrics, compute

FIX = Path(__file__).parent / "fixtures" / "engage" / "thread.csv"


def load_thread(store):
    load_interactions_csv(store, FIX, own_accounts=(("x", "brand1"),))


pytestmark = pytest.mark.spark
SETTINGS = {"timezone": "Europe/Paris"}


@pytest.fixture(scope="module")
def engage_spark_store(tmp_path_factory):
    pytest.importorskip("pyspark")
    from pyspark.sql import SparkSession

    from engagelens.store import Store

    tmp = tmp_path_factory.mktemp("engage_spark")
    (
        SparkSession.builder.master("local[2]")
        .appName("engagelens-engage-tests")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.warehouse.dir", str(tmp / "wh"))
        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={tmp}")
        .getOrCreate()
    )
    store = Store.open("pyspark://")
    empty_all_tables(store)
    load_thread(store)
    yield store
    empty_all_tables(store)


def _rows(store, names, grain):
    """{metric: sorted (keys, value) rows}, every metric of the grain in one computation: one
    Spark job per grain instead of one per metric keeps the test well under its timeout."""
    df = compute(store, names, by=grain, settings=SETTINGS).to_pandas()
    keys = [c for c in df.columns if c not in names]

    def key(r):
        return tuple(str(r[k])[:10] if k in ("day", "week", "month") else str(r[k]) for k in keys)

    return {
        name: sorted(
            (
                (key(r), None if pd.isna(r[name]) else round(float(r[name]), 9))
                for _, r in df.iterrows()
            ),
            key=repr,
        )
        for name in names
    }


@pytest.mark.parametrize("grain", ["total", "agent", "day", "account"])
def test_outbound_parity(engage_spark_store, store, grain):
    load_thread(store)
    names = [m.name for m in all_metrics() if "outbound" in m.tags and grain in m.grains]
    assert names
    want, got = _rows(store, names, grain), _rows(engage_spark_store, names, grain)
    for name in names:
        assert want[name] == got[name], name


def _summary_rows(store, grain):
    from engagelens.engage.measures import summary

    df = summary(store, by=grain, settings=SETTINGS).to_pandas()
    return sorted((tuple(str(v)[:10] for v in r),) for r in df.itertuples(index=False))


@pytest.mark.parametrize("grain", ["total", "day"])
def test_summary_parity(engage_spark_store, store, grain):
    load_thread(store)
    assert _summary_rows(store, grain) == _summary_rows(engage_spark_store, grain)
