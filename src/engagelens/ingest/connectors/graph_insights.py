"""Facebook Page and Instagram Insights in the Graph API's long format, pivoted to rows.

A Graph API ``/insights`` response lists one entry per metric::

    {"data": [{"name": "reach", "period": "day", "id": "1784…/insights/reach/day",
               "values": [{"value": 120, "end_time": "2024-05-02T07:00:00+0000"}, …]}, …]}

Why pivot: the store keeps one row per account and day (``account_snapshot``) or per media and
reading (``content_snapshot``), so the entries are grouped by the object (the ``id`` before
``/insights``) and day, and each metric becomes a column. Daily values (``period: day``) of an
account become account_snapshot rows dated the day before ``end_time`` (``base.day_before``);
lifetime values of a media become a content_snapshot as of the file's time. ``page_*`` metrics
are a Facebook Page's, others an Instagram account's or media's. A record here is one pivoted
row; an entry that cannot be one (a weekly or 28-day window, a value without a day) is
quarantined with its position in ``data`` and the reason, so nothing is dropped unseen. Values
that are objects (hourly ``online_followers``) have no place in the store and are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .base import Sample, Stream, chunked, dated, day_before, prepared, raw_json
from .instagram import MEDIA_INSIGHTS, USER_INSIGHTS

NAME = "graph_insights"
FORMATS = ("json",)

_OPT = {"optional": True}

PAGE_INSIGHTS = Stream(
    "page_insights",
    "facebook",
    {
        "description": "Facebook Page insights per day (page_follows, page_views_total…).",
        "platform": "facebook",
        "entity": "account_snapshot",
        "columns": {
            "account_id": "object_id",
            "date": "_date",
            "followers": {"column": ["page_follows", "page_fans"], **_OPT},
            "profile_views": {"column": "page_views_total", **_OPT},
            "reach": {"column": "page_impressions_unique", **_OPT},
            "views": {"column": "page_media_view", **_OPT},
        },
    },
    dated,
)

STREAMS: dict[str, Stream] = {PAGE_INSIGHTS.name: PAGE_INSIGHTS}


def _entries(sample: Sample) -> list[Any]:
    from . import graph_items

    return graph_items(sample.doc)


def _is_entry(item: Any) -> bool:
    return (
        isinstance(item, dict)
        and isinstance(item.get("name"), str)
        and "period" in item
        and ("values" in item or "total_value" in item)
        and "/insights" in str(item.get("id", ""))
    )


def sniff(sample: Sample) -> bool:
    """Records with name, period, values and an ``…/insights/…`` id."""
    return sample.format == "json" and bool(sample.records) and _is_entry(sample.records[0])


def read(sample: Sample, chunk_rows: int) -> tuple[Stream, Iterator[Any]]:
    entries = _entries(sample)
    first = entries[0]
    facebook = any(
        isinstance(e, dict) and str(e.get("name", "")).startswith("page_") for e in entries
    )
    lifetime = first.get("period") == "lifetime"
    stream = PAGE_INSIGHTS if facebook else MEDIA_INSIGHTS if lifetime else USER_INSIGHTS
    rows: dict[tuple[str, str | None], dict[str, Any]] = {}
    rejects: list[tuple[int, str, str]] = []
    for pos, entry in enumerate(entries, start=1):
        if _only_objects(entry):
            continue  # online_followers by hour, breakdowns: no place in the store
        reason = _unusable(entry, lifetime)
        if reason:
            rejects.append((pos, raw_json(entry), reason))
            continue
        obj = str(entry["id"]).split("/insights", 1)[0]
        for v in entry.get("values") or [{"value": (entry.get("total_value") or {}).get("value")}]:
            if isinstance(v.get("value"), dict | list):
                continue  # online_followers by hour and breakdowns: no place in the store
            day = None if lifetime else day_before(v.get("end_time"))
            if not lifetime and day is None:
                rejects.append((pos, raw_json(entry), "daily value without end_time"))
                continue
            first_seen = {"object_id": obj, "id": obj} if lifetime else {"object_id": obj}
            row = rows.setdefault((obj, day), {**first_seen, "date": v.get("end_time")})
            row[entry["name"]] = v.get("value")
    extra = {"_as_of": sample.file_time} if lifetime else {}

    def records() -> Iterator[tuple[int, Any]]:
        for reject in rejects:
            yield reject[0], reject
        for number, row in enumerate(rows.values(), start=1):
            yield number, prepared(stream, row, extra)

    return stream, chunked(records(), chunk_rows)


def _only_objects(entry: Any) -> bool:
    values = entry.get("values") if isinstance(entry, dict) else None
    return (
        isinstance(values, list)
        and bool(values)
        and all(isinstance(v, dict) and isinstance(v.get("value"), dict) for v in values)
    )


def _unusable(entry: Any, lifetime: bool) -> str | None:
    if not _is_entry(entry):
        return "not an Insights entry (name, period, values, id)"
    period = entry.get("period")
    if lifetime and period != "lifetime":
        return f"period {period} in a file of lifetime media insights"
    if not lifetime and period != "day":
        return f"period {period} is not a daily value (ask the API for period=day)"
    return None


__all__ = sorted(["FORMATS", "NAME", "PAGE_INSIGHTS", "STREAMS", "read", "sniff"])
