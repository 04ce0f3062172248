"""``email_event``: every send goes to every subscriber who has not unsubscribed yet; each
recipient then follows the funnel sent → delivered or bounce → open → click / unsubscribe
(complaints come from delivered mails nobody opened). Events after the window are not seen."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa

from .content import Posts, email_sends
from .world import EMAIL_ACCOUNT, World
from .writer import ids, take, timestamps

KINDS = ("sent", "delivered", "bounce", "open", "click", "unsubscribe", "complaint")


def recipient_count(world: World) -> int:
    return max(50, world.interactions // 250)


def email_blocks(
    world: World, posts: Posts, stats: dict[int, dict[str, int]]
) -> Iterator[dict[str, pa.Array]]:
    """One block of rows per send; fills ``stats`` (content row -> snapshot counters)."""
    rng, n = world.rng, recipient_count(world)
    sends = email_sends(world)
    r = np.arange(n, dtype=np.int64)
    propensity = rng.lognormal("e-propensity", r, -0.18, 0.6)
    active = np.ones(n, dtype=bool)
    email_rows = np.flatnonzero(posts.account == EMAIL_ACCOUNT)
    width = len(str(len(sends) * n * len(KINDS)))
    for s_i, (when, name, campaign) in enumerate(sends):
        who = r[active]
        g = s_i * n + who
        sent = when + 1800 * rng.u("e-sent", g)
        bounce = rng.u("e-bounce", g) < 0.02
        delivered_t = sent + 1 + 59 * rng.u("e-deliver", g)
        p_open = np.clip(0.24 * propensity[who] * (1.1 if campaign >= 0 else 1.0), 0, 0.9)
        opened = ~bounce & (rng.u("e-open", g) < p_open)
        open_t = delivered_t + rng.lognormal("e-open-t", g, np.log(3 * 3600), 1.2)
        clicked = opened & (rng.u("e-click", g) < 0.18)
        click_t = open_t + 5 + 295 * rng.u("e-click-t", g)
        unsub = opened & (rng.u("e-unsub", g) < 0.01)
        unsub_t = open_t + 10 + 590 * rng.u("e-unsub-t", g)
        complaint = ~bounce & ~opened & (rng.u("e-complaint", g) < 0.001)
        complaint_t = delivered_t + rng.lognormal("e-complaint-t", g, np.log(6 * 3600), 1.0)
        end = world.seconds
        parts = [
            (0, np.ones(len(who), bool), sent),
            (1, ~bounce, delivered_t),
            (2, bounce, delivered_t),
            (3, opened & (open_t < end), open_t),
            (4, clicked & (click_t < end) & (open_t < end), click_t),
            (5, unsub & (unsub_t < end) & (open_t < end), unsub_t),
            (6, complaint & (complaint_t < end), complaint_t),
        ]
        kind = np.concatenate([np.full(m.sum(), k) for k, m, _ in parts])
        rec = np.concatenate([who[m] for _, m, _ in parts])
        t = np.concatenate([tt[m] for _, m, tt in parts])
        order = np.lexsort((kind, rec))
        kind, rec, t = kind[order], rec[order], t[order]
        active[who[unsub & (unsub_t < end) & (open_t < end)]] = False
        p_i = int(email_rows[s_i])
        stats[p_i] = {
            "reach": int((~bounce).sum()),
            "clicks": int((kind == 4).sum()),
            "link_clicks": int((kind == 4).sum()),
        }
        yield {
            "event_id": ids("e", (s_i * n + rec) * len(KINDS) + kind, width),
            "campaign": pa.array([name] * len(kind), pa.string()),
            "recipient_id": ids("r", rec, 7),
            "kind": take(list(KINDS), kind),
            "occurred_at": timestamps(world.start_us, t),
            "url": take(
                [f"https://luminacoffee.example/{name}"], np.zeros(len(kind), np.int64), kind == 4
            ),
        }


__all__ = ["KINDS", "email_blocks", "recipient_count"]
