"""Themes: what people talk about, as named groups of texts per language, not raw n-grams.

Why not n-gram counts: a list of frequent words or word pairs mixes languages and says the
same thing many times (``late``, ``delivery``, ``late delivery``); pairing neighbouring tokens
across a language change gave listening terms such as ``beans یا`` or ``coffee 新店开在哪里吗``.
A theme is a *group of texts* that share vocabulary, named by the terms that set the group
apart — the c-TF-IDF of BERTopic (Grootendorst 2022, "BERTopic: Neural topic modeling with a
class-based TF-IDF procedure", eq. 1), over clusters found by spherical k-means (Dhillon &
Modha 2001, k-means on L2-normalised TF-IDF vectors, i.e. by cosine).

Steps, each language on its own (a theme never mixes languages, so a term never does):

1. **Terms** (:func:`theme_terms`): the text layer's normalisation (NFKC, Persian letters
   unified, ZWNJ removed — so ``می‌خواهم`` stays one word and never splits into ``می``), lower
   case, URLs/handles dropped; words of letters/digits; the stop words of the language shipped
   in ``text/stopwords/{en,vi,fa,zh}.txt`` removed; Chinese runs segmented with jieba when it is
   installed (the ``nlp`` extra), else split into overlapping character bigrams; plus pairs of
   neighbouring kept words of the **same script** (``giao hàng``, ``lost bag``) — a pair never
   spans a stop word or a change of script.
2. **Vectors**: binary term presence × smoothed IDF, L2-normalised (comments are short: a term
   said twice says no more); terms in < 2 texts are dropped.
3. **Clusters**: spherical k-means, k-means++ seeding with a fixed seed (reproducible); ``k``
   given or chosen from 2…``max_themes`` by the mean cosine silhouette (Rousseeuw 1987) on a
   sample of ≤ 1,500 texts. Texts with no kept term, or sharing nothing with their centroid,
   get no theme; clusters smaller than ``min_size`` are dropped (their texts get no theme).
4. **Names**: c-TF-IDF per cluster, W(t, c) = tf(t, c) · log(1 + A / f(t)) with tf the share of
   the cluster's term occurrences, A the mean occurrences per cluster and f(t) the term's
   occurrences over all clusters; a word is left out of the name when a chosen pair holds it.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import numpy as np
import regex
import scipy.sparse as sp

from .language import detect
from .normalize import normalize_prepared, strip_invisible

#: languages with a shipped stop-word list
STOPWORD_LANGUAGES = ("en", "vi", "fa", "zh")

_TOKEN = regex.compile(r"[\p{L}\p{M}\p{N}_'’]+")
_HAN = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}]+")
_RUNS = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}]+|[^\p{Han}\p{Hiragana}\p{Katakana}]+")
_ARABIC = regex.compile(r"\p{Arabic}")
_LATIN = regex.compile(r"\p{Latin}")
_PLACEHOLDERS = frozenset({"httpurl", "user"})
#: a Persian suffix written after a ZWNJ (plural ها, ezafe ی/ای, possessives, comparatives):
#: the theme term is the word without it ("شعبه‌ی جدید" → شعبه), while a ZWNJ inside a word
#: (the verb prefix می‌) joins it (می‌خواهم → میخواهم, never the stop-word-like "می")
_FA_SUFFIX = regex.compile(
    r"\u200c(?:هایی|های|ها|ای|ی|ام|ات|اش|مان|تان|شان|ترین|تر)(?![\p{L}\p{M}])"
)

#: clusters whose centroids' cosine is at least this are one theme (see :func:`_merge`)
MERGE_AT = 0.5


@cache
def stopwords(language: str | None) -> frozenset[str]:
    """The shipped stop words of ``language`` (empty for a language without a list)."""
    if language not in STOPWORD_LANGUAGES:
        return frozenset()
    text = (
        resources.files("engagelens.text")
        .joinpath(f"stopwords/{language}.txt")
        .read_text(encoding="utf-8")
    )
    return frozenset(
        w.strip().lower() for w in text.splitlines() if w.strip() and not w.startswith("#")
    )


@cache
def _jieba():
    try:
        import jieba
    except ImportError:  # the nlp extra is optional: character bigrams instead
        return None
    jieba.setLogLevel(60)
    return jieba


def _script(word: str) -> str:
    if _HAN.match(word):
        return "han"
    if _ARABIC.search(word):
        return "arabic"
    if _LATIN.search(word):
        return "latin"
    return "other"


def _han_words(run: str) -> list[str]:
    jieba = _jieba()
    if jieba is not None:
        return jieba.lcut(run)
    if len(run) < 2:
        return []
    return [run[i : i + 2] for i in range(len(run) - 1)]


def _stop_for(script: str, language: str | None) -> frozenset[str]:
    """Stop words for a word of ``script`` in a text of ``language``: the text's own list when
    the script is the language's, else the list of that script's language (an English word
    inside a Persian comment still drops ``the``)."""
    if script == "han":
        return stopwords("zh")
    if script == "arabic":
        return stopwords("fa") if language not in ("fa",) else stopwords(language)
    if script == "latin":
        return stopwords(language) if language in ("en", "vi") else stopwords("en")
    return stopwords(language)


def theme_terms(text: str, language: str | None = None) -> list[str]:
    """Distinct theme terms of one text, in order: kept words, then same-script word pairs.

    ``language`` is the text's language (detected when ``None``); it picks the stop words."""
    if "\u200c" in text:
        text = _FA_SUFFIX.sub("", text)
    prepared = strip_invisible(text)
    if language is None:
        language = detect(prepared)
    n = normalize_prepared(prepared)
    words: list[tuple[str, str] | None] = []  # (word, script); None = a gap (stop word, break)
    last_end = 0
    for m in _TOKEN.finditer(n.model_text):
        between = n.model_text[last_end : m.start()]
        last_end = m.end()
        if between.strip():  # punctuation, a handle's "@", an emoji: no pair across it
            words.append(None)
        if between.endswith("@"):
            continue  # the @user placeholder
        for run in _RUNS.findall(m.group()):
            script = _script(run)
            if script == "han":
                words.extend(
                    None if len(w) < 2 or w in stopwords("zh") else (w, "han")
                    for w in _han_words(run)
                )
                continue
            w = run.strip("'’_")
            keep = (
                len(w) >= 2
                and not w.isdigit()
                and w not in _PLACEHOLDERS
                and w not in _stop_for(script, language)
            )
            words.append((w, script) if keep else None)
    out = dict.fromkeys(w[0] for w in words if w)
    for a, b in itertools.pairwise(words):
        if a and b and a[1] == b[1] and a[0] != b[0]:
            out[f"{a[0]} {b[0]}"] = None
    return list(out)


