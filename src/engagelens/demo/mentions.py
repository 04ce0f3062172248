"""``mention``: public posts naming one of the four brands, on ten platforms.

A steady baseline (Lumina Coffee most talked about) plus three bursts: the app outage
(negative, about Lumina), Bravo Beans' price rise, and a smaller negative wave near the end.
Every text names its brand verbatim so listening queries on the brand names match.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import texts as T
from .world import BRANDS, NEGATIVE_WAVE, OUTAGE, PRICE_RISE, World
from .writer import ids, masked, plain_take, take, timestamps

PLATFORMS = (
    "x",
    "facebook",
    "instagram",
    "tiktok",
    "youtube",
    "reddit",
    "forum",
    "news",
    "blog",
    "review",
)
PLATFORM_MIX = np.array([0.30, 0.12, 0.12, 0.10, 0.06, 0.10, 0.05, 0.05, 0.05, 0.05])
BRAND_MIX = np.array([0.45, 0.22, 0.18, 0.15])
LANG_MIX = np.array([0.55, 0.17, 0.12, 0.16])
BASE_MOOD = np.array([0.45, 0.40, 0.15, 0, 0])  # positive, neutral, negative, outage, price
LABEL = np.array([0, 1, 2, 2, 2])  # category -> sentiment label
SENTIMENTS = ("positive", "neutral", "negative")
CITIES = ("Ho Chi Minh City", "Hanoi", "Tehran", "Shanghai", "London", "New York", "Toronto")
DOMAINS = (
    "x.com",
    "facebook.com",
    "instagram.com",
    "tiktok.com",
    "youtube.com",
    "reddit.com",
    "coffeeforum.example",
    "news.example",
    "blog.example",
    "reviews.example",
)


def mention_count(world: World) -> int:
    return max(40, world.interactions // 25)


class MentionBuilder:
    def __init__(self, world: World) -> None:
        self.w = world
        self.bank = T.mention_bank(BRANDS)
        self.width = max(8, len(str(mention_count(world))))
        self.urls = pa.array([f"https://{d}/" for d in DOMAINS], pa.string())

    def block(self, a: int, b: int) -> dict[str, pa.Array]:
        w, rng = self.w, self.w.rng
        i = np.arange(a, b, dtype=np.int64)
        brand = rng.choice("m-brand", i, BRAND_MIX)
        t = w.seconds * rng.u("m-time", i)
        cat = rng.choice("m-mood", i, BASE_MOOD)
        burst = rng.u("m-burst", i)
        day = 86_400.0
        for who, share, window, mood, scale in (
            (0, 0.12, OUTAGE, 3, 0.35 * day),
            (0, 0.04, NEGATIVE_WAVE, 2, 1.5 * day),
            (1, 0.15, PRICE_RISE, 4, 1.0 * day),
        ):
            hit = (brand == who) & (burst < share)
            burst = np.where(hit, 2.0, burst - share)  # each mention joins at most one burst
            t = np.where(hit, window[0] * w.seconds + rng.exponential("m-burst-time", i, scale), t)
            cat = np.where(hit, mood, cat)
        t = np.minimum(t, w.seconds - 1.0)
        lang = rng.choice("m-lang", i, LANG_MIX)
        group = (brand * len(T.LANGS) + lang) * len(T.MENTION_CATEGORIES) + cat
        text = self.bank.pick(group, rng.u("m-text", i))
        label = np.where(rng.u("m-label-noise", i) < 0.9, LABEL[cat], 1)
        platform = rng.choice("m-platform", i, PLATFORM_MIX)
        authors = max(50, mention_count(w) // 3)
        author = (authors * rng.u("m-author", i) ** 2).astype(np.int64)
        digits = len(str(authors - 1))  # wide enough that two authors never share an id
        followers = np.round(
            rng.lognormal("m-followers", author, 6.0, 1.8)
            * np.where(platform == PLATFORMS.index("news"), 20, 1)
        ).astype(np.int64)
        reach = np.round(followers * (0.05 + 0.3 * rng.u("m-reach", i))).astype(np.int64) + 1
        likes = np.round(reach * 0.03 * rng.u("m-likes", i)).astype(np.int64)
        shares = np.round(likes * 0.15 * rng.u("m-shares", i)).astype(np.int64)
        mid = ids("m", i + 1, self.width)
        return {
            "platform": take(list(PLATFORMS), platform),
            "mention_id": mid,
            "author_id": ids("a", author, max(7, digits)),
            "author_handle": ids("@fan", author, max(6, digits)),
            "author_followers": pa.array(followers, pa.int64()),
            "created_at": timestamps(w.start_us, t),
            "text": take(self.bank.texts, text),
            "url": pc.binary_join_element_wise(plain_take(self.urls, platform), mid, ""),
            "language": take(list(T.LANGS), lang, rng.u("m-has-lang", i) < 0.5),
            "sentiment": take(list(SENTIMENTS), label, rng.u("m-has-label", i) < 0.45),
            "reach": pa.array(reach, pa.int64()),
            "likes": pa.array(likes, pa.int64()),
            "shares": masked(shares, platform != PLATFORMS.index("review"), pa.int64()),
            "location": take(
                list(CITIES), rng.below("m-city", i, len(CITIES)), rng.u("m-has-city", i) < 0.3
            ),
        }


__all__ = sorted(["MentionBuilder", "PLATFORMS", "mention_count"])
