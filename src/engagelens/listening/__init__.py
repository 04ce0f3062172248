"""Social listening: named boolean queries over mentions, share of voice, spikes and alerts.

``query`` parses the query language, ``engine`` matches many queries at once (Aho-Corasick),
``runner`` stores queries and runs them incrementally, ``measures`` declares the metrics,
``spikes`` finds unusual days and their drivers, ``alerts`` evaluates and delivers rules.
See docs/listening.md.
"""

from .engine import Engine, QuerySpec, compile_queries
from .fold import FoldOptions, canonical, fold
from .query import parse
from .runner import RunSummary, add_query, list_queries, remove_query, run, try_query

__all__ = [
    "Engine",
    "FoldOptions",
    "QuerySpec",
    "RunSummary",
    "add_query",
    "canonical",
    "compile_queries",
    "fold",
    "list_queries",
    "parse",
    "remove_query",
    "run",
    "try_query",
]