@dataclass(frozen=True)
class Theme:
    """One named group of texts of one language."""

    language: str | None
    theme_id: int  # 0, 1, … per call, largest first
    label: str  # the top terms, e.g. "late delivery, cold"
    terms: tuple[str, ...]  # up to 10, best first
    size: int
    share: float  # of the language's texts that got a theme or not (size / texts of language)
    examples: tuple[int, ...]  # indices of the texts nearest the centroid
    members: tuple[int, ...] = field(repr=False)

    def to_dict(self) -> dict[str, object]:
        return {
            "language": self.language,
            "theme": self.theme_id,
            "label": self.label,
            "terms": list(self.terms),
            "size": self.size,
            "share": round(self.share, 4),
            "examples": list(self.examples),
        }


@dataclass(frozen=True)
class ThemeResult:
    themes: list[Theme]
    assignment: list[int]  # theme_id per input text, -1 = none
    languages: list[str | None]


def _vectors(docs: Sequence[list[str]]) -> tuple[sp.csr_matrix, list[str]]:
    df = Counter(t for d in docs for t in set(d))
    n = len(docs)
    vocab = sorted(t for t, c in df.items() if c >= 2)
    index = {t: i for i, t in enumerate(vocab)}
    rows, cols = [], []
    for r, d in enumerate(docs):
        for t in d:
            j = index.get(t)
            if j is not None:
                rows.append(r)
                cols.append(j)
    x = sp.csr_matrix(
        (np.ones(len(rows)), (np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64))),
        shape=(n, len(vocab)),
    )
    x.sum_duplicates()
    x.data[:] = 1.0
    idf = np.log((1 + n) / (1 + np.array([df[t] for t in vocab], dtype=float))) + 1.0
    x = x @ sp.diags(idf)
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ x), vocab


