"""The demo's comment banks: enough distinct texts per language, every category present, the
promised tricky characters really there, and the text layer reading the intended category
loosely right (pooled shares, not text by text: the offline models are small)."""

from __future__ import annotations

import re
import unicodedata

import pytest

from engagelens.demo import texts as T

LINK = re.compile(r"https?://|www\.|t\.me/")
FULL_WIDTH = re.compile(r"[\uff01-\uff5e\u3000]")


@pytest.mark.parametrize("lang", T.LANGS)
def test_each_language_has_at_least_45_distinct_comments_in_every_category(lang):
    comments = T.MODULES[lang].COMMENTS
    assert tuple(comments) == T.COMMENT_CATEGORIES
    flat = [t for cat in T.COMMENT_CATEGORIES for t in comments[cat]]
    assert len(flat) >= 45
    assert len(set(flat)) == len(flat)
    for cat, texts in comments.items():
        assert len(texts) >= 3, (lang, cat)
        assert all(t.strip() for t in texts)
    assert T.word_count()[lang] == len(flat)


@pytest.mark.parametrize("lang", T.LANGS)
def test_spam_has_links_and_tags_name_someone(lang):
    comments = T.MODULES[lang].COMMENTS
    assert all(LINK.search(t) for t in comments["spam"])
    assert all(t.startswith("@") for t in comments["tag_friend"])
    assert not any(
        LINK.search(t)
        for cat in ("praise", "question", "complaint", "purchase")
        for t in comments[cat]
    )


def test_tricky_texts_carry_the_promised_characters():
    tricky = {lang: "".join(T.MODULES[lang].COMMENTS["tricky"]) for lang in T.LANGS}
    everything = "".join(tricky.values())
    for char in ("\u200b", "\u200c", "\u200f", "\u2060"):  # ZWSP, ZWNJ, RLM, word joiner
        assert char in everything, hex(ord(char))
    for lang in T.LANGS:
        assert FULL_WIDTH.search(tricky[lang]), lang  # full-width letters in every language
    vi = T.MODULES["vi"].COMMENTS["tricky"]
    decomposed = [t for t in vi if not unicodedata.is_normalized("NFC", t)]
    assert len(decomposed) >= 2  # NFD Vietnamese: same words, other code points
    assert all(unicodedata.normalize("NFC", t) != t for t in decomposed)
    assert "\u200f" in "".join(T.MODULES["fa"].COMMENTS["tricky"])


def test_hostile_texts_stay_out_of_the_default_bank():
    default = T.comment_bank(False).texts.to_pylist()
    hostile = T.comment_bank(True).texts.to_pylist()
    assert not set(T.HOSTILE) & set(default)
    assert set(T.HOSTILE) <= set(hostile)


# -- the text layer on the banks (loose: pooled over the bank, thresholds well below today's) --


@pytest.fixture(scope="module")
def analysed():
    text = pytest.importorskip("engagelens.text")
    out = {}
    for lang in T.LANGS:
        for cat, texts in T.MODULES[lang].COMMENTS.items():
            out[(lang, cat)] = text.analyze(list(texts))
    return out


def _share(rows, pred) -> float:
    return sum(bool(pred(r)) for r in rows) / len(rows)


@pytest.mark.parametrize("lang", T.LANGS)
def test_questions_are_read_as_questions(analysed, lang):
    assert _share(analysed[(lang, "question")], lambda r: r["is_question"]) >= 0.8


@pytest.mark.parametrize("lang", T.LANGS)
def test_substantive_comments_are_detected_in_their_language(analysed, lang):
    rows = [
        r for cat in ("praise", "question", "complaint", "purchase") for r in analysed[(lang, cat)]
    ]
    assert _share(rows, lambda r: r["language"] == lang) >= 0.9


def test_complaints_are_rarely_read_as_positive(analysed):
    rows = [r for lang in T.LANGS for r in analysed[(lang, "complaint")]]
    assert _share(rows, lambda r: r["sentiment"] == "positive") <= 0.25
    assert _share(rows, lambda r: r["is_complaint"]) >= 0.6


def test_purchase_intent_is_found_in_most_purchase_comments(analysed):
    rows = [r for lang in T.LANGS for r in analysed[(lang, "purchase")]]
    assert _share(rows, lambda r: r["is_purchase_intent"]) >= 0.5


def test_spam_emoji_and_low_effort_are_not_substantive(analysed):
    spam = [r for lang in T.LANGS for r in analysed[(lang, "spam")]]
    assert _share(spam, lambda r: r["quality"] == "spam") >= 0.6
    short = [
        r for lang in T.LANGS for cat in ("emoji", "low_effort") for r in analysed[(lang, cat)]
    ]
    assert _share(short, lambda r: r["quality"] == "low_effort") >= 0.8
