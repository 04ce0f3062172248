"""Multi-touch attribution: share each conversion's value among the touchpoints before it.

Why: the old "attributed revenue" credits only an order that names its post, so every
campaign that prepared a sale but did not close it looks worthless (ROI −97 % on the demo).
A path is the visitor's sessions in the ``lookback_days`` before the order (joined on
``web_session.visitor_id`` of the converting session) plus the customer's e-mail clicks
(``email_event.recipient_id == conversion.customer_id``), in time order. The rule models are
the standard ones (Google Analytics 4 help, "Attribution models"; Kotler & Keller, *Marketing
Management*): last touch, first touch, linear, time decay (half-life 7 days) and position based
(40 % first, 40 % last, 20 % shared by the middle). Cost is ``content.spend`` summed per
campaign; ROI = (credited revenue − spend) ÷ spend.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from engagelens.errors import ConfigError

if TYPE_CHECKING:  # pragma: no cover
    from engagelens.store import Store

NONE = "(none)"


@dataclass(frozen=True)
class Touchpoint:
    at: dt.datetime
    channel: str  # source/medium, e.g. "instagram/social" or "newsletter/email"
    campaign: str


@dataclass(frozen=True)
class Path:
    conversion_id: str
    at: dt.datetime
    value: float
    touchpoints: tuple[Touchpoint, ...]


def _last(n: int, _ages: Sequence[float], _half: float) -> list[float]:
    return [0.0] * (n - 1) + [1.0]


def _first(n: int, _ages: Sequence[float], _half: float) -> list[float]:
    return [1.0] + [0.0] * (n - 1)


def _linear(n: int, _ages: Sequence[float], _half: float) -> list[float]:
    return [1.0 / n] * n


def _time_decay(n: int, ages: Sequence[float], half_life_days: float) -> list[float]:
    w = [0.5 ** (age / half_life_days) for age in ages]
    total = sum(w)
    return [x / total for x in w]


def _position(n: int, _ages: Sequence[float], _half: float) -> list[float]:
    if n <= 2:
        return [1.0 / n] * n
    middle = 0.2 / (n - 2)
    return [0.4] + [middle] * (n - 2) + [0.4]


#: model name → weights(n touchpoints, ages in days before the conversion, half-life days)
MODELS: dict[str, Callable[[int, Sequence[float], float], list[float]]] = {
    "first_touch": _first,
    "last_touch": _last,
    "linear": _linear,
    "position_based": _position,
    "time_decay": _time_decay,
}


def weights(path: Path, model: str, *, half_life_days: float = 7.0) -> list[float]:
    """Credit of each touchpoint of ``path`` (sums to 1; empty for a path with no touchpoint)."""
    try:
        rule = MODELS[model]
    except KeyError:
        raise ConfigError(
            f"unknown attribution model {model!r}; choose one of {', '.join(MODELS)}"
        ) from None
    if half_life_days <= 0:
        raise ConfigError(f"half-life must be positive, got {half_life_days}")
    n = len(path.touchpoints)
    if n == 0:
        return []
    ages = [(path.at - t.at).total_seconds() / 86400 for t in path.touchpoints]
    return rule(n, ages, half_life_days)


@dataclass(frozen=True)
class Credit:
    key: str
    conversions: float
    revenue: float
    spend: float | None
    roi: float | None


def attribute(
    paths: Sequence[Path],
    model: str,
    *,
    by: str = "campaign",
    spend: dict[str, float] | None = None,
    half_life_days: float = 7.0,
) -> list[Credit]:
    """Credited conversions and revenue per campaign (or channel), with ROI where spend is known.

    Conversions with no touchpoint are credited to ``(none)`` so totals still add up."""
    if by not in ("campaign", "channel"):
        raise ConfigError(f"attribution is by campaign or channel, not {by!r}")
    conv: dict[str, float] = defaultdict(float)
    rev: dict[str, float] = defaultdict(float)
    for p in paths:
        w = weights(p, model, half_life_days=half_life_days)
        if not w:
            conv[NONE] += 1.0
            rev[NONE] += p.value
            continue
        for t, share in zip(p.touchpoints, w, strict=True):
            key = t.campaign if by == "campaign" else t.channel
            conv[key] += share
            rev[key] += share * p.value
    spend = spend or {}
    keys = sorted(set(conv) | ({k for k in spend if k != NONE} if by == "campaign" else set()))
    out = []
    for k in keys:
        cost = spend.get(k) if by == "campaign" else None
        r = rev.get(k, 0.0)
        roi = (r - cost) / cost if cost else None
        out.append(Credit(k, conv.get(k, 0.0), r, cost, roi))
    return sorted(out, key=lambda c: (-c.revenue, c.key))


def store_paths(store: Store, *, lookback_days: float = 30.0) -> list[Path]:
    """Every conversion with the sessions and e-mail clicks that preceded it (see module doc)."""
    if lookback_days <= 0:
        raise ConfigError(f"lookback must be positive, got {lookback_days} days")
    window = dt.timedelta(days=lookback_days)
    c = store.table("conversion")
    s = store.table("web_session")
    conv = c.left_join(s.select(_sid="session_id", _vid="visitor_id"), c.session_id == s.session_id)
    conv = (
        conv.select("conversion_id", "customer_id", "occurred_at", "value", visitor="_vid")
        .to_pyarrow()
        .to_pylist()
    )
    sessions: dict[str, list[Touchpoint]] = defaultdict(list)
    for r in (
        s.filter(s.visitor_id.notnull())
        .select("visitor_id", "started_at", "source", "medium", "campaign")
        .to_pyarrow()
        .to_pylist()
    ):
        channel = f"{r['source'] or NONE}/{r['medium'] or NONE}"
        sessions[r["visitor_id"]].append(
            Touchpoint(r["started_at"], channel, r["campaign"] or NONE)
        )
    e = store.table("email_event")
    e = e.filter((e.kind == "click") & e.recipient_id.notnull())
    clicks: dict[str, list[Touchpoint]] = defaultdict(list)
    for r in e.select("recipient_id", "occurred_at", "campaign").to_pyarrow().to_pylist():
        clicks[r["recipient_id"]].append(
            Touchpoint(r["occurred_at"], "email/email", r["campaign"] or NONE)
        )
    paths = []
    for r in conv:
        at = r["occurred_at"]
        pool = sessions.get(r["visitor"], []) if r["visitor"] else []
        pool = pool + (clicks.get(r["customer_id"], []) if r["customer_id"] else [])
        touch = sorted(
            (t for t in pool if at - window <= t.at <= at), key=lambda t: (t.at, t.channel)
        )
        paths.append(Path(r["conversion_id"], at, float(r["value"] or 0.0), tuple(touch)))
    return sorted(paths, key=lambda p: (p.at, p.conversion_id))


def campaign_spend(store: Store) -> dict[str, float]:
    """Σ content.spend per campaign (content without a campaign is not a campaign's cost)."""
    t = store.table("content")
    t = t.filter(t.campaign.notnull() & t.spend.notnull())
    rows = t.group_by("campaign").agg(spend=t.spend.sum()).to_pyarrow().to_pylist()
    return {r["campaign"]: float(r["spend"]) for r in rows}


def attribution_report(
    store: Store,
    model: str = "linear",
    *,
    by: str = "campaign",
    lookback_days: float = 30.0,
    half_life_days: float = 7.0,
) -> list[Credit]:
    return attribute(
        store_paths(store, lookback_days=lookback_days),
        model,
        by=by,
        spend=campaign_spend(store),
        half_life_days=half_life_days,
    )


__all__ = sorted(
    [
        "MODELS",
        "Credit",
        "Path",
        "Touchpoint",
        "attribute",
        "attribution_report",
        "campaign_spend",
        "store_paths",
        "weights",
    ]
)
