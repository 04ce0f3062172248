"""A/B tests on engagement and conversion: the engine returns sufficient statistics, the
statistics are done here on small frozen dataclasses (STYLE §7), so they run on any backend."""

from .ab import (
    MeanStats,
    ProportionStats,
    TestResult,
    compare_means,
    compare_proportions,
    variant_stats,
)

__all__ = [
    "MeanStats",
    "ProportionStats",
    "TestResult",
    "compare_means",
    "compare_proportions",
    "variant_stats",
]
