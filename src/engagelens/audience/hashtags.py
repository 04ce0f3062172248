"""Best hashtags: how the posts carrying a hashtag perform against the account's typical post.

Why lift against the median post: an account whose posts all do well makes every hashtag
look good in absolute terms; what a marketer wants to know is whether *this* tag's posts beat
the account's usual post. The median, not the mean, is the baseline because one viral post
would otherwise move it (RivalIQ and Sprout compare a post with the account's median for the
same reason). Rates are the metric registry's per-post engagement rate by reach, so they follow
the documented double-counting rules.

``lift = mean ERR of the tag's posts ÷ median ERR of the account's posts − 1``: +0.25 means the
tag's posts engage 25 % more of the people they reach than the account's median post. A
hashtag is a correlation, not a cause; ``min_posts`` keeps one-off tags out of the ranking.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engagelens.metrics import Filters

from .best_time import OWN, rated_posts

if TYPE_CHECKING:  # pragma: no cover
    from engagelens.store import Store

_ACCOUNT = ["platform", "account_id"]


def hashtag_performance(
    store: Store,
    *,
    min_posts: int = 3,
    filters: Filters | None = OWN,
    settings: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """One row per (platform, account_id, hashtag) of the posts in ``filters`` (default: own
    posts), best lift first; tags on fewer than ``min_posts`` rated posts come last.

    Each row: ``hashtag``, ``posts`` (posts carrying it), ``rated_posts`` (with a known reach),
    ``engagement_rate_by_reach`` (mean of those posts), ``account_median`` (median ERR of the
    account's rated posts), ``lift`` (null when the median is 0 or unknown) and ``ranked``
    (``rated_posts ≥ min_posts``). Tags are split on whitespace, lower-cased, a leading ``#``
    dropped, and counted once per post.
    """
    from engagelens.errors import ConfigError

    if min_posts < 1:
        raise ConfigError(f"min_posts must be at least 1, not {min_posts}")
    p = rated_posts(store, filters=filters, settings=settings)
    median = (
        p.filter(p.engagement_rate_by_reach.notnull())
        .group_by(_ACCOUNT)
        .aggregate(account_median=lambda t: t.engagement_rate_by_reach.median())
    )
    tagged = p.filter(p.hashtags.notnull())
    tags = tagged.select(
        *_ACCOUNT,
        "content_id",
        "engagement_rate_by_reach",
        hashtag=tagged.hashtags.re_split(r"\s+").unnest(),
    )
    tags = tags.mutate(hashtag=tags.hashtag.strip().lower().re_replace(r"^#+", ""))
    tags = tags.filter(tags.hashtag != "").distinct()
    rate = tags.engagement_rate_by_reach
    per = tags.group_by([*_ACCOUNT, "hashtag"]).aggregate(
        posts=tags.content_id.nunique(), rated_posts=rate.count(), mean_rate=rate.mean()
    )
    j = per.left_join(median, _ACCOUNT).select(
        *_ACCOUNT, "hashtag", "posts", "rated_posts", "mean_rate", "account_median"
    )
    rows = []
    for r in j.to_pyarrow().to_pylist():
        mean, base = r["mean_rate"], r["account_median"]
        rows.append(
            {
                "platform": r["platform"],
                "account_id": r["account_id"],
                "hashtag": r["hashtag"],
                "posts": int(r["posts"]),
                "rated_posts": int(r["rated_posts"]),
                "engagement_rate_by_reach": mean,
                "account_median": base,
                "lift": (mean / base - 1.0) if mean is not None and base else None,
                "ranked": int(r["rated_posts"]) >= min_posts,
            }
        )
    return sorted(
        rows,
        key=lambda r: (
            not r["ranked"],
            r["lift"] is None,
            -(r["lift"] or 0.0),
            -(r["engagement_rate_by_reach"] or 0.0),
            r["platform"] or "",
            r["account_id"] or "",
            r["hashtag"],
        ),
    )


__all__ = sorted(["hashtag_performance"])
