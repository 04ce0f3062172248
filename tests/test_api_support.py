"""Shared set-up for the API tests (no tests here): two workspaces with known data, tokens of
every role, and the figures the API must report, computed independently in plain Python."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "javascript:alert(3)",
    '=HYPERLINK("http://evil")',
    "\u202eevil\u202c",
    "great 👍\u200b",
    "where is my order?",
]
PASSWORD = "correct horse battery staple"
START = dt.datetime(2024, 3, 1, 10, 0)


@dataclass
class Seeded:
    posts: list[dict[str, Any]] = field(default_factory=list)
    snapshots: list[dict[str, Any]] = field(default_factory=list)
    interactions: list[dict[str, Any]] = field(default_factory=list)
    mentions: list[dict[str, Any]] = field(default_factory=list)
    accounts: list[dict[str, Any]] = field(default_factory=list)

    def counts(self, post: dict[str, Any]) -> dict[str, int]:
        """likes / comments / shares / interactions of one post, counted from the seed rows."""
        mine = [
            i
            for i in self.interactions
            if (i["platform"], i["content_id"]) == (post["platform"], post["content_id"])
        ]
        likes = sum(i["kind"] == "like" for i in mine)
        comments = sum(i["kind"] == "comment" for i in mine)
        shares = sum(i["kind"] == "share" for i in mine)
        return {
            "likes": likes,
            "comments": comments,
            "shares": shares,
            "interactions": likes + comments + shares,
        }

    def snapshot(self, post: dict[str, Any]) -> dict[str, Any]:
        return next(
            s
            for s in self.snapshots
            if (s["platform"], s["content_id"]) == (post["platform"], post["content_id"])
        )


def seed_rows(prefix: str, n_posts: int, *, shared_id: str | None = None) -> Seeded:
    """``n_posts`` posts alternating instagram/x, one a day from 2024-03-01, with i+1 likes,
    i % 3 comments (hostile texts) and i % 2 shares; reach 100·(i+1), impressions 250·(i+1)."""
    s = Seeded()
    # every row names every key: Store.insert builds Arrow from the first row's keys
    s.accounts = [
        {
            "platform": "instagram",
            "account_id": f"{prefix}_instagram",
            "is_own": True,
            "is_competitor": False,
        },
        {"platform": "x", "account_id": f"{prefix}_x", "is_own": False, "is_competitor": True},
    ]
    for i in range(n_posts):
        platform = "instagram" if i % 2 == 0 else "x"
        cid = shared_id if (shared_id and i == 0) else f"{prefix}{i}"
        created = START + dt.timedelta(days=i, hours=(13 if i == 3 else 0))
        s.posts.append(
            {
                "platform": platform,
                "content_id": cid,
                "account_id": f"{prefix}_{platform}",
                "created_at": created,
                "kind": "image",
                "text": f"post {i} {HOSTILE[i % 7]}",
                "campaign": "spring" if i < n_posts // 2 else "summer",
            }
        )
        s.snapshots.append(
            {
                "platform": platform,
                "content_id": cid,
                "as_of": created + dt.timedelta(days=7),
                "reach": 100 * (i + 1),
                "impressions": 250 * (i + 1),
                "followers": 1000 + 10 * i,
            }
        )
        for k in range(i + 1):
            s.interactions.append(_event(platform, cid, f"{prefix}_{platform}", "like", created, k))
        for k in range(i % 3):
            s.interactions.append(
                _event(
                    platform,
                    cid,
                    f"{prefix}_{platform}",
                    "comment",
                    created,
                    k,
                    text=HOSTILE[(i + k) % len(HOSTILE)],
                )
            )
        for k in range(i % 2):
            s.interactions.append(
                _event(platform, cid, f"{prefix}_{platform}", "share", created, k)
            )
    for m in range(5):
        s.mentions.append(
            {
                "platform": "x",
                "mention_id": f"{prefix}m{m}",
                "created_at": START + dt.timedelta(days=m),
                "text": ("I love acme coffee" if m < 3 else "other brand news"),
                "author_handle": f"user{m}",
                "reach": 10 * (m + 1),
            }
        )
    return s


def _event(
    platform: str,
    cid: str,
    account: str,
    kind: str,
    created: dt.datetime,
    k: int,
    text: str | None = None,
) -> dict[str, Any]:
    return {
        "platform": platform,
        "interaction_id": f"{cid}-{kind}-{k}",
        "content_id": cid,
        "account_id": account,
        "actor_id": f"fan{k}",
        "kind": kind,
        "occurred_at": created
        + dt.timedelta(minutes=5 * (k + 1) + {"like": 0, "comment": 1, "share": 2}[kind]),
        "text": text,
        "actor_followers": 50 * (k + 1),
    }


def write_store(path: Path, rows: Seeded) -> None:
    from engagelens.listening import add_query, run
    from engagelens.store import Store

    store = Store.open(path)
    try:
        store.insert("account", rows.accounts)
        store.insert("content", rows.posts)
        store.insert("content_snapshot", rows.snapshots)
        store.insert("interaction", rows.interactions)
        store.insert("mention", rows.mentions)
        add_query(store, "acme", "acme")
        run(store)
    finally:
        store.close()


def upload_csv(content_id: str) -> bytes:
    """Three canonical interactions on ``content_id``: a like, a row with an unknown kind
    (quarantined, line 3) and a comment."""
    return (
        "platform,interaction_id,content_id,kind,occurred_at,text\n"
        f"instagram,up-1,{content_id},like,2024-03-01T12:00:00,\n"
        f"instagram,up-2,{content_id},not_a_kind,2024-03-01T12:01:00,\n"
        f"instagram,up-3,{content_id},comment,2024-03-01T12:02:00,nice\n"
    ).encode()


__all__ = ["HOSTILE", "PASSWORD", "START", "Seeded", "seed_rows", "upload_csv", "write_store"]
