"""Scope (which accounts) and period (which dates) of an answer, stated in words.

Why: a figure without its scope and period cannot be compared with anything — ``report``
used to mix own and competitor accounts silently and never said which dates it covered. The
CLI, the HTML/PDF report and scheduled reports all state them through this module.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from engagelens.errors import ConfigError

from .base import Filters

if TYPE_CHECKING:  # pragma: no cover
    from engagelens.store import Store

SCOPES = ("own", "competitor", "all")


@dataclass(frozen=True)
class Scope:
    """Accounts (ids) or an ownership class; ``accounts`` wins over ``ownership``."""

    ownership: Literal["own", "competitor", "all"] = "own"
    accounts: tuple[str, ...] = ()

    def filters(self, start: dt.datetime | None, end: dt.datetime | None) -> Filters:
        own = None if self.accounts or self.ownership == "all" else self.ownership
        return Filters(start=start, end=end, accounts=self.accounts, ownership=own)

    def describe(self, store: Store) -> str:
        """``own accounts (7): fb-lumina, ig-lumina …`` — what the figures cover."""
        acc = store.table("account")
        if self.accounts:
            ids = list(self.accounts)
            label = "account" if len(ids) == 1 else "accounts"
        else:
            if self.ownership == "own":
                acc = acc.filter(acc.is_own)
            elif self.ownership == "competitor":
                acc = acc.filter(acc.is_competitor)
            else:
                acc = acc.filter(acc.is_own | acc.is_competitor)
            ids = sorted(acc.account_id.to_pyarrow().to_pylist())
            label = {"own": "own accounts", "competitor": "competitor accounts"}.get(
                self.ownership, "own and competitor accounts"
            )
        shown = ", ".join(ids[:6]) + (f" … (+{len(ids) - 6})" if len(ids) > 6 else "")
        return f"{label} ({len(ids)}): {shown or 'none'}"


def parse_scope(value: str) -> Literal["own", "competitor", "all"]:
    """``own``/``competitor``/``all`` or a ConfigError naming the choices."""
    if value not in SCOPES:
        raise ConfigError(f"--scope must be one of {', '.join(SCOPES)}, not {value!r}")
    return value  # type: ignore[return-value]


def data_period(store: Store) -> tuple[dt.datetime | None, dt.datetime | None]:
    """First and last interaction in the store (what "all dates" means for this store)."""
    t = store.table("interaction")
    row = t.aggregate(first=t.occurred_at.min(), last=t.occurred_at.max()).to_pyarrow()
    values = row.to_pylist()[0]
    return values["first"], values["last"]


def describe_period(store: Store, start: dt.datetime | None, end: dt.datetime | None) -> str:
    """``2026-01-01 – 2026-01-31 (31 days)``; open ends say where the data starts/stops."""
    if start is not None and end is not None:
        stop = end - dt.timedelta(microseconds=1)
        days = (end - start).total_seconds() / 86400
        return f"{start:%Y-%m-%d} – {stop:%Y-%m-%d} ({days:g} days, --to exclusive)"
    first, last = data_period(store)
    if first is None or last is None:
        return "all dates (no interactions stored)"
    lo = start or first
    hi = (end - dt.timedelta(microseconds=1)) if end else last
    what = "all dates" if start is None and end is None else "open-ended"
    return f"{what}: {lo:%Y-%m-%d} – {hi:%Y-%m-%d} (first to last interaction)"


def previous_period(
    start: dt.datetime | None, end: dt.datetime | None
) -> tuple[dt.datetime, dt.datetime] | None:
    """The period of the same length just before [start, end); None for open periods."""
    if start is None or end is None:
        return None
    return start - (end - start), start


def change(current: Any, previous: Any) -> str:
    """``+12.5% ▲`` / ``-3.0% ▼`` / ``0.0% ═``; ``—`` when either side is missing or zero."""
    if current is None or previous is None or previous == 0:
        return "—"
    rel = (float(current) - float(previous)) / abs(float(previous))
    arrow = "▲" if rel > 0 else "▼" if rel < 0 else "═"
    return f"{rel * 100:+.1f}% {arrow}"


__all__ = sorted(
    [
        "SCOPES",
        "Scope",
        "change",
        "data_period",
        "describe_period",
        "parse_scope",
        "previous_period",
    ]
)
