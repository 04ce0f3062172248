"""YouTube Analytics bulk reports (YouTube Reporting API) ``channel_basic_a2``: one CSV row per
video, day and breakdown (``live_or_on_demand``, ``subscribed_status``, ``country_code``),
summed to one ``content_daily`` row per video and day.

Why summed here and stored as daily rows: the report splits each video-day over many breakdown
rows, and its counters are what that day added — not lifetime counters, so they are never
``content_snapshot`` rows (whose latest reading is a content's lifetime). Counts are summed as
exact integers, watch time as exact decimals; the day's average view duration is the summed
watch time ÷ summed views (averages of breakdown rows cannot be added). A source row with a
bad or negative number, a bad ``date`` (``YYYYMMDD``) or the wrong number of fields is
quarantined alone with its line; a record here is one video and day.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from .base import Sample, Stream, chunked

NAME = "youtube_reports"
FORMATS = ("csv", "tsv", "txt")

_OPT = {"optional": True}
#: report column → content_daily field, summed as whole numbers
COUNTS = {
    "views": "views",
    "likes": "likes",
    "dislikes": "dislikes",
    "comments": "comments",
    "shares": "shares",
    "videos_added_to_playlists": "playlist_adds",
    "videos_removed_from_playlists": "playlist_removes",
    "subscribers_gained": "subscribers_gained",
    "subscribers_lost": "subscribers_lost",
}
_KEYS = ("date", "channel_id", "video_id")
_SIGNATURE = {"date", "channel_id", "video_id", "views", "watch_time_minutes"}
_WHOLE = re.compile(r"[0-9]+")
_DECIMAL = re.compile(r"[0-9]+(\.[0-9]*)?|\.[0-9]+")
_DAY = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")

CHANNEL_BASIC = Stream(
    "channel_basic_a2",
    "youtube",
    {
        "description": "YouTube Reporting API channel_basic_a2: per video and day.",
        "platform": "youtube",
        "entity": "content_daily",
        "columns": {
            "content_id": "video_id",
            "account_id": "channel_id",
            "date": {"column": "date", "timestamp_format": "%Y-%m-%d"},
            **{field: {"column": field, **_OPT} for field in COUNTS.values()},
            "watch_time_s": {"column": "_watch_time_s", **_OPT},
            "avg_view_duration_s": {"column": "_avg_view_duration_s", **_OPT},
        },
    },
)
STREAMS = {CHANNEL_BASIC.name: CHANNEL_BASIC}


def sniff(sample: Sample) -> bool:
    return sample.format in FORMATS and _SIGNATURE <= set(sample.columns)


def read(sample: Sample, chunk_rows: int) -> tuple[Stream, Iterator[Any]]:
    delimiter = "\t" if sample.format == "tsv" or "\t" in ",".join(sample.columns) else ","
    rejects: list[tuple[int, str, str]] = []
    groups: dict[tuple[str, str, str], dict[str, Any]] = {}
    csv.field_size_limit(max(csv.field_size_limit(), 1 << 30))
    with sample.path.open("r", encoding=sample.encoding, errors="replace", newline="") as f:
        reader = csv.reader(f, delimiter=delimiter, strict=False)
        header = [h.strip().lstrip("\ufeff") for h in next(reader, [])]
        present = [c for c in COUNTS if c in header]
        watch = "watch_time_minutes" in header
        previous = reader.line_num
        for row in reader:
            line, previous = previous + 1, reader.line_num
            if not row:
                continue
            raw = delimiter.join(row)
            if len(row) != len(header):
                rejects.append((line, raw, f"expected {len(header)} fields, found {len(row)}"))
                continue
            rec = dict(zip(header, (v.strip() for v in row), strict=True))
            reason = _problem(rec, present, watch)
            if reason:
                rejects.append((line, raw, reason))
                continue
            day = _DAY.fullmatch(rec["date"])
            key = (rec["channel_id"], rec["video_id"], "-".join(day.groups()))  # type: ignore[union-attr]
            total = groups.setdefault(
                key,
                {"channel_id": key[0], "video_id": key[1], "date": key[2], "_minutes": None}
                | {c: None for c in COUNTS},
            )
            for c in present:
                if rec[c] != "":
                    total[c] = (total[c] or 0) + int(rec[c])
            if watch and rec["watch_time_minutes"] != "":
                total["_minutes"] = (total["_minutes"] or Decimal(0)) + Decimal(
                    rec["watch_time_minutes"]
                )

    def records() -> Iterator[tuple[int, Any]]:
        for reject in rejects:
            yield reject[0], reject
        for number, total in enumerate(groups.values(), start=1):
            minutes = total.pop("_minutes")
            out = {**{k: v for k, v in total.items() if k not in COUNTS}}
            out.update(
                {
                    COUNTS[c]: (None if v is None else str(v))
                    for c, v in total.items()
                    if c in COUNTS
                }
            )
            seconds = None if minutes is None else minutes * 60
            out["_watch_time_s"] = None if seconds is None else str(seconds)
            views = total.get("views")
            out["_avg_view_duration_s"] = (
                str(seconds / views) if seconds is not None and views else None
            )
            yield number, out

    return CHANNEL_BASIC, chunked(records(), chunk_rows)


def _problem(rec: dict[str, str], counts: list[str], watch: bool) -> str | None:
    for k in _KEYS:
        if not rec.get(k):
            return f"missing {k}"
    if not _DAY.fullmatch(rec["date"]):
        return f"bad date in date: {rec['date'][:80]} (expected YYYYMMDD)"
    for c in counts:
        v = rec[c]
        if v and not _WHOLE.fullmatch(v):
            word = "negative" if v.startswith("-") else "bad whole number in"
            return f"{word} {c}: {v[:80]}"
    if watch and rec["watch_time_minutes"]:
        v = rec["watch_time_minutes"]
        if not _DECIMAL.fullmatch(v):  # plain decimals only: no 1_000, nan, inf, 0x10
            word = "negative" if v.startswith("-") else "bad number in"
            return f"{word} watch_time_minutes: {v[:80]}"
    return None


__all__ = sorted(["CHANNEL_BASIC", "COUNTS", "FORMATS", "NAME", "STREAMS", "read", "sniff"])
