"""Every registered metric gives identical results on DuckDB and on local PySpark.

Runs over the hand-checked fixture at several grains (and in a non-UTC time zone, so the
engine-specific time-zone builtins are compared too). Spark starts once per session.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from pathlib import Path

import pytest

from conftest import empty_all_tables
from engagelens.metrics import all_metrics, compute
from engagelens.metrics.fixtures import load_fixture

pytestmark = pytest.mark.spark

GRAINS = ("content", "account", "campaign", "day", "total")
SETTINGS = {"timezone": "Europe/Paris"}


@pytest.fixture(scope="session")
def spark_store(tmp_path_factory):
    """A Store on local Spark, opened the way a user opens it (``pyspark://``) from an empty
    working directory, with the warehouse setting pointing at a temp folder."""
    pytest.importorskip("pyspark")
    from pyspark.sql import SparkSession

    from engagelens.store import Store

    tmp = tmp_path_factory.mktemp("spark")
    cwd = tmp_path_factory.mktemp("cwd")
    fresh = SparkSession.getActiveSession() is None
    saved = {
        k: os.environ.get(k)
        for k in ("ENGAGELENS_SPARK_WAREHOUSE_DIR", "ENGAGELENS_SPARK_PARTITIONS")
    }
    os.environ.update(ENGAGELENS_SPARK_WAREHOUSE_DIR=str(tmp), ENGAGELENS_SPARK_PARTITIONS="2")
    old_cwd = os.getcwd()
    os.chdir(cwd)
    try:
        store = Store.open("pyspark://")  # starts local Spark, creates every table
    finally:
        os.chdir(old_cwd)
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    spark = SparkSession.getActiveSession()
    if fresh:  # our session: its files went to the setting's folder, not the cwd
        assert (
            Path(spark.conf.get("spark.sql.warehouse.dir").removeprefix("file:"))
            == tmp / "warehouse"
        )
        assert not list(cwd.iterdir()), list(cwd.iterdir())
    yield store
    spark.stop()


@pytest.fixture(scope="session")
def both(spark_store, tmp_path_factory, fixtures_dir):
    from engagelens.store import Store

    duck = Store.open(tmp_path_factory.mktemp("duck") / "parity.duckdb")
    load_fixture(duck, fixtures_dir / "metrics" / "small.json")
    empty_all_tables(spark_store)  # another module may have used the same Spark session
    load_fixture(spark_store, fixtures_dir / "metrics" / "small.json")  # Store.insert on Spark
    yield duck, spark_store
    duck.close()


def _normal(v):
    if isinstance(v, dt.datetime) and v.time() == dt.time(0):
        return v.date()  # Spark may hand back a date key as midnight timestamp
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


def _sorted_rows(table):
    rows = [{k: _normal(v) for k, v in r.items()} for r in table.to_pyarrow().to_pylist()]
    return sorted(rows, key=lambda r: [(v is None, str(v)) for v in r.values()])


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return a is b
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def _chunks(names: list[str], size: int = 12) -> list[list[str]]:
    """Metrics that share key columns (same declaring module) computed together: fewer Spark
    jobs keep the test under a few minutes."""
    from engagelens.metrics import get_metric

    families: dict[str, list[str]] = {}
    for n in names:
        families.setdefault(get_metric(n).build.__module__, []).append(n)
    return [f[i : i + size] for f in families.values() for i in range(0, len(f), size)]


def _cases():
    return [(m.name, g) for m in all_metrics() for g in GRAINS if g in m.grains]


def test_every_metric_matches_duckdb(both):
    duck, spark = both
    failures = []
    cases = _cases()
    by_grain: dict[str, list[str]] = {}
    for name, grain in cases:
        by_grain.setdefault(grain, []).append(name)
    for grain, names in by_grain.items():
        for chunk in _chunks(names):
            want = _sorted_rows(compute(duck, chunk, by=grain, settings=SETTINGS))
            got = _sorted_rows(compute(spark, chunk, by=grain, settings=SETTINGS))
            if len(want) != len(got) or not all(
                set(w) == set(g) and all(_same(w[k], g[k]) for k in w)
                for w, g in zip(want, got, strict=True)
            ):
                failures.append((chunk, grain, want, got))
    assert not failures, failures[:5]
    assert len(cases) > 100


def test_spark_insert_keeps_int64_nulls_and_types(spark_store):
    """Runs late (it adds rows). Store.insert on Spark used to go through pandas, where an
    int64 column with nulls turns into NaN floats: Spark then stored every value of such a
    column as null (reach 5 and likes below were lost) and float nulls as NaN."""
    from pyspark.sql import SparkSession

    rows = [
        {
            "platform": "zz",
            "content_id": "n1",
            "as_of": dt.datetime(2024, 1, 1, 12),
            "reach": 5,
            "likes": None,
            "watch_time_s": 1.5,
        },
        {
            "platform": "zz",
            "content_id": "n2",
            "as_of": dt.datetime(2024, 1, 2, 23, 30),
            "reach": None,
            "likes": 9_007_199_254_740_993,
            "watch_time_s": None,
        },
    ]
    assert spark_store.insert("content_snapshot", rows) == 2
    # read with Spark itself: Ibis' reader goes through pandas, which would round 2**53 + 1
    df = SparkSession.getActiveSession().table("content_snapshot")
    got = (
        df.filter(df.platform == "zz")
        .orderBy("content_id")
        .select("content_id", "as_of", "reach", "likes", "watch_time_s", "comments")
        .toArrow()
        .to_pylist()
    )
    for r in got:
        r["as_of"] = r["as_of"].replace(tzinfo=None)  # stored as UTC
    assert got == [
        {
            "content_id": "n1",
            "as_of": dt.datetime(2024, 1, 1, 12),
            "reach": 5,
            "likes": None,
            "watch_time_s": 1.5,
            "comments": None,
        },
        {
            "content_id": "n2",
            "as_of": dt.datetime(2024, 1, 2, 23, 30),
            "reach": None,
            "likes": 9_007_199_254_740_993,
            "watch_time_s": None,
            "comments": None,
        },
    ]
    assert dict(df.dtypes)["likes"] == "bigint"


def test_spark_migration_adds_declared_columns(spark_store):
    """A table made before a column was declared (a cluster's persistent catalog) gains it."""
    from pyspark.sql import SparkSession

    from engagelens.store.migrations import migrate

    spark = SparkSession.getActiveSession()
    spark.sql("DROP TABLE IF EXISTS ingest_batch")
    spark.sql("CREATE TABLE ingest_batch (batch_id BIGINT, file STRING) USING parquet")
    migrate(spark_store)
    cols = spark_store.table("ingest_batch").schema()
    assert cols["rows_stored"].is_int64() and cols["finished_at"].is_timestamp()


def _warehouse_files(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    content = folder / "content.csv"
    content.write_text(
        "platform,content_id,account_id,created_at,kind,text\n"
        "x,p1,brand1,2024-01-01 09:00:00,post,launch day\n"
        "x,p2,brand1,2024-01-02 09:00:00,video,behind the scenes\n",
        encoding="utf-8",
    )
    interactions = folder / "interaction.csv"
    interactions.write_text(
        "platform,interaction_id,content_id,account_id,kind,occurred_at,text\n"
        "x,i1,p1,brand1,like,2024-01-01 10:00:00,\n"
        "x,i2,p1,brand1,comment,2024-01-01 11:00:00,love it\n"
        "x,i3,p2,brand1,share,2024-01-02 12:00:00,\n"
        "x,i4,p2,brand1,comment,not a date,broken\n"
        "x,i5,p2,brand1,like,2024-01-03 08:00:00+02:00,\n",
        encoding="utf-8",
    )
    return [content, interactions]


def _same_report(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)


def test_ingest_and_report_on_a_spark_warehouse(spark_store, tmp_path):
    """``ingest --db pyspark:///PATH`` then ``report --db pyspark:///PATH``: the same ledger
    and the same report as DuckDB, and the warehouse is read back from its files by a later
    session (its catalog entries dropped first, as a new process starts without them)."""
    from pyspark.sql import SparkSession

    from engagelens.ingest import ingest_paths
    from engagelens.metrics.report import headline
    from engagelens.store import Store

    files = _warehouse_files(tmp_path / "in")
    spark = SparkSession.getActiveSession()
    try:
        duck = Store.open(tmp_path / "same.duckdb")
        want = [
            (b.rows_read, b.rows_stored, b.rows_duplicate, b.rows_quarantined)
            for b in ingest_paths(duck, files)
        ]
        assert want == [(2, 2, 0, 0), (5, 4, 0, 1)]
        url = f"pyspark://{tmp_path / 'wh'}"
        wh = Store.open(url)
        got = [
            (b.rows_read, b.rows_stored, b.rows_duplicate, b.rows_quarantined)
            for b in ingest_paths(wh, files)
        ]
        assert got == want
        assert _same_report(headline(wh), headline(duck))
        assert headline(wh)["interactions"] == 4

        database = spark.catalog.currentDatabase()
        spark.sql(f"DROP DATABASE {database} CASCADE")  # external tables: files stay
        spark.catalog.setCurrentDatabase("default")
        again = Store.open(url)
        assert again.count("interaction") == 4 and again.count("quarantine") == 1
        assert sorted(again.table("ingest_batch").batch_id.to_pyarrow().to_pylist()) == [1, 2]
        rerun = [(b.batch_id, b.rows_stored, b.rows_duplicate) for b in ingest_paths(again, files)]
        assert rerun == [(3, 0, 2), (4, 0, 4)]  # nothing stored twice
        assert _same_report(headline(again), headline(duck))
        duck.close()
    finally:
        spark.catalog.setCurrentDatabase("default")
