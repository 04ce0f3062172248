"""Text banks of the demo, one module per language, flattened into Arrow arrays so that picking
a million comments is one ``take``. A bank is addressed by (language, category) groups."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from . import en, fa, vi, zh

LANGS: tuple[str, ...] = ("en", "vi", "fa", "zh")
MODULES = {"en": en, "vi": vi, "fa": fa, "zh": zh}
COMMENT_CATEGORIES: tuple[str, ...] = (
    "praise",
    "question",
    "complaint",
    "purchase",
    "low_effort",
    "tag_friend",
    "spam",
    "emoji",
    "tricky",
)
TONES: tuple[str, ...] = ("thanks", "answer", "apology", "sales")
MENTION_CATEGORIES: tuple[str, ...] = ("positive", "neutral", "negative", "outage", "price")
SURVEY_GROUPS: tuple[str, ...] = ("promoter", "passive", "detractor")

#: what escaping must survive; added to the tricky texts only with ``hostile=True``
HOSTILE: tuple[str, ...] = (
    '<script>alert("lumina")</script> great coffee',
    "<img src=x onerror=alert(1)> love it",
    '=HYPERLINK("http://evil.example","click me")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\u202egnp.eeffoc\u202c best coffee",
    "</td></tr><b>bold</b> & <i>broken</i>",
)


@dataclass(frozen=True)
class Bank:
    """Flat texts plus (start, size) of each group; group g = row-major index of its keys."""

    texts: pa.Array
    start: np.ndarray
    size: np.ndarray

    def pick(self, group: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Index into ``texts`` of a uniformly chosen text of each row's group."""
        size = self.size[group]
        return self.start[group] + np.minimum((u * size).astype(np.int64), size - 1)


def build(groups: list[tuple[str, ...]]) -> Bank:
    flat: list[str] = []
    start, size = [], []
    for texts in groups:
        start.append(len(flat))
        size.append(len(texts))
        flat.extend(texts)
    if min(size) == 0:
        raise ValueError("every text group needs at least one text")
    return Bank(pa.array(flat, pa.string()), np.array(start, np.int64), np.array(size, np.int64))


def comment_bank(hostile: bool = False) -> Bank:
    """Groups: language × COMMENT_CATEGORIES."""
    out = []
    for lang in LANGS:
        for cat in COMMENT_CATEGORIES:
            texts = MODULES[lang].COMMENTS[cat]
            out.append(texts + HOSTILE if hostile and cat == "tricky" else texts)
    return build(out)


def reply_bank() -> Bank:
    """Groups: language."""
    return build([MODULES[lang].REPLIES for lang in LANGS])


def brand_bank() -> Bank:
    """Groups: language × TONES."""
    return build([MODULES[lang].BRAND[t] for lang in LANGS for t in TONES])


def dm_bank() -> Bank:
    return build([MODULES[lang].DMS for lang in LANGS])


def survey_bank() -> Bank:
    """Groups: language × SURVEY_GROUPS."""
    return build([MODULES[lang].SURVEY[g] for lang in LANGS for g in SURVEY_GROUPS])


def mention_bank(brands: tuple[str, ...]) -> Bank:
    """Groups: brand × language × MENTION_CATEGORIES; templates rendered with the brand name
    (and the next brand as ``{other}``), so every mention names its brand verbatim."""
    out = []
    for b, brand in enumerate(brands):
        other = brands[(b + 1) % len(brands)]
        for lang in LANGS:
            for cat in MENTION_CATEGORIES:
                out.append(
                    tuple(t.format(brand=brand, other=other) for t in MODULES[lang].MENTIONS[cat])
                )
    return build(out)


def word_count() -> dict[str, int]:
    """Distinct comment texts per language (the docs promise ~45)."""
    return {lang: sum(len(v) for v in MODULES[lang].COMMENTS.values()) for lang in LANGS}


__all__ = [
    "Bank",
    "COMMENT_CATEGORIES",
    "HOSTILE",
    "LANGS",
    "MENTION_CATEGORIES",
    "SURVEY_GROUPS",
    "TONES",
    "brand_bank",
    "build",
    "comment_bank",
    "dm_bank",
    "mention_bank",
    "reply_bank",
    "survey_bank",
    "word_count",
]
