"""A/B tests on engagement and conversion: the engine returns sufficient statistics, the
statistics are done here on small frozen dataclasses (STYLE §7), so they run on any backend.
Several variants and metrics are compared as one family with corrected p-values
(:mod:`.correction`); :mod:`.power` sizes a test before it runs."""

from .ab import (
    MeanStats,
    ProportionStats,
    TestResult,
    compare_means,
    compare_proportions,
    variant_stats,
)
from .compare import Comparison, compare_variants, read_observations, stats_from_dict
from .correction import adjust, benjamini_hochberg, holm
from .power import (
    SampleSize,
    power_means,
    power_proportions,
    sample_size_means,
    sample_size_proportions,
)

__all__ = [
    "Comparison",
    "MeanStats",
    "ProportionStats",
    "SampleSize",
    "TestResult",
    "adjust",
    "benjamini_hochberg",
    "compare_means",
    "compare_proportions",
    "compare_variants",
    "holm",
    "power_means",
    "power_proportions",
    "read_observations",
    "sample_size_means",
    "sample_size_proportions",
    "stats_from_dict",
    "variant_stats",
]
