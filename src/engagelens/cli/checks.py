"""Checks that turn a typo into an error instead of a silent empty answer.

Why: a misspelt ``--db`` used to create a new empty store, an unknown ``--account`` or a
reversed ``--from``/``--to`` printed dashes with exit 0 — a wrong answer that looks like an
answer. Each check names the problem and the valid choices (exit code 2 via cli.main.run)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from engagelens.errors import ConfigError, NotFound

if TYPE_CHECKING:  # pragma: no cover
    from engagelens.store import Store

#: at most this many valid choices are listed in a message
_SHOWN = 12


def _choices(values: Iterable[str]) -> str:
    items = sorted(set(values))
    if not items:
        return "none yet"
    head = ", ".join(items[:_SHOWN])
    return head + (f" … ({len(items)} in all)" if len(items) > _SHOWN else "")


def store_path(target: str) -> Path | None:
    """The file behind a store target, or None for URLs and ``:memory:``."""
    if target.startswith("duckdb://"):
        target = target.removeprefix("duckdb://")
    elif "://" in target or target in ("", ":memory:", "spark"):
        return None
    return Path(target)


def require_store(target: str | os.PathLike[str]) -> None:
    """Refuse to open a DuckDB file that does not exist (opening would create it empty)."""
    path = store_path(os.fspath(target))
    if path is None or path.exists():
        return
    folder = path.parent if str(path.parent) else Path(".")
    nearby = sorted(p.name for p in folder.glob("*.duckdb")) if folder.is_dir() else []
    where = (
        f"stores in {folder}/: {_choices(nearby)}"
        if nearby
        else f"no store in {folder}/"
        if folder.is_dir()
        else f"folder {folder}/ does not exist"
    )
    raise NotFound(
        f"store {os.fspath(path)!r} does not exist ({where}); create one with "
        f"`engagelens init --db {os.fspath(path)}` or `engagelens demo`, or pick another "
        "with --db / ENGAGELENS_DB"
    )


def date_range(
    start: dt.datetime | None, end: dt.datetime | None
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """``--from`` must come before ``--to`` (``--to`` is exclusive, so equal is empty)."""
    if start is not None and end is not None and start >= end:
        what = "the same as" if start == end else "after"
        raise ConfigError(
            f"--from {start:%Y-%m-%d %H:%M} is {what} --to {end:%Y-%m-%d %H:%M}: the period "
            "is empty (--from is inclusive, --to exclusive; swap them or widen the range)"
        )
    return start, end


def known_accounts(store: Store, accounts: Sequence[str]) -> None:
    """Every ``--account`` must be an account id (or handle) in the store."""
    if not accounts:
        return
    rows = store.table("account").select("account_id", "handle").to_pyarrow().to_pylist()
    ids = {r["account_id"] for r in rows}
    handles = {r["handle"] for r in rows if r["handle"]}
    unknown = [a for a in accounts if a not in ids and a not in handles]
    if unknown:
        raise NotFound(
            f"unknown account {', '.join(map(repr, unknown))}; accounts in this store: "
            f"{_choices(ids)}"
        )


def resolve_accounts(store: Store, accounts: Sequence[str]) -> tuple[str, ...]:
    """Account ids for ``--account`` values given as ids or handles (checked first)."""
    known_accounts(store, accounts)
    if not accounts:
        return ()
    rows = store.table("account").select("account_id", "handle").to_pyarrow().to_pylist()
    ids = {r["account_id"] for r in rows}
    out: list[str] = []
    for a in accounts:
        if a in ids:
            out.append(a)
        else:
            out += [r["account_id"] for r in rows if r["handle"] == a]
    return tuple(dict.fromkeys(out))


def known_platforms(store: Store, platforms: Sequence[str]) -> None:
    """Every ``--platform`` must be one the store has data for."""
    if not platforms:
        return
    present: set[str] = set()
    for table in ("account", "content", "mention"):
        if store.has_table(table):
            present |= set(
                store.table(table).select("platform").distinct().to_pyarrow().column(0).to_pylist()
            )
    unknown = [p for p in platforms if p not in present]
    if unknown:
        raise NotFound(
            f"unknown platform {', '.join(map(repr, unknown))}; platforms in this store: "
            f"{_choices(p for p in present if p)}"
        )


def known_query(store: Store, name: str | None) -> None:
    """A ``--query`` must name a stored listening query."""
    if name is None:
        return
    from engagelens.listening import list_queries

    names = [q["name"] for q in list_queries(store)]
    if name not in names:
        raise NotFound(f"unknown listening query {name!r}; queries: {_choices(names)}")


def one_of(value: str, choices: Sequence[str], option: str) -> str:
    """An option with a closed vocabulary (``--format``, ``--by`` …)."""
    if value not in choices:
        raise ConfigError(f"{option} must be one of {', '.join(choices)}, not {value!r}")
    return value


__all__ = sorted(
    [
        "date_range",
        "known_accounts",
        "known_platforms",
        "known_query",
        "one_of",
        "require_store",
        "resolve_accounts",
        "store_path",
    ]
)
