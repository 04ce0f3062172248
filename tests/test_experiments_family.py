"""Multiple-testing correction, power and the several-variant comparison, checked against
published examples (Benjamini & Hochberg 1995; R's power.prop.test / power.t.test help pages)
and against the formulas worked by hand."""

import json
import math

import httpx
import pytest
from typer.testing import CliRunner

from engagelens.cli.main import app, main
from engagelens.errors import ConfigError
from engagelens.experiments import (
    MeanStats,
    ProportionStats,
    benjamini_hochberg,
    compare_variants,
    holm,
    power_means,
    power_proportions,
    read_observations,
    sample_size_means,
    sample_size_proportions,
)

#: the 15 p-values of Benjamini & Hochberg (1995), §4.2
BH_1995 = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459,
           0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.000]  # fmt: skip


def test_bh_1995_example_rejects_four_and_holm_three():
    q = benjamini_hochberg(BH_1995)
    assert sum(x <= 0.05 for x in q) == 4  # the paper: four rejected at q* = 0.05
    # by hand: 15/4 * 0.0095 = 0.035625, 15/3 * 0.0019 = 0.0095, 15/2 * 0.0004 = 0.003
    assert q[:4] == pytest.approx([0.0015, 0.003, 0.0095, 0.035625])
    assert q[4] == pytest.approx(min(15 / k * BH_1995[k - 1] for k in range(5, 16)))
    h = holm(BH_1995)
    assert sum(x <= 0.05 for x in h) == 3  # 12 * 0.0095 = 0.114 > 0.05 stops Holm at three
    assert h[:4] == pytest.approx([15 * 0.0001, 14 * 0.0004, 13 * 0.0019, 12 * 0.0095])


def test_adjusted_p_values_keep_input_order_and_monotonicity():
    p = [0.01, 0.04, 0.03, 0.005]
    # Holm sorted: 4*.005=.02, 3*.01=.03, 2*.03=.06, max(.06, 1*.04)=.06
    assert holm(p) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    # BH sorted: 4*.005=.02, 2*.01=.02, 4/3*.03=.04, .04
    assert benjamini_hochberg(p) == pytest.approx([0.02, 0.04, 0.04, 0.02])
    assert holm([0.9, 0.8]) == [1.0, 1.0]  # capped at one
    assert holm([]) == [] and benjamini_hochberg([0.2]) == [0.2]
    with pytest.raises(ConfigError):
        holm([0.5, 1.5])
    with pytest.raises(ConfigError):
        benjamini_hochberg([float("nan")])


def test_sample_size_two_proportions_matches_power_prop_test():
    # R: power.prop.test(p1 = .50, p2 = .75, power = .90)  => n = 76.7
    s = sample_size_proportions(0.50, 0.75, power=0.90)
    z_a, z_b = 1.959963985, 1.281551566
    by_hand = (z_a * math.sqrt(1.25 * 0.75 / 2) + z_b * math.sqrt(0.25 + 0.1875)) ** 2 / 0.0625
    assert s.n_exact == pytest.approx(by_hand, rel=1e-8)
    assert round(s.n_exact, 1) == 76.7 and s.n == 77 and s.n_treatment == 77
    # R: power.prop.test(n = 50, p1 = .50, p2 = .75)  => power = 0.740
    assert round(power_proportions(50, 0.50, 0.75), 3) == 0.740
    assert power_proportions(s.n_exact, 0.50, 0.75) == pytest.approx(0.90, abs=1e-6)
    # a larger treatment group needs fewer control units
    assert sample_size_proportions(0.5, 0.75, power=0.9, ratio=2).n < s.n


def test_sample_size_two_means_matches_power_t_test():
    # R: power.t.test(n = 20, delta = 1)  => power = 0.8689528
    assert power_means(20, 1.0, 1.0) == pytest.approx(0.8689528, abs=1e-6)
    # R: power.t.test(power = .90, delta = 1)  => n = 22.02110
    s = sample_size_means(1.0, 1.0, power=0.90)
    assert s.n_exact == pytest.approx(22.02110, abs=1e-4) and s.n == 23
    normal = 2 * (1.959963985 + 1.281551566) ** 2  # z approximation, 21.01: t needs more
    assert normal < s.n_exact < normal + 1.5
    assert sample_size_means(2.0, 2.0, power=0.9).n_exact == pytest.approx(s.n_exact)
    # a huge effect: two per group (the smallest t-test) already has the power
    assert power_means(2, 100.0, 1.0) > 0.8 and sample_size_means(100.0, 1.0).n == 2


