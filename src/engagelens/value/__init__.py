"""The value side of engagement: what customers are worth, so engagement can be priced.

``summary`` turns orders into (frequency, recency, T, monetary); ``bgnbd`` and ``gamma_gamma``
fit the two buy-till-you-die models; ``cltv`` values each customer; ``attribution`` shares
conversions among the touchpoints before them."""

from . import bgnbd, gamma_gamma
from .cltv import (
    CltvResult,
    CltvSummary,
    CustomerCltv,
    Holdout,
    cltv,
    cltv_from_transactions,
    cltv_summary,
    customer_value,
)
from .summary import CustomerSummary, Transaction, read_transactions, summarise

__all__ = [
    "CltvResult",
    "CltvSummary",
    "CustomerCltv",
    "CustomerSummary",
    "Holdout",
    "Transaction",
    "bgnbd",
    "cltv",
    "cltv_from_transactions",
    "cltv_summary",
    "customer_value",
    "gamma_gamma",
    "read_transactions",
    "summarise",
]
