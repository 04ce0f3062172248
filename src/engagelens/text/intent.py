"""Intent flags — question, complaint, purchase intent, praise — the signals that decide which
comments a brand answers first (a question or complaint left unanswered costs the most).

Multilingual phrase lists (en, vi, fa, zh; Traditional and Simplified Han) matched as whole
words outside Han text (:mod:`.lexicon`). A strongly negative sentiment (score ≤ −0.6) also
counts as a complaint, and a strongly positive one (≥ 0.6) as praise, because many problem
reports and compliments use no stock phrase ("2 hours and still nothing").
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from .lexicon import compile_phrases

STRONG_SENTIMENT = 0.6

QUESTION = compile_phrases(
    [
        "how do i",
        "how can i",
        "how to",
        "how long",
        "how much",
        "what is",
        "what's",
        "why",
        "when will",
        "where is",
        "where can",
        "can i",
        "can you",
        "could you",
        "is there",
        "are you",
        "do you",
        "does it",
        "any update",
        "anyone know",
        "is it",
        "will you",
        "bao giờ",
        "bao lâu",
        "bao nhiêu",
        "thế nào",
        "như thế nào",
        "ở đâu",
        "tại sao",
        "vì sao",
        "có không",
        "được không",
        "không ạ",
        "chưa ạ",
        "phải không",
        "làm sao",
        "hả",
        "nhỉ",
        "آیا",
        "چرا",
        "چطور",
        "چگونه",
        "کجا",
        "چند",
        "چه زمانی",
        "کی میرسه",
        "مگه",
        "吗",
        "嗎",
        "么",
        "麼",
        "呢",
        "什么",
        "什麼",
        "怎么",
        "怎麼",
        "为什么",
        "為什麼",
        "哪里",
        "哪裡",
        "几点",
        "幾點",
        "多久",
        "是否",
        "能不能",
        "可不可以",
    ]
)
_QUESTION_MARK = regex.compile(r"[?？؟]")

COMPLAINT = compile_phrases(
    [
        "refund",
        "broken",
        "doesn't work",
        "does not work",
        "not working",
        "never arrived",
        "never received",
        "didn't receive",
        "cancelled",
        "canceled",
        "delayed",
        "delay",
        "worst",
        "terrible",
        "awful",
        "horrible",
        "scam",
        "complaint",
        "charged twice",
        "still waiting",
        "lost my",
        "lost luggage",
        "damaged",
        "rude",
        "disappointed",
        "disappointing",
        "issue",
        "problem",
        "error",
        "bug",
        "crash",
        "crashes",
        "fix",
        "unacceptable",
        "no response",
        "wrong order",
        "missing",
        "late",
        "stuck",
        "on hold",
        "waste",
        "hoàn tiền",
        "lỗi",
        "hỏng",
        "hư",
        "chậm",
        "tệ",
        "thất vọng",
        "không nhận được",
        "giao sai",
        "lừa đảo",
        "khiếu nại",
        "dở",
        "kém",
        "trễ",
        "bị hủy",
        "sai",
        "vấn đề",
        "خراب",
        "مرجوع",
        "پس دادم",
        "دیر",
        "سرد",
        "افتضاح",
        "شکایت",
        "کلاهبرداری",
        "مشکل",
        "نرسید",
        "بد",
        "بی کیفیت",
        "اشتباه",
        "کم بود",
        "لغو",
        "退款",
        "退货",
        "退貨",
        "坏了",
        "壞了",
        "太慢",
        "差评",
        "差評",
        "投诉",
        "投訴",
        "问题",
        "問題",
        "骗",
        "騙",
        "没收到",
        "沒收到",
        "难吃",
        "難吃",
        "凉了",
        "涼了",
        "送错",
        "送錯",
        "少了",
        "失望",
        "太差",
        "很差",
        "不好吃",
        "慢死",
    ]
)
PURCHASE = compile_phrases(
    [
        "where can i buy",
        "where to buy",
        "how much",
        "price",
        "want to buy",
        "wanna buy",
        "i'll take",
        "take my money",
        "in stock",
        "available in",
        "ship to",
        "do you ship",
        "link to buy",
        "need this",
        "pre-order",
        "preorder",
        "add to cart",
        "how to order",
        "giá bao nhiêu",
        "bao nhiêu tiền",
        "mua ở đâu",
        "đặt hàng",
        "còn hàng",
        "muốn mua",
        "ship không",
        "giá",
        "báo giá",
        "order",
        "قیمت",
        "خرید",
        "سفارش",
        "موجود",
        "چند است",
        "چنده",
        "میخوام بخرم",
        "از کجا بخرم",
        "多少钱",
        "多少錢",
        "价格",
        "價格",
        "怎么买",
        "怎麼買",
        "哪里买",
        "哪裡買",
        "下单",
        "下單",
        "有货",
        "有貨",
        "想买",
        "想買",
        "购买",
        "購買",
        "求链接",
        "求鏈接",
    ]
)
PRAISE = compile_phrases(
    [
        "love",
        "great",
        "awesome",
        "amazing",
        "thank you",
        "thanks",
        "best",
        "excellent",
        "perfect",
        "fantastic",
        "wonderful",
        "well done",
        "kudos",
        "brilliant",
        "beautiful",
        "tuyệt vời",
        "cảm ơn",
        "xuất sắc",
        "rất tốt",
        "ngon",
        "đẹp",
        "thích",
        "nhiệt tình",
        "hài lòng",
        "tuyệt",
        "عالی",
        "ممنون",
        "مرسی",
        "خوشمزه",
        "دمت گرم",
        "بی نظیر",
        "فوق العاده",
        "راضی",
        "خوب بود",
        "好吃",
        "很好",
        "棒",
        "赞",
        "讚",
        "谢谢",
        "謝謝",
        "满意",
        "滿意",
        "推荐",
        "推薦",
        "喜欢",
        "喜歡",
        "不错",
        "不錯",
        "好评",
        "好評",
    ]
)
PRAISE_EMOJI = frozenset("😍🥰❤♥💕💖💯👏🙏👍🔥😊☺🤩")


@dataclass(frozen=True, slots=True)
class Intent:
    is_question: bool
    is_complaint: bool
    is_purchase_intent: bool
    is_praise: bool


def intent(
    text: str, *, sentiment_score: float = 0.0, emojis: tuple[str, ...] | list[str] = ()
) -> Intent:
    """Intent flags of one cleaned text (``normalize(t).text``)."""
    if not text:
        return Intent(False, False, False, False)
    question = bool(_QUESTION_MARK.search(text) or QUESTION.search(text))
    complaint = bool(COMPLAINT.search(text)) or sentiment_score <= -STRONG_SENTIMENT
    purchase = bool(PURCHASE.search(text))
    praise = (
        bool(PRAISE.search(text))
        or any(e in PRAISE_EMOJI for e in emojis)
        or sentiment_score >= STRONG_SENTIMENT
    )
    if complaint and sentiment_score > STRONG_SENTIMENT:
        complaint = False  # "no problem, great service!"
    if praise and sentiment_score < -STRONG_SENTIMENT:
        praise = False  # "thanks for nothing"
    return Intent(question, complaint, purchase, praise)


__all__ = sorted(
    [
        "COMPLAINT",
        "Intent",
        "PRAISE",
        "PRAISE_EMOJI",
        "PURCHASE",
        "QUESTION",
        "STRONG_SENTIMENT",
        "intent",
    ]
)
