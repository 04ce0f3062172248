"""What a report says, before any layout: scope, period, and each headline figure next to the
previous period's, formatted for people, plus the daily series its chart draws."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from engagelens.metrics import all_metrics, compute, get_metric
from engagelens.metrics.report import HEADLINE, figures
from engagelens.metrics.scope import (
    Scope,
    change,
    data_period,
    describe_period,
    previous_period,
)
from engagelens.metrics.units import metric_value

if TYPE_CHECKING:  # pragma: no cover
    from engagelens.store import Store

#: the two series of the report's chart: what happened next to what it meant
CHART_METRICS = ("interactions", "engagement_score")


@dataclass(frozen=True)
class ReportLine:
    """One headline metric: raw values (for JSON) and the text a person reads."""

    name: str
    title: str
    unit: str
    value: Any
    previous: Any
    value_text: str
    previous_text: str | None
    change_text: str | None
    definition: str
    higher_is_better: bool = True

    @property
    def trend(self) -> str:
        """``good``/``bad``/``flat``/``none``: the change read against the metric's direction."""
        if self.value is None or self.previous is None or self.previous == 0:
            return "none"
        if self.value == self.previous:
            return "flat"
        return "good" if (self.value > self.previous) == self.higher_is_better else "bad"


@dataclass(frozen=True)
class Report:
    title: str
    scope: str
    period: str
    start: dt.datetime | None
    end: dt.datetime | None
    previous_period: str | None
    lines: tuple[ReportLine, ...]
    daily: tuple[dict[str, Any], ...] = ()
    #: what a reader must know to not misread the figures (e.g. a period with no data)
    notes: tuple[str, ...] = ()
    generated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["lines"] = [asdict(line) for line in self.lines]
        return out


def build_report(
    store: Store,
    scope: Scope,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    *,
    names: Iterable[str] = HEADLINE,
    title: str = "Engagement report",
) -> Report:
    """The figures of ``scope`` over [start, end) and, for a closed period, over the period of
    the same length just before it."""
    now = figures(store, names, scope.filters(start, end))
    prev = previous_period(start, end)
    before = figures(store, now, scope.filters(*prev)) if prev else None
    lines = []
    for name, value in now.items():
        m = get_metric(name)
        old = before.get(name) if before is not None else None
        lines.append(
            ReportLine(
                name=name,
                title=m.title,
                unit=m.unit,
                value=value,
                previous=old,
                value_text=metric_value(m, value),
                previous_text=metric_value(m, old) if before is not None else None,
                change_text=change(value, old) if before is not None else None,
                definition=m.description,
                higher_is_better=m.higher_is_better,
            )
        )
    notes = _notes(store, start, end)
    return Report(
        title=title,
        notes=notes,
        scope=scope.describe(store),
        period=describe_period(store, start, end),
        start=start,
        end=end,
        previous_period=describe_period(store, *prev) if prev else None,
        lines=tuple(lines),
        daily=_daily(store, scope, start, end),
    )


def _notes(store: Store, start: dt.datetime | None, end: dt.datetime | None) -> tuple[str, ...]:
    """A period outside the stored data reads as all dashes: say so instead of letting it
    pass for "nothing happened"."""
    first, last = data_period(store)
    if first is None or last is None:
        return ("no interactions are stored yet: ingest exports first (engagelens ingest FILE)",)
    if (start is not None and start > last) or (end is not None and end <= first):
        return (
            f"no interactions in this period: the store holds {first:%Y-%m-%d} – {last:%Y-%m-%d}",
        )
    return ()


def _daily(
    store: Store, scope: Scope, start: dt.datetime | None, end: dt.datetime | None
) -> tuple[dict[str, Any], ...]:
    names = [n for n in CHART_METRICS if _has_day(n)]
    if not names:
        return ()
    t = compute(store, names, by="day", filters=scope.filters(start, end)).order_by("day")
    return tuple(t.to_pyarrow().to_pylist())


def _has_day(name: str) -> bool:
    return any(m.name == name and "day" in m.grains for m in all_metrics())


__all__ = sorted(["CHART_METRICS", "Report", "ReportLine", "build_report"])
