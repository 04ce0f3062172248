"""``survey_response``: NPS answers (0–10), with a dip during the app outage."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from . import texts as T
from .world import OUTAGE, World
from .writer import ids, take, timestamps

NORMAL = np.array([0.48, 0.30, 0.22])  # promoter, passive, detractor
OUTAGE_MIX = np.array([0.20, 0.25, 0.55])
DETRACTOR_SCORES = np.array([0.03, 0.03, 0.05, 0.07, 0.10, 0.30, 0.42])  # 0..6
OUTAGE_SHARE = 0.08  # answers sent in the weeks after the outage


def survey_count(world: World) -> int:
    return max(20, world.interactions // 500)


def survey_columns(world: World) -> dict[str, pa.Array]:
    rng, n = world.rng, survey_count(world)
    i = np.arange(n, dtype=np.int64)
    t = world.seconds * rng.u("s-time", i)
    in_outage = rng.u("s-outage", i) < OUTAGE_SHARE
    t = np.where(
        in_outage,
        OUTAGE[0] * world.seconds + rng.u("s-outage-time", i) * 3 * OUTAGE[1] * world.seconds,
        t,
    )
    group = np.where(
        in_outage, rng.choice("s-group-outage", i, OUTAGE_MIX), rng.choice("s-group", i, NORMAL)
    )
    top = rng.u("s-score", i) < 0.5
    score = np.select(
        [group == 0, group == 1],
        [np.where(top, 10, 9), np.where(top, 8, 7)],
        rng.choice("s-detractor", i, DETRACTOR_SCORES),
    )
    lang = rng.choice("s-lang", i, np.array([0.6, 0.15, 0.1, 0.15]))
    bank = T.survey_bank()
    comment = bank.pick(lang * len(T.SURVEY_GROUPS) + group, rng.u("s-text", i))
    return {
        "response_id": ids("s", i + 1, 7),
        "survey": pa.array(["nps-2026"] * n, pa.string()),
        "respondent_id": ids("c", rng.below("s-who", i, max(20, n * 3)), 7),
        "answered_at": timestamps(world.start_us, t),
        "score": pa.array(score.astype(np.int64), pa.int64()),
        "comment": take(bank.texts, comment, rng.u("s-has-comment", i) < 0.4),
    }


__all__ = [
    "DETRACTOR_SCORES",
    "NORMAL",
    "OUTAGE_MIX",
    "OUTAGE_SHARE",
    "survey_columns",
    "survey_count",
]
