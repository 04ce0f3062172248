"""Baseline metrics: a post's interactions against its account's previous N posts."""

from __future__ import annotations

import ibis

from engagelens.metrics.base import MetricContext
from engagelens.metrics.baseline import baseline

from ._declare import declare


def _builder(name: str, column: str):
    def build(ctx: MetricContext) -> ibis.Table:
        n = int(ctx.settings.get("baseline_posts") or 10)
        b = baseline(
            ctx.store,
            "interactions",
            n=n,
            direction="previous",
            filters=ctx.filters,
            settings=ctx.settings,
        )
        return b.select("platform", "content_id", **{name: b[column]})

    return build


_SRC = (
    "Rolling-baseline comparison as in RivalIQ 'post performance vs. average' and "
    "Emplifi 'post performance index'; z-score = (x − mean) ÷ sample standard deviation"
)

for _name, _col, _title, _desc, _unit in [
    (
        "interactions_baseline_mean",
        "baseline_mean",
        "Baseline interactions (previous N posts)",
        "Mean interactions of the account's previous N posts (setting baseline_posts).",
        "count",
    ),
    (
        "interactions_vs_baseline",
        "vs_baseline",
        "Interactions vs baseline",
        "This post's interactions ÷ the mean of the account's previous N posts (1.0 = usual).",
        "ratio",
    ),
    (
        "interactions_baseline_z",
        "z_score",
        "Interactions z-score vs baseline",
        "(interactions − baseline mean) ÷ baseline sample standard deviation.",
        "score",
    ),
]:
    declare(
        name=_name,
        title=_title,
        description=_desc + " For next/both directions or other "
        "metrics use engagelens.metrics.baseline(store, metric, n, direction).",
        formula={
            "baseline_mean": "mean(interactions of posts r−N … r−1)",
            "vs_baseline": "interactions_r ÷ mean(interactions_{r−N…r−1})",
            "z_score": "(interactions_r − mean) ÷ sd(interactions_{r−N…r−1})",
        }[_col],
        unit=_unit,
        grains=("content",),
        requires=("content", "content_snapshot", "interaction"),
        source=_SRC,
        build=_builder(_name, _col),
        tags=("baseline",),
    )

__all__: list[str] = []
