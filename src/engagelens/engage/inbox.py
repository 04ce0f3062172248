"""The inbox: inbound items still waiting for an answer, ranked by a transparent score.

Score = sum of points, each shown in ``why`` (weights below, documented in docs/outbound.md):

==============  =====  ==========================================================
component       max    rule
==============  =====  ==========================================================
question        40     text layer ``is_question`` (else: the text contains '?')
complaint       30     text layer ``is_complaint`` (else: a complaint word matches)
negative        20     text layer sentiment = negative (else: 0)
reach           15     5 · log10(1 + author followers), capped
sla             20     10 · age ÷ reply_target_minutes, capped at 2× the target
momentum        10     interactions on the same content in the last 24 h ÷ 50 × 10, capped
==============  =====  ==========================================================

Ties are broken by the older item first, then by id, so the order is deterministic.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import ibis

from engagelens import settings as settings_mod
from engagelens.errors import NotFound
from engagelens.metrics.base import Filters, MetricContext

from .facts import answered_items
from .tables import INBOX_STATE, ensure_tables

if TYPE_CHECKING:  # pragma: no cover
    from engagelens.store import Store

WEIGHTS = {
    "question": 40.0,
    "complaint": 30.0,
    "negative": 20.0,
    "reach": 15.0,
    "sla": 20.0,
    "momentum": 10.0,
}
#: fallback complaint words when the text layer has not analysed an item
_COMPLAINT = re.compile(
    r"\b(broken|refund|worst|terrible|awful|never arrived|not working|"
    r"doesn'?t work|scam|disappointed|complain\w*|cancel\w*|angry)\b",
    re.I,
)


@dataclass
class InboxItem:
    platform: str
    interaction_id: str
    content_id: str | None
    account_id: str | None
    actor_id: str | None
    kind: str
    occurred_at: dt.datetime
    text: str | None
    actor_followers: int | None
    assignee: str | None = None
    score: float = 0.0
    why: dict[str, float] = field(default_factory=dict)
    signals: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["occurred_at"] = self.occurred_at.isoformat()
        return d


def _state(store: Store) -> tuple[set[tuple[str, str]], dict[tuple[str, str], str | None]]:
    """(items marked replied, latest assignee per item)."""
    ensure_tables(store)
    rows = store.table(INBOX_STATE.name).order_by(["acted_at"]).to_pyarrow().to_pylist()
    replied: set[tuple[str, str]] = set()
    assignee: dict[tuple[str, str], str | None] = {}
    for r in rows:
        key = (r["platform"], r["interaction_id"])
        if r["action"] == "mark_replied":
            replied.add(key)
        else:
            assignee[key] = r["assignee"]
    return replied, assignee


def _text_signals(store: Store, items: ibis.Table) -> dict[tuple[str, str], dict[str, Any]]:
    ta = store.table("text_analysis")
    ta = ta.filter(ta.source_table == "interaction")
    ta = ta.semi_join(items, [ta.platform == items.platform, ta.source_id == items.interaction_id])
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for r in (
        ta.select("platform", "source_id", "is_question", "is_complaint", "sentiment")
        .to_pyarrow()
        .to_pylist()
    ):
        cur = out.setdefault((r["platform"], r["source_id"]), {})
        for k in ("is_question", "is_complaint"):
            cur[k] = bool(cur.get(k)) or bool(r[k])
        cur["negative"] = bool(cur.get("negative")) or r["sentiment"] == "negative"
    return out


def _momentum(store: Store, now: dt.datetime) -> dict[tuple[str, str], int]:
    t = store.table("interaction")
    recent = t.filter(
        t.occurred_at >= now - dt.timedelta(hours=24), t.occurred_at <= now, t.content_id.notnull()
    )
    agg = recent.group_by(["platform", "content_id"]).agg(n=recent.interaction_id.nunique())
    return {(r["platform"], r["content_id"]): r["n"] for r in agg.to_pyarrow().to_pylist()}


def score(
    item: InboxItem, signals: dict[str, Any], momentum: int, now: dt.datetime, target_minutes: float
) -> None:
    """Fill ``item.score`` and ``item.why`` (points per component)."""
    text = item.text or ""
    q = signals.get("is_question", "?" in text)
    c = signals.get("is_complaint", bool(_COMPLAINT.search(text)))
    neg = signals.get("negative", False)
    age_min = max((now - item.occurred_at).total_seconds() / 60.0, 0.0)
    why = {
        "question": WEIGHTS["question"] if q else 0.0,
        "complaint": WEIGHTS["complaint"] if c else 0.0,
        "negative": WEIGHTS["negative"] if neg else 0.0,
        "reach": round(min(5 * math.log10(1 + (item.actor_followers or 0)), WEIGHTS["reach"]), 2),
        "sla": round(min(10 * age_min / max(target_minutes, 1e-9), WEIGHTS["sla"]), 2),
        "momentum": round(min(momentum / 50 * 10, WEIGHTS["momentum"]), 2),
    }
    item.why = why
    item.score = round(sum(why.values()), 2)
    item.signals = {
        "question": bool(q),
        "complaint": bool(c),
        "negative": bool(neg),
        "source": "text_analysis" if signals else "rules",
        "age_minutes": round(age_min, 1),
        "recent_on_content": momentum,
    }


def inbox(
    store: Store,
    *,
    now: dt.datetime | None = None,
    filters: Filters | None = None,
    settings: dict[str, Any] | None = None,
    assignee: str | None = None,
    limit: int | None = None,
) -> list[InboxItem]:
    """Unanswered inbound items, highest priority first."""
    resolved = settings_mod.load()
    resolved.update(settings or {})
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    ctx = MetricContext(store=store, grain="total", filters=filters or Filters(), settings=resolved)
    a = answered_items(ctx, business=False)
    open_items = a.filter(~a.answered)
    replied, assigned = _state(store)
    signals = _text_signals(store, open_items)
    momentum = _momentum(store, now)
    cols = [
        "platform",
        "interaction_id",
        "content_id",
        "account_id",
        "actor_id",
        "kind",
        "occurred_at",
        "text",
        "actor_followers",
    ]
    out = []
    for r in open_items.select(*cols).to_pyarrow().to_pylist():
        key = (r["platform"], r["interaction_id"])
        if key in replied:
            continue
        item = InboxItem(**r, assignee=assigned.get(key))
        if assignee is not None and item.assignee != assignee:
            continue
        score(
            item,
            signals.get(key, {}),
            momentum.get((r["platform"], r["content_id"]), 0),
            now,
            float(resolved.get("reply_target_minutes") or 60),
        )
        out.append(item)
    out.sort(key=lambda i: (-i.score, i.occurred_at, i.platform, i.interaction_id))
    return out[:limit] if limit else out


def find(store: Store, interaction_id: str, platform: str | None = None, **kw: Any) -> InboxItem:
    for item in inbox(store, **kw):
        if item.interaction_id == interaction_id and platform in (None, item.platform):
            return item
    raise NotFound(f"no open inbox item {interaction_id!r}")


def _act(
    store: Store,
    platform: str,
    interaction_id: str,
    action: str,
    assignee: str | None,
    by_user: str | None,
) -> None:
    ensure_tables(store)
    t = store.table("interaction")
    exists = t.filter(t.platform == platform, t.interaction_id == interaction_id).count().execute()
    if not exists:
        raise NotFound(f"no interaction {interaction_id!r} on {platform!r}")
    store.insert(
        INBOX_STATE.name,
        [
            {
                "platform": platform,
                "interaction_id": interaction_id,
                "action": action,
                "assignee": assignee,
                "by_user": by_user,
                "acted_at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
            }
        ],
    )


def mark_replied(
    store: Store, platform: str, interaction_id: str, by_user: str | None = None
) -> None:
    """Record that the item was answered outside the exports (it leaves the inbox)."""
    _act(store, platform, interaction_id, "mark_replied", None, by_user)


def assign(
    store: Store, platform: str, interaction_id: str, assignee: str, by_user: str | None = None
) -> None:
    _act(store, platform, interaction_id, "assign", assignee, by_user)


__all__ = sorted(["InboxItem", "WEIGHTS", "assign", "find", "inbox", "mark_replied", "score"])
