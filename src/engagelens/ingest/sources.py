"""Built-in sources: mappings for real platform exports, written in the YAML mapping format.

Why as data: a built-in source is exactly what a user could write in a mapping file, so the
docs' mapping reference covers it and a user can copy one to adapt it. Column names follow the
platforms' exports as documented publicly (docs/ingest.md lists the source of each); header
detection picks the source whose ``detect`` columns are all present.

``facebook`` — the UCI "Facebook metrics" export (Moro, Rita & Vala 2016; Insights lifetime
counters, one row per post). It has no post id, so the record number is the id; it has no
year or day, so ``created_at`` is the first day of ``Post Month`` in 2014 (the year the
paper's posts were published) at ``Post Hour`` — correct to the month and hour only; its
counters are dated 2015-01-01 (after the last post). The other exports give lifetime counters
"as of" the export, so their snapshots are dated with the file's modification time
(``$file_time``): re-ingesting the same file is a duplicate, a newer export a new snapshot.
"""

from __future__ import annotations

from typing import Any

from engagelens.errors import UnknownSource

from .mapping import SourceMapping, parse_mapping

_FACEBOOK: dict[str, Any] = {
    "name": "facebook",
    "description": "Facebook Page post export with Insights lifetime counters (UCI layout).",
    "detect": ["Lifetime Post Total Reach", "Lifetime Post Total Impressions"],
    "platform": "facebook",
    "targets": [
        {
            "entity": "content",
            "columns": {
                "content_id": "$row",
                "kind": {"column": "Type", "lower": True},
                "paid": "Paid",
                "created_at": {
                    "template": "2014-{Post Month}-01 {Post Hour}:00:00",
                    "timestamp_format": "%Y-%m-%d %H:%M:%S",
                },
            },
        },
        {
            "entity": "content_snapshot",
            "columns": {
                "content_id": "$row",
                "as_of": {"value": "2015-01-01 00:00:00"},
                "reach": "Lifetime Post Total Reach",
                "impressions": "Lifetime Post Total Impressions",
                "engaged_users": "Lifetime Engaged Users",
                "clicks": "Lifetime Post Consumptions",
                "likes": "like",
                "comments": "comment",
                "shares": "share",
                "followers": "Page_total_likes",
            },
        },
    ],
}

