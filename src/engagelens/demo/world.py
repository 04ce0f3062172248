"""The fixed cast of the demo: Lumina Coffee, three competitors, their accounts, campaigns
and incidents. Everything time-like is a fraction of the window so any ``--days`` works."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from engagelens.errors import ConfigError

from .randomness import Rng

OWN_BRAND = "Lumina Coffee"
BRANDS: tuple[str, ...] = (OWN_BRAND, "Bravo Beans", "Northwind Roasters", "Kaffa House")
SOCIAL: tuple[str, ...] = ("facebook", "instagram", "x", "youtube", "tiktok", "linkedin")
PREFIX = {
    "facebook": "fb",
    "instagram": "ig",
    "x": "x",
    "youtube": "yt",
    "tiktok": "tt",
    "linkedin": "li",
    "email": "em",
}
DOMAIN = {
    "facebook": "facebook.com",
    "instagram": "instagram.com",
    "x": "x.com",
    "youtube": "youtube.com",
    "tiktok": "tiktok.com",
    "linkedin": "linkedin.com",
    "email": "luminacoffee.example/newsletter",
}
AGENTS: tuple[str, ...] = ("Linh", "Sam", "Maryam", "Wei", "Jordan")
MIN_INTERACTIONS, MAX_INTERACTIONS = 1_000, 1_000_000_000


@dataclass(frozen=True)
class Account:
    platform: str
    slug: str
    handle: str
    brand: str
    followers: int  # followers on the first day
    post_share: float  # share of the brand's daily posts
    audience: float  # popularity multiplier of its posts

    @property
    def account_id(self) -> str:
        return f"{PREFIX[self.platform]}-{self.slug}"

    @property
    def is_own(self) -> bool:
        return self.brand == OWN_BRAND


def _a(
    platform: str, slug: str, handle: str, brand: str, followers: int, share: float, audience: float
) -> Account:
    return Account(platform, slug, handle, brand, followers, share, audience)


#: own social accounts first (their order is the ``own`` index used by the generators)
ACCOUNTS: tuple[Account, ...] = (
    _a("facebook", "lumina", "LuminaCoffee", OWN_BRAND, 48_000, 0.20, 1.0),
    _a("instagram", "lumina", "@luminacoffee", OWN_BRAND, 96_000, 0.26, 1.3),
    _a("x", "lumina", "@luminacoffee", OWN_BRAND, 21_000, 0.22, 0.6),
    _a("youtube", "lumina", "@LuminaCoffee", OWN_BRAND, 12_000, 0.05, 1.6),
    _a("tiktok", "lumina", "@lumina.coffee", OWN_BRAND, 64_000, 0.15, 1.5),
    _a("linkedin", "lumina", "Lumina Coffee Co.", OWN_BRAND, 8_000, 0.12, 0.5),
    _a("email", "lumina", "newsletter@luminacoffee.example", OWN_BRAND, 0, 0.0, 0.0),
    _a("facebook", "bravo", "BravoBeans", "Bravo Beans", 61_000, 0.30, 1.0),
    _a("instagram", "bravo", "@bravobeans", "Bravo Beans", 120_000, 0.30, 1.2),
    _a("x", "bravo", "@bravobeans", "Bravo Beans", 33_000, 0.20, 0.6),
    _a("tiktok", "bravo", "@bravo.beans", "Bravo Beans", 40_000, 0.20, 1.4),
    _a("instagram", "northwind", "@northwindroasters", "Northwind Roasters", 52_000, 0.35, 1.1),
    _a("youtube", "northwind", "@NorthwindRoasters", "Northwind Roasters", 9_000, 0.10, 1.5),
    _a("linkedin", "northwind", "Northwind Roasters", "Northwind Roasters", 7_000, 0.25, 0.5),
    _a("x", "northwind", "@northwind", "Northwind Roasters", 15_000, 0.30, 0.6),
    _a("facebook", "kaffa", "KaffaHouse", "Kaffa House", 23_000, 0.40, 0.9),
    _a("instagram", "kaffa", "@kaffahouse", "Kaffa House", 31_000, 0.35, 1.1),
    _a("tiktok", "kaffa", "@kaffa.house", "Kaffa House", 18_000, 0.25, 1.3),
)
OWN_SOCIAL: tuple[int, ...] = tuple(
    i for i, a in enumerate(ACCOUNTS) if a.is_own and a.platform != "email"
)
EMAIL_ACCOUNT = next(i for i, a in enumerate(ACCOUNTS) if a.platform == "email")


@dataclass(frozen=True)
class Campaign:
    name: str
    start: float  # fraction of the window
    end: float
    lift: float  # popularity multiplier of its posts


CAMPAIGNS: tuple[Campaign, ...] = (
    Campaign("winter-warmers", 0.00, 0.12, 1.3),
    Campaign("lunar-new-year", 0.20, 0.28, 1.5),
    Campaign("nowruz-blend", 0.38, 0.46, 1.3),
    Campaign("spring-cold-brew", 0.50, 0.62, 1.4),
    Campaign("app-launch", 0.64, 0.69, 1.2),
    Campaign("summer-iced", 0.80, 0.97, 1.5),
)

#: incidents, as (start, length) fractions of the window
OUTAGE = (0.70, 0.02)  # app outage: negative burst, complaints, NPS dip
PRICE_RISE = (0.35, 0.03)  # a competitor (Bravo Beans) raises prices
NEGATIVE_WAVE = (0.92, 0.03)  # a smaller negative wave near the end


@dataclass(frozen=True)
class World:
    """Arguments of one generation plus what follows from them."""

    interactions: int
    seed: int
    start: dt.datetime
    days: int
    hostile: bool
    rng: Rng

    @classmethod
    def make(
        cls,
        interactions: int,
        seed: int,
        start: str | dt.date | dt.datetime,
        days: int,
        hostile: bool = False,
    ) -> World:
        n = int(interactions)
        if not MIN_INTERACTIONS <= n <= MAX_INTERACTIONS:
            raise ConfigError(
                f"interactions must be between {MIN_INTERACTIONS:,} and "
                f"{MAX_INTERACTIONS:,}, not {n:,}"
            )
        if int(days) < 14:
            raise ConfigError(f"the demo needs at least 14 days, not {days}")
        return cls(n, int(seed), parse_start(start), int(days), bool(hostile), Rng(seed))

    @property
    def seconds(self) -> float:
        return self.days * 86_400.0

    @property
    def scale(self) -> float:
        """Size relative to the default 200k demo."""
        return self.interactions / 200_000

    @property
    def start_us(self) -> int:
        return int((self.start - dt.datetime(1970, 1, 1)).total_seconds()) * 1_000_000

    def campaign_at(self, t: np.ndarray) -> np.ndarray:
        """Index of the campaign running at ``t`` seconds, or -1."""
        out = np.full(np.shape(t), -1, dtype=np.int64)
        for i, c in enumerate(CAMPAIGNS):
            out[(t >= c.start * self.seconds) & (t < c.end * self.seconds)] = i
        return out

    def within(self, t: np.ndarray, window: tuple[float, float]) -> np.ndarray:
        a = window[0] * self.seconds
        return (t >= a) & (t < a + window[1] * self.seconds)


def parse_start(value: str | dt.date | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None, hour=0, minute=0, second=0, microsecond=0)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    try:
        d = dt.date.fromisoformat(str(value))
    except ValueError:
        raise ConfigError(f"--start must be a date such as 2026-01-01, not {value!r}") from None
    return dt.datetime(d.year, d.month, d.day)


__all__ = sorted(
    [
        "ACCOUNTS",
        "AGENTS",
        "Account",
        "BRANDS",
        "CAMPAIGNS",
        "Campaign",
        "DOMAIN",
        "EMAIL_ACCOUNT",
        "MAX_INTERACTIONS",
        "MIN_INTERACTIONS",
        "NEGATIVE_WAVE",
        "OUTAGE",
        "OWN_BRAND",
        "OWN_SOCIAL",
        "PREFIX",
        "PRICE_RISE",
        "SOCIAL",
        "World",
        "parse_start",
    ]
)
