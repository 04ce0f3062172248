"""Deleting and rewriting the rows of one table by column values: what erasure and
pseudonymisation (``engagelens.privacy``) need, kept here because only ``store/`` writes SQL.

Identifiers come from the table's declaration (an undeclared column is an error, never
formatted into SQL); every value is a bound parameter or an Arrow table joined in the engine.
A condition is required: an empty ``where`` would erase a whole table. DuckDB only — Spark
tables have no row-level DELETE/UPDATE here; erasure on Spark stores is an explicit error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from engagelens.errors import StoreError
from engagelens.model.tables import table_spec

if TYPE_CHECKING:  # pragma: no cover
    from .connection import Store

_MAP = "__el_value_map"


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _declared(name: str, columns: list[str]) -> None:
    spec = table_spec(name)
    unknown = [c for c in columns if c not in spec.column_names]
    if unknown:
        raise StoreError(f"{name}: no declared column {', '.join(map(repr, unknown))}")


def _where(name: str, where: Mapping[str, Any]) -> tuple[str, list[Any]]:
    if not where:
        raise StoreError(f"{name}: a delete or update needs a condition")
    _declared(name, list(where))
    clauses, params = [], []
    for col, value in where.items():
        if isinstance(value, list | tuple | set | frozenset):
            values = sorted(value, key=str)
            if not values:
                return "FALSE", []
            clauses.append(f"{_q(col)} IN ({', '.join('?' * len(values))})")
            params.extend(values)
        elif value is None:
            clauses.append(f"{_q(col)} IS NULL")
        else:
            clauses.append(f"{_q(col)} = ?")
            params.append(value)
    return " AND ".join(clauses), params


def _duckdb(store: Store) -> None:
    if not store.is_duckdb:
        raise StoreError(f"row-level erasure is only available on DuckDB, not {store.backend}")


def _changed(cursor: Any) -> int:
    row = cursor.fetchone()
    return int(row[0]) if row else 0


def delete_rows(store: Store, name: str, where: Mapping[str, Any]) -> int:
    """Delete rows of ``name`` where every column equals its value (a collection: IN)."""
    _duckdb(store)
    if not store.has_table(name):
        return 0
    clause, params = _where(name, where)
    return _changed(store.sql(f"DELETE FROM {_q(name)} WHERE {clause}", params))


def update_rows(
    store: Store, name: str, where: Mapping[str, Any], values: Mapping[str, Any]
) -> int:
    """Set ``values`` on the rows of ``name`` matching ``where``; the number of rows changed."""
    _duckdb(store)
    if not store.has_table(name):
        return 0
    if not values:
        raise StoreError(f"{name}: nothing to set")
    _declared(name, list(values))
    clause, params = _where(name, where)
    sets = ", ".join(f"{_q(c)} = ?" for c in values)
    sql = f"UPDATE {_q(name)} SET {sets} WHERE {clause}"
    return _changed(store.sql(sql, [*values.values(), *params]))


def map_values(
    store: Store,
    name: str,
    column: str,
    mapping: Mapping[tuple[Any, ...], Any],
    *,
    by: tuple[str, ...] = (),
    clear: tuple[str, ...] = (),
) -> int:
    """Replace ``column`` by ``mapping[(*row[by], row[column])]`` wherever the key is mapped
    (one UPDATE joined with the mapping as an Arrow table), setting the ``clear`` columns to
    NULL on those rows; the number of rows changed."""
    import pyarrow as pa

    _duckdb(store)
    if not store.has_table(name) or not mapping:
        return 0
    _declared(name, [*by, column, *clear])
    keys = list(mapping)
    cols = {f"k{i}": [str(k[i]) for k in keys] for i in range(len(by))}
    cols["old"] = [str(k[-1]) for k in keys]
    cols["new"] = [str(mapping[k]) for k in keys]
    table = pa.table(cols)
    on = " AND ".join(
        [*(f"t.{_q(c)} = m.k{i}" for i, c in enumerate(by)), f"t.{_q(column)} = m.old"]
    )
    raw = store.raw()
    raw.register(_MAP, table)
    try:
        sets = ", ".join([f"{_q(column)} = m.new", *(f"{_q(c)} = NULL" for c in clear)])
        cur = store.sql(f"UPDATE {_q(name)} AS t SET {sets} FROM {_MAP} AS m WHERE {on}")
        return _changed(cur)
    finally:
        raw.unregister(_MAP)


__all__ = sorted(["delete_rows", "map_values", "update_rows"])
