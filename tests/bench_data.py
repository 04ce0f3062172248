"""Shared rows for the competitor-benchmark tests (no tests here): two brands with accounts,
posts, comments, a brand reply and labelled mentions, small enough to count by hand.

* Acme (own): instagram ``acme_ig`` and x ``acme_x``. Post ``p1`` (ig, Mon 2024-03-04, reach
  100): 8 likes and 2 comments, one answered by the brand 30 min later. Post ``p2`` (x, Mon
  2024-03-11, reach 200): 10 likes.
* Rival (competitor): x ``rival_x``. Post ``r1`` (Tue 2024-03-05, reach 100): 30 likes.
* Mentions: 6 match query ``acme`` (brand; 3 positive, 1 neutral, 2 negative), 2 match
  ``rival`` (competitor; 2 negative), one of them ``<script>`` hostile.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

MON = dt.datetime(2024, 3, 4, 9, 0)


def _likes(platform: str, cid: str, account: str, n: int, at: dt.datetime) -> list[dict[str, Any]]:
    return [
        {
            "platform": platform,
            "interaction_id": f"{cid}-like-{k}",
            "content_id": cid,
            "account_id": account,
            "actor_id": f"fan{k}",
            "kind": "like",
            "occurred_at": at + dt.timedelta(minutes=k + 1),
            "text": None,
            "parent_id": None,
            "is_brand": False,
        }
        for k in range(n)
    ]


def rows() -> dict[str, list[dict[str, Any]]]:
    tue, next_mon = MON + dt.timedelta(days=1), MON + dt.timedelta(days=7)
    accounts = [
        {"platform": p, "account_id": a, "handle": h, "brand": b, "is_own": own,
         "is_competitor": not own}
        for p, a, h, b, own in (
            ("instagram", "acme_ig", "@acme", "Acme", True),
            ("x", "acme_x", "@acme", "Acme", True),
            ("x", "rival_x", "@rival", "Rival", False),
        )
    ]  # fmt: skip
    posts = [
        {"platform": p, "content_id": c, "account_id": a, "created_at": t, "kind": "image",
         "text": f"post {c}"}
        for p, c, a, t in (
            ("instagram", "p1", "acme_ig", MON),
            ("x", "p2", "acme_x", next_mon),
            ("x", "r1", "rival_x", tue),
        )
    ]  # fmt: skip
    snapshots = [
        {"platform": p["platform"], "content_id": p["content_id"],
         "as_of": p["created_at"] + dt.timedelta(days=7), "reach": reach}
        for p, reach in zip(posts, (100, 200, 100), strict=True)
    ]  # fmt: skip
    interactions = (
        _likes("instagram", "p1", "acme_ig", 8, MON)
        + _likes("x", "p2", "acme_x", 10, next_mon)
        + _likes("x", "r1", "rival_x", 30, tue)
    )
    for k in range(2):
        interactions.append(
            {**interactions[0], "interaction_id": f"p1-comment-{k}", "kind": "comment",
             "actor_id": f"asker{k}", "occurred_at": MON + dt.timedelta(hours=1, minutes=k),
             "text": f"question {k}?"}
        )  # fmt: skip
    interactions.append(
        {**interactions[0], "interaction_id": "p1-reply-0", "kind": "reply", "actor_id": "acme",
         "occurred_at": MON + dt.timedelta(hours=1, minutes=30), "text": "thanks",
         "parent_id": "p1-comment-0", "is_brand": True}
    )  # fmt: skip
    labels = ["positive"] * 3 + ["neutral"] + ["negative"] * 2
    mentions = [
        {"platform": "x", "mention_id": f"am{k}", "created_at": MON + dt.timedelta(days=k % 2),
         "text": f"acme coffee {k}", "author_handle": f"u{k}", "reach": 10, "sentiment": s}
        for k, s in enumerate(labels)
    ] + [
        {"platform": "x", "mention_id": f"rm{k}", "created_at": tue, "text": t,
         "author_handle": f"v{k}", "reach": 10, "sentiment": "negative"}
        for k, t in enumerate(["rival is slow", "<script>window.__xss = 21</script> rival"])
    ]  # fmt: skip
    return {
        "account": accounts,
        "content": posts,
        "content_snapshot": snapshots,
        "interaction": interactions,
        "mention": mentions,
    }


def write(path: Any) -> None:
    from engagelens.listening import add_query, run
    from engagelens.store import Store

    with Store.open(path) as store:
        for table, items in rows().items():
            store.insert(table, items)
        add_query(store, "acme", "acme", kind="brand")
        add_query(store, "rival", "rival", kind="competitor")
        run(store)
