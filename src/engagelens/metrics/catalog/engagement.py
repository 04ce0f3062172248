"""Content engagement metrics: interaction counts, engagement score and engagement rates.

Interactions are countable actions; engagement weighs them by depth (Hootsuite, RivalIQ and
Avinash Kaushik's "Best Social Media Metrics" separate the two). Rates come in two labelled
flavours: *mean of posts* (the average of each post's rate, what RivalIQ and Hootsuite report
as "average engagement rate per post") and *pooled* (Σ numerator ÷ Σ denominator).
"""

from __future__ import annotations

import ibis

from engagelens.metrics.aggregation import mean_of_posts, per_post, pooled, total
from engagelens.metrics.base import MetricContext
from engagelens.metrics.facts import CONTENT_GRAINS, content_facts, grain_keys, safe_div

from ._declare import declare

REQ = ("content", "content_snapshot", "interaction")

_HOOTSUITE = (
    "Hootsuite, 'How to calculate engagement rate' (2024); RivalIQ Social Media "
    "Industry Benchmark Report, engagement rate definitions"
)
_KAUSHIK = (
    "Avinash Kaushik, 'Best Social Media Metrics: Conversation, Amplification, Applause, "
    "Economic Value' (2011)"
)

#: default engagement-score weights (override with settings={"engagement_weights": {...}})
DEFAULT_WEIGHTS: dict[str, float] = {
    "like": 1.0,  # a like or reaction: one tap
    "save": 3.0,  # keeps it for later: intent
    "comment": 4.0,  # a comment whose quality is unknown
    "comment_substantive": 6.0,  # text analysis says it says something
    "comment_low_effort": 1.0,  # "nice", a lone emoji
    "comment_spam": 0.0,
    "share": 6.0,  # puts the brand in front of a new network
    "completed_view": 3.0,  # watched to the end
    "view": 0.1,  # any other (e.g. 2-second) view
}


def weights(ctx: MetricContext) -> dict[str, float]:
    w = dict(DEFAULT_WEIGHTS)
    w.update(ctx.settings.get("engagement_weights") or {})
    return w


def engagement_score_value(f: ibis.Table, w: dict[str, float]) -> ibis.Value:
    """Per-post depth-weighted score. Comments labelled by text analysis get their quality's
    weight, the rest the plain comment weight; completed views outweigh other views."""
    labelled = f.comments_substantive + f.comments_low_effort + f.comments_spam
    unlabelled = (f.comments - labelled).clip(lower=0)
    completed = f.completed_views.fill_null(0)
    other_views = (f.views - completed).clip(lower=0)
    return (
        w["like"] * f.likes
        + w["save"] * f.saves
        + w["share"] * f.shares
        + w["comment"] * unlabelled
        + w["comment_substantive"] * f.comments_substantive
        + w["comment_low_effort"] * f.comments_low_effort
        + w["comment_spam"] * f.comments_spam
        + w["completed_view"] * completed
        + w["view"] * other_views
    ).cast("float64")


def _score(f: ibis.Table, ctx: MetricContext) -> ibis.Value:
    return engagement_score_value(f, weights(ctx))


def err_numerator(f: ibis.Table, _ctx: MetricContext | None = None) -> ibis.Value:
    """Engaged users when the export reports them (Facebook), else interactions."""
    return f.engaged_users.fill_null(f.interactions)


def col(name: str):
    """A fact column as a per-post value."""
    return lambda f, _ctx: f[name]


def _rate(num, den):
    return lambda f, ctx: safe_div(num(f, ctx), den(f, ctx))


_COUNTS = [
    # name, column, title, what it counts
    ("likes", "likes", "Likes", "likes and reactions (kinds like, reaction)"),
    ("comments", "comments", "Comments", "comments and replies from the audience"),
    ("shares", "shares", "Shares", "shares, retweets, quotes and reposts"),
    ("saves", "saves", "Saves", "saves / bookmarks"),
    ("clicks", "clicks", "Clicks", "clicks and link clicks"),
    ("video_views", "views", "Video views", "views and watches (any length)"),
    ("posts", None, "Posts", "published content items"),
    (
        "interactions",
        "interactions",
        "Interactions",
        "likes + comments + shares + saves "
        "(Facebook's 'Total Interactions' = comment + like + share)",
    ),
]

