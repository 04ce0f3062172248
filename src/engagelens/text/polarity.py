"""A small hand-written polarity lexicon per language: the sentiment model's domain-free prior.

Why: each head learns its n-gram weights from one domain (airline tweets, Vietnamese *student
feedback*, food-delivery reviews). A word that never occurs there — Vietnamese "ngon"
(tasty) in a set about lecturers — has weight 0, so a coffee-shop review is read from its
incidental n-grams. The lexicon maps many such words onto two shared features ("a positive
word", "a negative word", :func:`engagelens.text.features.hash_batch`); their weights are
learned from the in-domain words of the list ("nhiệt tình", "dễ hiểu", "chán"…) and carry over
to every other word of the same polarity.

Written for this project from common review vocabulary (no third-party list copied), so it is
free to ship under the project's licence. Entries are matched after the model's own
normalisation (:func:`engagelens.text.normalize.model_text`): lower case, Persian letters
unified, ZWNJ removed. Latin, Vietnamese and Persian entries are one or two whole words; Han
entries are character strings matched anywhere (Chinese has no spaces), written in both
Simplified and Traditional where they differ, since inference has no converter.

Negation flips a hit: en/vi words in a negation scope (:data:`features.NEGATORS`), Persian
words followed by a negated verb (:data:`FA_NEGATED_VERBS`, "خوب نبود" = "was not good"),
Han words right after a negating character (:data:`ZH_NEGATORS`, "不好吃").
"""

from __future__ import annotations

_EN_POS = """good great excellent amazing awesome love loved loving loves lovely best perfect
fantastic wonderful delicious tasty yummy friendly helpful nice happy glad thanks thank
thankful appreciate appreciated recommend recommended enjoy enjoyed beautiful quick easy smooth
comfortable clean fresh brilliant superb outstanding impressive impressed favorite favourite
fabulous incredible pleased satisfied worth kudos polite professional reliable affordable
efficient gorgeous exceptional pleasant cheers yay wow"""
_EN_NEG = """bad terrible awful horrible worst poor hate hated disappointed disappointing
disappointment rude slow late delayed delay cancelled canceled broken wrong dirty overpriced
useless annoying annoyed angry frustrated frustrating unacceptable ridiculous disgusting gross
nasty bland stale failed fail fails crash crashed sucks waste mess unhelpful unfriendly scam
lousy pathetic incompetent stuck lost never_again ugh worse refund complaint complain error
problem issue"""

_VI_POS = """tốt hay ngon tuyệt tuyệt_vời xuất_sắc hài_lòng thích yêu dễ_thương thân_thiện
nhiệt_tình chu_đáo sạch_sẽ nhanh rẻ đáng_tiền hợp_lý tận_tâm tận_tình dễ_hiểu dễ_chịu
thoải_mái ổn đẹp xịn đỉnh tươi thơm ủng_hộ cảm_ơn hấp_dẫn bổ_ích hữu_ích vui mê ghiền ưng
thú_vị giỏi hoàn_hảo ấn_tượng tuyệt_hảo chuyên_nghiệp vui_vẻ tâm_huyết lý_tưởng đáng
recommend tuyet_voi de_thuong than_thien nhiet_tinh hai_long xuat_sac"""
_VI_NEG = """tệ dở chán thất_vọng kém chậm lỗi hỏng bẩn dơ đắt mắc nhạt nguội thô_lỗ cộc_lốc
khó_chịu khó_hiểu tồi tồi_tệ bực bực_mình lãng_phí phí_tiền ghét kinh_khủng tệ_hại trễ sập
lừa_đảo cẩu_thả nhàm_chán ồn_ào quá_tải vô_trách_nhiệm qua_loa mệt buồn_ngủ khó tức thiếu
that_vong kho_chiu te_hai"""

