"""Several variants against one control on several metrics, with the p-values corrected for
the number of tests (:mod:`.correction`).

Why one family over every (metric, variant) pair: that is the set of questions the reader looks
at when deciding, so that is the set whose error rate must be controlled. Each comparison keeps
its raw p-value and its confidence interval at 1 − α (intervals are not adjusted: they say how
big the difference is, the adjusted p-value says whether to believe it).

Input is sufficient statistics per metric and variant, so the same code serves a file of
observations (:func:`read_observations`), a store query or an API body.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engagelens.errors import ConfigError

from .ab import MeanStats, ProportionStats, TestResult, compare_means, compare_proportions
from .correction import adjust

Stats = ProportionStats | MeanStats
KINDS = ("proportion", "mean")


@dataclass(frozen=True)
class Comparison:
    metric: str
    kind: str  # proportion or mean
    variant: str
    control_variant: str
    n_control: int
    n_variant: int
    result: TestResult
    p_adjusted: float
    significant: bool  # p_adjusted < alpha

    def to_dict(self) -> dict[str, Any]:
        r = self.result
        return {
            "metric": self.metric,
            "kind": self.kind,
            "variant": self.variant,
            "control_variant": self.control_variant,
            "n_control": self.n_control,
            "n_variant": self.n_variant,
            "control": r.control,
            "treatment": r.treatment,
            "difference": r.difference,
            "relative_lift": None if math.isnan(r.relative_lift) else r.relative_lift,
            "z": r.z,
            "p_value": r.p_value,
            "p_adjusted": self.p_adjusted,
            "ci_low": r.ci_low,
            "ci_high": r.ci_high,
            "significant": self.significant,
        }


def compare_variants(
    stats: Mapping[str, Mapping[str, Stats]],
    *,
    control: str,
    correction: str = "holm",
    alpha: float = 0.05,
) -> list[Comparison]:
    """Every non-control variant against ``control`` on every metric, p-values corrected
    together; in metric order, then variant name order."""
    if not 0 < alpha < 1:
        raise ConfigError(f"alpha must be between 0 and 1, got {alpha}")
    if not stats:
        raise ConfigError("no metric to compare")
    pending: list[tuple[str, str, str, Stats, Stats, TestResult]] = []
    for metric, by_variant in stats.items():
        if control not in by_variant:
            raise ConfigError(
                f"metric {metric!r}: no control variant {control!r}; "
                f"variants are {sorted(by_variant)}"
            )
        others = sorted(v for v in by_variant if v != control)
        if not others:
            raise ConfigError(f"metric {metric!r}: only the control variant, nothing to compare")
        c = by_variant[control]
        for v in others:
            t = by_variant[v]
            if isinstance(c, ProportionStats) and isinstance(t, ProportionStats):
                res, kind = compare_proportions(c, t, confidence=1 - alpha), "proportion"
            elif isinstance(c, MeanStats) and isinstance(t, MeanStats):
                res, kind = compare_means(c, t, confidence=1 - alpha), "mean"
            else:
                raise ConfigError(f"metric {metric!r}: variants mix rates and means")
            pending.append((metric, kind, v, c, t, res))
    adjusted = adjust([p[5].p_value for p in pending], correction)
    return [
        Comparison(m, kind, v, control, c.n, t.n, res, q, q < alpha)
        for (m, kind, v, c, t, res), q in zip(pending, adjusted, strict=True)
    ]


def stats_from_dict(kind: str, variants: Mapping[str, Mapping[str, float]]) -> dict[str, Stats]:
    """Sufficient statistics from plain data (``{"A": {"n": 1000, "successes": 200}}`` for a
    proportion, ``{"n", "total", "total_sq"}`` or ``{"n", "mean", "sd"}`` for a mean)."""
    out: dict[str, Stats] = {}
    for name, v in variants.items():
        try:
            n = int(v["n"])
            if n < 1:
                raise ConfigError(f"variant {name!r}: n must be at least 1, not {n}")
            if kind == "proportion":
                out[name] = ProportionStats(n, int(v["successes"]))
            elif kind == "mean":
                if "mean" in v:
                    mean, sd = float(v["mean"]), float(v["sd"])
                    total = mean * n
                    out[name] = MeanStats(n, total, sd * sd * (n - 1) + total * total / n)
                else:
                    out[name] = MeanStats(n, float(v["total"]), float(v["total_sq"]))
            else:
                raise ConfigError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
        except KeyError as exc:
            raise ConfigError(f"variant {name!r}: missing {exc.args[0]!r}") from None
    return out


def _kind_of(values: list[Any], metric: str, requested: str | None) -> str:
    present = [x for x in values if x is not None]
    if not present:
        raise ConfigError(f"metric column {metric!r} has no values")
    if any(isinstance(x, str) for x in present):
        raise ConfigError(f"metric column {metric!r} is not numeric (e.g. {present[0]!r})")
    binary = all(x in (0, 1) for x in present)  # True == 1, False == 0
    if requested == "proportion" and not binary:
        raise ConfigError(f"metric {metric!r} is declared a proportion but has values besides 0/1")
    return requested or ("proportion" if binary else "mean")


def read_observations(
    path: str | Path, *, variant: str, metrics: list[str]
) -> dict[str, dict[str, Stats]]:
    """Sufficient statistics per metric and variant from a CSV/TSV/Parquet/JSONL file with one
    row per unit (user, session). A metric is ``col`` (0/1 or true/false → proportion, other
    numbers → mean) or ``col:proportion`` / ``col:mean``; empty cells are left out of that
    metric's n."""
    import ibis
    import polars as pl

    from engagelens.sidefiles import read_side_file

    from .ab import variant_stats

    frame = read_side_file(path, "observations")
    p = Path(path)
    if not metrics:
        raise ConfigError("name at least one --metric column")
    specs = []
    for m in metrics:
        col, _, kind = m.partition(":")
        if kind and kind not in KINDS:
            raise ConfigError(f"--metric {m!r}: kind must be {' or '.join(KINDS)}")
        specs.append((col, kind or None))
    missing = [c for c in [variant, *(c for c, _ in specs)] if c not in frame.columns]
    if missing:
        raise ConfigError(
            f"{p}: no column {', '.join(map(repr, missing))}; columns: {frame.columns}"
        )
    if frame[variant].null_count():
        raise ConfigError(f"{p}: {frame[variant].null_count()} rows have no {variant!r}")
    frame = frame.with_columns(pl.col(variant).cast(pl.Utf8))
    out: dict[str, dict[str, Stats]] = {}
    for col, declared in specs:
        kind = _kind_of(frame[col].to_list(), col, declared)
        sub = frame.select(variant, pl.col(col).cast(pl.Float64)).drop_nulls()
        out[col] = variant_stats(
            ibis.memtable(sub.to_arrow()), variant, col, binary=kind == "proportion"
        )
    return out


__all__ = sorted(
    ["KINDS", "Comparison", "compare_variants", "read_observations", "stats_from_dict"]
)