for _name, _col, _title, _what in _COUNTS:
    declare(
        name=_name,
        title=_title,
        description=f"Number of {_what} on the content in the selection. A plain count, shown "
        "next to engagement metrics so volume and quality are read together.",
        formula=f"Σ {_col or '1'} per content, events if the content has events of that kind "
        "else the latest snapshot counter",
        unit="count",
        grains=CONTENT_GRAINS,
        requires=REQ,
        source="Platform counters (Meta Graph API Insights, X API public_metrics); "
        "interactions vs engagement: Hootsuite, 'Engagement rate'",
        aggregation=total(
            (lambda f, _ctx: f.content_id.notnull().cast("int64")) if _col is None else _col
        ),
        tags=("interactions",),
    )

declare(
    name="engagement_score",
    title="Engagement score",
    description="Interactions weighted by depth: a share or a substantive comment counts far more "
    "than a like, a completed view more than a 2-second view. Weights are settings "
    "(engagement_weights); comment quality comes from text analysis when present.",
    formula="Σ w_like·likes + w_save·saves + w_share·shares + w_comment·comments(by quality) + "
    "w_completed·completed_views + w_view·(views − completed_views); defaults "
    + ", ".join(f"{k}={v:g}" for k, v in DEFAULT_WEIGHTS.items()),
    unit="score",
    grains=CONTENT_GRAINS,
    requires=(*REQ, "text_analysis"),
    source="Depth weighting after Kaushik (2011) conversation > amplification > applause, and "
    "Paine, 'Measure What Matters' (2011) levels of engagement",
    aggregation=total(_score, dtype="float64"),
    tags=("engagement",),
)

_RATES = [
    # name, numerator, denominator, title, denominator words, source
    (
        "engagement_rate_by_reach",
        err_numerator,
        col("reach"),
        "Engagement rate by reach (ERR)",
        "reach (unique people who saw the post)",
        "Facebook: Lifetime Engaged Users ÷ Lifetime Post Total Reach; " + _HOOTSUITE,
    ),
    (
        "engagement_rate_by_impressions",
        col("interactions"),
        col("impressions"),
        "Engagement rate by impressions",
        "impressions",
        _HOOTSUITE,
    ),
    (
        "engagement_rate_by_followers",
        col("interactions"),
        col("followers"),
        "Engagement rate by followers",
        "followers at publish time",
        _HOOTSUITE,
    ),
    (
        "engagement_rate_by_views",
        col("interactions"),
        col("views"),
        "Engagement rate by views",
        "video views",
        _HOOTSUITE,
    ),
]

for _name, _num, _den, _title, _words, _src in _RATES:
    _numword = (
        "engaged users (or interactions when engaged users are unknown)"
        if _name == "engagement_rate_by_reach"
        else "interactions"
    )
    declare(
        name=_name,
        title=_title + " — mean of posts",
        description=f"Average over posts of each post's {_numword} ÷ {_words}. Posts whose "
        "denominator is 0 or unknown have no rate and are left out of the mean.",
        formula=f"mean over posts p of ({_numword})_p ÷ ({_words})_p",
        unit="fraction",
        grains=CONTENT_GRAINS,
        requires=(*REQ, "account_snapshot"),
        source=_src,
        aggregation=mean_of_posts(_rate(_num, _den)),
        tags=("engagement", "rate"),
    )
    declare(
        name=_name + "_pooled",
        title=_title + " — pooled",
        description=f"Σ {_numword} ÷ Σ {_words} over posts with a known, positive denominator: "
        "big posts weigh more than in the mean-of-posts variant.",
        formula=f"Σ_p ({_numword})_p ÷ Σ_p ({_words})_p",
        unit="fraction",
        grains=CONTENT_GRAINS,
        requires=(*REQ, "account_snapshot"),
        source=_src,
        aggregation=pooled(_num, _den),
        tags=("engagement", "rate"),
    )

