"""Two-variant tests for a rate (CTR, conversion rate, reply rate) or a mean (watch time).

Why sufficient statistics: a test over 100M interactions needs only (n, successes) or
(n, sum, sum of squares) per variant, which any engine computes in one pass; the inference
itself is a few floating-point operations and is unit-testable without a database.

References: two-proportion z-test with pooled variance (Agresti & Franklin, *Statistics*, §10.1);
Welch's unequal-variance test (Welch 1947), here with the normal approximation, which is what
marketing sample sizes (hundreds or more per arm) justify; confidence interval of the difference
uses the unpooled standard error (Wald).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from engagelens.errors import MetricError

if TYPE_CHECKING:  # pragma: no cover
    import ibis


@dataclass(frozen=True)
class ProportionStats:
    n: int
    successes: int

    @property
    def rate(self) -> float:
        return self.successes / self.n if self.n else float("nan")


@dataclass(frozen=True)
class MeanStats:
    n: int
    total: float
    total_sq: float

    @property
    def mean(self) -> float:
        return self.total / self.n if self.n else float("nan")

    @property
    def variance(self) -> float:
        """Sample variance (n − 1 in the denominator)."""
        if self.n < 2:
            return float("nan")
        return max(0.0, (self.total_sq - self.total * self.total / self.n) / (self.n - 1))


@dataclass(frozen=True)
class TestResult:
    control: float
    treatment: float
    difference: float  # treatment − control
    relative_lift: float  # difference / control
    z: float
    p_value: float  # two-sided
    ci_low: float  # of the difference, at `confidence`
    ci_high: float
    confidence: float
    significant: bool


def _phi(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def _z_for(confidence: float) -> float:
    # inverse normal CDF by bisection: exact enough, no SciPy dependency
    target = 0.5 + confidence / 2.0
    lo, hi = 0.0, 10.0
    for _ in range(100):
        mid = (lo + hi) / 2
        if _phi(mid) < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def _result(c: float, t: float, se_test: float, se_ci: float, confidence: float) -> TestResult:
    diff = t - c
    z = diff / se_test if se_test > 0 else 0.0
    p = 2.0 * (1.0 - _phi(abs(z))) if se_test > 0 else 1.0
    half = _z_for(confidence) * se_ci
    lift = diff / c if c else float("nan")
    return TestResult(
        c, t, diff, lift, z, p, diff - half, diff + half, confidence, p < 1 - confidence
    )


def compare_proportions(
    control: ProportionStats, treatment: ProportionStats, confidence: float = 0.95
) -> TestResult:
    """Two-sided two-proportion z-test (pooled SE for the test, unpooled for the interval)."""
    if control.n == 0 or treatment.n == 0:
        raise MetricError("each variant needs at least one observation")
    for s in (control, treatment):
        if not 0 <= s.successes <= s.n:
            raise MetricError(f"successes must be between 0 and n, got {s.successes}/{s.n}")
    p1, p2 = control.rate, treatment.rate
    pooled = (control.successes + treatment.successes) / (control.n + treatment.n)
    se_test = math.sqrt(pooled * (1 - pooled) * (1 / control.n + 1 / treatment.n))
    se_ci = math.sqrt(p1 * (1 - p1) / control.n + p2 * (1 - p2) / treatment.n)
    return _result(p1, p2, se_test, se_ci, confidence)


def compare_means(control: MeanStats, treatment: MeanStats, confidence: float = 0.95) -> TestResult:
    """Welch's test on means with the normal approximation (large samples)."""
    if control.n < 2 or treatment.n < 2:
        raise MetricError("each variant needs at least two observations")
    se = math.sqrt(control.variance / control.n + treatment.variance / treatment.n)
    return _result(control.mean, treatment.mean, se, se, confidence)


def variant_stats(
    table: ibis.Table, variant: str, outcome: str, *, binary: bool = True
) -> dict[str, ProportionStats | MeanStats]:
    """Sufficient statistics per variant from an Ibis table (runs on DuckDB or Spark).

    ``outcome`` is a boolean/0-1 column when ``binary`` (conversion, click) else numeric.
    """
    col = table[outcome]
    if binary:
        agg = table.group_by(variant).aggregate(n=col.count(), successes=col.cast("int64").sum())
        rows = agg.to_pyarrow().to_pylist()
        return {
            str(r[variant]): ProportionStats(int(r["n"]), int(r["successes"] or 0)) for r in rows
        }
    x = col.cast("float64")
    agg = table.group_by(variant).aggregate(n=x.count(), total=x.sum(), total_sq=(x * x).sum())
    rows = agg.to_pyarrow().to_pylist()
    return {
        str(r[variant]): MeanStats(int(r["n"]), float(r["total"] or 0), float(r["total_sq"] or 0))
        for r in rows
    }


__all__ = sorted(
    [
        "MeanStats",
        "ProportionStats",
        "TestResult",
        "compare_means",
        "compare_proportions",
        "variant_stats",
    ]
)
