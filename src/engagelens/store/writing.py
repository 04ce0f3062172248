"""Writing a validated batch: typed rows checked, duplicates found, rows and quarantine stored.

Why in the store: validation of millions of rows must be vectorised in the engine, and only
``store/`` may write engine SQL. The caller runs :func:`store_staged` inside
:func:`engagelens.store.ledger.batch_transaction`, which commits the rows and then the batch
record, so a batch is all-or-nothing even under ``kill -9``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from engagelens.errors import StoreError
from engagelens.model.plan import IngestPlan, TargetPlan
from engagelens.model.tables import table_spec

from .compile import typed_select
from .staging import LINES, REJECTS, STAGE, TYPED, Staged, _col, _q

if TYPE_CHECKING:  # pragma: no cover
    from .connection import Store


@dataclass(frozen=True)
class Counts:
    rows_read: int
    rows_stored: int
    rows_duplicate: int
    rows_quarantined: int
    stored_by_table: dict[str, int]


@dataclass(frozen=True)
class Validated:
    """What :func:`validate` found: invalid records, per target whether keys repeat, and per
    target the keys repeated with *different* values (count and a few examples)."""

    bad: int
    repeats: tuple[bool, ...]
    conflicts: tuple[tuple[int, list[dict[str, Any]]], ...] = ()


#: what to do with rows that repeat a key of the same file with different values
CONFLICT_POLICIES = ("first", "last", "quarantine")
_CONFLICT_EXAMPLES = 5


def validate(store: Store, plan: IngestPlan, staged: Staged) -> Validated:
    """Type and check every staged record (TYPED: typed columns + ``__reason``), and find keys
    that repeat inside the file. Runs *before* the batch's transaction: it only writes
    temporary tables, and DuckDB reads them faster once committed.

    ``plan.extra["on_conflict"]`` says which of the rows sharing a key with different values
    is kept: ``first`` (default), ``last``, or ``quarantine`` (all of them, with a reason)."""
    con = store.raw()
    select, params = typed_select(plan, staged)
    policy = plan.extra.get("on_conflict") or "first"
    if policy not in CONFLICT_POLICIES:
        raise StoreError(f"on_conflict must be one of {', '.join(CONFLICT_POLICIES)}")
    repeats = []
    conflicts: list[tuple[int, list[dict[str, Any]]]] = []
    with store._lock:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {TYPED} AS {select}", params)
        for ti, target in enumerate(plan.targets):
            con.execute(f"DROP TABLE IF EXISTS __el_dups{ti}")
            if not target.key:
                repeats.append(False)
                conflicts.append((0, []))
                continue
            # A hash aggregate over the keys (cheaper than a window): only keys seen twice
            # are kept, with the record number of the occurrence that wins.
            key_cols = [_q(f"t{ti}__{k}") for k in target.key]
            key_part = ", ".join(key_cols)
            values = [_q(f"t{ti}__{f.name}") for f in target.fields if f.name not in target.key]
            differ = f"count(DISTINCT struct_pack({', '.join(values)})) > 1" if values else "false"
            keep = "max(__rec)" if policy == "last" else "min(__rec)"
            con.execute(
                f"CREATE TEMP TABLE __el_dups{ti} AS SELECT {key_part}, {keep} AS __keep, "
                f"{differ} AS __conflict FROM {TYPED} WHERE __reason IS NULL "
                "GROUP BY ALL HAVING count(*) > 1"
            )
            conflicts.append(_conflicts(store, plan, ti, target, key_cols))
            if policy == "quarantine" and conflicts[-1][0]:
                match = " AND ".join(f"d.{k} = {TYPED}.{k}" for k in key_cols)
                con.execute(
                    f"UPDATE {TYPED} SET __reason = ? FROM __el_dups{ti} d "
                    f"WHERE d.__conflict AND {match} AND {TYPED}.__reason IS NULL",
                    [f"{target.table}: key repeated in this file with different values"],
                )
                con.execute(f"DELETE FROM __el_dups{ti} WHERE __conflict")
            repeats.append(bool(con.execute(f"SELECT count(*) FROM __el_dups{ti}").fetchone()[0]))
        query = f"SELECT count(*) FROM {TYPED} WHERE __reason IS NOT NULL"
        bad = con.execute(query).fetchone()[0]
    return Validated(int(bad), tuple(repeats), tuple(conflicts))


def _conflicts(
    store: Store, plan: IngestPlan, ti: int, target: Any, key_cols: list[str]
) -> tuple[int, list[dict[str, Any]]]:
    """(number of keys repeated with different values, a few examples: key, and the first
    and last row's line and values)."""
    con = store.raw()
    n = con.execute(f"SELECT count(*) FROM __el_dups{ti} WHERE __conflict").fetchone()[0]
    if not n:
        return 0, []
    match = " AND ".join(f"d.{k} = t.{k}" for k in key_cols)
    names = [f.name for f in target.fields]
    cols = ", ".join("t." + _q(f"t{ti}__{f}") for f in names)
    rows = con.execute(
        f"WITH ex AS (SELECT * FROM __el_dups{ti} WHERE __conflict "
        f"ORDER BY __keep LIMIT {_CONFLICT_EXAMPLES}) "
        f"SELECT t.__rec, {cols} FROM {TYPED} t JOIN ex d ON {match} "
        "WHERE t.__reason IS NULL ORDER BY d.__keep, t.__rec"
    ).fetchall()
    groups: dict[tuple[Any, ...], list[tuple[Any, ...]]] = {}
    key_idx = [names.index(k) + 1 for k in target.key]
    for r in rows:
        groups.setdefault(tuple(r[i] for i in key_idx), []).append(r)
    examples = []
    for key, members in groups.items():
        first, last = members[0], members[-1]
        differing = [
            name
            for i, name in enumerate(names, start=1)
            if name not in target.key and first[i] != last[i]
        ]
        examples.append(
            {
                "key": dict(zip(target.key, (str(k) for k in key), strict=True)),
                "rows": len(members),
                "records": [first[0], last[0]],
                "lines": [first[0] + plan.line_offset, last[0] + plan.line_offset],
                "first": {d: _plain(first[names.index(d) + 1]) for d in differing},
                "last": {d: _plain(last[names.index(d) + 1]) for d in differing},
            }
        )
    return int(n), examples


def _plain(value: Any) -> Any:
    return value if value is None or isinstance(value, int | float | str | bool) else str(value)


def quarantined_records(store: Store, line_offset: int) -> set[int]:
    """Record numbers that will be quarantined (after :func:`validate`): those whose physical
    line the quarantine needs."""
    con = store.raw()
    with store._lock:
        rows = con.execute(
            f"SELECT __rec FROM {TYPED} WHERE __reason IS NOT NULL "
            f"UNION SELECT line - ? FROM {REJECTS}",
            [line_offset],
        ).fetchall()
    return {int(r[0]) for r in rows}


def set_lines(store: Store, lines: dict[int, int]) -> None:
    """Record the physical lines of records where they differ from record + offset."""
    import pyarrow as pa

    con = store.raw()
    with store._lock:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {LINES} (rec BIGINT, line BIGINT)")
        if lines:
            table = pa.table(
                {
                    "rec": pa.array(list(lines), pa.int64()),
                    "line": pa.array(list(lines.values()), pa.int64()),
                }
            )
            con.register("__el_lines_in", table)
            try:
                con.execute(f"INSERT INTO {LINES} SELECT rec, line FROM __el_lines_in")
            finally:
                con.unregister("__el_lines_in")


def store_staged(
    store: Store,
    plan: IngestPlan,
    staged: Staged,
    checked: Validated,
    *,
    batch_id: int,
    source_file: str,
) -> Counts:
    """Store validated rows; call inside ``store.transaction()``.

    Valid rows whose natural key is already stored, or repeats earlier in the file, are
    duplicates; invalid rows go to ``quarantine`` with line, raw row (JSON of the source
    fields) and reason. Returns the counts, checked against read = stored + dup + quarantined.
    """
    con = store.raw()
    bad = checked.bad
    with store._lock:
        entity = plan.entity
        con.execute(f"CREATE TEMP TABLE IF NOT EXISTS {LINES} (rec BIGINT, line BIGINT)")
        if bad:
            keys = []
            kp: list[Any] = []
            for i, name in enumerate(staged.columns):
                keys.append(f"?, {_col(i)}")
                kp.append(name)
            # the physical line where the format knows it differs, else record + offset
            con.execute(
                "INSERT INTO quarantine (batch_id, source, line, record, raw, reason, entity) "
                "SELECT ?, ?, COALESCE(l.line, t.__rec + ?), t.__rec, "
                f"CAST(json_object({', '.join(keys)}) AS VARCHAR), "
                f"t.__reason, ? FROM {TYPED} t JOIN {STAGE} s ON s.__rec = t.__rec "
                f"LEFT JOIN {LINES} l ON l.rec = t.__rec WHERE t.__reason IS NOT NULL",
                [batch_id, source_file, plan.line_offset, *kp, entity],
            )
        if staged.rejected:
            # readers report record + offset as ``line``
            con.execute(
                "INSERT INTO quarantine (batch_id, source, line, record, raw, reason, entity) "
                "SELECT ?, ?, COALESCE(l.line, r.line), r.line - ?, r.raw, r.reason, ? "
                f"FROM {REJECTS} r LEFT JOIN {LINES} l ON l.rec = r.line - ?",
                [batch_id, source_file, plan.line_offset, entity, plan.line_offset],
            )
        stored_by_table: dict[str, int] = {}
        multi = len(plan.targets) > 1
        for ti, target in enumerate(plan.targets):
            stored_by_table[target.table] = _insert_target(
                store,
                ti,
                target,
                batch_id,
                repeats=checked.repeats[ti],
                keep=f"__el_new{ti}" if multi else None,
            )
        if multi:
            union = " UNION ".join(
                f"SELECT __rec FROM __el_new{ti}" for ti in range(len(plan.targets))
            )
            stored = con.execute(f"SELECT count(*) FROM ({union})").fetchone()[0]
        else:
            stored = next(iter(stored_by_table.values()))
    valid = staged.rows - bad
    counts = Counts(
        rows_read=staged.rows + staged.rejected,
        rows_stored=int(stored),
        rows_duplicate=int(valid - stored),
        rows_quarantined=int(bad + staged.rejected),
        stored_by_table=stored_by_table,
    )
    if counts.rows_duplicate < 0:
        raise StoreError(f"ingest bookkeeping broke: stored {stored} of {valid} valid rows")
    return counts


def _insert_target(
    store: Store, ti: int, target: TargetPlan, batch_id: int, *, repeats: bool, keep: str | None
) -> int:
    """Insert the first valid occurrence of each key that is not stored yet."""
    con = store.raw()
    spec = table_spec(target.table)
    names = [f.name for f in target.fields]
    for k in target.key:
        spec.column(k)  # identifiers come from declarations
    cols = ", ".join(f"{_q(f't{ti}__{n}')} AS {_q(n)}" for n in names)
    existing = con.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM {_q(target.table)} LIMIT 1)"
    ).fetchone()[0]
    conditions = ["__reason IS NULL"]
    if repeats:
        cond = " AND ".join(f"d.{_q(f't{ti}__{k}')} = t.{_q(f't{ti}__{k}')}" for k in target.key)
        conditions.append(
            f"NOT EXISTS (SELECT 1 FROM __el_dups{ti} d WHERE {cond} AND d.__keep <> t.__rec)"
        )
    if existing and target.key:
        cond = " AND ".join(f"x.{_q(k)} = t.{_q(f't{ti}__{k}')}" for k in target.key)
        conditions.append(f"NOT EXISTS (SELECT 1 FROM {_q(target.table)} x WHERE {cond})")
    fresh = f"SELECT __rec, {cols} FROM {TYPED} t WHERE {' AND '.join(conditions)}"
    target_cols = ", ".join(_q(n) for n in [*names, "batch_id"])
    out_cols = ", ".join(_q(n) for n in names)
    if keep:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {keep} AS {fresh}")
        con.execute(
            f"INSERT INTO {_q(target.table)} ({target_cols}) SELECT {out_cols}, ? FROM {keep}",
            [batch_id],
        )
        return int(con.execute(f"SELECT count(*) FROM {keep}").fetchone()[0])
    row = con.execute(
        f"INSERT INTO {_q(target.table)} ({target_cols}) SELECT {out_cols}, ? FROM ({fresh})",
        [batch_id],
    ).fetchone()
    return int(row[0]) if row else 0


__all__ = [
    "Counts",
    "Validated",
    "quarantined_records",
    "set_lines",
    "store_staged",
    "validate",
]