_PER_POST = [
    (
        "amplification_rate",
        "shares",
        "Amplification rate",
        "shares per post",
        "Kaushik (2011): amplification rate = shares per post",
    ),
    (
        "conversation_rate",
        "comments",
        "Conversation rate",
        "comments per post",
        "Kaushik (2011): conversation rate = comments (replies) per post",
    ),
    (
        "applause_rate",
        "likes",
        "Applause rate",
        "likes per post",
        "Kaushik (2011): applause rate = likes (favourites, +1s) per post",
    ),
]
for _name, _col, _title, _words, _src in _PER_POST:
    declare(
        name=_name,
        title=_title,
        description=f"Average {_words}; every post counts, including posts nobody reacted to.",
        formula=f"Σ {_col} ÷ number of posts",
        unit="ratio",
        grains=CONTENT_GRAINS,
        requires=REQ,
        source=_src,
        aggregation=per_post(_col),
        tags=("engagement",),
    )

declare(
    name="amplification_rate_by_followers",
    title="Amplification rate by followers",
    description="Shares per post as a share of the audience: mean over posts of shares ÷ "
    "followers at publish time (Kaushik's normalised variant).",
    formula="mean over posts p of shares_p ÷ followers_p",
    unit="fraction",
    grains=CONTENT_GRAINS,
    requires=(*REQ, "account_snapshot"),
    source="Kaushik (2011): amplification rate relative to followers",
    aggregation=mean_of_posts(_rate(col("shares"), col("followers"))),
    tags=("engagement", "rate"),
)

_POOLED = [
    (
        "virality_rate",
        col("shares"),
        col("impressions"),
        "Virality rate",
        "shares ÷ impressions",
        "Hootsuite, 'virality rate = shares ÷ impressions'",
        "fraction",
        ("engagement", "rate"),
    ),
    (
        "ctr",
        col("clicks"),
        col("impressions"),
        "Click-through rate (CTR)",
        "clicks ÷ impressions",
        "Google Ads Help, 'Clickthrough rate (CTR)': clicks ÷ impressions",
        "fraction",
        ("traffic", "rate"),
    ),
    (
        "average_watch_time",
        col("watch_time_s"),
        col("views"),
        "Average watch time",
        "watch seconds ÷ views",
        "YouTube Analytics, 'Average view duration'",
        "seconds",
        ("video",),
    ),
    (
        "completion_rate",
        col("completed_views"),
        col("views"),
        "Video completion rate",
        "completed views ÷ views",
        "Meta Ads, 'ThruPlay' / IAB video completion rate",
        "fraction",
        ("video", "rate"),
    ),
]
for _name, _num, _den, _title, _words, _src, _unit, _tags in _POOLED:
    declare(
        name=_name,
        title=_title,
        description=f"{_words[0].upper() + _words[1:]}, pooled over the posts of the selection "
        "with a known, positive denominator.",
        formula=f"Σ {_words.replace(' ÷ ', ' ÷ Σ ')}",
        unit=_unit,
        grains=CONTENT_GRAINS,
        requires=REQ,
        source=_src,
        aggregation=pooled(_num, _den),
        tags=_tags,
    )


def _daily(ctx: MetricContext) -> ibis.Table:
    f = content_facts(ctx)
    keys = grain_keys(ctx.grain)
    d = f.created_at.date()
    aggs = dict(
        _i=f.interactions.sum(where=f.followers > 0),
        _f=f.followers.mean(where=f.followers > 0),
        _days=d.nunique(where=f.followers > 0),
    )
    t = f.group_by(keys).agg(**aggs) if keys else f.agg(**aggs)
    return t.mutate(daily_engagement_rate=safe_div(t._i, t._f * t._days)).drop("_i", "_f", "_days")


declare(
    name="daily_engagement_rate",
    title="Daily engagement rate",
    description="Interactions per day of publishing as a share of followers: how much of the "
    "audience engages on an average day the account posts.",
    formula="(Σ interactions ÷ mean followers at publish) ÷ number of distinct publish days (UTC)",
    unit="fraction",
    grains=CONTENT_GRAINS,
    requires=(*REQ, "account_snapshot"),
    source="Daily engagement rate (Socialinsider / Hootsuite): engagements ÷ followers per day",
    build=_daily,
    tags=("engagement", "rate"),
)

__all__ = sorted(["DEFAULT_WEIGHTS", "engagement_score_value", "err_numerator", "weights"])
