"""Customer lifetime value per customer: BG/NBD purchases × Gamma-Gamma value, discounted.

Why: the old margin-multiple (Gupta & Lehmann 2003) needed one retention rate and estimated it
as a month-to-month repeat share raised to the 12th power, which says 4e-07 for customers who
order every few months. BG/NBD (``bgnbd``) instead gives each customer's expected purchases and
P(alive) from their own (x, t_x, T); Gamma-Gamma (``gamma_gamma``) their expected order value.

    CLTV_i = margin · E[value_i] · Σ_{k=1..H} (E[Y_i(k·s)] − E[Y_i((k−1)·s)]) / (1 + d)^(k/12)

with monthly steps ``s`` (in the summary's time unit), horizon H months and yearly discount rate
``d`` (Fader, Hardie & Lee 2005, "RFM and CLV: Using Iso-Value Curves for Customer Base
Analysis", *JMR* 42(4), discounted expected transactions, computed here as a monthly sum).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING, Any

import ibis
import numpy as np

from engagelens.errors import ConfigError, MetricError

from . import bgnbd, gamma_gamma
from .summary import CustomerSummary, Transaction, store_transactions, summarise, unit_days

if TYPE_CHECKING:  # pragma: no cover
    from engagelens.store import Store

_MONTH_DAYS = 365.25 / 12


def customer_value(store: Store) -> ibis.Table:
    """One row per customer: orders, revenue, first and last order."""
    c = store.table("conversion")
    c = c.filter(c.customer_id.notnull())
    return c.group_by("customer_id").aggregate(
        orders=c.count(),
        revenue=c.value.fill_null(0).sum(),
        first_order=c.occurred_at.min(),
        last_order=c.occurred_at.max(),
    )


@dataclass(frozen=True)
class CustomerCltv:
    customer_id: str
    frequency: float
    recency: float
    T: float
    monetary: float
    p_alive: float
    expected_purchases: float
    expected_value: float
    cltv: float


@dataclass(frozen=True)
class Holdout:
    """Predicted against actual repeat purchases after calibration (the model's own check)."""

    length: float
    predicted: float
    actual: int


@dataclass(frozen=True)
class CltvResult:
    bgnbd: bgnbd.BgNbdParams
    gamma_gamma: gamma_gamma.GammaGammaParams
    time_unit: str
    calibration_end: dt.datetime
    horizon_months: int
    discount_rate: float
    margin_share: float
    customers: tuple[CustomerCltv, ...]
    holdout: Holdout | None = None

    def distribution(self) -> dict[str, float]:
        """Count, total, mean and percentiles of CLTV over the customers."""
        values = np.array([c.cltv for c in self.customers])
        qs = np.percentile(values, [10, 25, 50, 75, 90, 99]) if len(values) else [0.0] * 6
        return {
            "customers": len(values),
            "total": float(values.sum()),
            "mean": float(values.mean()) if len(values) else 0.0,
            **{f"p{q}": float(v) for q, v in zip((10, 25, 50, 75, 90, 99), qs, strict=True)},
            "max": float(values.max()) if len(values) else 0.0,
        }

    def to_dict(self, *, customers: bool = True) -> dict[str, Any]:
        b, g = self.bgnbd, self.gamma_gamma
        out: dict[str, Any] = {
            "bgnbd": {"r": b.r, "alpha": b.alpha, "a": b.a, "b": b.b},
            "bgnbd_log_likelihood": b.log_likelihood,
            "gamma_gamma": {"p": g.p, "q": g.q, "v": g.v},
            "gamma_gamma_log_likelihood": g.log_likelihood,
            "time_unit": self.time_unit,
            "calibration_end": self.calibration_end.date().isoformat(),
            "horizon_months": self.horizon_months,
            "discount_rate": self.discount_rate,
            "margin_share": self.margin_share,
            "distribution": self.distribution(),
            "holdout": asdict(self.holdout) if self.holdout else None,
        }
        if customers:
            out["customers"] = [asdict(c) for c in self.customers]
        return out


def discounted_purchases(
    params: bgnbd.BgNbdParams,
    summary: CustomerSummary,
    *,
    horizon_months: int,
    discount_rate: float,
) -> np.ndarray:
    """Σ_k (E[Y(k·s)] − E[Y((k−1)·s)]) / (1+d)^(k/12): expected purchases, discounted monthly."""
    step = _MONTH_DAYS / unit_days(summary.time_unit)
    total = np.zeros(len(summary))
    previous = np.zeros(len(summary))
    for k in range(1, horizon_months + 1):
        current = bgnbd.expected_purchases(params, summary, k * step)
        total += (current - previous) / (1 + discount_rate) ** (k / 12)
        previous = current
    return total


def cltv(
    summary: CustomerSummary,
    *,
    horizon_months: int = 12,
    discount_rate: float = 0.10,
    margin_share: float = 1.0,
    holdout: Holdout | None = None,
) -> CltvResult:
    """Fit both models on ``summary`` and value every customer in it."""
    if horizon_months < 1:
        raise ConfigError(f"horizon must be at least one month, got {horizon_months}")
    if not 0 <= discount_rate < 10:
        raise ConfigError(f"discount rate is a yearly fraction like 0.10, got {discount_rate}")
    if not 0 < margin_share <= 1:
        raise ConfigError(f"margin share is a fraction in (0, 1], got {margin_share}")
    bg = bgnbd.fit(summary)
    gg = gamma_gamma.fit(summary)
    alive = bgnbd.p_alive(bg, summary)
    horizon = horizon_months * _MONTH_DAYS / unit_days(summary.time_unit)
    purchases = bgnbd.expected_purchases(bg, summary, horizon)
    value = gamma_gamma.expected_value(gg, summary)
    worth = (
        margin_share
        * value
        * discounted_purchases(
            bg, summary, horizon_months=horizon_months, discount_rate=discount_rate
        )
    )
    rows = tuple(
        CustomerCltv(
            summary.customer_ids[i],
            float(summary.frequency[i]),
            float(summary.recency[i]),
            float(summary.T[i]),
            float(summary.monetary[i]),
            float(alive[i]),
            float(purchases[i]),
            float(value[i]),
            float(worth[i]),
        )
        for i in range(len(summary))
    )
    return CltvResult(
        bg,
        gg,
        summary.time_unit,
        summary.calibration_end,
        horizon_months,
        discount_rate,
        margin_share,
        rows,
        holdout,
    )


def cltv_from_transactions(
    transactions: list[Transaction],
    *,
    calibration_end: dt.datetime | None = None,
    time_unit: str = "weeks",
    horizon_months: int = 12,
    discount_rate: float = 0.10,
    margin_share: float = 1.0,
) -> CltvResult:
    """Summarise, fit and value; purchases after ``calibration_end`` become the hold-out check.

    ``calibration_end`` defaults to the day of the last transaction (no hold-out)."""
    if not transactions:
        raise MetricError("no transactions with a customer id: nothing to fit")
    first = min(t.occurred_at for t in transactions)
    last = max(t.occurred_at for t in transactions)
    end = calibration_end or last
    if end.date() < first.date():
        raise ConfigError(
            f"calibration end {end.date()} is before the first transaction {first.date()}"
        )
    summary = summarise(transactions, calibration_end=end, time_unit=time_unit)
    check = _holdout(transactions, summary, last) if last.date() > end.date() else None
    result = cltv(
        summary,
        horizon_months=horizon_months,
        discount_rate=discount_rate,
        margin_share=margin_share,
    )
    if check is None:
        return result
    predicted = float(bgnbd.expected_purchases(result.bgnbd, summary, check.length).sum())
    return replace(result, holdout=Holdout(check.length, predicted, check.actual))


def _holdout(
    transactions: list[Transaction], summary: CustomerSummary, last: dt.datetime
) -> Holdout:
    known = set(summary.customer_ids)
    end = summary.calibration_end.date()
    days = {(t.customer_id, t.occurred_at.date()) for t in transactions}
    actual = sum(1 for cid, day in days if cid in known and day > end)
    length = (last.date() - end).days / unit_days(summary.time_unit)
    return Holdout(length, 0.0, actual)


@dataclass(frozen=True)
class CltvSummary:
    customers: int
    orders: int
    revenue: float
    average_order_value: float | None
    expected_purchases_per_customer: float | None
    mean_p_alive: float | None
    mean_cltv: float | None
    total_cltv: float | None


def cltv_summary(
    store: Store,
    *,
    margin_share: float = 1.0,
    discount_rate: float = 0.10,
    horizon_months: int = 12,
    time_unit: str = "weeks",
) -> CltvSummary:
    """Store-wide CLTV from the ``conversion`` table (every order is calibration data)."""
    tx = store_transactions(store)
    if not tx:
        return CltvSummary(0, 0, 0.0, None, None, None, None, None)
    revenue = sum(t.amount for t in tx)
    customers = len({t.customer_id for t in tx})
    result = cltv_from_transactions(
        tx,
        time_unit=time_unit,
        horizon_months=horizon_months,
        discount_rate=discount_rate,
        margin_share=margin_share,
    )
    rows = result.customers
    return CltvSummary(
        customers,
        len(tx),
        revenue,
        revenue / len(tx),
        float(np.mean([c.expected_purchases for c in rows])),
        float(np.mean([c.p_alive for c in rows])),
        float(np.mean([c.cltv for c in rows])),
        float(np.sum([c.cltv for c in rows])),
    )


__all__ = sorted(
    [
        "CltvResult",
        "CltvSummary",
        "CustomerCltv",
        "Holdout",
        "cltv",
        "cltv_from_transactions",
        "cltv_summary",
        "customer_value",
        "discounted_purchases",
    ]
)
