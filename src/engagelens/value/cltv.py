"""Customer lifetime value from the ``conversion`` table.

Why this formula: brands rarely have the data for a probabilistic model (BG/NBD) on day one,
but they always have orders. We use Gupta & Lehmann's (2003, *Journal of Interactive Marketing*
17(1)) margin-multiple with a constant retention rate:

    CLTV = m · r / (1 + d − r)

where ``m`` is the yearly margin per customer (average order value × orders per customer per
year × margin share), ``r`` the yearly retention rate and ``d`` the discount rate. Retention is
estimated from the data as the share of customers who bought in one month and again in the
next (monthly), compounded to a year: r_year = r_month ** 12.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import ibis

if TYPE_CHECKING:  # pragma: no cover
    from engagelens.store import Store


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
class CltvSummary:
    customers: int
    orders: int
    revenue: float
    average_order_value: float | None
    orders_per_customer_per_year: float | None
    monthly_retention: float | None
    yearly_retention: float | None
    cltv: float | None


def cltv_summary(
    store: Store, *, margin_share: float = 1.0, discount_rate: float = 0.10
) -> CltvSummary:
    c = store.table("conversion")
    c = c.filter(c.customer_id.notnull())
    totals = (
        c.aggregate(
            customers=c.customer_id.nunique(),
            orders=c.count(),
            revenue=c.value.fill_null(0).sum(),
            first=c.occurred_at.min(),
            last=c.occurred_at.max(),
        )
        .to_pyarrow()
        .to_pylist()[0]
    )
    customers, orders = int(totals["customers"] or 0), int(totals["orders"] or 0)
    revenue = float(totals["revenue"] or 0.0)
    if not customers:
        return CltvSummary(0, 0, 0.0, None, None, None, None, None)
    aov = revenue / orders
    span_days = max((totals["last"] - totals["first"]).total_seconds() / 86400, 1.0)
    freq_year = orders / customers * (365.25 / span_days)

    # monthly retention: customers active in month t who are active again in month t+1
    months = (
        c.mutate(month=c.occurred_at.truncate("M").date()).select("customer_id", "month").distinct()
    )
    nxt = months.mutate(prev_month=(months.month - ibis.interval(months=1))).select(
        customer_id="customer_id", prev_month="prev_month"
    )
    joined = months.left_join(
        nxt, [months.customer_id == nxt.customer_id, months.month == nxt.prev_month]
    )
    last_month = months.month.max().as_scalar()
    eligible = joined.filter(joined.month < last_month)  # the last month has no "next" yet
    stats = (
        eligible.aggregate(
            active=eligible.count(), retained=eligible.prev_month.notnull().cast("int64").sum()
        )
        .to_pyarrow()
        .to_pylist()[0]
    )
    r_month = (stats["retained"] / stats["active"]) if stats["active"] else None
    r_year = r_month**12 if r_month is not None else None
    cltv = None
    if r_year is not None:
        m = aov * freq_year * margin_share
        cltv = m * r_year / (1 + discount_rate - r_year)
    return CltvSummary(customers, orders, revenue, aov, freq_year, r_month, r_year, cltv)


__all__ = sorted(["CltvSummary", "cltv_summary", "customer_value"])
