"""``generate(out_dir, interactions=N, seed=S)``: write every demo table as Parquet chunks.

Order matters only for what feeds what: posts → interactions (which accumulate what the
snapshots need) → follower curves → e-mail (its per-send counts feed the e-mail snapshots) →
content and snapshots → mentions, site, surveys. Memory is bounded by the block size.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import numpy as np

from .audience import account_columns, account_snapshot_columns, follower_curves
from .content import build_posts, content_columns
from .email import email_blocks, recipient_count
from .interactions import InteractionBuilder
from .mentions import MentionBuilder, mention_count
from .segments import build_segments
from .snapshots import content_snapshot_columns
from .survey import survey_columns, survey_count
from .web import WebBuilder, session_count
from .world import ACCOUNTS, World
from .writer import Progress, RollingWriter

DEFAULT_CHUNK_ROWS = 2_000_000
BLOCK_ROWS = 1_000_000  # rows built at once (memory bound); files may hold several blocks


def sizes(interactions: int = 200_000, days: int = 180) -> dict[str, int]:
    """Rows per table, exact where the design fixes them, else approximate (~)."""
    w = World.make(interactions, 0, "2026-01-01", days)
    posts = build_posts(w)
    return {
        "interaction": interactions,
        "mention": mention_count(w),
        "web_session": session_count(w),
        "conversion": round(session_count(w) * 0.018),
        "survey_response": survey_count(w),
        "content": len(posts),
        "content_snapshot": len(posts),
        "account": len(ACCOUNTS),
        "account_snapshot": (len(ACCOUNTS) - 1) * days,
        "email_event": round(recipient_count(w) * 2.3 * (days / 7 + 6)),
    }


def _blocks(total: int, chunk_rows: int) -> list[tuple[int, int]]:
    step = max(1, min(BLOCK_ROWS, chunk_rows))
    return [(a, min(a + step, total)) for a in range(0, total, step)]


def generate(
    out_dir: str | os.PathLike[str],
    *,
    interactions: int = 200_000,
    seed: int = 42,
    start: str | dt.date = "2026-01-01",
    days: int = 180,
    hostile: bool = False,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    progress: Progress | None = None,
) -> dict[str, list[Path]]:
    """Write the demo's Parquet files into ``out_dir``; return {table: [files]}.

    Same arguments, byte-identical files; rows do not depend on ``chunk_rows`` (only how they
    are split into ``<table>-NNNN.parquet`` files does)."""
    world = World.make(interactions, seed, start, days, hostile)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, list[Path]] = {}

    def writer(table: str, total: int = 0) -> RollingWriter:
        return RollingWriter(out, table, chunk_rows, progress, total)

    posts = build_posts(world)
    seg = build_segments(world, posts)
    builder = InteractionBuilder(world, posts, seg)
    wr = writer("interaction", world.interactions)
    for a, b in _blocks(world.interactions, chunk_rows):
        wr.write(builder.block(a, b))
    files["interaction"] = wr.close()

    curves = follower_curves(world, builder.acc.net_follows)
    day = np.minimum((posts.created // 86_400).astype(np.int64), world.days - 1)
    per_day = {a: np.bincount(day[posts.account == a], minlength=world.days) for a in curves}
    wr = writer("account")
    wr.write(account_columns(curves, recipient_count(world)))
    files["account"] = wr.close()
    wr = writer("account_snapshot")
    wr.write(account_snapshot_columns(world, curves, per_day))
    files["account_snapshot"] = wr.close()

    email_stats: dict[int, dict[str, int]] = {}
    wr = writer("email_event")
    for block in email_blocks(world, posts, email_stats):
        wr.write(block)
    files["email_event"] = wr.close()

    wr = writer("content", len(posts))
    wr.write(content_columns(world, posts))
    files["content"] = wr.close()
    wr = writer("content_snapshot", len(posts))
    wr.write(content_snapshot_columns(world, posts, seg, builder.acc, curves, email_stats))
    files["content_snapshot"] = wr.close()

    mentions = MentionBuilder(world)
    wr = writer("mention", mention_count(world))
    for a, b in _blocks(mention_count(world), chunk_rows):
        wr.write(mentions.block(a, b))
    files["mention"] = wr.close()

    web = WebBuilder(world, posts)
    ws, wc = writer("web_session", session_count(world)), writer("conversion")
    for a, b in _blocks(session_count(world), chunk_rows):
        sessions, conversions = web.block(a, b)
        ws.write(sessions)
        wc.write(conversions)
    files["web_session"], files["conversion"] = ws.close(), wc.close()

    wr = writer("survey_response", survey_count(world))
    wr.write(survey_columns(world))
    files["survey_response"] = wr.close()
    return files


__all__ = sorted(["BLOCK_ROWS", "DEFAULT_CHUNK_ROWS", "generate", "sizes"])
