"""The ingest plan model now lives in :mod:`engagelens.model.plan` (below both ``ingest/`` and
``store/``); this name stays for existing imports."""

from engagelens.model.plan import (
    FILE,
    FILE_TIME,
    ROW,
    Expr,
    FieldPlan,
    IngestPlan,
    RowRule,
    TargetPlan,
    column,
    const,
)

__all__ = [
    "FILE",
    "FILE_TIME",
    "ROW",
    "Expr",
    "FieldPlan",
    "IngestPlan",
    "RowRule",
    "TargetPlan",
    "column",
    "const",
]
