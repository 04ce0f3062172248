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


def test_insert_keeps_keys_that_only_later_rows_have(store):
    """A list of dicts whose first row lacks a key kept only the first row's keys: the text of
    every later row was silently dropped."""
    rows = [
        {"platform": "x", "interaction_id": "1", "kind": "like",
         "occurred_at": dt.datetime(2024, 1, 1)},
        {"platform": "x", "interaction_id": "2", "kind": "comment",
         "occurred_at": dt.datetime(2024, 1, 1), "text": "late key"},
    ]  # fmt: skip
    assert store.insert("interaction", rows) == 2
    got = {
        r["interaction_id"]: r["text"] for r in store.table("interaction").to_pyarrow().to_pylist()
    }
    assert got == {"1": None, "2": "late key"}
    with pytest.raises(StoreError, match="unknown columns"):
        store.insert("interaction", [{"platform": "x"}, {"platform": "x", "nope": 1}])


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


def test_every_plan_op_has_a_compiler_entry_and_unknown_ops_are_errors():
    """The op table in model/plan.py and the compiler's lookup tables agree; an op the
    compiler does not know is a StoreError naming it, never SQL."""
    import re

    from engagelens.model import plan as P
    from engagelens.store import compile as C

    documented = set(re.findall(r"^``(\w+)``", P.__doc__ or "", flags=re.MULTILINE))
    assert len(documented) == 17
    assert documented == set(C._TEXT) | set(C._TEST)
    comp = C._Compiler(("VARCHAR",), "f.csv")
    with pytest.raises(StoreError, match="unknown expression 'upper'"):
        comp.text(P.Expr("upper", (P.column(0),)))
    with pytest.raises(StoreError, match="unknown test 'lower'"):
        comp.test(P.Expr("lower", (P.column(0),)))
    sql = comp.text(P.Expr("prefix", (P.column(0), "x:")))
    assert sql == "($1 || c0)" and comp.params == ["x:"]  # user text only as a parameter


def test_store_methods_for_other_layers(store):
    """list_tables and truncate: what listening/ and cli/ used to reach through store.con."""
    assert "interaction" in store.list_tables() and store.list_tables() == sorted(
        store.list_tables()
    )
    store.insert("account", [{"platform": "x", "account_id": "a"}])
    with store.transaction():
        store.truncate("account")
    assert store.count("account") == 0
    with pytest.raises(SchemaError, match="unknown table 'no_such_table'"):
        store.truncate("no_such_table")


def test_rows_of_an_unrecorded_batch_are_removed_on_open(tmp_path):
    """What a crash between the rows' COMMIT and the batch record's leaves is rolled back."""
    from engagelens.ingest import ingest_file

    data = tmp_path / "interaction.csv"
    data.write_text(
        "platform,interaction_id,kind,occurred_at\nx,1,like,2024-01-01\nx,2,like,2024-01-02\n",
        encoding="utf-8",
    )
    db = tmp_path / "s.duckdb"
    with Store.open(db) as s:
        ingest_file(s, data)
        s.insert(
            "interaction",
            [
                {
                    "platform": "x",
                    "interaction_id": "9",
                    "kind": "like",
                    "occurred_at": dt.datetime(2024, 1, 3),
                    "batch_id": 2,
                }
            ],
        )
        s.insert("quarantine", [{"batch_id": 2, "reason": "r"}])
        assert s.count("interaction") == 3
    with Store.open(db) as s:
        assert s.count("interaction") == 2 and s.count("quarantine") == 0
        assert s.sql("SELECT DISTINCT batch_id FROM interaction").fetchall() == [(1,)]
