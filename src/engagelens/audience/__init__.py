"""The audience: who engages, how deeply, and who carries the brand into their own networks."""

from .advocates import KIND_WEIGHT_KEYS, advocate_weights, advocates, influencers
from .best_time import SLOTS, WEEKDAYS, best_times, rated_posts
from .brand_influence import BrandInfluencer, brand_influencers, ugc_summary
from .hashtags import hashtag_performance
from .identity import audience_interactions, link_persons, persons, read_mapping
from .ladder import LADDER_STEPS, engagement_ladder, ladder_summary
from .points import DEFAULT_POINTS, leaderboard
from .tables import PERSON_LINK

__all__ = [
    "BrandInfluencer",
    "DEFAULT_POINTS",
    "KIND_WEIGHT_KEYS",
    "LADDER_STEPS",
    "PERSON_LINK",
    "SLOTS",
    "WEEKDAYS",
    "advocate_weights",
    "advocates",
    "audience_interactions",
    "best_times",
    "brand_influencers",
    "engagement_ladder",
    "hashtag_performance",
    "influencers",
    "ladder_summary",
    "leaderboard",
    "link_persons",
    "persons",
    "rated_posts",
    "read_mapping",
    "ugc_summary",
]
