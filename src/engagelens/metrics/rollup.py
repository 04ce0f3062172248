"""The post rollup: every post with its metrics' sufficient statistics, once per data version.

Why: the dashboard's overview and content table ask the same kind of question many times
(which posts, in which range, on which platform). The rollup holds, per post, the sufficient
statistics of every metric that declares an aggregation across posts
(:mod:`engagelens.metrics.aggregation`), computed by the engine once per ingest
(:func:`~engagelens.metrics.compute.compute_stats`); each request then filters this small
post-level frame in memory (Polars), adds the statistics and finalises them with the same
declared rule the registry's builders use. A metric declared in the registry with an
aggregation is therefore on the overview and in the content table without code here.

Days are publish days in the configured time zone, like the registry's ``day`` grain. The
overview's ``posts`` is the number of posts of the selection (the rollup counts its rows).
Tests check the overview against ``metrics.compute(by="total"/"day")`` on the same filters.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from .base import Filters, Metric
from .compute import compute, compute_stats
from .registry import all_metrics

if TYPE_CHECKING:  # pragma: no cover
    import polars as pl

    from engagelens.store import Store

#: the per-post metric the overview ranks posts by (a post's value; it does not aggregate)
BASELINE_METRIC = "interactions_vs_baseline"
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


def rollup_metrics() -> list[Metric]:
    """Every registered metric that declares how it aggregates across posts, at the content
    grain (``posts`` is the rollup's own row count)."""
    return [
        m
        for m in all_metrics()
        if m.aggregation is not None and "content" in m.grains and m.name != "posts"
    ]


def metric_columns() -> tuple[str, ...]:
    """The metric columns of a post row: aggregating metrics, then the baseline ratio."""
    return (*(m.name for m in rollup_metrics()), BASELINE_METRIC)


def sortable() -> tuple[str, ...]:
    """Columns the content listing may sort by."""
    return ("created_at", *metric_columns())


def stat_columns(m: Metric) -> tuple[str, ...]:
    assert m.aggregation is not None
    return (f"{m.name}__s", f"{m.name}__n") if m.aggregation.has_n else (f"{m.name}__s",)


def build(store: Store, settings: dict[str, Any] | None = None) -> pl.DataFrame:
    """One row per post: attributes, each aggregating metric's value and statistics, and the
    baseline ratio; sorted by publish time."""
    import polars as pl

    settings = settings or {}
    metrics = rollup_metrics()
    stats = compute_stats(store, [m.name for m in metrics], by="content", settings=settings)
    frame = _frame(stats.to_pyarrow())
    base = compute(store, [BASELINE_METRIC], by="content", settings=settings)
    base_frame = _frame(base.to_pyarrow())
    c = store.table("content").select(*POST_COLUMNS)
    posts = _frame(c.to_pyarrow())
    a = store.table("account")
    owners = _frame(
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
    filled = [pl.col(c).fill_null(0) for m in metrics for c in stat_columns(m)]
    out = out.with_columns(filled).with_columns(
        [_value(m, pl.col, post=True) for m in metrics] + [pl.col(BASELINE_METRIC).cast(pl.Float64)]
    )
    tz = str(settings.get("timezone") or "UTC")
    local = pl.col("created_at").dt.replace_time_zone("UTC").dt.convert_time_zone(tz)
    return out.with_columns(day=local.dt.date()).sort(["created_at", "platform", "content_id"])


def _frame(arrow: Any) -> pl.DataFrame:
    """A polars frame of an Arrow table (``from_arrow`` is typed to maybe give a Series)."""
    import polars as pl

    frame = pl.from_arrow(arrow)
    assert isinstance(frame, pl.DataFrame)  # an Arrow table always gives a DataFrame
    return frame


def _value(m: Metric, column: Any, *, post: bool = False) -> Any:
    """``m``'s value from its statistics columns (``column(name)`` gives each one's
    expression: the post's own, or a sum over posts)."""
    assert m.aggregation is not None
    names = stat_columns(m)
    n = column(names[1]) if len(names) > 1 else None
    return m.aggregation.finalise_polars(column(names[0]), n).alias(m.name)


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


def aggregates() -> list[Any]:
    """Polars aggregations of a set of posts: ``posts`` and every metric, each finalised
    from its summed statistics."""
    import polars as pl

    return [pl.len().alias("posts")] + [
        _value(m, lambda c: pl.col(c).sum()) for m in rollup_metrics()
    ]


def plain(row: dict[str, Any]) -> dict[str, Any]:
    """A row with dates and times as ISO strings and NaN as null: values every consumer (JSON,
    templates, exports) can show as they are."""
    out = {}
    for k, v in row.items():
        if isinstance(v, float) and v != v:
            v = None
        if isinstance(v, dt.datetime | dt.date):
            v = v.isoformat()
        out[k] = v
    return out


def post_row(row: dict[str, Any]) -> dict[str, Any]:
    """A post's attributes and metric values (:func:`plain`)."""
    return plain({k: row.get(k) for k in (*POST_COLUMNS, *metric_columns())})


def plain_frame(frame: Any) -> Any:
    """:func:`plain` on whole columns, done by Polars (a Python pass over every value would
    cost more than the aggregation itself)."""
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
    """Headline figures, the daily series and the posts furthest above/below their baseline,
    as plain rows (:func:`plain`).

    One lazy plan per part, run together (``collect_all``), so the request pays Polars'
    per-query overhead once."""
    import polars as pl

    posts = select(frame.lazy(), filters)
    ranked = posts.filter(
        pl.col(BASELINE_METRIC).is_not_null() & pl.col(BASELINE_METRIC).is_finite()
    )
    order = [BASELINE_METRIC, "created_at", "platform", "content_id"]
    columns = [*POST_COLUMNS, *metric_columns()]
    aggs = aggregates()
    totals, daily, best, worst = pl.collect_all(
        [
            plain_frame(posts.select(aggs)),
            plain_frame(posts.group_by("day").agg(aggs).sort("day")),
            plain_frame(
                ranked.sort(order, descending=[True, False, False, False]).head(top).select(columns)
            ),
            plain_frame(ranked.sort(order).head(top).select(columns)),
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
        "POST_COLUMNS",
        "aggregates",
        "build",
        "metric_columns",
        "overview",
        "plain",
        "plain_frame",
        "post_row",
        "rollup_metrics",
        "search_and_sort",
        "select",
        "sortable",
        "stat_columns",
    ]
)
