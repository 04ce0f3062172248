"""Segments: the engagement ladder per period, who moved up or down between two periods, RFM,
and how often each segment takes part.

Why movement: a ladder snapshot says 3 % are advocates; the marketer's question is whether the
commenters of last month became advocates this month or went quiet. Steps are ordered
(``LADDER_STEPS``); an actor absent from a period is on step ``absent`` (below viewer).

Participation per segment: ``activity_frequency`` is the mean number of active days per actor;
``participation_rate`` the mean share of the period's weeks in which the actor was active
(1.0 = every week).

RFM (Hughes 1994, *Strategic Database Marketing*): recency (days from the last event to the end
of the period), frequency (active days), monetary (order value for customers, engagement-score
points for the audience), each scored 1–5 by quintile of rank (5 = most recent, most frequent,
most valuable). Named cells follow the common rules: champions R≥4 F≥4; loyal F≥4; promising
R≥4; at risk R≤2 F≥3; hibernating R≤2; others "needs attention".
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from engagelens.errors import ConfigError

from .identity import audience_interactions, customer_persons
from .ladder import LADDER_STEPS, engagement_ladder

if TYPE_CHECKING:  # pragma: no cover
    from engagelens.store import Store

ABSENT = "absent"
_RANK = {s: i for i, s in enumerate((ABSENT, *LADDER_STEPS))}


def _check_period(start: dt.datetime, end: dt.datetime, name: str) -> None:
    if start is None or end is None:
        raise ConfigError(f"{name}: both a start and an end are needed")
    if end <= start:
        raise ConfigError(f"{name}: end {end} is not after start {start}")


def _ladder(
    store: Store, start: dt.datetime, end: dt.datetime, per: str
) -> dict[tuple[str, str], dict]:
    t = engagement_ladder(store, start=start, end=end, per=per)
    return {(r["platform"], r["actor_id"]): r for r in t.to_pyarrow().to_pylist()}


def _weeks_active(
    store: Store, start: dt.datetime, end: dt.datetime, per: str
) -> dict[tuple[str, str], int]:
    t = audience_interactions(store, per)
    t = t.filter((t.occurred_at >= start) & (t.occurred_at < end))
    t = t.mutate(_w=((t.occurred_at.epoch_seconds() - int(start.timestamp())) // (7 * 86400)))
    g = t.group_by(["platform", "actor_id"]).agg(weeks=t._w.nunique())
    return {(r["platform"], r["actor_id"]): int(r["weeks"]) for r in g.to_pyarrow().to_pylist()}


def segment_summary(
    store: Store, *, start: dt.datetime, end: dt.datetime, per: str = "account"
) -> list[dict[str, Any]]:
    """Per ladder step: actors (accounts, or persons with ``per="person"``), share, activity
    frequency and participation rate."""
    _check_period(start, end, "period")
    ladder = _ladder(store, start, end, per)
    weeks = _weeks_active(store, start, end, per)
    n_weeks = max(1, math.ceil((end - start).total_seconds() / (7 * 86400)))
    by: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for key, r in ladder.items():
        by[r["step"]].append((int(r["active_days"]), weeks.get(key, 0)))
    total = len(ladder)
    out = []
    for step in LADDER_STEPS:
        rows = by.get(step, [])
        out.append(
            {
                "step": step,
                "actors": len(rows),
                "share": len(rows) / total if total else None,
                "activity_frequency": float(np.mean([d for d, _ in rows])) if rows else None,
                "participation_rate": float(np.mean([w / n_weeks for _, w in rows]))
                if rows
                else None,
            }
        )
    return out


@dataclass(frozen=True)
class Movement:
    platform: str
    actor_id: str
    before: str
    after: str
    direction: str  # up, down, same


def ladder_movement(
    store: Store,
    *,
    before: tuple[dt.datetime, dt.datetime],
    after: tuple[dt.datetime, dt.datetime],
    per: str = "account",
) -> dict[str, Any]:
    """Each actor's step in two periods; the transition counts and who moved up or down."""
    _check_period(*before, "first period")
    _check_period(*after, "second period")
    a, b = _ladder(store, *before, per), _ladder(store, *after, per)
    moves = []
    for key in sorted(set(a) | set(b)):
        s0 = a[key]["step"] if key in a else ABSENT
        s1 = b[key]["step"] if key in b else ABSENT
        d = _RANK[s1] - _RANK[s0]
        moves.append(Movement(*key, s0, s1, "up" if d > 0 else "down" if d < 0 else "same"))
    matrix = Counter((m.before, m.after) for m in moves)
    return {
        "transitions": [
            {"before": s0, "after": s1, "actors": n} for (s0, s1), n in sorted(matrix.items())
        ],
        "up": sum(m.direction == "up" for m in moves),
        "down": sum(m.direction == "down" for m in moves),
        "same": sum(m.direction == "same" for m in moves),
        "movers": [asdict(m) for m in moves if m.direction != "same"],
    }


