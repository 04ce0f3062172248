"""Threading: branches, missing parents, cycles, duplicates and arrival order (the real
"Customer Support on Twitter" sample is in test_engage_twcs.py)."""

from __future__ import annotations

from engagelens.engage.conversations import conversations, thread_links


def _links(ids, parents):
    t = thread_links(["x"] * len(ids), ids, parents).to_pylist()
    return {
        r["interaction_id"]: (r["conversation_id"], r["depth"], r["orphan"], r["cycle"]) for r in t
    }


def test_branches_missing_parents_cycles_duplicates():
    # a ← b ← c, a ← d (branch); e's parent is absent; f ↔ g cycle with h under g; b duplicated
    got = _links(
        ["c", "b", "a", "d", "e", "g", "f", "h", "b"],
        ["b", "a", None, "a", "zz", "f", "g", "g", "a"],
    )
    assert got["a"] == ("a", 0, False, False)
    assert got["b"] == ("a", 1, False, False) and got["c"] == ("a", 2, False, False)
    assert got["d"] == ("a", 1, False, False)
    assert got["e"] == ("e", 0, True, False)
    assert got["f"] == ("f", 0, False, True)  # smallest id of the cycle becomes the root
    assert got["g"] == ("f", 1, False, False) and got["h"] == ("f", 2, False, False)
    assert len(got) == 8


def test_cycle_break_does_not_depend_on_row_order():
    a = _links(["p", "q", "r"], ["r", "p", "q"])
    b = _links(["r", "q", "p"], ["q", "p", "r"])
    assert a == b and {v[0] for v in a.values()} == {"p"}


def test_vectorised_threading_matches_the_walk():
    import random

    import pyarrow as pa

    from engagelens.engage.conversations import thread_arrays

    rng = random.Random(3)
    ids = [f"n{i}" for i in range(400)]
    parents = [None if i % 9 == 0 else (f"n{rng.randrange(i)}" if i else None) for i in range(400)]
    parents[5], parents[7] = "n7", "n5"  # a cycle
    parents[8], parents[10] = "absent", "n10"  # a missing parent, a self-reference
    ids, parents = [*ids, "n3"], [*parents, parents[3]]  # a duplicate event
    plats = ["x"] * len(ids)
    a = {r["interaction_id"]: r for r in thread_links(plats, ids, parents).to_pylist()}
    b = {
        r["interaction_id"]: r
        for r in thread_arrays(
            pa.array(plats), pa.array(ids), pa.array(parents, pa.string())
        ).to_pylist()
    }
    assert a == b and len(b) == 400
    assert b["n5"]["cycle"] and b["n8"]["orphan"] and b["n10"]["depth"] == 0


def _both(plats, ids, parents):
    """thread_links and thread_arrays results keyed by (platform, id); asserts they agree."""
    import pyarrow as pa

    from engagelens.engage.conversations import thread_arrays

    a = {
        (r["platform"], r["interaction_id"]): r
        for r in thread_links(plats, ids, parents).to_pylist()
    }
    b = {
        (r["platform"], r["interaction_id"]): r
        for r in thread_arrays(
            pa.array(plats), pa.array(ids), pa.array(parents, pa.string())
        ).to_pylist()
    }
    assert a == b
    return b


def test_arrival_order_does_not_matter():
    import random

    # a tree with a branch, a chain, an orphan, a 3-cycle with a tail and a duplicated event
    edges = [
        ("r", None),
        ("a", "r"),
        ("b", "r"),
        ("c", "a"),
        ("d", "c"),
        ("o", "missing"),
        ("x", "z"),
        ("y", "x"),
        ("z", "y"),
        ("t", "y"),
        ("a", "r"),
    ]
    ref = None
    rng = random.Random(11)
    for _ in range(12):
        rng.shuffle(edges)
        got = _both(["fb"] * len(edges), [e[0] for e in edges], [e[1] for e in edges])
        ref = ref or got
        assert got == ref
    assert ref[("fb", "d")]["conversation_id"] == "r" and ref[("fb", "d")]["depth"] == 3
    assert ref[("fb", "o")]["orphan"] and ref[("fb", "x")]["cycle"]
    assert {ref[("fb", k)]["conversation_id"] for k in "xyzt"} == {"x"} and ref[("fb", "t")][
        "depth"
    ] == 2  # x ← y ← t


def test_same_ids_on_two_platforms_stay_apart_and_deep_chains_work():
    n = 3000  # deeper than Python's recursion limit: neither method recurses
    ids = [f"n{i}" for i in range(n)] * 2
    parents = (
        ([None] + [f"n{i - 1}" for i in range(1, n)]) + [f"n{i + 1}" for i in range(n - 1)] + [None]
    )
    plats = ["fb"] * n + ["ig"] * n
    got = _both(plats, ids, parents)
    assert (
        got[("fb", f"n{n - 1}")]["depth"] == n - 1
        and got[("fb", f"n{n - 1}")]["conversation_id"] == "n0"
    )
    assert (
        got[("ig", "n0")]["depth"] == n - 1 and got[("ig", "n0")]["conversation_id"] == f"n{n - 1}"
    )


def test_conversations_in_the_store_across_batches(store):
    """Children stored in an earlier batch than their parents; a duplicate of a parent whose
    copy disagrees on its own parent (the smaller id wins, as in facts.deduplicated)."""
    import datetime as dt

    t0 = dt.datetime(2026, 11, 23, 10)

    def row(i, parent, minutes):
        return {
            "platform": "x",
            "interaction_id": i,
            "kind": "reply" if parent else "comment",
            "occurred_at": t0 + dt.timedelta(minutes=minutes),
            "parent_id": parent,
            "actor_id": "u",
        }

    store.insert("interaction", [row("c", "b", 9), row("d", "c", 12)])
    store.insert("interaction", [row("b", "a", 5), row("a", None, 0), row("b", "zz", 5)])
    got = {
        r["interaction_id"]: (r["conversation_id"], r["depth"], r["orphan"])
        for r in conversations(store).to_pylist()
    }
    assert got == {
        "a": ("a", 0, False),
        "b": ("a", 1, False),
        "c": ("a", 2, False),
        "d": ("a", 3, False),
    }
