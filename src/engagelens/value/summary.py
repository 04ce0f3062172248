"""From a transaction log to the (frequency, recency, T, monetary) summary the buy-till-you-die
models are fitted on.

Why this shape: BG/NBD and Gamma-Gamma need only four numbers per customer (Fader, Hardie &
Lee 2005, §2): ``x`` repeat purchases in the calibration period, ``t_x`` the time of the last
one, ``T`` the time from the first purchase to the end of calibration (all in ``time_unit``),
and ``m̄`` the mean value of the repeat purchases. Purchases on the same calendar day count as
one (their values add up), as in the CDNOW data the models were published on; purchases after
``calibration_end`` are left out, so the fit can be checked on a later hold-out period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from engagelens.errors import ConfigError

if TYPE_CHECKING:  # pragma: no cover
    from engagelens.store import Store

#: length of one time unit in days
TIME_UNITS: dict[str, float] = {"days": 1.0, "weeks": 7.0, "months": 365.25 / 12, "years": 365.25}


@dataclass(frozen=True)
class Transaction:
    customer_id: str
    occurred_at: dt.datetime
    amount: float


@dataclass(frozen=True)
class CustomerSummary:
    """Per-customer arrays, aligned by position; ``monetary`` is 0 where ``frequency`` is 0."""

    customer_ids: tuple[str, ...]
    frequency: np.ndarray
    recency: np.ndarray
    T: np.ndarray
    monetary: np.ndarray
    time_unit: str
    calibration_end: dt.datetime

    def __len__(self) -> int:
        return len(self.customer_ids)


def unit_days(time_unit: str) -> float:
    try:
        return TIME_UNITS[time_unit]
    except KeyError:
        raise ConfigError(
            f"unknown time unit {time_unit!r}; choose one of {', '.join(TIME_UNITS)}"
        ) from None


def summarise(
    transactions: Iterable[Transaction], *, calibration_end: dt.datetime, time_unit: str = "weeks"
) -> CustomerSummary:
    """Summarise a transaction log up to and including the day of ``calibration_end``.

    Customers whose first purchase falls after ``calibration_end`` are not in the summary
    (they were not customers yet)."""
    days = unit_days(time_unit)
    end_day = (
        calibration_end.date() if isinstance(calibration_end, dt.datetime) else calibration_end
    )
    per: dict[str, dict[dt.date, float]] = {}
    for t in transactions:
        day = t.occurred_at.date() if isinstance(t.occurred_at, dt.datetime) else t.occurred_at
        if day > end_day:
            continue
        if t.amount is None or not np.isfinite(t.amount):
            raise ConfigError(f"customer {t.customer_id!r}: amount {t.amount!r} is not a number")
        book = per.setdefault(str(t.customer_id), {})
        book[day] = book.get(day, 0.0) + float(t.amount)
    ids = tuple(sorted(per))
    n = len(ids)
    freq, rec, age, mon = (np.zeros(n) for _ in range(4))
    for i, cid in enumerate(ids):
        book = per[cid]
        order = sorted(book)
        first, last = order[0], order[-1]
        freq[i] = len(order) - 1
        rec[i] = (last - first).days / days
        age[i] = (end_day - first).days / days
        mon[i] = float(np.mean([book[d] for d in order[1:]])) if len(order) > 1 else 0.0
    return CustomerSummary(
        ids, freq, rec, age, mon, time_unit, dt.datetime.combine(end_day, dt.time())
    )


def read_transactions(
    path: str | Path, *, customer: str, date: str, amount: str
) -> list[Transaction]:
    """Read a CSV/TSV/Parquet/JSONL transaction file; every row needs all three columns.

    A missing column or an unparsable date/amount is a clear error naming the line, never a
    silently smaller customer base."""

    from engagelens.sidefiles import read_side_file

    frame = read_side_file(path, "transactions", as_text=True)
    p = Path(path)
    missing = [c for c in (customer, date, amount) if c not in frame.columns]
    if missing:
        raise ConfigError(
            f"{p}: no column {', '.join(map(repr, missing))}; columns are {frame.columns}"
        )
    out: list[Transaction] = []
    for line, (cid, when, value) in enumerate(
        zip(frame[customer], frame[date], frame[amount], strict=True), start=2
    ):
        out.append(
            Transaction(str(cid), _parse_when(when, p, line, date), _parse_amount(value, p, line))
        )
    return out


def _parse_when(value: object, path: Path, line: int, column: str) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    text = str(value or "").strip()
    for fmt in (None, "%Y%m%d"):
        try:
            return (
                dt.datetime.fromisoformat(text) if fmt is None else dt.datetime.strptime(text, fmt)
            )
        except ValueError:
            continue
    raise ConfigError(f"{path}:{line}: column {column!r}: {text!r} is not a date")


def _parse_amount(value: object, path: Path, line: int) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ConfigError(f"{path}:{line}: amount {value!r} is not a number") from None
    if not np.isfinite(number):
        raise ConfigError(f"{path}:{line}: amount {value!r} is not a finite number")
    return number


def store_transactions(store: Store) -> list[Transaction]:
    """Orders of known customers from the ``conversion`` table."""
    c = store.table("conversion")
    c = c.filter(c.customer_id.notnull())
    rows = c.select("customer_id", "occurred_at", "value").to_pyarrow().to_pylist()
    return [Transaction(r["customer_id"], r["occurred_at"], float(r["value"] or 0.0)) for r in rows]


def subset(summary: CustomerSummary, ids: Sequence[str]) -> CustomerSummary:
    """The rows of ``ids`` (unknown ids are an error: a typo must not look like a customer)."""
    index = {c: i for i, c in enumerate(summary.customer_ids)}
    unknown = [c for c in ids if c not in index]
    if unknown:
        raise ConfigError(f"unknown customer id(s): {', '.join(unknown[:5])}")
    pos = np.array([index[c] for c in ids], dtype=int)
    return CustomerSummary(
        tuple(ids),
        summary.frequency[pos],
        summary.recency[pos],
        summary.T[pos],
        summary.monetary[pos],
        summary.time_unit,
        summary.calibration_end,
    )


__all__ = sorted(
    [
        "TIME_UNITS",
        "CustomerSummary",
        "Transaction",
        "read_transactions",
        "store_transactions",
        "subset",
        "summarise",
        "unit_days",
    ]
)
