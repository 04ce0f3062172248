"""Normalise real social text before any model sees it.

Why each step exists:

* **NFKC** folds full-width Latin, ligatures and compatibility forms, and composes Vietnamese
  letters (``a`` + U+0301 → ``á``) so one word has one spelling (Unicode UAX #15).
* **Invisible marks** — zero-width spaces/joiners, the BOM, soft hyphens and the bidi controls
  (LRM/RLM/ALM, embeddings, isolates) — are removed: they split words and are used to dodge
  filters. The right-to-left *letters* themselves are untouched.
* **Persian/Arabic variants**: Arabic ``ي``/``ى`` → Persian ``ی``, ``ك`` → ``ک``, tatweel
  removed, Arabic-Indic and Persian digits → ASCII, so keyboards that differ write the same
  word (the Hazm normaliser does the same).
* **Vietnamese tone placement**: the "old" (``hòa``, ``thủy``) and "new" (``hoà``, ``thuỷ``)
  styles are both in use; we move the tone of open ``oa``/``oe``/``uy`` syllables to the first
  vowel (old style, the more common one online) so both spell alike.
* **Emoji and emoticons** are kept in the text (they carry sentiment) and also listed.
* **URLs, @handles and #hashtags** are extracted as fields; the model text keeps a placeholder.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

import regex

#: zero-width and bidi control characters (UAX #9 explicit formatting + ZW*)
INVISIBLE = (
    "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"  # ZWSP ZWNJ ZWJ WJ BOM SHY MVS
    "\u200e\u200f\u061c"  # LRM RLM ALM
    "\u202a\u202b\u202c\u202d\u202e"  # LRE RLE PDF LRO RLO
    "\u2066\u2067\u2068\u2069"  # LRI RLI FSI PDI
)
_DROP = {ord(c): None for c in INVISIBLE}
# C0/C1 controls except tab/newline become spaces (NUL separates texts in features.py)
_DROP.update({c: " " for c in (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0))})

_SURROGATE = regex.compile(r"[\ud800-\udfff]")

_PERSIAN = {
    ord("ي"): "ی",
    ord("ى"): "ی",
    ord("ك"): "ک",
    ord("ـ"): None,
    **{0x0660 + i: str(i) for i in range(10)},  # Arabic-Indic digits
    **{0x06F0 + i: str(i) for i in range(10)},  # Extended (Persian) digits
}

URL_RE = regex.compile(r"(?i)\b(?:https?://|www\.)[^\s<>\"']+")
HANDLE_RE = regex.compile(r"(?<![\p{L}\p{N}_.])@([\p{L}\p{N}_][\p{L}\p{N}_.]{0,49})")
HASHTAG_RE = regex.compile(r"(?<![\p{L}\p{N}_&])#([\p{L}\p{M}\p{N}_]{1,100})")
EMOJI_RE = regex.compile(r"\p{Extended_Pictographic}")
EMOTICON_RE = regex.compile(
    r"(?<![\p{L}\p{N}])(?:[:;=8][-'^o]?[)(\]\[dDpP/\\|*3@$]|[)(][-'^]?[:;=]|<3|</3"
    r"|\^[_.-]?\^|[Tt]_[Tt]|[xX][dD])(?![\p{L}\p{N}])"
)
POSITIVE_EMOTICONS = frozenset(
    {
        ":)",
        ":-)",
        ":d",
        ":-d",
        ";)",
        ";-)",
        "=)",
        ":]",
        ":p",
        ":-p",
        "<3",
        "^^",
        "^_^",
        "xd",
        "(:",
        ":3",
        ":*",
        "=d",
        "8)",
    }
)
NEGATIVE_EMOTICONS = frozenset(
    {":(", ":-(", ":'(", ":[", "):", "</3", "t_t", ":/", ":-/", ":\\", ":|", "=(", ":@", ":$"}
)

_VI_TONES = "\u0300\u0301\u0303\u0309\u0323"  # grave acute tilde hook-above dot-below
# open syllables "oa", "oe", "uy" (not "qu…") whose tone sits on the 2nd vowel, word-final
_VI_NEW_STYLE = regex.compile(
    r"(?<![qQ])((?:[oO](?=[aAeE]))|(?:[uU](?=[yY])))([aAeEyY])(["
    + _VI_TONES
    + r"])(?![\p{L}\p{M}])"
)
_VI_QUICK = regex.compile(r"[oOuU][àáảãạèéẻẽẹỳýỷỹỵÀÁẢÃẠÈÉẺẼẸỲÝỶỸỴ](?![\p{L}\p{M}])")


@dataclass(slots=True)
class Normalized:
    """A normalised text and the signals pulled out of it."""

    text: str  # cleaned text (URLs etc. still in place)
    model_text: str  # lower-cased, URLs/handles as placeholders
    urls: list[str] = field(default_factory=list)
    handles: list[str] = field(default_factory=list)
    hashtags: list[str] = field(default_factory=list)
    emojis: list[str] = field(default_factory=list)
    emoticons: list[str] = field(default_factory=list)


def decode(data: bytes | str | None) -> str:
    """Bytes from a file or socket → str, replacing invalid UTF-8 rather than failing."""
    if data is None:
        return ""
    if isinstance(data, bytes | bytearray):
        return bytes(data).decode("utf-8", errors="replace")
    return str(data)


def _vi_tone_old_style(text: str) -> str:
    if not _VI_QUICK.search(text):
        return text
    decomposed = unicodedata.normalize("NFD", text)
    moved = _VI_NEW_STYLE.sub(lambda m: m.group(1) + m.group(3) + m.group(2), decomposed)
    return unicodedata.normalize("NFC", moved)


def strip_invisible(text: str | bytes | None) -> str:
    """Step 1: NFKC, invisible marks and control characters removed. Keeps the letters that
    language detection needs (e.g. Arabic ``ي`` vs Persian ``ی``). ASCII skips NFKC (it is
    already normalised) — most English comments pay almost nothing."""
    text = decode(text)
    if text.isascii():
        return text if text.isprintable() else text.translate(_DROP)
    if _SURROGATE.search(text):  # lone UTF-16 halves (e.g. from JSON "\\ud800") → U+FFFD
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    # drop first: an invisible mark between a letter and its accent would block composition
    return unicodedata.normalize("NFKC", text.translate(_DROP)).translate(_DROP)


def finish(prepared: str) -> str:
    """Step 2 (after :func:`strip_invisible`): Persian/Arabic variants unified, Vietnamese tones
    placed consistently, whitespace collapsed."""
    if not prepared.isascii():
        prepared = _vi_tone_old_style(prepared.translate(_PERSIAN))
        if not unicodedata.is_normalized("NFC", prepared):  # e.g. tatweel before an accent
            prepared = unicodedata.normalize("NFC", prepared)
    return " ".join(prepared.split())


def clean(text: str | bytes | None) -> str:
    """NFKC, invisible marks removed, Persian/Arabic variants unified, Vietnamese tones placed
    consistently, whitespace collapsed. Never raises on odd input."""
    return finish(strip_invisible(text))


def model_text_of_clean(cleaned: str) -> str:
    """Lower-cased text with URLs → ``httpurl`` and @handles → ``@user`` (what the model sees)."""
    if "http" in cleaned or "www." in cleaned or "WWW." in cleaned or "HTTP" in cleaned:
        cleaned = URL_RE.sub(" httpurl ", cleaned)
    if "@" in cleaned:
        cleaned = HANDLE_RE.sub(" @user ", cleaned)
    return " ".join(cleaned.split()).lower()


def normalize_prepared(prepared: str) -> Normalized:
    """:func:`normalize` of a text already passed through :func:`strip_invisible`."""
    cleaned = finish(prepared)
    if not cleaned:
        return Normalized("", "")
    urls = URL_RE.findall(cleaned)
    without_urls = URL_RE.sub(" httpurl ", cleaned) if urls else cleaned
    handles = HANDLE_RE.findall(without_urls) if "@" in without_urls else []
    hashtags = HASHTAG_RE.findall(without_urls) if "#" in without_urls else []
    model = HANDLE_RE.sub(" @user ", without_urls) if handles else without_urls
    ascii_only = cleaned.isascii()
    return Normalized(
        text=cleaned,
        model_text=" ".join(model.split()).lower(),
        urls=urls,
        handles=handles,
        hashtags=hashtags,
        emojis=[] if ascii_only else EMOJI_RE.findall(cleaned),
        emoticons=EMOTICON_RE.findall(without_urls),
    )


def normalize(text: str | bytes | None) -> Normalized:
    """Clean ``text`` and extract URLs, handles, hashtags, emoji and emoticons."""
    return normalize_prepared(strip_invisible(text))


def model_text(text: str | bytes | None) -> str:
    """The string the sentiment model hashes (same function in training and inference)."""
    return model_text_of_clean(clean(text))


__all__ = sorted(
    [
        "EMOJI_RE",
        "EMOTICON_RE",
        "HANDLE_RE",
        "HASHTAG_RE",
        "INVISIBLE",
        "NEGATIVE_EMOTICONS",
        "Normalized",
        "POSITIVE_EMOTICONS",
        "URL_RE",
        "clean",
        "decode",
        "finish",
        "model_text",
        "model_text_of_clean",
        "normalize",
        "normalize_prepared",
        "strip_invisible",
    ]
)