_FA_POS = """عالی عالیه خوب خوبه خوشمزه خوشمزست تازه سریع ممنون مرسی متشکرم سپاس راضی راضیم
بهترین بی‌نظیر فوق‌العاده فوق_العاده لذیذ دلچسب تشکر داغ تمیز مناسب ارزان ارزون محشر
توصیه پیشنهاد به_موقع خوشحال حرفه‌ای کامل باکیفیت گرم"""
_FA_NEG = """بد بده افتضاح افتضاحه سرد دیر تاخیر تأخیر بی‌کیفیت ناراضی ناراضیم گران گرون بدمزه
شور خراب سوخته کثیف بی‌مزه متاسفانه متأسفانه ضعیف آشغال مزخرف حیف اشتباه کهنه مونده خمیر
ناامید پشیمان پشیمون بدترین افتضاح_بود کم_بود نرسید دیررسید خطا مشکل ایراد کند لغو معطل"""

_ZH_POS = """好吃 好喝 美味 很快 挺快 准时 準時 新鲜 新鮮 满意 滿意 推荐 推薦 不错 不錯 赞 讚 贊 棒
喜欢 喜歡 实惠 實惠 热情 熱情 周到 好评 好評 超值 惊艳 驚豔 驚艷 干净 乾淨 香 贴心 貼心
给力 給力 值得 划算 劃算 分量足 份量足 热乎 熱乎 好用 方便 完美 优秀 優秀 感谢 感謝 谢谢
謝謝 绝了 絕了 必喝 必吃 入味 可口 鲜美 鮮美 舒服 靠谱 靠譜 下次还 下次還 推薦"""
_ZH_NEG = """难吃 難吃 难喝 難喝 慢 差 糟糕 失望 后悔 後悔 垃圾 凉了 涼了 冷了 贵 貴 咸 鹹 油腻 油膩
恶心 噁心 投诉 投訴 退款 送错 送錯 迟到 遲到 坑 骗 騙 麻烦 麻煩 出错 出錯 故障 崩溃 崩潰 臭
变质 變質 生气 生氣 无语 無語 不满 不滿 难用 難用 一般 太久 等了 漏送 少送 再也不 恶劣
惡劣 敷衍 态度差 態度差"""

#: emoji whose polarity is clear (the ±1 and −0.6 groups of lexicon.EMOJI_POLARITY)
_EMOJI_POS = "😍🥰😘❤♥💕💖💗💓💞💯👍👏🙌🔥✨🎉🥳😊☺🙂😀😃😄😁😆🤩😎💪🌟⭐👌🤗😋🌹💐🏆"
_EMOJI_NEG = "😒😕🙁☹😟😔😞😓😥😩😫😡😠🤬👎💩😢😭🤮🤢💔😤😱😰😖😣🖕"


def _words(block: str) -> tuple[str, ...]:
    """Entries of a block; ``_`` joins the words of a two-word entry."""
    return tuple(w.replace("_", " ") for w in block.split())


#: polarity → entries of every language (matched together: a mixed-language comment still
#: hits, and a Latin word of one list never collides with a word of another in practice)
POSITIVE: tuple[str, ...] = (
    _words(_EN_POS) + _words(_VI_POS) + _words(_FA_POS) + _words(_ZH_POS) + tuple(_EMOJI_POS)
)
NEGATIVE: tuple[str, ...] = (
    _words(_EN_NEG) + _words(_VI_NEG) + _words(_FA_NEG) + _words(_ZH_NEG) + tuple(_EMOJI_NEG)
)
#: Persian negated verbs that flip the polarity of the word right before them
FA_NEGATED_VERBS: tuple[str, ...] = _words(
    "نبود نیست نبودن نبودند نبودم نیستن نیستند نشد نشده نداشت ندارد نداره نمیشه نکرد نکردند "
    "نپخته نیومد نرسید نیستم نبوده"
)
#: characters that negate the Han word right after them (不好吃 "not tasty", 没味道)
ZH_NEGATORS = "不没沒别別未无無"

__all__ = ["FA_NEGATED_VERBS", "NEGATIVE", "POSITIVE", "ZH_NEGATORS"]
