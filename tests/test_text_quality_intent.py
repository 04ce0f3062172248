"""Comment quality and intent rules (text/quality.py, text/intent.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from engagelens.text.intent import intent
from engagelens.text.normalize import normalize
from engagelens.text.quality import duplicate_key, find_duplicates, quality, quality_batch


@pytest.mark.parametrize(
    "text",
    [
        "😍😍😍",
        "!!!",
        "nice",
        "Niceeee",
        "first",
        "@anna @bob_1",
        "@anna, @bob",
        "đẹp quá",
        "عالی",
        "好",
        "哈哈哈",
        "",
        "wow 🔥",
    ],
)
def test_low_effort(text):
    assert quality(normalize(text)) == "low_effort"


@pytest.mark.parametrize(
    "text",
    [
        "FREE giveaway!! click here https://x.example/win",
        "make money from home, DM me on whatsapp",
        "check out my profile for a discount code",
        "buy buy buy buy buy",
        "sooooooooooooo gooooooooood",
        "加微信领取优惠",
        "کد تخفیف رایگان در تلگرام",
        "see https://a.example https://b.example https://c.example",
    ],
)
def test_spam(text):
    assert quality(normalize(text)) == "spam"


@pytest.mark.parametrize(
    "text",
    [
        "The delivery took two hours and the soup was cold.",
        "@brand could you tell me when the store opens?",
        "giảng viên nhiệt tình nhưng bài tập hơi nhiều",
        "غذا خوشمزه بود ولی دیر رسید",
        "送餐很快，但是菜有点咸",
        "Is the sale still on? I saw it on your site",  # one promo word alone is fine
    ],
)
def test_substantive(text):
    assert quality(normalize(text)) == "substantive"


def test_persian_bad_does_not_fire_inside_without():
    # "بدون" (without) contains "بد" (bad): whole-word matching must not flag it
    assert intent("غذا بد بود").is_complaint
    assert not intent("بدون پیاز").is_complaint


def test_duplicates_across_posts_ignore_case_handles_and_punctuation():
    texts = [
        "Check my page for cheap followers!!",
        "@a check my PAGE for cheap followers",
        "check my page, for cheap followers",
        "an honest comment about the product",
        "ok",
    ] + ["ok"] * 3
    assert find_duplicates(texts) == [True, True, True, False, False, False, False, False]
    assert duplicate_key("Hello, @x World!") == duplicate_key("hello world")
    assert quality_batch(texts)[:4] == ["spam", "spam", "spam", "substantive"]


@pytest.mark.parametrize(
    "text",
    [
        "how do I change my booking",
        "Is it available in blue?",
        "có ship ra Hà Nội không?",
        "cái này bao nhiêu tiền",
        "چرا سفارشم نرسید",
        "آیا ارسال رایگان است",
        "这个什么时候到货",
        "可以退款吗",
        "مگه نگفتید ساعت ۸ میرسه؟",
    ],
)
def test_questions(text):
    assert intent(normalize(text).text).is_question


@pytest.mark.parametrize(
    "text",
    [
        "I want a refund, the app keeps crashing",
        "my order never arrived",
        "hàng bị lỗi, tôi muốn hoàn tiền",
        "غذا خراب بود",
        "我要退款",
        "沒收到餐",
    ],
)
def test_complaints(text):
    assert intent(normalize(text).text).is_complaint


@pytest.mark.parametrize(
    "text",
    [
        "where can I buy this?",
        "how much is the red one",
        "giá bao nhiêu vậy shop",
        "قیمتش چنده؟",
        "多少钱",
        "想買這個",
    ],
)
def test_purchase_intent(text):
    assert intent(normalize(text).text).is_purchase_intent


@pytest.mark.parametrize(
    "text",
    [
        "Thank you, amazing support!",
        "tuyệt vời, cảm ơn shop",
        "خیلی خوشمزه بود ممنون",
        "好吃，推荐",
    ],
)
def test_praise(text):
    assert intent(normalize(text).text).is_praise


def test_plain_statement_has_no_intent():
    it = intent("the parcel arrived on tuesday")
    assert (it.is_question, it.is_complaint, it.is_purchase_intent, it.is_praise) == (
        False,
        False,
        False,
        False,
    )


def test_intent_reads_the_text_not_a_sentiment_score():
    # issue 18: intent used to follow a sentiment threshold (score <= -0.6 = complaint); the
    # same three cases now come from the text alone
    assert intent("two hours and still nothing").is_complaint
    assert not intent("no problem at all, great service").is_complaint
    assert not intent("thanks for nothing").is_praise


@pytest.mark.parametrize(
    ("text", "flags"),
    [
        ("Why was I charged twice?", (True, True, False, False)),  # question and complaint
        ("Do you do catering for office events of about 40 people?", (True, False, True, False)),
        ("Sunday hours are 7am to 6pm", (False, False, False, False)),
        ("The coffee was not great", (False, True, False, False)),  # negated praise
        ("Great, my order is late again", (False, True, False, False)),  # sarcasm
        ("Love the coffee but the wifi is broken", (False, True, False, True)),  # mixed
        ("Is it back in stock? Thanks!", (True, False, True, False)),  # courtesy thanks
        ("这么好喝", (False, False, False, True)),  # 么 alone is not a question
        ("店员态度很好", (False, False, False, True)),  # 态度 alone is not a complaint
        ("Không gian đẹp", (False, False, False, True)),  # "không gian" does not negate
    ],
)
def test_intent_is_multi_label_and_reads_syntax(text, flags):
    it = intent(normalize(text).model_text)
    assert (it.is_question, it.is_complaint, it.is_purchase_intent, it.is_praise) == flags


def _at(minutes: float) -> dt.datetime:
    return dt.datetime(2026, 12, 1, 9, 0) + dt.timedelta(minutes=minutes)


PASTED = "Best coffee deals, see my page for more"


def test_copy_paste_needs_copies_on_different_posts_within_an_hour():
    texts = [PASTED] * 4
    posts = ["p1", "p2", "p3", "p4"]
    # 0, 10 and 20 min on three posts: pasted; the fourth copy comes 200 min later, alone
    assert quality_batch(texts, posts=posts, times=[_at(0), _at(10), _at(20), _at(220)]) == [
        "spam",
        "spam",
        "spam",
        "substantive",
    ]
    # the same three copies on one post (a thread repeating itself) are not copy-paste
    one_post = quality_batch(texts[:3], posts=["p1"] * 3, times=[_at(0), _at(10), _at(20)])
    assert one_post == ["substantive"] * 3
    # two copies are not enough
    assert quality_batch(texts[:2], posts=posts[:2], times=[_at(0), _at(1)]) == ["substantive"] * 2


def test_fans_repeating_a_phrase_over_days_are_not_spam():
    fan = "Love it, best coffee in town, see you soon"
    times = [_at(60 * 24 * d) for d in range(5)]
    assert (
        quality_batch([fan] * 5, posts=[f"p{d}" for d in range(5)], times=times)
        == ["substantive"] * 5
    )
    # without post/time metadata (a text file) repetition alone is never spam
    assert quality_batch([fan] * 5) == ["substantive"] * 5


def test_copy_paste_of_mentions_has_no_post_to_compare():
    times = [_at(0), _at(5), _at(50), None]
    # a spike: many people saying the same thing about an outage, within the hour
    outage = "Is the Lumina app down for everyone? Cannot order anything."
    assert quality_batch([outage] * 3, posts=None, times=times[:3]) == ["substantive"] * 3
    # the same copies pushing a link are a ring
    pushed = PASTED + " https://x.example/deal"
    assert quality_batch([pushed] * 4, posts=None, times=times) == [
        "spam",
        "spam",
        "spam",
        "substantive",  # no time: cannot be placed in a window
    ]
