"""Fast language identification for short social texts, by script and a few telling letters.

Why not a general n-gram identifier: a comment is often 3–10 words, and what decides the
language at that length is the script plus a handful of letters that only one language uses
(Persian پ چ ژ گ, Vietnamese ơ ư đ ạ ả …, Japanese kana next to Han). Stop-word counts then
separate the Latin-script languages. It runs in a few microseconds per text, which the
sentiment speed goal (≥ 20,000 texts/s per core, detection included) needs. The optional
``lingua`` detector is available via :func:`detect_lingua` when ``lingua-language-detector`` is
installed; docs/text.md compares both (lingua was not adopted).

The codes are ISO 639-1. ``None`` means "no letters to judge" (emoji-only, numbers, empty).
"""

from __future__ import annotations

from collections.abc import Sequence

import regex

from .normalize import HANDLE_RE, URL_RE, strip_invisible

SUPPORTED = (
    "ar",
    "de",
    "el",
    "en",
    "es",
    "fa",
    "fr",
    "he",
    "hi",
    "id",
    "it",
    "ja",
    "ko",
    "nl",
    "pt",
    "ru",
    "th",
    "tr",
    "uk",
    "ur",
    "vi",
    "zh",
)

#: script → code-point ranges (Unicode Scripts.txt, the blocks that matter for social text)
_SCRIPT_RANGES: dict[str, tuple[tuple[int, int], ...]] = {
    "latin": (
        (0x41, 0x5A),
        (0x61, 0x7A),
        (0xC0, 0xD6),
        (0xD8, 0xF6),
        (0xF8, 0x24F),
        (0x1E00, 0x1EFF),
    ),
    "han": ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)),
    "arabic": ((0x600, 0x6FF), (0x750, 0x77F), (0x8A0, 0x8FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)),
    "kana": ((0x3040, 0x30FF), (0x31F0, 0x31FF), (0xFF66, 0xFF9F)),
    "hangul": ((0x1100, 0x11FF), (0x3130, 0x318F), (0xAC00, 0xD7AF)),
    "cyrillic": ((0x400, 0x4FF), (0x500, 0x52F)),
    "greek": ((0x370, 0x3FF), (0x1F00, 0x1FFF)),
    "hebrew": ((0x590, 0x5FF),),
    "thai": ((0xE00, 0xE7F),),
    "devanagari": ((0x900, 0x97F),),
}
_SCRIPT_NAMES = tuple(_SCRIPT_RANGES)
# str.translate maps every letter to one private-use "script code" so that counting letters
# per script is a handful of C-level str.count calls (~2 µs per comment, vs ~20 µs of regexes)
_CODES = {name: chr(0xE000 + i) for i, name in enumerate(_SCRIPT_NAMES)}
_SCRIPT_TABLE = {
    c: _CODES[name]
    for name, ranges in _SCRIPT_RANGES.items()
    for lo, hi in ranges
    for c in range(lo, hi + 1)
}


def _script_counts(text: str) -> dict[str, int]:
    if text.isascii():
        return {"latin": 1}  # the caller checked there is a letter
    coded = text.translate(_SCRIPT_TABLE)
    return {name: coded.count(code) for name, code in _CODES.items()}


_ANY_LETTER = regex.compile(r"\p{L}")
#: weight of a Han/kana character against one letter of an alphabet (see :func:`detect`)
HAN_WEIGHT = 3
_SIMPLE_SCRIPT = {"hangul": "ko", "greek": "el", "hebrew": "he", "thai": "th", "devanagari": "hi"}

_FA_LETTERS = regex.compile(r"[پچژگکیۀ\u200c]")
_AR_LETTERS = regex.compile(r"[ةيكىئإأ]|\bال")
_UR_LETTERS = regex.compile(r"[ٹڈڑںےھ]")
_UK_LETTERS = regex.compile(r"[іїєґІЇЄҐ]")
_VI_LETTERS = regex.compile(
    r"[ăâđơưĂÂĐƠƯ\u1ea0-\u1ef9]"
)  # Latin Extended Additional: ạ ả ấ … ỹ (Vietnamese block)
_WORD = regex.compile(r"[\p{L}']+")

_FA_WORDS = frozenset(
    "و در به از که این را با است برای آن یک خیلی هم تا می نه بود ولی اما "
    "من شما ما بسیار خوب بد هست نیست غذا".split()
)
_AR_WORDS = frozenset("في من على إلى عن هذا هذه التي الذي كان مع لا ما هو هي انا جدا كل".split())

