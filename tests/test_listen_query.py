"""The listening query language: every operator, precedence, errors with columns, and
Unicode-aware matching (case, Vietnamese diacritics, Persian variants, RTL marks, Chinese)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engagelens.errors import QuerySyntaxError
from engagelens.listening import FoldOptions, QuerySpec, compile_queries, fold, parse
from engagelens.listening.engine import Engine
from engagelens.listening.query import And, Field, Near, Not, Or, Text, anchored, to_string


def matches(query: str, text: str, **meta) -> bool:
    return "q" in compile_queries({"q": query}).match(text, **meta)


# -- parsing and precedence -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("query", "shape"),
    [
        ("a OR b c", "(a OR (b AND c))"),  # AND binds tighter than OR
        ("a b OR c", "((a AND b) OR c)"),
        ("NOT a b", "((NOT a) AND b)"),  # NOT binds tighter than AND
        ("a AND NOT b OR c", "((a AND (NOT b)) OR c)"),
        ("NOT NOT a", "(NOT (NOT a))"),
        ("(a OR b) c", "((a OR b) AND c)"),
        ("a NEAR/3 b OR c", "((a NEAR/3 b) OR c)"),  # NEAR binds tightest
        ('"late flight" lang:en', '("late flight" AND lang:en)'),
        ("a and b", "(a AND and AND b)"),  # lower-case and is a word
    ],
)
def test_precedence(query, shape):
    assert to_string(parse(query)) == shape


def test_node_types():
    tree = parse('#fail OR (@united NOT "on time") OR refund* OR x NEAR/2 y OR platform:x')
    assert isinstance(tree, Or)
    tag, group, wild, near, field = tree.children
    assert tag == Text("#fail", "hashtag", column=1)
    assert isinstance(group, And) and isinstance(group.children[1], Not)
    assert wild.prefix and wild.kind == "word"
    assert isinstance(near, Near) and near.distance == 2
    assert isinstance(field, Field) and field.name == "platform"


@pytest.mark.parametrize(
    ("query", "column", "fragment"),
    [
        ("", 1, "empty query"),
        ("refund AND", 11, "query ends"),
        ("AND refund", 1, "AND needs"),
        ("a OR OR b", 6, "OR needs"),
        ("(refund OR late", 1, "missing ')'"),
        ("refund)", 7, "unmatched ')'"),
        ('refund "late flight', 8, "unclosed quote"),
        ("a NEAR b", 3, "NEAR needs a distance"),
        ("a NEAR/x b", 3, "NEAR needs a distance"),
        ("(a OR b) NEAR/2 c", 10, "NEAR joins"),
        ("ref*und", 4, "wildcard"),
        ("lang: x", 6, "lang: needs a value"),
        ("a ()", 4, "empty parentheses"),
        ("!!!", 1, "no letters"),
        ('a ""', 3, "empty phrase"),
        ("#fail-whale", 1, "hashtag is one word"),
        ("a NEAR/2 b NEAR/2 c", 12, "chain NEAR"),
    ],
)
def test_malformed_queries_point_at_the_column(query, column, fragment):
    with pytest.raises(QuerySyntaxError) as info:
        parse(query)
    assert info.value.column == column
    assert fragment in info.value.message
    assert f"at column {column}" in str(info.value)


def test_anchoring_decides_which_queries_run_on_every_mention():
    assert anchored(parse("a b"))
    assert anchored(parse("a OR b NEAR/2 c"))
    assert anchored(parse("a NOT b"))
    assert not anchored(parse("NOT spam"))
    assert not anchored(parse("a OR NOT b"))
    assert not anchored(parse("lang:vi"))


# -- matching: every operator ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ("refund", "I want a REFUND now", True),
        ("refund", "refunded", False),  # whole words only
        ("refund*", "refunded", True),
        ("refund*", "nonrefundable", False),  # prefix, not infix
        ('"late flight"', "a late flight again", True),
        ('"late flight"', "a flight late again", False),
        ('"late flight"', "so LATE, flight!", True),  # punctuation separates words
        ("late AND flight", "flight was late", True),
        ("late flight", "flight was late", True),  # implicit AND
        ("late flight", "late again", False),
        ("late OR flight", "flight", True),
        ("late NOT flight", "late bus", True),
        ("late NOT flight", "late flight", False),
        ("NOT spam", "hello", True),  # NOT-only query
        ("NOT spam", "buy spam", False),
        ("late NEAR/2 flight", "late and delayed flight", True),
        ("late NEAR/2 flight", "late and very delayed flight", False),
        ("late NEAR/1 flight", "late delayed flight", True),  # n words between
        ("late NEAR/0 flight", "flight late", True),  # NEAR/0: adjacent
        ("late NEAR/0 flight", "late delayed flight", False),
        ("late NEAR/1 flight", "late and delayed flight", False),
        ("late NEAR/1 flight", "flight late", True),  # either order
        ('late NEAR/1 "lost bag"', "lost bag late", True),
        ("#fail", "what a #Fail", True),
        ("#fail", "what a fail", False),  # hashtag needs the hashtag
        ("fail", "what a #fail", True),  # a word also finds the hashtag
        ("@united", "thanks @United", True),
        ("@united", "united we stand", False),
        ("#fail*", "#failwhale", True),
        ("(late OR delayed) (bag OR luggage)", "delayed luggage", True),
        ("(late OR delayed) (bag OR luggage)", "delayed flight", False),
    ],
)
def test_operators(query, text, expected):
    assert matches(query, text) is expected


def test_fields_read_mention_metadata():
    assert matches("refund lang:vi", "refund", language="vi")
    assert matches("refund lang:vi", "refund", language="vi-VN")
    assert not matches("refund lang:vi", "refund", language="en")
    assert not matches("refund lang:vi", "refund")
    assert matches("lang:zh-TW", "x", language="zh_tw")  # a region narrows it
    assert not matches("lang:zh-TW", "x", language="zh-CN")
    assert matches("lang:zh", "x", language="zh-TW")
    assert matches("platform:x", "anything", platform="twitter")  # x is Twitter's new name
    assert not matches("platform:x", "anything", platform="facebook")
    assert matches("NOT platform:facebook", "anything", platform="x")


def test_matched_terms_are_the_positive_words_found():
    found = compile_queries({"q": "(refund OR lawsuit) NOT spam"}).match("refund and lawsuit")
    assert found == {"q": ["refund", "lawsuit"]}


# -- Unicode --------------------------------------------------------------------------------
def test_case_folding_is_unicode_aware():
    assert matches("straße", "STRASSE gesperrt")  # ß case-folds to ss
    assert matches("ΣΟΦΙΑ", "σοφια")
    assert matches("ｒｅｆｕｎｄ", "refund please")  # full-width folded by NFKC


def test_vietnamese_diacritics_insensitive_is_optional():
    strict = Engine([QuerySpec("q", "phở bò")])
    loose = Engine([QuerySpec("q", "phở bò", FoldOptions(ignore_accents=True))])
    assert strict.match("Phở Bò ngon quá")
    assert not strict.match("pho bo ngon qua")
    assert loose.match("pho bo ngon qua")
    assert loose.match("PHỞ BÒ")
    assert Engine([QuerySpec("q", "dịch vụ", FoldOptions(ignore_accents=True))]).match(
        "Dich vu rat te"
    )
    assert Engine([QuerySpec("q", "đắt", FoldOptions(ignore_accents=True))]).match("qua dat")
    # old and new tone placement are the same word
    assert matches("hòa bình", "HOÀ BÌNH") and matches("thuỷ", "nước thủy")
    assert matches("hoà", "hòa") and not matches("hoà", "hoa")
    # decomposed input (a + combining acute) equals the composed letter
    assert strict.match("pho\u031b\u0309 bo\u0300")


def test_persian_variants_and_rtl_marks():
    # Arabic yeh/kaf typed on an Arabic keyboard match the Persian letters, and back
    assert matches("کیفیت", "كيفيت غذا عالی بود")
    assert matches("كيفيت", "کیفیت غذا عالی بود")
    # RTL/LTR marks and zero-width joiners do not split or hide words
    assert matches("غذا", "\u200fغذا\u200f سرد بود")
    assert matches('"غذا سرد"', "غذا \u202bسرد\u202c بود")
    assert matches("#اسنپ_فود", "سفارش از #اسنپ_فود")
    assert not matches("غذا", "غذاها")  # whole words in Arabic script too


def test_chinese_without_spaces_matches_on_characters():
    assert matches("外卖", "这家外卖送得太慢了")
    assert matches("外卖 NOT 好吃", "这家外卖送得太慢了")
    assert not matches("外卖 NOT 好吃", "外卖很好吃")
    assert matches("#外卖", "推荐 #外卖 平台")
    assert matches("送餐 OR 外卖", "送餐慢")
    assert matches("iPhone手机", "我的iphone手机坏了")
    assert matches("服务 lang:zh", "服务态度差", language="zh")


def test_chinese_jieba_segments_are_optional():
    chars = Engine([QuerySpec("q", "好")])
    words = Engine([QuerySpec("q", "好", FoldOptions(segment_chinese=True))])
    text = "这家店很好吃"
    assert chars.match(text)  # the character occurs inside 好吃
    assert not words.match(text)  # …but 好 alone is not one of jieba's segments
    assert Engine([QuerySpec("q", "外卖", FoldOptions(segment_chinese=True))]).match(
        "这家外卖送得太慢了"
    )


def test_fold_is_total_on_hostile_text():
    hostile = '=HYPERLINK("http://x")<script>alert(1)</script>\u202e\u200b😀\x00'
    assert fold(hostile) == fold(hostile)
    assert "\u202e" not in fold(hostile) and "\u200b" not in fold(hostile)
    assert matches("script", hostile)
    assert compile_queries({"q": "x"}).match(None) == {}


@pytest.mark.parametrize(
    "module",
    [
        "alerts",
        "delivery",
        "engine",
        "fold",
        "frame",
        "measures",
        "query",
        "runner",
        "spikes",
        "tables",
        "",
    ],
)
def test_public_surface_is_sorted_and_real(module):
    import importlib

    mod = importlib.import_module("engagelens.listening" + (f".{module}" if module else ""))
    assert mod.__all__ == sorted(mod.__all__)
    assert all(hasattr(mod, name) for name in mod.__all__)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                *list('ab #@*"():/NEAROTDl1\u200f外'),
                " AND ",
                " OR ",
                "NOT ",
                " NEAR/2 ",
                "lang:",
                "lang:vi",
                " ",
            ]
        ),
        max_size=20,
    ).map("".join)
)
def test_any_input_parses_or_fails_with_a_column_inside_the_query(query):
    try:
        tree = parse(query)
    except QuerySyntaxError as exc:
        assert 1 <= exc.column <= len(query) + 1
    else:
        assert to_string(parse(to_string(tree))) == to_string(tree)  # rendering round-trips
