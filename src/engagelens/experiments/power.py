"""Power and sample size, so a test is planned before it runs instead of stopped when it looks
good.

Two proportions (a click-through or conversion rate), the normal approximation with the pooled
variance under H0 and the unpooled one under H1 — the same test as
:func:`~engagelens.experiments.ab.compare_proportions` (Fleiss, Levin & Paik, *Statistical
Methods for Rates and Proportions*, 3rd ed., §4.2, without continuity correction; R's
``power.prop.test``)::

    n₁ = (z₁₋α/₂ · √(p̄ q̄ (1 + 1/k)) + z₁₋β · √(p₁q₁ + p₂q₂/k))² / (p₁ − p₂)²,
    p̄ = (p₁ + k p₂) / (1 + k),  n₂ = k n₁

Two means (watch time, order value), Student's two-sample t-test with equal groups and a
common standard deviation σ: power is the non-central t probability of exceeding the critical
value in either tail, df = 2n − 2, non-centrality δ/σ · √(n/2) (Cohen 1988, ch. 2; R's
``power.t.test(strict = TRUE)``); the sample size solves power(n) = target numerically.

Sizes are per group; round up (``n``) to plan, the unrounded ``n_exact`` is for checking.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from engagelens.errors import ConfigError


def _stats() -> Any:
    """scipy.stats, imported on first use: it costs about a second, which every API and CLI
    start would otherwise pay for a planning tool few calls need."""
    from scipy import stats

    return stats


@dataclass(frozen=True)
class SampleSize:
    """Observations needed per group (``n`` control, ``n_treatment`` = ratio × n)."""

    n: int
    n_treatment: int
    n_exact: float
    alpha: float
    power: float
    effect: float  # p₂ − p₁ or δ

    def to_dict(self) -> dict[str, float | int]:
        return asdict(self)


def _check_level(alpha: float, power: float | None = None) -> None:
    if not 0 < alpha < 1:
        raise ConfigError(f"alpha must be between 0 and 1, got {alpha}")
    if power is not None and not 0 < power < 1:
        raise ConfigError(f"power must be between 0 and 1, got {power}")


def _check_rates(p1: float, p2: float) -> None:
    for name, p in (("baseline", p1), ("target", p2)):
        if not 0 < p < 1:
            raise ConfigError(f"{name} rate must be between 0 and 1 (exclusive), got {p}")
    if p1 == p2:
        raise ConfigError("baseline and target rates are equal: no effect to detect")


def power_proportions(
    n: float, p1: float, p2: float, *, alpha: float = 0.05, ratio: float = 1.0
) -> float:
    """Power of the two-sided two-proportion z-test with n control and ratio·n treatment."""
    _check_level(alpha)
    _check_rates(p1, p2)
    if n <= 0 or ratio <= 0:
        raise ConfigError("sample size and ratio must be positive")
    stats = _stats()
    q1, q2 = 1 - p1, 1 - p2
    pbar = (p1 + ratio * p2) / (1 + ratio)
    z_a = stats.norm.ppf(1 - alpha / 2)
    se0 = math.sqrt(pbar * (1 - pbar) * (1 / n + 1 / (ratio * n)))
    se1 = math.sqrt(p1 * q1 / n + p2 * q2 / (ratio * n))
    d = abs(p2 - p1)
    return float(stats.norm.cdf((d - z_a * se0) / se1) + stats.norm.cdf((-d - z_a * se0) / se1))


#: the largest per-group size worth planning: beyond it the effect is, for a brand, nothing
MAX_PER_GROUP = 1e8


def sample_size_proportions(
    p1: float, p2: float, *, alpha: float = 0.05, power: float = 0.8, ratio: float = 1.0
) -> SampleSize:
    """Per-group size to detect a rate moving from ``p1`` (control) to ``p2`` (closed form)."""
    _check_level(alpha, power)
    _check_rates(p1, p2)
    if ratio <= 0:
        raise ConfigError(f"ratio must be positive, got {ratio}")
    stats = _stats()
    pbar = (p1 + ratio * p2) / (1 + ratio)
    z_a, z_b = stats.norm.ppf(1 - alpha / 2), stats.norm.ppf(power)
    num = z_a * math.sqrt(pbar * (1 - pbar) * (1 + 1 / ratio)) + z_b * math.sqrt(
        p1 * (1 - p1) + p2 * (1 - p2) / ratio
    )
    # plain floats: numpy would warn and give inf where two rates 1e-280 apart need 1e559
    try:
        n = (float(num) / abs(p2 - p1)) ** 2
    except (OverflowError, ZeroDivisionError):
        n = math.inf
    if not n <= MAX_PER_GROUP:
        raise ConfigError(
            f"a change from {p1:g} to {p2:g} is too small to detect with "
            f"{MAX_PER_GROUP:,.0f} per group"
        )
    return SampleSize(math.ceil(n), math.ceil(ratio * n), float(n), alpha, power, p2 - p1)


def _check_means(delta: float, sd: float) -> None:
    if not sd > 0:
        raise ConfigError(f"standard deviation must be positive, got {sd}")
    if delta == 0 or not math.isfinite(delta):
        raise ConfigError("difference to detect must be a non-zero number")
    if not math.isfinite(abs(delta) / sd) or abs(delta) / sd > 1e6:
        raise ConfigError("difference is over a million standard deviations: nothing to plan")


def power_means(n: float, delta: float, sd: float, *, alpha: float = 0.05) -> float:
    """Power of the two-sided two-sample t-test with n per group (both tails counted)."""
    _check_level(alpha)
    _check_means(delta, sd)
    if n < 2:
        raise ConfigError("each group needs at least two observations")
    stats = _stats()
    df = 2 * n - 2
    ncp = abs(delta) / sd * math.sqrt(n / 2)
    t_crit = stats.t.ppf(1 - alpha / 2, df)
    return float(stats.nct.sf(t_crit, df, ncp) + stats.nct.cdf(-t_crit, df, ncp))


def sample_size_means(
    delta: float, sd: float, *, alpha: float = 0.05, power: float = 0.8
) -> SampleSize:
    """Per-group size for the t-test to detect a difference ``delta`` in means of spread ``sd``."""
    _check_level(alpha, power)
    _check_means(delta, sd)
    from scipy import optimize

    stats = _stats()
    # the normal approximation is a slight underestimate: bracket the root above it
    z = stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)
    approx = 2 * (z * sd / delta) ** 2
    if approx > MAX_PER_GROUP:
        raise ConfigError(f"the effect is too small to detect with {MAX_PER_GROUP:,.0f} per group")
    if power_means(2.0, delta, sd, alpha=alpha) >= power:  # the smallest t-test suffices
        return SampleSize(2, 2, 2.0, alpha, power, delta)
    n = optimize.brentq(
        lambda x: power_means(x, delta, sd, alpha=alpha) - power,
        2.0,
        2 * approx + 10,
        xtol=1e-9,
    )
    return SampleSize(math.ceil(n), math.ceil(n), float(n), alpha, power, delta)


__all__ = sorted(
    [
        "MAX_PER_GROUP",
        "SampleSize",
        "power_means",
        "power_proportions",
        "sample_size_means",
        "sample_size_proportions",
    ]
)
