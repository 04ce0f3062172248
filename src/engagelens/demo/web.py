"""``web_session`` and ``conversion``: site visits with UTM fields, and the orders some of them
end in. A conversion always belongs to a non-bounced session and copies its campaign and UTM
fields; customers come from a small pool so some of them order again."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from .content import Posts
from .world import ACCOUNTS, CAMPAIGNS, World
from .writer import ids, take, timestamps

#: (source, medium, weight); social sources are platforms with own accounts
SOURCES: tuple[tuple[str, str, float], ...] = (
    ("google", "organic", 0.30),
    ("(direct)", "(none)", 0.18),
    ("facebook", "social", 0.08),
    ("instagram", "social", 0.10),
    ("tiktok", "social", 0.06),
    ("x", "social", 0.03),
    ("youtube", "social", 0.02),
    ("linkedin", "social", 0.01),
    ("newsletter", "email", 0.08),
    ("google", "cpc", 0.08),
    ("bing", "organic", 0.03),
    ("coffeeblog.example", "referral", 0.03),
)
PAGES = ("/", "/menu", "/shop/beans", "/app", "/stores", "/campaigns")
#: conversion probability of a visit that did not bounce, and its lifts
CONVERSION_RATE, CAMPAIGN_LIFT, EMAIL_LIFT = 0.026, 1.6, 1.3
DEVICES = ("mobile", "desktop", "tablet")


def session_count(world: World) -> int:
    return max(100, world.interactions // 8)


class WebBuilder:
    def __init__(self, world: World, posts: Posts) -> None:
        self.w, self.posts = world, posts
        self.width = max(8, len(str(session_count(world))))
        self.campaigns = pa.array([c.name for c in CAMPAIGNS], pa.string())
        # own posts per social platform, by publish time, for utm_content
        self.by_platform: dict[int, np.ndarray] = {}
        for s_i, (src, medium, _) in enumerate(SOURCES):
            if medium == "social":
                rows = np.flatnonzero(
                    posts.own & np.array([ACCOUNTS[a].platform == src for a in posts.account])
                )
                self.by_platform[s_i] = rows[np.argsort(posts.created[rows], kind="stable")]

    def block(self, a: int, b: int) -> tuple[dict[str, pa.Array], dict[str, pa.Array]]:
        w, rng = self.w, self.w.rng
        i = np.arange(a, b, dtype=np.int64)
        t = w.seconds * rng.u("w-time", i) * 0.9995
        src = rng.choice("w-source", i, np.array([s[2] for s in SOURCES]))
        medium = np.array([s[1] for s in SOURCES])[src]
        campaign = w.campaign_at(t)
        tracked = np.isin(medium, ["social", "email", "cpc"])
        campaign = np.where(tracked & (rng.u("w-campaign", i) < 0.7), campaign, -1)
        bounced = rng.u("w-bounce", i) < np.where(medium == "email", 0.30, 0.42)
        pageviews = np.where(bounced, 1, 2 + np.floor(rng.exponential("w-pages", i, 2.5))).astype(
            np.int64
        )
        duration = np.where(
            bounced,
            np.round(5 + 25 * rng.u("w-dur", i), 1),
            np.round(pageviews * rng.lognormal("w-dur", i, np.log(45), 0.6), 1),
        )
        page = np.where(campaign >= 0, len(PAGES) - 1, rng.below("w-page", i, len(PAGES) - 1))
        n_visitors = max(50, int(session_count(w) * 0.6))
        visitor = (n_visitors * rng.u("w-visitor", i) ** 1.5).astype(np.int64)
        p_conv = (
            CONVERSION_RATE
            * np.where(campaign >= 0, CAMPAIGN_LIFT, 1.0)
            * np.where(medium == "email", EMAIL_LIFT, 1.0)
        )
        converted = ~bounced & (rng.u("w-convert", i) < p_conv)
        sid = ids("w", i + 1, self.width)
        src_names = pa.array([s[0] for s in SOURCES], pa.string())
        med_names = pa.array([s[1] for s in SOURCES], pa.string())
        camp = take(self.campaigns, np.maximum(campaign, 0), campaign >= 0)
        sessions = {
            "session_id": sid,
            "visitor_id": ids("v", visitor, max(7, len(str(n_visitors - 1)))),
            "started_at": timestamps(w.start_us, t),
            "duration_s": pa.array(duration, pa.float64()),
            "pageviews": pa.array(pageviews, pa.int64()),
            "bounced": pa.array(bounced, pa.bool_()),
            "source": take(src_names, src),
            "medium": take(med_names, src),
            "campaign": camp,
            "landing_page": take(list(PAGES), page),
            "device": take(list(DEVICES), rng.choice("w-device", i, np.array([0.62, 0.33, 0.05]))),
        }
        c = np.flatnonzero(converted)
        ci = i[c]
        post = np.full(len(c), -1, dtype=np.int64)
        for s_i, rows in self.by_platform.items():
            sel = src[c] == s_i
            if not sel.any() or not len(rows):
                continue
            before = np.searchsorted(self.posts.created[rows], t[c][sel])
            back = np.floor(rng.u("w-post", ci[sel]) ** 3 * before).astype(np.int64)
            post[sel] = np.where(before > 0, rows[np.maximum(before - 1 - back, 0)], -1)
        n_customers = max(20, session_count(w) // 100)
        cust = (n_customers * rng.u("w-customer", ci) ** 2).astype(np.int64)
        value = np.round(rng.lognormal("w-value", ci, np.log(16), 0.5), 2)
        occurred = t[c] + duration[c] * (0.5 + 0.5 * rng.u("w-when", ci))
        content = take(self.posts.content_id, np.maximum(post, 0), post >= 0)
        conversions = {
            "conversion_id": ids("o", ci + 1, self.width),
            "session_id": sid.take(pa.array(c)),
            "customer_id": ids("c", cust, 7),
            "occurred_at": timestamps(w.start_us, occurred),
            "value": pa.array(value, pa.float64()),
            "currency": pa.array(["USD"] * len(c), pa.string()),
            "campaign": camp.take(pa.array(c)),
            "utm_source": take(src_names, src[c]),
            "utm_medium": take(med_names, src[c]),
            "utm_campaign": camp.take(pa.array(c)),
            "utm_content": content,
            "content_id": content,
        }
        return sessions, conversions


__all__ = sorted(
    [
        "CAMPAIGN_LIFT",
        "CONVERSION_RATE",
        "DEVICES",
        "EMAIL_LIFT",
        "PAGES",
        "SOURCES",
        "WebBuilder",
        "session_count",
    ]
)
