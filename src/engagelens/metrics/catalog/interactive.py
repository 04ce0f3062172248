"""Interactive content: polls, quizzes and contests (content kinds ``poll``, ``quiz``,
``contest``), where the audience answers or enters instead of reading.

What counts (audience rows only, ``is_brand`` excluded):

* a **participant** of a poll or quiz is a distinct actor with a ``vote`` on it; of a contest,
  a distinct actor with an entry — a comment, reply, tag, mention, share, quote or retweet on
  it (the usual "comment and tag a friend" mechanics); one person enters once, however many
  times they comment;
* a quiz is **completed** by a participant who cast at least ``content.questions`` votes on it
  (one vote per question answered); quizzes without ``questions`` are left out of completion;
* **reach** is the content's latest lifetime snapshot; posts without one are left out of the
  participation rate (numerator and denominator alike), never counted as zero reach.
"""

from __future__ import annotations

import ibis

from engagelens.metrics.base import MetricContext
from engagelens.metrics.facts import filter_content, grain_keys, latest_snapshot, safe_div
from engagelens.model.kinds import AMPLIFICATION_KINDS, CONVERSATION_KINDS, INTERACTIVE_KINDS

from ._declare import declare

GRAINS = ("content", "account", "platform", "campaign", "total")
_ENTRY_KINDS = tuple(k for k in (*CONVERSATION_KINDS, *AMPLIFICATION_KINDS) if k != "dm")


def _per_post(ctx: MetricContext, kinds: tuple[str, ...]) -> ibis.Table:
    """One row per interactive post of ``kinds`` in the filters: participants, completers
    (quizzes with a question count) and reach."""
    c = filter_content(ctx)
    c = c.filter(c.kind.isin(list(kinds)))
    c = c.select("platform", "content_id", "account_id", "campaign", "kind", "questions")
    i = ctx.table("interaction")
    i = i.filter(i.actor_id.notnull() & i.content_id.notnull() & ~i.is_brand.fill_null(False))
    i = i.select(_ip="platform", _ic="content_id", _actor="actor_id", _kind="kind")
    j = c.join(i, [c.platform == i._ip, c.content_id == i._ic])
    takes_part = ibis.ifelse(
        j.kind == "contest", j._kind.isin(list(_ENTRY_KINDS)), j._kind == "vote"
    )
    j = j.filter(takes_part)
    per_actor = j.group_by(["platform", "content_id", "_actor"]).agg(
        _votes=(j._kind == "vote").cast("int64").sum(), _q=j.questions.max()
    )
    per_post = per_actor.group_by(["platform", "content_id"]).agg(
        _participants=per_actor._actor.nunique(),
        _completers=(per_actor._q.notnull() & (per_actor._votes >= per_actor._q))
        .cast("int64")
        .sum(),
    )
    s = latest_snapshot(ctx).select(_sp="platform", _sc="content_id", _reach="reach")
    out = c.left_join(per_post, ["platform", "content_id"]).drop(
        "platform_right", "content_id_right"
    )
    out = out.left_join(s, [out.platform == s._sp, out.content_id == s._sc]).drop("_sp", "_sc")
    return out.mutate(
        _participants=out._participants.fill_null(0), _completers=out._completers.fill_null(0)
    )


def _agg(t: ibis.Table, ctx: MetricContext, **aggs) -> ibis.Table:
    keys = grain_keys(ctx.grain)
    return t.group_by(keys).agg(**aggs) if keys else t.agg(**aggs)


def _participation(ctx: MetricContext) -> ibis.Table:
    p = _per_post(ctx, INTERACTIVE_KINDS)
    rated = p._reach.notnull()
    t = _agg(p, ctx, _n=p._participants.sum(where=rated), _d=p._reach.sum(where=rated))
    return t.mutate(interactive_participation_rate=safe_div(t._n, t._d)).drop("_n", "_d")


declare(
    name="interactive_participation_rate",
    title="Interactive participation rate",
    description="Share of the people reached by polls, quizzes and contests who took part: "
    "distinct voters (polls, quizzes) or entrants (contests) ÷ the posts' reach. Posts "
    "without a reach snapshot are left out.",
    formula="Σ distinct participants ÷ Σ reach (interactive posts with a known reach)",
    unit="fraction",
    grains=GRAINS,
    requires=("content", "interaction", "content_snapshot"),
    source="Participation rate of interactive content (Paine 2011, 'Measure What Matters', "
    "participation ÷ opportunity; Meta poll sticker 'votes ÷ reach')",
    build=_participation,
    tags=("interactive", "rate"),
)


def _completion(ctx: MetricContext) -> ibis.Table:
    p = _per_post(ctx, ("quiz",))
    known = p.questions.notnull()
    t = _agg(p, ctx, _n=p._completers.sum(where=known), _d=p._participants.sum(where=known))
    return t.mutate(quiz_completion_rate=safe_div(t._n, t._d)).drop("_n", "_d")


declare(
    name="quiz_completion_rate",
    title="Quiz completion rate",
    description="Of the people who started a quiz, the share who answered every question "
    "(at least content.questions votes on it). Quizzes without a question count are left out.",
    formula="distinct actors with ≥ questions votes ÷ distinct actors with ≥ 1 vote",
    unit="fraction",
    grains=GRAINS,
    requires=("content", "interaction"),
    source="Completion rate (started ÷ finished) of surveys and quizzes (AAPOR Standard "
    "Definitions, 'completion' of an instrument; Typeform 'completion rate')",
    build=_completion,
    tags=("interactive", "rate"),
)


def _entries(ctx: MetricContext) -> ibis.Table:
    p = _per_post(ctx, ("contest",))
    return _agg(p, ctx, contest_entries=p._participants.sum().cast("int64"))


declare(
    name="contest_entries",
    title="Contest entries",
    description="Distinct people who entered the brand's contests (commented, tagged, "
    "mentioned or shared on a contest post), once per person and post.",
    formula="Σ over contest posts of distinct actors with an entry interaction",
    unit="count",
    grains=GRAINS,
    requires=("content", "interaction"),
    source="Contest entries (Sprout Social, 'social media contest metrics: entries, "
    "participation, reach')",
    build=_entries,
    tags=("interactive",),
)

__all__: list[str] = []
