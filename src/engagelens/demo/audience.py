"""``account`` and ``account_snapshot``: follower curves.

Own curves are the running sum of the generated follow and unfollow events (so the curve and
the events agree day by day); competitors, whose events we cannot see, grow smoothly with
noise, and Bravo Beans loses followers after its price rise.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

from .world import ACCOUNTS, OWN_SOCIAL, PRICE_RISE, World


def follower_curves(world: World, net_follows: np.ndarray) -> dict[int, np.ndarray]:
    """Account index -> followers on each day of the window (social accounts only)."""
    rng = world.rng
    days = np.arange(world.days)
    curves: dict[int, np.ndarray] = {}
    for pos, a_i in enumerate(OWN_SOCIAL):
        curves[a_i] = ACCOUNTS[a_i].followers + np.cumsum(net_follows[pos]).astype(np.int64)
    for a_i, a in enumerate(ACCOUNTS):
        if a.is_own:
            continue
        growth = (
            a.followers * (0.04 + 0.10 * rng.u("rival-growth", np.array([a_i]))[0]) / world.days
        )
        noise = rng.normal(f"rival-noise-{a_i}", days) * max(1.0, growth)
        inc = growth + noise
        if a.brand == "Bravo Beans":
            hit = world.within(days * 86_400.0, PRICE_RISE)
            inc = np.where(hit, -3 * abs(growth) - abs(noise), inc)
        curves[a_i] = np.maximum(a.followers + np.cumsum(np.round(inc)).astype(np.int64), 0)
    return curves


def account_columns(curves: dict[int, np.ndarray], subscribers: int) -> dict[str, pa.Array]:
    return {
        "platform": pa.array([a.platform for a in ACCOUNTS], pa.string()),
        "account_id": pa.array([a.account_id for a in ACCOUNTS], pa.string()),
        "handle": pa.array([a.handle for a in ACCOUNTS], pa.string()),
        "name": pa.array([a.brand for a in ACCOUNTS], pa.string()),
        "brand": pa.array([a.brand for a in ACCOUNTS], pa.string()),
        "is_own": pa.array([a.is_own for a in ACCOUNTS], pa.bool_()),
        "is_competitor": pa.array([not a.is_own for a in ACCOUNTS], pa.bool_()),
        "followers": pa.array(
            [int(curves[i][-1]) if i in curves else subscribers for i in range(len(ACCOUNTS))],
            pa.int64(),
        ),
    }


def account_snapshot_columns(
    world: World, curves: dict[int, np.ndarray], posts_per_day: dict[int, np.ndarray]
) -> dict[str, pa.Array]:
    """One row per social account and day."""
    rows = sorted(curves)
    n = world.days
    first = (world.start.date() - dt.date(1970, 1, 1)).days
    return {
        "platform": pa.array([ACCOUNTS[a].platform for a in rows for _ in range(n)], pa.string()),
        "account_id": pa.array(
            [ACCOUNTS[a].account_id for a in rows for _ in range(n)], pa.string()
        ),
        "date": pa.array(
            np.tile(np.arange(first, first + n, dtype=np.int32), len(rows)), pa.date32()
        ),
        "followers": pa.array(np.concatenate([curves[a] for a in rows]), pa.int64()),
        "following": pa.array(
            np.concatenate([np.full(n, 150 + 40 * (a % 5)) for a in rows]), pa.int64()
        ),
        "posts": pa.array(np.concatenate([np.cumsum(posts_per_day[a]) for a in rows]), pa.int64()),
    }


__all__ = sorted(["account_columns", "account_snapshot_columns", "follower_curves"])
