"""Trends and spikes: is today unusual for this query, and why?

The engine returns small aggregates (mentions and negative mentions per query and day); the
statistics run here in Python on those (STYLE §7), so they are testable without a database.

Spike rule (a control-chart test, Shewhart; the "mean + k·σ over a trailing window" rule of
Brandwatch/Talkwalker spike alerts): a day is a spike when

    count > expected + k · σ   and   count ≥ min_count

where, over the ``window`` days before it, *expected* is the mean of the same weekday (so a
quiet Sunday is not compared with a busy Monday; shrunk toward the window mean, used once the
window holds two of that weekday) and σ follows the counts' own noise:
σ² = φ · expected (Poisson variance times the dispersion φ ≥ 1 measured on the window),
widened by the uncertainty of the weekday level — so a perfectly flat history does not turn
one extra mention into an alert, and a noisy one needs a bigger jump.

Drivers and emerging terms use the weighted log-odds ratio with an informative Dirichlet
prior (Monroe, Colaresi & Quinn 2008, "Fightin' Words"): a term scores high when it is much
more frequent in the spike (or recent window) than in the baseline, shrunk when rare.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from engagelens import settings

from .frame import matched_mentions
from .measures import own_words
from .themes import rising_themes, term_counts

if TYPE_CHECKING:  # pragma: no cover
    from engagelens.store import Store


@dataclass(frozen=True)
class Spike:
    """One unusual day of one series, with what drove it."""

    query: str
    day: dt.date
    series: str  # "volume" or "negative"
    count: int
    expected: float
    sigma: float
    threshold: float
    z: float
    drivers: dict[str, list[Any]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "day": self.day.isoformat(),
            "series": self.series,
            "count": self.count,
            "expected": round(self.expected, 3),
            "sigma": round(self.sigma, 3),
            "threshold": round(self.threshold, 3),
            "z": round(self.z, 3),
            "drivers": self.drivers,
        }


def _fill(series: Mapping[dt.date, int], start: dt.date, end: dt.date) -> list[tuple[dt.date, int]]:
    days = (end - start).days + 1
    return [
        (start + dt.timedelta(d), int(series.get(start + dt.timedelta(d), 0))) for d in range(days)
    ]


def baseline(history: Sequence[tuple[dt.date, int]], day: dt.date) -> tuple[float, float]:
    """Expected count for ``day`` and σ, from the trailing ``history`` (weekday-adjusted).

    A weekday's level is its mean shrunk toward the window mean by one pseudo-day. Counts are
    noisier where they are larger (Poisson), so σ² = φ · level, with the dispersion
    φ = mean(residual² / level) ≥ 1 estimated on the window, widened by the level's own
    uncertainty (× (1 + 1/n)) so four Mondays do not pass for certainty."""
    values = [c for _, c in history]
    mean = sum(values) / len(values)
    by_weekday: dict[int, list[int]] = {}
    for d, c in history:
        by_weekday.setdefault(d.weekday(), []).append(c)

    def level(weekday: int) -> float:
        vals = by_weekday.get(weekday, [])
        if len(vals) < 2:
            return mean
        return (sum(vals) + mean) / (len(vals) + 1)

    expected = level(day.weekday())
    ratios = [(c - level(d.weekday())) ** 2 / max(level(d.weekday()), 1.0) for d, c in history]
    dispersion = max(sum(ratios) / max(len(ratios) - 1, 1), 1.0)
    n = max(len(by_weekday.get(day.weekday(), [])), 1)
    return expected, math.sqrt(dispersion * max(expected, 1.0) * (1 + 1 / n))


def detect(
    series: Mapping[dt.date, int],
    *,
    k: float | None = None,
    window: int | None = None,
    min_count: int = 5,
    min_history: int = 7,
    days: Sequence[dt.date] | None = None,
    query: str = "",
    kind: str = "volume",
) -> list[Spike]:
    """Spikes in a daily series (missing days are zero). ``days`` limits which days are tested
    (default: every day with at least ``min_history`` days before it)."""
    if not series:
        return []
    k = float(settings.get("spike_k_sigma") if k is None else k)
    window = int(settings.get("spike_window_days") if window is None else window)
    filled = _fill(series, min(series), max(series))
    index = {d: i for i, (d, _) in enumerate(filled)}
    wanted = days if days is not None else [d for d, _ in filled]
    out = []
    for day in wanted:
        i = index.get(day)
        if i is None or i < min_history:
            continue
        history = filled[max(0, i - window) : i]
        count = filled[i][1]
        expected, sigma = baseline(history, day)
        threshold = expected + k * sigma
        if count > threshold and count >= min_count:
            out.append(
                Spike(
                    query, day, kind, count, expected, sigma, threshold, (count - expected) / sigma
                )
            )
    return out


def log_odds(
    focus: Counter[str], background: Counter[str], *, prior: float = 0.01, min_count: int = 2
) -> list[tuple[str, float]]:
    """Terms over-represented in ``focus`` vs ``background``: z-scored weighted log-odds with
    an informative Dirichlet prior (Monroe et al. 2008, eq. 22), best first."""
    vocab = set(focus) | set(background)
    if len(vocab) < 2:  # one term (or one theme) has no "rest of the vocabulary" to beat
        return []
    alpha = {w: prior * (focus[w] + background[w]) + prior for w in vocab}
    a0 = sum(alpha.values())
    n1, n2 = sum(focus.values()), sum(background.values())
    scores = []
    for w in vocab:
        if focus[w] < min_count:
            continue
        y1, y2, a = focus[w], background[w], alpha[w]
        delta = math.log((y1 + a) / (n1 + a0 - y1 - a)) - math.log((y2 + a) / (n2 + a0 - y2 - a))
        var = 1.0 / (y1 + a) + 1.0 / (y2 + a)
        scores.append((w, delta / math.sqrt(var)))
    return sorted(scores, key=lambda x: (-x[1], x[0]))


# -- store-backed ---------------------------------------------------------------------------
def daily_counts(
    store: Store, query: str | None = None
) -> dict[str, dict[str, dict[dt.date, int]]]:
    """{query: {"volume": {day: n}, "negative": {day: n}}} — the small aggregate spikes need."""
    t = matched_mentions(store)
    if query is not None:
        t = t.filter(t.query == query)
    agg = t.group_by(["query", "day"]).agg(
        volume=t.count(), negative=(t.sentiment == "negative").sum()
    )
    out: dict[str, dict[str, dict[dt.date, int]]] = {}
    for row in agg.to_pyarrow().to_pylist():
        q = out.setdefault(row["query"], {"volume": {}, "negative": {}})
        q["volume"][row["day"]] = int(row["volume"])
        q["negative"][row["day"]] = int(row["negative"] or 0)
    return out


def drivers(
    store: Store,
    query: str,
    day: dt.date,
    *,
    window: int | None = None,
    negative_only: bool = False,
    limit: int = 5,
) -> dict[str, list[Any]]:
    """Why ``day`` spiked: rising themes and top terms (log-odds vs the trailing window),
    authors and mentions. ``themes`` are the labels of the themes the day holds more of
    (:func:`.themes.rising_themes`); terms are per-language words, never a cross-language
    pair (:func:`.themes.term_counts`)."""
    window = int(settings.get("spike_window_days") if window is None else window)
    t = matched_mentions(store)
    t = t.filter(t.query == query)
    if negative_only:
        t = t.filter(t.sentiment == "negative")
    start = day - dt.timedelta(days=window)
    rows = (
        t.filter((t.day >= start) & (t.day <= day))
        .select("day", "mention_id", "text", "author_handle", "reach", "language")
        .to_pyarrow()
        .to_pylist()
    )
    now = [r for r in rows if r["day"] == day]
    before = [r for r in rows if r["day"] != day]
    own = own_words(store, query)

    def counts(part: list[dict[str, Any]]) -> Counter[str]:
        return term_counts([r["text"] for r in part], [r["language"] for r in part], exclude=own)

    terms = log_odds(counts(now), counts(before))
    themes = rising_themes(rows, [r["day"] == day for r in rows], exclude=own, limit=limit)
    authors = Counter(r["author_handle"] for r in now if r["author_handle"])
    top = sorted(now, key=lambda r: (-(r["reach"] or 0), r["mention_id"]))[:limit]
    return {
        "themes": [t["label"] for t in themes],
        "terms": [w for w, _ in terms[:limit]],
        "authors": [a for a, _ in sorted(authors.items(), key=lambda x: (-x[1], x[0]))[:limit]],
        "mentions": [{"mention_id": r["mention_id"], "text": r["text"]} for r in top],
    }


def find_spikes(
    store: Store,
    *,
    query: str | None = None,
    days: Sequence[dt.date] | None = None,
    k: float | None = None,
    window: int | None = None,
    min_count: int = 5,
    with_drivers: bool = True,
) -> list[Spike]:
    """Volume and negative-sentiment spikes of every query (or one), with their drivers."""
    found: list[Spike] = []
    for name, series in sorted(daily_counts(store, query).items()):
        for kind in ("volume", "negative"):
            for spike in detect(
                series[kind],
                k=k,
                window=window,
                min_count=min_count,
                days=days,
                query=name,
                kind=kind,
            ):
                if with_drivers:
                    spike = Spike(
                        **{
                            **spike.__dict__,
                            "drivers": drivers(
                                store,
                                name,
                                spike.day,
                                window=window,
                                negative_only=kind == "negative",
                            ),
                        }
                    )
                found.append(spike)
    return found


def _recent(
    store: Store, query: str | None, recent_days: int, window: int | None, until: dt.date | None
) -> tuple[list[dict[str, Any]], dt.date] | None:
    """The matched mentions of the ``window`` days before the last ``recent_days`` and of
    those days, and the first recent day; None when nothing is matched."""
    window = int(settings.get("spike_window_days") if window is None else window)
    t = matched_mentions(store)
    if query is not None:
        t = t.filter(t.query == query)
    if until is None:
        until = t.day.max().to_pyarrow().as_py()
        if until is None:
            return None
    split = until - dt.timedelta(days=recent_days - 1)
    return _window_rows(t, split - dt.timedelta(days=window), until), split


def emerging_terms(
    store: Store,
    query: str | None = None,
    *,
    recent_days: int = 7,
    window: int | None = None,
    limit: int = 20,
    until: dt.date | None = None,
    phrases: bool = False,
) -> list[tuple[str, float]]:
    """Terms rising in the last ``recent_days`` against the ``window`` days before.

    ``phrases``: also two-word keyphrases (``lost bag``), only within one script (never
    ``beans یا``); a word is then left out when a rising phrase holds most (≥ 80 %) of its
    recent mentions, so the list does not say the same thing twice. Terms are the text
    layer's theme terms (per-language stop words, Chinese segmented); the query's own words
    are left out (they are in every mention). :func:`emerging_themes` groups them."""
    found = _recent(store, query, recent_days, window, until)
    if found is None:
        return []
    rows, split = found
    own = own_words(store, query)

    def count(part: list[dict[str, Any]]) -> Counter[str]:
        texts, langs = [r["text"] for r in part], [r["language"] for r in part]
        return term_counts(texts, langs, exclude=own, pairs=phrases)

    recent = count([r for r in rows if r["day"] >= split])
    past = count([r for r in rows if r["day"] < split])
    ranked = log_odds(recent, past)
    if phrases:
        ranked = _without_subsumed(ranked, recent)
    return ranked[:limit]


def _window_rows(t: Any, start: dt.date, until: dt.date) -> list[dict[str, Any]]:
    """One row per mention (a mention matched by two queries counts once) in the window."""
    return (
        t.filter((t.day >= start) & (t.day <= until))
        .group_by(["platform", "mention_id"])
        .agg(day=t.day.min(), text=t.text.max(), language=t.language.max())
        .order_by(["platform", "mention_id"])
        .to_pyarrow()
        .to_pylist()
    )


def emerging_themes(
    store: Store,
    query: str | None = None,
    *,
    recent_days: int = 7,
    window: int | None = None,
    limit: int = 10,
    until: dt.date | None = None,
) -> list[dict[str, Any]]:
    """Themes rising in the last ``recent_days`` against the ``window`` days before: what
    people have started to talk about, as named groups of mentions per language
    (:func:`.themes.rising_themes`: label, terms, language, mentions, before, score)."""
    found = _recent(store, query, recent_days, window, until)
    if found is None:
        return []
    rows, split = found
    return rising_themes(
        rows, [r["day"] >= split for r in rows], exclude=own_words(store, query), limit=limit
    )


def _without_subsumed(
    ranked: list[tuple[str, float]], counts: Counter[str]
) -> list[tuple[str, float]]:
    """Drop a word when a rising phrase holds ≥ 80 % of its mentions (the phrase says it)."""
    phrases = [t for t, z in ranked if " " in t and z > 0]
    return [
        (t, z)
        for t, z in ranked
        if " " in t or not any(t in p.split() and counts[p] >= 0.8 * counts[t] for p in phrases)
    ]


__all__ = sorted(
    [
        "Spike",
        "baseline",
        "daily_counts",
        "detect",
        "drivers",
        "emerging_terms",
        "emerging_themes",
        "find_spikes",
        "log_odds",
    ]
)
