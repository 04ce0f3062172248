"""The value side of engagement: what customers are worth, so engagement can be priced."""

from .cltv import CltvSummary, cltv_summary, customer_value

__all__ = [
    "CltvSummary",
    "cltv_summary",
    "customer_value",
]
