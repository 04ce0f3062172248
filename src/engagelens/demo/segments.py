"""How the N interaction events are laid out: one block per own post, split by kind, then the
account-level events.

Why blocks: an event's kind, its post and (for replies) its parent comment are then plain
arithmetic on its row index, so any chunk of rows can be generated without the others and the
totals add up to exactly N. Counts per post are proportional to popularity (largest remainder),
counts per kind to the platform's ratios per like.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .content import FORMATS, Posts
from .randomness import allocate, allocate_rows
from .world import ACCOUNTS, World

#: kinds of post events, in block order; brand_reply is stored as kind "reply", is_brand true
POST_KINDS: tuple[str, ...] = (
    "like",
    "reaction",
    "comment",
    "reply",
    "brand_reply",
    "share",
    "retweet",
    "quote",
    "save",
    "view",
    "click",
    "link_click",
)
K = {k: i for i, k in enumerate(POST_KINDS)}
#: per platform: events per like (the "like" column is like or reaction); views only on videos
RATIOS: dict[str, dict[str, float]] = {
    "facebook": {"reaction": 1, "comment": 0.05, "share": 0.015, "click": 0.03, "view": 4},
    "instagram": {"like": 1, "comment": 0.04, "share": 0.02, "save": 0.05, "view": 3},
    "x": {"like": 1, "comment": 0.045, "retweet": 0.06, "quote": 0.01, "view": 6},
    "youtube": {"like": 1, "comment": 0.05, "share": 0.01, "save": 0.01, "view": 18},
    "tiktok": {"like": 1, "comment": 0.03, "share": 0.015, "save": 0.03, "view": 9},
    "linkedin": {"reaction": 1, "comment": 0.06, "share": 0.03, "click": 0.05, "view": 3},
}
LINK_CLICKS = 0.05  # link_click per like on link posts and ads
USER_REPLIES = 0.25  # user replies per comment
#: share of comments the brand answers, per platform (docs: 10–50 %)
BRAND_REPLIES: dict[str, float] = {
    "facebook": 0.30,
    "instagram": 0.20,
    "x": 0.42,
    "youtube": 0.12,
    "tiktok": 0.14,
    "linkedin": 0.48,
}

ACCOUNT_KINDS: tuple[str, ...] = (
    "follow",
    "unfollow",
    "profile_visit",
    "mention",
    "tag",
    "dm",
    "dm_reply",
)
ACCOUNT_MIX = np.array([0.50, 0.10, 0.20, 0.06, 0.04, 0.06, 0.04])
ACCOUNT_FRACTION = 0.06


@dataclass(frozen=True)
class Segments:
    n_post_events: int
    post_index: np.ndarray  # own post slot -> index into Posts
    start: np.ndarray  # own post slot -> first event row (len = slots + 1)
    counts: np.ndarray  # (slots, len(POST_KINDS))
    kend: np.ndarray  # (slots, kinds) inclusive cumulative counts within the post
    answer_shift: np.ndarray  # (slots,) spreads brand replies over a post's comments
    account_counts: np.ndarray
    account_start: np.ndarray  # len(ACCOUNT_KINDS) + 1, relative to n_post_events

    def kstart(self, kind: str) -> np.ndarray:
        k = K[kind]
        return self.kend[:, k] - self.counts[:, k]


def build_segments(world: World, posts: Posts) -> Segments:
    rng, n = world.rng, world.interactions
    own = np.flatnonzero(posts.own)
    n_account = max(len(ACCOUNT_KINDS), round(n * ACCOUNT_FRACTION))
    n_post = n - n_account
    totals = allocate(n_post, posts.popularity[own], rng.u("post-jitter", own))
    ratios = np.zeros((len(own), len(POST_KINDS)))
    fmt = np.array(FORMATS)[posts.fmt[own]]
    platforms = np.array([ACCOUNTS[a].platform for a in posts.account[own]])
    for p, mix in RATIOS.items():
        rows = platforms == p
        for kind, share in mix.items():
            ratios[rows, K[kind]] = share
        ratios[rows, K["reply"]] = mix["comment"] * USER_REPLIES
        ratios[rows, K["brand_reply"]] = mix["comment"] * BRAND_REPLIES[p]
    ratios[~posts.is_video[own], K["view"]] = 0.0
    ratios[np.isin(fmt, ["link", "ad"]), K["link_click"]] = LINK_CLICKS
    jitter = rng.u("kind-jitter", (own[:, None] * 16 + np.arange(len(POST_KINDS))).ravel())
    counts = allocate_rows(totals, ratios, jitter.reshape(ratios.shape))
    c, r, b = (counts[:, K[k]] for k in ("comment", "reply", "brand_reply"))
    lonely = c == 0  # replies need a comment to answer
    c[lonely] += r[lonely] + b[lonely]
    r[lonely] = 0
    b[lonely] = 0
    over = np.maximum(b - c, 0)  # at most one brand reply per comment
    b -= over
    c += over
    counts[:, K["comment"]], counts[:, K["reply"]], counts[:, K["brand_reply"]] = c, r, b
    start = np.concatenate([[0], np.cumsum(totals)])
    acc_counts = allocate(n_account, ACCOUNT_MIX)
    dm, dm_reply = acc_counts[5], acc_counts[6]
    if dm == 0:
        acc_counts[5], acc_counts[6] = dm_reply, 0
    elif dm_reply > dm:  # swap: never more brand answers than DMs
        acc_counts[5], acc_counts[6] = dm_reply, dm
    return Segments(
        n_post,
        own,
        start,
        counts,
        np.cumsum(counts, axis=1),
        rng.u("answer-shift", own),
        acc_counts,
        np.concatenate([[0], np.cumsum(acc_counts)]),
    )


__all__ = sorted(
    [
        "ACCOUNT_FRACTION",
        "ACCOUNT_KINDS",
        "ACCOUNT_MIX",
        "BRAND_REPLIES",
        "K",
        "LINK_CLICKS",
        "POST_KINDS",
        "RATIOS",
        "Segments",
        "USER_REPLIES",
        "build_segments",
    ]
)
