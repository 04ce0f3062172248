"""Options and helpers shared by command groups."""

from __future__ import annotations

import datetime as dt

import typer

from engagelens.errors import ConfigError
from engagelens.store import Store

DbOption = typer.Option(
    None,
    "--db",
    envvar="ENGAGELENS_DB",
    help="Store: DuckDB file path or Ibis URL (default ./engagelens.duckdb).",
)


def open_db(db: str | None, **kw) -> Store:
    """The store; while another process (``engagelens serve``, another command) holds the
    file, waits for it (``store_lock_wait_s``) instead of failing on DuckDB's lock."""
    from engagelens.store.sharing import open_waiting

    return open_waiting(db, **kw)


def parse_date(value: str | None, name: str) -> dt.datetime | None:
    """An ISO date or timestamp from ``--from``/``--to``; a bad one is a one-line ConfigError."""
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        raise ConfigError(
            f"--{name}: expected an ISO date like 2024-01-31, got {value!r}"
        ) from None
