"""The contract of the text layer (STYLE §9, §11): a backend takes a batch of texts and returns
one row per text with fixed keys, and names itself so every stored score is reproducible.

Sentiment backends implement :class:`SentimentBackend`. The full analysis row that the rest of
EngageLens consumes (listening, inbox, engagement score) is :data:`ANALYSIS_KEYS`: it is the
``text_analysis`` table's columns minus the bookkeeping ones, and is produced by
``engagelens.text.analyze(texts, backend=None)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypedDict, runtime_checkable

SENTIMENT_LABELS = ("negative", "neutral", "positive")
QUALITY_LABELS = ("substantive", "low_effort", "spam")


class Sentiment(TypedDict):
    label: str  # one of SENTIMENT_LABELS
    score: float  # -1 (negative) … +1 (positive)


class Analysis(TypedDict):
    language: str | None  # ISO 639-1 ("en", "vi", "fa", "zh", …) or None if unknown
    sentiment: str  # one of SENTIMENT_LABELS
    sentiment_score: float
    quality: str  # one of QUALITY_LABELS
    is_question: bool
    is_complaint: bool
    is_purchase_intent: bool
    is_praise: bool
    #: the emotions the text names (:mod:`.emotion`), comma-separated in EMOTIONS order
    #: ("anger,sadness"); "" when it names none — never a guess
    emotions: str


ANALYSIS_KEYS = tuple(Analysis.__annotations__)


@runtime_checkable
class SentimentBackend(Protocol):
    name: str
    version: str

    def sentiment(self, texts: Sequence[str]) -> list[Sentiment]:
        """One result per input text, in order. Must accept empty strings."""


__all__ = sorted(
    [
        "ANALYSIS_KEYS",
        "Analysis",
        "QUALITY_LABELS",
        "SENTIMENT_LABELS",
        "Sentiment",
        "SentimentBackend",
    ]
)
