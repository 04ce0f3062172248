"""Per-content facts: one row per post with every counter a content metric needs.

The double-counting rule (documented in docs/metrics.md and tested): counters come from two
places, event rows in ``interaction`` and lifetime counters in the latest ``content_snapshot``
(greatest ``as_of``) of the content. **Per content and per counter**, EngageLens uses the events
when the content has at least one event of that counter's kinds, otherwise the snapshot
counter, otherwise 0. Events and counters are never added together. Brand-authored events
(``is_brand``) are not audience interactions and are left out; events are counted as distinct
``interaction_id`` values so a duplicated row cannot count twice.

Reach, impressions, engaged users and completed views exist only in snapshots. Followers at
publish time come from the snapshot's ``followers`` or else the account's latest
``account_snapshot`` on or before the publish date (UTC); missing stays null.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import ibis

from .base import GRAIN_KEYS, Filters, calendar_part
from .cache import shared
from .timekeys import calendar_key

if TYPE_CHECKING:  # pragma: no cover
    from .base import MetricContext

#: counter -> interaction kinds counted as events of that counter (snapshot column = counter)
COUNTER_KINDS: dict[str, tuple[str, ...]] = {
    "likes": ("like", "reaction"),
    "comments": ("comment", "reply"),
    "shares": ("share", "retweet", "quote"),
    "saves": ("save",),
    "views": ("view", "watch"),
    "clicks": ("click", "link_click"),
    "follows": ("follow",),
}

#: columns read from the latest snapshot only
SNAPSHOT_ONLY = ("impressions", "reach", "engaged_users", "completed_views")

#: kinds that make up "interactions" (Facebook's Total Interactions = comments + likes + shares,
#: plus saves where a platform reports them)
INTERACTION_COUNTERS = ("likes", "comments", "shares", "saves")

#: grain -> content-fact column giving its key
CONTENT_GRAIN_COLUMNS = {
    "content": ("platform", "content_id"),
    "account": ("platform", "account_id"),
    "platform": ("platform",),
    "campaign": ("campaign",),
    "kind": ("content_kind",),
    "total": (),
}


def tz(ctx: MetricContext) -> str:
    return str(ctx.settings.get("timezone") or "UTC")


def owned_accounts(ctx: MetricContext) -> ibis.Table | None:
    """(platform, account_id) of own or competitor accounts, or None when not filtering."""
    f = ctx.filters
    if f.ownership is None:
        return None
    a = ctx.table("account")
    flag = a.is_own if f.ownership == "own" else a.is_competitor
    return a.filter(flag.fill_null(False)).select("platform", "account_id").distinct()


def filter_content(ctx: MetricContext) -> ibis.Table:
    """Content rows matching the filters; the date range applies to publish time."""
    c = ctx.table("content")
    f: Filters = ctx.filters
    conds = f.conditions(c, "created_at")
    if f.campaigns:
        conds.append(c.campaign.isin(list(f.campaigns)))
    if f.content_kinds:
        conds.append(c.kind.isin(list(f.content_kinds)))
    if conds:
        c = c.filter(conds)
    owned = owned_accounts(ctx)
    if owned is not None:
        c = c.semi_join(owned, ["platform", "account_id"])
    return c


def latest_snapshot(ctx: MetricContext) -> ibis.Table:
    s = ctx.table("content_snapshot")
    rn = ibis.row_number().over(group_by=[s.platform, s.content_id], order_by=ibis.desc(s.as_of))
    return s.mutate(_rn=rn).filter(lambda t: t._rn == 0).drop("_rn")


#: interaction kind -> counter (the lookup the event counts compile to)
KIND_TO_COUNTER: dict[str, str] = {k: c for c, kinds in COUNTER_KINDS.items() for k in kinds}
QUALITY_LABELS = ("substantive", "low_effort", "spam")


def audience_events(ctx: MetricContext, counters: Sequence[str] | None = None) -> ibis.Table:
    """Audience (not brand-authored) events on a content, of a kind one of ``counters``
    (default: every counter) counts."""
    kinds = [k for k, c in KIND_TO_COUNTER.items() if counters is None or c in counters]
    i = ctx.table("interaction")
    return i.filter(i.content_id.notnull() & ~i.is_brand.fill_null(False) & i.kind.isin(kinds))


def event_counts(
    ctx: MetricContext, counters: Sequence[str] | None = None, quality: bool = True
) -> ibis.Table:
    """Distinct audience events per content and counter, plus watch seconds and quality-labelled
    comments (substantive / low-effort / spam, from text_analysis when present).

    Why this shape: the engine's cost is the COUNT(DISTINCT) over every event row, so it runs
    once, grouped by the stored ``kind`` column (no per-row expression, no join), and a small
    pivot folds kinds into counters. Quality labels need a join with text_analysis, which
    only comment rows pay for. An id is counted once per kind (an id stored under two kinds
    of one counter, which ingestion never produces, would count twice)."""
    counters = list(COUNTER_KINDS) if counters is None else list(counters)
    i = audience_events(ctx, counters)
    watch = {"_watch": i.value.sum()} if "views" in counters else {}
    per = i.group_by(["platform", "content_id", "kind"]).agg(_n=i.interaction_id.nunique(), **watch)
    aggs = {
        f"ev_{name}": per._n.sum(where=per.kind.isin(list(COUNTER_KINDS[name]))).fill_null(0)
        for name in counters
    }
    if "views" in counters:
        aggs["ev_watch_time_s"] = per._watch.sum(where=per.kind.isin(list(COUNTER_KINDS["views"])))
    counts = per.group_by(["platform", "content_id"]).agg(**aggs)
    if not quality or "comments" not in counters:
        return counts
    labelled = quality_counts(ctx, i)
    j = counts.left_join(labelled, ["platform", "content_id"])
    return j.select(
        *counts.columns,
        **{
            f"ev_comments_{label}": j[f"ev_comments_{label}"].fill_null(0)
            for label in QUALITY_LABELS
        },
    )


def quality_counts(ctx: MetricContext, events: ibis.Table) -> ibis.Table:
    """(platform, content_id, ev_comments_<label>…): distinct comments per quality label."""
    c = events.filter(events.kind.isin(list(COUNTER_KINDS["comments"])))
    q = comment_quality(ctx)
    j = c.join(q, [c.platform == q.platform, c.interaction_id == q.source_id])
    return j.group_by(["platform", "content_id"]).agg(
        **{
            f"ev_comments_{label}": j.interaction_id.nunique(where=j.quality == label)
            for label in QUALITY_LABELS
        }
    )


def comment_quality(ctx: MetricContext) -> ibis.Table:
    """One quality label per interaction (the alphabetically first backend wins, for
    determinism when several backends analysed the same row)."""
    ta = ctx.table("text_analysis")
    ta = ta.filter((ta.source_table == "interaction") & ta.quality.notnull())
    rn = ibis.row_number().over(group_by=[ta.platform, ta.source_id], order_by=ta.backend)
    return ta.mutate(_rn=rn).filter(lambda t: t._rn == 0).select("platform", "source_id", "quality")


def followers_at_publish(ctx: MetricContext, c: ibis.Table) -> ibis.Table:
    """(platform, content_id, acct_followers): account_snapshot followers on or just before
    the publish date."""
    s = ctx.table("account_snapshot")
    a = s.filter(s.followers.notnull()).select(
        _ap=s.platform, _aa=s.account_id, _ad=s.date, _af=s.followers
    )
    pub = c.select("platform", "content_id", "account_id", pub_date=c.created_at.date()).view()
    j = pub.join(a, [pub.platform == a._ap, pub.account_id == a._aa, a._ad <= pub.pub_date])
    rn = ibis.row_number().over(group_by=[j.platform, j.content_id], order_by=ibis.desc(j._ad))
    return (
        j.mutate(_rn=rn)
        .filter(lambda t: t._rn == 0)
        .select("platform", "content_id", acct_followers="_af")
    )


#: what computing a fact column costs beyond the content and snapshot rows: the event
#: counters it reads, "quality" (comment labels) and "followers_at_publish" (a range join)
FACT_NEEDS: dict[str, tuple[str, ...]] = {
    **{name: (name,) for name in COUNTER_KINDS},
    **{f"{name}_from_events": (name,) for name in COUNTER_KINDS},
    "watch_time_s": ("views",),
    "followers": ("followers_at_publish",),
    **{f"comments_{label}": ("comments", "quality") for label in QUALITY_LABELS},
    "interactions": INTERACTION_COUNTERS,
}
ALL_NEEDS = frozenset(n for needs in FACT_NEEDS.values() for n in needs)

#: every column of the content facts (``content_facts`` adds the grain's calendar key)
FACT_SCHEMA: dict[str, str] = {
    "platform": "string",
    "content_id": "string",
    "account_id": "string",
    "campaign": "string",
    "content_kind": "string",
    "created_at": "timestamp",
    "duration_s": "float64",
    "spend": "float64",
    **{
        c: t
        for name in COUNTER_KINDS
        for c, t in ((name, "int64"), (f"{name}_from_events", "boolean"))
    },
    "watch_time_s": "float64",
    **{name: "int64" for name in SNAPSHOT_ONLY},
    "followers": "int64",
    **{f"comments_{label}": "int64" for label in QUALITY_LABELS},
    "interactions": "int64",
}


def content_facts(ctx: MetricContext) -> ibis.Table:
    """One row per filtered content: keys, calendar keys, and resolved counters.

    Built once per compute call (metrics of one call share the expression) with only the
    event counters its metrics read (``ctx.fact_needs``, found by metrics/probe.py), and
    materialised once per ``cached`` block (metrics/cache.py). The calendar key, which depends
    on the grain and time zone, is added on top, so every grain of a block reads one table."""

    def build() -> ibis.Table:
        if ctx.probe_facts is not None:
            facts = ctx.probe_facts
        else:
            needs = ALL_NEEDS if ctx.fact_needs is None else frozenset(ctx.fact_needs)
            facts = shared(
                ctx,
                ("content_facts", ctx.filters),
                needs,
                lambda wanted: _content_facts(ctx, wanted),
            )
        if part := calendar_part(ctx.grain):
            facts = facts.mutate(
                **{part: calendar_key(facts.created_at, part, tz(ctx), ctx.store.backend)}
            )
        return facts

    return ctx.memo("content_facts", build)


def _content_facts(ctx: MetricContext, needs: frozenset[str] = ALL_NEEDS) -> ibis.Table:
    """The facts columns whose needs are in ``needs`` (keys and snapshot columns always)."""
    counters = [n for n in COUNTER_KINDS if n in needs]
    c = filter_content(ctx)
    j = c.left_join(latest_snapshot(ctx), ["platform", "content_id"], rname="{name}_snap")
    if counters:
        j = j.left_join(
            event_counts(ctx, counters, quality="quality" in needs), ["platform", "content_id"]
        )
    if "followers_at_publish" in needs:
        j = j.left_join(followers_at_publish(ctx, c), ["platform", "content_id"])
    cols = {
        "platform": j.platform,
        "content_id": j.content_id,
        "account_id": j.account_id,
        "campaign": j.campaign,
        "content_kind": j.kind,
        "created_at": j.created_at,
        "duration_s": j.duration_s,
        "spend": j.spend,
    }
    for name in counters:
        ev = j[f"ev_{name}"].fill_null(0)
        cols[name] = ibis.ifelse(ev > 0, ev, j[name].fill_null(0)).cast("int64")
        cols[f"{name}_from_events"] = ev > 0
    if "views" in counters:
        cols["watch_time_s"] = ibis.ifelse(
            j.ev_views.fill_null(0) > 0, j.ev_watch_time_s.fill_null(0.0), j.watch_time_s
        ).cast("float64")
    for name in SNAPSHOT_ONLY:
        cols[name] = j[name]
    if "followers_at_publish" in needs:
        cols["followers"] = j.followers.fill_null(j.acct_followers)
    if "quality" in needs and "comments" in counters:
        for label in QUALITY_LABELS:
            cols[f"comments_{label}"] = j[f"ev_comments_{label}"].fill_null(0)
    facts = j.select(**cols)
    if set(INTERACTION_COUNTERS) <= set(counters):
        facts = facts.mutate(interactions=sum(facts[n] for n in INTERACTION_COUNTERS))
    return facts


def grain_keys(grain: str) -> list[str]:
    return list(GRAIN_KEYS[grain])


CONTENT_GRAINS = (
    "content",
    "account",
    "platform",
    "campaign",
    "kind",
    "day",
    "week",
    "month",
    "account_day",
    "total",
)


def safe_div(num: ibis.Value, den: ibis.Value) -> ibis.Value:
    """num / den as float64, null when den is 0 or null (never inf, never an error)."""
    return ibis.ifelse(
        den.fill_null(0) != 0, num.cast("float64") / den.cast("float64"), ibis.null("float64")
    )


__all__ = sorted(
    [
        "ALL_NEEDS",
        "CONTENT_GRAINS",
        "COUNTER_KINDS",
        "FACT_NEEDS",
        "FACT_SCHEMA",
        "INTERACTION_COUNTERS",
        "KIND_TO_COUNTER",
        "QUALITY_LABELS",
        "SNAPSHOT_ONLY",
        "audience_events",
        "comment_quality",
        "content_facts",
        "event_counts",
        "filter_content",
        "followers_at_publish",
        "grain_keys",
        "latest_snapshot",
        "owned_accounts",
        "quality_counts",
        "safe_div",
        "tz",
    ]
)
