"""Core metric declarations; importing this package registers them all."""

from . import audience, baseline, engagement, value, web

__all__ = [
    "audience",
    "baseline",
    "engagement",
    "value",
    "web",
]
