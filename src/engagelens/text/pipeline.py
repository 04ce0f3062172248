"""``analyze(texts)``: normalise → language → sentiment → quality → intent, for a batch.

Batch-oriented so the sentiment model hashes all texts in one numpy pass; backends that can
take already-normalised text (``sentiment_prepared``) skip doing it again.
"""

from __future__ import annotations

from collections.abc import Sequence

from .base import Analysis, Sentiment, SentimentBackend
from .intent import intent
from .language import detect
from .normalize import decode, normalize_prepared, strip_invisible
from .quality import quality_batch
from .registry import get_backend


def _first_pass(texts: Sequence[str | bytes | None], backend: str | SentimentBackend | None):
    """Decode, normalise, detect the language and score sentiment: the part both entry points
    share (one pass, so the model hashes every text once)."""
    raw = [decode(t) for t in texts]
    be = get_backend(backend)
    prepared = [strip_invisible(t) for t in raw]
    norms = [normalize_prepared(p) for p in prepared]
    langs = [detect(p) if n.text else None for p, n in zip(prepared, norms, strict=True)]
    score_prepared = getattr(be, "sentiment_prepared", None)
    if score_prepared is not None:
        sents = score_prepared([n.model_text for n in norms], langs)
    else:
        sents = be.sentiment([n.text for n in norms])
    return raw, norms, langs, sents


def sentiment_and_language(
    texts: Sequence[str | bytes | None], backend: str | SentimentBackend | None = None
) -> list[tuple[Sentiment, str | None]]:
    """Sentiment and language only (what ``engagelens text sentiment`` prints)."""
    _, _, langs, sents = _first_pass(texts, backend)
    return list(zip(sents, langs, strict=True))


def analyze(
    texts: Sequence[str | bytes | None], backend: str | SentimentBackend | None = None
) -> list[Analysis]:
    """One :class:`~engagelens.text.base.Analysis` per text, in order. ``None``, empty and
    undecodable inputs are accepted (bytes are decoded as UTF-8 with replacement)."""
    raw, norms, langs, sents = _first_pass(texts, backend)
    quals = quality_batch(raw, norms)
    out: list[Analysis] = []
    for n, lang, s, q in zip(norms, langs, sents, quals, strict=True):
        it = intent(n.text, sentiment_score=float(s["score"]), emojis=n.emojis)
        out.append(
            {
                "language": lang,
                "sentiment": s["label"],
                "sentiment_score": float(s["score"]),
                "quality": q,
                "is_question": it.is_question,
                "is_complaint": it.is_complaint,
                "is_purchase_intent": it.is_purchase_intent,
                "is_praise": it.is_praise,
            }
        )
    return out


__all__ = ["analyze", "sentiment_and_language"]
