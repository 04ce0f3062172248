"""Suspicious dates in a validated batch: reported, never changed.

Why report and not quarantine: a file whose slashed dates switch from day-first
(``25/03/2024``) to month-first (``03/25/2024``) mid-file has rows nobody can read for sure
(``04/03/2024`` fits both orders), and a ``1924`` typo in a 2024 export is a valid date. Both
parse; only a person can say which reading is right, so the batch summary names them with the
lines to look at. Runs after :func:`engagelens.store.writing.validate` over the temporary
tables: the source text (STAGE) for the order, the parsed values (TYPED) for the range.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engagelens.model.plan import Expr, IngestPlan

from .staging import STAGE, TYPED, Staged, _col, _q

if TYPE_CHECKING:  # pragma: no cover
    from .connection import Store

#: how far outside the file's 5th–95th percentile range a date is "far": the larger of a year
#: and ten times that range
FAR_DAYS = 365
FAR_SPREAD = 10
#: fewer parsed dates than this say too little about the file's range
MIN_DATES = 20
EXAMPLES = 5
_SLASHED = r"^([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{2,4})"


def _source_column(e: Expr) -> int | None:
    """The staged column a field is read from, if it is one column (maybe trimmed)."""
    while e.op == "trim":
        e = e.args[0]
    return int(e.args[0]) if e.op == "column" else None


def suspicious_dates(store: Store, plan: IngestPlan, staged: Staged) -> list[dict[str, Any]]:
    """Findings, each ``{"field", "kind", "rows", "records", "message"…}``: ``day_month_order``
    when a column's slashed dates are day-first in some rows and month-first in others, and
    ``out_of_range`` for dates far outside the file's range. ``records`` are example record
    numbers (the caller adds their lines)."""
    con = store.raw()
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, int | None]] = set()
    with store._lock:
        for ti, target in enumerate(plan.targets):
            for f in target.fields:
                if f.dtype not in ("timestamp", "date"):
                    continue
                col = _source_column(f.expr)
                if col is None or (f.name, col) in seen:
                    continue  # constants, the file time, templates: not the file's dates
                seen.add((f.name, col))
                if staged.types[col] == "VARCHAR":
                    found = _order(con, f.name, _col(col))
                    if found:
                        out.append(found)
                found = _range(con, f.name, _q(f"t{ti}__{f.name}"))
                if found:
                    out.append(found)
    return out


def _order(con: Any, field: str, col: str) -> dict[str, Any] | None:
    text = f"trim({col})"
    a = f"TRY_CAST(regexp_extract({text}, '{_SLASHED}', 1) AS INTEGER)"
    b = f"TRY_CAST(regexp_extract({text}, '{_SLASHED}', 2) AS INTEGER)"
    day_first = f"{a} > 12 AND {b} <= 12"
    month_first = f"{b} > 12 AND {a} <= 12"
    row = con.execute(
        f"SELECT count(*) FILTER (WHERE {day_first}), "
        f"min(__rec) FILTER (WHERE {day_first}), "
        f"arg_min({text}, __rec) FILTER (WHERE {day_first}), "
        f"count(*) FILTER (WHERE {month_first}), "
        f"min(__rec) FILTER (WHERE {month_first}), "
        f"arg_min({text}, __rec) FILTER (WHERE {month_first}), "
        f"count(*) FILTER (WHERE {a} <= 12 AND {b} <= 12) "
        f"FROM {STAGE} WHERE regexp_matches({text}, '{_SLASHED}')"
    ).fetchone()
    n_day, rec_day, val_day, n_month, rec_month, val_month, ambiguous = row
    if not (n_day and n_month):
        return None
    return {
        "field": field,
        "kind": "day_month_order",
        "rows": int(n_day + n_month),
        "day_first": {"rows": int(n_day), "record": int(rec_day), "value": val_day},
        "month_first": {"rows": int(n_month), "record": int(rec_month), "value": val_month},
        "ambiguous": int(ambiguous),
        "records": [int(rec_day), int(rec_month)],
        "message": (
            f"day/month order changes mid-file: {n_day:,} day-first ({val_day}), "
            f"{n_month:,} month-first ({val_month}), {ambiguous:,} readable either way"
        ),
    }


def _range(con: Any, field: str, col: str) -> dict[str, Any] | None:
    stamp = f"epoch(CAST({col} AS TIMESTAMP))"
    row = con.execute(
        f"WITH v AS (SELECT __rec, {col} AS d, {stamp} AS s FROM {TYPED} "
        f"WHERE __reason IS NULL AND {col} IS NOT NULL), "
        "q AS (SELECT count(*) AS n, quantile_cont(s, 0.05) AS lo, quantile_cont(s, 0.95) AS hi, "
        "CAST(to_timestamp(quantile_cont(s, 0.05)) AS DATE) AS lo_day, "
        "CAST(to_timestamp(quantile_cont(s, 0.95)) AS DATE) AS hi_day FROM v), "
        "far AS (SELECT v.* FROM v, q WHERE q.n >= ? AND "
        "(v.s < q.lo - greatest(? * 86400, ? * (q.hi - q.lo)) OR "
        "v.s > q.hi + greatest(? * 86400, ? * (q.hi - q.lo)))) "
        "SELECT (SELECT count(*) FROM far), "
        "(SELECT list(__rec ORDER BY __rec)[1:?] FROM far), "
        "(SELECT list(CAST(d AS VARCHAR) ORDER BY __rec)[1:?] FROM far), "
        "(SELECT CAST(lo_day AS VARCHAR) FROM q), (SELECT CAST(hi_day AS VARCHAR) FROM q)",
        [MIN_DATES, FAR_DAYS, FAR_SPREAD, FAR_DAYS, FAR_SPREAD, EXAMPLES, EXAMPLES],
    ).fetchone()
    n, records, values, lo, hi = row
    if not n:
        return None
    return {
        "field": field,
        "kind": "out_of_range",
        "rows": int(n),
        "range": [lo, hi],
        "records": [int(r) for r in records],
        "values": list(values),
        "message": (
            f"{n:,} far outside the file's range {lo} … {hi} (5th–95th percentile): "
            + ", ".join(values)
        ),
    }


__all__ = ["suspicious_dates"]
