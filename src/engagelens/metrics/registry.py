"""The metric registry: one place that knows every declared metric.

Core metric modules and plugins register the same way (STYLE §5): a module calls
:func:`register` at import time, and :func:`load_plugins` imports the built-in modules plus
every module named by the ``engagelens.metrics`` entry-point group or the
``ENGAGELENS_METRIC_PLUGINS`` environment variable (comma-separated module names).
"""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points

from engagelens import settings
from engagelens.errors import MetricError, UnknownMetric

from .base import GRAIN_KEYS, Metric

_METRICS: dict[str, Metric] = {}
#: bumped when a declaration is replaced or removed: compiled metric SQL names its version
_VERSION = [0]

#: modules that declare the built-in metrics (each registers on import)
BUILTIN_MODULES: list[str] = [
    "engagelens.metrics.catalog",  # core engagement, web, email, NPS, value metrics
    "engagelens.engage.measures",  # outbound: reply rate and reply times
    "engagelens.listening.measures",  # listening: mentions, share of voice, net sentiment
]

_loaded = False


def register(metric: Metric, *, replace: bool = False) -> Metric:
    """Add ``metric``; a second declaration of the same name is an error unless ``replace``."""
    missing = [
        f
        for f in ("name", "title", "description", "formula", "unit", "source")
        if not getattr(metric, f)
    ]
    if missing or not metric.grains or not metric.requires or metric.build is None:
        raise MetricError(f"metric {metric.name!r} lacks {missing or 'grains/requires/build'}")
    bad = [g for g in metric.grains if g not in GRAIN_KEYS]
    if bad:
        raise MetricError(f"metric {metric.name!r}: unknown grains {bad}")
    if metric.name in _METRICS and not replace and _METRICS[metric.name] is not metric:
        raise MetricError(f"metric {metric.name!r} is declared twice")
    if metric.name in _METRICS and _METRICS[metric.name] is not metric:
        _VERSION[0] += 1  # a declaration replaced (a new name changes no compiled query)
    _METRICS[metric.name] = metric
    return metric


def unregister(name: str) -> None:
    """Forget the metric ``name`` (a plugin unloading; tests that declare their own)."""
    if _METRICS.pop(name, None) is not None:
        _VERSION[0] += 1


def version() -> int:
    """Changes whenever a declared metric is replaced or removed (so a cache of compiled
    metric queries never serves SQL built from another declaration)."""
    return _VERSION[0]


def load_plugins() -> None:
    """Import built-in metric modules and third-party plugins once."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    names = list(BUILTIN_MODULES)
    names += [ep.value for ep in entry_points(group="engagelens.metrics")]
    plugins = str(settings.get("metric_plugins"))
    names += [n.strip() for n in plugins.split(",") if n.strip()]
    for name in names:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            # a built-in layer not present in this checkout is skipped; a plugin that is
            # missing, or a module that fails inside, is an error
            if name in BUILTIN_MODULES and exc.name and name.startswith(exc.name):
                continue
            raise


def get_metric(name: str) -> Metric:
    load_plugins()
    try:
        return _METRICS[name]
    except KeyError:
        import difflib

        close = difflib.get_close_matches(name, _METRICS, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise UnknownMetric(f"unknown metric {name!r}{hint}") from None


def all_metrics() -> list[Metric]:
    load_plugins()
    return sorted(_METRICS.values(), key=lambda m: m.name)


__all__ = sorted(
    [
        "BUILTIN_MODULES",
        "all_metrics",
        "get_metric",
        "load_plugins",
        "register",
        "unregister",
        "version",
    ]
)
