"""The canonical model: every table EngageLens stores, declared once.

``tables.py`` holds the column declarations; ``schemas.py`` derives the Pydantic models from
them; ``kinds.py`` lists the vocabularies (interaction kinds, content kinds, email events).
"""

from .kinds import CONTENT_KINDS, EMAIL_EVENT_KINDS, INTERACTION_KINDS
from .tables import CORE_TABLES, Column, TableSpec, all_tables, register_table, table_spec

__all__ = [
    "CONTENT_KINDS",
    "CORE_TABLES",
    "Column",
    "EMAIL_EVENT_KINDS",
    "INTERACTION_KINDS",
    "TableSpec",
    "all_tables",
    "register_table",
    "table_spec",
]
