"""``analyze(texts)``: normalise → language → sentiment → intent → decision → quality → emotions.

Batch-oriented so the sentiment model hashes all texts in one numpy pass; backends that can
take already-normalised text (``sentiment_prepared``) skip doing it again. The intent cues are
found once per text and serve both the intent flags and the sentiment decision
(:mod:`.opinion`: a question or announcement without opinion evidence is neutral), so the
CLI's ``text sentiment`` and ``analyze`` give the same label.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from .base import Analysis, Sentiment, SentimentBackend
from .emotion import emotions
from .intent import Cues, cues
from .language import detect
from .normalize import Normalized, decode, normalize_prepared, strip_invisible
from .opinion import decide
from .quality import quality_batch
from .registry import get_backend


def _first_pass(
    texts: Sequence[str | bytes | None],
    backend: str | SentimentBackend | None,
    *,
    lexical: bool = True,
) -> tuple[list[str], list[Normalized], list[str | None], list[Sentiment], list[Cues]]:
    """Decode, normalise, detect the language, score sentiment, find the intent cues and
    decide the label: the part both entry points share (the model hashes every text once)."""
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
    found = [cues(n.model_text, n.emojis, lexical=lexical) for n in norms]
    if getattr(be, "cue_decision", False):
        binary = bool(getattr(be, "binary", False))
        sents = [
            decide(s, c, n.model_text, n.emojis, binary=binary)
            for s, c, n in zip(sents, found, norms, strict=True)
        ]
    return raw, norms, langs, sents, found


def sentiment_and_language(
    texts: Sequence[str | bytes | None], backend: str | SentimentBackend | None = None
) -> list[tuple[Sentiment, str | None]]:
    """Sentiment and language only (what ``engagelens text sentiment`` prints)."""
    _, _, langs, sents, _ = _first_pass(texts, backend, lexical=False)
    return list(zip(sents, langs, strict=True))


def analyze(
    texts: Sequence[str | bytes | None],
    backend: str | SentimentBackend | None = None,
    *,
    posts: Sequence[str | None] | None = None,
    times: Sequence[dt.datetime | None] | None = None,
) -> list[Analysis]:
    """One :class:`~engagelens.text.base.Analysis` per text, in order. ``None``, empty and
    undecodable inputs are accepted (bytes are decoded as UTF-8 with replacement). ``posts``
    and ``times`` (one per text) let the quality step see copy-paste across posts."""
    raw, norms, langs, sents, found = _first_pass(texts, backend)
    quals = quality_batch(raw, norms, posts=posts, times=times)
    out: list[Analysis] = []
    for lang, s, q, c, n in zip(langs, sents, quals, found, norms, strict=True):
        it = c.intent
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
                "emotions": ",".join(emotions(n.model_text, n.emojis)) if n.text else "",
            }
        )
    return out


__all__ = ["analyze", "sentiment_and_language"]
