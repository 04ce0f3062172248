"""Core metric declarations; importing this package registers them all."""

from . import audience, baseline, engagement, value, web  # noqa: F401  (register on import)

__all__ = [
    "audience",
    "baseline",
    "engagement",
    "value",
    "web",
]
