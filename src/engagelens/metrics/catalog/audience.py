"""Audience metrics: follower growth, net follows, participation and activity frequency."""

from __future__ import annotations

import ibis

from engagelens.metrics.base import MetricContext, calendar_part
from engagelens.metrics.facts import grain_keys, owned_accounts, safe_div, tz
from engagelens.metrics.timekeys import CALENDAR, calendar_key

from ._declare import declare

AUDIENCE_GRAINS = ("account", "platform", "total")
EVENT_GRAINS = ("account", "platform", "total", "day", "week", "month", "account_day")


def _agg(t: ibis.Table, keys: list[str], **aggs) -> ibis.Table:
    return t.group_by(keys).agg(**aggs) if keys else t.agg(**aggs)


def inbound_events(ctx: MetricContext) -> ibis.Table:
    """Audience events (not brand-authored) matching the filters, with the grain's time key."""
    i = ctx.table("interaction")
    f = ctx.filters
    conds = [~i.is_brand.fill_null(False), *f.conditions(i, "occurred_at")]
    i = i.filter(conds)
    owned = owned_accounts(ctx)
    if owned is not None:
        i = i.semi_join(owned, ["platform", "account_id"])
    if part := calendar_part(ctx.grain):
        i = i.mutate(**{part: calendar_key(i.occurred_at, part, tz(ctx), ctx.store.backend)})
    return i


def _snapshots(ctx: MetricContext) -> ibis.Table:
    s = ctx.table("account_snapshot").filter(lambda t: t.followers.notnull())
    f = ctx.filters
    if f.start is not None:
        s = s.filter(s.date >= f.start.date())
    if f.end is not None:
        s = s.filter(s.date < f.end.date())
    if f.platforms:
        s = s.filter(s.platform.isin(list(f.platforms)))
    if f.accounts:
        s = s.filter(s.account_id.isin(list(f.accounts)))
    owned = owned_accounts(ctx)
    if owned is not None:
        s = s.semi_join(owned, ["platform", "account_id"])
    if part := calendar_part(ctx.grain):
        s = s.mutate(**{part: CALENDAR[part](s.date.cast("timestamp"))})
    return s


def _growth(ctx: MetricContext) -> ibis.Table:
    s = _snapshots(ctx)
    keys = grain_keys(ctx.grain)
    per = ["platform", "account_id"] + [k for k in keys if k not in ("platform", "account_id")]
    first = ibis.row_number().over(group_by=[s[k] for k in per], order_by=s.date)
    last = ibis.row_number().over(group_by=[s[k] for k in per], order_by=ibis.desc(s.date))
    s = s.mutate(_first=first, _last=last)
    a = s.group_by(per).agg(
        _start=s.followers.max(where=s._first == 0), _end=s.followers.max(where=s._last == 0)
    )
    t = _agg(a, keys, _start=a._start.sum(), _end=a._end.sum())
    return t.mutate(follower_growth_rate=safe_div(t._end - t._start, t._start)).drop(
        "_start", "_end"
    )


declare(
    name="follower_growth_rate",
    title="Follower growth rate",
    description="How fast the audience grows: change in followers between the first and the "
    "last daily snapshot of each account in the period, over the starting count.",
    formula="(followers_last − followers_first) ÷ followers_first (summed over accounts)",
    unit="fraction",
    grains=EVENT_GRAINS,
    requires=("account_snapshot",),
    source="Hootsuite, 'Audience growth rate = net new followers ÷ total followers'",
    build=_growth,
    tags=("growth", "rate"),
)


def _net(ctx: MetricContext) -> ibis.Table:
    i = inbound_events(ctx)
    return _agg(
        i,
        grain_keys(ctx.grain),
        net_follows=(
            i.interaction_id.nunique(where=i.kind == "follow")
            - i.interaction_id.nunique(where=i.kind == "unfollow")
        ).cast("int64"),
    )


declare(
    name="net_follows",
    title="Net follows",
    description="Follow events minus unfollow events in the period.",
    formula="#follow − #unfollow",
    unit="count",
    grains=EVENT_GRAINS,
    requires=("interaction",),
    source="Audience growth (Hootsuite, 'net new followers')",
    build=_net,
    tags=("growth",),
)


def _audience(ctx: MetricContext) -> ibis.Table:
    """Followers per account: latest snapshot before the period end, else account.followers."""
    s = ctx.table("account_snapshot").filter(lambda t: t.followers.notnull())
    if ctx.filters.end is not None:
        s = s.filter(s.date < ctx.filters.end.date())
    rn = ibis.row_number().over(group_by=[s.platform, s.account_id], order_by=ibis.desc(s.date))
    s = (
        s.mutate(_rn=rn)
        .filter(lambda t: t._rn == 0)
        .select("platform", "account_id", snap=s.followers)
    )
    a = ctx.table("account")
    j = a.left_join(s, ["platform", "account_id"])
    return j.select("platform", "account_id", audience=j.snap.fill_null(j.followers))


def _participation(ctx: MetricContext) -> ibis.Table:
    i = inbound_events(ctx)
    keys = grain_keys(ctx.grain)
    act = i.filter(i.actor_id.notnull())
    per_acct = act.group_by(["platform", "account_id"]).agg(_active=act.actor_id.nunique())
    aud = _audience(ctx)
    j = per_acct.join(aud, ["platform", "account_id"])
    # active users are counted per account; one person active on two accounts counts twice,
    # exactly as they count twice in the two audiences.
    t = _agg(j, keys, _a=j._active.sum(), _d=j.audience.sum())
    return t.mutate(participation_rate=safe_div(t._a, t._d)).drop("_a", "_d")


declare(
    name="participation_rate",
    title="Participation rate",
    description="Share of the audience that did something: distinct people who interacted "
    "with an account in the period ÷ its followers (latest count before the period "
    "end). Accounts nobody interacted with are not in the result.",
    formula="distinct active actor_id ÷ followers",
    unit="fraction",
    grains=AUDIENCE_GRAINS,
    requires=("interaction", "account", "account_snapshot"),
    source="Community participation rate (Paine 2011; Higher Logic community benchmarks): "
    "active members ÷ total members",
    build=_participation,
    tags=("audience", "rate"),
)


def _frequency(ctx: MetricContext) -> ibis.Table:
    i = inbound_events(ctx)
    i = i.filter(i.actor_id.notnull())
    month = calendar_key(i.occurred_at, "month", tz(ctx), ctx.store.backend)
    i = i.mutate(_m=month)
    t = _agg(
        i,
        grain_keys(ctx.grain),
        _n=i.interaction_id.nunique(),
        _u=i.actor_id.nunique(),
        _months=i._m.nunique(),
    )
    return t.mutate(activity_frequency=safe_div(t._n, t._u * t._months)).drop("_n", "_u", "_months")


declare(
    name="activity_frequency",
    title="Activity frequency",
    description="How often an active person interacts: interactions per active user per month "
    "(months = distinct calendar months with activity in the cell).",
    formula="#interactions ÷ (distinct active users × months)",
    unit="per_user",
    grains=EVENT_GRAINS,
    requires=("interaction",),
    source="Activity frequency / stickiness (Paine 2011, 'Measure What Matters')",
    build=_frequency,
    tags=("audience",),
)

__all__ = sorted(["inbound_events"])
