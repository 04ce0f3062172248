"""Tables a dlt (or ingestr, which loads through dlt) pipeline landed as Parquet or JSON Lines
on a filesystem destination: ``<dataset>/<table>/<load_id>.<file_id>.parquet``, with dlt's
``_dlt_load_id`` and ``_dlt_id`` columns and nested fields flattened as ``parent__child``.

Why the folder names the stream: dlt names a table after the resource (``media``,
``media_insights``, ``user_insights``), and its files carry no stream field. ``_dlt_load_id``
(the load's start, seconds since 1970) is the ``as_of`` of lifetime counters. Child tables
(``media__children``) are not streams EngageLens reads and are refused with a clear error.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from engagelens.errors import UnknownSource, UnreadableFile

from .base import Sample, Stream, chunked, epoch_text, prepared
from .instagram import STREAMS

NAME = "dlt"
FORMATS = ("parquet", "jsonl")
_MARKERS = {"_dlt_load_id", "_dlt_id"}


def sniff(sample: Sample) -> bool:
    return sample.format in FORMATS and _MARKERS <= set(sample.columns)


def stream_of(sample: Sample) -> Stream:
    """The table: the parent folder (dlt's layout), else the file name before its first dot."""
    candidates = [sample.path.parent.name, sample.path.name.split(".")[0]]
    for name in candidates:
        if name in STREAMS:
            return STREAMS[name]
    raise UnknownSource(
        f"{sample.path.name}: dlt table {candidates[0]!r} is not a stream EngageLens reads; "
        f"known tables: {', '.join(STREAMS)} (the folder or file name says which)"
    )


def _rows(sample: Sample) -> Iterator[tuple[int, dict[str, Any]]]:
    if sample.format == "parquet":
        import pyarrow.parquet as pq

        try:
            batches = pq.ParquetFile(sample.path).iter_batches(batch_size=10_000)
            number = 0
            for batch in batches:
                for row in batch.to_pylist():
                    number += 1
                    yield number, row
        except OSError as exc:
            raise UnreadableFile(
                f"{sample.path.name}: not a readable Parquet file ({exc})"
            ) from exc
        return
    import json

    from engagelens.ingest.formats.jsonlines import BadRecord, _lines_of, _loads

    with sample.path.open("rb") as raw:
        for number, text in enumerate(_lines_of(raw, sample.encoding), start=1):
            if not text.strip():
                continue
            try:
                value = _loads(text.lstrip("\ufeff"))
            except (json.JSONDecodeError, BadRecord) as exc:
                value = {"__bad__": f"invalid JSON: {exc}", "__raw__": text[:10_000]}
            yield number, value if isinstance(value, dict) else {"__bad__": "not a JSON object"}


def read(sample: Sample, chunk_rows: int) -> tuple[Stream, Iterator[Any]]:
    stream = stream_of(sample)

    def records() -> Iterator[tuple[int, Any]]:
        for number, row in _rows(sample):
            if "__bad__" in row:
                yield number, (number, str(row.get("__raw__", row))[:10_000], row["__bad__"])
                continue
            loaded = epoch_text(row.get("_dlt_load_id"))
            yield number, prepared(stream, row, {"_as_of": loaded})

    return stream, chunked(records(), chunk_rows)


__all__ = sorted(["FORMATS", "NAME", "read", "sniff", "stream_of"])