def quintile_scores(values: Sequence[float], *, higher_is_better: bool = True) -> list[int]:
    """1–5 by quintile of rank (ties share the lower rank's score)."""
    n = len(values)
    if not n:
        return []
    v = np.asarray(values, dtype=float) * (1 if higher_is_better else -1)
    order = np.argsort(v, kind="stable")
    ranks = np.empty(n)
    ranks[order] = np.arange(n)
    # equal values get the smallest rank among them
    for value in np.unique(v):
        same = v == value
        ranks[same] = ranks[same].min()
    return [int(1 + (r * 5) // n) for r in ranks]


def rfm_cell(r: int, f: int) -> str:
    if r >= 4 and f >= 4:
        return "champions"
    if f >= 4:
        return "loyal"
    if r >= 4:
        return "promising"
    if r <= 2 and f >= 3:
        return "at_risk"
    if r <= 2:
        return "hibernating"
    return "needs_attention"


def rfm(
    events: list[tuple[str, dt.datetime, float]], *, as_of: dt.datetime
) -> list[dict[str, Any]]:
    """RFM per id from (id, when, amount) events before ``as_of``."""
    per: dict[str, dict[str, Any]] = {}
    for ident, when, amount in events:
        if when >= as_of:
            continue
        p = per.setdefault(ident, {"last": when, "days": set(), "monetary": 0.0})
        p["last"] = max(p["last"], when)
        p["days"].add(when.date())
        p["monetary"] += float(amount or 0.0)
    ids = sorted(per)
    recency = [(as_of - per[i]["last"]).total_seconds() / 86400 for i in ids]
    freq = [len(per[i]["days"]) for i in ids]
    money = [per[i]["monetary"] for i in ids]
    rs = quintile_scores(recency, higher_is_better=False)
    fs = quintile_scores(freq)
    ms = quintile_scores(money)
    return [
        {
            "id": i,
            "recency_days": recency[k],
            "frequency": freq[k],
            "monetary": money[k],
            "r": rs[k],
            "f": fs[k],
            "m": ms[k],
            "segment": rfm_cell(rs[k], fs[k]),
        }
        for k, i in enumerate(ids)
    ]


def customer_rfm(store: Store, *, as_of: dt.datetime, per: str = "account") -> list[dict[str, Any]]:
    """RFM of customers (``customer_id``); ``per="person"``: two customer ids declared to be
    one person count as one (their person id)."""
    c = store.table("conversion")
    c = c.filter(c.customer_id.notnull())
    rows = c.select("customer_id", "occurred_at", "value").to_pyarrow().to_pylist()
    who = customer_persons(store) if per == "person" else {}
    return rfm(
        [(who.get(r["customer_id"], r["customer_id"]), r["occurred_at"], r["value"]) for r in rows],
        as_of=as_of,
    )


def audience_rfm(
    store: Store,
    *,
    as_of: dt.datetime,
    settings: dict[str, Any] | None = None,
    per: str = "account",
) -> list[dict[str, Any]]:
    """RFM of audience members (``platform:actor_id``, or the person id with
    ``per="person"``); monetary = engagement-score points."""
    from .advocates import KIND_WEIGHT_KEYS, advocate_weights

    w = advocate_weights(settings)
    t = audience_interactions(store, per)
    t = t.filter(t.occurred_at < as_of)
    rows = t.select("platform", "actor_id", "occurred_at", "kind").to_pyarrow().to_pylist()
    return rfm(
        [
            (
                r["actor_id"] if per == "person" else f"{r['platform']}:{r['actor_id']}",
                r["occurred_at"],
                w.get(KIND_WEIGHT_KEYS.get(r["kind"], ""), 0.0),
            )
            for r in rows
        ],
        as_of=as_of,
    )


def rfm_summary(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Members, mean recency, frequency and monetary per named RFM cell."""
    by: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by[r["segment"]].append(r)
    return [
        {
            "segment": s,
            "members": len(v),
            "share": len(v) / len(rows),
            "mean_recency_days": float(np.mean([r["recency_days"] for r in v])),
            "mean_frequency": float(np.mean([r["frequency"] for r in v])),
            "mean_monetary": float(np.mean([r["monetary"] for r in v])),
        }
        for s, v in sorted(by.items())
    ]


__all__ = sorted(
    [
        "ABSENT",
        "Movement",
        "audience_rfm",
        "customer_rfm",
        "ladder_movement",
        "quintile_scores",
        "rfm",
        "rfm_cell",
        "rfm_summary",
        "segment_summary",
    ]
)
