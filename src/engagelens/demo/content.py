"""Posts of every brand: when, in which format, for which campaign, and how popular.

Popularity is what makes engagement heavy-tailed: a lognormal body (most posts are modest)
times a Pareto boost for 2 % of posts (the viral few), times format, campaign and paid lifts.
Own posts' interactions are split in proportion to it (see ``segments``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from .texts import en as en_texts
from .world import ACCOUNTS, CAMPAIGNS, DOMAIN, EMAIL_ACCOUNT, PREFIX, World
from .writer import masked, take, timestamps

FORMATS: tuple[str, ...] = (
    "post",
    "photo",
    "video",
    "reel",
    "story",
    "short",
    "tweet",
    "article",
    "link",
    "ad",
    "carousel",
    "document",
    "live",
    "email",
)
_F = {f: i for i, f in enumerate(FORMATS)}
#: platform -> {format: probability}
FORMAT_MIX: dict[str, dict[str, float]] = {
    "facebook": {
        "post": 0.25,
        "photo": 0.30,
        "video": 0.14,
        "reel": 0.10,
        "link": 0.10,
        "live": 0.03,
        "ad": 0.08,
    },
    "instagram": {"photo": 0.33, "carousel": 0.25, "reel": 0.30, "story": 0.06, "ad": 0.06},
    "x": {"tweet": 0.78, "video": 0.10, "link": 0.12},
    "youtube": {"video": 0.60, "short": 0.35, "live": 0.05},
    "tiktok": {"video": 0.97, "live": 0.03},
    "linkedin": {"post": 0.40, "article": 0.15, "document": 0.15, "video": 0.15, "carousel": 0.15},
}
#: video formats and their (min, max) length in seconds
DURATION: dict[str, tuple[float, float]] = {
    "video": (30, 600),
    "reel": (8, 60),
    "short": (10, 59),
    "live": (600, 3600),
}
LIFT: dict[str, float] = {
    "reel": 1.6,
    "video": 1.3,
    "short": 1.4,
    "carousel": 1.2,
    "link": 0.6,
    "article": 0.7,
    "document": 0.8,
    "live": 0.9,
    "story": 0.5,
}
VIRAL_SHARE = 0.02
#: language of the audience (comments, DMs), per platform (en, vi, fa, zh)
LANGUAGE_MIX: dict[str, tuple[float, float, float, float]] = {
    "facebook": (0.40, 0.32, 0.12, 0.16),
    "instagram": (0.45, 0.22, 0.18, 0.15),
    "x": (0.62, 0.10, 0.14, 0.14),
    "youtube": (0.50, 0.20, 0.12, 0.18),
    "tiktok": (0.38, 0.30, 0.12, 0.20),
    "linkedin": (0.80, 0.08, 0.06, 0.06),
    "email": (1.0, 0, 0, 0),
}


@dataclass(frozen=True)
class Posts:
    """Columns of the content table as numpy arrays (index = position in the table)."""

    account: np.ndarray  # index into ACCOUNTS
    created: np.ndarray  # seconds since the window start
    fmt: np.ndarray  # index into FORMATS
    duration: np.ndarray  # seconds (NaN when not a video)
    paid: np.ndarray
    campaign: np.ndarray  # index into CAMPAIGNS or -1
    popularity: np.ndarray
    content_id: pa.Array

    def __len__(self) -> int:
        return len(self.account)

    @property
    def own(self) -> np.ndarray:
        """Own social posts (the ones that receive interaction events)."""
        own = np.array([a.is_own and a.platform != "email" for a in ACCOUNTS])
        return own[self.account]

    @property
    def is_video(self) -> np.ndarray:
        return ~np.isnan(self.duration)


def _per_account(world: World) -> list[tuple[int, int]]:
    """(account index, number of posts) for every social account; emails come separately."""
    own_per_day = 5.0 * world.scale**0.25
    rival_per_day = 3.1 * world.scale**0.25
    out = []
    for i, a in enumerate(ACCOUNTS):
        if a.platform == "email":
            continue
        rate = own_per_day if a.is_own else rival_per_day
        out.append((i, max(3, round(rate * a.post_share * world.days))))
    return out


def email_sends(world: World) -> list[tuple[float, str, int]]:
    """(send time in seconds, campaign name, campaign index or -1): a weekly newsletter on
    Tuesdays 09:00 plus one promotion per campaign, on its second day at 10:00."""
    sends = []
    first_tuesday = (1 - world.start.weekday()) % 7
    for k, day in enumerate(range(first_tuesday, world.days, 7)):
        sends.append((day * 86_400.0 + 9 * 3600, f"newsletter-{k + 1:02d}", -1))
    for c_i, c in enumerate(CAMPAIGNS):
        day = int(c.start * world.days) + 1
        if day < world.days:
            sends.append((day * 86_400.0 + 10 * 3600, f"{c.name}-promo", c_i))
    return sorted(sends)


def build_posts(world: World) -> Posts:
    rng, secs = world.rng, world.seconds
    acc_l, created_l = [], []
    for i, n in _per_account(world):
        slot = (np.arange(n) + 0.1 + 0.8 * rng.u(f"post-time-{i}", np.arange(n))) * secs / n
        acc_l.append(np.full(n, i))
        created_l.append(slot)
    sends = email_sends(world)
    acc = np.concatenate([*acc_l, np.full(len(sends), EMAIL_ACCOUNT)])
    created = np.concatenate([*created_l, np.array([s[0] for s in sends])])
    idx = np.arange(len(acc))
    platform = np.array([ACCOUNTS[a].platform for a in acc])
    fmt = np.full(len(acc), _F["email"])
    for p, mix in FORMAT_MIX.items():
        rows = platform == p
        names = list(mix)
        fmt[rows] = [
            _F[names[k]] for k in rng.choice("format", idx[rows], np.array(list(mix.values())))
        ]
    duration = np.full(len(acc), np.nan)
    for name, (lo, hi) in DURATION.items():
        rows = fmt == _F[name]
        length = lo + (hi - lo) * rng.u("duration", idx[rows]) ** 2
        duration[rows] = np.round(length, 1)
    campaign = world.campaign_at(created)
    in_campaign = campaign >= 0
    campaign = np.where(in_campaign & (rng.u("campaign", idx) < 0.55), campaign, -1)
    email_rows = acc == EMAIL_ACCOUNT
    campaign[email_rows] = [s[2] for s in sends]
    paid = (rng.u("paid", idx) < np.where(campaign >= 0, 0.25, 0.07)) | (fmt == _F["ad"])
    paid &= ~email_rows
    body = rng.lognormal("popularity", idx, 0.0, 1.0)
    viral = rng.u("viral", idx) < VIRAL_SHARE
    boost = np.minimum(8.0 * (1.0 - rng.u("viral-size", idx)) ** (-1 / 1.1), 400.0)
    lift = np.array([LIFT.get(f, 1.0) for f in FORMATS])[fmt]
    camp_lift = np.where(
        campaign >= 0, np.array([c.lift for c in CAMPAIGNS] + [1.0])[campaign], 1.0
    )
    audience = np.array([a.audience for a in ACCOUNTS])[acc]
    popularity = (
        body * np.where(viral, boost, 1.0) * lift * camp_lift * np.where(paid, 1.8, 1.0) * audience
    )
    content_id = pa.array(
        [f"{PREFIX[p]}-{i + 1:07d}" for p, i in zip(platform, idx, strict=True)], pa.string()
    )
    return Posts(acc, created, fmt, duration, paid, campaign, popularity, content_id)


def content_columns(world: World, posts: Posts) -> dict[str, pa.Array]:
    """The ``content`` table."""
    rng = world.rng
    idx = np.arange(len(posts))
    platform = np.array([ACCOUNTS[a].platform for a in posts.account])
    handles = [ACCOUNTS[a].handle.lstrip("@").replace(" ", "") for a in posts.account]
    cid = posts.content_id.to_pylist()
    url = [f"https://{DOMAIN[p]}/{h}/{c}" for p, h, c in zip(platform, handles, cid, strict=True)]
    caption = rng.below("caption", idx, len(en_texts.CAPTIONS))
    camp_names = [c.name for c in CAMPAIGNS]
    text, tags = [], []
    for k in range(len(posts)):
        c = posts.campaign[k]
        tag = [
            "luminacoffee"
            if ACCOUNTS[posts.account[k]].is_own
            else ACCOUNTS[posts.account[k]].brand.lower().replace(" ", "")
        ]
        if c >= 0:
            tag.append(camp_names[c].replace("-", ""))
        tags.append(" ".join(tag))
        text.append(en_texts.CAPTIONS[caption[k]] + " " + " ".join("#" + t for t in tag))
    return {
        "platform": pa.array(platform.tolist(), pa.string()),
        "content_id": posts.content_id,
        "account_id": pa.array([ACCOUNTS[a].account_id for a in posts.account], pa.string()),
        "created_at": timestamps(world.start_us, posts.created),
        "kind": take(list(FORMATS), posts.fmt),
        "text": pa.array(text, pa.string()),
        "url": pa.array(url, pa.string()),
        "campaign": take(camp_names, np.maximum(posts.campaign, 0), posts.campaign >= 0),
        "hashtags": pa.array(tags, pa.string()),
        "duration_s": masked(np.nan_to_num(posts.duration), posts.is_video, pa.float64()),
        "questions": pa.nulls(len(posts), pa.int64()),  # the demo publishes no quizzes
        "paid": pa.array(posts.paid, pa.bool_()),
        "spend": masked(
            np.round(rng.lognormal("spend", idx, np.log(120), 0.8), 2), posts.paid, pa.float64()
        ),
        "language": pa.array(["en"] * len(posts), pa.string()),  # captions are English
    }


__all__ = sorted(
    [
        "DURATION",
        "FORMATS",
        "FORMAT_MIX",
        "LANGUAGE_MIX",
        "Posts",
        "VIRAL_SHARE",
        "build_posts",
        "content_columns",
        "email_sends",
    ]
)
