"""Pydantic models derived from the table declarations (API payloads, single-row validation).

Derived, not hand-written, so a column added in ``tables.py`` shows up everywhere at once.
Bulk ingestion validates in the database instead (vectorised), using the same declarations.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from .tables import TableSpec, table_spec

_PY = {
    "string": str,
    "int64": int,
    "float64": float,
    "boolean": bool,
    "timestamp": dt.datetime,
    "date": dt.date,
}


@cache
def model_for(name: str) -> type[BaseModel]:
    spec: TableSpec = table_spec(name)
    fields: dict[str, Any] = {}
    for c in spec.columns:
        typ: Any = _PY[c.dtype]
        if c.choices:
            typ = Literal[c.choices]
        kw: dict[str, Any] = {"description": c.description or None}
        if c.minimum is not None:
            kw["ge"] = c.minimum
        if c.maximum is not None:
            kw["le"] = c.maximum
        if c.required:
            fields[c.name] = (typ, Field(..., **kw))
        else:
            fields[c.name] = (typ | None, Field(None, **kw))
    cls_name = "".join(p.title() for p in name.split("_"))
    return create_model(cls_name, __config__=ConfigDict(extra="forbid"), **fields)


__all__ = ["model_for"]
