"""Themes and terms for listening's report and spike drivers, from the text layer's themes.

Why not the raw n-grams of :func:`.measures.count_phrases`: pairing neighbouring tokens of a
mixed-language mention gave "emerging terms" such as ``beans یا`` (an English word and a
Persian "or") or a whole unsegmented Chinese sentence (``coffee 新店开在哪里吗``). Here terms
come from :func:`engagelens.text.themes.theme_terms` (per-language stop words, Chinese
segmented, pairs only within one script), and "what people talk about" is a list of *themes*
(:func:`engagelens.text.themes.find_themes`: clusters of mentions named by c-TF-IDF), ranked
by how much more of the focus period (a spike day, the last week) they hold than of the
baseline — the same weighted log-odds (Monroe et al. 2008) as the terms.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from engagelens.text.themes import find_themes, theme_terms


def _drop_own(terms: list[str], exclude: frozenset[str]) -> list[str]:
    return [t for t in terms if not (set(t.split()) & exclude)] if exclude else terms


def term_counts(
    texts: Sequence[str | None],
    languages: Sequence[str | None] | None = None,
    *,
    exclude: frozenset[str] = frozenset(),
    pairs: bool = False,
) -> Counter[str]:
    """Document frequency of theme terms: words, and with ``pairs`` same-script word pairs."""
    langs = list(languages) if languages is not None else [None] * len(texts)
    counts: Counter[str] = Counter()
    for text, lang in zip(texts, langs, strict=True):
        if not text:
            continue
        terms = _drop_own(theme_terms(text, lang or None), exclude)
        counts.update(t for t in terms if pairs or " " not in t)
    return counts


def rising_themes(
    rows: Sequence[dict[str, Any]],
    is_focus: Sequence[bool],
    *,
    exclude: frozenset[str] = frozenset(),
    limit: int = 5,
) -> list[dict[str, Any]]:
    """Themes of ``rows`` (dicts with ``text`` and optionally ``language``) that the focus
    rows hold more of than the others, best first: label, terms, language, mentions (in the
    focus), before (in the rest), score (z of the weighted log-odds)."""
    from .spikes import log_odds

    if not rows:
        return []
    result = find_themes(
        [r.get("text") for r in rows],
        [r.get("language") for r in rows],
        exclude=exclude,
    )
    focus: Counter[str] = Counter()
    rest: Counter[str] = Counter()
    for theme_id, f in zip(result.assignment, is_focus, strict=True):
        if theme_id >= 0:
            (focus if f else rest)[str(theme_id)] += 1
    by_id = {str(t.theme_id): t for t in result.themes}
    out: list[dict[str, Any]] = []
    for tid, z in log_odds(focus, rest):
        if z <= 0 or len(out) >= limit:
            break
        t = by_id[tid]
        out.append(
            {
                "label": t.label,
                "terms": list(t.terms[:5]),
                "language": t.language,
                "mentions": focus[tid],
                "before": rest[tid],
                "score": round(z, 2),
            }
        )
    return out


__all__ = ["rising_themes", "term_counts"]
