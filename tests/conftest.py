"""Shared fixtures: a fresh store per test, and the real data sets in ../shared/data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("ENGAGELENS_SHARED_DATA", REPO.parent / "shared" / "data"))
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def store(tmp_path):
    from engagelens.store import Store

    s = Store.open(tmp_path / "test.duckdb")
    yield s
    s.close()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        message = (
            f"shared data sets not found at {SHARED_DATA} "
            "(set ENGAGELENS_SHARED_DATA to their folder)"
        )
        if os.environ.get("CI"):  # on CI a missing data set is a failure, never a silent skip
            pytest.fail(message)
        pytest.skip(message)
    return SHARED_DATA


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


def empty_all_tables(store) -> None:
    """Empty every declared table of a Spark-backed store.

    Spark tests share one SparkSession (and so one catalog) per process: without this, rows a
    previous test module loaded would be counted again by the next module's figures."""
    from engagelens.model import all_tables

    present = set(store.con.list_tables())
    for spec in all_tables():  # declared tables only: Ibis' in-memory views are not tables
        if spec.name in present:
            store.con.truncate_table(spec.name)
