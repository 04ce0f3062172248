"""The audience: who engages, how deeply, and who carries the brand into their own networks."""

from .advocates import KIND_WEIGHT_KEYS, advocate_weights, advocates, influencers
from .best_time import SLOTS, WEEKDAYS, best_times, rated_posts
from .brand_influence import BrandInfluencer, brand_influencers, ugc_summary
from .hashtags import hashtag_performance
from .ladder import LADDER_STEPS, engagement_ladder, ladder_summary
from .points import DEFAULT_POINTS, leaderboard

__all__ = [
    "BrandInfluencer",
    "DEFAULT_POINTS",
    "KIND_WEIGHT_KEYS",
    "LADDER_STEPS",
    "SLOTS",
    "WEEKDAYS",
    "advocate_weights",
    "advocates",
    "best_times",
    "brand_influencers",
    "engagement_ladder",
    "hashtag_performance",
    "influencers",
    "ladder_summary",
    "leaderboard",
    "rated_posts",
    "ugc_summary",
]
