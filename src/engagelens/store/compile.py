"""Compiling an ingest plan (:mod:`engagelens.model.plan`) to DuckDB SQL.

Why a lookup table of op → compiler method and not a chain of ``if op ==``: each expression
kind is one small function, an unknown op is one clear error, and a new op is one entry.
Every value that comes from a user (constants, formats, column names used as JSON keys) is a
*bound parameter* (``$n``); identifiers are our own (``c0``…, ``t0__name``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engagelens.errors import StoreError
from engagelens.model.plan import Expr, FieldPlan, IngestPlan

from .staging import STAGE, Staged, _col, _q

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

    def text(self, e: Expr) -> str:
        """A VARCHAR expression for ``e`` (empty text counts as missing)."""
        build = _TEXT.get(e.op)
        if build is None:
            raise StoreError(f"ingest plan: unknown expression {e.op!r}")
        return build(self, e.args)

    def test(self, e: Expr) -> str:
        """A BOOLEAN expression (never NULL) for a row test."""
        build = _TEST.get(e.op)
        if build is None:
            raise StoreError(f"ingest plan: unknown test {e.op!r}")
        return build(self, e.args)

    # -- one method per expression op (see the table in model/plan.py) ---------------------
    def _column(self, a: Args) -> str:
        name = _col(a[0])
        return name if self.types[a[0]] == "VARCHAR" else f"CAST({name} AS VARCHAR)"

    def _const(self, a: Args) -> str:
        return "CAST(NULL AS VARCHAR)" if a[0] is None else f"CAST({self.p(a[0])} AS VARCHAR)"

    def _row(self, a: Args) -> str:
        return "CAST(__rec AS VARCHAR)"

    def _file(self, a: Args) -> str:
        return f"CAST({self.p(self.file_name)} AS VARCHAR)"

    def _file_time(self, a: Args) -> str:
        return f"CAST({self.p(self.file_time or None)} AS VARCHAR)"

    def _concat(self, a: Args) -> str:
        parts = [f"COALESCE({self.text(x)}, '')" for x in a]
        return "(" + " || ".join(parts) + ")"

    def _strip_suffix(self, a: Args) -> str:
        inner = self.text(a[0])
        return (
            f"(CASE WHEN ends_with({inner}, {self.p(a[1])}) THEN "
            f"left({inner}, length({inner}) - {self.p(len(a[1]))}) ELSE {inner} END)"
        )

    def _lower(self, a: Args) -> str:
        return f"lower({self.text(a[0])})"

    def _trim(self, a: Args) -> str:
        return f"trim({self.text(a[0])})"

    def _prefix(self, a: Args) -> str:
        return f"({self.p(a[1])} || {self.text(a[0])})"

    def _map(self, a: Args) -> str:
        inner = self.text(a[0])
        if not a[1]:
            return inner
        whens = " ".join(f"WHEN {self.p(k)} THEN CAST({self.p(v)} AS VARCHAR)" for k, v in a[1])
        return f"(CASE {inner} {whens} ELSE {inner} END)"

    def _multiply(self, a: Args) -> str:
        inner = self.text(a[0])
        num = self._number(inner)
        return (
            f"(CASE WHEN {num} IS NULL THEN {inner} "
            f"ELSE CAST({num} * {self.p(a[1])} AS VARCHAR) END)"
        )

    def _coalesce(self, a: Args) -> str:
        return f"COALESCE(NULLIF({self.text(a[0])}, ''), {self.text(a[1])})"

    def _if(self, a: Args) -> str:
        return f"(CASE WHEN {self.test(a[0])} THEN {self.text(a[1])} ELSE {self.text(a[2])} END)"

    def _present(self, a: Args) -> str:
        return f"COALESCE(trim({self.text(a[0])}) <> '', false)"

    def _equals(self, a: Args) -> str:
        return f"COALESCE({self.text(a[0])} = {self.p(a[1])}, false)"

    def _not(self, a: Args) -> str:
        return f"(NOT {self.test(a[0])})"

    def typed(self, f: FieldPlan) -> tuple[str, str]:
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
            plain = [f for f in formats if f not in with_z]
            parts = []
            if with_z:
                parts.append(f"timezone('UTC', try_strptime({trimmed}, {self.p(with_z)}))")
            if plain:
                parts.append(self._localise(f"try_strptime({trimmed}, {self.p(plain)})", tz))
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

    def reasons(self, f: FieldPlan, typed: str, src: str) -> list[str]:
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


Args = tuple[Any, ...]
_Build = Callable[[_Compiler, Args], str]

#: plan op → SQL builder for text expressions and for row tests
_TEXT: dict[str, _Build] = {
    "column": _Compiler._column,
    "const": _Compiler._const,
    "row": _Compiler._row,
    "file": _Compiler._file,
    "file_time": _Compiler._file_time,
    "concat": _Compiler._concat,
    "strip_suffix": _Compiler._strip_suffix,
    "lower": _Compiler._lower,
    "trim": _Compiler._trim,
    "prefix": _Compiler._prefix,
    "map": _Compiler._map,
    "multiply": _Compiler._multiply,
    "coalesce": _Compiler._coalesce,
    "if": _Compiler._if,
}
_TEST: dict[str, _Build] = {
    "present": _Compiler._present,
    "equals": _Compiler._equals,
    "not": _Compiler._not,
}


def typed_select(plan: IngestPlan, staged: Staged) -> tuple[str, list[Any]]:
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


__all__ = ["typed_select"]
