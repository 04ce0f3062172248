"""CLTV on a hand-built order book, checked against the Gupta & Lehmann formula by hand."""

import datetime as dt

import pytest

from engagelens.value import cltv_summary, customer_value


def _order(i, cust, month, value):
    return {
        "conversion_id": str(i),
        "customer_id": cust,
        "occurred_at": dt.datetime(2026, month, 10),
        "value": value,
    }


def test_cltv_matches_hand_computation(store):
    rows = [
        _order(1, "a", 1, 10.0),
        _order(2, "a", 2, 20.0),
        _order(3, "a", 3, 30.0),
        _order(4, "b", 1, 40.0),
        _order(5, "c", 2, 50.0),
        _order(6, "c", 3, 50.0),
        {
            "conversion_id": "7",
            "customer_id": None,
            "occurred_at": dt.datetime(2026, 1, 1),
            "value": 99.0,
        },
    ]
    store.insert("conversion", rows)
    s = cltv_summary(store, margin_share=0.5, discount_rate=0.1)
    assert (s.customers, s.orders, s.revenue) == (3, 6, 200.0)
    assert s.average_order_value == pytest.approx(200 / 6)
    # month-customer pairs before the last month (March): Jan a, Jan b, Feb a, Feb c → a, a, c retained
    assert s.monthly_retention == pytest.approx(3 / 4)
    span = (dt.datetime(2026, 3, 10) - dt.datetime(2026, 1, 10)).days
    freq = 6 / 3 * 365.25 / span
    m = (200 / 6) * freq * 0.5
    r = 0.75**12
    assert s.cltv == pytest.approx(m * r / (1.1 - r))
    per = {r["customer_id"]: r for r in customer_value(store).to_pyarrow().to_pylist()}
    assert per["a"]["orders"] == 3 and per["c"]["revenue"] == 100.0


def test_no_customers_gives_empty_summary(store):
    s = cltv_summary(store)
    assert s.customers == 0 and s.cltv is None
