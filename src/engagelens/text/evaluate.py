"""Score sentiment backends on our held-out splits: macro-F1 and texts per second.

Macro-F1 is averaged over the labels *of the data set* (positive/negative for the binary fa and
zh sets, all three for en and vi); a "neutral" prediction on a binary set counts as an error for
the true class. Throughput is measured in one process on one core, language detection and
normalisation included (``backend.sentiment`` does them for the linear backend).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from . import datasets
from .base import SentimentBackend


def macro_f1(
    truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str] | None = None
) -> float:
    """Unweighted mean of per-label F1 (Sokolova & Lapalme 2009), over ``labels`` (default:
    the labels present in ``truth``)."""
    labels = sorted(set(truth)) if labels is None else list(labels)
    scores = []
    for lab in labels:
        tp = sum(t == lab and p == lab for t, p in zip(truth, predicted, strict=True))
        fp = sum(t != lab and p == lab for t, p in zip(truth, predicted, strict=True))
        fn = sum(t == lab and p != lab for t, p in zip(truth, predicted, strict=True))
        scores.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return sum(scores) / len(scores) if scores else 0.0


@dataclass(frozen=True)
class Score:
    backend: str
    language: str
    n: int
    macro_f1: float
    accuracy: float


def dev_split(data_dir: str | Path, language: str) -> datasets.Labelled:
    return datasets.split(datasets.load(data_dir, language))[1]


def predict(
    backend: SentimentBackend, texts: Sequence[str], *, pipeline: bool = False
) -> list[str]:
    """Labels from the backend alone, or (``pipeline``) through the code path the CLI uses:
    :func:`.pipeline.sentiment_and_language`, cue decision included."""
    if pipeline:
        from .pipeline import sentiment_and_language

        return [s["label"] for s, _ in sentiment_and_language(list(texts), backend)]
    return [s["label"] for s in backend.sentiment(list(texts))]


def score(
    backend: SentimentBackend, data_dir: str | Path, language: str, *, pipeline: bool = False
) -> Score:
    dev = dev_split(data_dir, language)
    pred = predict(backend, dev.texts, pipeline=pipeline)
    acc = sum(p == t for p, t in zip(pred, dev.labels, strict=True)) / max(len(pred), 1)
    return Score(backend.name, language, len(pred), macro_f1(dev.labels, pred), acc)


def throughput(
    backend: SentimentBackend,
    texts: Sequence[str],
    *,
    batch: int = 10_000,
    repeat: int = 3,
    pipeline: bool = False,
) -> float:
    """Best-of-``repeat`` texts per second over ``texts`` in batches of ``batch``; with
    ``pipeline`` through the CLI's ``sentiment_and_language`` (sentiment + language id)."""
    from .pipeline import sentiment_and_language

    best = 0.0
    for _ in range(repeat):
        t0 = time.perf_counter()
        for i in range(0, len(texts), batch):
            if pipeline:
                sentiment_and_language(texts[i : i + batch], backend)
            else:
                backend.sentiment(texts[i : i + batch])
        best = max(best, len(texts) / (time.perf_counter() - t0))
    return best


__all__ = ["Score", "dev_split", "macro_f1", "predict", "score", "throughput"]
