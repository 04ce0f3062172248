"""Prefix sums over posts: the overview of any date range without re-aggregating.

For one set of non-date filters (platform, account, campaign, kind, ownership) a
:class:`DayIndex` holds, once per data version, the posts of those filters in publish order
with prefix sums of every rollup metric's sufficient statistics (metrics/aggregation.py), so
the totals of any time range are a binary search, two subtractions and the metric's declared
finalisation — exactly the registry's sums, means of posts and pooled ratios. Each publish day
is a span of positions, so a day's row is the same computation; a range that starts or ends
inside a day gets that edge day's row from the prefix sums of its posts in the range. Posts are
also ordered by baseline ratio (best first, worst first), so the best/worst posts of a range
are the first of that order inside the range.

Days are days of the ``timezone`` setting, like the rollup's: edges of a range are compared
with the UTC instants of local midnights (daylight-saving days are 23 or 25 hours long). Only
valid when every post has a publish time (``complete``) — otherwise callers use
:func:`rollup.overview`. Hypothesis tests compare both paths on random ranges, filters and
time zones.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import rollup

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import polars as pl

    from .base import Filters


@dataclass(frozen=True)
class DayIndex:
    days: np.ndarray  # datetime64[D], ascending, days that have posts
    day_starts: np.ndarray  # position of each day's first post, then the number of posts
    cumulative: dict[str, np.ndarray]  # statistic column -> prefix sums (len(posts) + 1)
    post_times: np.ndarray  # datetime64[us] publish times, ascending
    best_order: np.ndarray  # post positions by baseline ratio, highest first (NaN left out)
    worst_order: np.ndarray  # post positions by baseline ratio, lowest first
    posts: pl.DataFrame  # the indexed posts, in position order
    complete: bool  # every post has a publish time (else: use the general path)
    timezone: str = "UTC"  # the calendar of ``days`` (the rollup's ``timezone``)


def build(frame: pl.DataFrame, filters: Filters, timezone: str = "UTC") -> DayIndex:
    """The index of the posts matching ``filters``' non-date parts (``frame``: a rollup built
    with the same ``timezone``)."""
    import numpy as np
    import polars as pl

    undated = dataclasses.replace(filters, start=None, end=None)
    posts = rollup.select(frame, undated)
    complete = posts["created_at"].null_count() == 0
    posts = posts.filter(pl.col("created_at").is_not_null())  # sorted by created_at already
    stats = [c for m in rollup.rollup_metrics() for c in rollup.stat_columns(m)]
    values = posts.select([pl.col(c).cast(pl.Float64).fill_null(0.0) for c in stats])
    cumulative = {"posts": np.arange(posts.height + 1, dtype="float64")}
    for name in values.columns:
        cumulative[name] = np.concatenate([[0.0], np.cumsum(values[name].to_numpy())])
    day_values = posts["day"].to_numpy().astype("datetime64[D]")
    days, starts = np.unique(day_values, return_index=True)  # days ascend with publish time
    baseline = posts[rollup.BASELINE_METRIC].fill_nan(None).to_numpy().astype("float64")
    rated = np.flatnonzero(np.isfinite(baseline))
    # ties keep publish order (the rollup is sorted by created_at, platform, content_id)
    best = rated[np.lexsort((rated, -baseline[rated]))]
    worst = rated[np.lexsort((rated, baseline[rated]))]
    return DayIndex(
        days=days,
        day_starts=np.append(starts, posts.height),
        cumulative=cumulative,
        post_times=posts["created_at"].to_numpy().astype("datetime64[us]"),
        best_order=best,
        worst_order=worst,
        posts=posts,
        complete=bool(complete),
        timezone=timezone or "UTC",
    )


def totals(index: DayIndex, j0: int, j1: int) -> dict[str, Any]:
    """The overview totals of the posts at positions [j0, j1), each metric finalised from
    its summed statistics by its declared rule."""
    c = index.cumulative

    def span(name: str) -> float:
        return float(c[name][j1] - c[name][j0])

    out: dict[str, Any] = {"posts": j1 - j0}
    for m in rollup.rollup_metrics():
        agg = m.aggregation
        assert agg is not None
        s = span(f"{m.name}__s")
        if not agg.has_n:
            out[m.name] = round(s) if agg.dtype == "int64" else s
        else:
            n = span(f"{m.name}__n")
            out[m.name] = s / n if n != 0 else None
    return out


def ranked(index: DayIndex, j0: int, j1: int, top: int, best: bool) -> list[int]:
    """Positions of the ``top`` posts of [j0, j1) by baseline ratio (highest first if
    ``best``; ties keep publish order): the first positions inside the range in the
    precomputed order, one vectorised pass."""
    if top <= 0:
        return []
    order = index.best_order if best else index.worst_order
    return [int(p) for p in order[(order >= j0) & (order < j1)][:top]]


def position(index: DayIndex, moment: Any) -> int:
    """The first post published at or after ``moment`` (a datetime64 or datetime)."""
    import numpy as np

    return int(np.searchsorted(index.post_times, np.datetime64(moment, "us"), "left"))


def bounds(index: DayIndex, filters: Filters) -> tuple[int, int]:
    """The positions [j0, j1) of the posts in ``filters``' range."""
    j0 = position(index, filters.start) if filters.start is not None else 0
    j1 = position(index, filters.end) if filters.end is not None else len(index.post_times)
    return j0, max(j0, j1)


