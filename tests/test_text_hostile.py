"""Hostile and random input never crashes the text layer (Hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engagelens.text import ANALYSIS_KEYS, QUALITY_LABELS, SENTIMENT_LABELS, analyze
from engagelens.text.features import HashSpec, hash_batch
from engagelens.text.normalize import INVISIBLE, clean

# any code point, plus the ones that cause trouble in practice, over-weighted
TRICKY = st.sampled_from(
    [
        *list(INVISIBLE),
        "\x00",
        "\r",
        "\n",
        "�",
        "😀",
        "👍🏽",
        "\u200d",
        "ي",
        "ك",
        "ـ",
        "́",
        "̀",
        "=",
        "<",
        "@",
        "#",
    ]
)
TEXT = st.lists(st.one_of(st.characters(), TRICKY), max_size=60).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TEXT, min_size=1, max_size=8))
def test_analyze_any_text(texts):
    rows = analyze(texts)
    assert len(rows) == len(texts)
    for r in rows:
        assert tuple(r) == ANALYSIS_KEYS
        assert r["sentiment"] in SENTIMENT_LABELS and r["quality"] in QUALITY_LABELS
        assert -1.0 <= r["sentiment_score"] <= 1.0


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_clean_is_idempotent_and_drops_invisible(text):
    once = clean(text)
    assert clean(once) == once
    assert not any(ch in once for ch in INVISIBLE)


@settings(max_examples=100, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=6))
def test_features_of_a_text_do_not_depend_on_its_neighbours(texts):
    spec = HashSpec(bits=12)
    texts = [clean(t) for t in texts]
    doc, feat, _ = hash_batch(texts, spec)
    for i, t in enumerate(texts):
        alone = hash_batch([t], spec)[1]
        assert sorted(feat[doc == i].tolist()) == sorted(alone.tolist())
