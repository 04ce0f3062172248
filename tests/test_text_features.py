"""Hashed features: negation scope, word trigrams, spec round trips, and the calibrated
decision rule of the training code."""

from __future__ import annotations

import numpy as np
import pytest

from engagelens.text.features import NEGATION_WINDOW, HashSpec, hash_batch

PLAIN = HashSpec(bits=20)
NEG = HashSpec(bits=20, negation=True)


def _extra(texts: list[str], spec: HashSpec, base: HashSpec = PLAIN) -> list[int]:
    """How many more features ``spec`` emits than ``base``, per text."""
    d1 = hash_batch(texts, spec)[0]
    d0 = hash_batch(texts, base)[0]
    return (np.bincount(d1, minlength=len(texts)) - np.bincount(d0, minlength=len(texts))).tolist()


@pytest.mark.parametrize(
    ("text", "scoped"),
    [
        ("i don't like this flight, but ok", 3),  # like, this, flight; the comma ends it
        ("i don’t like it", 2),  # curly apostrophe
        ("not good at all. great", 3),  # the full stop ends the scope
        ("never ever ever ever ever ever again", NEGATION_WINDOW),
        ("great flight no", 0),  # nothing after the negator
        ("giáo viên không nhiệt tình .", 2),  # Vietnamese, with tone marks
        ("giao vien khong nhiet tinh", 2),  # ... and typed without them
        ("nothing", 0),
        ("thank you", 0),
    ],
)
def test_negation_scope(text, scoped):
    assert _extra([text], NEG) == [scoped]


def test_negation_scope_stops_at_the_text_boundary():
    # the negator ends text 0: text 1's words must not be marked
    assert _extra(["this is not", "good food here"], NEG) == [0, 0]


def test_negated_words_are_new_features_not_copies():
    _doc, feat, _ = hash_batch(["not good"], NEG)
    plain = set(hash_batch(["not good"], PLAIN)[1].tolist())
    assert len(set(feat.tolist()) - plain) == 1


def test_word_trigrams_one_per_three_words_of_a_text():
    tri = HashSpec(bits=20, word_trigrams=True)
    assert _extra(["a b c d", "x y", "one"], tri) == [2, 0, 0]


def test_spec_round_trip_and_old_four_field_arrays():
    spec = HashSpec(
        bits=18, char_min=2, char_max=5, word_bigrams=False, word_trigrams=True, negation=True
    )
    assert HashSpec.from_array(spec.to_array()) == spec
    old = HashSpec.from_array(np.array([20, 1, 4, 1]))  # files written before 2026.11.2
    assert old == PLAIN and not old.negation and not old.word_trigrams


def test_default_spec_features_unchanged_by_the_new_switches():
    texts = ["not good at all", "很好吃", "غذا سرد بود", "😍 great"]
    a = hash_batch(texts, PLAIN)
    b = hash_batch(texts, HashSpec(bits=20, word_trigrams=False, negation=False))
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def test_calibrate_moves_the_boundary_towards_a_missed_class():
    pytest.importorskip("sklearn")
    from engagelens.text import train

    labels = ["negative"] * 6 + ["neutral"] * 3 + ["positive"] * 3
    # neutral rows have a neutral logit just below the negative one: argmax never says neutral
    z = np.array([[2, 0, -1]] * 6 + [[1.0, 0.7, -1]] * 3 + [[0, -1, 2]] * 3, dtype=float)
    assert "neutral" not in train.decide(sorted(set(labels)), z).tolist()
    off = train.calibrate(labels, z)
    assert off[0] == 0.0 and 0.3 < off[1] < 1.0
    assert train.decide(sorted(set(labels)), z, off).tolist() == labels
    assert train.calibrate(["negative", "positive"], np.zeros((2, 1))) == (0.0,)


LEX = HashSpec(bits=20, negation=True, lexicon=3)  # the en/vi head spec


def _lexicon_features(text: str, spec: HashSpec = LEX) -> list[int]:
    """Features ``spec`` adds to the n-grams of ``text`` (the lexicon hits, in order)."""
    from engagelens.text.normalize import model_text

    m = model_text(text)
    base = hash_batch([m], HashSpec(bits=spec.bits, negation=spec.negation))[1]
    return hash_batch([m], spec)[1][len(base) :].tolist()


def _ids() -> tuple[int, int]:
    (pos,) = _lexicon_features("great")
    (neg,) = _lexicon_features("terrible")
    assert pos != neg
    return pos, neg


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("great food, terrible service", "+-"),
        ("not great", "-"),  # en negation scope flips
        ("Cà phê ngon quá, nhân viên dễ thương", "++"),  # vi one- and two-syllable entries
        ("không ngon", "-"),
        ("that vong qua", "-"),  # vi typed without tone marks
        ("غذا خوب بود", "+"),
        ("غذا خوب نبود", "-"),  # fa: negated verb after the word
        ("خیلی بی\u200cکیفیت", "-"),  # ZWNJ spelling matches
        ("很好吃", "+"),
        ("不好吃", "-"),  # zh: negating character before
        ("不太好吃", "-"),
        ("送餐太慢了", "-"),
        ("很好喫 難吃", "-"),  # Traditional spelling
        ("😍👍", "++"),
        ("the flight leaves at 5pm", ""),
        ("", ""),
    ],
)
def test_lexicon_hits_with_negation(text, want):
    pos, neg = _ids()
    got = "".join("+" if f == pos else "-" if f == neg else "?" for f in _lexicon_features(text))
    assert got == want


def test_lexicon_off_changes_nothing_and_value_scales_with_gain():
    texts = ["great food", "很好吃", "", "not bad"]
    plain = hash_batch(texts, PLAIN)
    assert all(
        np.array_equal(x, y)
        for x, y in zip(plain, hash_batch(texts, HashSpec(bits=20, lexicon=0)), strict=True)
    )
    one = hash_batch(["great food"], HashSpec(bits=20, lexicon=1))[2]
    three = hash_batch(["great food"], HashSpec(bits=20, lexicon=3))[2]
    assert one[-1] * 3 == pytest.approx(three[-1]) and one[0] == three[0]
    spec = HashSpec(bits=20, negation=True, lexicon=3)
    assert HashSpec.from_array(spec.to_array()) == spec
    assert HashSpec.from_array(np.array([20, 1, 4, 1, 0, 1])).lexicon == 0  # 2026.11.2 files


def test_lexicon_hits_do_not_cross_texts():
    # "không" ends text 0; "ngon" of text 1 is not negated; Han "不" ends text 2
    doc, feat, _ = hash_batch(
        ["khong", "ngon", "很好 不", "好吃"], HashSpec(bits=20, negation=True, lexicon=3)
    )
    pos, neg = _ids()
    hits = [(int(d), int(f)) for d, f in zip(doc, feat, strict=False) if f in (pos, neg)]
    assert hits == [(1, pos), (3, pos)]
