"""Language detection on short texts (text/language.py)."""

from __future__ import annotations

import pytest

from engagelens.text import datasets
from engagelens.text.language import detect, detect_batch


@pytest.mark.parametrize(
    "text,lang",
    [
        ("thanks for the quick reply", "en"),
        ("giao hàng nhanh", "vi"),
        ("khong co gi", "vi"),  # Vietnamese typed without diacritics
        ("غذا خیلی سرد بود", "fa"),
        ("پیتزا", "fa"),
        ("هذا المنتج جيد جدا", "ar"),
        ("送餐很快", "zh"),
        ("這家店很好吃", "zh"),
        ("美味しいです", "ja"),
        ("정말 좋아요", "ko"),
        ("очень хорошо", "ru"),
        ("muchas gracias por todo", "es"),
    ],
)
def test_short_texts(text, lang):
    assert detect(text) == lang


def test_no_letters_is_unknown():
    assert detect_batch(["", "😍😍", "123 !!!", "@brand https://x.co"]) == [None] * 4


def test_arabic_keyboard_persian_still_persian_after_invisible_marks():
    assert detect_batch(["\u200fمی\u200cخواهم سفارش بدم"]) == ["fa"]


def test_mixed_language_majority_wins():
    assert detect("Giao hàng rất nhanh, nhân viên nhiệt tình, very good") == "vi"
    assert detect("I love this place, 好吃") == "en"
    assert detect("送餐很快，味道很好，包装也不错 ok") == "zh"


def _short(text: str, words: int) -> str:
    parts = text.split()
    return " ".join(parts[:words]) if len(parts) > 1 else text[: words * 2]


def test_accuracy_on_short_real_sentences(shared_data):
    """≤ 5 words (≤ 10 Han characters) cut from real sentences of each shared set."""
    for lang in ("en", "vi", "fa", "zh"):
        data = datasets.load(shared_data, lang)
        texts = [_short(t, 5) for t in data.texts[:400] if t.strip()]
        got = detect_batch(texts)
        acc = sum(g == lang for g in got) / len(texts)
        assert acc >= 0.95, (lang, acc)
