"""Airbyte protocol messages (JSON Lines of ``{"type": "RECORD", "record": {"stream": …,
"data": {…}, "emitted_at": <ms>}}``), as a source connector writes them or a local JSON
destination lands them, for the Instagram streams (``instagram.STREAMS``).

Why only RECORD messages count: STATE, LOG and TRACE lines are the protocol's bookkeeping, not
rows, so they are skipped and never counted as read. ``emitted_at`` (milliseconds) is the
``as_of`` of lifetime counters. One stream per file (Airbyte writes one file per stream); a
RECORD of another stream is quarantined with its line, never mixed into the wrong table.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from engagelens.errors import UnknownSource
from engagelens.ingest.formats.jsonlines import BadRecord, _lines_of, _loads

from .base import Sample, Stream, chunked, epoch_text, prepared
from .instagram import STREAMS

NAME = "airbyte"
FORMATS = ("jsonl",)


def _stream_name(message: Any) -> str | None:
    if isinstance(message, dict) and message.get("type") == "RECORD":
        record = message.get("record")
        if isinstance(record, dict) and isinstance(record.get("stream"), str):
            return str(record["stream"])
    return None


def sniff(sample: Sample) -> bool:
    """Some first line is an Airbyte RECORD message."""
    return sample.format == "jsonl" and any(_stream_name(r) for r in sample.records)


def stream_of(sample: Sample) -> Stream:
    name = next(n for n in map(_stream_name, sample.records) if n)
    if name not in STREAMS:
        raise UnknownSource(
            f"{sample.path.name}: Airbyte stream {name!r} is not one EngageLens reads; "
            f"known streams: {', '.join(STREAMS)}"
        )
    return STREAMS[name]


def read(sample: Sample, chunk_rows: int) -> tuple[Stream, Iterator[Any]]:
    stream = stream_of(sample)

    def records() -> Iterator[tuple[int, Any]]:
        with sample.path.open("rb") as raw:
            for number, text in enumerate(_lines_of(raw, sample.encoding), start=1):
                if not text.strip():
                    continue
                try:
                    message = _loads(text.lstrip("\ufeff"))
                except (json.JSONDecodeError, BadRecord) as exc:
                    yield number, (number, text[:10_000], f"invalid JSON: {exc}")
                    continue
                if isinstance(message, dict) and message.get("type") not in (None, "RECORD"):
                    continue  # STATE, LOG, TRACE: protocol, not rows
                name = _stream_name(message)
                data = message["record"].get("data") if name else None
                if name != stream.name or not isinstance(data, dict):
                    reason = (
                        f"stream {name!r} in a file of stream {stream.name!r} (one stream per file)"
                        if name
                        else "not an Airbyte RECORD message with record.stream and record.data"
                    )
                    yield number, (number, text[:10_000], reason)
                    continue
                emitted = epoch_text(message["record"].get("emitted_at"), scale=1000)
                yield number, prepared(stream, data, {"_as_of": emitted})

    return stream, chunked(records(), chunk_rows)


__all__ = sorted(["FORMATS", "NAME", "read", "sniff", "stream_of"])
