"""Best time to post: engagement rate by reach of own posts by weekday and hour of publication.

Why by reach and per post: a post published when more people are online reaches more of them,
and the raw interaction count rewards that reach twice. Engagement rate by reach (ERR, from the
metric registry, so it follows the same double-counting and engaged-users rules as every
report) asks a fairer question: of the people a post reached, how many engaged, depending on
when it went out (Sprout Social and Hootsuite "best times to post" studies use the same idea).

Why a minimum number of posts: one lucky post on a Sunday at 3 a.m. would otherwise top the
table. Cells with fewer rated posts than ``min_posts`` are reported (with their counts) but
never ``recommended``. The engine returns sufficient statistics per cell (posts, rated posts,
Σ rate, Σ rate²); mean and standard error are computed in Python, so the figures are the same on
every backend.

Weekday and hour are those of the publish time in the ``timezone`` setting (Monday = 0).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from engagelens.metrics import Filters, compute
from engagelens.metrics.compute import make_context
from engagelens.metrics.timekeys import local_time

if TYPE_CHECKING:  # pragma: no cover
    import ibis

    from engagelens.store import Store

WEEKDAYS: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

#: slot name -> the publish-time parts it groups by
SLOTS: dict[str, tuple[str, ...]] = {
    "weekday_hour": ("weekday", "hour"),
    "weekday": ("weekday",),
    "hour": ("hour",),
}

#: default filters: the brand's own posts (competitors' timing is another question)
OWN = Filters(ownership="own")


def rated_posts(
    store: Store, *, filters: Filters | None = OWN, settings: dict[str, Any] | None = None
) -> ibis.Table:
    """One row per post: platform, content_id, account_id, hashtags, local publish ``weekday``
    (Monday = 0) and ``hour``, and its ``engagement_rate_by_reach`` (null when reach is unknown)."""
    ctx = make_context(store, "content", filters, settings)
    tz = str(ctx.settings.get("timezone") or "UTC")
    err = compute(
        store, ["engagement_rate_by_reach"], by="content", filters=filters, settings=settings
    )
    c = store.table("content")
    c = c.filter(c.created_at.notnull())
    local = local_time(c.created_at, tz, store.backend)
    c = c.select(
        "platform",
        "content_id",
        "account_id",
        "hashtags",
        weekday=local.day_of_week.index().cast("int64"),
        hour=local.hour().cast("int64"),
    )
    return c.join(err, ["platform", "content_id"]).select(
        "platform",
        "content_id",
        "account_id",
        "hashtags",
        "weekday",
        "hour",
        "engagement_rate_by_reach",
    )


def _cell(row: dict[str, Any], keys: tuple[str, ...], min_posts: int) -> dict[str, Any]:
    n = int(row["rated_posts"] or 0)
    mean = row["sum_rate"] / n if n else None
    se = None
    if n >= 2 and mean is not None:
        var = max((row["sum_sq"] - n * mean * mean) / (n - 1), 0.0)
        se = math.sqrt(var / n)
    out: dict[str, Any] = {k: int(row[k]) for k in keys}
    if "weekday" in keys:
        out["weekday_name"] = WEEKDAYS[out["weekday"]]
    out.update(
        posts=int(row["posts"]),
        rated_posts=n,
        engagement_rate_by_reach=mean,
        std_error=se,
        recommended=n >= min_posts and mean is not None,
    )
    return out


def best_times(
    store: Store,
    *,
    slot: str = "weekday_hour",
    min_posts: int = 3,
    filters: Filters | None = OWN,
    settings: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Publish-time cells, best first: recommended cells (≥ ``min_posts`` rated posts) by mean
    ERR, then thin cells by mean ERR, then cells with no rated post.

    Each row: the slot's keys (``weekday`` 0–6 with ``weekday_name``, ``hour`` 0–23), ``posts``,
    ``rated_posts`` (posts with a known reach), ``engagement_rate_by_reach`` (mean of posts),
    ``std_error`` (of that mean, null below two posts) and ``recommended``.
    ``settings`` overrides (e.g. ``{"timezone": "Europe/Paris"}``) apply to the metric too.
    """
    from engagelens.errors import ConfigError

    if slot not in SLOTS:
        raise ConfigError(f"slot must be one of {', '.join(SLOTS)}, not {slot!r}")
    if min_posts < 1:
        raise ConfigError(f"min_posts must be at least 1, not {min_posts}")
    keys = SLOTS[slot]
    p = rated_posts(store, filters=filters, settings=settings)
    rate = p.engagement_rate_by_reach
    stats = p.group_by(list(keys)).aggregate(
        posts=p.count(),
        rated_posts=rate.count(),
        sum_rate=rate.sum().fill_null(0.0),
        sum_sq=(rate * rate).sum().fill_null(0.0),
    )
    cells = [_cell(r, keys, min_posts) for r in stats.to_pyarrow().to_pylist()]
    return sorted(
        cells,
        key=lambda c: (
            not c["recommended"],
            c["engagement_rate_by_reach"] is None,
            -(c["engagement_rate_by_reach"] or 0.0),
            tuple(c[k] for k in keys),
        ),
    )


__all__ = sorted(["SLOTS", "WEEKDAYS", "best_times", "rated_posts"])
