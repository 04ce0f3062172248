"""One row per inbound item that needs an answer, with its first brand reply.

Definitions (docs/outbound.md):

* **brand** row: ``is_brand`` is true, or the actor is an account marked ``is_own``.
* **needs an answer**: a non-brand comment, reply, mention, tag, DM or quote
  (``model.kinds.CONVERSATION_KINDS``).
* **answered**: at least one brand row names the item as its ``parent_id``.
* **first-reply time**: earliest brand reply minus the item's time, in seconds. A reply
  timestamped *before* its item (clock skew, out-of-order exports) counts as answered with
  time 0 and sets ``skewed``.
* duplicate events (same platform + interaction_id) collapse to one row first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ibis

from engagelens.metrics.facts import owned_accounts, tz
from engagelens.metrics.timekeys import local_time
from engagelens.model.kinds import CONVERSATION_KINDS

from .calendar import BusinessCalendar

if TYPE_CHECKING:  # pragma: no cover
    from engagelens.metrics.base import MetricContext


#: columns every outbound figure needs; the rest are carried only on request
CORE = ("kind", "occurred_at", "parent_id", "is_brand", "brand")
OPTIONAL = ("content_id", "account_id", "actor_id", "actor_followers", "text", "agent")


def deduplicated(t: ibis.Table, keep: tuple[str, ...] = OPTIONAL) -> ibis.Table:
    """Collapse duplicate events deterministically (earliest time, any brand flag wins).
    ``keep`` names the optional columns to carry (fewer columns, faster scans)."""
    aggs = {
        "content_id": lambda: t.content_id.min(),
        "account_id": lambda: t.account_id.min(),
        "actor_id": lambda: t.actor_id.min(),
        "actor_followers": lambda: t.actor_followers.max(),
        "kind": lambda: t.kind.min(),
        "occurred_at": lambda: t.occurred_at.min(),
        "text": lambda: t.text.min(),
        "parent_id": lambda: t.parent_id.min(),
        "is_brand": lambda: t.is_brand.fill_null(False).cast("int8").max() > 0,
        "brand": lambda: t.brand.cast("int8").max() > 0,
        "agent": lambda: t.agent.min(),
    }
    # with a ``brand`` column the raw is_brand flag is folded into it: one aggregate fewer
    wanted = [
        c
        for c in aggs
        if (c in CORE or c in keep)
        and c in t.columns
        and not (c == "is_brand" and "brand" in t.columns)
    ]
    return t.group_by(["platform", "interaction_id"]).agg(**{c: aggs[c]() for c in wanted})


def with_brand_flag(
    store_table: ibis.Table, accounts: ibis.Table, keep: tuple[str, ...] = OPTIONAL
) -> ibis.Table:
    """Deduplicated rows with ``brand``: is_brand, or the actor is one of the brand's own
    accounts (flagged per raw row, then any duplicate's flag wins)."""
    t = store_table
    own = (
        accounts.filter(accounts.is_own.fill_null(False))
        .select(o_platform="platform", o_actor="account_id")
        .distinct()
    )
    j = t.left_join(own, [t.platform == own.o_platform, t.actor_id == own.o_actor])
    flagged = j.select(*t.columns, brand=t.is_brand.fill_null(False) | j.o_actor.notnull())
    return deduplicated(flagged, keep)


def interactions(ctx: MetricContext, keep: tuple[str, ...] = OPTIONAL) -> ibis.Table:
    """Deduplicated, brand-flagged interactions, built once per metric context: the metrics
    of one ``compute()`` call then share one expression (one scan, one CTE in the SQL) and the
    Python-side cost of building and compiling it is paid once."""
    return ctx.memo(
        f"engage.interactions:{','.join(keep)}",
        lambda: with_brand_flag(_table(ctx, "interaction"), _table(ctx, "account"), keep),
    )


def _table(ctx: MetricContext, name: str) -> ibis.Table:
    """``ctx.table`` once per context (each lookup asks the engine for the schema)."""
    return ctx.memo(f"engage.table:{name}", lambda: ctx.table(name))


def inbound_items(ctx: MetricContext, t: ibis.Table | None = None) -> ibis.Table:
    """Inbound items needing an answer, filtered by the context's filters."""
    t = interactions(ctx) if t is None else t
    items = t.filter(~t.brand, t.kind.isin(list(CONVERSATION_KINDS)))
    conds = ctx.filters.conditions(items, "occurred_at", accounts="account_id" in items.columns)
    if conds:
        items = items.filter(conds)
    own = owned_accounts(ctx)
    if own is not None and "account_id" in items.columns:
        items = items.semi_join(
            own, [items.platform == own.platform, items.account_id == own.account_id]
        )
    return items


def first_replies(t: ibis.Table, with_agent: bool = True) -> ibis.Table:
    """Per (platform, parent_id): the earliest brand reply (ties broken by interaction_id) and
    the number of brand replies. Without ``with_agent`` a plain aggregation (cheaper)."""
    b = t.filter(t.brand, t.parent_id.notnull())
    if not with_agent:
        return b.group_by([b.platform.name("r_platform"), b.parent_id.name("r_parent")]).agg(
            reply_at=b.occurred_at.min(),
            reply_agent=ibis.null("string"),
            brand_replies=b.interaction_id.count(),
        )
    w = ibis.window(group_by=[b.platform, b.parent_id], order_by=[b.occurred_at, b.interaction_id])
    ranked = b.mutate(
        _rn=ibis.row_number().over(w),
        _n=b.interaction_id.count().over(ibis.window(group_by=[b.platform, b.parent_id])),
    )
    first = ranked.filter(ranked._rn == 0)
    return first.select(
        r_platform="platform",
        r_parent="parent_id",
        reply_at="occurred_at",
        reply_agent="agent",
        brand_replies="_n",
    )


def answered_items(
    ctx: MetricContext, keep: tuple[str, ...] = OPTIONAL, *, business: bool = True
) -> ibis.Table:
    """Inbound items + answered, reply_at, reply_seconds, skewed, reply_agent, brand_replies and
    (with ``business``) business_seconds. Memoised per context and arguments."""
    if ctx.filters.accounts or ctx.filters.ownership:
        keep = (*keep, "account_id")
    if ctx.grain == "agent":
        keep = (*keep, "agent")
    keep = tuple(dict.fromkeys(keep))
    return ctx.memo(
        f"engage.answered:{','.join(keep)}:{business}", lambda: _answered_items(ctx, keep, business)
    )


def _answered_items(ctx: MetricContext, keep: tuple[str, ...], business: bool) -> ibis.Table:
    t = interactions(ctx, keep)
    items = inbound_items(ctx, t)
    r = first_replies(t, with_agent=ctx.grain == "agent")
    j = items.left_join(r, [items.platform == r.r_platform, items.interaction_id == r.r_parent])
    raw = (j.reply_at.epoch_seconds() - j.occurred_at.epoch_seconds()).cast("int64")
    answered = j.reply_at.notnull()
    extra = {}
    if business:  # a large expression: built (and compiled) only for the business-hours figures
        cal = BusinessCalendar.from_settings(ctx.settings)
        zone, backend = tz(ctx), ctx.store.backend
        start_b = cal.seconds_since_ref(local_time(j.occurred_at, zone, backend).epoch_seconds())
        end_b = cal.seconds_since_ref(local_time(j.reply_at, zone, backend).epoch_seconds())
        extra["business_seconds"] = ibis.ifelse(
            answered, ibis.greatest(end_b - start_b, 0), ibis.null("int64")
        )
    return j.select(
        *items.columns,
        answered=answered,
        reply_at=j.reply_at,
        reply_seconds=ibis.ifelse(answered, ibis.greatest(raw, 0), ibis.null("int64")),
        skewed=answered & (raw < 0),
        reply_agent=j.reply_agent,
        brand_replies=j.brand_replies.fill_null(0),
        **extra,
    )


__all__ = sorted(
    [
        "CORE",
        "OPTIONAL",
        "answered_items",
        "deduplicated",
        "first_replies",
        "inbound_items",
        "interactions",
        "with_brand_flag",
    ]
)
