"""VADER (Hutto & Gilbert, ICWSM 2014): an English rule-and-lexicon baseline we compare against.

Labels use the authors' thresholds: compound ≥ 0.05 positive, ≤ −0.05 negative, else neutral.
It knows English only; other languages come out (mostly) neutral.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import metadata

from engagelens.errors import require
from engagelens.text.base import Sentiment

THRESHOLD = 0.05


class VaderBackend:
    name = "vader"

    def __init__(self) -> None:
        module = require("vaderSentiment.vaderSentiment", "nlp")
        self._analyzer = module.SentimentIntensityAnalyzer()
        try:
            self.version = metadata.version("vaderSentiment")
        except metadata.PackageNotFoundError:  # pragma: no cover
            self.version = "unknown"

    def sentiment(self, texts: Sequence[str]) -> list[Sentiment]:
        out: list[Sentiment] = []
        for t in texts:
            c = float(self._analyzer.polarity_scores(t or "")["compound"]) if t else 0.0
            label = "positive" if c >= THRESHOLD else "negative" if c <= -THRESHOLD else "neutral"
            out.append({"label": label, "score": c})
        return out


__all__ = ["THRESHOLD", "VaderBackend"]
