"""Metrics: declared once in a registry, computed as Ibis expressions on any backend."""

from .base import GRAIN_KEYS, Filters, Metric, MetricContext
from .baseline import baseline
from .cache import cached
from .compute import compute
from .registry import all_metrics, get_metric, register

__all__ = [
    "Filters",
    "GRAIN_KEYS",
    "Metric",
    "MetricContext",
    "all_metrics",
    "baseline",
    "cached",
    "compute",
    "get_metric",
    "register",
]
