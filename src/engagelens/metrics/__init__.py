"""Metrics: declared once in a registry, computed as Ibis expressions on any backend."""

from .base import GRAIN_KEYS, Filters, Metric, MetricContext
from .registry import all_metrics, get_metric, register

__all__ = sorted(["Filters", "GRAIN_KEYS", "Metric", "MetricContext", "all_metrics", "get_metric", "register"])
