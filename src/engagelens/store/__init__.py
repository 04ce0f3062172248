"""The store: the only layer that talks to a database engine.

Everything else receives Ibis tables from :class:`Store` and builds expressions that run on
DuckDB (embedded default) or PySpark unchanged.
"""

from .connection import Store, open_store
from .migrations import MIGRATIONS, SCHEMA_VERSION

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "Store",
    "open_store",
]
