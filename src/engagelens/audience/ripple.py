"""Ripple effects: how far a post travels through shares, retweets and quotes.

Why trees, not counts: 100 shares by 100 people who each saw the brand's post (a broadcast) and
100 shares each passed on from the previous sharer (a chain) are the same "100 shares" but very
different word of mouth. Goel, Anderson, Hofman & Watts (2016), "The Structural Virality of
Online Diffusion", *Management Science* 62(1) 180-196, measure that with **structural
virality**: the mean shortest-path distance between all pairs of nodes of the cascade tree
(≈ 2 for a broadcast, growing with n for a chain).

Reconstruction. The root is the post. A reshare (kind share/retweet/quote) whose ``parent_id``
names another reshare of the same post hangs under it (platforms that give parent ids). Any
other reshare is placed by inference, flagged per node (``inferred``): with ``infer="root"``
(the default, the conservative reading) under the post, so depth comes only from what the
platform says; with ``infer="recent"`` (**time-ordered inference**) under the most recent
earlier reshare of the same post within ``window_hours`` (people reshare what they saw last),
else under the post. ``recent`` turns a burst of independent shares into a long chain, so it
overstates depth and virality on busy posts; use it only where shares are sparse.

Per post: ``size`` nodes including the root, ``reshares`` (size − 1), ``depth`` (longest path
from the root), ``breadth`` (most nodes on one level), ``structural_virality`` (null below two
nodes), ``second_degree_reach`` (Σ followers of the distinct resharers: people reached through
them rather than through the brand's own followers), and ``word_of_mouth``: mentions matched by
the brand's listening query that do not tag the brand's handle, in the ``wom_hours`` after the
post and before the brand's next post (each mention counted once, for the latest post).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from engagelens.errors import ConfigError
from engagelens.model.kinds import AMPLIFICATION_KINDS

if TYPE_CHECKING:  # pragma: no cover
    from engagelens.store import Store

ROOT = ""
INFERENCE = ("recent", "root")


@dataclass(frozen=True)
class Node:
    node_id: str
    parent_id: str  # ROOT for the post itself
    actor_id: str | None = None
    followers: int = 0
    at: dt.datetime | None = None
    inferred: bool = False


@dataclass(frozen=True)
class CascadeStats:
    size: int
    reshares: int
    depth: int
    breadth: int
    structural_virality: float | None
    second_degree_reach: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def cascade_stats(nodes: Sequence[Node]) -> CascadeStats:
    """Statistics of one tree given its non-root nodes (parents must be ROOT or a node id)."""
    ids = {n.node_id for n in nodes}
    if ROOT in ids or len(ids) != len(nodes):
        raise ConfigError("cascade node ids must be unique and non-empty")
    children: dict[str, list[str]] = defaultdict(list)
    for n in nodes:
        if n.parent_id != ROOT and n.parent_id not in ids:
            raise ConfigError(f"node {n.node_id!r} hangs under unknown node {n.parent_id!r}")
        children[n.parent_id].append(n.node_id)
    # breadth-first from the root: levels, and an order for subtree sizes
    level = {ROOT: 0}
    order = [ROOT]
    for u in order:
        for v in children.get(u, []):
            level[v] = level[u] + 1
            order.append(v)
    if len(order) != len(nodes) + 1:
        raise ConfigError("cascade has a cycle: some nodes cannot be reached from the post")
    size = len(order)
    per_level: dict[int, int] = defaultdict(int)
    for d in level.values():
        per_level[d] += 1
    # Wiener index of a tree = Σ over edges of s·(n − s), s = nodes below the edge
    below = dict.fromkeys(order, 1)
    parent = {n.node_id: n.parent_id for n in nodes}
    for u in reversed(order[1:]):
        below[parent[u]] += below[u]
    wiener = sum(below[u] * (size - below[u]) for u in order[1:])
    virality = wiener / (size * (size - 1) / 2) if size >= 2 else None
    reach_by_actor: dict[str, int] = {}
    for n in nodes:
        key = n.actor_id or n.node_id
        reach_by_actor[key] = max(reach_by_actor.get(key, 0), int(n.followers or 0))
    return CascadeStats(
        size=size,
        reshares=size - 1,
        depth=max(level.values()),
        breadth=max(per_level.values()),
        structural_virality=virality,
        second_degree_reach=sum(reach_by_actor.values()),
    )


def build_cascade(
    reshares: Sequence[dict[str, Any]], *, infer: str = "root", window_hours: float = 6.0
) -> list[Node]:
    """Nodes of one post's tree from its reshare rows (interaction_id, parent_id, actor_id,
    actor_followers, occurred_at), placed as the module doc says."""
    if infer not in INFERENCE:
        raise ConfigError(f"infer must be one of {', '.join(INFERENCE)}, not {infer!r}")
    if window_hours <= 0:
        raise ConfigError(f"window must be positive, got {window_hours} hours")
    rows = sorted(reshares, key=lambda r: (r["occurred_at"], r["interaction_id"]))
    known = {r["interaction_id"] for r in rows}
    window = dt.timedelta(hours=window_hours)
    nodes: list[Node] = []
    placed: list[tuple[dt.datetime, str]] = []
    placed_ids: set[str] = set()
    for r in rows:
        pid, at = r.get("parent_id"), r["occurred_at"]
        if pid is not None and pid == r.get("content_id"):
            parent, inferred = ROOT, False  # the platform says: a reshare of the post itself
        elif pid in known and pid != r["interaction_id"] and pid in placed_ids:
            parent, inferred = pid, False
        else:
            parent, inferred = ROOT, True
            if infer == "recent":
                earlier = [p for t, p in placed if at - window <= t <= at]
                if earlier:
                    parent = earlier[-1]
        nodes.append(
            Node(
                r["interaction_id"],
                parent,
                r.get("actor_id"),
                int(r.get("actor_followers") or 0),
                at,
                inferred,
            )
        )
        placed.append((at, r["interaction_id"]))
        placed_ids.add(r["interaction_id"])
    return nodes


def post_cascades(
    store: Store,
    *,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    platform: str | None = None,
    infer: str = "root",
    window_hours: float = 6.0,
    brand: str | None = None,
    wom_hours: float = 48.0,
    limit: int = 20,
) -> list[dict[str, Any]]:
    """Cascade statistics per own post (published in the period), most reshared first."""
    c = store.table("content")
    a = store.table("account")
    own = a.filter(a.is_own.fill_null(False)).select(_p="platform", _a="account_id", _h="handle")
    c = c.inner_join(own, [c.platform == own._p, c.account_id == own._a])
    if start is not None:
        c = c.filter(c.created_at >= start)
    if end is not None:
        c = c.filter(c.created_at < end)
    if platform:
        c = c.filter(c.platform == platform)
    posts = c.select("platform", "content_id", "account_id", "created_at", handle="_h")
    posts_rows = posts.to_pyarrow().to_pylist()
    t = store.table("interaction")
    t = t.filter(t.kind.isin(AMPLIFICATION_KINDS) & t.content_id.notnull())
    t = t.semi_join(posts, [t.platform == posts.platform, t.content_id == posts.content_id])
    cols = ["platform", "content_id", "interaction_id", "parent_id", "actor_id"]
    rows = t.select(*cols, "actor_followers", "occurred_at").to_pyarrow().to_pylist()
    by_post: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_post[(r["platform"], r["content_id"])].append(r)
    wom = _word_of_mouth(store, posts_rows, brand, wom_hours) if brand else {}
    out = []
    for p in posts_rows:
        key = (p["platform"], p["content_id"])
        nodes = build_cascade(by_post.get(key, []), infer=infer, window_hours=window_hours)
        stats = cascade_stats(nodes)
        out.append(
            {
                "platform": p["platform"],
                "content_id": p["content_id"],
                "created_at": p["created_at"],
                **stats.to_dict(),
                "inferred_edges": sum(n.inferred for n in nodes),
                "word_of_mouth": wom.get(key) if brand else None,
            }
        )
    out.sort(key=lambda r: (-r["reshares"], -(r["structural_virality"] or 0), r["content_id"]))
    return out[:limit] if limit > 0 else out


def _word_of_mouth(
    store: Store, posts: list[dict[str, Any]], brand: str, hours: float
) -> dict[tuple[str, str], int]:
    from .brand_influence import _check_brand

    _check_brand(store, brand)
    m = store.table("mention")
    match = store.table("listening_match")
    match = match.filter(match.query == brand)
    m = m.semi_join(match, [m.platform == match.platform, m.mention_id == match.mention_id])
    mentions = m.select("created_at", "text").to_pyarrow().to_pylist()
    handles = {str(p["handle"]).lstrip("@").casefold() for p in posts if p["handle"]}
    timeline = sorted(
        (p["created_at"], (p["platform"], p["content_id"])) for p in posts if p["created_at"]
    )
    times = [t for t, _ in timeline]
    out: dict[tuple[str, str], int] = defaultdict(int)
    for mt in mentions:
        text = str(mt["text"] or "").casefold()
        if any("@" + h in text for h in handles):
            continue  # tagged: not untagged word of mouth
        i = bisect.bisect_right(times, mt["created_at"]) - 1
        if i >= 0 and mt["created_at"] - times[i] <= dt.timedelta(hours=hours):
            out[timeline[i][1]] += 1
    return out


__all__ = sorted(
    ["INFERENCE", "ROOT", "CascadeStats", "Node", "build_cascade", "cascade_stats", "post_cascades"]
)
