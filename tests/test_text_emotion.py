"""Lexicon emotions (text/emotion.py): six Brandwatch emotions in en/vi/fa/zh, negation aware."""

from __future__ import annotations

import pytest

from engagelens.text.emotion import EMOTIONS, emotions_batch


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("So happy with my new mug!", ("joy",)),
        ("I'm furious, charged twice again", ("anger",)),
        ("Really disappointed they dropped the winter blend", ("sadness",)),
        ("A bit worried the store will close", ("fear",)),
        ("Wow, did not expect the free refill", ("surprise",)),
        ("There was a hair in my sandwich, disgusting", ("disgust",)),
        ("Tức thật, giao trễ hai tiếng", ("anger",)),
        ("Buồn ghê, quán đóng cửa rồi", ("sadness", "disgust")),  # "ghê" is also "gross"
        ("خیلی خوشحالم که شعبه جدید باز شد", ("joy",)),
        ("نگرانم سفارشم گم شده باشه", ("fear",)),
        ("豆腐里吃出苍蝇，恶心", ("disgust",)),
        ("没想到这么好喝", ("surprise",)),
        ("not happy at all", ()),  # negated
        ("不开心", ()),
        ("The store opens at 7am", ()),  # no emotion word: no guess
        ("😡😡", ("anger",)),
        ("😍 wow", ("joy", "surprise")),
    ],
)
def test_emotions(text, expected):
    assert emotions_batch([text]) == [expected]


def test_order_and_empty():
    assert EMOTIONS == ("joy", "anger", "sadness", "fear", "surprise", "disgust")
    assert emotions_batch([None, ""]) == [(), ()]
