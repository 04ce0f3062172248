"""Fold text into the canonical form listening queries and mentions are matched on.

Both sides of a match go through the same function, so a query term and a mention agree on
what a "word" is. The canonical form is one string with two parts separated by ``\\x00``::

    " word word word … " \\x00 " #tag @handle … "

* part 1 holds every word (hashtags and handles too, without their ``#``/``@``), separated by
  single spaces, so a plain term ``refund`` also finds ``#refund`` and a phrase is a substring;
* part 2 holds only the hashtags and handles *with* their sigil, so ``#refund`` finds only
  the hashtag.

Folding steps and why: NFKC (full-width forms, composed Vietnamese letters, UAX #15);
invisible and bidi marks removed (they split words and dodge filters); Persian/Arabic letter
variants unified (``ي``/``ى`` → ``ی``, ``ك`` → ``ک``, tatweel dropped — the Hazm normaliser's
choice); Unicode case folding (``str.casefold``: ``ß`` → ``ss``); optionally diacritics removed
(Vietnamese users often type without tone marks: ``phở`` ≈ ``pho``; ``đ`` → ``d``); else the
two Vietnamese tone placements (``hoà``/``hòa``, ``thuỷ``/``thủy``) are unified. Scripts
written without spaces (Chinese, Japanese, Thai, …) are matched on characters; Chinese can
optionally be segmented with jieba so a term must be a whole segment; a change between such a
script and a spaced one (``iphone手机``) is a word boundary.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import regex

INVISIBLE = (
    "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"  # ZWSP ZWNJ ZWJ WJ BOM SHY MVS
    "\u200e\u200f\u061c"  # LRM RLM ALM
    "\u202a\u202b\u202c\u202d\u202e"  # LRE RLE PDF LRO RLO
    "\u2066\u2067\u2068\u2069"  # LRI RLI FSI PDI
)
_TABLE: dict[int, str | None] = {ord(c): None for c in INVISIBLE}
_TABLE.update({ord("ي"): "ی", ord("ى"): "ی", ord("ك"): "ک", ord("ـ"): None})
_TABLE.update({0x0660 + i: str(i) for i in range(10)})
_TABLE.update({0x06F0 + i: str(i) for i in range(10)})

#: a word: letters, marks, digits, underscore; a leading # or @ (not glued to a word) is a sigil
TOKEN_RE = regex.compile(r"(?<![\p{L}\p{M}\p{N}_])([#@]?)([\p{L}\p{M}\p{N}_]+)")
#: scripts written without spaces between words: matched on characters, no word boundary
_NO_SPACE = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}"
NO_SPACE_RE = regex.compile(f"[{_NO_SPACE}]")
#: "我的iphone手机" is three words: a change of script is a word boundary
_SCRIPT_RUNS = regex.compile(f"[{_NO_SPACE}]+|[^{_NO_SPACE}]+")
_HAN_RUN = regex.compile(r"(?<![#@\p{Han}])\p{Han}+")  # hashtags stay whole
_MARKS = regex.compile(r"\p{Mn}+")
# Vietnamese "new style" tone on the 2nd vowel of word-final oa/oe/uy (hoà, thuỷ) -> old style
_VI_TONES = "\u0300\u0301\u0303\u0309\u0323"
_VI_QUICK = regex.compile(r"[ou][àáảãạèéẻẽẹỳýỷỹỵ](?![\p{L}\p{M}])")
_VI_NEW_STYLE = regex.compile(
    r"(?<!q)(o(?=[ae])|u(?=y))([aey])([" + _VI_TONES + r"])(?![\p{L}\p{M}])"
)
SEP = "\x00"


@dataclass(frozen=True)
class FoldOptions:
    """How a query wants text folded; queries with equal options share one automaton."""

    ignore_accents: bool = False
    segment_chinese: bool = False  # jieba segments instead of characters


DEFAULT_OPTIONS = FoldOptions()


def fold(text: str | None, *, ignore_accents: bool = False) -> str:
    """NFKC, invisible marks dropped, Persian variants unified, case-folded, optionally
    without diacritics. Never raises on odd input."""
    if not text:
        return ""
    out = unicodedata.normalize("NFKC", str(text)).translate(_TABLE).casefold()
    if ignore_accents:
        out = _MARKS.sub("", unicodedata.normalize("NFD", out)).replace("đ", "d")
        out = unicodedata.normalize("NFC", out)
    elif _VI_QUICK.search(out):
        out = unicodedata.normalize(
            "NFC",
            _VI_NEW_STYLE.sub(
                lambda m: m.group(1) + m.group(3) + m.group(2), unicodedata.normalize("NFD", out)
            ),
        )
    return out


@lru_cache(maxsize=1)
def _jieba():
    from engagelens.errors import require

    jieba = require("jieba", "nlp")
    jieba.setLogLevel(60)  # its start-up chatter goes to stderr otherwise
    return jieba


def _segment(folded: str) -> str:
    jieba = _jieba()
    return _HAN_RUN.sub(lambda m: " " + " ".join(jieba.lcut(m.group(0))) + " ", folded)


def tokens(text: str | None, options: FoldOptions = DEFAULT_OPTIONS) -> list[tuple[str, str]]:
    """``(sigil, word)`` pairs of the folded text; sigil is ``""``, ``"#"`` or ``"@"``."""
    folded = fold(text, ignore_accents=options.ignore_accents)
    if options.segment_chinese and _HAN_RUN.search(folded):
        folded = _segment(folded)
    out: list[tuple[str, str]] = []
    for sigil, word in TOKEN_RE.findall(folded):
        if sigil or not NO_SPACE_RE.search(word):
            out.append((sigil, word))
        else:
            out.extend(("", part) for part in _SCRIPT_RUNS.findall(word))
    return out


def canonical(text: str | None, options: FoldOptions = DEFAULT_OPTIONS) -> str:
    """The two-part canonical string described in the module docstring."""
    toks = tokens(text, options)
    words = " ".join(w for _, w in toks)
    tags = " ".join(s + w for s, w in toks if s)
    return f" {words} {SEP} {tags} "


def needs_boundary(ch: str, options: FoldOptions) -> bool:
    """Latin, Cyrillic, Arabic… words need a word boundary; Chinese/Japanese/Thai characters
    do not (no spaces between words), unless Chinese is segmented with jieba."""
    if not NO_SPACE_RE.match(ch):
        return True
    return bool(options.segment_chinese and regex.match(r"\p{Han}", ch))


__all__ = sorted(
    [
        "DEFAULT_OPTIONS",
        "FoldOptions",
        "INVISIBLE",
        "SEP",
        "TOKEN_RE",
        "canonical",
        "fold",
        "needs_boundary",
        "tokens",
    ]
)
