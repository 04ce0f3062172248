"""What connectors share: the sample they sniff, streams (one mapping each), and the step that
turns an API record into flat text fields for staging.

Why flat text: a connector reshapes records (unwraps an Airbyte envelope, pivots a long
Insights list) and then hands them to the same staging, validation, quarantine and duplicate
detection as any file — so a connector is a reader plus a mapping, never a second ingest.
Nested objects are flattened with ``__`` between the keys (``owner.id`` → ``owner__id``), the
convention dlt uses for its Parquet columns, so one stream mapping serves every carrier.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engagelens.ingest.formats.base import Reject, _chunk
from engagelens.ingest.formats.jsonlines import BadRecord, _dump, record_texts, safe_raw
from engagelens.ingest.mapping import SourceMapping, parse_mapping

from .renames import rename_metrics

Chunks = Iterator[tuple[Any, list[Reject]]]


@dataclass(frozen=True)
class Sample:
    """The start of a file, parsed once, for connectors to sniff.

    ``records``: the first records as parsed (JSON numbers kept as their source text);
    ``columns``: the keys (or Parquet schema names); ``doc``: the whole document for JSON
    (parsed whole anyway), else None; ``file_time``: the file's modification time as ISO text.
    """

    path: Path
    format: str
    encoding: str
    columns: tuple[str, ...]
    records: tuple[dict[str, Any], ...]
    file_time: str
    doc: Any = None


@dataclass(frozen=True)
class Stream:
    """One kind of record a platform API emits (``media``, ``user_insights``…): its mapping
    onto the store's tables, and ``prepare``, which adds the derived fields the mapping reads
    (``_kind``, ``_date``) after the metric renames."""

    name: str
    platform: str
    mapping: dict[str, Any]
    prepare: Callable[[dict[str, Any]], None] = field(default=lambda r: None)

    def source_mapping(self, carrier: str) -> SourceMapping:
        name = f"{carrier}:{self.name}"
        return parse_mapping({**self.mapping, "name": name}, name=name)


def flatten(record: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested objects become ``parent__child`` keys (dlt's convention); lists stay values."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, name + "__"))
        else:
            out[name] = value
    return out


def as_text(value: Any) -> Any:
    """Python values from Parquet as the text a person reads; JSON values pass through."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def prepared(stream: Stream, record: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """Flatten, rename metrics (``renames.py``), add the carrier's fields and the stream's
    derived fields: the record as the stream's mapping reads it."""
    flat = flatten(record)
    flat.pop("online_followers", None)  # hourly dict: no place in the store (docs/ingest.md)
    for key in [k for k in flat if k.startswith("online_followers__")]:
        del flat[key]
    rename_metrics(stream.platform, flat)
    flat.update(extra)
    stream.prepare(flat)
    return flat


def chunked(
    records: Iterator[tuple[int, dict[str, Any] | Reject]], chunk_rows: int
) -> Iterator[tuple[Any, list[Reject]]]:
    """(record number, record or Reject) pairs as staging chunks; a record whose text cannot
    be staged (a lone surrogate) is rejected alone."""
    rows: list[tuple[int, dict[str, str | None]]] = []
    rejects: list[Reject] = []
    for number, item in records:
        if isinstance(item, tuple):
            rejects.append(item)
            continue
        try:
            rows.append((number, record_texts({k: as_text(v) for k, v in item.items()})))
        except BadRecord as exc:
            rejects.append((number, raw_json(item), str(exc)))
        if len(rows) >= chunk_rows:
            yield _chunk(rows), rejects
            rows, rejects = [], []
    yield _chunk(rows), rejects


def raw_json(value: Any) -> str:
    """A record as JSON text for the quarantine (numbers as in the source, 100,000 chars)."""
    try:
        return safe_raw(
            _dump({k: as_text(v) for k, v in value.items()} if isinstance(value, dict) else value)
        )[:100_000]
    except (RecursionError, TypeError):
        return safe_raw(str(value))[:100_000]


def day_before(end_time: Any) -> str | None:
    """The day a daily Insights value covers: Graph API dates a day's value with the *end*
    of that day (``2024-05-02T07:00:00+0000`` is 1 May, midnight Pacific), so the day is
    the one before ``end_time``'s UTC date. Text without a time is already a day."""
    if end_time is None:
        return None
    text = str(end_time).strip()
    if len(text) <= 10:
        return text or None
    try:
        stamp = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            stamp = dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S%z")
        except ValueError:
            return text  # left as it is: validation quarantines it as a bad date
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(dt.UTC)
    return (stamp.date() - dt.timedelta(days=1)).isoformat()


def dated(record: dict[str, Any]) -> None:
    """``prepare`` of daily streams: ``_date`` = the day the value covers (:func:`day_before`)."""
    record["_date"] = day_before(record.get("date"))


def epoch_text(value: Any, scale: float = 1.0) -> str | None:
    """Seconds (or milliseconds with ``scale=1000``) since 1970 as naive-UTC ISO text."""
    if value is None or str(value).strip() == "":
        return None
    try:
        seconds = float(str(value)) / scale
        stamp = dt.datetime.fromtimestamp(seconds, dt.UTC).replace(tzinfo=None)
    except (ValueError, OverflowError, OSError):
        return str(value)  # validation quarantines it as a bad date
    return stamp.isoformat(sep=" ", timespec="seconds")


__all__ = sorted(
    [
        "Chunks",
        "Sample",
        "Stream",
        "as_text",
        "chunked",
        "dated",
        "day_before",
        "epoch_text",
        "flatten",
        "prepared",
        "raw_json",
    ]
)
