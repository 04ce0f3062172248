"""Platform metric renames, versioned: the table every connector applies at ingest.

Why a table: platforms rename metrics between API versions (Instagram's Graph API v22.0
replaced ``impressions``, ``plays`` and ``video_views`` with ``views``), and a team's history
holds both names. Applied to every API record before its mapping, an old name is stored under
the current one, so a metric's history is one series. When a record carries both names (the
transition months), the current name wins and the old value is dropped as superseded.
docs/ingest.md lists the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Rename:
    platform: str
    old: str
    new: str
    since: str  # API version that introduced the new name
    on: str  # date of that version
    note: str = ""


#: the renames, oldest first (Meta changelogs: Instagram Platform, Graph API v22.0)
RENAMES: tuple[Rename, ...] = (
    Rename(
        "instagram",
        "impressions",
        "views",
        "v22.0",
        "2025-01-21",
        "media and account insights; removed from all versions on 2025-04-21",
    ),
    Rename("instagram", "plays", "views", "v22.0", "2025-01-21", "reels media insights"),
    Rename("instagram", "video_views", "views", "v22.0", "2025-01-21", "video media insights"),
    Rename(
        "instagram",
        "ig_reels_aggregated_all_plays_count",
        "views",
        "v22.0",
        "2025-01-21",
        "reels: plays including replays",
    ),
)


def rename_metrics(platform: str, record: dict[str, Any]) -> dict[str, Any]:
    """Rename old metric keys of ``record`` in place (and return it)."""
    for r in RENAMES:
        if r.platform == platform and r.old in record:
            value = record.pop(r.old)
            if record.get(r.new) is None:
                record[r.new] = value
    return record


__all__ = ["RENAMES", "Rename", "rename_metrics"]
