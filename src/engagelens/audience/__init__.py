"""The audience: who engages, how deeply, and who carries the brand into their own networks."""

from .ladder import LADDER_STEPS, engagement_ladder, ladder_summary
from .points import DEFAULT_POINTS, leaderboard

__all__ = [
    "DEFAULT_POINTS",
    "LADDER_STEPS",
    "engagement_ladder",
    "ladder_summary",
    "leaderboard",
]
