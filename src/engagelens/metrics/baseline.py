"""Each post against its account's rolling baseline.

"69 retweets vs an average of 158 for the next ten posts" is one call:
``baseline(store, "shares", n=10, direction="next")``. Neighbours are the account's posts
ordered by publish time (ties by content_id); the post itself is never in its own baseline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import ibis

from engagelens.errors import MetricError

from .base import Filters
from .compute import compute
from .facts import filter_content, safe_div

if TYPE_CHECKING:  # pragma: no cover
    from engagelens.store import Store

Direction = Literal["previous", "next", "both"]

#: direction -> (lowest, highest) neighbour offset relative to the post's rank
_OFFSETS = {
    "previous": lambda n: [(-n, -1)],
    "next": lambda n: [(1, n)],
    "both": lambda n: [(-n, -1), (1, n)],
}


def baseline(
    store: Store,
    metric: str,
    n: int = 10,
    direction: Direction = "previous",
    filters: Filters | None = None,
    settings: dict[str, Any] | None = None,
) -> ibis.Table:
    """platform, content_id, account_id, created_at, value, baseline_mean, baseline_median,
    baseline_std, baseline_posts, vs_baseline (value ÷ mean), z_score."""
    if direction not in _OFFSETS:
        raise MetricError(f"direction must be one of {', '.join(_OFFSETS)}")
    if n < 1:
        raise MetricError("n must be at least 1")
    values = compute(store, [metric], by="content", filters=filters, settings=settings)
    from .compute import make_context

    c = filter_content(make_context(store, "content", filters, settings))
    posts = (
        c.select("platform", "content_id", "account_id", "created_at")
        .join(values, ["platform", "content_id"])
        .rename(value=metric)
    )
    rank = ibis.row_number().over(
        group_by=[posts.platform, posts.account_id], order_by=[posts.created_at, posts.content_id]
    )
    posts = posts.mutate(_r=rank)
    other = posts.select(_p=posts.platform, _a=posts.account_id, _or=posts._r, _ov=posts.value)
    ranges = _OFFSETS[direction](n)
    in_window = ibis.or_(
        *[(other._or >= posts._r + lo) & (other._or <= posts._r + hi) for lo, hi in ranges]
    )
    pairs = posts.join(other, [posts.platform == other._p, posts.account_id == other._a, in_window])
    stats = pairs.group_by(["platform", "content_id"]).agg(
        baseline_mean=pairs._ov.mean(),
        baseline_median=pairs._ov.median(),
        baseline_std=pairs._ov.std(how="sample"),
        baseline_posts=pairs._ov.count(),
    )
    out = posts.left_join(stats, ["platform", "content_id"])
    out = out.select(
        "platform",
        "content_id",
        "account_id",
        "created_at",
        "value",
        "baseline_mean",
        "baseline_median",
        "baseline_std",
        baseline_posts=out.baseline_posts.fill_null(0),
    )
    return out.mutate(
        vs_baseline=safe_div(out.value, out.baseline_mean),
        z_score=safe_div(out.value - out.baseline_mean, out.baseline_std),
    )


__all__ = sorted(["Direction", "baseline"])
