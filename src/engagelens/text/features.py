"""Hashed word and character n-gram features, vectorised over a whole batch with numpy.

Training (scripts/train_sentiment.py) and inference (backends/linear.py) call *this same
function*, so a feature index means the same thing in both. The hash is a polynomial rolling
hash of Unicode code points modulo 2**64 followed by the splitmix64 finaliser (Steele et al.,
"Fast splittable pseudorandom number generators", OOPSLA 2014): stable across processes and
platforms, unlike Python's salted ``hash()``.

Why numpy over the whole batch: a Python loop over n-grams costs ~100 ns per n-gram, i.e. tens
of µs per tweet; hashing every n-gram of the batch at once keeps us far above 20,000 texts/s.

Each text ``t`` is padded as ``" " + t + " "`` so n-grams see word edges (like scikit-learn's
``char_wb``). Han characters are not joined into "words" (Chinese has no spaces); their
character 1–3-grams carry the signal instead. Feature values are occurrence counts scaled by
``1/sqrt(total n-grams in the text)`` (a cheap stand-in for L2 normalisation that needs no sort).

Optional per-head extras (:class:`HashSpec`): word trigrams, and a negation scope — words shortly
after a negator ("not", "don't", "không") also emit a marked copy, found with array ops too.
A third extra, the polarity lexicon (:mod:`.polarity`, matched in :mod:`.lexfeatures`), adds two
shared "positive word" / "negative word" features: a prior that carries across domains.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .hashing import BASE, INV_BASE, PAIR, U, is_word_char, mix, poly
from .lexfeatures import lexicon_hits


@dataclass(frozen=True, slots=True)
class HashSpec:
    """Everything that defines a feature index; stored next to the weights."""

    bits: int = 20
    char_min: int = 1
    char_max: int = 4
    word_bigrams: bool = True
    word_trigrams: bool = False
    #: words within :data:`NEGATION_WINDOW` after a negator, in the same clause, also emit a
    #: "negated" copy of themselves (Das & Chen 2001; Pang, Lee & Vaithyanathan 2002)
    negation: bool = False
    #: polarity-lexicon features (:mod:`.polarity`): each hit adds this many times the text's
    #: n-gram value to a shared "positive word" / "negative word" feature; 0 = off
    lexicon: int = 0

    def to_array(self) -> np.ndarray:
        return np.array(
            [
                self.bits,
                self.char_min,
                self.char_max,
                int(self.word_bigrams),
                int(self.word_trigrams),
                int(self.negation),
                self.lexicon,
            ],
            dtype=np.int64,
        )

    @classmethod
    def from_array(cls, a: np.ndarray) -> HashSpec:
        """Reads the shorter arrays of older model files too (no trigrams/negation/lexicon)."""
        n, old = len(a), cls()  # the defaults stand in for what an older file lacks
        return cls(
            int(a[0]),
            int(a[1]),
            int(a[2]),
            bool(a[3]),
            word_trigrams=bool(a[4]) if n > 4 else old.word_trigrams,
            negation=bool(a[5]) if n > 5 else old.negation,
            lexicon=int(a[6]) if n > 6 else old.lexicon,
        )


#: words that flip the polarity of the next few words of their clause (en, vi without and
#: with tone marks; lower-case, as in the model text). Persian negates with a verb prefix and
#: Chinese with a character (不, 没): their character n-grams already see it.
NEGATORS = (
    "not",
    "no",
    "never",
    "nothing",
    "nobody",
    "none",
    "neither",
    "nor",
    "without",
    "cannot",
    "dont",
    "cant",
    "wont",
    "didnt",
    "doesnt",
    "isnt",
    "wasnt",
    "arent",
    "werent",
    "havent",
    "hasnt",
    "couldnt",
    "shouldnt",
    "wouldnt",
    "aint",
    "không",
    "chẳng",
    "chả",
    "chưa",
    "đừng",
    "ko",
    "hông",
    "khong",
    "chua",
)
#: word endings that negate ("don't", "isn’t")
NEGATOR_SUFFIXES = ("n't", "n\u2019t")
NEGATION_WINDOW = 4
#: characters that end a negation scope
CLAUSE_END = ".,!?;:\u3002\uff0c\uff01\uff1f\u060c\u061f"


#: the shared "positive word" / "negative word" features (64-bit hashes; bucket = top bits)
_LEXICON_IDS = mix(np.array([7, 8], dtype=U), 5)
_NEG_HASHES = np.array(sorted({poly(w) for w in NEGATORS}), dtype=U)
_NEG_SUFFIX_HASHES = np.array(sorted({poly(w) for w in NEGATOR_SUFFIXES}), dtype=U)
_CLAUSE_CPS = np.array(sorted(ord(c) for c in CLAUSE_END), dtype=U)


def hash_batch(texts: Sequence[str], spec: HashSpec) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hashed features of every text: ``(doc, feature, value)`` arrays, duplicates allowed
    (sum them). ``texts`` must not contain NUL (``normalize.clean`` removes it)."""
    n_docs = len(texts)
    if n_docs == 0:
        return (np.empty(0, np.int64),) * 2 + (np.empty(0, np.float32),)
    joined = "\x00".join(" " + t + " " for t in texts)
    cp = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(U)
    n = len(cp)
    sep = cp == 0
    doc_of = np.cumsum(sep, dtype=np.int64)  # doc index of each position
    with np.errstate(over="ignore"):
        pw = np.full(n, BASE, dtype=U)
        pw[0] = 1
        pw = np.cumprod(pw, dtype=U)
        ipw = np.full(n, INV_BASE, dtype=U)
        ipw[0] = 1
        ipw = np.cumprod(ipw, dtype=U)
        prefix = np.zeros(n + 1, dtype=U)
        np.cumsum(cp * pw, dtype=U, out=prefix[1:])

    docs: list[np.ndarray] = []
    feats: list[np.ndarray] = []
    shift = U(64 - spec.bits)

    def substring_hash(start: np.ndarray, end: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            return (prefix[end] - prefix[start]) * ipw[start]

    # character n-grams that do not cross a text boundary
    bad = np.concatenate([[0], np.cumsum(sep, dtype=np.int64)])  # prefix count of separators
    for k in range(spec.char_min, spec.char_max + 1):
        if n < k:
            break
        start = np.arange(n - k + 1)
        ok = (bad[start + k] - bad[start]) == 0
        if k == 1:
            ok &= cp[start] != 32  # a lone space says nothing
        start = start[ok]
        h = mix(substring_hash(start, start + k), 100 + k)
        docs.append(doc_of[start])
        feats.append((h >> shift).astype(np.int64))

    # words and word bigrams
    is_word = is_word_char(cp)
    prev = np.concatenate([[False], is_word[:-1]])
    nxt = np.concatenate([is_word[1:], [False]])
    w_start = np.flatnonzero(is_word & ~prev)
    w_end = np.flatnonzero(is_word & ~nxt) + 1
    wh = substring_hash(w_start, w_end)
    w_doc = doc_of[w_start]
    scoped = np.zeros(len(w_start), dtype=bool)
    if len(w_start):
        docs.append(w_doc)
        feats.append((mix(wh, 1) >> shift).astype(np.int64))
        if spec.word_bigrams and len(w_start) > 1:
            same = w_doc[1:] == w_doc[:-1]
            with np.errstate(over="ignore"):
                bh = wh[:-1] * PAIR + wh[1:]
            docs.append(w_doc[1:][same])
            feats.append((mix(bh[same], 2) >> shift).astype(np.int64))
            if spec.word_trigrams and len(w_start) > 2:
                same3 = same[1:] & same[:-1]
                with np.errstate(over="ignore"):
                    th = bh[:-1][same3] * PAIR + wh[2:][same3]
                docs.append(w_doc[2:][same3])
                feats.append((mix(th, 4) >> shift).astype(np.int64))
        if spec.negation:  # (the lexicon flips en/vi hits only where it is on)
            scoped = _negated(cp, w_start, w_end, w_doc, wh, substring_hash)
        if spec.negation:
            docs.append(w_doc[scoped])
            feats.append((mix(wh[scoped], 3) >> shift).astype(np.int64))

    n_lex = 0
    if spec.lexicon:
        l_doc, positive = lexicon_hits(
            cp, doc_of, w_start, w_end, w_doc, wh, scoped, substring_hash, PAIR
        )
        n_lex = len(l_doc)
        docs.append(l_doc)
        feats.append((_LEXICON_IDS >> shift).astype(np.int64)[np.where(positive, 0, 1)])
    doc = np.concatenate(docs)
    feat = np.concatenate(feats)
    n_grams = len(doc) - n_lex  # lexicon hits do not count as n-grams
    per_doc = np.bincount(doc[:n_grams], minlength=n_docs).astype(np.float32)
    scale = 1.0 / np.sqrt(np.maximum(per_doc, 1.0))
    val = scale[doc]
    if n_lex:
        val[n_grams:] *= np.float32(spec.lexicon)
    return doc, feat, val


def _negated(
    cp: np.ndarray,
    w_start: np.ndarray,
    w_end: np.ndarray,
    w_doc: np.ndarray,
    wh: np.ndarray,
    substring_hash,
) -> np.ndarray:
    """Mask of the words in a negation scope: at most :data:`NEGATION_WINDOW` words after a
    negator, same text, no clause punctuation in between."""
    is_neg = np.isin(wh, _NEG_HASHES)
    long3 = (w_end - w_start) >= 3
    if long3.any():
        tail = substring_hash(w_end[long3] - 3, w_end[long3])
        is_neg[np.flatnonzero(long3)[np.isin(tail, _NEG_SUFFIX_HASHES)]] = True
    if not is_neg.any():
        return np.zeros(len(wh), dtype=bool)
    clause = np.cumsum(np.isin(cp, _CLAUSE_CPS), dtype=np.int64)[w_start]
    idx = np.arange(len(wh))
    last = np.maximum.accumulate(np.where(is_neg, idx, -1))
    before = np.concatenate([[-1], last[:-1]])  # latest negator strictly before
    ok = before >= 0
    b = np.where(ok, before, 0)
    return ok & (w_doc[b] == w_doc) & (clause[b] == clause) & (idx - b <= NEGATION_WINDOW)


def to_csr(texts: Sequence[str], spec: HashSpec):
    """The batch as a SciPy CSR matrix (training only; SciPy comes with scikit-learn)."""
    from scipy import sparse

    doc, feat, val = hash_batch(texts, spec)
    m = sparse.csr_matrix((val, (doc, feat)), shape=(len(texts), 1 << spec.bits), dtype=np.float64)
    m.sum_duplicates()
    return m


__all__ = sorted(
    [
        "CLAUSE_END",
        "HashSpec",
        "NEGATION_WINDOW",
        "NEGATORS",
        "NEGATOR_SUFFIXES",
        "hash_batch",
        "to_csr",
    ]
)