@pytest.mark.parametrize(
    "call",
    [
        lambda: sample_size_proportions(0.1, 0.1),
        lambda: sample_size_proportions(0.0, 0.1),
        lambda: sample_size_proportions(0.1, 0.2, power=1.0),
        lambda: sample_size_means(0.0, 1.0),
        lambda: sample_size_means(1.0, -1.0),
        lambda: sample_size_means(1e-9, 1.0),
    ],
)
def test_impossible_plans_are_clear_errors(call):
    with pytest.raises(ConfigError):
        call()


def _p_two_sided(z):
    return 2 * (1 - 0.5 * (1 + math.erf(abs(z) / math.sqrt(2))))


def test_compare_corrects_over_every_metric_and_variant():
    stats = {
        "ctr": {
            "A": ProportionStats(1000, 200),
            "B": ProportionStats(1000, 250),
            "C": ProportionStats(1000, 210),
        },
        "watch": {
            "A": MeanStats(100, 1000.0, 100 * 100.0 + 99 * 4.0),  # mean 10, sd 2
            "B": MeanStats(100, 1100.0, 100 * 121.0 + 99 * 4.0),  # mean 11, sd 2
        },
    }
    rows = compare_variants(stats, control="A", correction="holm")
    assert [(r.metric, r.variant) for r in rows] == [("ctr", "B"), ("ctr", "C"), ("watch", "B")]
    p_b = _p_two_sided(0.05 / math.sqrt(0.225 * 0.775 * 0.002))  # 0.00742, textbook
    p_c = _p_two_sided(0.01 / math.sqrt(0.205 * 0.795 * 0.002))
    p_w = _p_two_sided(1.0 / math.sqrt(4 / 100 + 4 / 100))  # z = 3.536
    assert [r.result.p_value for r in rows] == pytest.approx([p_b, p_c, p_w])
    # Holm over m = 3: sorted p_w (z 3.54) < p_b (z 2.68) < p_c
    assert rows[2].p_adjusted == pytest.approx(3 * p_w)
    assert rows[0].p_adjusted == pytest.approx(2 * p_b)
    assert rows[1].p_adjusted == pytest.approx(p_c)
    assert [r.significant for r in rows] == [True, False, True]
    bh = compare_variants(stats, control="A", correction="bh")
    assert bh[0].p_adjusted == pytest.approx(3 / 2 * p_b)
    raw = compare_variants(stats, control="A", correction="none")
    assert [r.p_adjusted for r in raw] == [r.result.p_value for r in raw]
    with pytest.raises(ConfigError, match="no control"):
        compare_variants(stats, control="Z")
    with pytest.raises(ConfigError):
        compare_variants(stats, control="A", correction="bonferroni")


OBS = """user,variant,clicked,watch_s
1,A,1,10
2,A,0,20
3,A,0,30
4,B,1,15
5,B,1,25
6,B,0,
7,C,0,5
8,C,1,7
"""


@pytest.fixture
def obs(tmp_path):
    path = tmp_path / "obs.csv"
    path.write_text(OBS)
    return path


def test_read_observations_detects_rates_and_means(obs):
    stats = read_observations(obs, variant="variant", metrics=["clicked", "watch_s"])
    assert stats["clicked"] == {
        "A": ProportionStats(3, 1), "B": ProportionStats(3, 2), "C": ProportionStats(2, 1)
    }  # fmt: skip
    assert stats["watch_s"]["B"] == MeanStats(2, 40.0, 850.0)  # the empty cell is left out
    assert stats["watch_s"]["A"].mean == 20.0
    forced = read_observations(obs, variant="variant", metrics=["clicked:mean"])
    assert isinstance(forced["clicked"]["A"], MeanStats)
    with pytest.raises(ConfigError):
        read_observations(obs, variant="variant", metrics=["watch_s:proportion"])
    with pytest.raises(ConfigError):
        read_observations(obs, variant="variant", metrics=["nope"])


