"""The DuckDB memory cap is chosen from the machine's memory when no one sets it (a 100M-row
report then spills instead of growing to 80% of RAM), and a cap set by hand wins."""

from __future__ import annotations

import pytest

from engagelens.store.connection import duckdb_memory_limit, machine_memory_bytes, memory_cap

GIB = 1 << 30


def _limit_bytes(store) -> float:
    text = store.sql("SELECT current_setting('memory_limit')").fetchone()[0]  # e.g. '5.8 GiB'
    number, unit = text.split()
    return float(number) * {"KiB": 1 << 10, "MiB": 1 << 20, "GiB": GIB, "TiB": 1 << 40}[unit]


def test_cap_is_a_quarter_of_the_machine():
    assert memory_cap(24 * GIB) == "6144MiB"
    assert memory_cap(128 * GIB) == "32768MiB"
    assert memory_cap(512 << 20) == "256MiB"  # never below 256 MiB


def test_setting_resolution():
    assert duckdb_memory_limit("6GB") == "6GB"
    assert duckdb_memory_limit("default") is None
    total = machine_memory_bytes()
    assert total is not None and total > 0
    assert duckdb_memory_limit("") == duckdb_memory_limit("auto") == memory_cap(total)


@pytest.mark.parametrize(
    "env,want",
    [
        (None, lambda: machine_memory_bytes() / 4),
        ("1GB", lambda: 1e9),
    ],
)
def test_store_open_applies_the_cap(tmp_path, monkeypatch, env, want):
    from engagelens.store import Store

    if env is None:
        monkeypatch.delenv("ENGAGELENS_DUCKDB_MEMORY_LIMIT", raising=False)
    else:
        monkeypatch.setenv("ENGAGELENS_DUCKDB_MEMORY_LIMIT", env)
    with Store.open(tmp_path / "cap.duckdb") as store:
        assert _limit_bytes(store) == pytest.approx(want(), rel=0.02)
