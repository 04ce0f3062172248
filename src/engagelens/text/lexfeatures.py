"""Find the polarity-lexicon words (:mod:`.polarity`) of a whole batch with array ops.

Called by :func:`engagelens.text.features.hash_batch` when ``HashSpec.lexicon`` is set, with the
code points, word boundaries and word hashes it has already computed, so a hit costs one
binary search per word, not a Python loop per text. Entries are hashed once, after the model's
own normalisation, with the same rolling hash as the n-grams: a lexicon word matches exactly
when the word of the text is the same string.
"""

from __future__ import annotations

import numpy as np

from . import polarity
from .hashing import PAIR, U, is_han, is_word_char, poly
from .normalize import model_text

_TABLES: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}


_FILTER_BITS = U(0xFFFF)


def _table(pairs: dict[int, bool]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sorted keys, their polarity, and a 2**16-entry filter of their low bits: most words are
    not in the lexicon, and one gather in the filter is cheaper than a binary search."""
    keys = np.array(sorted(pairs), dtype=U)
    bloom = np.zeros(1 << 16, dtype=bool)
    bloom[(keys & _FILTER_BITS).astype(np.int64)] = True
    return keys, np.array([pairs[int(k)] for k in keys], dtype=bool), bloom


def _tables() -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Hash → polarity tables: ``w1`` single words, ``w2`` two-word entries, ``h<k>`` Han
    strings of k characters, ``emoji`` code points; ``fa_neg`` the Persian negated verbs."""
    if _TABLES:
        return _TABLES
    groups: dict[str, dict[int, bool]] = {}
    for entries, sign in ((polarity.POSITIVE, True), (polarity.NEGATIVE, False)):
        for entry in entries:
            text = model_text(entry)
            cps = np.array([ord(c) for c in text], dtype=U)
            words = text.split()
            if len(text) == 1 and not is_word_char(cps)[0] and not is_han(cps)[0]:
                groups.setdefault("emoji", {})[ord(text)] = sign
            elif is_han(cps).all():
                groups.setdefault(f"h{len(text)}", {})[poly(text)] = sign
            elif all(is_word_char(np.array([ord(c) for c in w], dtype=U)).all() for w in words):
                if len(words) == 1:
                    groups.setdefault("w1", {})[poly(words[0])] = sign
                elif len(words) == 2:
                    key = (poly(words[0]) * int(PAIR) + poly(words[1])) % 2**64
                    groups.setdefault("w2", {})[key] = sign
    groups["han_first"] = {
        ord(model_text(e)[0]): True
        for entries in (polarity.POSITIVE, polarity.NEGATIVE)
        for e in entries
        if is_han(np.array([ord(c) for c in e], dtype=U)).all()
    }
    groups["fa_neg"] = {poly(model_text(w)): True for w in polarity.FA_NEGATED_VERBS}
    groups["zh_neg"] = {ord(c): True for c in polarity.ZH_NEGATORS}
    _TABLES.update({name: _table(pairs) for name, pairs in groups.items()})
    return _TABLES


_KINDS: list[np.ndarray] = []


def _kinds() -> np.ndarray:
    """Per code point: 1 = first character of a Han entry, 2 = a lexicon emoji, else 0
    (1.1 MB; lets the batch find its candidate positions with one gather)."""
    if not _KINDS:
        t = _tables()
        kinds = np.zeros(0x110000, dtype=np.uint8)
        kinds[t["han_first"][0].astype(np.int64)] = 1
        kinds[t["emoji"][0].astype(np.int64)] = 2
        _KINDS.append(kinds)
    return _KINDS[0]


def _member(
    x: np.ndarray, table: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """(is in table, its polarity) for each hash in ``x``."""
    keys, signs, bloom = table
    hit = np.zeros(len(x), dtype=bool)
    sign = np.zeros(len(x), dtype=bool)
    if not len(x) or not len(keys):
        return hit, sign
    cand = np.flatnonzero(bloom[(x & _FILTER_BITS).astype(np.int64)])
    idx = np.minimum(np.searchsorted(keys, x[cand]), len(keys) - 1)
    hit[cand] = keys[idx] == x[cand]
    sign[cand] = signs[idx]
    return hit, sign


def lexicon_hits(
    cp,
    doc_of,
    w_start,
    w_end,
    w_doc,
    wh,
    scoped,
    substring_hash,
    pair,
):
    """``(doc, positive)`` per lexicon hit in the batch, negation applied (see :mod:`.polarity`).

    ``scoped`` marks the words in an en/vi negation scope (``features._negated``)."""
    t = _tables()
    docs: list[np.ndarray] = []
    signs: list[np.ndarray] = []
    n_w = len(wh)
    if n_w:
        fa_neg = _member(wh, t["fa_neg"])[0]
        same_next = np.concatenate([w_doc[1:] == w_doc[:-1], [False]])
        next_neg = np.concatenate([fa_neg[1:], [False]]) & same_next
        hit, pos = _member(wh, t["w1"])
        flip = scoped | next_neg
        docs.append(w_doc[hit])
        signs.append(pos[hit] ^ flip[hit])
        if n_w > 1:
            with np.errstate(over="ignore"):
                bh = wh[:-1] * pair + wh[1:]
            hit2, pos2 = _member(bh, t["w2"])
            hit2 &= same_next[:-1]
            flip2 = scoped[:-1] | next_neg[1:]
            docs.append(w_doc[:-1][hit2])
            signs.append(pos2[hit2] ^ flip2[hit2])
    kind = _kinds()[cp.astype(np.int64)]  # one gather over the batch
    han = np.flatnonzero(kind == 1)
    if len(han):
        n = len(cp)

        def negator(i: np.ndarray) -> np.ndarray:
            return _member(cp[i], t["zh_neg"])[0]

        for name in t:
            if not (name[0] == "h" and name[1:].isdigit()):
                continue
            k = int(name[1:])
            st = han[han + k <= n]
            hit, pos = _member(substring_hash(st, st + k), t[name])
            st, pos = st[hit], pos[hit]
            flip = negator(st - 1) | (negator(np.maximum(st - 2, 0)) & is_han(cp[st - 1]))
            docs.append(doc_of[st])
            signs.append(pos ^ flip)
    wide = np.flatnonzero(kind == 2)
    if len(wide):
        hit, pos = _member(cp[wide], t["emoji"])
        docs.append(doc_of[wide[hit]])
        signs.append(pos[hit])
    if not docs:
        return np.empty(0, np.int64), np.empty(0, bool)
    return np.concatenate(docs), np.concatenate(signs)


__all__ = ["lexicon_hits"]
