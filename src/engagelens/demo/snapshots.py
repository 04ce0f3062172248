"""``content_snapshot``: lifetime counters read at the end of the window, one per post.

Own posts' counters are the generated events (the consistency the docs promise); reach and
impressions are derived so that engaged users ≤ engagement events ≤ reach ≤ impressions and
organic + paid = reach. Competitors show only public counters; reach stays null.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from .content import Posts
from .interactions import Accumulators
from .segments import K, Segments
from .world import ACCOUNTS, World
from .writer import masked, timestamps


def content_snapshot_columns(
    world: World,
    posts: Posts,
    seg: Segments,
    acc: Accumulators,
    curves: dict[int, np.ndarray],
    email: dict[int, dict[str, int]],
) -> dict[str, pa.Array]:
    rng, n = world.rng, len(posts)
    idx = np.arange(n)
    cols = {
        name: np.zeros(n)
        for name in (
            "impressions",
            "reach",
            "organic_reach",
            "paid_reach",
            "views",
            "completed_views",
            "watch_time_s",
            "avg_view_duration_s",
            "clicks",
            "link_clicks",
            "likes",
            "comments",
            "shares",
            "saves",
            "replies",
            "profile_visits",
            "follows",
            "engaged_users",
            "followers",
        )
    }
    valid = {name: np.zeros(n, dtype=bool) for name in cols}
    day = np.minimum((posts.created // 86_400).astype(np.int64), world.days - 1)
    for a_i, curve in curves.items():
        rows = posts.account == a_i
        cols["followers"][rows] = curve[day[rows]]
        valid["followers"][rows] = True

    own = seg.post_index
    c = seg.counts
    counted = {
        "likes": c[:, K["like"]] + c[:, K["reaction"]],
        "comments": c[:, K["comment"]],
        "replies": c[:, K["reply"]] + c[:, K["brand_reply"]],
        "shares": c[:, K["share"]] + c[:, K["retweet"]] + c[:, K["quote"]],
        "saves": c[:, K["save"]],
        "views": c[:, K["view"]],
        "clicks": c[:, K["click"]] + c[:, K["link_click"]],
        "link_clicks": c[:, K["link_click"]],
    }
    for name, v in counted.items():
        cols[name][own], valid[name][own] = v, True
    engaged = sum(counted[k] for k in ("likes", "comments", "replies", "shares", "saves", "clicks"))
    err = rng.lognormal("err", own, np.log(0.05), 0.5)
    reach = np.maximum(engaged, np.round(engaged / err + 0.01 * cols["followers"][own]))
    paid = posts.paid[own]
    reach = np.maximum(reach, 1)
    paid_reach = np.where(
        paid, np.clip(np.round(reach * (0.3 + 0.4 * rng.u("paid-share", own))), 1, reach), 0
    )
    extra = {
        "reach": reach,
        "paid_reach": paid_reach,
        "organic_reach": reach - paid_reach,
        "impressions": np.round(reach * (1.15 + 0.6 * rng.u("frequency", own))),
        "engaged_users": np.floor(engaged * (0.7 + 0.25 * rng.u("engaged", own))),
        "profile_visits": np.round(reach * 0.004),
        "follows": np.round(reach * 0.001),
        "completed_views": acc.completed,
        "watch_time_s": acc.watch_tenths / 10.0,
    }
    for name, v in extra.items():
        cols[name][own], valid[name][own] = v, True
    video = posts.is_video[own]
    views = counted["views"]
    cols["avg_view_duration_s"][own] = np.where(
        views > 0, acc.watch_tenths / 10.0 / np.maximum(views, 1), 0
    )
    valid["avg_view_duration_s"][own] = video & (views > 0)
    for name in ("completed_views", "watch_time_s"):
        valid[name][own] = video

    rivals = np.flatnonzero(~np.array([ACCOUNTS[a].is_own for a in posts.account]))
    if len(rivals):
        scale = world.interactions * 0.94 / max(posts.popularity[own].sum(), 1e-9)
        total = posts.popularity[rivals] * scale
        public = {"likes": 0.62, "comments": 0.03, "shares": 0.015}
        for name, share in public.items():
            cols[name][rivals] = np.round(
                total * share * rng.lognormal(f"rival-{name}", rivals, 0, 0.2)
            )
            valid[name][rivals] = True
        vid = posts.is_video[rivals]
        cols["views"][rivals] = np.round(total * 3.5) * vid
        valid["views"][rivals] = vid

    for p_i, stats in email.items():
        for name, v in stats.items():
            cols[name][p_i], valid[name][p_i] = v, True

    ints = [k for k in cols if k not in ("watch_time_s", "avg_view_duration_s")]
    platform = [ACCOUNTS[a].platform for a in posts.account]
    out = {
        "platform": pa.array(platform, pa.string()),
        "content_id": posts.content_id,
        "as_of": timestamps(world.start_us, np.full(n, world.seconds)),
    }
    for name in cols:
        typ = pa.int64() if name in ints else pa.float64()
        vals = cols[name].astype(np.int64) if name in ints else np.round(cols[name], 1)
        out[name] = masked(vals, valid[name], typ)
    del idx
    return out


__all__ = ["content_snapshot_columns"]
