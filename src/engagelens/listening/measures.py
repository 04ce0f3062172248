"""Listening measures, declared in the metric registry.

Every measure is computed *per listening query*: besides the grain's key columns
(``metrics.base.GRAIN_KEYS``) the result carries a ``query`` column, first. Share of voice is
the query's mentions divided by the mentions of every tracked brand (queries of kind
``brand`` or ``competitor``) in the same grain cell, so it sums to 1 per cell — a mention naming
two brands counts once for each (the usual definition, e.g. Brandwatch and Meltwater docs).

The registered grains are total, day, week, month, platform and language; :func:`breakdown`
gives every figure at once by any columns of :func:`~.frame.matched_mentions`, and
:func:`top_authors`, :func:`top_terms` and :func:`top_hashtags` return small ranked tables.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import ibis
import pyarrow as pa

from engagelens.metrics.base import GRAIN_KEYS, Metric, MetricContext, Unit
from engagelens.metrics.registry import register

from .fold import FoldOptions, tokens
from .frame import TRACKED_KINDS, matched_mentions

if TYPE_CHECKING:  # pragma: no cover
    from engagelens.metrics.base import Filters
    from engagelens.store import Store

GRAINS = ("total", "day", "week", "month", "platform", "language")
_SOURCE_SOV = (
    "Share of voice: a brand's mentions ÷ mentions of all tracked brands "
    "(Brandwatch, 'Share of Voice'; Meltwater, 'How to measure share of voice')."
)
_SOURCE_NET = (
    "Net sentiment = (positive − negative) ÷ (positive + negative) "
    "(Brandwatch, 'Net Sentiment'; Talkwalker, 'Net Sentiment')."
)


def _summary(t: ibis.Table, keys: Sequence[str]) -> ibis.Table:
    """Sufficient statistics per (query, keys): counts by sentiment label and reach."""
    return t.group_by(["query", "kind", *keys]).agg(
        volume=t.count(),
        reach=t.reach.sum(),
        positive=(t.sentiment == "positive").sum(),
        negative=(t.sentiment == "negative").sum(),
        neutral=(t.sentiment == "neutral").sum(),
    )


def breakdown(
    store: Store,
    by: Sequence[str] = (),
    filters: Filters | None = None,
    *,
    tracked_only: bool = False,
    timezone: str | None = None,
) -> ibis.Table:
    """query, kind, *by, volume, reach, positive, negative, neutral, labelled, net_sentiment,
    share_of_voice, share_of_voice_reach. ``by`` may name day, week, month, platform,
    language (a mention without a known language is counted under null). Share of voice is
    among brand and competitor queries only; it is null for other kinds (topics, campaigns)."""
    keys = list(by)
    s = _summary(
        matched_mentions(store, filters, tracked_only=tracked_only, timezone=timezone), keys
    )
    labelled = s.positive + s.negative + s.neutral
    polar = s.positive + s.negative
    window = ibis.window(group_by=keys) if keys else ibis.window()
    tracked = s.kind.isin(TRACKED_KINDS)
    all_volume = ibis.ifelse(tracked, s.volume, 0).sum().over(window).cast("float64")
    all_reach = ibis.ifelse(tracked, s.reach, 0).sum().over(window).cast("float64")
    return s.mutate(
        labelled=labelled,
        net_sentiment=ibis.ifelse(
            polar > 0, (s.positive - s.negative) / polar.cast("float64"), ibis.null()
        ),
        share_of_voice=ibis.ifelse(tracked, s.volume / all_volume, ibis.null()),
        share_of_voice_reach=ibis.ifelse(
            tracked & (all_reach > 0), s.reach / all_reach, ibis.null()
        ),
    ).order_by(["query", *keys])


def _builder(
    name: str, column: str | None = None, *, tracked_only: bool = False, ratio_of: str | None = None
):
    """Build function for metric ``name`` from ``breakdown``'s ``column`` (or a ratio)."""
    column = column or name

    def build(ctx: MetricContext) -> ibis.Table:
        keys = list(GRAIN_KEYS[ctx.grain])
        t = breakdown(
            ctx.store,
            keys,
            ctx.filters,
            tracked_only=tracked_only,
            timezone=str(ctx.settings.get("timezone") or "UTC"),
        )
        if ratio_of is not None:
            value = ibis.ifelse(
                t.labelled > 0, t[ratio_of] / t.labelled.cast("float64"), ibis.null()
            )
        else:
            value = t[column]
        return t.select("query", *keys, **{name: value})

    return build


