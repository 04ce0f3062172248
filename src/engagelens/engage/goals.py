"""Outbound goals and their weekly attainment.

Two configurable targets (settings): ``reply_rate_goal`` (e.g. answer ≥ 5% of inbound comments)
and ``reply_target_minutes`` (first reply within the target, counted in business hours). A week
meets the reply-time goal when its business-hours *median* first-reply time is within the target;
the share of answered items within target is shown next to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from engagelens import settings as settings_mod
from engagelens.metrics.base import Filters
from engagelens.metrics.compute import compute

if TYPE_CHECKING:  # pragma: no cover
    from engagelens.store import Store

_METRICS = ["inbound_volume", "answered_count", "reply_rate", "reply_time_business_median"]


@dataclass(frozen=True)
class WeekAttainment:
    week: str
    inbound: int
    answered: int
    reply_rate: float | None
    reply_rate_goal: float
    reply_rate_met: bool
    business_median_seconds: float | None
    target_seconds: int
    reply_time_met: bool | None  # None when nothing was answered

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def weekly_report(
    store: Store, *, filters: Filters | None = None, settings: dict[str, Any] | None = None
) -> list[WeekAttainment]:
    resolved = settings_mod.load()
    resolved.update(settings or {})
    goal = float(resolved.get("reply_rate_goal") or 0.0)
    target = int(float(resolved.get("reply_target_minutes") or 60) * 60)
    df = compute(store, _METRICS, by="week", filters=filters, settings=resolved).to_pandas()
    out = []
    for r in df.sort_values("week").to_dict("records"):
        rate = None if _na(r["reply_rate"]) else float(r["reply_rate"])
        med = (
            None if _na(r["reply_time_business_median"]) else float(r["reply_time_business_median"])
        )
        out.append(
            WeekAttainment(
                week=str(r["week"])[:10],
                inbound=int(r["inbound_volume"] or 0),
                answered=int(r["answered_count"] or 0),
                reply_rate=rate,
                reply_rate_goal=goal,
                reply_rate_met=rate is not None and rate >= goal,
                business_median_seconds=med,
                target_seconds=target,
                reply_time_met=None if med is None else med <= target,
            )
        )
    return out


def _na(v: Any) -> bool:
    return v is None or v != v  # NaN / NaT compare unequal to themselves


__all__ = sorted(["WeekAttainment", "weekly_report"])
