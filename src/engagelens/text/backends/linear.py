"""The offline default sentiment backend: logistic regression over hashed n-grams, numpy only.

Weights come from ``text/models/sentiment_linear.npz``, built by ``scripts/train_sentiment.py``
(see docs/text.md for data, splits and measured macro-F1). One *head* per language we have
labelled data for (en, vi: 3 classes; fa, zh: positive/negative); other languages use the head
of a language with the same script (:data:`FALLBACK`), else English.

Score = P(positive) − P(negative) ∈ [−1, 1]. Three-class heads take the most probable label.
Binary heads cannot see "neutral": they say neutral only when ``|score| <= neutral_margin``,
0.0 by default, i.e. only when the text has no signal at all. Why not a wider band: on
positive/negative benchmark sets every "neutral" is an error, and on real feeds a margin
would mostly hide weak opinions; callers who prefer abstaining can pass ``neutral_margin``.

Three-class heads decide neutral by argmax over their calibrated logits: the training script
adds per-class bias offsets chosen on out-of-fold predictions (``train.calibrate``), because
one-vs-rest logits under-call the minority classes. For a positive/negative-only task pass
``binary=True``: every head then answers positive or negative (the larger of P(positive) and
P(negative)), never neutral, except for texts with no signal at all (empty).

Texts with no words at all (emoji/emoticon-only, language ``None``) are scored from a small
emoji polarity lexicon (:data:`engagelens.text.lexicon.EMOJI_POLARITY`) when it knows one of
them: our training tweets contain too few emoji for the model to learn them.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import numpy as np

from engagelens.errors import TextError
from engagelens.text import modelfile
from engagelens.text.base import Sentiment
from engagelens.text.features import HashSpec, hash_batch
from engagelens.text.language import detect
from engagelens.text.lexicon import emoji_polarity
from engagelens.text.normalize import (
    EMOJI_RE,
    EMOTICON_RE,
    finish,
    model_text_of_clean,
    strip_invisible,
)

MODEL_FILE = "sentiment_linear.npz"
#: emoji-only texts: mean emoji polarity beyond ±this is positive/negative
EMOJI_THRESHOLD = 0.3
#: languages without a head use the head of a language sharing their script
FALLBACK = {"ar": "fa", "ur": "fa", "ja": "zh"}


def default_model_path() -> Path:
    return Path(str(resources.files("engagelens.text") / "models" / MODEL_FILE))


class _Head:
    __slots__ = ("bias", "classes", "dense")

    def __init__(self, arrays: dict[str, np.ndarray], name: str, bits: int) -> None:
        self.classes = [str(c) for c in arrays[f"{name}.classes"]]
        idx = arrays[f"{name}.idx"].astype(np.int64)
        coef = arrays[f"{name}.coef"].astype(np.float32)
        self.dense = np.zeros((1 << bits, coef.shape[1]), dtype=np.float32)
        self.dense[idx] = coef
        self.bias = arrays[f"{name}.bias"].astype(np.float64)

    def scores(self, doc: np.ndarray, feat: np.ndarray, val: np.ndarray, n: int) -> np.ndarray:
        """P(positive) − P(negative) per text, and the argmax label index (3-class)."""
        k = self.dense.shape[1]
        rows = self.dense[feat]  # one gather of (n_features_hit, k)
        logits = np.empty((n, k), dtype=np.float64)
        for j in range(k):
            logits[:, j] = np.bincount(doc, weights=rows[:, j] * val, minlength=n)
        logits += self.bias
        if k == 1:  # binary: one logit for "positive"
            return np.tanh(logits[:, 0] / 2.0)  # = 2·sigmoid(z) − 1
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        return p


class LinearBackend:
    """Hashed n-gram logistic regression, one head per language (numpy inference only)."""

    name = "linear"
    #: the pipeline's cue decision (:mod:`engagelens.text.opinion`) applies to this backend
    cue_decision = True

    def __init__(
        self, path: str | Path | None = None, *, neutral_margin: float = 0.0, binary: bool = False
    ) -> None:
        self.path = Path(path) if path else default_model_path()
        if not self.path.exists():
            raise TextError(
                f"sentiment model not found: {self.path}; "
                "rebuild it with scripts/train_sentiment.py"
            )
        arrays = modelfile.read(self.path)
        self.spec = HashSpec.from_array(arrays["spec"])
        self.version = f"{arrays['version'].item()}+{modelfile.sha256(self.path)[:12]}"
        self.specs = {
            str(h): HashSpec.from_array(arrays.get(f"{h}.spec", arrays["spec"]))
            for h in arrays["heads"]
        }
        self.heads = {h: _Head(arrays, h, s.bits) for h, s in self.specs.items()}
        self.neutral_margin = 0.0 if binary else float(neutral_margin)
        self.binary = bool(binary)

    def head_for(self, language: str | None) -> str:
        """The language's own head; else one sharing its script; else ``multi`` if shipped,
        else English (the language of most unlabelled-language social text we see)."""
        if language in self.heads:
            return language
        near = FALLBACK.get(language or "")
        if near in self.heads:
            return near
        return "multi" if "multi" in self.heads else "en"

    def sentiment(self, texts: Sequence[str]) -> list[Sentiment]:
        prepared = [strip_invisible(t) for t in texts]
        langs = [detect(p) for p in prepared]
        return self.sentiment_prepared([model_text_of_clean(finish(p)) for p in prepared], langs)

    def sentiment_prepared(
        self, model_texts: Sequence[str], languages: Sequence[str | None]
    ) -> list[Sentiment]:
        """Sentiment of already-normalised texts (``normalize(t).model_text``) whose language
        is known — what :func:`engagelens.text.analyze` calls to avoid doing it twice."""
        n = len(model_texts)
        out: list[Sentiment | None] = [None] * n
        groups: dict[str, list[int]] = {}
        for i, lang in enumerate(languages):
            groups.setdefault(self.head_for(lang), []).append(i)
        for head_name, rows in groups.items():
            head = self.heads[head_name]
            doc, feat, val = hash_batch([model_texts[i] for i in rows], self.specs[head_name])
            res = head.scores(doc, feat, val, len(rows))
            for r, i in enumerate(rows):
                if not model_texts[i]:
                    out[i] = {"label": "neutral", "score": 0.0}
                    continue
                if languages[i] is None:  # no words: read the emoji instead
                    prior = emoji_polarity(
                        EMOJI_RE.findall(model_texts[i]) + EMOTICON_RE.findall(model_texts[i])
                    )
                    if prior is not None:
                        if self.binary:
                            label = "positive" if prior >= 0 else "negative"
                        else:
                            label = (
                                "positive"
                                if prior >= EMOJI_THRESHOLD
                                else "negative"
                                if prior <= -EMOJI_THRESHOLD
                                else "neutral"
                            )
                        out[i] = {"label": label, "score": round(prior, 6)}
                        continue
                if res.ndim == 1:
                    s = float(res[r])
                    label = (
                        "neutral"
                        if abs(s) <= self.neutral_margin
                        else "positive"
                        if s > 0
                        else "negative"
                    )
                else:
                    probs = dict(zip(head.classes, res[r].tolist(), strict=True))
                    s = probs.get("positive", 0.0) - probs.get("negative", 0.0)
                    label = (
                        ("positive" if s >= 0 else "negative")
                        if self.binary
                        else head.classes[int(res[r].argmax())]
                    )
                out[i] = {"label": label, "score": round(s, 6)}
        return out  # type: ignore[return-value]


__all__ = ["EMOJI_THRESHOLD", "FALLBACK", "MODEL_FILE", "LinearBackend", "default_model_path"]
