"""Sentiment from a Hugging Face sequence-classification model (e.g. a multilingual XLM-R
sentiment model such as ``cardiffnlp/twitter-xlm-roberta-base-sentiment``), for users who have
one locally or may download it. The only module allowed to import transformers/torch.

The model's labels are mapped onto ours from ``config.id2label``: names containing
"neg"/"pos"/"neu" are used as such; star ratings (1–5 stars) become negative (1–2),
neutral (3), positive (4–5); anonymous ``LABEL_i`` labels are read as (negative, positive)
when there are two and (negative, neutral, positive) when there are three — the order used
by the common sentiment checkpoints. Score = P(positive) − P(negative).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import regex

from engagelens import settings
from engagelens.errors import BackendUnavailable, require
from engagelens.text.base import Sentiment

_STARS = regex.compile(r"([1-5])\s*star")


def label_map(id2label: dict[int, str]) -> dict[int, str]:
    """Map the model's class ids to negative/neutral/positive (see module docstring)."""
    out: dict[int, str] = {}
    for i, raw in id2label.items():
        name = str(raw).lower()
        stars = _STARS.search(name)
        if "neg" in name:
            out[int(i)] = "negative"
        elif "pos" in name:
            out[int(i)] = "positive"
        elif "neu" in name:
            out[int(i)] = "neutral"
        elif stars:
            s = int(stars.group(1))
            out[int(i)] = "negative" if s <= 2 else "neutral" if s == 3 else "positive"
    if len(out) == len(id2label):
        return out
    ids = sorted(int(i) for i in id2label)
    if len(ids) == 2:
        return dict(zip(ids, ("negative", "positive"), strict=True))
    if len(ids) == 3:
        return dict(zip(ids, ("negative", "neutral", "positive"), strict=True))
    raise BackendUnavailable(
        f"cannot map the model's labels {sorted(id2label.values())} to negative/neutral/positive"
    )


class TransformersBackend:
    """Batch inference on CPU (or the device torch picks), truncating long texts."""

    name = "transformers"

    def __init__(
        self,
        model: str | None = None,
        *,
        batch_size: int = 32,
        max_length: int = 256,
        local_files_only: bool = False,
    ) -> None:
        model = model or settings.get("transformers_model")
        if not model:
            raise BackendUnavailable(
                "no model configured: set transformers_model (ENGAGELENS_TRANSFORMERS_MODEL) "
                "to a Hugging Face model name or a local folder"
            )
        self._torch = require("torch", "transformers")
        tf = require("transformers", "transformers")
        tf.utils.logging.disable_progress_bar()  # no progress bars in CLI/API output
        local = local_files_only or Path(model).exists()
        try:
            self._tokenizer = tf.AutoTokenizer.from_pretrained(model, local_files_only=local)
            self._model = tf.AutoModelForSequenceClassification.from_pretrained(
                model, local_files_only=local
            )
        except (OSError, ValueError) as exc:
            raise BackendUnavailable(f"cannot load transformers model {model!r}: {exc}") from exc
        self._model.eval()
        self._labels = label_map(dict(self._model.config.id2label))
        self.batch_size = batch_size
        self.max_length = max_length
        revision = getattr(self._model.config, "_commit_hash", None) or "local"
        self.version = f"{Path(model).name if local else model}@{revision}"

    def sentiment(self, texts: Sequence[str]) -> list[Sentiment]:
        torch = self._torch
        out: list[Sentiment] = []
        for start in range(0, len(texts), self.batch_size):
            batch = [t or "" for t in texts[start : start + self.batch_size]]
            enc = self._tokenizer(
                batch,
                padding=True,
                truncation=True,
                max_length=self.max_length,
                return_tensors="pt",
            )
            with torch.no_grad():
                probs = torch.softmax(self._model(**enc).logits, dim=-1).tolist()
            for text, row in zip(batch, probs, strict=True):
                if not text.strip():
                    out.append({"label": "neutral", "score": 0.0})
                    continue
                mass = {"negative": 0.0, "neutral": 0.0, "positive": 0.0}
                for i, p in enumerate(row):
                    mass[self._labels[i]] += p
                label = max(mass, key=lambda k: mass[k])
                out.append({"label": label, "score": round(mass["positive"] - mass["negative"], 6)})
        return out


__all__ = ["TransformersBackend", "label_map"]
