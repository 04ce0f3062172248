"""Normalisation pitfalls of real social text, per language (text/normalize.py)."""

from __future__ import annotations

import unicodedata

import pytest

from engagelens.text.normalize import clean, decode, normalize


def test_nfkc_folds_fullwidth_and_ligatures():
    assert clean("ＳＡＬＥ ﬁne") == "SALE fine"


def test_zero_width_and_bidi_marks_removed_but_rtl_letters_kept():
    raw = "\u200fسلام\u200e \u202bfree\u202c\u200b!\u2066x\u2069\ufeff"
    out = clean(raw)
    assert out == "سلام free!x"
    assert not any(ch in out for ch in "\u200b\u200e\u200f\u202b\u202c\u2066\u2069\ufeff")


def test_persian_arabic_variants_and_digits_unified():
    # Arabic yeh/kaf typed on an Arabic keyboard == Persian letters; Persian/Arabic digits → ASCII
    assert clean("كيك ۱۲۳ ٤٥") == "کیک 123 45"
    assert clean("خيلي خوب") == clean("خیلی خوب")
    assert clean("عـــالی") == "عالی"  # tatweel (kashida) stretched word


def test_persian_zwnj_spellings_agree():
    assert clean("می\u200cخواهم") == clean("میخواهم")


@pytest.mark.parametrize(
    "new_style,old_style",
    [
        ("hoà", "hòa"),
        ("thuỷ", "thủy"),
        ("khoẻ", "khỏe"),
        ("hoá đơn", "hóa đơn"),
    ],
)
def test_vietnamese_tone_placement_unified(new_style, old_style):
    assert clean(new_style) == clean(old_style) == old_style


def test_vietnamese_closed_syllables_and_qu_untouched():
    # tone stays on the 2nd vowel when a consonant follows, and "qu" is a consonant cluster
    assert clean("toán quý thuyền") == "toán quý thuyền"


def test_vietnamese_decomposed_input_is_composed():
    decomposed = unicodedata.normalize("NFD", "giáo viên rất nhiệt tình")
    assert decomposed != "giáo viên rất nhiệt tình"
    assert clean(decomposed) == "giáo viên rất nhiệt tình"


def test_fields_extracted_and_placeholders_in_model_text():
    n = normalize("Hey @Delta_Air see https://t.co/abc?x=1 #FlyDelta :( 😡")
    assert n.urls == ["https://t.co/abc?x=1"]
    assert n.handles == ["Delta_Air"]
    assert n.hashtags == ["FlyDelta"]
    assert n.emojis == ["😡"]
    assert n.emoticons == [":("]
    assert "httpurl" in n.model_text and "@user" in n.model_text
    assert "t.co" not in n.model_text and "delta_air" not in n.model_text


def test_emails_are_not_handles():
    assert normalize("write to help@brand.com").handles == []


def test_emoji_only_text_kept():
    n = normalize("😍😍🔥")
    assert n.text == "😍😍🔥" and n.emojis == ["😍", "😍", "🔥"]


def test_empty_none_and_whitespace():
    for value in ("", None, "   \n\t ", "\u200b\u200f"):
        n = normalize(value)
        assert n.text == "" and n.model_text == ""


def test_100kb_text():
    text = ("Great product 👍 but slow delivery. " * 3000)[:100_000]
    n = normalize(text)
    assert len(n.text) >= 99_000
    assert len(n.emojis) == text.count("👍")


def test_invalid_utf8_bytes_are_replaced_not_fatal():
    assert decode(b"ok \xff\xfe done") == "ok \ufffd\ufffd done"
    assert normalize(b"\xc3\x28 caf\xc3\xa9").text == "\ufffd( café"


def test_control_characters_become_spaces():
    assert clean("a\x00b\x07c") == "a b c"


def test_lone_surrogates_become_replacement_characters():
    # e.g. JSON "\ud800" decoded by a lenient reader; paired halves still form the emoji
    assert clean("a\ud800b") == "a\ufffdb"
    assert clean("x\ud83d\ude00y") == "x😀y"
