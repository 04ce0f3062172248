"""The transformers backend: label mapping always; real loading on a tiny random model that the
test builds itself (skipped unless the ``transformers`` extra — torch + transformers — is
installed; nothing is downloaded)."""

from __future__ import annotations

import importlib.util
import os

import pytest

from engagelens.errors import BackendUnavailable, NotInstalled
from engagelens.text.backends.transformers import label_map

HAS_EXTRA = all(importlib.util.find_spec(m) for m in ("torch", "transformers"))


def test_label_names_are_mapped():
    assert label_map({0: "Negative", 1: "Neutral", 2: "Positive"}) == {
        0: "negative",
        1: "neutral",
        2: "positive",
    }
    assert label_map({0: "1 star", 1: "2 stars", 2: "3 stars", 3: "4 stars", 4: "5 stars"}) == {
        0: "negative",
        1: "negative",
        2: "neutral",
        3: "positive",
        4: "positive",
    }
    assert label_map({0: "LABEL_0", 1: "LABEL_1"}) == {0: "negative", 1: "positive"}
    with pytest.raises(BackendUnavailable):
        label_map({0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2", 3: "LABEL_3"})


def test_no_model_configured_is_a_clear_error(monkeypatch):
    from engagelens.text.backends.transformers import TransformersBackend

    monkeypatch.delenv("ENGAGELENS_TRANSFORMERS_MODEL", raising=False)
    with pytest.raises(BackendUnavailable, match="transformers_model"):
        TransformersBackend()


@pytest.mark.skipif(HAS_EXTRA, reason="the transformers extra is installed")
def test_missing_extra_names_the_install_line(tmp_path):
    from engagelens.text.backends.transformers import TransformersBackend

    with pytest.raises(NotInstalled, match=r"engagelens\[transformers\]"):
        TransformersBackend(str(tmp_path))


@pytest.mark.skipif(
    not HAS_EXTRA and not os.environ.get("CI"),
    reason="needs the 'transformers' extra (torch + transformers), "
    "not installed in this environment (`make test` installs it; on CI it must run)",
)
def test_tiny_random_model_round_trip(tmp_path):
    import torch
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    from engagelens.text.backends.transformers import TransformersBackend

    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "good", "bad", "the", "food", "很", "好"]
    (tmp_path / "vocab.txt").write_text("\n".join(vocab), encoding="utf-8")
    BertTokenizerFast(vocab_file=str(tmp_path / "vocab.txt")).save_pretrained(tmp_path)
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        num_labels=3,
        id2label={0: "negative", 1: "neutral", 2: "positive"},
        label2id={"negative": 0, "neutral": 1, "positive": 2},
    )
    BertForSequenceClassification(config).save_pretrained(tmp_path)

    be = TransformersBackend(str(tmp_path), batch_size=2)
    texts = ["good food", "", "bad", "很好", "the food " * 400]
    out = be.sentiment(texts)
    assert len(out) == len(texts) and out[1] == {"label": "neutral", "score": 0.0}
    # independent check: the same model run directly gives the same P(pos) − P(neg)
    model = BertForSequenceClassification.from_pretrained(tmp_path).eval()
    tok = BertTokenizerFast.from_pretrained(tmp_path)
    with torch.no_grad():
        p = torch.softmax(model(**tok(["good food"], return_tensors="pt")).logits, -1)[0]
    assert out[0]["score"] == pytest.approx(float(p[2] - p[0]), abs=1e-5)
    assert be.version.startswith(tmp_path.name)
