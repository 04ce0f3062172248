"""Cascade statistics on hand-drawn trees (Goel et al. 2016), reconstruction from parent ids
and by time, and word of mouth after a post."""

import datetime as dt

import pytest

from engagelens.audience.ripple import ROOT, Node, build_cascade, cascade_stats, post_cascades
from engagelens.errors import ConfigError

T0 = dt.datetime(2026, 3, 2, 9)


def _tree(edges, followers=None):
    followers = followers or {}
    return [Node(c, p, actor_id=c, followers=followers.get(c, 0)) for c, p in edges]


def test_star_chain_and_branching_tree_by_hand():
    star = cascade_stats(_tree([("a", ROOT), ("b", ROOT), ("c", ROOT), ("d", ROOT)]))
    # 4 root–leaf pairs at distance 1, 6 leaf–leaf pairs at distance 2: 16 / 10
    assert (star.size, star.depth, star.breadth) == (5, 1, 4)
    assert star.structural_virality == pytest.approx(1.6)
    chain = cascade_stats(_tree([("a", ROOT), ("b", "a"), ("c", "b"), ("d", "c")]))
    # distances 1+2+3+4 + 1+2+3 + 1+2 + 1 = 20 over 10 pairs
    assert (chain.size, chain.depth, chain.breadth) == (5, 4, 1)
    assert chain.structural_virality == pytest.approx(2.0)
    tree = cascade_stats(_tree([("a", ROOT), ("b", ROOT), ("c", "a"), ("d", "a")]))
    # root-a 1, root-b 1, root-c 2, root-d 2, a-b 2, a-c 1, a-d 1, b-c 3, b-d 3, c-d 2 = 18
    assert (tree.depth, tree.breadth, tree.reshares) == (2, 2, 4)
    assert tree.structural_virality == pytest.approx(1.8)
    alone = cascade_stats([])
    assert (alone.size, alone.depth, alone.structural_virality) == (1, 0, None)


def test_second_degree_reach_counts_each_resharer_once():
    nodes = [
        Node("1", ROOT, "ann", 100),
        Node("2", "1", "bob", 50),
        Node("3", ROOT, "ann", 120),  # ann again, larger count seen later
    ]
    assert cascade_stats(nodes).second_degree_reach == 120 + 50


def test_bad_trees_are_errors():
    with pytest.raises(ConfigError):
        cascade_stats(_tree([("a", "zzz")]))
    with pytest.raises(ConfigError):
        cascade_stats(_tree([("a", "b"), ("b", "a")]))


def _rs(i, minutes, parent=None, followers=10, content="p1"):
    return {
        "interaction_id": i,
        "content_id": content,
        "parent_id": parent,
        "actor_id": f"u{i}",
        "actor_followers": followers,
        "occurred_at": T0 + dt.timedelta(minutes=minutes),
    }


def test_reconstruction_uses_parent_ids_then_time():
    rows = [
        _rs("r1", 10, parent="p1"),  # the platform says: a reshare of the post
        _rs("r2", 20, parent="r1"),  # the platform says: of r1
        _rs("r3", 30),  # no parent: most recent earlier reshare within 6 h is r2
        _rs("r4", 60 * 20),  # no parent, 20 h later: nothing recent, so the post
    ]
    nodes = {n.node_id: n for n in build_cascade(rows, infer="recent")}
    assert {k: (n.parent_id, n.inferred) for k, n in nodes.items()} == {
        "r1": (ROOT, False),
        "r2": ("r1", False),
        "r3": ("r2", True),
        "r4": (ROOT, True),
    }
    flat = {n.node_id: n.parent_id for n in build_cascade(rows)}  # default: the post
    assert flat == {"r1": ROOT, "r2": "r1", "r3": ROOT, "r4": ROOT}
    with pytest.raises(ConfigError):
        build_cascade(rows, infer="guess")


def test_post_cascades_and_word_of_mouth(store):
    from engagelens.listening.runner import add_query, run

    store.insert(
        "account",
        [{"platform": "x", "account_id": "lum", "handle": "@lumina", "is_own": True}],
    )
    store.insert(
        "content",
        [
            {"platform": "x", "content_id": "p1", "account_id": "lum", "created_at": T0},
            {"platform": "x", "content_id": "p2", "account_id": "lum",
             "created_at": T0 + dt.timedelta(hours=10)},
        ],
    )  # fmt: skip
    inter = []
    for row in [_rs("r1", 10, "p1", 100), _rs("r2", 20, "r1", 50), _rs("r3", 25, "r2", 5)]:
        inter.append({**row, "platform": "x", "kind": "retweet", "account_id": "lum"})
    store.insert("interaction", inter)
    when = lambda h: T0 + dt.timedelta(hours=h)  # noqa: E731
    store.insert(
        "mention",
        [
            {"platform": "x", "mention_id": "m1", "author_id": "a", "created_at": when(1),
             "text": "just tried Lumina Coffee"},
            {"platform": "x", "mention_id": "m2", "author_id": "b", "created_at": when(2),
             "text": "Lumina Coffee @lumina thanks"},  # tagged: not untagged word of mouth
            {"platform": "x", "mention_id": "m3", "author_id": "c", "created_at": when(11),
             "text": "Lumina Coffee again"},  # after p2: p2's
            {"platform": "x", "mention_id": "m4", "author_id": "d", "created_at": when(70),
             "text": "Lumina Coffee is fine"},  # more than 48 h after p2
        ],
    )  # fmt: skip
    add_query(store, "lumina", '"lumina coffee"', kind="brand")
    run(store)
    rows = {r["content_id"]: r for r in post_cascades(store, brand="lumina")}
    assert (rows["p1"]["size"], rows["p1"]["depth"], rows["p1"]["breadth"]) == (4, 3, 1)
    assert rows["p1"]["structural_virality"] == pytest.approx((1 + 2 + 3 + 1 + 2 + 1) / 6)
    assert rows["p1"]["second_degree_reach"] == 155 and rows["p1"]["inferred_edges"] == 0
    assert (rows["p1"]["word_of_mouth"], rows["p2"]["word_of_mouth"]) == (1, 1)
    assert rows["p2"]["size"] == 1 and rows["p2"]["structural_virality"] is None
