"""Ingestion: files in, canonical rows out, nothing lost.

``ingest_file(store, path, source=..., mapping=...)`` stores one file as one batch and returns
a :class:`BatchSummary` (read = stored + duplicate + quarantined). Readers sniff format and
encoding (``readers``), mappings say what the columns mean (``mapping``, ``sources``), and the
store validates and writes in one transaction (``store/bulk.py``). See docs/ingest.md.
"""

from .batch import entity_from_name, expand_paths, ingest_file, ingest_paths
from .mapping import ENTITIES, Mapping, canonical_mapping, load_mapping, parse_mapping
from .sources import SOURCE_NAMES, builtin, detect
from .summary import BatchSummary

__all__ = [
    "BatchSummary",
    "ENTITIES",
    "Mapping",
    "SOURCE_NAMES",
    "builtin",
    "canonical_mapping",
    "detect",
    "entity_from_name",
    "expand_paths",
    "ingest_file",
    "ingest_paths",
    "load_mapping",
    "parse_mapping",
]
