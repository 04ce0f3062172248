"""Staging: read a file into temporary tables of the connection, every record numbered.

Why temporary tables (``__el_*``): a crash drops them, and validation then runs in the engine
over millions of rows at once. Structurally broken records go to REJECTS with their line and
raw text instead of failing the file. Paths and options are bound parameters; identifiers are
our own (``c0``, ``c1``…).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from engagelens.errors import UnreadableFile

if TYPE_CHECKING:  # pragma: no cover
    from .connection import Store

RAW = "__el_raw"  # rows as read (positional columns c0…)
STAGE = "__el_stage"  # RAW plus __rec, the record number in the file
REJECTS = "__el_rejects"  # records the reader itself could not parse (line, raw, reason)
TYPED = "__el_typed"  # typed canonical columns + __reason per record
LINES = "__el_lines"  # record number → physical line, where they differ (rec, line)
_DUCK_REJECTS = ("__el_reject_errors", "__el_reject_scans")

#: phrases for DuckDB's CSV error types (the engine's message follows)
_CSV_ERRORS = {
    "CAST": "value does not fit its column",
    "MISSING COLUMNS": "too few columns (truncated or short line)",
    "TOO MANY COLUMNS": "too many columns (unquoted delimiter?)",
    "UNQUOTED VALUE": "broken quoting (unterminated or stray quote)",
    "LINE SIZE OVER MAXIMUM": "line longer than the reader's limit",
    "INVALID ENCODING": "invalid bytes for the file's encoding",
    "INVALID STATE": "unreadable line",
}


@dataclass(frozen=True)
class Staged:
    """What :func:`stage_csv` and friends left in the temporary tables."""

    columns: tuple[str, ...]  # source column names, by position
    types: tuple[str, ...]  # engine type of each staged column
    rows: int  # records staged (readable)
    rejected: int  # records the reader rejected (in REJECTS)


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _col(i: int) -> str:
    return f"c{i}"


def drop_staging(store: Store) -> None:
    """Remove every temporary table of a previous or finished ingest."""
    con = store.raw()
    with store._lock:
        con.execute(f"DROP VIEW IF EXISTS {STAGE}")
        for name in (TYPED, RAW, REJECTS, *_DUCK_REJECTS, "__el_rejrec", LINES):
            con.execute(f"DROP TABLE IF EXISTS {name}")
        for (name,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE temporary "
            "AND (starts_with(table_name, '__el_new') "
            "OR starts_with(table_name, '__el_dups'))"
        ).fetchall():
            con.execute(f"DROP TABLE IF EXISTS {_q(name)}")


def _create_rejects(store: Store) -> None:
    store.raw().execute(f"CREATE TEMP TABLE {REJECTS} (line BIGINT, raw VARCHAR, reason VARCHAR)")


def stage_csv(
    store: Store,
    path: str,
    *,
    header: list[str],
    delimiter: str = ",",
    max_line_bytes: int = 32 * 1024 * 1024,
    progress: Callable[[float], None] | None = None,
) -> Staged:
    """Read a UTF-8 CSV with DuckDB's parallel reader, every column as text.

    Structurally broken records (too few/many columns, broken quotes, invalid UTF-8, lines
    over ``max_line_bytes``) go to REJECTS with their line and raw text instead of failing.
    ``header`` is the file's first record (read by the caller); its names never reach SQL.
    """
    drop_staging(store)
    con = store.raw()
    columns = "{" + ", ".join(f"'{_col(i)}': 'VARCHAR'" for i in range(len(header))) + "}"
    # ``columns`` holds only our own identifiers; the path and options are bound.
    sql = (
        f"CREATE TEMP TABLE {RAW} AS SELECT * FROM read_csv(?, header = true, "
        f"auto_detect = false, columns = {columns}, delim = ?, quote = '\"', escape = '\"', "
        "strict_mode = true, null_padding = false, max_line_size = ?, buffer_size = ?, "
        f"store_rejects = true, rejects_table = '{_DUCK_REJECTS[0]}', "
        f"rejects_scan = '{_DUCK_REJECTS[1]}')"
    )
    params = [path, delimiter, max_line_bytes, max(2 * max_line_bytes, 32 * 1024 * 1024)]
    with store._lock:
        try:
            _run_with_progress(con, sql, params, progress)
        except Exception as exc:  # the file itself cannot be read (permissions, not CSV…)
            raise UnreadableFile(f"cannot read {path}: {str(exc).splitlines()[0]}") from exc
        _create_rejects(store)
        # DuckDB reports the record number + 1 (header) as ``line``; one record may have
        # several errors, so group them. Raw text: DuckDB keeps the whole line.
        con.execute(
            f"INSERT INTO {REJECTS} SELECT line, first(csv_line ORDER BY column_idx), "
            "string_agg(DISTINCT error_type || ': ' || error_message, '; ') "
            f"FROM {_DUCK_REJECTS[0]} GROUP BY line"
        )
        for kind, phrase in _CSV_ERRORS.items():  # readable reason first, engine text after
            con.execute(
                f"UPDATE {REJECTS} SET reason = ? || ' — ' || reason WHERE starts_with(reason, ?)",
                [phrase, kind + ":"],
            )
        # Record numbers of the readable rows: the k-th readable record is record
        # k + (number of rejected records before it).
        con.execute(
            f"CREATE TEMP TABLE __el_rejrec AS SELECT line - 1 - row_number() OVER "
            f"(ORDER BY line) AS before_k FROM {REJECTS}"
        )
        n_rej = con.execute(f"SELECT count(*) FROM {REJECTS}").fetchone()[0]
        cols = ", ".join(_col(i) for i in range(len(header)))
        if n_rej:
            con.execute(
                f"CREATE TEMP VIEW {STAGE} AS SELECT rowid + 1 + (SELECT count(*) "
                f"FROM __el_rejrec r WHERE r.before_k < {RAW}.rowid + 1) AS __rec, "
                f"{cols} FROM {RAW}"
            )
        else:
            con.execute(f"CREATE TEMP VIEW {STAGE} AS SELECT rowid + 1 AS __rec, {cols} FROM {RAW}")
        rows = con.execute(f"SELECT count(*) FROM {RAW}").fetchone()[0]
    return Staged(tuple(header), ("VARCHAR",) * len(header), int(rows), int(n_rej))


def stage_parquet(store: Store, path: str, *, columns: list[str]) -> Staged:
    """Stage a Parquet file keeping its types (no text round trip); record = row number."""
    drop_staging(store)
    con = store.raw()
    cols = ", ".join(f"#{i + 1} AS {_col(i)}" for i in range(len(columns)))
    with store._lock:
        try:
            con.execute(
                f"CREATE TEMP TABLE {RAW} AS SELECT file_row_number + 1 AS __rec, {cols} "
                "FROM read_parquet(?, file_row_number = true)",
                [path],
            )
        except Exception as exc:
            raise UnreadableFile(f"cannot read {path}: {str(exc).splitlines()[0]}") from exc
        con.execute(f"CREATE TEMP VIEW {STAGE} AS SELECT * FROM {RAW}")
        _create_rejects(store)
        types = _types(store, len(columns))
        rows = con.execute(f"SELECT count(*) FROM {RAW}").fetchone()[0]
    return Staged(tuple(columns), types, int(rows), 0)


def stage_chunks(store: Store, chunks: Iterable[tuple[Any, list[tuple[int, str, str]]]]) -> Staged:
    """Stage records parsed in Python (JSON, JSON Lines): each chunk is an Arrow table with
    ``__rec`` and text columns named after the source keys, plus the chunk's rejected
    records as (line, raw, reason). New keys in later chunks add columns."""
    import pyarrow as pa

    drop_staging(store)
    con = store.raw()
    names: list[str] = []
    with store._lock:
        _create_rejects(store)
        con.execute(f"CREATE TEMP TABLE {RAW} (__rec BIGINT)")
        n_rej = 0
        for table, rejects in chunks:
            for name in table.column_names:
                if name != "__rec" and name not in names:
                    names.append(name)
                    con.execute(f"ALTER TABLE {RAW} ADD COLUMN {_col(len(names) - 1)} VARCHAR")
            if table.num_rows:
                pos = {n: i for i, n in enumerate(names)}
                arrays = [table.column("__rec")]
                fields = [pa.field("__rec", pa.int64())]
                for i, name in enumerate(names):
                    fields.append(pa.field(_col(i), pa.string()))
                    arrays.append(
                        table.column(name)
                        if name in table.column_names
                        else pa.nulls(table.num_rows, pa.string())
                    )
                del pos
                aligned = pa.Table.from_arrays(arrays, schema=pa.schema(fields))
                con.register("__el_chunk", aligned)
                try:
                    con.execute(f"INSERT INTO {RAW} SELECT * FROM __el_chunk")
                finally:
                    con.unregister("__el_chunk")
            if rejects:
                con.executemany(f"INSERT INTO {REJECTS} VALUES (?, ?, ?)", rejects)
                n_rej += len(rejects)
        con.execute(f"CREATE TEMP VIEW {STAGE} AS SELECT * FROM {RAW}")
        rows = con.execute(f"SELECT count(*) FROM {RAW}").fetchone()[0]
    return Staged(tuple(names), ("VARCHAR",) * len(names), int(rows), n_rej)


def _types(store: Store, n: int) -> tuple[str, ...]:
    rows = store.raw().execute(f"DESCRIBE {RAW}").fetchall()
    by_name = {r[0]: r[1] for r in rows}
    return tuple(by_name[_col(i)] for i in range(n))


def _run_with_progress(
    con: Any, sql: str, params: list[Any], progress: Callable[[float], None] | None
) -> None:
    """Execute; while it runs, report DuckDB's own progress estimate (0–1) if asked."""
    if progress is None:
        con.execute(sql, params)
        return
    done = threading.Event()

    def poll() -> None:
        while not done.wait(0.2):
            try:
                pct = con.query_progress()
            except Exception:  # noqa: BLE001 - progress is best effort
                continue
            if pct is not None and pct >= 0:
                progress(min(pct / 100.0, 1.0))

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    try:
        con.execute(sql, params)
    finally:
        done.set()
        watcher.join()
        progress(1.0)


__all__ = sorted(
    [
        "LINES",
        "REJECTS",
        "STAGE",
        "TYPED",
        "Staged",
        "drop_staging",
        "stage_chunks",
        "stage_csv",
        "stage_parquet",
    ]
)
