"""Multilingual text intelligence, offline by default: language, sentiment, comment quality
and intent for comments, mentions and replies (contract in :mod:`engagelens.text.base`)."""

from __future__ import annotations

from .base import ANALYSIS_KEYS, QUALITY_LABELS, SENTIMENT_LABELS, Analysis, SentimentBackend
from .pipeline import analyze
from .registry import backend_names, get_backend, register_backend
from .store_analysis import analyze_store

__all__ = [
    "ANALYSIS_KEYS",
    "Analysis",
    "QUALITY_LABELS",
    "SENTIMENT_LABELS",
    "SentimentBackend",
    "analyze",
    "analyze_store",
    "backend_names",
    "get_backend",
    "register_backend",
]
