"""Instagram Graph API: the ``media``, ``media_insights`` and ``user_insights`` streams, and the
Graph API's media list (``GET /{ig-user-id}/media`` saved as JSON) as a connector.

Why streams: Airbyte's Instagram source, a dlt/ingestr pipeline and a saved Graph API response
carry the same records in different envelopes; each stream's mapping is written once here and
every carrier (``airbyte.py``, ``dlt.py``, ``graph_insights.py``) uses it. Field names follow
the Graph API reference (IG Media fields, IG Media and IG User Insights metrics) and Airbyte's
stream schemas; ``ig_reels_avg_watch_time`` and ``ig_reels_video_view_total_time`` are
milliseconds, stored as seconds.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .base import Sample, Stream, chunked, dated, prepared, raw_json

NAME = "instagram_media"
FORMATS = ("json",)

_OPT = {"optional": True}
_KIND_BY_PRODUCT = {"REELS": "reel", "STORY": "story"}
_KIND_BY_TYPE = {"CAROUSEL_ALBUM": "carousel", "IMAGE": "photo", "VIDEO": "video"}


def _media_kind(r: dict[str, Any]) -> None:
    product = str(r.get("media_product_type") or "").upper()
    media = str(r.get("media_type") or "").upper()
    r["_kind"] = (
        _KIND_BY_PRODUCT.get(product)
        or _KIND_BY_TYPE.get(media)
        or ("other" if media or product else None)
    )


MEDIA = Stream(
    "media",
    "instagram",
    {
        "description": "Instagram media (IG Media fields): posts, reels, carousels, stories.",
        "platform": "instagram",
        "targets": [
            {
                "entity": "content",
                "columns": {
                    "content_id": "id",
                    "account_id": {"column": ["owner__id", "business_account_id"], **_OPT},
                    "text": {"column": "caption", **_OPT},
                    "created_at": "timestamp",
                    "url": {"column": "permalink", **_OPT},
                    "kind": "_kind",
                },
            },
            {
                "entity": "content_snapshot",
                "columns": {
                    "content_id": "id",
                    "as_of": "_as_of",
                    "likes": {"column": "like_count", **_OPT},
                    "comments": {"column": "comments_count", **_OPT},
                },
            },
        ],
    },
    _media_kind,
)

MEDIA_INSIGHTS = Stream(
    "media_insights",
    "instagram",
    {
        "description": "Instagram media insights (lifetime): reach, saved, shares, views…",
        "platform": "instagram",
        "entity": "content_snapshot",
        "columns": {
            "content_id": "id",
            "as_of": "_as_of",
            "reach": {"column": "reach", **_OPT},
            "views": {"column": "views", **_OPT},
            "saves": {"column": "saved", **_OPT},
            "shares": {"column": "shares", **_OPT},
            "likes": {"column": "likes", **_OPT},
            "comments": {"column": "comments", **_OPT},
            "follows": {"column": "follows", **_OPT},
            "profile_visits": {"column": "profile_visits", **_OPT},
            "total_interactions": {"column": "total_interactions", **_OPT},
            "avg_view_duration_s": {
                "column": "ig_reels_avg_watch_time",
                "multiply": 0.001,
                **_OPT,
            },
            "watch_time_s": {
                "column": "ig_reels_video_view_total_time",
                "multiply": 0.001,
                **_OPT,
            },
        },
    },
)

USER_INSIGHTS = Stream(
    "user_insights",
    "instagram",
    {
        "description": "Instagram account insights per day (IG User Insights, period=day).",
        "platform": "instagram",
        "entity": "account_snapshot",
        "columns": {
            "account_id": {"column": ["business_account_id", "object_id"]},
            "date": "_date",
            "followers": {"column": "follower_count", **_OPT},
            "profile_views": {"column": "profile_views", **_OPT},
            "website_clicks": {"column": "website_clicks", **_OPT},
            "reach": {"column": "reach", **_OPT},
            "views": {"column": "views", **_OPT},
        },
    },
    dated,
)

#: streams by the name Airbyte's source-instagram (and dlt tables named after it) give them
STREAMS: dict[str, Stream] = {s.name: s for s in (MEDIA, MEDIA_INSIGHTS, USER_INSIGHTS)}

_MEDIA_KEYS = {"id", "media_type", "permalink", "timestamp"}


def sniff(sample: Sample) -> bool:
    """A Graph API media list: records with id, media_type, permalink and timestamp."""
    return (
        sample.format == "json" and bool(sample.records) and _MEDIA_KEYS <= set(sample.records[0])
    )


def read(sample: Sample, chunk_rows: int) -> tuple[Stream, Iterator[Any]]:
    """The media list's records; ``as_of`` (likes, comments) is the file's time."""
    from . import graph_items

    extra = {"_as_of": sample.file_time}

    def records() -> Iterator[tuple[int, Any]]:
        for number, item in enumerate(graph_items(sample.doc), start=1):
            if not isinstance(item, dict):
                yield number, (number, raw_json(item), "not a JSON object (expected a media)")
                continue
            yield number, prepared(MEDIA, item, extra)

    return MEDIA, chunked(records(), chunk_rows)


__all__ = sorted(
    ["FORMATS", "MEDIA", "MEDIA_INSIGHTS", "NAME", "STREAMS", "USER_INSIGHTS", "read", "sniff"]
)
