"""Segments along an engagement ladder, from watching to advocating.

Why a ladder: the same 1,000 interactions mean different things if they come from 1,000
one-time likers or from 50 people who comment, share and come back every week. Each actor is
placed on the highest step whose condition they meet in the period (after Li & Bernoff's
*Groundswell* "social technographics ladder", adapted to observable interactions):

==========  ===================================================================
step        condition (within the period)
==========  ===================================================================
viewer      only passive kinds (view, watch, click, profile_visit, follow, …)
reactor     at least one like/reaction/save/vote, no comment or share
commenter   at least one comment/reply/mention/tag/dm/quote, no share
amplifier   at least one share/retweet/quote
advocate    amplifier who was also a commenter, active on ≥ ``advocate_days`` days
==========  ===================================================================
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ibis

from engagelens.model.kinds import AMPLIFICATION_KINDS, CONVERSATION_KINDS

if TYPE_CHECKING:  # pragma: no cover
    import datetime as dt

    from engagelens.store import Store

LADDER_STEPS: tuple[str, ...] = ("viewer", "reactor", "commenter", "amplifier", "advocate")
_REACTION_KINDS = ("like", "reaction", "save", "vote")


def engagement_ladder(
    store: Store,
    *,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    advocate_days: int = 3,
    per: str = "account",
) -> ibis.Table:
    """One row per (platform, actor_id): interactions, active days and ladder ``step``.

    Brand accounts' own actions (``is_brand``) are not audience and are left out. With
    ``per="person"`` the rows are persons (platform ``"person"``, actor_id the person id, see
    :mod:`.identity`): one fan commenting on X and sharing on Instagram is one amplifier.
    """
    from .identity import audience_interactions

    t = audience_interactions(store, per)
    if start is not None:
        t = t.filter(t.occurred_at >= start)
    if end is not None:
        t = t.filter(t.occurred_at < end)
    as_int = lambda cond: cond.cast("int64")  # noqa: E731
    agg = t.group_by(["platform", "actor_id"]).aggregate(
        interactions=t.count(),
        reactions=as_int(t.kind.isin(_REACTION_KINDS)).sum(),
        conversations=as_int(t.kind.isin(CONVERSATION_KINDS)).sum(),
        amplifications=as_int(t.kind.isin(AMPLIFICATION_KINDS)).sum(),
        active_days=t.occurred_at.date().nunique(),
    )
    step = ibis.cases(
        (
            (agg.amplifications > 0) & (agg.conversations > 0) & (agg.active_days >= advocate_days),
            "advocate",
        ),
        (agg.amplifications > 0, "amplifier"),
        (agg.conversations > 0, "commenter"),
        (agg.reactions > 0, "reactor"),
        else_="viewer",
    )
    return agg.mutate(step=step)


def ladder_summary(store: Store, **kw) -> list[dict]:
    """Actors per step, in ladder order, with each step's share of the audience."""
    ladder = engagement_ladder(store, **kw)
    counts = {
        r["step"]: int(r["actors"])
        for r in ladder.group_by("step").aggregate(actors=ladder.count()).to_pyarrow().to_pylist()
    }
    total = sum(counts.values())
    return [
        {
            "step": s,
            "actors": counts.get(s, 0),
            "share": (counts.get(s, 0) / total) if total else None,
        }
        for s in LADDER_STEPS
    ]


__all__ = sorted(["LADDER_STEPS", "engagement_ladder", "ladder_summary"])
