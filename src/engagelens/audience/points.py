"""Points and leaderboards for community programmes.

Why configurable points: a brand running a loyalty or ambassador programme rewards the
behaviour it wants (a share or a substantive comment is worth more than a like); the table
below is a documented default, not a truth.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ibis

if TYPE_CHECKING:  # pragma: no cover
    from engagelens.store import Store

DEFAULT_POINTS: dict[str, int] = {
    "view": 0,
    "watch": 0,
    "click": 1,
    "link_click": 1,
    "profile_visit": 0,
    "like": 1,
    "reaction": 1,
    "save": 2,
    "vote": 1,
    "follow": 2,
    "unfollow": -2,
    "comment": 3,
    "reply": 3,
    "mention": 3,
    "tag": 2,
    "dm": 1,
    "quote": 5,
    "share": 5,
    "retweet": 4,
    "download": 2,
}


def leaderboard(
    store: Store,
    *,
    points: dict[str, int] | None = None,
    limit: int = 20,
    platform: str | None = None,
) -> ibis.Table:
    """Top audience members by points (brand actions excluded), ties broken by actor id."""
    table = points or DEFAULT_POINTS
    t = store.table("interaction")
    t = t.filter(t.actor_id.notnull() & ~t.is_brand.fill_null(False))
    if platform:
        t = t.filter(t.platform == platform)
    pts = t.kind.substitute(table, else_=0).cast("int64")
    board = t.group_by(["platform", "actor_id"]).aggregate(points=pts.sum(), interactions=t.count())
    return board.order_by([ibis.desc("points"), "platform", "actor_id"]).limit(limit)


__all__ = sorted(["DEFAULT_POINTS", "leaderboard"])
