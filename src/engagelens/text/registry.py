"""Sentiment backends by name: built-ins register here the same way a plugin would.

A factory is any callable returning a :class:`~engagelens.text.base.SentimentBackend`;
built-ins are given as ``"module:attr"`` strings so heavy ones (vader, transformers) import
only when chosen. Instances are cached per (name, options): loading weights once per process.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from engagelens import settings
from engagelens.errors import TextError

from .base import SentimentBackend

Factory = Callable[..., SentimentBackend]

_FACTORIES: dict[str, Factory | str] = {
    "linear": "engagelens.text.backends.linear:LinearBackend",
    "vader": "engagelens.text.backends.vader:VaderBackend",
    "transformers": "engagelens.text.backends.transformers:TransformersBackend",
    "fixed": "engagelens.text.backends.fixed:FixedBackend",
}
_CACHE: dict[tuple[str, tuple[tuple[str, Any], ...]], SentimentBackend] = {}


def register_backend(name: str, factory: Factory | str) -> None:
    """Add or replace a backend (a callable, or ``"module:attr"`` imported on first use)."""
    _FACTORIES[name] = factory
    for key in [k for k in _CACHE if k[0] == name]:
        del _CACHE[key]


def backend_names() -> list[str]:
    return sorted(_FACTORIES)


def _resolve(factory: Factory | str) -> Factory:
    if isinstance(factory, str):
        module, _, attr = factory.partition(":")
        return getattr(importlib.import_module(module), attr)
    return factory


def get_backend(name: str | SentimentBackend | None = None, **options: Any) -> SentimentBackend:
    """The backend called ``name`` (default: the ``text_backend`` setting)."""
    if name is not None and not isinstance(name, str):
        return name
    name = name or settings.get("text_backend")
    if name not in _FACTORIES:
        raise TextError(f"unknown text backend {name!r}; choose one of {backend_names()}")
    key = (name, tuple(sorted(options.items())))
    if key not in _CACHE:
        _CACHE[key] = _resolve(_FACTORIES[name])(**options)
    return _CACHE[key]


__all__ = ["backend_names", "get_backend", "register_backend"]
