"""The declaration helper shared by catalog modules.

A content metric is declared as data (which fact columns, how they aggregate: see
metrics/aggregation.py), so adding a metric is a table row, not new control flow.
"""

from __future__ import annotations

from typing import Any

from engagelens.metrics.base import Metric
from engagelens.metrics.registry import register


def declare(**kw: Any) -> Metric:
    return register(Metric(**kw))


__all__ = ["declare"]
