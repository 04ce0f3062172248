"""BG/NBD: how many more purchases a customer will make, and whether they are still a customer.

Why this model: it needs only (x, t_x, T) per customer, fits in a second by maximum likelihood,
and is the published standard for non-contractual settings (shop orders), where a customer
never says they left. Source: Fader, Hardie & Lee (2005), "'Counting Your Customers' the Easy
Way: An Alternative to the Pareto/NBD Model", *Marketing Science* 24(2) 275-284; equations
(6) log-likelihood, (10) conditional expectation, and the P(alive) of their technical note
(Fader, Hardie & Lee 2008, "Computing P(alive) using the BG/NBD model").

While active, purchases are Poisson(λ), λ ~ Gamma(r, α); after any purchase the customer drops
out with probability p, p ~ Beta(a, b).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy import optimize, special

from engagelens.errors import MetricError

from .summary import CustomerSummary


@dataclass(frozen=True)
class BgNbdParams:
    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    customers: int

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


def log_likelihood(params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """Per-customer log-likelihood, FHL (2005) eq. (6), summed in log space for stability."""
    r, alpha, a, b = params
    head = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    alive = special.betaln(a, b + x) - special.betaln(a, b) - (r + x) * np.log(alpha + T)
    repeat = x > 0
    gone = np.full_like(alive, -np.inf)
    xr = x[repeat]
    gone[repeat] = (
        special.betaln(a + 1, b + xr - 1)
        - special.betaln(a, b)
        - (r + xr) * np.log(alpha + t_x[repeat])
    )
    return head + np.logaddexp(alive, gone)


def fit(summary: CustomerSummary) -> BgNbdParams:
    """Maximum-likelihood estimates of (r, α, a, b) on the summary's customers."""
    x, t_x, T = summary.frequency, summary.recency, summary.T
    if len(summary) < 2 or not np.any(x > 0):
        raise MetricError(
            "BG/NBD needs at least two customers and at least one repeat purchase to fit"
        )
    if np.any(t_x > T) or np.any(x < 0):
        raise MetricError("each customer needs 0 <= recency <= T and frequency >= 0")

    def nll(log_params: np.ndarray) -> float:
        value = -log_likelihood(np.exp(log_params), x, t_x, T).sum()
        return float(value) if np.isfinite(value) else 1e300

    start = np.zeros(4)
    coarse = optimize.minimize(nll, start, method="Nelder-Mead", options={"maxiter": 4000})
    fine = optimize.minimize(nll, coarse.x, method="L-BFGS-B")
    best = fine if fine.fun <= coarse.fun else coarse
    r, alpha, a, b = np.exp(best.x)
    return BgNbdParams(float(r), float(alpha), float(a), float(b), -float(best.fun), len(x))


def p_alive(params: BgNbdParams, summary: CustomerSummary) -> np.ndarray:
    """P(still active at T | x, t_x, T); 1 for customers with no repeat purchase (FHL 2008)."""
    x, t_x, T = summary.frequency, summary.recency, summary.T
    return 1.0 / (1.0 + _odds_gone(params, x, t_x, T))


def _odds_gone(params: BgNbdParams, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    out = np.zeros_like(x, dtype=float)
    m = x > 0
    out[m] = a / (b + x[m] - 1) * ((alpha + T[m]) / (alpha + t_x[m])) ** (r + x[m])
    return out


def expected_purchases(params: BgNbdParams, summary: CustomerSummary, horizon: float) -> np.ndarray:
    """E[purchases in (T, T + horizon] | x, t_x, T], FHL (2005) eq. (10); horizon in time units."""
    if horizon < 0:
        raise MetricError(f"horizon must be >= 0, got {horizon}")
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    x, t_x, T = summary.frequency, summary.recency, summary.T
    if horizon == 0:
        return np.zeros_like(x, dtype=float)
    with np.errstate(all="ignore"):
        hyp = special.hyp2f1(r + x, b + x, a + b + x - 1, horizon / (alpha + T + horizon))
        head = (a + b + x - 1) / (a - 1)
        body = 1 - ((alpha + T) / (alpha + T + horizon)) ** (r + x) * hyp
        out = head * body / (1 + _odds_gone(params, x, t_x, T))
    bad = ~np.isfinite(out) | (out < 0)
    if np.any(bad):  # 2F1 overflows for extreme fits (very regular buyers): integrate instead
        out[bad] = expected_purchases_by_quadrature(params, _rows(summary, bad), horizon)
    return out


def expected_purchases_by_quadrature(
    params: BgNbdParams, summary: CustomerSummary, horizon: float
) -> np.ndarray:
    """Eq. (10) without 2F1: P(alive) · E_p[(1 − ((α+T)/(α+T+p·t))^(r+x)) / p].

    Given alive at T, λ ~ Gamma(r+x, α+T) and p ~ Beta(a, b+x) independently, and an active
    customer buys (1 − e^(−λpt))/p times in t (FHL 2005, eq. 7); integrating λ gives the
    integrand, p is integrated numerically against the Beta weight."""
    from scipy import integrate

    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    alive = p_alive(params, summary)
    out = np.zeros(len(summary))
    for i, (x, T) in enumerate(zip(summary.frequency, summary.T, strict=True)):
        base = alpha + T

        def integrand(p: float, x: float = x, base: float = base) -> float:
            if p <= 0:
                return horizon * (r + x) / base
            return float(-np.expm1(-(r + x) * np.log1p(p * horizon / base)) / p)

        value, _ = integrate.quad(integrand, 0.0, 1.0, weight="alg", wvar=(a - 1, b + x - 1))
        out[i] = alive[i] * value / np.exp(special.betaln(a, b + x))
    return out


def _rows(summary: CustomerSummary, mask: np.ndarray) -> CustomerSummary:
    return CustomerSummary(
        tuple(c for c, m in zip(summary.customer_ids, mask, strict=True) if m),
        summary.frequency[mask],
        summary.recency[mask],
        summary.T[mask],
        summary.monetary[mask],
        summary.time_unit,
        summary.calibration_end,
    )


def expected_purchases_new(params: BgNbdParams, t: float) -> float:
    """E[X(t)] for a customer just acquired, FHL (2005) eq. (9): the model's population curve."""
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    hyp = special.hyp2f1(r, b, a + b - 1, t / (alpha + t))
    return float((a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp))


__all__ = sorted(
    [
        "BgNbdParams",
        "expected_purchases",
        "expected_purchases_by_quadrature",
        "expected_purchases_new",
        "fit",
        "log_likelihood",
        "p_alive",
    ]
)
