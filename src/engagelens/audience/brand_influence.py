"""Influencers, detractors and user-generated content *per brand*.

Why per brand: a mention is evidence about the brand it is about, not about whoever runs the
dashboard. The old :func:`~engagelens.audience.advocates.influencers` ranked every positive
mention, so Lumina's top "influencer" was a fan of Bravo Beans. Here a mention is about a brand
when that brand's listening query (``listening_query.kind`` brand or competitor) matched it,
and its sentiment *toward this brand* is:

* the mention's sentiment (text analysis, else the source's label) when only this brand's
  query matched it;
* when several brands' queries matched it ("Bravo raised prices again? Switching to Lumina"),
  the sentiment of the clauses that name this brand and no other brand; neutral when no
  clause isolates it (a comparison we cannot split is not evidence either way).

Score (after Arora et al. 2019, "Measuring social media influencer index", *J. Retailing and
Consumer Services* 49: reach × engagement × relevance, here signed by sentiment)::

    score = reach × engagement_rate × relevance × net_sentiment
    reach           = largest follower count seen (else mean mention reach)
    engagement_rate = Σ (likes + shares) ÷ Σ reach over all the author's mentions
    relevance       = the author's mentions of this brand ÷ all their mentions
    net_sentiment   = (positive − negative) ÷ mentions of this brand, in [−1, 1]

Influencers have score > 0, detractors score < 0; an author who never spoke well of this brand
cannot be its influencer, however much they praise others. Authenticity signals (shown, never
silently applied): a follower jump of more than 50 % (and 1,000) between two mentions within 7
days; an engagement rate over 3× or under ⅓ of the median rate of authors with a similar
audience (follower-count bands), judged on 3 mentions or more; the low-quality share of
the author's mentions (text analysis quality low_effort, or a text the author already posted).
Text analysis' "spam" is not used: it marks any text seen twice in the corpus, fans quoting a
slogan included.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from engagelens.errors import NotFound

if TYPE_CHECKING:  # pragma: no cover
    from engagelens.store import Store

BRAND_KINDS = ("brand", "competitor")
#: clause boundaries: after sentence punctuation (kept with its clause), "vs", "but", ": "
_CLAUSE = re.compile(
    r"(?<=[.!?;。！？；…])\s*|\n+|:\s+|\s+vs\.?\s+|\s+but\s+|\s+nhưng\s+|\s+اما\s+|但是?",
    re.IGNORECASE,
)
SPIKE_RATIO = 0.5
SPIKE_MIN = 1000
SPIKE_DAYS = 7
ANOMALY_RATIO = 3.0
ANOMALY_MIN_MENTIONS = 3


@dataclass
class _Author:
    platform: str
    author_id: str
    handle: str | None = None
    followers: int | None = None
    mentions: int = 0
    reach_sum: int = 0
    engaged: int = 0
    low_quality: int = 0
    history: list[tuple[dt.datetime, int]] = field(default_factory=list)


@dataclass(frozen=True)
class BrandInfluencer:
    platform: str
    author_id: str
    author_handle: str | None
    reach: float
    engagement_rate: float | None
    relevance: float
    brand_mentions: int
    positive: int
    neutral: int
    negative: int
    net_sentiment: float
    score: float
    competitor_positive: int
    follower_spike: bool
    engagement_anomaly: bool
    engagement_ratio: float | None
    low_quality_share: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def brand_names(store: Store) -> dict[str, str]:
    """Brand and competitor listening queries: name → kind."""
    import engagelens.listening.tables  # noqa: F401  (registers the tables)

    q = store.table("listening_query")
    q = q.filter(q.kind.isin(BRAND_KINDS))
    return {r["name"]: r["kind"] for r in q.select("name", "kind").to_pyarrow().to_pylist()}


def _check_brand(store: Store, brand: str) -> dict[str, str]:
    names = brand_names(store)
    if brand not in names:
        raise NotFound(
            f"no brand or competitor listening query named {brand!r}; "
            f"known: {', '.join(sorted(names)) or 'none (add one with engagelens listen add)'}",
            brand=brand,
        )
    return names


def _sentiments(store: Store) -> dict[tuple[str, str], str]:
    ta = store.table("text_analysis")
    ta = ta.filter((ta.source_table == "mention") & ta.sentiment.notnull())
    out: dict[tuple[str, str], str] = {}
    rows = ta.select("platform", "source_id", "backend", "sentiment").to_pyarrow().to_pylist()
    for r in sorted(rows, key=lambda r: r["backend"], reverse=True):  # first backend wins
        out[(r["platform"], r["source_id"])] = r["sentiment"]
    return out


def _qualities(store: Store) -> dict[tuple[str, str], str]:
    ta = store.table("text_analysis")
    ta = ta.filter((ta.source_table == "mention") & ta.quality.notnull())
    rows = ta.select("platform", "source_id", "backend", "quality").to_pyarrow().to_pylist()
    return {
        (r["platform"], r["source_id"]): r["quality"]
        for r in sorted(rows, key=lambda r: r["backend"], reverse=True)
    }


def _matches(store: Store, names: dict[str, str]) -> dict[tuple[str, str], dict[str, list[str]]]:
    """(platform, mention_id) → {brand: matched terms} for brand/competitor queries."""
    m = store.table("listening_match")
    m = m.filter(m.query.isin(list(names)))
    out: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(dict)
    for r in m.select("query", "platform", "mention_id", "matched_terms").to_pyarrow().to_pylist():
        terms = json.loads(r["matched_terms"] or "[]")
        out[(r["platform"], r["mention_id"])][r["query"]] = [str(t).casefold() for t in terms]
    return out


def _own_authors(store: Store) -> set[tuple[str, str]]:
    a = store.table("account")
    a = a.filter(a.is_own.fill_null(False))
    return {(r["platform"], r["account_id"]) for r in a.to_pyarrow().to_pylist()}


def brand_clauses(text: str, brand_terms: list[str], other_terms: list[str]) -> list[str]:
    """The clauses of ``text`` that name this brand and no other brand."""
    clauses = [c.strip() for c in _CLAUSE.split(text or "") if c.strip()]
    return [
        c
        for c in clauses
        if any(t in c.casefold() for t in brand_terms)
        and not any(t in c.casefold() for t in other_terms)
    ]


def _net_label(labels: list[str]) -> str:
    net = labels.count("positive") - labels.count("negative")
    return "positive" if net > 0 else "negative" if net < 0 else "neutral"


def clause_sentiment(text: str, brand_terms: list[str], other_terms: list[str]) -> str:
    """Sentiment of the clauses naming this brand and no other (neutral when none does)."""
    from engagelens.text import analyze

    mine = brand_clauses(text, brand_terms, other_terms)
    return _net_label([a["sentiment"] for a in analyze(mine)]) if mine else "neutral"


@dataclass(frozen=True)
class _Mention:
    platform: str
    author_id: str
    created_at: dt.datetime
    sentiment_toward: dict[str, str]  # brand → label


def _brand_mentions(
    store: Store,
    start: dt.datetime | None,
    end: dt.datetime | None,
    platform: str | None,
) -> tuple[dict[tuple[str, str], _Author], list[_Mention]]:
    names = brand_names(store)
    matches = _matches(store, names)
    sentiment = _sentiments(store)
    quality = _qualities(store)
    own = _own_authors(store)
    m = store.table("mention")
    m = m.filter(m.author_id.notnull())
    if start is not None:
        m = m.filter(m.created_at >= start)
    if end is not None:
        m = m.filter(m.created_at < end)
    if platform:
        m = m.filter(m.platform == platform)
    cols = [
        "platform",
        "mention_id",
        "author_id",
        "author_handle",
        "author_followers",
        "created_at",
        "text",
        "sentiment",
        "reach",
        "likes",
        "shares",
    ]
    authors: dict[tuple[str, str], _Author] = {}
    about: list[_Mention] = []
    pending: list[tuple[dict[str, str], str, list[str]]] = []  # (toward, brand, clauses)
    seen_texts: set[tuple[str, str, str]] = set()
    for r in m.select(*cols).to_pyarrow().to_pylist():
        key = (r["platform"], r["author_id"])
        if key in own:
            continue
        a = authors.setdefault(key, _Author(*key))
        a.handle = a.handle or r["author_handle"]
        if r["author_followers"] is not None:
            a.followers = max(a.followers or 0, int(r["author_followers"]))
            if r["created_at"] is not None:
                a.history.append((r["created_at"], int(r["author_followers"])))
        reach = r["reach"] if r["reach"] is not None else r["author_followers"] or 0
        a.mentions += 1
        a.reach_sum += int(reach)
        a.engaged += int(r["likes"] or 0) + int(r["shares"] or 0)
        mid = (r["platform"], r["mention_id"])
        said = (key[0], key[1], " ".join(str(r["text"] or "").casefold().split()))
        if quality.get(mid) == "low_effort" or said in seen_texts:
            a.low_quality += 1
        seen_texts.add(said)
        hit = matches.get(mid)
        if not hit:
            continue
        overall = sentiment.get(mid) or r["sentiment"] or "neutral"
        toward = {}
        for brand, terms in hit.items():
            if len(hit) == 1:
                toward[brand] = overall
            else:
                others = [t for b, ts in hit.items() if b != brand for t in ts]
                toward[brand] = "neutral"
                clauses = brand_clauses(r["text"], terms, others)
                if clauses:
                    pending.append((toward, brand, clauses))
        about.append(_Mention(r["platform"], r["author_id"], r["created_at"], toward))
    if pending:  # one batch through the text layer for every comparative mention
        from engagelens.text import analyze

        flat = [c for _, _, clauses in pending for c in clauses]
        labels = iter(a["sentiment"] for a in analyze(flat))
        for toward, brand, clauses in pending:
            toward[brand] = _net_label([next(labels) for _ in clauses])
    return authors, about


def _spike(history: list[tuple[dt.datetime, int]]) -> bool:
    h = sorted(history)
    for (t0, f0), (t1, f1) in itertools.pairwise(h):
        grew = f1 - f0
        if (
            (t1 - t0) <= dt.timedelta(days=SPIKE_DAYS)
            and grew > SPIKE_MIN
            and grew > SPIKE_RATIO * max(f0, 1)
        ):
            return True
    return False


def _engagement_ratio(authors: dict[tuple[str, str], _Author]) -> dict[tuple[str, str], float]:
    """An author's engagement rate ÷ the median rate of authors with a similar audience
    (follower-count quantile bands of at least 20 authors, at most 10 bands)."""
    keys = [k for k, a in authors.items() if a.reach_sum > 0]
    if not keys:
        return {}
    followers = np.array([authors[k].followers or 0 for k in keys], dtype=float)
    rates = np.array([authors[k].engaged / authors[k].reach_sum for k in keys])
    bands = max(1, min(10, len(keys) // 20))  # at least 20 authors per band
    edges = np.quantile(followers, np.linspace(0, 1, bands + 1)[1:-1])
    band = np.searchsorted(np.unique(edges), followers, side="right")
    medians = {int(b): float(np.median(rates[band == b])) for b in np.unique(band)}
    out = {}
    for i, k in enumerate(keys):
        median, r = medians[int(band[i])], float(rates[i])
        out[k] = r / median if median > 0 else (float("inf") if r > 0 else 1.0)
    return out


def brand_influencers(
    store: Store,
    brand: str,
    *,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    platform: str | None = None,
    limit: int = 20,
    detractors: bool = False,
) -> list[BrandInfluencer]:
    """Authors ranked by score toward ``brand`` (see module doc); ``detractors``: the most
    negative first instead. Unknown brand names are a NotFound listing the known ones."""
    _check_brand(store, brand)
    authors, about = _brand_mentions(store, start, end, platform)
    ratios = _engagement_ratio(authors)
    per: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for mt in about:
        key = (mt.platform, mt.author_id)
        for b, label in mt.sentiment_toward.items():
            if b == brand:
                per[key][label] += 1
                per[key]["n"] += 1
            elif label == "positive":
                per[key]["competitor_positive"] += 1
    out = []
    for key, c in per.items():
        if not c["n"]:
            continue
        a = authors[key]
        reach = float(a.followers) if a.followers is not None else a.reach_sum / a.mentions
        er = a.engaged / a.reach_sum if a.reach_sum else None
        relevance = c["n"] / a.mentions
        net = (c["positive"] - c["negative"]) / c["n"]
        score = reach * (er or 0.0) * relevance * net
        ratio = ratios.get(key)
        far = (
            ratio is not None
            and a.mentions >= ANOMALY_MIN_MENTIONS
            and (ratio > ANOMALY_RATIO or ratio < 1 / ANOMALY_RATIO)
        )
        out.append(
            BrandInfluencer(
                a.platform,
                a.author_id,
                a.handle,
                reach,
                er,
                relevance,
                c["n"],
                c["positive"],
                c["neutral"],
                c["negative"],
                net,
                score,
                c["competitor_positive"],
                _spike(a.history),
                far,
                ratio,
                a.low_quality / a.mentions,
            )
        )
    if detractors:
        chosen = sorted(
            (i for i in out if i.score < 0), key=lambda i: (i.score, i.platform, i.author_id)
        )
    else:
        chosen = sorted(
            (i for i in out if i.score > 0), key=lambda i: (-i.score, i.platform, i.author_id)
        )
    return chosen[:limit] if limit > 0 else chosen


def ugc_summary(
    store: Store,
    brand: str,
    *,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    platform: str | None = None,
) -> dict[str, Any]:
    """User-generated content about ``brand``: mentions by people other than the brand's own
    accounts, per ISO week, with the share that is positive toward the brand."""
    _check_brand(store, brand)
    _, about = _brand_mentions(store, start, end, platform)
    weeks: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for mt in about:
        label = mt.sentiment_toward.get(brand)
        if label is None:
            continue
        iso = mt.created_at.isocalendar()
        week = f"{iso[0]}-W{iso[1]:02d}"
        weeks[week]["ugc"] += 1
        weeks[week][label] += 1
    rows: list[dict[str, Any]] = [
        {
            "week": w,
            "ugc": c["ugc"],
            "positive": c["positive"],
            "negative": c["negative"],
            "positive_share": c["positive"] / c["ugc"],
        }
        for w, c in sorted(weeks.items())
    ]
    total = sum(r["ugc"] for r in rows)
    positive = sum(r["positive"] for r in rows)
    return {
        "brand": brand,
        "ugc": total,
        "positive": positive,
        "positive_share": positive / total if total else None,
        "weeks": rows,
    }


__all__ = sorted(
    [
        "BRAND_KINDS",
        "BrandInfluencer",
        "brand_clauses",
        "brand_influencers",
        "brand_names",
        "clause_sentiment",
        "ugc_summary",
    ]
)
