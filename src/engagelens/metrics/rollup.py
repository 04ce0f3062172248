"""The post rollup: every post with its registry metrics, computed once per data version.

Why: the dashboard's overview and content table ask the same kind of question many times
(which posts, in which range, on which platform). Every counter and per-post rate comes from
``metrics.compute(..., by="content")`` — the registry's own definitions — once per ingest; each
request then filters and aggregates this small post-level frame in memory (Polars) instead of
re-reading millions of interactions. Aggregates use the registry's formulas:

* counts (``interactions``, ``likes`` …) are sums over posts (``sum_builder``);
* ``engagement_rate_by_*`` are the registry's *mean of posts* flavour: the mean over posts of
  each post's rate, posts without a rate left out (``mean_builder``);
* days are publish days in the configured time zone, like the registry's ``day`` grain.

Tests check the overview against ``metrics.compute(by="total"/"day")`` on the same filters.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from engagelens.metrics import Filters, compute

if TYPE_CHECKING:  # pragma: no cover
    import polars as pl

    from engagelens.store import Store

#: additive counters: summed over posts
COUNT_METRICS: tuple[str, ...] = (
    "interactions",
    "likes",
    "comments",
    "shares",
    "saves",
    "clicks",
    "video_views",
)
#: per-post values averaged over posts (mean of posts, nulls left out)
MEAN_METRICS: tuple[str, ...] = (
    "engagement_rate_by_reach",
    "engagement_rate_by_impressions",
    "engagement_rate_by_followers",
)
SCORE_METRICS: tuple[str, ...] = ("engagement_score",)
BASELINE_METRIC = "interactions_vs_baseline"
#: every metric column of the rollup
ROLLUP_METRICS: tuple[str, ...] = (*COUNT_METRICS, *SCORE_METRICS, *MEAN_METRICS, BASELINE_METRIC)
#: post attributes joined from ``content``
POST_COLUMNS: tuple[str, ...] = (
    "platform",
    "content_id",
    "account_id",
    "created_at",
    "kind",
    "campaign",
    "text",
    "url",
)
#: columns the content listing may sort by
SORTABLE: tuple[str, ...] = (
    "created_at",
    *COUNT_METRICS,
    *SCORE_METRICS,
    *MEAN_METRICS,
    BASELINE_METRIC,
)


def build(store: Store, settings: dict[str, Any] | None = None) -> pl.DataFrame:
    """One row per post: attributes plus every :data:`ROLLUP_METRICS` column."""
    import polars as pl

    settings = settings or {}
    values = compute(store, list(ROLLUP_METRICS[:-1]), by="content", settings=settings)
    frame = pl.from_arrow(values.to_pyarrow())
    base = compute(store, [BASELINE_METRIC], by="content", settings=settings)
    base_frame = pl.from_arrow(base.to_pyarrow())
    c = store.table("content").select(*POST_COLUMNS)
    posts = pl.from_arrow(c.to_pyarrow())
    a = store.table("account")
    owners = pl.from_arrow(
        a.select(
            "platform",
            "account_id",
            is_own=a.is_own.fill_null(False),
            is_competitor=a.is_competitor.fill_null(False),
        )
        .distinct(on=["platform", "account_id"])
        .to_pyarrow()
    )
    out = (
        posts.join(frame, on=["platform", "content_id"], how="left")
        .join(base_frame, on=["platform", "content_id"], how="left")
        .join(owners, on=["platform", "account_id"], how="left")
        .with_columns(pl.col("is_own").fill_null(False), pl.col("is_competitor").fill_null(False))
    )
    for name in COUNT_METRICS:
        out = out.with_columns(pl.col(name).fill_null(0).cast(pl.Int64))
    for name in (*SCORE_METRICS, *MEAN_METRICS, BASELINE_METRIC):
        out = out.with_columns(pl.col(name).cast(pl.Float64))
    tz = str(settings.get("timezone") or "UTC")
    local = pl.col("created_at").dt.replace_time_zone("UTC").dt.convert_time_zone(tz)
    return out.with_columns(day=local.dt.date()).sort(["created_at", "platform", "content_id"])


def select(frame: Any, filters: Filters) -> Any:
    """The posts matching ``filters`` (publish time in [start, end), like the registry);
    a DataFrame or a LazyFrame, whichever ``frame`` is."""
    import polars as pl

    conds = []
    if filters.start is not None:
        conds.append(pl.col("created_at") >= filters.start)
    if filters.end is not None:
        conds.append(pl.col("created_at") < filters.end)
    if filters.platforms:
        conds.append(pl.col("platform").is_in(list(filters.platforms)))
    if filters.accounts:
        conds.append(pl.col("account_id").is_in(list(filters.accounts)))
    if filters.campaigns:
        conds.append(pl.col("campaign").is_in(list(filters.campaigns)))
    if filters.content_kinds:
        conds.append(pl.col("kind").is_in(list(filters.content_kinds)))
    if filters.ownership == "own":
        conds.append(pl.col("is_own"))
    elif filters.ownership == "competitor":
        conds.append(pl.col("is_competitor"))
    if conds:
        frame = frame.filter(pl.all_horizontal(conds))
    return frame


def _aggregates() -> list[Any]:
    import polars as pl

    aggs: list[Any] = [pl.len().alias("posts")]
    aggs += [pl.col(n).sum().cast(pl.Int64).alias(n) for n in COUNT_METRICS]
    aggs += [pl.col(n).sum().alias(n) for n in SCORE_METRICS]
    aggs += [pl.col(n).mean().alias(n) for n in MEAN_METRICS]
    return aggs


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in row.items():
        if isinstance(v, float) and v != v:  # NaN → null in JSON
            v = None
        if isinstance(v, dt.datetime | dt.date):
            v = v.isoformat()
        out[k] = v
    return out


def post_row(row: dict[str, Any]) -> dict[str, Any]:
    return _clean({k: row.get(k) for k in (*POST_COLUMNS, *ROLLUP_METRICS)})


def _as_json_ready(frame: Any) -> Any:
    """Dates and times as ISO strings and NaN as null, done by Polars on whole columns (a
    Python pass over every value would cost more than the aggregation itself)."""
    import polars as pl

    out = []
    for name, dtype in frame.collect_schema().items():
        col = pl.col(name)
        if dtype == pl.Date:
            col = col.dt.strftime("%Y-%m-%d")
        elif dtype == pl.Datetime:
            col = col.dt.strftime("%Y-%m-%dT%H:%M:%S")
        elif dtype in (pl.Float32, pl.Float64):
            col = col.fill_nan(None)
        out.append(col.alias(name))
    return frame.select(out)


def overview(frame: pl.DataFrame, filters: Filters, *, top: int = 5) -> dict[str, Any]:
    """Headline figures, the daily series and the posts furthest above/below their baseline.

    One lazy plan per part, run together (``collect_all``), so the request pays Polars'
    per-query overhead once."""
    import polars as pl

    posts = select(frame.lazy(), filters)
    ranked = posts.filter(
        pl.col(BASELINE_METRIC).is_not_null() & pl.col(BASELINE_METRIC).is_finite()
    )
    order = [BASELINE_METRIC, "created_at", "platform", "content_id"]
    columns = [*POST_COLUMNS, *ROLLUP_METRICS]
    totals, daily, best, worst = pl.collect_all(
        [
            _as_json_ready(posts.select(_aggregates())),
            _as_json_ready(posts.group_by("day").agg(_aggregates()).sort("day")),
            _as_json_ready(
                ranked.sort(order, descending=[True, False, False, False]).head(top).select(columns)
            ),
            _as_json_ready(ranked.sort(order).head(top).select(columns)),
        ]
    )
    return {
        "totals": totals.to_dicts()[0],
        "daily": daily.to_dicts(),
        "top_posts": best.to_dicts(),
        "bottom_posts": worst.to_dicts(),
    }


def search_and_sort(posts: Any, search: str | None, sort: str) -> Any:
    """Posts whose text contains ``search`` (case-insensitive, literal: never a pattern),
    sorted by ``sort`` (``-column`` for descending) with a stable tie-break; the API's content
    listing and the dashboard's content table share it so both show the same order."""
    import polars as pl

    if search:
        posts = posts.filter(
            pl.col("text")
            .fill_null("")
            .str.to_lowercase()
            .str.contains(search.lower(), literal=True)
        )
    column, descending = sort.lstrip("-"), sort.startswith("-")
    return posts.sort(
        [column, "platform", "content_id"], descending=[descending, False, False], nulls_last=True
    )


__all__ = sorted(
    [
        "BASELINE_METRIC",
        "COUNT_METRICS",
        "MEAN_METRICS",
        "POST_COLUMNS",
        "ROLLUP_METRICS",
        "SCORE_METRICS",
        "SORTABLE",
        "build",
        "overview",
        "post_row",
        "search_and_sort",
        "select",
    ]
)
