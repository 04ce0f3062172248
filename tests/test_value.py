"""Customer value: BG/NBD and Gamma-Gamma against their published fits on CDNOW, their formulas
against hand computation and simulation, and CLTV/CLI behaviour on small order books.

Why the old test went: it asserted the margin-multiple with yearly retention = (monthly repeat
share)^12, which issue 16 showed to be wrong (4e-07 retention for customers ordering monthly)."""

import csv
import datetime as dt
import json
import math

import numpy as np
import pytest
from typer.testing import CliRunner

from engagelens.cli.main import app, main
from engagelens.errors import ConfigError, MetricError
from engagelens.value import (
    CustomerSummary,
    Transaction,
    bgnbd,
    cltv,
    cltv_from_transactions,
    cltv_summary,
    customer_value,
    gamma_gamma,
    read_transactions,
    summarise,
)

CAL_END = dt.datetime(1997, 9, 30)


def _cdnow(fixtures_dir):
    tx = []
    for line in (fixtures_dir / "cdnow" / "CDNOW_sample.txt").read_text().splitlines():
        _, sid, day, _cds, amount = line.split()
        tx.append(Transaction(sid, dt.datetime.strptime(day, "%Y%m%d"), float(amount)))
    return tx


@pytest.fixture(scope="module")
def cdnow_summary(fixtures_dir):
    return summarise(_cdnow(fixtures_dir), calibration_end=CAL_END, time_unit="weeks")


def test_cdnow_summary_matches_the_published_summary(cdnow_summary, fixtures_dir):
    rows = list(
        csv.DictReader(
            open(fixtures_dir / "cdnow" / "cdnow_customers_summary_with_transactions.csv")
        )
    )
    assert len(cdnow_summary) == len(rows) == 2357
    pos = {int(c): i for i, c in enumerate(cdnow_summary.customer_ids)}
    for r in rows:
        i = pos[int(r["ID"])]
        assert cdnow_summary.frequency[i] == int(r["x"])
        # the published file rounds to two decimals
        assert cdnow_summary.recency[i] == pytest.approx(float(r["t_x"]), abs=0.0051)
        assert cdnow_summary.T[i] == pytest.approx(float(r["T"]), abs=0.0051)
        assert cdnow_summary.monetary[i] == pytest.approx(float(r["zbar"]), abs=0.0051)


def test_bgnbd_cdnow_fader_hardie_lee_2005(cdnow_summary):
    """FHL (2005) Marketing Science 24(2): r=0.243, α=4.414, a=0.793, b=2.426, LL=−9582.4."""
    p = bgnbd.fit(cdnow_summary)
    assert (round(p.r, 3), round(p.alpha, 3), round(p.a, 3), round(p.b, 3)) == (
        0.243,
        4.414,
        0.793,
        2.426,
    )
    assert p.log_likelihood == pytest.approx(-9582.4, abs=0.05)
    assert p.customers == 2357


def test_gamma_gamma_cdnow_fader_hardie_2013(cdnow_summary):
    """Fader & Hardie (2013), 'The Gamma-Gamma Model of Monetary Value': p=6.25, q=3.74, γ=15.44."""
    g = gamma_gamma.fit(cdnow_summary)
    assert (round(g.p, 2), round(g.q, 2), round(g.v, 2)) == (6.25, 3.74, 15.44)
    assert g.customers == 946


def _summary(x, t_x, T, m=None):
    n = len(x)
    return CustomerSummary(
        tuple(str(i) for i in range(n)),
        np.array(x, float),
        np.array(t_x, float),
        np.array(T, float),
        np.array(m if m is not None else [0.0] * n, float),
        "weeks",
        dt.datetime(2000, 1, 1),
    )


def test_bgnbd_likelihood_p_alive_and_expectation_by_hand():
    r, al, a, b = 0.5, 2.0, 1.5, 3.0
    P = bgnbd.BgNbdParams(r, al, a, b, 0.0, 0)
    s = _summary([0, 2], [0.0, 5.0], [10.0, 10.0])
    ll = bgnbd.log_likelihood(np.array([r, al, a, b]), s.frequency, s.recency, s.T)
    # x = 0: L = (α/(α+T))^r  (the Beta part is B(a,b)/B(a,b) = 1)
    assert ll[0] == pytest.approx(r * math.log(al / (al + 10)))
    # x = 2: A1·[B(a,b+2)/B(a,b)·(α+T)^−(r+2) + B(a+1,b+1)/B(a,b)·(α+t_x)^−(r+2)]
    beta = lambda u, v: math.gamma(u) * math.gamma(v) / math.gamma(u + v)  # noqa: E731
    a1 = math.gamma(r + 2) * al**r / math.gamma(r)
    lik = a1 * (
        beta(a, b + 2) / beta(a, b) * (al + 10) ** -(r + 2)
        + beta(a + 1, b + 1) / beta(a, b) * (al + 5) ** -(r + 2)
    )
    assert ll[1] == pytest.approx(math.log(lik))
    alive = bgnbd.p_alive(P, s)
    assert alive[0] == 1.0
    assert alive[1] == pytest.approx(1 / (1 + a / (b + 1) * ((al + 10) / (al + 5)) ** (r + 2)))
    assert bgnbd.expected_purchases(P, s, 0.0).tolist() == [0.0, 0.0]
    with pytest.raises(MetricError):
        bgnbd.expected_purchases(P, s, -1.0)


