"""The hashing primitives the n-gram features (:mod:`.features`) and the polarity-lexicon
matcher (:mod:`.lexfeatures`) share, in one module below both so neither imports the other's
private names (a lexicon entry must hash exactly like the word it matches in a text).

Polynomial rolling hash of code points mod 2**64 and the splitmix64 finaliser (Steele et al.,
OOPSLA 2014): stable across processes and platforms, unlike Python's salted ``hash()``.
"""

from __future__ import annotations

import numpy as np

U = np.uint64
BASE = 0x100000001B3  # FNV-64 prime: odd, so invertible mod 2**64
INV_BASE = pow(BASE, -1, 2**64)
#: multiplier that joins two word hashes into a bigram hash
PAIR = U(0xD6E8FEB86659FD93)
_GOLDEN = U(0x9E3779B97F4A7C15)
_M1 = U(0xBF58476D1CE4E5B9)
_M2 = U(0x94D049BB133111EB)


def mix(x: np.ndarray, salt: int) -> np.ndarray:
    """splitmix64 finaliser of ``x + salt``."""
    with np.errstate(over="ignore"):
        z = x + U(salt) * _GOLDEN
        z = (z ^ (z >> U(30))) * _M1
        z = (z ^ (z >> U(27))) * _M2
        return z ^ (z >> U(31))


def poly(word: str) -> int:
    """The rolling hash :func:`.features.hash_batch` gives the substring ``word``."""
    h, p = 0, 1
    for ch in word:
        h = (h + ord(ch) * p) % 2**64
        p = (p * BASE) % 2**64
    return h


def is_han(cp: np.ndarray) -> np.ndarray:
    """CJK unified ideographs (BMP blocks and compatibility ideographs)."""
    return ((cp >= 0x3400) & (cp <= 0x9FFF)) | ((cp >= 0xF900) & (cp <= 0xFAFF))


_BMP_WORD: list[np.ndarray] = []


def _bmp_word_table() -> np.ndarray:
    """is-word flag for every BMP code point (built once, ~20 ms)."""
    if not _BMP_WORD:
        table = np.zeros(0x10000, dtype=bool)
        for c in range(0x10000):
            ch = chr(c)
            table[c] = (ch.isalnum() or ch in "'\u2019_") and not (
                0x2E80 <= c <= 0x9FFF or 0xF900 <= c <= 0xFAFF
            )
        _BMP_WORD.append(table)
    return _BMP_WORD[0]


def is_word_char(cps: np.ndarray) -> np.ndarray:
    """Letters, marks and digits of the BMP, except Han/kana (no spaces between their words);
    astral code points (emoji, rare Han) never join words."""
    out = np.zeros(len(cps), dtype=bool)
    bmp = cps < 0x10000
    out[bmp] = _bmp_word_table()[cps[bmp].astype(np.int64)]
    return out


__all__ = ["BASE", "INV_BASE", "PAIR", "U", "is_han", "is_word_char", "mix", "poly"]
