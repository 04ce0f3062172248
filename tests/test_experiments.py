"""A/B statistics checked against textbook values and an independent computation."""

import math

import ibis
import pytest

from engagelens.errors import MetricError
from engagelens.experiments import (
    MeanStats,
    ProportionStats,
    compare_means,
    compare_proportions,
    variant_stats,
)


def test_two_proportion_z_matches_textbook_example():
    # 200/1000 vs 250/1000: pooled p = 0.225, se = sqrt(.225*.775*(2/1000)) = 0.018675…
    r = compare_proportions(ProportionStats(1000, 200), ProportionStats(1000, 250))
    se = math.sqrt(0.225 * 0.775 * 0.002)
    assert r.z == pytest.approx(0.05 / se)
    assert r.z == pytest.approx(2.6774, abs=1e-3)
    assert r.p_value == pytest.approx(0.00742, abs=1e-4)
    assert r.significant
    assert r.relative_lift == pytest.approx(0.25)
    # 95% Wald interval of the difference
    se_ci = math.sqrt(0.2 * 0.8 / 1000 + 0.25 * 0.75 / 1000)
    assert r.ci_low == pytest.approx(0.05 - 1.959964 * se_ci, abs=1e-5)


def test_no_difference_is_not_significant():
    r = compare_proportions(ProportionStats(500, 50), ProportionStats(500, 50))
    assert r.z == 0 and r.p_value == pytest.approx(1.0) and not r.significant


def test_means_welch_normal_approximation():
    a = [1.0, 2.0, 3.0, 4.0, 5.0] * 40
    b = [2.0, 3.0, 4.0, 5.0, 6.0] * 40
    sa = MeanStats(len(a), sum(a), sum(x * x for x in a))
    sb = MeanStats(len(b), sum(b), sum(x * x for x in b))
    var = sum((x - 3.0) ** 2 for x in a) / (len(a) - 1)
    assert sa.variance == pytest.approx(var)
    r = compare_means(sa, sb)
    assert r.difference == pytest.approx(1.0)
    assert r.z == pytest.approx(1.0 / math.sqrt(2 * var / 200))


def test_invalid_inputs_are_clear_errors():
    with pytest.raises(MetricError):
        compare_proportions(ProportionStats(0, 0), ProportionStats(10, 1))
    with pytest.raises(MetricError):
        compare_proportions(ProportionStats(10, 11), ProportionStats(10, 1))


def test_variant_stats_from_an_ibis_table():
    t = ibis.memtable(
        {
            "arm": ["a", "a", "a", "b", "b"],
            "converted": [True, False, True, False, True],
            "watch_s": [10.0, 20.0, 30.0, 5.0, 15.0],
        }
    )
    props = variant_stats(t, "arm", "converted")
    assert props["a"] == ProportionStats(3, 2) and props["b"] == ProportionStats(2, 1)
    means = variant_stats(t, "arm", "watch_s", binary=False)
    assert means["a"].mean == pytest.approx(20.0) and means["b"].total_sq == pytest.approx(250.0)