def test_cli_compare_and_sample_size(obs):
    args = ["experiments", "compare", "--data", str(obs), "--metric", "clicked",
            "--metric", "watch_s", "--control", "A", "--correction", "bh", "--json"]  # fmt: skip
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["correction"] == "bh" and len(out["comparisons"]) == 4
    watch_c = next(c for c in out["comparisons"] if (c["metric"], c["variant"]) == ("watch_s", "C"))
    # A: 10,20,30 (var 100); C: 5,7 (var 2); Welch normal z = -14 / sqrt(100/3 + 2/2)
    assert watch_c["p_value"] == pytest.approx(_p_two_sided(14 / math.sqrt(100 / 3 + 1)))
    assert watch_c["p_adjusted"] == pytest.approx(4 * watch_c["p_value"])  # smallest of four
    r = CliRunner().invoke(app, ["experiments", "sample-size", "--baseline", "0.5",
                                 "--target", "0.75", "--power", "0.9", "--json"])  # fmt: skip
    assert r.exit_code == 0 and json.loads(r.output)["n"] == 77
    r = CliRunner().invoke(app, ["experiments", "sample-size", "--baseline", "0.5",
                                 "--target", "0.75", "--tests", "4", "--json"])  # fmt: skip
    assert json.loads(r.output)["alpha"] == pytest.approx(0.0125)
    assert main([*args[:-3], "--correction", "sidak"]) == 2
    assert main([*args[:-5], "--control", "Z"]) == 2
    assert main(["experiments", "sample-size", "--baseline", "0.5"]) == 2
    assert main(["experiments", "sample-size", "--delta", "1", "--baseline", "0.5"]) == 2


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    from engagelens.api import Control, create_app
    from engagelens.api.testing import live_server

    data_dir = tmp_path_factory.mktemp("api")
    control = Control(data_dir)
    control.create_workspace("shop", "Shop")
    token = control.create_token("shop", "viewer").token
    app_ = create_app(data_dir, settings={"api_rate_limit_per_minute": 1_000_000})
    with live_server(app_) as url, httpx.Client(
        base_url=url + "/api/v1/workspaces/shop", timeout=60,
        headers={"Authorization": f"Bearer {token}"},
    ) as client:  # fmt: skip
        yield client


def test_api_compare_and_sample_size(api):
    body = {
        "control": "A",
        "metrics": [
            {"name": "ctr", "kind": "proportion", "variants": {
                "A": {"n": 1000, "successes": 200}, "B": {"n": 1000, "successes": 250}}},
            {"name": "watch", "kind": "mean", "variants": {
                "A": {"n": 100, "mean": 10, "sd": 2}, "B": {"n": 100, "mean": 11, "sd": 2}}},
        ],
    }  # fmt: skip
    r = api.post("/experiments/compare", json=body)
    assert r.status_code == 200, r.text
    rows = r.json()["comparisons"]
    p_b = _p_two_sided(0.05 / math.sqrt(0.225 * 0.775 * 0.002))
    p_w = _p_two_sided(1.0 / math.sqrt(0.08))
    assert rows[0]["p_value"] == pytest.approx(p_b)
    # Holm, m = 2: the smaller p (watch, z 3.54) is doubled, the larger (ctr) taken once
    assert rows[1]["p_adjusted"] == pytest.approx(2 * p_w)
    assert rows[0]["p_adjusted"] == pytest.approx(p_b) and p_b > 2 * p_w
    assert api.post("/experiments/compare", json={**body, "correction": "sidak"}).status_code == 422
    assert api.post("/experiments/compare", json={**body, "control": "Z"}).status_code == 400
    bad = {"control": "A", "metrics": [{"name": "ctr", "kind": "proportion",
           "variants": {"A": {"n": 10}, "B": {"n": 10, "successes": 2}}}]}  # fmt: skip
    assert api.post("/experiments/compare", json=bad).status_code == 400
    empty = {"control": "A", "metrics": [{"name": "w", "kind": "mean", "variants": {
             "A": {"n": 0, "mean": 1, "sd": 1}, "B": {"n": 5, "mean": 1, "sd": 1}}}]}  # fmt: skip
    assert api.post("/experiments/compare", json=empty).status_code == 400
    r = api.get("/experiments/sample-size", params={"delta": 1, "sd": 1, "power": 0.9})
    assert r.status_code == 200 and r.json()["n"] == 23 and r.json()["kind"] == "mean"
    assert api.get("/experiments/sample-size", params={"baseline": 0.5}).status_code == 400
    assert (
        api.get("/experiments/sample-size", params={"baseline": 1.5, "target": 0.2}).status_code
        == 422
    )


def test_an_undetectably_small_change_is_a_clear_error_not_a_500():
    """Schemathesis: baseline 7.6e-280 and target 5e-324 overflowed (numpy warned, inf) into a
    500; rates that close need more than any brand has, and the answer says so."""
    from engagelens.experiments.power import MAX_PER_GROUP, sample_size_proportions

    with pytest.raises(ConfigError, match="too small to detect with 100,000,000 per group"):
        sample_size_proportions(7.571918359792709e-280, 5e-324)
    with pytest.raises(ConfigError, match="too small to detect"):
        sample_size_proportions(0.1, 0.1 + 1e-9)
    ok = sample_size_proportions(0.1, 0.12)
    assert 3000 < ok.n < MAX_PER_GROUP  # R power.prop.test(p1=.1, p2=.12): 3840.9
