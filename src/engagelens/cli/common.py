"""Options and helpers shared by command groups."""

from __future__ import annotations

import datetime as dt
from typing import Any

import typer

from engagelens.errors import ConfigError
from engagelens.store import Store

DbOption = typer.Option(
    None,
    "--db",
    envvar="ENGAGELENS_DB",
    help="Store: DuckDB file path or Ibis URL (default ./engagelens.duckdb).",
)


def open_db(db: str | None, *, create: bool = False, **kw: Any) -> Store:
    """Open the store; unless ``create`` (init, ingest, demo), a DuckDB file that does not
    exist is an error — opening would create an empty store and every answer would be empty.
    While another process (``engagelens serve``, another command) holds the file, waits for it
    (``store_lock_wait_s``) instead of failing on DuckDB's lock."""
    from engagelens import settings
    from engagelens.store.sharing import open_waiting

    from .checks import require_store

    if not create:
        require_store(db if db is not None else str(settings.get("db")))
    return open_waiting(db, **kw)


def parse_range(
    start: str | None, end: str | None
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """``--from``/``--to`` parsed and checked: a reversed or empty period is an error."""
    from .checks import date_range

    return date_range(parse_date(start, "from"), parse_date(end, "to"))


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
