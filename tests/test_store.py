import datetime as dt

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
    store.insert("interaction", [{"platform": "x", "interaction_id": "1", "kind": "like",
                                  "occurred_at": dt.datetime(2024, 1, 1)}])
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
