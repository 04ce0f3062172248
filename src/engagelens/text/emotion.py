"""Emotions — joy, anger, sadness, fear, surprise, disgust (the six Brandwatch reports, after
Ekman) — from a small hand-written lexicon per language (en, vi, fa, zh) and emoji.

Why a lexicon: no openly licensed emotion-labelled set ships in a package we may use, and a
word list written for this project is free to ship. It is a recall-limited signal: a text
with no listed word has no emotion (``()``), never a guess. Words are matched like intent
cues (:class:`~.lexicon.TaggedPhrases`, model text, whole words outside Han); a negated word
("not happy", ``không vui``, ``不开心``) does not count.
"""

from __future__ import annotations

from collections.abc import Sequence

from .intent import is_negated, phrase_block
from .lexicon import TaggedPhrases
from .normalize import normalize

EMOTIONS = ("joy", "anger", "sadness", "fear", "surprise", "disgust")

_LEXICON: dict[str, list[str]] = {
    "joy": phrase_block(
        """happy|glad|love|loved|delighted|excited|enjoy|enjoyed|yay|awesome|amazing|great
        wonderful|fun|thrilled|can't wait|so good|best day
        vui|vui quá|hạnh phúc|thích quá|mê|sướng|tuyệt vời|háo hức|yêu
        خوشحال|خوشحالم|عالی|لذت|کیف کردم|ذوق|عاشقشم
        开心|開心|高兴|高興|快乐|快樂|喜欢|喜歡|幸福|太棒|好开心|期待"""
    ),
    "anger": phrase_block(
        """angry|furious|mad|pissed|annoyed|outraged|unacceptable|ridiculous|fed up|sick of
        hate|how dare|rage|livid|wtf
        tức|bực|bực mình|điên|phát điên|cáu|ức chế|quá đáng|bức xúc
        عصبانی|عصبانیم|اعصاب|شاکی|حرصم|مسخره
        生气|生氣|气死|氣死|愤怒|憤怒|火大|无语|無語|受够|受夠|太过分|太過分"""
    ),
    "sadness": phrase_block(
        """sad|disappointed|disappointing|unhappy|miss|heartbroken|upset|depressed|sorry to see
        let down|crying|unfortunately
        buồn|thất vọng|tiếc|tiếc quá|chán|tủi
        ناراحت|ناراحتم|غمگین|حیف|دلم گرفت|ناامید
        难过|難過|伤心|傷心|失望|遗憾|遺憾|可惜|郁闷|鬱悶"""
    ),
    "fear": phrase_block(
        """scared|afraid|worried|worry|anxious|nervous|terrified|fear|concerned|unsafe|scary
        sợ|lo|lo lắng|hoang mang|bất an
        میترسم|ترس|نگران|نگرانم|استرس
        害怕|担心|擔心|恐怖|怕|焦虑|焦慮|不安"""
    ),
    "surprise": phrase_block(
        """wow|surprised|surprising|unexpected|shocked|omg|no way|can't believe|cant believe
        unbelievable|whoa
        bất ngờ|ngạc nhiên|không ngờ|wow|trời ơi
        تعجب|باورم نمیشه|شوکه|غافلگیر|وای
        惊讶|驚訝|没想到|沒想到|居然|竟然|震惊|震驚|天哪"""
    ),
    "disgust": phrase_block(
        """disgusting|gross|nasty|revolting|yuck|eww|vile|sickening|filthy|hair in
        ghê|kinh tởm|gớm|bẩn|dơ|ói
        حالم بهم خورد|چندش|کثیف|حال بهم زن
        恶心|噁心|脏|髒|呕|嘔|苍蝇|蒼蠅"""
    ),
}
_EMOJI = {
    "joy": "😀😃😄😁😆😊☺🙂😍🥰🤩🥳🎉❤💕💖😋",
    "anger": "😠😡🤬😤👿",
    "sadness": "😢😭😞😔😟☹🙁💔😿",
    "fear": "😨😰😱😧😬",
    "surprise": "😮😯😲🤯😳",
    "disgust": "🤢🤮😷",
}
_PHRASES = TaggedPhrases(_LEXICON)


def emotions(model_text: str, emojis: Sequence[str] = ()) -> tuple[str, ...]:
    """The emotions a normalised text (``normalize(t).model_text``) expresses, in
    :data:`EMOTIONS` order; ``()`` when it names none."""
    found = {t for s, e, t in _PHRASES.spans(model_text) if not is_negated(model_text, s, e)}
    found |= {emo for emo, chars in _EMOJI.items() if any(e in chars for e in emojis)}
    return tuple(e for e in EMOTIONS if e in found)


def emotions_batch(texts: Sequence[str | None]) -> list[tuple[str, ...]]:
    """:func:`emotions` of raw texts (normalised here)."""
    out = []
    for t in texts:
        n = normalize(t or "")
        out.append(emotions(n.model_text, n.emojis))
    return out


__all__ = ["EMOTIONS", "emotions", "emotions_batch"]
