"""What a metric *is*: a typed declaration plus an Ibis expression builder.

Every metric is declared once as a :class:`Metric`; ``engagelens metrics list/explain``,
``docs/metrics.md`` and the API all read these declarations. The expression builder receives a
:class:`MetricContext` (filtered tables, grain, settings) and returns an Ibis table whose
columns are the grain's key columns followed by one column named after the metric. Because it
is Ibis, the same declaration runs on DuckDB and on PySpark.

Grain key columns (the contract every metric and every consumer relies on):

============  ==============================================
grain         key columns
============  ==============================================
total         (none: one row)
content       platform, content_id
account       platform, account_id
platform      platform
campaign      campaign
kind          content_kind
day           day      (date, in the configured time zone)
week          week     (date of the Monday)
month         month    (date of the 1st)
account_day   platform, account_id, day
conversation  platform, conversation_id   (outbound metrics)
agent         agent                        (outbound metrics)
============  ==============================================
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # pragma: no cover
    import ibis

    from engagelens.store import Store

    from .aggregation import Aggregation

Unit = Literal["count", "fraction", "ratio", "seconds", "score", "currency", "per_user", "nps"]

GRAIN_KEYS: dict[str, tuple[str, ...]] = {
    "total": (),
    "content": ("platform", "content_id"),
    "account": ("platform", "account_id"),
    "platform": ("platform",),
    "campaign": ("campaign",),
    "kind": ("content_kind",),
    "day": ("day",),
    "week": ("week",),
    "month": ("month",),
    "account_day": ("platform", "account_id", "day"),
    "conversation": ("platform", "conversation_id"),
    "agent": ("agent",),
    "language": ("language",),
}

TIME_GRAINS = ("day", "week", "month")


def calendar_part(grain: str) -> str | None:
    """The calendar key (day, week or month) among ``grain``'s keys, if any."""
    return next((k for k in GRAIN_KEYS.get(grain, ()) if k in TIME_GRAINS), None)


@dataclass(frozen=True)
class Filters:
    """Row filters every metric honours (each metric applies those that make sense)."""

    start: dt.datetime | None = None  # inclusive, UTC
    end: dt.datetime | None = None  # exclusive, UTC
    platforms: tuple[str, ...] = ()
    accounts: tuple[str, ...] = ()  # account_id values
    campaigns: tuple[str, ...] = ()
    content_kinds: tuple[str, ...] = ()
    #: "own", "competitor" or None for every account
    ownership: Literal["own", "competitor"] | None = None

    def conditions(
        self, table: ibis.Table, time_column: str, *, accounts: bool = True
    ) -> list[Any]:
        """Predicates for the date range (on ``time_column``), platforms and (unless
        ``accounts=False``, for tables without an account) accounts: the filters every table
        with those columns shares, written once."""
        conds = []
        if self.start is not None:
            conds.append(table[time_column] >= self.start)
        if self.end is not None:
            conds.append(table[time_column] < self.end)
        if self.platforms:
            conds.append(table.platform.isin(list(self.platforms)))
        if accounts and self.accounts:
            conds.append(table.account_id.isin(list(self.accounts)))
        return conds


@dataclass
class MetricContext:
    """Everything an expression builder may use; built once per compute call."""

    store: Store
    grain: str
    filters: Filters = field(default_factory=Filters)
    settings: dict[str, Any] = field(default_factory=dict)
    #: expressions shared by the metrics of one compute call (see :meth:`memo`)
    cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    #: costly parts of the content facts the metrics read (None: all; see metrics/probe.py)
    fact_needs: frozenset[str] | None = None
    #: while probing, a stand-in for the content facts (an unbound Ibis table)
    probe_facts: Any = field(default=None, repr=False, compare=False)

    def table(self, name: str) -> ibis.Table:
        return self.store.table(name)

    def memo(self, key: str, build: Callable[[], Any]) -> Any:
        """``build()`` once per context: metrics of one call then share one expression."""
        if key not in self.cache:
            self.cache[key] = build()
        return self.cache[key]


Builder = Callable[[MetricContext], "ibis.Table"]


@dataclass(frozen=True)
class Metric:
    """A metric declaration. Every field is required except ``higher_is_better``/``tags``/
    ``aggregation``; ``build`` may be left out when ``aggregation`` is given.

    ``aggregation`` (metrics/aggregation.py) says how a content metric combines across posts
    and days; the registry's builder, the overview's post rollup and its day index all derive
    from it, so a metric that declares one is on the overview without further code."""

    name: str  # snake_case, stable: API and CLI use it
    title: str  # what a marketer reads on a chart
    description: str  # why it matters, in plain words
    formula: str  # words and symbols, e.g. "(likes + comments + shares) / reach"
    unit: Unit
    grains: tuple[str, ...]  # grains it can be computed at
    requires: tuple[str, ...]  # tables it reads
    source: str  # citation of the standard definition
    build: Builder = None  # type: ignore[assignment]  # derived from ``aggregation`` if left out
    higher_is_better: bool = True
    tags: tuple[str, ...] = ()  # e.g. ("engagement", "video", "outbound")
    #: how the metric combines across posts and days (None: only its builder knows)
    aggregation: Aggregation | None = None

    def __post_init__(self) -> None:
        if self.build is None and self.aggregation is not None:
            object.__setattr__(self, "build", self.aggregation.builder(self.name))

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "formula": self.formula,
            "unit": self.unit,
            "grains": list(self.grains),
            "requires": list(self.requires),
            "source": self.source,
            "higher_is_better": self.higher_is_better,
            "tags": list(self.tags),
            "aggregation": self.aggregation.kind if self.aggregation is not None else None,
        }


__all__ = sorted(
    [
        "Builder",
        "Filters",
        "GRAIN_KEYS",
        "Metric",
        "MetricContext",
        "TIME_GRAINS",
        "Unit",
        "calendar_part",
    ]
)
