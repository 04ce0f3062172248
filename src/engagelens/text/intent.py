"""Intent flags — question, complaint/problem report, purchase intent, praise — decided from the
text itself, never from a sentiment threshold: they are the signals that decide which comments
a brand answers first, and a model trained on airline tweets reads "question ⇒ negative".

Multi-label: "Why was I charged twice?" is a question *and* a complaint. Per language (en, vi,
fa, zh; Han cues in Simplified and Traditional where they differ), matched on the model text
(lower case, Persian letters unified, ZWNJ removed) with one Aho–Corasick automaton
(:class:`~.lexicon.TaggedPhrases`) plus a few regular expressions for syntax phrase lists cannot
see (an English question starts with an auxiliary + pronoun; Vietnamese ``có … không``).

* **question** — ``? ？ ؟``; interrogatives (``how/why/where``, ``bao giờ/mấy giờ/ở đâu``,
  ``چرا/کجا/چطور``, ``吗/呢/几点/哪里``); an English sentence opening with ``do you / is
  there / can I …``; Vietnamese ``có … không (ạ)``.
* **complaint** — a problem is described (late, broken, cold, charged twice, refund, still
  waiting, app crashes, rude, an outage) or a negative opinion word of the polarity lexicon
  outside a question; cancelled by its negation ("no problem", "không có vấn đề", "没问题")
  and by "not bad".
* **purchase** — price, where to buy, delivery to a place, stock, ordering, bulk/catering.
* **praise** — compliments, positive lexicon words outside questions, and gratitude, unless
  negated ("not great" is a complaint) or, next to a complaint, sarcastic: praise only in a
  short opening clause ("Great, late again"), an irony emoji (🙄), or only gratitude ("Thanks
  for nothing"); a contrast word (but, nhưng, ولی, 但) keeps both, and the clause after it
  tells the sentiment decision which one concludes.

Lexicon-only flags are intent, not sentiment: :mod:`.opinion` lets only the phrase-list cues
(``listed_complaint`` / ``listed_praise``) outrank the model, which has the lexicon as
features already.

:func:`cues` also returns what the sentiment decision (:mod:`.opinion`) needs: enthusiasm
("take my money") and informational cues (opening hours, announcements, brand replies).
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from .features import NEGATORS
from .lexicon import TaggedPhrases
from .polarity import FA_NEGATED_VERBS, NEGATIVE, POSITIVE, ZH_NEGATORS


def phrase_block(block: str) -> list[str]:
    """Entries of a block, one per line or ``|``-separated."""
    return [p.strip() for line in block.splitlines() for p in line.split("|") if p.strip()]


QUESTION_WORDS = phrase_block(
    """how do i|how can i|how to|how long|how much|how many|what is|what's|what time|why|when will
    when does|when do|when is|where is|where are|where can|where do|which|anyone know|any update
    any news|is it possible|wondering if|do you know
    bao giờ|bao lâu|bao nhiêu|mấy giờ|mấy h|thế nào|như thế nào|như nào|ở đâu|đâu vậy|tại sao
    vì sao|sao|được không|không ạ|chưa ạ|phải không|làm sao|hả|nhỉ|cho mình hỏi|cho em hỏi
    cho tôi hỏi|xin hỏi|gì vậy|nào vậy|không vậy|không shop|không ad|có không
    آیا|چرا|چطور|چطوری|چگونه|کجا|کجاست|کجای|چند|چنده|چیه|چی|چه زمانی|کی|مگه|چقدر|چقدره
    吗|嗎|呢|什么时候|什麼時候|是什么|是什麼|什么意思|什麼意思|什么情况|什麼情況|有什么|有什麼|怎么|怎麼|为什么|為什麼|哪里|哪裡|哪儿|哪個|哪个|哪家|几点|幾點|几号
    幾號|多久|多少|是否|能不能|可不可以|有没有|有沒有|是不是|请问|請問|干嘛|啥时候|啥時候|干啥|是啥"""
)
COMPLAINT_WORDS = phrase_block(
    """refund|refunded|broken|broke|doesn't work|does not work|not working|won't load|wont load
    never arrived|never received|never came|didn't receive|didnt receive|didn't get|cancelled
    canceled|delayed|delay|late|worst|terrible|awful|horrible|disgusting|scam|complaint
    charged twice|double charged|charged me twice|overcharged|still waiting|still no|still not
    still nothing|been waiting|lost my|lost luggage|damaged|rude|disappointed|disappointing
    issue|issues|problem|problems|error|bug|crash|crashes|crashed|crashing|keeps crashing
    please fix|fix this|fix your|unacceptable|no response|no reply|no one answers|nobody answers
    wrong order|the wrong|missing|stuck|on hold|waste|was cold|is cold|were cold|arrived cold
    got cold|gone cold|went cold|stone cold|cold coffee|cold food|leaked|leaking|spilled|burnt|stale
    dirty|hair in|hate|sucks|ridiculous|useless|slow|never again|not happy|unhappy|ruined
    thanks for nothing|so much for|nothing works|isnt working|isn't working|hung up|hangs up
    hang up|disconnected|delays|please help|can't get|cant get|can't even
    it's been an hour|been an hour|over an hour|wrong|got my order wrong|closed early
    an hour early|app down|site down|is down|down for everyone|went down|been down|goes down
    can't order|cannot order|cant order|can't log in|can't login|can't pay|prices went up
    price went up|raised prices|price hike|hasn't arrived|has not arrived|hasnt arrived
    didn't arrive|did not arrive|not delivered|never delivered|never got|stopped working
    hacked|too expensive|overpriced|no one replied|nobody replied|not responding
    charged my card twice|charged us twice|charged me double|logs me out|logged me out
    keeps logging me out|keeps dropping|keeps disconnecting|no signal|no internet|down since
    been down since|outage|not loading|won't open|wont open|can't connect|cant connect
    chưa tới|chưa đến|chưa giao|không giao|giao chậm|đắt quá|quá đắt|không trả lời|không phản hồi
    hoàn tiền|tiền hoàn|lỗi|bị lỗi|hỏng|hư|vỡ|chậm|trễ|muộn|nguội|tệ|quá tệ|thất vọng
    không nhận được|chưa nhận được|giao sai|sai món|sai đơn|nhầm|lừa đảo|khiếu nại|dở|kém
    bị hủy|hủy đơn|vấn đề|vẫn chưa|đợi mãi|chờ mãi|đợi cả tiếng|chờ cả tiếng|không ai nghe
    không ai trả lời|thái độ tệ|thái độ kém|trừ tiền hai lần|trừ tiền 2 lần|đổ hết|bẩn|delay|crash
    rớt mạng|mạng rớt|mất mạng|mất sóng|bị văng|văng ra|đơ|bị treo|không vào được|không kết nối
    خراب|مرجوع|پس دادم|دیر|سرد بود|سرد رسید|یخ کرده|افتضاح|شکایت|کلاهبرداری|مشکل|نرسید
    نرسیده|بد|بده|بی کیفیت|بیکیفیت|اشتباه|کم بود|لغو|لغو شد|شکسته|ریخت|خطا|پول کم|پولم
    بازگشت پول|برگشت پول|برنگشته|جواب نمیده|جواب نمیدن|کسی جواب|منتظرم|منتظر موندم|معطل
    ناراضی|بدمزه|کثیف|بی ادب|بیادب|بالا نمیاد|باز نمیشه|بسته میشه|کم شد|از حسابم کم
    برگردونید|نمیتونم سفارش|گرونه|خیلی گرون|جواب نمیدید|پاسخ نمیدن
    خیلی کند|کند بود|کنده|قطع میشه|قطع شد|قطع بود|وصل نمیشه|کار نمیکنه|کار نمیکرد
    هنگ میکنه|بالا نمیاره
    退款|退货|退貨|坏了|壞了|坏的|壞的|太慢|慢死|很慢|晚到|迟到|遲到|差评|差評|投诉|投訴
    问题|問題|骗|騙|没收到|沒收到|还没到|還沒到|没到账|沒到賬|难吃|難吃|难喝|難喝|凉了|涼了
    送错|送錯|错了|錯了|洒了|灑了|漏了|少了|失望|太差|很差|不好吃|不好喝|闪退|閃退|崩溃
    崩潰|卡住|报错|報錯|态度差|態度差|态度不好|態度不好|没人接|沒人接|没人理|沒人理|取消了|还没拿到|還沒拿到
    扣了我两次|扣了两次|两次钱|兩次錢|垃圾|恶心|噁心|坑人|无语|無語|送餐慢|比较慢|比較慢|慢得
    太长|太長|太久|很久|量少|太少|一般般|不咋地|不怎么样|不怎麼樣|太硬|没煮熟|沒煮熟|太咸|太鹹|太油
    太辣|太腻|太膩|真差|才送到|不新鲜|不新鮮|崩了|下不了|打不开|打不開|登不上|付不了
    不回复|不回復|不理人|发错|發錯|太贵|太貴
    非常差|特别差|特別差|断网|斷網|一直断|一直斷|断了|斷了|连不上|連不上|没信号|沒信號|登录不了|登錄不了"""
)
#: negations that cancel a complaint cue they contain ("no problem", "không có vấn đề")
NOT_COMPLAINT = phrase_block(
    """no problem|no problems|not a problem|no issue|no issues|not an issue|not late|never late
    wasn't late|open late|cold brew|cold drinks|not slow|no complaints
    nothing wrong|not bad|not too bad|no delay
    không có vấn đề|không vấn đề|không trễ|không chậm|không lỗi|không tệ|không dở|chẳng chậm
    مشکلی نیست|مشکلی نبود|بدون مشکل|بد نبود|دیر نرسید|سرد نبود|بیصبرانه منتظرم|بیصبرانه منتظر
    没问题|沒問題|不慢|没迟到|沒遲到|不晚|不差"""
)
PURCHASE_WORDS = phrase_block(
    """where can i buy|where to buy|where do i buy|how much|price|prices|pricing|cost|want to buy
    wanna buy|i'll take|take my money|in stock|back in stock|out of stock|available in|ship to
    do you ship|shipping to|deliver to|do you deliver|delivery to|link to buy|need this
    pre-order|preorder|add to cart|how to order|how do i order|can i order|like to order
    want to order|to order|place an order|order online|catering|bulk|wholesale|gift card
    do you sell|have a store in|a store in|store near|discount|discounts|coupon|voucher
    in size|restock|sold out
    giá|giá bao nhiêu|bao nhiêu tiền|mua ở đâu|mua|đặt hàng|còn hàng|có hàng|hết hàng|muốn mua
    muốn đặt|cho mình đặt|cho em đặt|đặt mua|ship về|ship ra|ship không|có ship|giao đến
    giao tới|giao về|báo giá|sỉ|số lượng lớn|mang đi|đặt bàn|đặt trước|giao hàng ra|giao ra
    قیمت|قیمتش|چند است|چنده قیمت|خرید|بخرم|بخریم|سفارش بدم|سفارش بدیم|سفارش آنلاین|ارسال دارید
    ارسال به|ارسال میکنید|ارسال رایگان|موجود|موجوده|عمده|میخوام بخرم|از کجا بخرم
    多少钱|多少錢|价格|價格|价钱|價錢|怎么买|怎麼買|哪里买|哪裡買|在哪买|哪买|购买|購買|想买
    想買|怎么下单|怎麼下單|网上下单|網上下單|如何下单|如何下單|想下单|想下單|有货|有貨|还有货|還有貨|到货了吗|订购|訂購|想订|想訂|能送|能不能送|团购|團購
    批发|批發|求链接|求鏈接|寄到|买到|買到"""
)
PRAISE_WORDS = phrase_block(
    """love|loved|loving|great|awesome|amazing|best|excellent|perfect|fantastic|wonderful
    well done|kudos|brilliant|beautiful|delicious|tasty|friendly|cozy|lovely|superb|outstanding
    unreal|obsessed|shout out|shoutout|is everything|never take it off|the only reason
    congrats|congratulations|proud of|nice|recommend|favorite|favourite|you rock
    you guys rock|impressed|incredible|the best
    tuyệt vời|tuyệt|xuất sắc|rất tốt|ngon|đẹp|thích|nhiệt tình|hài lòng|dễ thương|thân thiện
    tốt lắm|tốt quá|khá tốt|dùng tốt|chất lượng tốt|ưng ý|đáng tiền|siêu ngon|ok lắm
    chu đáo|thơm|xịn|đỉnh|quay lại|ủng hộ|hay thật|hay quá|hay lắm|rất hay|nhạc hay|mê|ghiền
    عالی|عالیه|خوشمزه|دمت گرم|دمتون گرم|بی نظیر|بینظیر|فوق العاده|راضی|خوب بود|قشنگ|قشنگه
    خوبه|خیلی خوب|راضیم|ممنونم|مهربون|خوش برخورد|خوشبرخورد|بهترین|دنج|حرف نداره|محشر
    好吃|好喝|很好|太好|真好|棒|赞|讚|点赞|點讚|满意|滿意|推荐|推薦|喜欢|喜歡|不错|不錯|好评|好看|出片|绵密|綿密
    好評|热情|熱情|周到|舒服|完美|最好|超级好|超級好|优秀|優秀|准点|準點|亲切|親切"""
)
#: an order just placed: a purchase signal, unless the text is a complaint about that order
#: ("I ordered black and got red" reports a problem, it does not want to buy)
ORDERED = phrase_block(
    """pre-ordered|preordered|just ordered|ordering tonight|ordering now|just bought|placed an order
    chốt đơn|lên đơn|vừa đặt|đã đặt|vừa mua
    سفارش دادم|سفارش دادیم|پیشخرید|پیش خرید|ثبت سفارش|خریدم
    下单|下單|预订|預訂|预购|預購|已购|已購|买了|買了"""
)
#: praise that is only politeness: with a complaint it is never praise ("Thanks for nothing")
GRATITUDE = phrase_block(
    """thanks|thank you|thx|cheers|cảm ơn|cám ơn|thanks shop|ممنون|مرسی|متشکرم|سپاس
    دستتون درد نکنه|دستت درد نکنه|谢谢|謝謝|多谢|多謝|感谢|感謝"""
)
#: enthusiasm for a product: a positive opinion, though not a compliment
ENTHUSIASM = phrase_block(
    """take my money|need this|want this|can't wait|cant wait|so excited|omg yes
    muốn mua quá|mê quá|hóng quá|hóng|mong chờ|میخوامش|بیصبرانه|想要|种草|種草|好期待|期待"""
)
#: opening hours, announcements and brand replies: information, not opinion
INFO = phrase_block(
    """hours|opening hours|holiday hours|open|opens|opening|closed|closing|reopen|reopens
    launch|launches|launching|available from|starting|from tomorrow|new store|new location
    menu|drops|coming soon|announcement|reminder|notice|please dm|dm us|send us|reach out
    look into|we'll|we are|we're|our team|stay tuned|join us|every day|daily
    rolling out|new version|version|release|released|starts at|free returns|returns within
    free shipping|policy|terms
    giờ mở cửa|mở cửa|đóng cửa|khai trương|thông báo|tạm nghỉ|nghỉ lễ|có mặt|từ ngày|chi nhánh
    vui lòng|inbox|bên mình|kiểm tra|sáng|chiều|tối
    phiên bản|ra mắt|bắt đầu lúc|đổi trả|chính sách
    ساعت کاری|باز هستیم|باز است|تعطیل|افتتاح|اطلاعیه|منوی|از فردا|شعبه|لطفا|پیگیری|دایرکت
    صبح|عصر|شب
    نسخه جدید|منتشر میشود|منتشر میشه|منتشر شد|شروع میشود|شروع میشه|بروزرسانی|آپدیت|قوانین
    مرجوعی رایگان|شرایط|اعمال میشود
    营业|營業|开门|開門|关门|關門|开业|開業|暂停|暫停|通知|上市|门店|門店|新店|菜单|菜單|私信
    您好|处理|處理|早上|晚上|上午|下午|发布|發布|上线|上線|推出|新版本|开始|開始|直播|退换
    退換|规则|規則|政策|活动时间|活動時間"""
)
#: set phrases whose words look like opinion but are not ("vui lòng" = please)
NOT_OPINION = phrase_block(
    "vui lòng|xin vui lòng|open late|cold brew|cold drinks|good morning|good evening"
)
WHY = phrase_block(
    """why|how come|what happened|what's the point|what's up with|seriously|tại sao|vì sao
    sao lại|چرا|为什么|為什麼|凭什么|憑什麼|怎么会|怎麼會"""
)
CONTRAST = phrase_block("but|however|though|nhưng|mà|tuy|اما|ولی|但|但是|可是|不过|不過|就是|只是")
PRAISE_EMOJI = frozenset("😍🥰❤♥💕💖💯👏🙏👍🔥😊☺🤩")
#: the conventional irony markers: with praise *and* a problem, the praise is sarcasm
SARCASM_EMOJI = frozenset("🙄😒🙃😑")
#: polarity-lexicon words too ambiguous to be opinion evidence on their own for the intent
#: flags: vi "hay" is also "or", fa "کند" also "(that it) does"; one-character Han entries
#: match inside other words (差 in 差不多 "almost", 香 in 香港, 慢 in 慢慢来 "take your time")
_AMBIGUOUS = frozenset({"hay", "کند"})


def _lexicon_entries(words: tuple[str, ...]) -> list[str]:
    return [
        w
        for w in words
        if w not in _AMBIGUOUS
        and not (len(w) < 2 and regex.match(r"\p{Han}", w))
        and regex.search(r"\p{L}", w)
    ]


PHRASES = TaggedPhrases(
    {
        "question": QUESTION_WORDS,
        "complaint": COMPLAINT_WORDS,
        "not_complaint": NOT_COMPLAINT,
        "not_opinion": NOT_OPINION,
        "purchase": PURCHASE_WORDS,
        "ordered": ORDERED,
        "praise": PRAISE_WORDS,
        "gratitude": GRATITUDE,
        "enthusiasm": ENTHUSIASM,
        "info": INFO,
        "contrast": CONTRAST,
        "why": WHY,
        "lex_pos": _lexicon_entries(POSITIVE),
        "lex_neg": _lexicon_entries(NEGATIVE),
    }
)

_DIGIT = regex.compile(r"\d")
_EN_QUESTION_START = regex.compile(
    r"(?:^|[.!?;:\n]\s*|^(?:hi|hey|hello)\b[ ,!]*)"
    r"(?:is|are|do|does|did|can|could|will|would|should|shall|have|has|may)\s+"
    r"(?:i|you|we|they|it|there|the|this|that|these|those|your|my|he|she|u|ya|y'all|anyone)\b"
)
_VI_CO_KHONG = regex.compile(
    r"\b(?:có|được|còn)\b[^.!?]*\b(?:không|ko|k|hông|hok|chưa)\b\s*"
    r"(?:ạ|vậy|shop|ad|nhỉ|nhé|nha|ta|bạn|anh|chị|em|hả)?\s*[.!?]*\s*$"
)
_WAIT_TIME = regex.compile(
    r"\b(?:been|waited|waiting|wait)\b[^.!?]{0,25}\b(?:\d+|an?|one|two|three|four|five|ten|"
    r"twenty|thirty|forty|forty-five)\s+(?:min(?:ute)?s?|hours?|hrs?|days?|weeks?)\b"
    r"|(?:đợi|chờ)\s+(?:\d+|một|hai|ba|cả)\s*(?:phút|tiếng|giờ|ngày)"
    r"|منتظر|معطل"
    r"|等了.{0,6}(?:分钟|分鐘|小时|小時|个钟|個鐘|天)"
)
#: an opening-hours range: "7am to 6pm", "7h00 - 22h00", "7点到10点", "از ۸ صبح تا ۱۰ شب"
_TIME = regex.compile(
    r"\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm|h\d{0,2}|giờ|点|點|صبح)?\s*(?:sáng\s*)?"
    r"(?:-|–|to|until|till|đến|tới|至|到|تا)\s*(?:\D{0,4})\d{1,2}(?:[:.]\d{2})?\s*"
    r"(?:am|pm|h|giờ|点|點|شب|عصر)"
)
#: a duration ("2 hours", "45 minutes") or emphatic punctuation: a customer telling a story
_EMPHASIS = regex.compile(
    r"\b(?:\d+(?:\.\d+)?|an?|one|two|three|four|five|six|seven|eight|nine|ten)\+?\s*"
    r"(?:hours?|hrs?|minutes?|mins?)\b|[?!]{2,}|\d+\s*(?:tiếng|phút)|\d+\s*(?:ساعت|دقیقه)"
    r"|(?:\d+|[一两兩二三四五六七八九十半]+)\s*(?:个|個)?\s*(?:小时|小時|分钟|分鐘)"
)
_CLAUSE = regex.compile(r"[,.!?;:،؛，。！？：\n]")
_HAN = regex.compile(r"\p{Han}")
_WORD = regex.compile(r"[\p{L}\p{M}\p{N}']+")
_NEGATORS = frozenset(NEGATORS) | {"isn't", "wasn't", "don't", "didn't", "aren't", "weren't"}
_FA_NEGATED = frozenset(FA_NEGATED_VERBS)
#: Han negators of a praise word; 别 is left out ("特别好吃" = especially tasty)
_ZH_NEGATORS = frozenset(ZH_NEGATORS) - {"别", "別"}
_ZH_NOT_NEGATOR = regex.compile(r"不错|不錯|无论|無論|没想到|沒想到")
#: words that begin with a negator but do not negate ("không gian" = space, "no one")
_NOT_NEGATOR = regex.compile(r"\bkhông (?:gian|khí)\b|\bchưa từng\b")


@dataclass(frozen=True, slots=True)
class Intent:
    is_question: bool
    is_complaint: bool
    is_purchase_intent: bool
    is_praise: bool


@dataclass(frozen=True, slots=True)
class Cues:
    """Intent plus the cues the sentiment decision reads (:func:`.opinion.decide`)."""

    intent: Intent
    enthusiasm: bool
    info: bool
    #: spans of set phrases ("no problem", "vui lòng") whose opinion words do not count
    neutralised: tuple[tuple[int, int], ...] = ()
    #: the praise is only gratitude ("thanks"): too weak to outrank the model
    gratitude_only: bool = False
    #: a "why" question, a duration or "?!": usually a complaint in disguise ("Why is the
    #: site down?", "3 hours on hold??") — never gated to neutral
    why: bool = False
    #: words (Han characters count half) — the cue decision is for comment-length texts
    length: float = 0.0
    #: with praise and a complaint on both sides of a contrast word, which one the clause
    #: after the last contrast word holds ("complaint", "praise" or None): it decides
    after_contrast: str | None = None
    #: the complaint / praise flag rests on a phrase-list cue (not only on a polarity-lexicon
    #: word): only those outrank the model in the sentiment decision
    listed_complaint: bool = False
    listed_praise: bool = False


def is_negated(text: str, start: int, end: int) -> bool:
    """The cue at ``text[start:end]`` is negated: an en/vi negator among the two words before
    it, a Persian negated verb right after it, or a Han negator just before it."""
    if start and _HAN.match(text[start]):  # 不好吃, 不太好吃, 不怎麼好吃, 沒有上次好吃
        before = _CLAUSE.split(text[max(0, start - 4) : start])[-1]
        before = _ZH_NOT_NEGATOR.sub("", before)
        return any(c in _ZH_NEGATORS for c in before)
    words = _WORD.findall(_NOT_NEGATOR.sub(" ", text[max(0, start - 24) : start]))[-2:]
    if any(w in _NEGATORS or w.endswith("n't") for w in words):
        return True
    nxt = _WORD.findall(text[end : end + 16])[:1]
    return bool(nxt) and nxt[0] in _FA_NEGATED


def _opening_clause_only(text: str, spans: list[tuple[int, int]]) -> bool:
    """Every praise cue sits in a short opening clause ("Great, …", "Tuyệt vời thật, …",
    "真棒，…"): the shape of sarcasm when a complaint follows."""
    m = _CLAUSE.search(text)
    if not m:
        return False
    head = text[: m.start()]
    units = len(_WORD.findall(_HAN.sub(" ", head))) + len(_HAN.findall(head)) / 2
    return units <= 3 and all(e <= m.start() for _, e in spans)


def cues(text: str, emojis: tuple[str, ...] | list[str] = ()) -> Cues:
    """All intent cues of one model text (``normalize(t).model_text``)."""
    if not text:
        return Cues(Intent(False, False, False, False), False, False)
    hits = PHRASES.spans(text)
    cancel = [(s, e) for s, e, t in hits if t in ("not_complaint", "not_opinion")]

    def inside(s: int, e: int) -> bool:
        return any(cs <= s and e <= ce for cs, ce in cancel)

    tags: dict[str, list[tuple[int, int]]] = {}
    for s, e, t in hits:
        tags.setdefault(t, []).append((s, e))
    complaint_spans = [(s, e) for s, e in tags.get("complaint", []) if not inside(s, e)]
    praise_spans, negated_praise = [], False
    gratitude = tags.get("gratitude", [])
    for s, e in tags.get("praise", []) + gratitude:
        if inside(s, e):
            continue
        if is_negated(text, s, e):
            negated_praise |= (s, e) not in gratitude  # "not great"; "no thanks" only declines
            complaint_spans.append((s, e))
        else:
            praise_spans.append((s, e))
    question_mark = "?" in text or "؟" in text or "question" in tags
    # the sentiment decision reads only the phrase-list cues: the lexicon words below are
    # already features of the model, which weighs them against the rest of the text
    listed_complaint, listed_praise = bool(complaint_spans), bool(praise_spans)
    if not question_mark:
        # an opinion word of the polarity lexicon is evidence too ("店员态度非常差", "the new
        # design is gorgeous"), unless negated, inside a set phrase, or only gratitude; not in
        # questions ("Is it worth it?" praises nothing)
        def near_gratitude(s: int, e: int) -> bool:
            return any(gs <= s < ge or s <= gs < e for gs, ge in gratitude)

        for s, e in tags.get("lex_neg", []):
            if not inside(s, e) and not is_negated(text, s, e):
                complaint_spans.append((s, e))
        for s, e in tags.get("lex_pos", []):
            if inside(s, e) or near_gratitude(s, e):
                continue
            if is_negated(text, s, e):
                complaint_spans.append((s, e))
                negated_praise = True
            else:
                praise_spans.append((s, e))
    # (the regular expressions run only when the phrase scan has not decided already: most
    # texts skip most of them, which keeps the CLI path above 20,000 texts/s)
    digits = bool(_DIGIT.search(text))
    complaint = bool(complaint_spans) or negated_praise
    if not complaint and (digits or "منتظر" in text or "معطل" in text or "đợi" in text):
        # a wait is a complaint, unless inside a set phrase ("بی‌صبرانه منتظرم" = can't wait)
        complaint = any(not inside(*m.span()) for m in _WAIT_TIME.finditer(text))
    gratitude_only = bool(praise_spans) and all(sp in gratitude for sp in praise_spans)
    praise = bool(praise_spans) or any(e in PRAISE_EMOJI for e in emojis)
    listed_complaint = listed_complaint or (complaint and not complaint_spans)  # a wait
    listed_praise = listed_praise or any(e in PRAISE_EMOJI for e in emojis)
    after_contrast = None
    if complaint and praise and any(e in SARCASM_EMOJI for e in emojis):
        praise = False  # "Wow, another delay. Great job guys 🙄"
    elif complaint and praise and "contrast" not in tags:
        if gratitude_only or _opening_clause_only(text, praise_spans):
            praise = False  # sarcasm or a polite complaint
    elif complaint and praise:
        # "Love the shoes, but they sent the wrong size": the clause after the contrast word
        # carries the writer's conclusion (Polanyi & Zaenen 2006; VADER's "but" rule)
        cut = max(s for s, _ in tags["contrast"])
        neg_after = any(s >= cut for s, _ in complaint_spans)
        pos_after = any(s >= cut for s, _ in praise_spans)
        if neg_after != pos_after:
            after_contrast = "complaint" if neg_after else "praise"
    question = bool(
        question_mark
        or _EN_QUESTION_START.search(text)
        or ((not text.isascii() or " k" in text) and _VI_CO_KHONG.search(text))
    )
    purchase = "purchase" in tags or ("ordered" in tags and not complaint)
    if praise_spans and gratitude_only and (question or purchase or complaint):
        praise = False  # "Is it back in stock? Thanks!" is courtesy, not a compliment
    info = "info" in tags or (digits and bool(_TIME.search(text)))
    if text.isascii():
        units = float(len(text.split()))
    else:
        han = len(_HAN.findall(text))
        units = (len(_HAN.sub(" ", text).split()) if han else len(text.split())) + han / 2
    why = "why" in tags or (
        (digits or "??" in text or "!!" in text or "?!" in text or "!?" in text)
        and bool(_EMPHASIS.search(text))
    )
    return Cues(
        Intent(question, complaint, purchase, praise),
        "enthusiasm" in tags,
        info,
        tuple(cancel),
        gratitude_only,
        why,
        units,
        after_contrast,
        listed_complaint and complaint,
        listed_praise and praise,
    )


def intent(text: str, *, emojis: tuple[str, ...] | list[str] = ()) -> Intent:
    """Intent flags of one normalised text (``normalize(t).model_text``; plain lower-case text
    works too)."""
    return cues(text.lower(), emojis).intent


__all__ = sorted(
    [
        "COMPLAINT_WORDS",
        "Cues",
        "Intent",
        "PHRASES",
        "PRAISE_EMOJI",
        "PRAISE_WORDS",
        "PURCHASE_WORDS",
        "QUESTION_WORDS",
        "cues",
        "intent",
        "is_negated",
        "phrase_block",
    ]
)