def _kmeans(x: sp.csr_matrix, k: int, *, seed: int = 0, n_init: int = 3, iters: int = 40):
    """Spherical k-means: (labels, centroids, objective = Σ cosine to own centroid)."""
    rng = np.random.default_rng(seed)
    n = x.shape[0]
    best = None
    for _ in range(n_init):
        first = int(rng.integers(n))
        chosen = [first]
        closest = 1.0 - (x @ x[first].T).toarray().ravel()
        for _ in range(1, k):  # k-means++ on cosine distance
            p = np.clip(closest, 0, None) ** 2
            total = p.sum()
            nxt = int(rng.choice(n, p=p / total)) if total > 0 else int(rng.integers(n))
            chosen.append(nxt)
            closest = np.minimum(closest, 1.0 - (x @ x[nxt].T).toarray().ravel())
        c = x[chosen].toarray()
        labels = np.full(n, -2)
        for _ in range(iters):
            new = _assign(x, c)
            if np.array_equal(new, labels):
                break
            labels = new
            c = _centroids(x, labels, k)
        sims = np.asarray(x @ c.T)
        obj = float(sims.max(axis=1).sum())
        if best is None or obj > best[2]:
            best = (labels, c, obj)
    return best


def _silhouette(s: np.ndarray, labels: np.ndarray, k: int) -> float:
    """Mean silhouette on cosine distance from a precomputed similarity matrix ``s``. A text
    left without a cluster (label -1: it shares no term with any centroid) counts 0, so a
    small k cannot score well by leaving the texts it cannot place out of the mean."""
    total = len(labels)
    keep = labels >= 0
    s, labels = s[np.ix_(keep, keep)], labels[keep]
    d = 1.0 - s
    onehot = np.zeros((len(labels), k))
    onehot[np.arange(len(labels)), labels] = 1.0
    sizes = onehot.sum(axis=0)
    if (sizes > 0).sum() < 2:
        return -1.0
    sums = d @ onehot  # Σ distance to each cluster
    own = labels
    a_den = np.maximum(sizes[own] - 1, 1)
    a = sums[np.arange(len(own)), own] / a_den
    mean_other = np.where(sizes > 0, sums / np.maximum(sizes, 1), np.inf)
    mean_other[np.arange(len(own)), own] = np.inf
    b = mean_other.min(axis=1)
    sil = np.where(sizes[own] > 1, (b - a) / np.maximum(np.maximum(a, b), 1e-12), 0.0)
    return float(sil.sum() / total)


def _choose_k(x: sp.csr_matrix, k_max: int, *, sample: int = 1500, seed: int = 0) -> int:
    n = x.shape[0]
    rows = np.arange(n)
    if n > sample:
        rows = np.sort(np.random.default_rng(seed).choice(n, sample, replace=False))
    xs = x[rows]
    s = np.asarray((xs @ xs.T).todense())
    best_k, best_score = 2, -np.inf
    for k in range(2, k_max + 1):
        labels, _, _ = _kmeans(xs, k, seed=seed, n_init=2)
        score = _silhouette(s, labels, k)
        if score > best_score + 1e-9:
            best_k, best_score = k, score
    return best_k