def test_closed_form_forecast_equals_the_integral_it_stands_for():
    """Eq. (10) with 2F1 against a numerical integral over the dropout probability."""
    s = _summary([0, 2, 10, 25], [0.0, 5.0, 30.0, 38.0], [39.0, 39.0, 35.0, 39.0])
    for params in [(0.243, 4.414, 0.793, 2.426), (2.2, 1.4, 1.8, 0.43), (8.0, 30.0, 0.2, 9.0)]:
        P = bgnbd.BgNbdParams(*params, 0.0, 0)
        for t in (1.0, 39.0, 104.0):
            closed = bgnbd.expected_purchases(P, s, t)
            assert closed == pytest.approx(bgnbd.expected_purchases_by_quadrature(P, s, t))


def _simulate(r, alpha, a, b, T, n, seed):
    """The BG/NBD story itself: Poisson purchases until a coin flip after a purchase says gone."""
    rng = np.random.default_rng(seed)
    lam, p = rng.gamma(r, 1 / alpha, n), rng.beta(a, b, n)
    x, t_x = np.zeros(n), np.zeros(n)
    for i in range(n):
        t = 0.0
        while True:
            t += rng.exponential(1 / lam[i])
            if t > T:
                break
            x[i], t_x[i] = x[i] + 1, t
            if rng.random() < p[i]:
                break
    return _summary(x, t_x, [T] * n)


def test_bgnbd_formulas_and_fit_agree_with_a_simulated_population():
    P = bgnbd.BgNbdParams(0.243, 4.414, 0.793, 2.426, 0.0, 0)
    s = _simulate(P.r, P.alpha, P.a, P.b, 39.0, 20000, seed=7)
    # E[X(T)] (eq. 9) against the simulated mean; s.e. of the mean is about 0.016
    assert s.frequency.mean() == pytest.approx(bgnbd.expected_purchases_new(P, 39.0), abs=0.05)
    # averaged over the population, the conditional forecast (eq. 10) is the unconditional one
    cond = bgnbd.expected_purchases(P, s, 39.0).mean()
    uncond = bgnbd.expected_purchases_new(P, 78.0) - bgnbd.expected_purchases_new(P, 39.0)
    assert cond == pytest.approx(uncond, rel=0.03)
    fitted = bgnbd.fit(s)
    assert fitted.r == pytest.approx(P.r, rel=0.1) and fitted.alpha == pytest.approx(
        P.alpha, rel=0.15
    )


def test_gamma_gamma_expected_value_by_hand():
    g = gamma_gamma.GammaGammaParams(6.0, 4.0, 15.0, 0.0, 0)
    s = _summary([0, 3], [0, 8], [10, 10], [0.0, 40.0])
    # x=0: population mean pγ/(q−1) = 6·15/3 = 30; x=3, m̄=40: 6·(15+120)/(18+3) = 38.571…
    assert gamma_gamma.expected_value(g, s).tolist() == pytest.approx([30.0, 810 / 21])
    with pytest.raises(MetricError):
        gamma_gamma.expected_value(gamma_gamma.GammaGammaParams(1.0, 0.9, 1.0, 0.0, 0), s)


def test_cltv_discounting_margin_and_horizon(cdnow_summary):
    flat = cltv(cdnow_summary, horizon_months=12, discount_rate=0.0)
    c0 = flat.customers[0]
    # without discounting the monthly increments telescope to E[value]·E[Y(12 months)]
    assert c0.cltv == pytest.approx(c0.expected_value * c0.expected_purchases)
    disc = cltv(cdnow_summary, horizon_months=12, discount_rate=0.10)
    half = cltv(cdnow_summary, horizon_months=12, discount_rate=0.10, margin_share=0.5)
    d0, h0 = disc.customers[0], half.customers[0]
    # each month's purchases are discounted by between (1.1)^(−1/12) and 1.1^(−1)
    assert c0.cltv / 1.1 < d0.cltv < c0.cltv / 1.1 ** (1 / 12)
    assert h0.cltv == pytest.approx(d0.cltv / 2)
    assert flat.to_dict()["bgnbd"]["r"] == pytest.approx(0.2426, abs=1e-4)
    with pytest.raises(ConfigError):
        cltv(cdnow_summary, horizon_months=0)
    with pytest.raises(ConfigError):
        cltv(cdnow_summary, margin_share=1.5)


