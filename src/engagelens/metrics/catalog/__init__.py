"""Core metric declarations; importing this package registers them all."""

from . import audience, baseline, engagement, interactive, value, web

__all__ = [
    "audience",
    "baseline",
    "engagement",
    "interactive",
    "value",
    "web",
]
