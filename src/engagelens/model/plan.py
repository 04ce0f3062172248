"""An ingest plan: what to compute for each canonical column, as plain data.

Why a plan and not SQL: the ingest layer decides *what* a row means (which source column
feeds which canonical field, which transforms apply, what makes a row invalid); the store
decides *how* an engine computes it (``store/compile.py`` compiles a plan to DuckDB
expressions with bound parameters). The model lives in ``model/``, below both layers, so the
store's compiler is typed against it without importing ``ingest/``. Source column names
never reach SQL: a plan refers to source columns by position in the staged file.

Expression nodes are tuples-in-dataclasses with an ``op`` name:

==============  ============================================  ==========================
op              args                                          meaning
==============  ============================================  ==========================
``column``      (position,)                                   the staged source column
``const``       (value,)                                      a constant string
``row``         ()                                            record number (1-based)
``file``        ()                                            the file's name
``file_time``   ()                                            file's modification time (UTC)
``concat``      (expr, expr, …)                               text concatenation
``strip_suffix`` (expr, suffix)                               "3.0" → "3" for suffix ".0"
``lower``       (expr,)                                       lower-case
``trim``        (expr,)                                       strip surrounding spaces
``prefix``      (expr, text)                                  text + value (null stays null)
``map``         (expr, ((from, to), …))                       replace listed values
``if``          (test, then, else)                            test = ``present``/``equals``
``present``     (expr,)                                       value is not null/empty
``equals``      (expr, text)                                  value equals text
``coalesce``    (expr, expr)                                  first non-null
``multiply``    (expr, factor)                                numbers scaled (hours → s)
``not``         (test,)                                       negated test
==============  ============================================  ==========================
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Expr:
    """One node of a field expression (see the module table for ``op`` values)."""

    op: str
    args: tuple[Any, ...] = ()

    def columns(self) -> set[int]:
        """Positions of the source columns this expression reads."""
        found: set[int] = set()
        if self.op == "column":
            found.add(self.args[0])
        for a in self.args:
            if isinstance(a, Expr):
                found |= a.columns()
        return found

    @property
    def is_plain_column(self) -> bool:
        return self.op == "column"


def column(position: int) -> Expr:
    return Expr("column", (position,))


def const(value: str | None) -> Expr:
    return Expr("const", (value,))


ROW = Expr("row")
FILE = Expr("file")
FILE_TIME = Expr("file_time")


@dataclass(frozen=True)
class FieldPlan:
    """How one canonical column is computed and validated."""

    name: str
    dtype: str
    expr: Expr
    required: bool = False
    choices: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    negate: bool = False
    timestamp_formats: tuple[str, ...] = ()
    timezone: str | None = None
    max_bytes: int | None = None


@dataclass(frozen=True)
class RowRule:
    """Rows for which ``test`` holds are quarantined with ``reason`` (e.g. a "Total" row)."""

    test: Expr
    reason: str


@dataclass(frozen=True)
class TargetPlan:
    """Rows for one canonical table."""

    table: str
    key: tuple[str, ...]
    fields: tuple[FieldPlan, ...]


@dataclass(frozen=True)
class IngestPlan:
    """Everything the store needs to validate and store one staged file."""

    targets: tuple[TargetPlan, ...]
    source_columns: tuple[str, ...]
    rules: tuple[RowRule, ...] = ()
    file_name: str = ""
    #: how a record number becomes the line reported in quarantine (CSV: +1 for the header)
    line_offset: int = 0
    #: ISO time the file was last modified: "as of" for lifetime counters of an export
    file_time: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def entity(self) -> str:
        return "+".join(t.table for t in self.targets)


__all__ = sorted(
    [
        "Expr",
        "FILE",
        "FILE_TIME",
        "FieldPlan",
        "IngestPlan",
        "ROW",
        "RowRule",
        "TargetPlan",
        "column",
        "const",
    ]
)