_INSTAGRAM: dict[str, Any] = {
    "name": "instagram",
    "description": "Instagram post export from Meta Business Suite (Insights → Content → Export).",
    "detect": ["Post ID", "Publish time", "Permalink", "Post type"],
    "platform": "instagram",
    "timestamp_format": ["%m/%d/%Y %H:%M", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M:%S"],
    "targets": [
        {
            "entity": "content",
            "columns": {
                "content_id": "Post ID",
                "account_id": "Account ID",
                "text": "Description",
                "created_at": "Publish time",
                "url": "Permalink",
                "duration_s": "Duration (sec)",
                "kind": {
                    "column": "Post type",
                    "lower": True,
                    "values": {
                        "ig image": "photo",
                        "ig carousel": "carousel",
                        "ig reel": "reel",
                        "ig story": "story",
                        "ig video": "video",
                    },
                },
            },
        },
        {
            "entity": "content_snapshot",
            "columns": {
                "content_id": "Post ID",
                "as_of": "$file_time",
                "impressions": "Impressions",
                "reach": "Reach",
                "views": "Views",
                "likes": "Likes",
                "comments": "Comments",
                "shares": "Shares",
                "saves": "Saves",
                "follows": "Follows",
            },
        },
    ],
}

_X: dict[str, Any] = {
    "name": "x",
    "description": 'X/Twitter analytics "tweet activity" export (analytics.twitter.com).',
    "detect": ["Tweet id", "Tweet permalink", "impressions", "engagements"],
    "platform": "x",
    "timestamp_format": ["%Y-%m-%d %H:%M %z", "%Y-%m-%d %H:%M:%S %z"],
    "targets": [
        {
            "entity": "content",
            "columns": {
                "content_id": "Tweet id",
                "text": "Tweet text",
                "url": "Tweet permalink",
                "created_at": "time",
                "kind": {"value": "tweet"},
            },
        },
        {
            "entity": "content_snapshot",
            "columns": {
                "content_id": "Tweet id",
                "as_of": "$file_time",
                "impressions": "impressions",
                "shares": "retweets",
                "replies": "replies",
                "likes": "likes",
                "profile_visits": "user profile clicks",
                "link_clicks": "url clicks",
                "clicks": "detail expands",
                "follows": "follows",
                "views": "media views",
            },
        },
    ],
}

_YOUTUBE: dict[str, Any] = {
    "name": "youtube",
    "description": "YouTube Studio Analytics → Advanced mode → Export → Table data.csv.",
    "detect": ["Content", "Video title", "Video publish time"],
    "platform": "youtube",
    "timestamp_format": ["%b %d, %Y", "%Y-%m-%d"],
    "reject": [
        {
            "column": "Content",
            "equals": "Total",
            "reason": "YouTube export total row (a sum, not a video)",
        }
    ],
    "targets": [
        {
            "entity": "content",
            "columns": {
                "content_id": "Content",
                "text": "Video title",
                "created_at": "Video publish time",
                "duration_s": {"column": "Duration", "optional": True},
                "kind": {"value": "video"},
            },
        },
        {
            "entity": "content_snapshot",
            "columns": {
                "content_id": "Content",
                "as_of": "$file_time",
                # a Studio export has the columns the user picked: a counter it lacks is
                # unknown (NULL), never 0
                "views": {"column": "Views", "optional": True},
                "impressions": {"column": "Impressions", "optional": True},
                "watch_time_s": {
                    "column": "Watch time (hours)",
                    "multiply": 3600,
                    "optional": True,
                },
                "follows": {"column": "Subscribers", "optional": True},
                "likes": {"column": "Likes", "optional": True},
                "comments": {"column": ["Comments added", "Comments"], "optional": True},
                "shares": {"column": "Shares", "optional": True},
            },
        },
    ],
}

_TIKTOK: dict[str, Any] = {
    "name": "tiktok",
    "description": "TikTok Studio → Analytics → Content → Download data (per video).",
    "detect": ["Video title", "Video link", "Post time", "Total views"],
    "platform": "tiktok",
    "timestamp_format": ["%Y-%m-%d %H:%M:%S", "%m/%d/%Y %H:%M", "%Y-%m-%d"],
    "targets": [
        {
            "entity": "content",
            "columns": {
                "content_id": "Video link",
                "text": "Video title",
                "url": "Video link",
                "created_at": "Post time",
                "kind": {"value": "video"},
            },
        },
        {
            "entity": "content_snapshot",
            "columns": {
                "content_id": "Video link",
                "as_of": "$file_time",
                "views": "Total views",
                "likes": "Total likes",
                "comments": "Total comments",
                "shares": "Total shares",
            },
        },
    ],
}

_LINKEDIN: dict[str, Any] = {
    "name": "linkedin",
    "description": 'LinkedIn Page analytics → Content → Export ("All posts" sheet saved as CSV).',
    "detect": ["Post title", "Post link", "Created date", "Impressions"],
    "platform": "linkedin",
    "timestamp_format": ["%m/%d/%Y", "%Y-%m-%d"],
    "targets": [
        {
            "entity": "content",
            "columns": {
                "content_id": "Post link",
                "text": "Post title",
                "url": "Post link",
                "created_at": "Created date",
                "campaign": "Campaign name",
                "kind": {"value": "post"},
            },
        },
        {
            "entity": "content_snapshot",
            "columns": {
                "content_id": "Post link",
                "as_of": "$file_time",
                "impressions": "Impressions",
                "clicks": "Clicks",
                "likes": "Likes",
                "comments": "Comments",
                "shares": "Reposts",
                "follows": "Follows",
            },
        },
    ],
}

_TWCS: dict[str, Any] = {
    "name": "twcs",
    "description": '"Customer Support on Twitter" (Thought Vector / Kaggle): customers and '
    "brands' support accounts talking.",
    "detect": ["tweet_id", "author_id", "inbound", "in_response_to_tweet_id"],
    "platform": "x",
    "timestamp_format": "%a %b %d %H:%M:%S %z %Y",
    "entity": "interaction",
    "columns": {
        "interaction_id": "tweet_id",
        "actor_id": "author_id",
        "is_brand": {"column": "inbound", "negate": True},
        "occurred_at": "created_at",
        "text": "text",
        "parent_id": {"column": "in_response_to_tweet_id", "strip_suffix": ".0"},
        "kind": {
            "if": {"column": "in_response_to_tweet_id", "present": True},
            "then": {"value": "reply"},
            "else": {"value": "mention"},
        },
        "account_id": {
            "if": {"column": "inbound", "equals": "false", "ignore_case": True},
            "then": {"column": "author_id"},
        },
    },
}

#: built-in sources by name (``canonical`` is handled separately: it depends on the file)
BUILTIN: dict[str, dict[str, Any]] = {
    "facebook": _FACEBOOK,
    "instagram": _INSTAGRAM,
    "x": _X,
    "youtube": _YOUTUBE,
    "tiktok": _TIKTOK,
    "linkedin": _LINKEDIN,
    "twcs": _TWCS,
}
SOURCE_NAMES: tuple[str, ...] = (*BUILTIN, "canonical")


def builtin(name: str) -> SourceMapping:
    """The mapping of a built-in source (``twitter`` is accepted for ``x``)."""
    key = {"twitter": "x"}.get(name.lower(), name.lower())
    if key not in BUILTIN:
        from .connectors import CONNECTOR_NAMES

        raise UnknownSource(
            f"unknown source {name!r}; built-in sources: {', '.join(SOURCE_NAMES)}; "
            f"connectors: {', '.join(CONNECTOR_NAMES)} (or give --mapping FILE)"
        )
    return parse_mapping(BUILTIN[key], name=key)


def detect(columns: list[str]) -> SourceMapping | None:
    """The built-in source whose signature columns are all in the header, if exactly one."""
    found = [m for m in (builtin(n) for n in BUILTIN) if m.matches_header(columns)]
    return found[0] if len(found) == 1 else None


__all__ = sorted(["BUILTIN", "SOURCE_NAMES", "builtin", "detect"])
