"""Load a small JSON fixture ({table: [rows…]}) into a store: used by tests and the docs.

Timestamps and dates are ISO strings in the file and converted here, so fixtures stay
readable by hand.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engagelens.model.tables import table_spec

if TYPE_CHECKING:  # pragma: no cover
    from engagelens.store import Store

_PARSE = {
    "timestamp": dt.datetime.fromisoformat,
    "date": dt.date.fromisoformat,
}


def parse_rows(table: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    spec = table_spec(table)
    types = {c.name: c.dtype for c in spec.columns}
    out = []
    for row in rows:
        unknown = set(row) - set(types)
        if unknown:
            raise KeyError(f"{table}: unknown columns {sorted(unknown)}")
        # every row carries every column, so Arrow never infers the schema from row one only
        out.append(
            {
                k: (
                    _PARSE[types[k]](row[k])
                    if row.get(k) is not None and types[k] in _PARSE
                    else row.get(k)
                )
                for k in types
            }
        )
    return out


def load_fixture(store: Store, path: str | Path) -> dict[str, int]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return {table: store.insert(table, parse_rows(table, rows)) for table, rows in data.items()}


__all__ = sorted(["load_fixture", "parse_rows"])
