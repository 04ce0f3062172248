"""A deterministic test double (STYLE §9): every text gets the same label, empty text neutral.

Other layers' tests use it to control sentiment without depending on the trained model.
"""

from __future__ import annotations

from collections.abc import Sequence

from engagelens.errors import TextError
from engagelens.text.base import SENTIMENT_LABELS, Sentiment

_SCORES = {"negative": -1.0, "neutral": 0.0, "positive": 1.0}


class FixedBackend:
    name = "fixed"
    version = "1"

    def __init__(self, label: str = "neutral") -> None:
        if label not in SENTIMENT_LABELS:
            raise TextError(f"label must be one of {SENTIMENT_LABELS}, not {label!r}")
        self.label = label

    def sentiment(self, texts: Sequence[str]) -> list[Sentiment]:
        return [
            {"label": self.label if t else "neutral", "score": _SCORES[self.label] if t else 0.0}
            for t in texts
        ]


__all__ = ["FixedBackend"]