def _assign(x: sp.csr_matrix, c: np.ndarray) -> np.ndarray:
    """Nearest centroid by cosine; -1 for a text that shares no term with any centroid (it
    must not join cluster 0 by default and pull that centroid toward its own words)."""
    sims = np.asarray(x @ c.T)
    out = sims.argmax(axis=1)
    out[sims.max(axis=1) <= 0] = -1
    return out


def _centroids(x: sp.csr_matrix, labels: np.ndarray, k: int) -> np.ndarray:
    """L2-normalised sums of the members (texts labelled -1 count for none)."""
    rows = np.flatnonzero(labels >= 0)
    onehot = sp.csr_matrix(
        (np.ones(len(rows)), (rows, labels[rows])), shape=(len(labels), max(k, 1))
    )
    c = np.asarray((onehot.T @ x).todense())
    norm = np.linalg.norm(c, axis=1)
    norm[norm == 0] = 1.0
    return c / norm[:, None]


def _merge(
    x: sp.csr_matrix, labels: np.ndarray, vocab: list[str], merge_at: float
) -> tuple[np.ndarray, np.ndarray]:
    """Join clusters that are one theme: the silhouette's k splits a theme said in a few set
    phrasings ("arrived late" / "still waiting for my delivery") into clusters that *share
    their name*. Two clusters are joined when the top term of one is among the first five of
    the other (the user would see the same theme twice), or their centroids' cosine is at
    least ``merge_at`` (near-duplicates); most similar pair first (BERTopic's topic reduction
    merges by similarity too)."""
    kept = labels >= 0
    labels = labels.copy()
    labels[kept] = np.unique(labels[kept], return_inverse=True)[1]
    while True:
        k = int(labels.max(initial=-1)) + 1
        cent = _centroids(x, labels, k)
        if k < 2:
            return labels, cent
        names = _names(x, labels, list(range(k)), vocab, top=5)
        words = {c: [set(t.split()) for t in names[c]] for c in range(k)}
        sim = cent @ cent.T
        best = None
        for i in range(k):
            for j in range(i + 1, k):
                alike = sim[i, j] >= merge_at or any(
                    words[a] and words[a][0] & set().union(*words[b])
                    for a, b in ((i, j), (j, i))
                    if words[b]
                )
                if alike and (best is None or sim[i, j] > sim[best]):
                    best = (i, j)
        if best is None:
            return labels, cent
        lo, hi = best
        labels = np.where(labels == hi, lo, labels)
        labels = np.where(labels > hi, labels - 1, labels)


def _names(
    x: sp.csr_matrix, labels: np.ndarray, clusters: list[int], vocab: list[str], top: int
) -> dict[int, list[str]]:
    """c-TF-IDF top terms per cluster (see the module docstring)."""
    counts = np.vstack([np.asarray(x[labels == c].sign().sum(axis=0)).ravel() for c in clusters])
    tf = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    avg = counts.sum() / len(clusters)
    idf = np.log(1 + avg / np.maximum(counts.sum(axis=0), 1))
    w = tf * idf
    out = {}
    for row, c in enumerate(clusters):
        order = np.lexsort((np.array(vocab, dtype=object), -w[row]))
        out[c] = [vocab[j] for j in order[:top] if counts[row, j] > 0]
    return out


def label_of(terms: Sequence[str], n: int = 3) -> str:
    """The first ``n`` terms, a word left out when a chosen pair already holds it."""
    chosen: list[str] = []
    for t in terms:
        if " " not in t and any(t in p.split() for p in chosen if " " in p):
            continue
        if " " in t:
            chosen = [c for c in chosen if c not in t.split()]
        if t not in chosen:
            chosen.append(t)
        if len(chosen) >= n:
            break
    return ", ".join(chosen[:n])