def _metric(
    name: str,
    title: str,
    description: str,
    formula: str,
    unit: Unit,
    source: str,
    builder,
    *,
    higher: bool = True,
) -> Metric:
    return register(
        Metric(
            name=name,
            title=title,
            description=description,
            formula=formula,
            unit=unit,
            grains=GRAINS,
            requires=("mention", "listening_match"),
            source=source,
            build=builder,
            higher_is_better=higher,
            tags=("listening",),
        )
    )


MENTION_VOLUME = _metric(
    "mention_volume",
    "Mentions",
    "How many mentions each listening query found.",
    "count(matched mentions)",
    "count",
    "Count of query matches (Brandwatch 'Volume').",
    _builder("mention_volume", "volume"),
)
MENTION_REACH = _metric(
    "mention_reach",
    "Reach-weighted mentions",
    "Mentions weighted by their audience: one post by a large account weighs more.",
    "Σ reach (else author followers)",
    "count",
    "Potential reach = sum of authors' followers (Meltwater, 'Potential reach').",
    _builder("mention_reach", "reach"),
)
NET_SENTIMENT = _metric(
    "net_sentiment",
    "Net sentiment",
    "Balance of positive over negative mentions, −1 … +1.",
    "(positive − negative) / (positive + negative)",
    "score",
    _SOURCE_NET,
    _builder("net_sentiment"),
)
POSITIVE_SHARE = _metric(
    "mention_positive_share",
    "Positive mentions",
    "Share of labelled mentions that are positive.",
    "positive / (positive + neutral + negative)",
    "fraction",
    _SOURCE_NET,
    _builder("mention_positive_share", ratio_of="positive"),
)
NEUTRAL_SHARE = _metric(
    "mention_neutral_share",
    "Neutral mentions",
    "Share of labelled mentions that are neutral.",
    "neutral / (positive + neutral + negative)",
    "fraction",
    _SOURCE_NET,
    _builder("mention_neutral_share", ratio_of="neutral"),
)
NEGATIVE_SHARE = _metric(
    "mention_negative_share",
    "Negative mentions",
    "Share of labelled mentions that are negative.",
    "negative / (positive + neutral + negative)",
    "fraction",
    _SOURCE_NET,
    _builder("mention_negative_share", ratio_of="negative"),
    higher=False,
)
SHARE_OF_VOICE = _metric(
    "share_of_voice",
    "Share of voice",
    "The brand's part of the conversation among the tracked brands and competitors.",
    "brand mentions / Σ tracked brands' mentions",
    "fraction",
    _SOURCE_SOV,
    _builder("share_of_voice", tracked_only=True),
)
SHARE_OF_VOICE_REACH = _metric(
    "share_of_voice_reach",
    "Share of voice (reach-weighted)",
    "Share of voice where each mention weighs its audience.",
    "Σ brand reach / Σ tracked brands' reach",
    "fraction",
    _SOURCE_SOV,
    _builder("share_of_voice_reach", tracked_only=True),
)


# -- ranked tables --------------------------------------------------------------------------
def top_authors(
    store: Store, query: str | None = None, filters: Filters | None = None, limit: int = 10
) -> pa.Table:
    """author_handle, mentions, reach, negative — the loudest voices (by mentions)."""
    t = matched_mentions(store, filters)
    if query is not None:
        t = t.filter(t.query == query)
    t = t.filter(t.author_handle.notnull())
    return (
        t.group_by("author_handle")
        .agg(mentions=t.count(), reach=t.reach.max(), negative=(t.sentiment == "negative").sum())
        .order_by([ibis.desc("mentions"), ibis.desc("reach"), "author_handle"])
        .limit(limit)
        .to_pyarrow()
    )


def _texts(store: Store, query: str | None, filters: Filters | None, cap: int) -> list[str]:
    t = matched_mentions(store, filters)
    if query is not None:
        t = t.filter(t.query == query)
    t = t.select("platform", "mention_id", "text").distinct().order_by("mention_id").limit(cap)
    return t.to_pyarrow().column("text").to_pylist()


