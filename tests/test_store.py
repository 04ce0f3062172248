import datetime as dt
from pathlib import Path

import pytest

from engagelens.errors import SchemaError, StoreError
from engagelens.model import CORE_TABLES
from engagelens.store import SCHEMA_VERSION, Store
from engagelens.store.migrations import applied_versions


def test_open_creates_every_core_table_and_records_version(tmp_path):
    s = Store.open(tmp_path / "a.duckdb")
    for spec in CORE_TABLES:
        assert s.has_table(spec.name), spec.name
    assert max(applied_versions(s)) == SCHEMA_VERSION
    s.close()
    # reopening runs nothing twice
    s = Store.open(tmp_path / "a.duckdb")
    assert s.table("schema_version").count().execute() == len(applied_versions(s))


def test_insert_casts_and_fills_missing_columns(store):
    store.insert(
        "interaction",
        [
            {
                "platform": "x",
                "interaction_id": "1",
                "kind": "like",
                "occurred_at": dt.datetime(2024, 1, 1),
            }
        ],
    )
    row = store.table("interaction").to_pyarrow().to_pylist()[0]
    assert row["kind"] == "like" and row["text"] is None


def test_insert_rejects_unknown_columns(store):
    with pytest.raises(StoreError, match="unknown columns"):
        store.insert("interaction", [{"platform": "x", "nope": 1}])


def test_transaction_rolls_back_on_error(store):
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.insert("account", [{"platform": "x", "account_id": "a"}])
            raise RuntimeError("boom")
    assert store.count("account") == 0


def test_unknown_table_is_a_clear_error(store):
    with pytest.raises(SchemaError):
        store.spec("nope")


def test_spark_files_go_to_the_configured_folder_not_the_cwd(tmp_path, monkeypatch):
    from engagelens.store.connection import spark_dirs

    assert spark_dirs(tmp_path / "s") == (tmp_path / "s" / "warehouse", tmp_path / "s")
    monkeypatch.setenv("ENGAGELENS_SPARK_WAREHOUSE_DIR", str(tmp_path / "env"))
    assert spark_dirs()[1] == tmp_path / "env" and (tmp_path / "env").is_dir()
    monkeypatch.delenv("ENGAGELENS_SPARK_WAREHOUSE_DIR")
    monkeypatch.chdir(tmp_path)
    import tempfile

    warehouse, derby = spark_dirs()  # default: a fresh folder under the temp dir
    other = spark_dirs()[1]
    assert derby.parent == Path(tempfile.gettempdir()) and derby != other
    assert warehouse.parent == derby and not (tmp_path / "spark-warehouse").exists()
    derby.rmdir()
    other.rmdir()


def test_duckdb_memory_limit_setting_caps_the_engine(tmp_path, monkeypatch):
    """The cap reaches DuckDB itself (read back from the engine, not from our settings)."""
    from engagelens.store import Store

    monkeypatch.setenv("ENGAGELENS_DUCKDB_MEMORY_LIMIT", "512MB")
    store = Store.open(tmp_path / "capped.duckdb")
    try:
        (limit,) = store.raw().execute("SELECT current_setting('memory_limit')").fetchone()
    finally:
        store.close()
    assert limit == "488.2 MiB", limit  # 512 MB as DuckDB prints it (binary units)
