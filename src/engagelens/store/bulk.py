"""DuckDB fast paths for ingestion: stage a file, validate it in SQL, store it in one go.

Why in the store: validation of millions of rows must be vectorised in the engine, and only
``store/`` may write engine SQL. The ingest layer hands over an :class:`IngestPlan` (plain
data, see ``ingest/plan.py``); this module compiles it to typed ``TRY_CAST`` expressions with
a per-row ``reason``. Every value that comes from a user (paths, formats, constants, column
names used as JSON keys) is a *bound parameter*; identifiers are our own (``c0``, ``c1``…,
and column names declared in ``model/tables.py``).

Staged data lives in temporary tables (``__el_*``) of the connection: a crash drops them.
The caller wraps :func:`store_staged` in ``Store.transaction()`` so a batch is all-or-nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from engagelens.errors import StoreError, UnreadableFile
from engagelens.model.tables import table_spec

from .ledger import batch_transaction, write_batch

if TYPE_CHECKING:  # pragma: no cover
    from .connection import Store

RAW = "__el_raw"  # rows as read (positional columns c0…)
STAGE = "__el_stage"  # RAW plus __rec, the record number in the file
REJECTS = "__el_rejects"  # records the reader itself could not parse (line, raw, reason)
TYPED = "__el_typed"  # typed canonical columns + __reason per record
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

#: tried in order when a mapping gives no timestamp_format (US order for slashed dates,
#: as Facebook, X and YouTube exports use it)
_TZ_FORMATS = [
    "%Y-%m-%d %H:%M:%S %z",
    "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%d %H:%M:%S%z",
    "%a %b %d %H:%M:%S %z %Y",
    "%Y-%m-%dT%H:%M:%S.%f%z",
    "%Y-%m-%d %H:%M %z",
]
_NAIVE_FORMATS = [
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y",
    "%b %d, %Y",
    "%B %d, %Y",
    "%d %b %Y",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d",
    "%Y-%m-%d %H:%M",
    "%a %b %d %H:%M:%S %Y",
]
#: number text accepted for whole-number and number columns (after trimming spaces)
_INT_TEXT = r"[+-]?[0-9]+(\.0+)?"
_FLOAT_TEXT = r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?"
_DTYPE_SQL = {
    "string": "VARCHAR",
    "int64": "BIGINT",
    "float64": "DOUBLE",
    "boolean": "BOOLEAN",
    "timestamp": "TIMESTAMP",
    "date": "DATE",
}
_DTYPE_WORD = {
    "int64": "whole number",
    "float64": "number",
    "boolean": "true/false",
    "timestamp": "date/time",
    "date": "date",
    "string": "text",
}


@dataclass(frozen=True)
class Staged:
    """What :func:`stage_csv` and friends left in the temporary tables."""

    columns: tuple[str, ...]  # source column names, by position
    types: tuple[str, ...]  # engine type of each staged column
    rows: int  # records staged (readable)
    rejected: int  # records the reader rejected (in REJECTS)


@dataclass(frozen=True)
class Counts:
    rows_read: int
    rows_stored: int
    rows_duplicate: int
    rows_quarantined: int
    stored_by_table: dict[str, int]


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _col(i: int) -> str:
    return f"c{i}"


# -- staging -------------------------------------------------------------------------------
def drop_staging(store: Store) -> None:
    """Remove every temporary table of a previous or finished ingest."""
    con = store.raw()
    with store._lock:
        con.execute(f"DROP VIEW IF EXISTS {STAGE}")
        for name in (TYPED, RAW, REJECTS, *_DUCK_REJECTS, "__el_rejrec"):
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


# -- compiling a plan ----------------------------------------------------------------------
class _Compiler:
    """Turns plan expressions into SQL text + bound parameters, in order of appearance."""

    def __init__(self, types: tuple[str, ...], file_name: str, file_time: str = "") -> None:
        self.types = types
        self.file_name = file_name
        self.file_time = file_time
        self.params: list[Any] = []

    def p(self, value: Any) -> str:
        """A numbered placeholder: a snippet may appear twice in the SQL, its value once."""
        self.params.append(value)
        return f"${len(self.params)}"

    def text(self, e: Any) -> str:
        """A VARCHAR expression for ``e`` (empty text counts as missing)."""
        op, a = e.op, e.args
        if op == "column":
            name = _col(a[0])
            return name if self.types[a[0]] == "VARCHAR" else f"CAST({name} AS VARCHAR)"
        if op == "const":
            return "CAST(NULL AS VARCHAR)" if a[0] is None else f"CAST({self.p(a[0])} AS VARCHAR)"
        if op == "row":
            return "CAST(__rec AS VARCHAR)"
        if op == "file":
            return f"CAST({self.p(self.file_name)} AS VARCHAR)"
        if op == "file_time":
            return f"CAST({self.p(self.file_time or None)} AS VARCHAR)"
        if op == "concat":
            parts = [f"COALESCE({self.text(x)}, '')" for x in a]
            return "(" + " || ".join(parts) + ")"
        if op == "strip_suffix":
            inner = self.text(a[0])
            return (
                f"(CASE WHEN ends_with({inner}, {self.p(a[1])}) THEN "
                f"left({inner}, length({inner}) - {self.p(len(a[1]))}) ELSE {inner} END)"
            )
        if op == "lower":
            return f"lower({self.text(a[0])})"
        if op == "trim":
            return f"trim({self.text(a[0])})"
        if op == "prefix":
            return f"({self.p(a[1])} || {self.text(a[0])})"
        if op == "map":
            inner = self.text(a[0])
            if not a[1]:
                return inner
            whens = " ".join(f"WHEN {self.p(k)} THEN CAST({self.p(v)} AS VARCHAR)" for k, v in a[1])
            return f"(CASE {inner} {whens} ELSE {inner} END)"
        if op == "multiply":
            inner = self.text(a[0])
            num = self._number(inner)
            return (
                f"(CASE WHEN {num} IS NULL THEN {inner} "
                f"ELSE CAST({num} * {self.p(a[1])} AS VARCHAR) END)"
            )
        if op == "coalesce":
            return f"COALESCE(NULLIF({self.text(a[0])}, ''), {self.text(a[1])})"
        if op == "if":
            return (
                f"(CASE WHEN {self.test(a[0])} THEN {self.text(a[1])} ELSE {self.text(a[2])} END)"
            )
        raise StoreError(f"ingest plan: unknown expression {op!r}")

    def test(self, e: Any) -> str:
        if e.op == "present":
            return f"COALESCE(trim({self.text(e.args[0])}) <> '', false)"
        if e.op == "equals":
            return f"COALESCE({self.text(e.args[0])} = {self.p(e.args[1])}, false)"
        if e.op == "not":
            return f"(NOT {self.test(e.args[0])})"
        raise StoreError(f"ingest plan: unknown test {e.op!r}")

    def typed(self, f: Any) -> tuple[str, str]:
        """(typed SQL, source-text SQL) for one field."""
        e = f.expr
        if e.op == "column" and self.types[e.args[0]] != "VARCHAR":
            src_type = self.types[e.args[0]]
            name = _col(e.args[0])
            native = self._native(name, src_type, f.dtype)
            if native is not None:
                return (f"(NOT {native})" if f.negate else native), f"CAST({name} AS VARCHAR)"
        s = self.text(e)
        s = f"NULLIF({s}, '')"
        dtype = f.dtype
        if dtype == "string":
            out = s
        elif dtype == "int64":
            # only plain decimal digits ("12", "12.0"): DuckDB's cast would round "12.7" and
            # read "0x10", "0b11", "1_000" — silent changes, so those are bad values instead
            out = (
                f"(CASE WHEN regexp_full_match(trim({s}), {self.p(_INT_TEXT)}) THEN "
                f"TRY_CAST(regexp_replace(trim({s}), '\\.0+$', '') AS BIGINT) END)"
            )
        elif dtype == "float64":
            out = self._number(s)
        elif dtype == "boolean":
            # DuckDB's cast takes true/false, t/f, 1/0, yes/no, y/n in any case
            out = f"TRY_CAST(trim({s}) AS BOOLEAN)"
            if f.negate:
                out = f"(NOT {out})"
        elif dtype == "timestamp":
            # constants and the file time are ISO text: the export's own format does not apply
            formats = () if e.op in ("const", "file_time") else f.timestamp_formats
            out = self._real_date(
                s, self._timestamp(s, formats, None if e.op == "file_time" else f.timezone)
            )
        elif dtype == "date":
            stamp = self._timestamp(s, f.timestamp_formats, None)
            out = self._real_date(
                s, f"COALESCE(TRY_CAST(trim({s}) AS DATE), CAST({stamp} AS DATE))"
            )
        else:
            raise StoreError(f"ingest plan: unsupported type {dtype!r}")
        return out, s

    def _native(self, name: str, src_type: str, dtype: str) -> str | None:
        if dtype == "timestamp":
            if src_type.startswith("TIMESTAMP WITH TIME ZONE"):
                return f"timezone('UTC', {name})"
            if src_type.startswith(("TIMESTAMP", "DATE")):
                return f"CAST({name} AS TIMESTAMP)"
            return None
        if dtype == "string":
            return f"CAST({name} AS VARCHAR)"
        if dtype in ("int64", "float64") and src_type in ("FLOAT", "DOUBLE"):
            # no rounding of 12.7 into a whole number, no NaN or infinity as a count
            whole = f" AND {name} = trunc({name})" if dtype == "int64" else ""
            return (
                f"(CASE WHEN isfinite({name}){whole} THEN "
                f"TRY_CAST({name} AS {_DTYPE_SQL[dtype]}) END)"
            )
        if dtype == "int64" and src_type.startswith("DECIMAL"):
            return f"(CASE WHEN {name} = trunc({name}) THEN TRY_CAST({name} AS BIGINT) END)"
        if dtype in ("int64", "float64", "boolean", "date"):
            return f"TRY_CAST({name} AS {_DTYPE_SQL[dtype]})"
        return None

    def _timestamp(self, s: str, formats: tuple[str, ...], tz: str | None) -> str:
        """Naive UTC from text: offsets are applied; naive values are in ``tz`` (UTC default)."""
        trimmed = f"trim({s})"
        if formats:
            with_z = [f for f in formats if "%z" in f or "%Z" in f]
            naive = [f for f in formats if f not in with_z]
            parts = []
            if with_z:
                parts.append(f"timezone('UTC', try_strptime({trimmed}, {self.p(with_z)}))")
            if naive:
                parts.append(self._localise(f"try_strptime({trimmed}, {self.p(naive)})", tz))
            return "COALESCE(" + ", ".join(parts) + ")" if len(parts) > 1 else parts[0]
        by_format = f"timezone('UTC', try_strptime({trimmed}, {self.p(_TZ_FORMATS)}))"
        aware = f"COALESCE(timezone('UTC', TRY_CAST({trimmed} AS TIMESTAMPTZ)), {by_format})"
        naive = self._localise(
            f"COALESCE(TRY_CAST({trimmed} AS TIMESTAMP), "
            f"try_strptime({trimmed}, {self.p(_NAIVE_FORMATS)}))",
            tz,
        )
        # An offset or Z at the end ("…+01:00", "…-0800", "…Z") — checked with cheap string
        # functions, because a TIMESTAMP cast would silently drop the offset.
        tail = f"right({trimmed}, 6)"
        has_offset = (
            f"(length({trimmed}) > 19 AND (ends_with({trimmed}, 'Z') OR "
            f"contains({tail}, '+') OR contains({tail}, '-')))"
        )
        return f"(CASE WHEN {has_offset} THEN {aware} ELSE COALESCE({naive}, {by_format}) END)"

    def _number(self, s: str) -> str:
        """A DOUBLE from decimal text only (no hex, binary, ``_``, ``inf``, ``nan``, overflow)."""
        num = f"TRY_CAST(trim({s}) AS DOUBLE)"
        return (
            f"(CASE WHEN regexp_full_match(trim({s}), {self.p(_FLOAT_TEXT)}) "
            f"AND isfinite({num}) THEN {num} END)"
        )

    def _real_date(self, s: str, parsed: str) -> str:
        """NULL when the text starts with an impossible ISO date (``2024-02-30 10:00 +0000``):
        strptime with an offset rolls such dates over into the next month."""
        iso = f"regexp_extract(trim({s}), '^[0-9]{{4}}-[0-9]{{1,2}}-[0-9]{{1,2}}')"
        return f"(CASE WHEN {iso} = '' OR TRY_CAST({iso} AS DATE) IS NOT NULL THEN {parsed} END)"

    def _localise(self, naive: str, tz: str | None) -> str:
        if not tz or tz.upper() == "UTC":
            return naive
        return f"timezone('UTC', timezone({self.p(tz)}, {naive}))"

    def reasons(self, f: Any, typed: str, src: str) -> list[str]:
        """SQL snippets, each NULL or a reason text, for one field."""
        out = []
        word = _DTYPE_WORD[f.dtype]
        if f.dtype != "string":
            out.append(
                f"CASE WHEN {src} IS NOT NULL AND {typed} IS NULL THEN "
                f"{self.p(f'bad {word} in {f.name}: ')} || left({src}, 80) END"
            )
        if f.required:
            out.append(f"CASE WHEN {src} IS NULL THEN {self.p(f'missing {f.name}')} END")
        if f.minimum is not None:
            label = f"negative {f.name}" if f.minimum == 0 else f"{f.name} below {f.minimum:g}"
            out.append(
                f"CASE WHEN {typed} < {self.p(f.minimum)} THEN "
                f"{self.p(label + ': ')} || CAST({typed} AS VARCHAR) END"
            )
        if f.maximum is not None:
            out.append(
                f"CASE WHEN {typed} > {self.p(f.maximum)} THEN "
                f"{self.p(f'{f.name} above {f.maximum:g}: ')} || CAST({typed} AS VARCHAR) END"
            )
        if f.choices:
            out.append(
                f"CASE WHEN {typed} IS NOT NULL AND NOT list_contains({self.p(list(f.choices))}, "
                f"{typed}) THEN {self.p(f'unknown {f.name}: ')} || left({typed}, 80) END"
            )
        if f.max_bytes:
            out.append(
                f"CASE WHEN strlen({typed}) > {self.p(f.max_bytes)} THEN "
                f"{self.p(f'{f.name} is ')} || CAST(strlen({typed}) AS VARCHAR) || "
                f"{self.p(f' bytes, over max_field_bytes={f.max_bytes}')} END"
            )
        return out


def _typed_select(plan: Any, staged: Staged) -> tuple[str, list[Any]]:
    comp = _Compiler(staged.types, plan.file_name, plan.file_time)
    selects = ["__rec"]
    reasons: list[str] = []
    for rule in plan.rules:
        reasons.append(f"CASE WHEN {comp.test(rule.test)} THEN {comp.p(rule.reason)} END")
    for ti, target in enumerate(plan.targets):
        for f in target.fields:
            typed, src = comp.typed(f)
            selects.append(f"{typed} AS {_q(f't{ti}__{f.name}')}")
            reasons.extend(comp.reasons(f, typed, src))
    reason = "NULLIF(concat_ws('; ', " + ", ".join(reasons) + "), '')" if reasons else "NULL"
    selects.append(f"{reason} AS __reason")
    return f"SELECT {', '.join(selects)} FROM {STAGE}", comp.params


# -- storing -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Validated:
    """What :func:`validate` found: invalid records, per target whether keys repeat, and per
    target the keys repeated with *different* values (count and a few examples)."""

    bad: int
    repeats: tuple[bool, ...]
    conflicts: tuple[tuple[int, list[dict[str, Any]]], ...] = ()


#: what to do with rows that repeat a key of the same file with different values
CONFLICT_POLICIES = ("first", "last", "quarantine")
_CONFLICT_EXAMPLES = 3


def validate(store: Store, plan: Any, staged: Staged) -> Validated:
    """Type and check every staged record (TYPED: typed columns + ``__reason``), and find keys
    that repeat inside the file. Runs *before* the batch's transaction: it only writes
    temporary tables, and DuckDB reads them faster once committed.

    ``plan.extra["on_conflict"]`` says which of the rows sharing a key with different values
    is kept: ``first`` (default), ``last``, or ``quarantine`` (all of them, with a reason)."""
    con = store.raw()
    select, params = _typed_select(plan, staged)
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
    store: Store, plan: Any, ti: int, target: Any, key_cols: list[str]
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
                "lines": [first[0] + plan.line_offset, last[0] + plan.line_offset],
                "first": {d: _plain(first[names.index(d) + 1]) for d in differing},
                "last": {d: _plain(last[names.index(d) + 1]) for d in differing},
            }
        )
    return int(n), examples


def _plain(value: Any) -> Any:
    return value if value is None or isinstance(value, int | float | str | bool) else str(value)


def store_staged(
    store: Store, plan: Any, staged: Staged, checked: Validated, *, batch_id: int, source_file: str
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
        if bad:
            keys = []
            kp: list[Any] = []
            for i, name in enumerate(staged.columns):
                keys.append(f"?, {_col(i)}")
                kp.append(name)
            con.execute(
                "INSERT INTO quarantine (batch_id, source, line, raw, reason, entity) "
                f"SELECT ?, ?, t.__rec + ?, CAST(json_object({', '.join(keys)}) AS VARCHAR), "
                f"t.__reason, ? FROM {TYPED} t JOIN {STAGE} s ON s.__rec = t.__rec "
                "WHERE t.__reason IS NOT NULL",
                [batch_id, source_file, plan.line_offset, *kp, entity],
            )
        if staged.rejected:
            con.execute(
                "INSERT INTO quarantine (batch_id, source, line, raw, reason, entity) "
                f"SELECT ?, ?, line, raw, reason, ? FROM {REJECTS}",
                [batch_id, source_file, entity],
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
    store: Store, ti: int, target: Any, batch_id: int, *, repeats: bool, keep: str | None
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
    "CONFLICT_POLICIES",
    "Counts",
    "Staged",
    "Validated",
    "batch_transaction",
    "drop_staging",
    "stage_chunks",
    "stage_csv",
    "stage_parquet",
    "store_staged",
    "validate",
    "write_batch",
]
