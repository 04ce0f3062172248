"""Pre-aggregated days: overview answers for whole-day date ranges without re-aggregating.

The dashboard's date picker sends whole days. For one set of non-date filters (platform,
account, campaign, kind, ownership) a :class:`DayIndex` holds, once per data version:

* each day's overview row already serialised (the same row :func:`rollup.overview` computes),
* prefix sums per day of every count, the engagement score, and each rate's Σ and number of
  posts with a rate, so a range's totals are two subtractions — the registry's sums and
  *mean of posts* (Σ rate ÷ posts with a rate), exactly;
* the posts of those filters in publish order with their baseline ratio, so the range's posts
  are one binary search and the best/worst a sort of that slice.

A request for ``from``/``to`` on day boundaries then costs microseconds instead of a Polars
plan. Only valid when days are UTC days (setting ``timezone`` = UTC, the default) — otherwise
:func:`answer` returns None and the caller uses :func:`rollup.overview`. Tests compare both.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import rollup
from .responses import json_bytes

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import polars as pl

    from ..metrics import Filters


@dataclass(frozen=True)
class DayIndex:
    days: np.ndarray              # datetime64[D], ascending, days that have posts
    day_rows: list[bytes]         # serialised overview row per day
    cumulative: dict[str, np.ndarray]  # name -> prefix sums (len(days) + 1)
    post_times: np.ndarray        # datetime64[us] publish times, ascending
    post_baseline: np.ndarray     # float64, NaN when unknown
    post_rows: list[bytes]        # serialised post per position


def _midnight(value: dt.datetime | None) -> bool:
    return value is None or value.time() == dt.time()


def applies(filters: Filters, timezone: str) -> bool:
    """True when ``filters`` select whole UTC days (and the calendar is UTC)."""
    return (timezone or "UTC").upper() == "UTC" and _midnight(filters.start) \
        and _midnight(filters.end)


def build(frame: pl.DataFrame, filters: Filters) -> DayIndex:
    """The index of the posts matching ``filters``' non-date parts."""
    import dataclasses

    import numpy as np
    import polars as pl

    posts = rollup.select(frame, dataclasses.replace(filters, start=None, end=None))
    daily = rollup.overview(posts, dataclasses.replace(filters, start=None, end=None,
                                                       platforms=(), accounts=(), campaigns=(),
                                                       content_kinds=(), ownership=None),
                            top=0)["daily"]
    sums = (posts.group_by("day").agg(
        [pl.len().alias("posts")]
        + [pl.col(n).sum().cast(pl.Float64).alias(n)
           for n in (*rollup.COUNT_METRICS, *rollup.SCORE_METRICS)]
        + [pl.col(n).fill_nan(None).sum().fill_null(0.0).alias(f"{n}__sum")
           for n in rollup.MEAN_METRICS]
        + [pl.col(n).fill_nan(None).count().alias(f"{n}__n") for n in rollup.MEAN_METRICS])
        .sort("day"))
    cumulative = {}
    for name in sums.columns:
        if name == "day":
            continue
        values = sums[name].to_numpy().astype("float64")
        cumulative[name] = np.concatenate([[0.0], np.cumsum(values)])
    columns = [*rollup.POST_COLUMNS, *rollup.ROLLUP_METRICS]
    ready = rollup._as_json_ready(posts.select(columns))
    baseline = posts[rollup.BASELINE_METRIC].fill_nan(None).to_numpy().astype("float64")
    return DayIndex(
        days=sums["day"].to_numpy().astype("datetime64[D]"),
        day_rows=[json_bytes(r) for r in daily],
        cumulative=cumulative,
        post_times=posts["created_at"].to_numpy().astype("datetime64[us]"),
        post_baseline=np.where(np.isfinite(baseline), baseline, np.nan),
        post_rows=[json_bytes(r) for r in ready.to_dicts()],
    )


def _totals(index: DayIndex, i0: int, i1: int) -> dict[str, Any]:
    c = index.cumulative

    def span(name: str) -> float:
        return float(c[name][i1] - c[name][i0])

    out: dict[str, Any] = {"posts": int(round(span("posts")))}
    for name in rollup.COUNT_METRICS:
        out[name] = int(round(span(name)))
    for name in rollup.SCORE_METRICS:
        out[name] = span(name)
    for name in rollup.MEAN_METRICS:
        n = span(f"{name}__n")
        out[name] = span(f"{name}__sum") / n if n > 0 else None
    return out


def _ranked(index: DayIndex, j0: int, j1: int, top: int, best: bool) -> list[bytes]:
    import numpy as np

    values = index.post_baseline[j0:j1]
    positions = np.nonzero(~np.isnan(values))[0]
    if top <= 0 or positions.size == 0:
        return []
    keys = -values[positions] if best else values[positions]
    # ties keep publish order (the rollup is sorted by created_at, platform, content_id)
    order = positions[np.lexsort((positions, keys))][:top]
    return [index.post_rows[j0 + int(p)] for p in order]


def answer(index: DayIndex, filters: Filters, *, top: int, head: dict[str, Any]) -> bytes:
    """The overview JSON for ``filters``' day range (``head``: workspace, version, filters)."""
    import numpy as np

    start = np.datetime64(filters.start, "D") if filters.start else None
    end = np.datetime64(filters.end, "D") if filters.end else None
    i0 = int(np.searchsorted(index.days, start, "left")) if start is not None else 0
    i1 = int(np.searchsorted(index.days, end, "left")) if end is not None else len(index.days)
    i1 = max(i0, i1)
    j0 = (int(np.searchsorted(index.post_times, np.datetime64(filters.start, "us"), "left"))
          if filters.start else 0)
    j1 = (int(np.searchsorted(index.post_times, np.datetime64(filters.end, "us"), "left"))
          if filters.end else len(index.post_times))
    j1 = max(j0, j1)
    first = json.dumps({**head, "totals": _totals(index, i0, i1)}, ensure_ascii=False,
                       separators=(",", ":"), allow_nan=False).encode("utf-8")
    return b"".join([
        first[:-1], b',"daily":[', b",".join(index.day_rows[i0:i1]),
        b'],"top_posts":[', b",".join(_ranked(index, j0, j1, top, True)),
        b'],"bottom_posts":[', b",".join(_ranked(index, j0, j1, top, False)), b"]}",
    ])


__all__ = sorted(["DayIndex", "answer", "applies", "build"])
