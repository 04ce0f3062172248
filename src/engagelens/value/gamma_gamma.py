"""Gamma-Gamma: what a customer's future purchases will be worth on average.

Why this model: a customer's observed mean order value is noisy when they bought twice; the
model shrinks it towards the population mean by how much evidence there is. Source: Fader &
Hardie (2013), "The Gamma-Gamma Model of Monetary Value" (note, brucehardie.com), after
Colombo & Jiang (1999). Transaction values are Gamma(p, ν), ν ~ Gamma(q, γ); fitted on customers
with at least one repeat purchase, on their mean repeat value m̄ (``summary.monetary``).
It assumes value is independent of frequency; check that before trusting CLTV.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy import optimize, special

from engagelens.errors import MetricError

from .summary import CustomerSummary


@dataclass(frozen=True)
class GammaGammaParams:
    p: float
    q: float
    v: float
    log_likelihood: float
    customers: int

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


def log_likelihood(params: np.ndarray, x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Per-customer log-likelihood of the mean value m̄ of x purchases (Fader & Hardie 2013)."""
    p, q, v = params
    px = p * x
    return (
        special.gammaln(px + q)
        - special.gammaln(px)
        - special.gammaln(q)
        + q * np.log(v)
        + (px - 1) * np.log(m)
        + px * np.log(x)
        - (px + q) * np.log(x * m + v)
    )


def fit(summary: CustomerSummary) -> GammaGammaParams:
    repeat = summary.frequency > 0
    x, m = summary.frequency[repeat], summary.monetary[repeat]
    if len(x) < 2:
        raise MetricError("Gamma-Gamma needs at least two customers with a repeat purchase")
    if np.any(m <= 0):
        raise MetricError("Gamma-Gamma needs positive purchase values (found zero or negative)")

    def nll(log_params: np.ndarray) -> float:
        value = -log_likelihood(np.exp(log_params), x, m).sum()
        return float(value) if np.isfinite(value) else 1e300

    coarse = optimize.minimize(nll, np.zeros(3), method="Nelder-Mead", options={"maxiter": 6000})
    fine = optimize.minimize(nll, coarse.x, method="L-BFGS-B")
    best = fine if fine.fun <= coarse.fun else coarse
    p, q, v = np.exp(best.x)
    return GammaGammaParams(float(p), float(q), float(v), -float(best.fun), len(x))


def expected_value(params: GammaGammaParams, summary: CustomerSummary) -> np.ndarray:
    """E[value of a future purchase | x, m̄]; the population mean pν/(q−1) for x = 0."""
    p, q, v = params.p, params.q, params.v
    if q <= 1:
        raise MetricError(f"Gamma-Gamma q = {q:.3f} <= 1: the mean purchase value is unbounded")
    x, m = summary.frequency, summary.monetary
    return (p * (v + x * m)) / (p * x + q - 1)


__all__ = sorted(["GammaGammaParams", "expected_value", "fit", "log_likelihood"])
