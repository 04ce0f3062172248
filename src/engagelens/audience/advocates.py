"""Advocates and influencers: the people who carry the brand into their own networks.

Two different questions, two functions:

* :func:`advocates` ranks audience members (``interaction.actor_id``) by how deeply they engage
  with the brand's content, weighting each interaction with the **same engagement weights as
  the engagement-score metric** (``DEFAULT_WEIGHTS`` in metrics/catalog/engagement.py,
  overridable with ``settings={"engagement_weights": {...}}``): a share outweighs a comment,
  which outweighs a like (Kaushik 2011: amplification > conversation > applause). Comments
  labelled by text analysis get their quality's weight (spam counts 0), as in the metric.
  Mentions and tags of the brand count as comments; kinds the score ignores (clicks, follows,
  DMs, votes…) count 0 points but still count as interactions.
* :func:`influencers` ranks mention authors by the **reach of their positive mentions** of the
  brand: a fan with 200,000 followers saying something good is worth finding, whatever their
  interaction count. Sentiment comes from ``text_analysis`` (first backend alphabetically, for
  determinism) and otherwise from the source's own label; a mention's reach is its ``reach``,
  else its author's followers, else 0. The brand's own accounts are left out of both.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import ibis

from engagelens.metrics import MetricContext
from engagelens.metrics.catalog.engagement import DEFAULT_WEIGHTS
from engagelens.metrics.facts import comment_quality

if TYPE_CHECKING:  # pragma: no cover
    from engagelens.store import Store

#: interaction kind -> engagement-weight key (kinds not listed weigh 0)
KIND_WEIGHT_KEYS: dict[str, str] = {
    "like": "like",
    "reaction": "like",
    "save": "save",
    "comment": "comment",
    "reply": "comment",
    "mention": "comment",
    "tag": "comment",
    "share": "share",
    "retweet": "share",
    "quote": "share",
    "view": "view",
    "watch": "view",
}
_COMMENT_KINDS = ("comment", "reply")
#: weight key -> output column counting those interactions
_CLASSES = {"like": "likes", "comment": "comments", "share": "shares", "save": "saves"}


def _period(
    t: ibis.Table,
    ts: ibis.Value,
    start: dt.datetime | None,
    end: dt.datetime | None,
    platform: str | None,
) -> ibis.Table:
    if start is not None:
        t = t.filter(ts >= start)
    if end is not None:
        t = t.filter(ts < end)
    if platform:
        t = t.filter(t.platform == platform)
    return t


def advocate_weights(settings: dict[str, Any] | None = None) -> dict[str, float]:
    """The engagement weights in force: the metric's defaults with ``engagement_weights``
    overrides from ``settings``."""
    w = dict(DEFAULT_WEIGHTS)
    w.update((settings or {}).get("engagement_weights") or {})
    return w


def advocates(
    store: Store,
    *,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    platform: str | None = None,
    limit: int = 20,
    settings: dict[str, Any] | None = None,
    per: str = "account",
) -> ibis.Table:
    """Top audience members by weighted engagement ``score``, ties broken by platform, actor.

    Columns: platform, actor_id, score, interactions, likes, comments, shares, saves,
    active_days, last_seen (UTC). Brand-authored rows (``is_brand``) are not audience.
    ``per="person"``: one row per person (:mod:`.identity`; platform ``"person"``, actor_id
    the person id) with ``accounts``, the number of their accounts that engaged.
    """
    from .identity import PERS, with_person

    if per not in PERS:
        from engagelens.errors import ConfigError

        raise ConfigError(f"per must be account or person, not {per!r}")
    w = advocate_weights(settings)
    ctx = MetricContext(store=store, grain="content")
    t = store.table("interaction")
    t = t.filter(t.actor_id.notnull() & ~t.is_brand.fill_null(False))
    t = _period(t, t.occurred_at, start, end, platform)
    t = t.distinct(on=["platform", "interaction_id"], keep="first")  # a duplicated row counts once
    q = comment_quality(ctx)
    j = t.left_join(q, [t.platform == q.platform, t.interaction_id == q.source_id])
    labelled = j.kind.isin(_COMMENT_KINDS) & j.quality.notnull()
    cls = j.kind.substitute(KIND_WEIGHT_KEYS, else_="")
    key = ibis.ifelse(labelled, "comment_" + j.quality, cls)
    j = j.select(
        j.platform,
        j.actor_id,
        j.interaction_id,
        j.occurred_at,
        _cls=cls,
        _w=key.substitute(w, else_=0.0).cast("float64"),
    )
    extra: dict[str, Any] = {}
    if per == "person":
        j = with_person(store, j)
        j = j.mutate(
            _acc=j.platform.concat(":", j.actor_id),
            platform=ibis.literal("person"),
            actor_id=j.person_id,
        )
        extra["accounts"] = j._acc.nunique()
    counts = {col: (j._cls == k).cast("int64").sum() for k, col in _CLASSES.items()}
    board = j.group_by(["platform", "actor_id"]).aggregate(
        **extra,
        score=j._w.sum(),
        interactions=j.count(),
        **counts,
        active_days=j.occurred_at.date().nunique(),
        last_seen=j.occurred_at.max(),
    )
    return board.order_by([ibis.desc("score"), "platform", "actor_id"]).limit(limit)


def _mention_sentiment(store: Store) -> ibis.Table:
    """(platform, source_id, _ta_sentiment): one text-analysis label per mention."""
    ta = store.table("text_analysis")
    ta = ta.filter((ta.source_table == "mention") & ta.sentiment.notnull())
    rn = ibis.row_number().over(group_by=[ta.platform, ta.source_id], order_by=ta.backend)
    return (
        ta.mutate(_rn=rn)
        .filter(lambda r: r._rn == 0)
        .select(_ta_platform="platform", _ta_id="source_id", _ta_sentiment="sentiment")
    )


def influencers(
    store: Store,
    *,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    platform: str | None = None,
    limit: int = 20,
) -> ibis.Table:
    """Mention authors ranked by ``positive_reach`` (Σ reach of their positive mentions), then
    ``net_reach`` (positive − negative reach), then platform and author.

    Columns: platform, author_id, author_handle, followers (largest seen), mentions, positive,
    neutral, negative, unlabelled, reach, positive_reach, negative_reach, net_reach.
    """
    m = store.table("mention")
    m = m.filter(m.author_id.notnull())
    m = _period(m, m.created_at, start, end, platform)
    a = store.table("account")
    own = a.filter(a.is_own.fill_null(False)).select(_op="platform", _oa="account_id")
    m = m.anti_join(own, [m.platform == own._op, m.author_id == own._oa])
    s = _mention_sentiment(store)
    j = m.left_join(s, [m.platform == s._ta_platform, m.mention_id == s._ta_id])
    j = j.select(
        j.platform,
        j.author_id,
        j.author_handle,
        j.author_followers,
        sentiment=j._ta_sentiment.fill_null(j.sentiment),
        _reach=j.reach.fill_null(j.author_followers).fill_null(0).cast("int64"),
    )
    n = lambda label: (j.sentiment == label).fill_null(False).cast("int64").sum()  # noqa: E731
    r = lambda label: j._reach.sum(where=j.sentiment == label).fill_null(0)  # noqa: E731
    board = j.group_by(["platform", "author_id"]).aggregate(
        author_handle=j.author_handle.max(),
        followers=j.author_followers.max(),
        mentions=j.count(),
        positive=n("positive"),
        neutral=n("neutral"),
        negative=n("negative"),
        unlabelled=j.sentiment.isnull().cast("int64").sum(),
        reach=j._reach.sum(),
        positive_reach=r("positive"),
        negative_reach=r("negative"),
    )
    board = board.mutate(net_reach=board.positive_reach - board.negative_reach)
    return board.order_by(
        [ibis.desc("positive_reach"), ibis.desc("net_reach"), "platform", "author_id"]
    ).limit(limit)


__all__ = sorted(["KIND_WEIGHT_KEYS", "advocate_weights", "advocates", "influencers"])