_LATIN_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        "the a an and is are was were i you it to of in on for my me your this that "
        "with not be have has had do does did no but so at just can will what how "
        "thanks thank please we they our get got from all why when would should "
        "great good love bad an am been very".split()
    ),
    "vi": frozenset(
        "khong ko k co la cua va nhung duoc thi toi minh ban rat qua nay cho mot "
        "cac nhu nhieu lam roi chua gi sao voi ve den hay tot dep "
        "và là của không có được rất quá nhưng thì tôi mình bạn này một các "
        "như nhiều làm rồi chưa gì với về đến tốt đẹp hàng giao nhanh chậm ngon "
        "em anh chị shop thầy cô dạy sinh viên".split()
    ),
    "es": frozenset(
        "el la los las de que y en un una es por con no para lo muy pero mi su "
        "gracias esta este como del al se te".split()
    ),
    "fr": frozenset(
        "le la les de des et est un une du que qui pas pour je vous il elle en au "
        "ce cette avec merci sur tres très mais".split()
    ),
    "de": frozenset(
        "der die das und ist nicht ein eine ich du sie es mit zu auf für den dem "
        "danke sehr aber auch wie".split()
    ),
    "pt": frozenset(
        "o os as de que e não um uma é com para por muito obrigado mas você do da no na em".split()
    ),
    "it": frozenset(
        "il lo la gli le di che e è un una per non sono con grazie molto ma del della".split()
    ),
    "nl": frozenset("de het een en is van niet ik je dat met voor op zijn dank heel maar".split()),
    "id": frozenset(
        "yang dan di ini itu tidak dengan untuk saya ada dari ke ya aku kamu "
        "sangat terima kasih juga".split()
    ),
    "tr": frozenset("ve bir bu da de çok için ile ne ben sen değil teşekkür ama gibi".split()),
}

_WORD_LANGS: dict[str, tuple[str, ...]] = {}
for _lang, _vocab in _LATIN_WORDS.items():
    for _w in _vocab:
        _WORD_LANGS[_w] = (*_WORD_LANGS.get(_w, ()), _lang)


def _count(pattern: regex.Pattern[str], text: str) -> int:
    return len(pattern.findall(text))


def _arabic_script(text: str) -> str:
    fa = _count(_FA_LETTERS, text)
    ar = _count(_AR_LETTERS, text)
    if _count(_UR_LETTERS, text) > 0 and _count(_UR_LETTERS, text) >= ar:
        return "ur"
    words = _WORD.findall(text)
    fa += 2 * sum(w in _FA_WORDS for w in words)
    ar += 2 * sum(w in _AR_WORDS for w in words)
    return "ar" if ar > fa else "fa"


def _latin_script(text: str) -> str | None:
    if not text.isascii() and _count(_VI_LETTERS, text) >= 2:
        return "vi"
    hits = dict.fromkeys(_LATIN_WORDS, 0)
    if not text.isascii():
        hits["vi"] = 2 * _count(_VI_LETTERS, text)
    for w in _WORD.findall(text.lower()):
        for lang in _WORD_LANGS.get(w, ()):
            hits[lang] += 1
    best = max(hits, key=lambda k: hits[k])  # ties: dict order (en first)
    # no evidence at all: Latin-script social text is most often English
    return best if hits[best] else "en"


def detect(text: str) -> str | None:
    """ISO 639-1 code of ``text`` (expects raw or :func:`strip_invisible` text, not the
    Persian-unified form, which erases the Arabic/Persian ي/ی distinction)."""
    if not text or not _ANY_LETTER.search(text):
        return None
    text = HANDLE_RE.sub(" ", URL_RE.sub(" ", text))  # links and @names are not language
    if not _ANY_LETTER.search(text):
        return None
    counts = _script_counts(text)
    if counts.get("kana"):
        counts["han"] += counts["kana"]
    if counts.get("han"):  # a Han character carries about a word, i.e. what
        counts["han"] *= HAN_WEIGHT  # 3+ Latin letters do ("Lumina最近出餐好慢" is zh)
    script = max(counts, key=lambda k: counts[k])
    if counts[script] == 0:
        return None
    if script == "han":
        return "ja" if counts.get("kana") else "zh"
    if script == "arabic":
        return _arabic_script(text)
    if script == "latin":
        return _latin_script(text)
    if script == "cyrillic":
        return "uk" if _UK_LETTERS.search(text) else "ru"
    return _SIMPLE_SCRIPT.get(script)


def detect_batch(texts: Sequence[str]) -> list[str | None]:
    return [detect(strip_invisible(t)) for t in texts]


def detect_lingua(texts: Sequence[str]) -> list[str | None]:
    """Same contract with lingua-language-detector, for comparison (not a dependency: its
    96 MB wheel was less accurate and ~50× slower on our short texts, see docs/text.md)."""
    import importlib

    from engagelens.errors import BackendUnavailable

    try:
        lingua = importlib.import_module("lingua")
    except ImportError as exc:
        raise BackendUnavailable(
            "lingua is not installed; run: pip install lingua-language-detector==2.1.1"
        ) from exc
    detector = _lingua_detector(lingua)
    out: list[str | None] = []
    for lang in detector.detect_languages_in_parallel_of(list(texts)):
        out.append(lang.iso_code_639_1.name.lower() if lang is not None else None)
    return out


_LINGUA: list[object] = []


def _lingua_detector(lingua):
    if not _LINGUA:
        _LINGUA.append(lingua.LanguageDetectorBuilder.from_all_languages().build())
    return _LINGUA[0]


__all__ = sorted(["SUPPORTED", "detect", "detect_batch", "detect_lingua"])