def test_cdnow_holdout_counts_purchases_after_calibration(fixtures_dir):
    tx = _cdnow(fixtures_dir)
    res = cltv_from_transactions(tx, calibration_end=CAL_END)
    later = {(t.customer_id, t.occurred_at.date()) for t in tx if t.occurred_at > CAL_END}
    assert res.holdout.actual == len(later)
    assert res.holdout.length == pytest.approx((dt.date(1998, 6, 30) - CAL_END.date()).days / 7)
    assert 0 < res.holdout.predicted


def _order(i, cust, day, value):
    return {
        "conversion_id": str(i),
        "customer_id": cust,
        "occurred_at": dt.datetime(2026, 1, 1) + dt.timedelta(days=day),
        "value": value,
    }


def test_store_cltv_is_not_the_old_retention_bug(store):
    # 30 customers who order every 30 days for a year (the demo's ~4.8 orders/year shape,
    # more regular), 10 who ordered twice in January and never again
    rows, i = [], 0
    for c in range(30):
        for k in range(12):
            i += 1
            rows.append(_order(i, f"loyal{c}", c % 7 + 30 * k, 20.0 + c % 5))
    for c in range(10):
        for k in range(2):
            i += 1
            rows.append(_order(i, f"gone{c}", c + 5 * k, 30.0))
    store.insert("conversion", [*rows, _order(0, None, 3, 99.0)])
    s = cltv_summary(store, discount_rate=0.1)
    assert (s.customers, s.orders) == (40, 380)
    assert s.revenue == pytest.approx(sum(r["value"] for r in rows))
    by_id = {
        c.customer_id: c
        for c in cltv_from_transactions(
            [Transaction(r["customer_id"], r["occurred_at"], r["value"]) for r in rows]
        ).customers
    }
    # regular monthly buyers: alive and about 12 purchases next year; the January pair: gone
    assert by_id["loyal0"].p_alive > 0.9 and by_id["loyal0"].expected_purchases > 6
    assert by_id["gone0"].p_alive < by_id["loyal0"].p_alive
    assert s.mean_cltv == pytest.approx(np.mean([c.cltv for c in by_id.values()]))
    assert s.mean_cltv > 20  # the old formula said 3.4e-05
    per = {r["customer_id"]: r for r in customer_value(store).to_pyarrow().to_pylist()}
    assert per["loyal0"]["orders"] == 12


def test_no_customers_gives_empty_summary(store):
    s = cltv_summary(store)
    assert s.customers == 0 and s.mean_cltv is None


def test_bad_inputs_are_clear_errors(tmp_path):
    with pytest.raises(MetricError):  # nobody bought twice: nothing to learn dropout from
        cltv_from_transactions([Transaction("a", dt.datetime(2026, 1, 1), 1.0)] * 1)
    with pytest.raises(ConfigError):
        summarise([], calibration_end=CAL_END, time_unit="fortnights")
    bad = tmp_path / "bad.csv"
    bad.write_text("cust,day,amt\na,2026-01-01,3\nb,yesterday,4\n")
    with pytest.raises(ConfigError, match=r"bad.csv:3"):
        read_transactions(bad, customer="cust", date="day", amount="amt")
    with pytest.raises(ConfigError, match="no column 'price'"):
        read_transactions(bad, customer="cust", date="day", amount="price")


def test_cli_value_cltv_json_on_cdnow(fixtures_dir, tmp_path):
    path = tmp_path / "cdnow.csv"
    lines = ["customer,date,amount"]
    for line in (fixtures_dir / "cdnow" / "CDNOW_sample.txt").read_text().splitlines():
        _, sid, day, _cds, amount = line.split()
        lines.append(f"{sid},{day},{amount}")
    path.write_text("\n".join(lines) + "\n")
    args = [
        "value", "cltv", "--transactions", str(path), "--customer", "customer", "--date",
        "date", "--amount", "amount", "--calibration-end", "1997-09-30", "--time-unit",
        "weeks", "--format", "json",
    ]  # fmt: skip
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert {k: round(v, 3) for k, v in out["bgnbd"].items()} == {
        "r": 0.243,
        "alpha": 4.414,
        "a": 0.793,
        "b": 2.426,
    }
    assert {k: round(v, 2) for k, v in out["gamma_gamma"].items()} == {
        "p": 6.25,
        "q": 3.74,
        "v": 15.44,
    }
    assert len(out["customers"]) == 2357
    assert set(out["customers"][0]) >= {"customer_id", "p_alive", "expected_purchases", "cltv"}
    assert main([*args[:-2], "--format", "xml"]) == 2
    assert main([*args[:-6], "--calibration-end", "1990-01-01"]) == 2
    assert main([*args[:4], "--customer", "nope"]) == 2
