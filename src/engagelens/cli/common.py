"""Options and helpers shared by command groups."""

from __future__ import annotations

import typer

from ..store import Store

DbOption = typer.Option(None, "--db", envvar="ENGAGELENS_DB",
                        help="Store: DuckDB file path or Ibis URL (default ./engagelens.duckdb).")


def open_db(db: str | None, **kw) -> Store:
    return Store.open(db, **kw)
