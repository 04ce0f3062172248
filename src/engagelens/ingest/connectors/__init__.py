"""Platform connectors: API-shaped exports (Graph API responses, Airbyte messages, dlt tables)
turned into the store's entities, one module per export family, picked by one table.

Every module has ``NAME``, ``FORMATS``, ``sniff(sample) -> bool`` (do the first records look
like this export?) and ``read(sample, chunk_rows) -> (stream, chunks)``: the records reshaped
into flat fields plus the stream whose mapping (``base.Stream``) says what they mean. Ingest
consults :func:`detect` when no source or mapping is given (and :func:`by_name` for
``--source airbyte`` and the like); what a connector reads then goes through the same
staging, validation, quarantine and duplicate detection as any file. Adding an export family
is a module and one row of :data:`CONNECTORS`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from engagelens.errors import UnknownSource, UnreadableFile
from engagelens.ingest.formats.base import Staging
from engagelens.ingest.mapping import SourceMapping

from . import airbyte, dlt, graph_insights, instagram
from .base import Sample

#: records read to sniff a JSON Lines file
SNIFF_RECORDS = 20


@dataclass(frozen=True)
class Connector:
    """One row of the connector table."""

    name: str
    module: ModuleType
    description: str

    @property
    def formats(self) -> tuple[str, ...]:
        return tuple(self.module.FORMATS)


#: the connector table, in sniffing order (envelopes before bare records)
CONNECTORS: dict[str, Connector] = {
    c.name: c
    for c in (
        Connector("airbyte", airbyte, "Airbyte RECORD messages (JSON Lines), Instagram streams"),
        Connector("dlt", dlt, "dlt/ingestr filesystem tables (Parquet, JSON Lines)"),
        Connector("graph_insights", graph_insights, "Graph API Insights, long format (JSON)"),
        Connector("instagram_media", instagram, "Graph API media list (JSON)"),
    )
}
CONNECTOR_NAMES: tuple[str, ...] = tuple(CONNECTORS)
SNIFFED_FORMATS = frozenset(f for c in CONNECTORS.values() for f in c.formats)


def graph_items(doc: Any) -> list[Any]:
    """The records of a Graph API response: ``data`` of ``{"data": [...], "paging": …}``, or
    of each response in an array of them (pages saved one after another), or the array."""
    if isinstance(doc, dict) and isinstance(doc.get("data"), list):
        return list(doc["data"])
    if isinstance(doc, list):
        out: list[Any] = []
        for item in doc:
            if (
                isinstance(item, dict)
                and isinstance(item.get("data"), list)
                and set(item)
                <= {
                    "data",
                    "paging",
                    "summary",
                }
            ):
                out.extend(item["data"])
            else:
                out.append(item)
        return out
    return [doc]


def sample(path: Path, fmt: str, encoding: str) -> Sample | None:
    """The start of ``path`` parsed for sniffing; None when no connector reads ``fmt`` or
    the start cannot be parsed (the format's own reader then reports what is wrong)."""
    if fmt not in SNIFFED_FORMATS:
        return None
    mtime = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).replace(tzinfo=None)
    file_time = mtime.isoformat(sep=" ", timespec="seconds")
    doc: Any = None
    records: list[dict[str, Any]] = []
    columns: list[str] = []
    try:
        if fmt == "json":
            from engagelens.ingest.formats.jsonlines import _loads

            with path.open("r", encoding=encoding) as f:
                doc = _loads(f.read().lstrip("\ufeff"))
            records = [r for r in graph_items(doc)[:SNIFF_RECORDS] if isinstance(r, dict)]
        elif fmt == "jsonl":
            from engagelens.ingest.formats.jsonlines import _lines_of, _loads

            with path.open("rb") as raw:
                for text in _lines_of(raw, encoding):
                    if not text.strip():
                        continue
                    try:  # a broken line is the reader's to quarantine, not a verdict
                        value = _loads(text.lstrip("\ufeff"))
                    except (ValueError, RecursionError):
                        continue
                    if isinstance(value, dict):
                        records.append(value)
                    if len(records) >= SNIFF_RECORDS:
                        break
        elif fmt == "parquet":
            import pyarrow.parquet as pq

            columns = list(pq.read_schema(path).names)
    except (ValueError, OSError, RecursionError):
        return None
    if not columns:
        for r in records:
            columns.extend(k for k in r if k not in columns)
    return Sample(path, fmt, encoding, tuple(columns), tuple(records), file_time, doc)


def detect(smp: Sample | None) -> Connector | None:
    """The first connector of the table whose ``sniff`` accepts the sample."""
    if smp is None:
        return None
    for c in CONNECTORS.values():
        if smp.format in c.formats and c.module.sniff(smp):
            return c
    return None


def by_name(name: str) -> Connector | None:
    return CONNECTORS.get(name.lower())


def stage(
    connector: Connector, smp: Sample | None, store: Any, chunk_rows: int
) -> tuple[Staging, SourceMapping]:
    """Read the file with ``connector`` into the staging tables; returns what was staged and
    the mapping of its stream (named ``connector:stream`` in ``batches``)."""
    from engagelens.store import bulk

    if smp is None or smp.format not in connector.formats:
        fmt = smp.format if smp else "this format"
        raise UnreadableFile(
            f"source {connector.name} reads {', '.join(connector.formats)} files, not {fmt}"
        )
    if not connector.module.sniff(smp):
        raise UnknownSource(
            f"{smp.path.name}: does not look like a {connector.name} export "
            f"({connector.description})"
        )
    try:
        stream, chunks = connector.module.read(smp, chunk_rows)
        staged = bulk.stage_chunks(store, chunks)
    except json.JSONDecodeError as exc:  # pragma: no cover - sample parsed already
        raise UnreadableFile(f"{smp.path.name}: invalid JSON ({exc.msg})") from exc
    return Staging(staged, 0, smp.format, False), stream.source_mapping(connector.name)


__all__ = [
    "CONNECTORS",
    "CONNECTOR_NAMES",
    "Connector",
    "Sample",
    "by_name",
    "detect",
    "graph_items",
    "sample",
    "stage",
]
