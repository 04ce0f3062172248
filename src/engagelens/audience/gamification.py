"""A fair leaderboard and badges for community programmes, over the points table of
:mod:`.points`.

Why anti-abuse: the moment points buy a reward, people farm them — a bot comments "nice!" 300
times, a fan likes their own post, a member posts the same text on every post. Each rule below
removes one such farm; what it removed is reported per member, so a moderator can see why a
score is lower than the raw count:

* **spam** — comments that text analysis labelled ``spam`` (``text_analysis.quality``; the
  alphabetically first backend wins, as in the metrics) earn nothing;
* **duplicate text** — the same member posting the same text again (case, spacing and
  punctuation folded) earns only the first time;
* **self-interaction** — interacting with a post of one's own account earns nothing;
* **daily cap** — at most ``daily_cap`` points per member per UTC day (losses such as an
  unfollow are not capped), so a burst cannot buy the top spot.

Brand rows (``is_brand``) are never audience. Badges are declared in :data:`BADGES` (name,
what it rewards, the rule) and computed over the interactions that counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import ibis

from engagelens.errors import ConfigError
from engagelens.metrics import MetricContext
from engagelens.metrics.facts import comment_quality
from engagelens.model.kinds import AMPLIFICATION_KINDS

from .identity import PERS, with_person
from .points import DEFAULT_POINTS

if TYPE_CHECKING:  # pragma: no cover
    from engagelens.store import Store

_COMMENTS = ("comment", "reply", "mention", "tag", "quote")


@dataclass(frozen=True)
class Badge:
    name: str
    description: str
    earned: Callable[[dict[str, Any]], bool]


BADGES: tuple[Badge, ...] = (
    Badge("first_words", "wrote a comment that counted", lambda r: r["comments"] >= 1),
    Badge("conversation_starter", "10 comments that counted", lambda r: r["comments"] >= 10),
    Badge("amplifier", "shared the brand's posts 5 times", lambda r: r["shares"] >= 5),
    Badge("regular", "active in 4 different weeks", lambda r: r["active_weeks"] >= 4),
    Badge("podium", "in the top 3 of the leaderboard", lambda r: r["rank"] <= 3),
)


def _fold(text: ibis.StringValue) -> ibis.StringValue:
    """Case, punctuation and whitespace folded, so "Nice!!" and "nice" are the same text."""
    return text.lower().re_replace(r"[^\w]+", " ").strip()


def fair_leaderboard(
    store: Store,
    *,
    points: dict[str, int] | None = None,
    daily_cap: int = 20,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    platform: str | None = None,
    per: str = "account",
    limit: int = 20,
) -> list[dict[str, Any]]:
    """Members ranked by points after the anti-abuse rules, with what each rule removed and
    the badges they earned; ties broken by platform and actor id."""
    if daily_cap < 1:
        raise ConfigError(f"daily cap must be at least 1 point, not {daily_cap}")
    if per not in PERS:
        raise ConfigError(f"per must be account or person, not {per!r}")
    if limit < 1:
        raise ConfigError(f"limit must be at least 1, not {limit}")
    table = points or DEFAULT_POINTS
    t = store.table("interaction")
    t = t.filter(t.actor_id.notnull() & ~t.is_brand.fill_null(False))
    if start is not None:
        t = t.filter(t.occurred_at >= start)
    if end is not None:
        t = t.filter(t.occurred_at < end)
    if platform:
        t = t.filter(t.platform == platform)
    t = t.distinct(on=["platform", "interaction_id"], keep="first")
    q = comment_quality(MetricContext(store=store, grain="content"))
    c = store.table("content").select(_cp="platform", _cc="content_id", _ca="account_id")
    j = t.left_join(q, [t.platform == q.platform, t.interaction_id == q.source_id])
    j = j.left_join(c, [j.platform == c._cp, j.content_id == c._cc])
    folded = _fold(j.text)
    nth = ibis.row_number().over(
        group_by=[j.platform, j.actor_id, folded], order_by=[j.occurred_at, j.interaction_id]
    )
    spam = (j.quality == "spam").fill_null(False)
    self_ = (j._ca == j.actor_id).fill_null(False)
    dup = (j.text.notnull() & (folded != "") & (nth > 0)).fill_null(False)
    j = j.select(
        "platform",
        "actor_id",
        "kind",
        "occurred_at",
        _spam=spam,
        _self=self_ & ~spam,
        _dup=dup & ~spam & ~self_,
        _pts=j.kind.substitute(table, else_=0).cast("int64"),
    )
    if per == "person":
        j = with_person(store, j)
        j = j.mutate(platform=ibis.literal("person"), actor_id=j.person_id).drop("person_id")
    counts = ~(j._spam | j._self | j._dup)
    j = j.mutate(_ok=counts, _day=j.occurred_at.date())
    day = j.group_by(["platform", "actor_id", "_day"]).aggregate(
        raw=j._pts.sum(where=j._ok).fill_null(0),
        n=j._ok.cast("int64").sum(),
        spam=j._spam.cast("int64").sum(),
        dup=j._dup.cast("int64").sum(),
        self_=j._self.cast("int64").sum(),
        comments=(j._ok & j.kind.isin(_COMMENTS)).cast("int64").sum(),
        shares=(j._ok & j.kind.isin(AMPLIFICATION_KINDS)).cast("int64").sum(),
        week=j.occurred_at.truncate("W").max(),
    )
    capped = ibis.ifelse(day.raw > daily_cap, daily_cap, day.raw)
    board = day.group_by(["platform", "actor_id"]).aggregate(
        points=capped.sum(),
        raw_points=day.raw.sum(),
        interactions=day.n.sum(),
        excluded_spam=day.spam.sum(),
        excluded_duplicate=day.dup.sum(),
        excluded_self=day.self_.sum(),
        comments=day.comments.sum(),
        shares=day.shares.sum(),
        active_days=day._day.nunique(where=day.n > 0),
        active_weeks=day.week.nunique(where=day.n > 0),
    )
    board = board.order_by([ibis.desc("points"), "platform", "actor_id"]).limit(limit)
    rows = board.to_pyarrow().to_pylist()
    for rank, r in enumerate(rows, start=1):
        r["rank"] = rank
        r["capped_points"] = int(r["raw_points"]) - int(r["points"])
        r["badges"] = [b.name for b in BADGES if b.earned(r)]
    return rows


__all__ = sorted(["BADGES", "Badge", "fair_leaderboard"])