def _local_day(moment: dt.datetime, zone: Any) -> tuple[dt.date, bool]:
    """The local date of a naive-UTC ``moment`` and whether it falls inside that day (not at
    its local midnight)."""
    local = moment.replace(tzinfo=dt.UTC).astimezone(zone)
    return local.date(), local.time() != dt.time()


def _midnight_utc(day: dt.date, zone: Any) -> dt.datetime:
    """The naive-UTC instant at which local ``day`` begins."""
    return dt.datetime.combine(day, dt.time(), tzinfo=zone).astimezone(dt.UTC).replace(tzinfo=None)


#: one day of a range: (day, first position, end position, index of the whole day or None)
DaySpan = tuple[dt.date, int, int, int | None]


def day_spans(
    index: DayIndex, start: dt.datetime | None, end: dt.datetime | None, j0: int, j1: int
) -> list[DaySpan]:
    """The days of [start, end) with posts: whole days (their index in ``days``) and an edge
    day that the range covers only in part (its posts in the range, index None)."""
    from zoneinfo import ZoneInfo

    import numpy as np

    zone = ZoneInfo(index.timezone)
    one_day = dt.timedelta(days=1)
    spans: list[DaySpan] = []

    def partial(day: dt.date, k0: int, k1: int) -> None:
        if k1 > k0:
            spans.append((day, k0, k1, None))

    i0, i1 = 0, len(index.days)
    start_day = end_day = None
    starts_inside = ends_inside = False
    if start is not None:
        start_day, starts_inside = _local_day(start, zone)
        first_full = start_day + one_day if starts_inside else start_day
        i0 = int(np.searchsorted(index.days, np.datetime64(first_full, "D"), "left"))
    if end is not None:
        end_day, ends_inside = _local_day(end, zone)
        i1 = int(np.searchsorted(index.days, np.datetime64(end_day, "D"), "left"))
    if starts_inside and start_day is not None:  # the part of the first day from ``start`` on
        partial(start_day, j0, min(j1, position(index, _midnight_utc(start_day + one_day, zone))))
    for i in range(i0, max(i0, i1)):
        day = index.days[i].astype(dt.date)
        spans.append((day, int(index.day_starts[i]), int(index.day_starts[i + 1]), i))
    if ends_inside and end_day is not None and not (starts_inside and start_day == end_day):
        partial(end_day, max(j0, position(index, _midnight_utc(end_day, zone))), j1)
    return spans


__all__ = sorted(
    ["DayIndex", "DaySpan", "bounds", "build", "day_spans", "position", "ranked", "totals"]
)
