"""Intent needs evidence of its own, and the sentiment decision reads the clause that concludes:
each rule here is checked on sentences written for the rule (none of them is a row of the
held-out set in tests/fixtures/text/heldout, which stays for measuring)."""

from __future__ import annotations

import pytest

from engagelens.text import analyze

FLAGS = ("is_question", "is_complaint", "is_purchase_intent", "is_praise")


def one(text: str) -> tuple[str, tuple[bool, ...]]:
    (a,) = analyze([text])
    return a["sentiment"], tuple(a[f] for f in FLAGS)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        # the clause after "but" concludes (Polanyi & Zaenen 2006)
        ("The coffee is lovely but the line was painfully slow", "negative"),
        ("The line was slow but the cake is amazing", "positive"),
        ("Bánh ngon nhưng nhân viên thái độ tệ", "negative"),
        ("فضا قشنگه ولی غذا سرد بود", "negative"),
        ("环境很好，但是上菜太慢了", "negative"),
    ],
)
def test_contrast_clause_decides_mixed_comments(text, label):
    sentiment, (_, complaint, _, praise) = one(text)
    assert (sentiment, complaint, praise) == (label, True, True)


def test_eye_roll_makes_praise_next_to_a_problem_sarcasm():
    assert one("Another delayed train. Brilliant 🙄") == ("negative", (False, True, False, False))
    # without a problem the same emoji does not turn praise into sarcasm
    assert one("Brilliant new menu 🙄")[1][3] is True


@pytest.mark.parametrize(
    "text",
    [
        "The new checkout flow is annoying",  # lexicon: annoying
        "服务员态度非常差",  # 非常差
        "Internet has been down since Monday",
        "từ tối qua mạng rớt liên tục",
        "网络一直连不上",
        "اینترنت از دیشب قطع شد",
    ],
)
def test_a_described_problem_or_negative_opinion_is_a_complaint(text):
    assert one(text)[1][1] is True


@pytest.mark.parametrize(
    ("text", "praise"),
    [
        ("The new packaging is gorgeous", True),  # lexicon: gorgeous
        ("Is the new blend worth it?", False),  # a question praises nothing
        ("Trà sữa hay cà phê cũng được", False),  # "hay" is also "or"
    ],
)
def test_praise_from_the_polarity_lexicon(text, praise):
    assert one(text)[1][3] is praise


def test_a_new_order_is_purchase_intent_unless_it_is_the_problem():
    assert one("Just ordered three more, love them!")[1][2] is True
    assert one("下单了两盒，很喜欢")[1][2] is True
    _, (_, complaint, purchase, _) = one("I ordered a blue one and got a green one, wrong item")
    assert (complaint, purchase) == (True, False)


def test_eager_waiting_is_not_a_complaint():
    assert one("بی‌صبرانه منتظر نسخه جدیدم")[1][1] is False


@pytest.mark.parametrize(
    "text",
    ["新版本下周上线", "Phiên bản mới ra mắt vào thứ Sáu", "Free shipping on orders over $50"],
)
def test_announcements_without_opinion_are_neutral(text):
    assert one(text)[0] == "neutral"