def top_terms(
    store: Store,
    query: str | None = None,
    filters: Filters | None = None,
    limit: int = 20,
    *,
    cap: int = 100_000,
) -> pa.Table:
    """term, mentions — words in most matched mentions (stop words, handles and the query's
    own words dropped; counted once per mention)."""
    counts = count_terms(_texts(store, query, filters, cap), exclude=own_words(store, query))
    return pa.table(
        {
            "term": [k for k, _ in counts.most_common(limit)],
            "mentions": [v for _, v in counts.most_common(limit)],
        }
    )


def top_hashtags(
    store: Store,
    query: str | None = None,
    filters: Filters | None = None,
    limit: int = 20,
    *,
    cap: int = 100_000,
) -> pa.Table:
    """hashtag, mentions — hashtags in most matched mentions."""
    counts: Counter[str] = Counter()
    for text in _texts(store, query, filters, cap):
        counts.update({"#" + w for s, w in tokens(text) if s == "#"})
    top = counts.most_common(limit)
    return pa.table({"hashtag": [k for k, _ in top], "mentions": [v for _, v in top]})


#: tiny multilingual stop list: function words that would top every list
STOP_WORDS = frozenset(
    """
a an the and or but if of to in on at by for with from as is are was were be been being it its
this that these those i me my we our you your he she they them their his her not no so do does
did have has had will would can could just than then there here what when where who how all
any some up out about into over after before again more most very too also get got im dont cant
http https t co amp rt
và của là có không được cho với các những một này đã thì mà
و در به از که این را با است برای آن یک تا هم
的 了 是 我 你 他 她 在 有 和 就 不 也 都
""".split()
)


def own_words(store: Store, query: str | None) -> frozenset[str]:
    """The folded words of listening query ``query`` (outside NOT): they occur in every
    mention it matched by construction, so they tell nothing in term rankings."""
    if query is None:
        return frozenset()
    from .query import parse, positive_texts
    from .runner import list_queries

    row = next((q for q in list_queries(store) if q["name"] == query), None)
    if row is None:
        return frozenset()
    options = FoldOptions(bool(row["ignore_accents"]), bool(row["segment_chinese"]))
    return frozenset(
        w for t in positive_texts(parse(row["query"])) for w in t.words(options).split()
    )


def _keep(sigil: str, word: str, min_length: int, exclude: frozenset[str]) -> bool:
    return (
        sigil != "@"
        and word not in STOP_WORDS
        and len(word) >= min_length
        and not word.isdigit()
        and word not in exclude
    )


def count_terms(
    texts: Sequence[str], *, min_length: int = 2, exclude: frozenset[str] = frozenset()
) -> Counter[str]:
    """Document frequency of words (not handles, stop words, numbers or ``exclude``)."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update({w for s, w in tokens(text) if _keep(s, w, min_length, exclude)})
    return counts


def count_phrases(
    texts: Sequence[str], *, min_length: int = 2, exclude: frozenset[str] = frozenset()
) -> Counter[str]:
    """Document frequency of words and two-word phrases (``lost bag``): both words pass the
    :func:`count_terms` filter and stand next to each other. Cheap keyphrases that stay fast
    on a laptop, unlike topic models."""
    counts: Counter[str] = Counter()
    for text in texts:
        words = [w if _keep(s, w, min_length, exclude) else None for s, w in tokens(text)]
        found = {w for w in words if w}
        found.update(f"{a} {b}" for a, b in itertools.pairwise(words) if a and b and a != b)
        counts.update(found)
    return counts


def measures() -> list[Metric]:
    return [
        MENTION_VOLUME,
        MENTION_REACH,
        NET_SENTIMENT,
        POSITIVE_SHARE,
        NEUTRAL_SHARE,
        NEGATIVE_SHARE,
        SHARE_OF_VOICE,
        SHARE_OF_VOICE_REACH,
    ]


def to_rows(table: Any) -> list[dict[str, Any]]:
    return table.to_pyarrow().to_pylist() if hasattr(table, "to_pyarrow") else table.to_pylist()


__all__ = sorted(
    [
        "GRAINS",
        "MENTION_REACH",
        "MENTION_VOLUME",
        "NEGATIVE_SHARE",
        "NET_SENTIMENT",
        "NEUTRAL_SHARE",
        "POSITIVE_SHARE",
        "SHARE_OF_VOICE",
        "SHARE_OF_VOICE_REACH",
        "STOP_WORDS",
        "breakdown",
        "count_phrases",
        "count_terms",
        "measures",
        "own_words",
        "to_rows",
        "top_authors",
        "top_hashtags",
        "top_terms",
    ]
)