def _one_language(
    idx: list[int],
    docs: list[list[str]],
    language: str | None,
    *,
    k: int | None,
    max_themes: int,
    min_size: int | None,
    n_examples: int,
    start_id: int,
    merge_at: float,
) -> tuple[list[Theme], dict[int, int]]:
    n_lang = len(idx)
    floor = min_size if min_size is not None else max(3, math.ceil(0.02 * n_lang))
    x, vocab = _vectors(docs)
    has = np.asarray(x.getnnz(axis=1)).ravel() > 0
    rows = np.flatnonzero(has)
    if len(rows) < floor or not vocab:
        return [], {}
    xr = x[rows]
    k_max = min(max_themes, len(rows) // floor)
    if k is not None:
        kk = max(1, min(k, len(rows)))
    elif k_max < 2:
        kk = 1
    else:
        kk = _choose_k(xr, k_max)
    labels, _, _ = _kmeans(xr, kk)
    labels, cent = _merge(xr, labels, vocab, merge_at)
    labels = _assign(xr, cent)
    sims = np.asarray(xr @ cent.T).max(axis=1)
    sizes = Counter(int(c) for c in labels if c >= 0)
    kept = sorted((c for c, s in sizes.items() if s >= floor), key=lambda c: (-sizes[c], c))
    if not kept:
        return [], {}
    names = _names(xr, labels, kept, vocab, top=10)
    themes, mapping = [], {}
    for offset, c in enumerate(kept):
        tid = start_id + offset
        members = np.flatnonzero(labels == c)
        near = members[np.argsort(-sims[members], kind="stable")]
        examples, seen = [], set()
        for m in near:
            key = tuple(sorted(docs[rows[m]]))
            if key in seen:
                continue
            seen.add(key)
            examples.append(idx[rows[m]])
            if len(examples) >= n_examples:
                break
        for m in members:
            mapping[idx[rows[m]]] = tid
        themes.append(
            Theme(
                language=language,
                theme_id=tid,
                label=label_of(names[c]),
                terms=tuple(names[c]),
                size=len(members),
                share=len(members) / n_lang,
                examples=tuple(examples),
                members=tuple(idx[rows[m]] for m in members),
            )
        )
    return themes, mapping


def find_themes(
    texts: Sequence[str | None],
    languages: Sequence[str | None] | None = None,
    *,
    k: int | None = None,
    max_themes: int = 8,
    min_size: int | None = None,
    n_examples: int = 2,
    exclude: frozenset[str] = frozenset(),
    merge_at: float = MERGE_AT,
) -> ThemeResult:
    """Themes of ``texts``, per language (``languages`` given or detected), largest first
    within each language; languages in order of their number of texts. ``exclude``: terms to
    leave out (e.g. a listening query's own words, which every mention holds)."""
    raw = ["" if t is None else str(t) for t in texts]
    langs = list(languages) if languages is not None else [None] * len(raw)
    if len(langs) != len(raw):
        raise ValueError("languages must have one entry per text")
    langs = [
        lg if lg else (detect(strip_invisible(t)) if t else None)
        for t, lg in zip(raw, langs, strict=True)
    ]
    groups: dict[str | None, list[int]] = {}
    for i, lg in enumerate(langs):
        if lg is not None:
            groups.setdefault(lg, []).append(i)
    assignment = [-1] * len(raw)
    themes: list[Theme] = []
    for lg in sorted(groups, key=lambda g: (-len(groups[g]), g)):
        idx = groups[lg]
        docs = []
        for i in idx:
            terms = theme_terms(raw[i], lg)
            if exclude:
                terms = [t for t in terms if not (set(t.split()) & exclude)]
            docs.append(terms)
        found, mapping = _one_language(
            idx,
            docs,
            lg,
            k=k,
            max_themes=max_themes,
            min_size=min_size,
            n_examples=n_examples,
            start_id=len(themes),
            merge_at=merge_at,
        )
        themes.extend(found)
        for i, tid in mapping.items():
            assignment[i] = tid
    return ThemeResult(themes, assignment, langs)


__all__ = [
    "STOPWORD_LANGUAGES",
    "Theme",
    "ThemeResult",
    "find_themes",
    "label_of",
    "stopwords",
    "theme_terms",
]
