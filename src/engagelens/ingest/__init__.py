"""Ingestion: files in, canonical rows out, nothing lost.

``ingest_file(store, path, source=..., mapping=...)`` stores one file as one batch and returns
a :class:`BatchSummary` (read = stored + duplicate + quarantined). File formats are modules in
``formats/`` (each with ``sniff``/``stage``, picked by the format table), mappings say what the
columns mean (``mapping``, ``sources``), and the store validates and writes in one transaction
(``store/bulk.py``). See docs/ingest.md.
"""

from engagelens.store.bulk import CONFLICT_POLICIES

from .batch import entity_from_name, expand_paths, ingest_file, ingest_paths
from .mapping import ENTITIES, SourceMapping, canonical_mapping, load_mapping, parse_mapping
from .sources import SOURCE_NAMES, builtin, detect
from .summary import BatchSummary

__all__ = [
    "BatchSummary",
    "CONFLICT_POLICIES",
    "ENTITIES",
    "SOURCE_NAMES",
    "SourceMapping",
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
