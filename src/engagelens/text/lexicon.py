"""Find multilingual phrases fast: one Aho–Corasick automaton per phrase list.

Why not one big regex alternation: with hundreds of phrases and look-arounds the regex engine
tries every alternative at every position (~0.5 ms per comment); Aho–Corasick (pyahocorasick)
scans the text once. Phrases in scripts that put spaces between words (Latin, Arabic/Persian,
Cyrillic) must match whole words — Persian ``بد`` ("bad") must not fire inside ``بدون``
("without") — which we check on the few candidate hits. Han phrases match anywhere, since
Chinese has no spaces.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator, Mapping

import ahocorasick

from .normalize import NEGATIVE_EMOTICONS, POSITIVE_EMOTICONS, model_text


def _is_han(ch: str) -> bool:
    c = ord(ch)
    return 0x2E80 <= c <= 0x9FFF or 0xF900 <= c <= 0xFAFF or 0x20000 <= c <= 0x3FFFF


def _wordlike(ch: str) -> bool:
    return ch.isalnum() or unicodedata.category(ch).startswith("M")


class PhraseSet:
    """Case-insensitive whole-word (or, for Han, substring) phrase matcher."""

    def __init__(self, phrases: Iterable[str]) -> None:
        self.phrases = tuple(sorted({p.strip().lower() for p in phrases if p.strip()}))
        self._auto = ahocorasick.Automaton()
        for p in self.phrases:
            bounded_left = _wordlike(p[0]) and not _is_han(p[0])
            bounded_right = _wordlike(p[-1]) and not _is_han(p[-1])
            self._auto.add_word(p, (p, bounded_left, bounded_right))
        if self.phrases:
            self._auto.make_automaton()

    def finditer(self, text: str) -> Iterator[str]:
        """Phrases found in ``text`` (any case), in order of their end position."""
        if not self.phrases or not text:
            return
        low = text.lower()
        if len(low) != len(text):  # rare: lowering changed lengths (e.g. "İ")
            text = low
        n = len(low)
        for end, (p, left, right) in self._auto.iter(low):
            start = end - len(p) + 1
            if left and start > 0 and _wordlike(low[start - 1]):
                continue
            if right and end + 1 < n and _wordlike(low[end + 1]):
                continue
            yield p

    def search(self, text: str) -> str | None:
        return next(self.finditer(text), None)

    def __contains__(self, phrase: object) -> bool:
        return isinstance(phrase, str) and phrase.lower() in self.phrases


class TaggedPhrases:
    """Many tagged phrase lists in one automaton: one scan of the text finds every cue with its
    position (intent needs positions for negation and clause checks). Same matching rules as
    :class:`PhraseSet`; phrases are put through the model normalisation first, so Arabic
    letters, ZWNJ and case match the texts they are looked for in."""

    def __init__(self, groups: Mapping[str, Iterable[str]]) -> None:
        table: dict[str, set[str]] = {}
        for tag, phrases in groups.items():
            for p in phrases:
                key = model_text(p).strip()
                if key:
                    table.setdefault(key, set()).add(tag)
        self.tags = tuple(groups)
        self._auto = ahocorasick.Automaton()
        for p, ts in table.items():
            bounded_left = _wordlike(p[0]) and not _is_han(p[0])
            bounded_right = _wordlike(p[-1]) and not _is_han(p[-1])
            self._auto.add_word(p, (len(p), bounded_left, bounded_right, tuple(sorted(ts))))
        if table:
            self._auto.make_automaton()
        self._empty = not table

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """``(start, end, tag)`` of every whole-word (Han: substring) hit in lower-case ``text``."""
        if self._empty or not text:
            return []
        n = len(text)
        out: list[tuple[int, int, str]] = []
        for last, (size, left, right, tags) in self._auto.iter(text):
            start = last - size + 1
            if left and start > 0 and _wordlike(text[start - 1]):
                continue
            if right and last + 1 < n and _wordlike(text[last + 1]):
                continue
            out.extend((start, last + 1, t) for t in tags)
        return out


def compile_phrases(phrases: Iterable[str]) -> PhraseSet:
    return PhraseSet(phrases)


#: polarity of frequent emoji, −1 … +1. Hand-set from the direction of the Emoji Sentiment
#: Ranking (Kralj Novak et al., PLoS ONE 2015); used only for texts with no words, where the
#: n-gram model has nothing to read (most emoji are rare in our training tweets).
EMOJI_POLARITY: dict[str, float] = {
    **dict.fromkeys("😍🥰😘❤♥💕💖💗💓💞💯👍👏🙌🔥✨🎉🥳😊☺🙂😀😃😄😁😆🤩😎💪🌟⭐👌🤗😋🌹💐🏆", 1.0),
    **dict.fromkeys("😂🤣😅😉😜😝😛🙏", 0.5),
    **dict.fromkeys("😐😑🤔🙄😶😬😳😮😯", 0.0),
    **dict.fromkeys("😒😕🙁☹😟😔😞😓😥😩😫", -0.6),
    **dict.fromkeys("😡😠🤬👎💩😢😭🤮🤢💔😤😱😰😖😣🖕", -1.0),
}
#: the emoticons normalisation already recognises, as polarities; ":|" and ":$" are marked
#: negative there (a flat or embarrassed face) but carry no opinion of their own here
EMOTICON_POLARITY: dict[str, float] = {
    **dict.fromkeys(POSITIVE_EMOTICONS, 1.0),
    **dict.fromkeys(NEGATIVE_EMOTICONS - {":|", ":$"}, -1.0),
}


def emoji_polarity(symbols: Iterable[str]) -> float | None:
    """Mean polarity of the known emoji/emoticons in ``symbols``; None if none is known."""
    values = [
        v
        for s in symbols
        if (v := EMOJI_POLARITY.get(s, EMOTICON_POLARITY.get(s.lower()))) is not None
    ]
    return sum(values) / len(values) if values else None


__all__ = [
    "EMOJI_POLARITY",
    "EMOTICON_POLARITY",
    "PhraseSet",
    "TaggedPhrases",
    "compile_phrases",
    "emoji_polarity",
]
