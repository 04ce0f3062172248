"""Thread interactions into conversations by following ``parent_id`` links to the root.

Computed in Python over the two compact columns (id, parent) pulled from the store, because a
walk with memoisation is linear, handles any depth, and makes the awkward cases explicit —
an engine-side recursive query would need a bounded depth and differs between DuckDB and Spark:

* **missing parent** (the answered item is not in the store): the item is a root, ``orphan``;
* **cycle** (a → b → a, from bad exports): broken at the member with the smallest id, which
  becomes the root, ``cycle``; deterministic whatever the row order;
* **duplicates** (same platform + id): one node; out-of-order arrival does not matter since
  only links are used, not timestamps.

``conversation_id`` is the root's interaction_id (per platform).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyarrow as pa

if TYPE_CHECKING:  # pragma: no cover
    from ..store import Store

SCHEMA = pa.schema([("platform", pa.string()), ("interaction_id", pa.string()),
                    ("conversation_id", pa.string()), ("depth", pa.int64()),
                    ("orphan", pa.bool_()), ("cycle", pa.bool_())])


def thread_links(platforms: list[str], ids: list[str], parents: list[str | None]) -> pa.Table:
    """Conversation of every (platform, id): root id, depth below the root, orphan/cycle flags."""
    parent: dict[tuple[str, str], str | None] = {}
    for p, i, par in zip(platforms, ids, parents):
        key = (p, i)
        par = par if par != i else None  # a self-reference is a root
        old = parent.get(key)
        # duplicates that disagree keep the smallest parent, as facts.deduplicated does
        parent[key] = par if old is None or (par is not None and par < old) else old
    root: dict[tuple[str, str], tuple[str, int]] = {}
    orphan: set[tuple[str, str]] = set()
    cycle: set[tuple[str, str]] = set()
    for start in parent:
        if start in root:
            continue
        path: list[tuple[str, str]] = []
        on_path: dict[tuple[str, str], int] = {}
        node = start
        while node not in root:
            if node in on_path:  # a cycle: its members are path[on_path[node]:]
                members = path[on_path[node]:]
                head = min(members, key=lambda k: k[1])
                cycle.add(head)
                for d, m in enumerate(_cycle_order(members, head)):
                    root[m] = (head[1], d)
                del path[on_path[node]:]
                break
            on_path[node] = len(path)
            path.append(node)
            par = parent[node]
            nxt = None if par is None else (node[0], par)
            if nxt is not None and nxt not in parent:
                orphan.add(node)
                nxt = None
            if nxt is None:
                root[node] = (node[1], 0)
                path.pop()
                break
            node = nxt
        # unwind: each remaining path node hangs under the next one
        for m in reversed(path):
            r, d = root[(m[0], parent[m])]  # type: ignore[index]
            root[m] = (r, d + 1)
    keys = list(root)
    return pa.table({
        "platform": [k[0] for k in keys], "interaction_id": [k[1] for k in keys],
        "conversation_id": [root[k][0] for k in keys], "depth": [root[k][1] for k in keys],
        "orphan": [k in orphan for k in keys], "cycle": [k in cycle for k in keys],
    }, schema=SCHEMA)


def _cycle_order(members: list[tuple[str, str]], head: tuple[str, str]) -> list[tuple[str, str]]:
    """Cycle members ordered from ``head`` down the reversed links (child after parent)."""
    # path order is child → parent; reversed from head gives parent → child chains
    i = members.index(head)
    rotated = members[i:] + members[:i]
    return [rotated[0]] + list(reversed(rotated[1:]))


def thread_arrays(platforms: pa.Array, ids: pa.Array, parents: pa.Array) -> pa.Table:
    """Same result as :func:`thread_links`, vectorised: parents become row indexes and each row
    jumps to its ancestor's ancestor (pointer doubling, ⌈log2 depth⌉ rounds). Rows whose final
    ancestor is not a true root sit on or under a cycle; those components go through :func:`thread_links`."""
    import numpy as np
    import pyarrow.compute as pc

    keys = pc.binary_join_element_wise(platforms.cast(pa.string()), ids.cast(pa.string()), "\x1f")
    base = pa.table({"k": keys, "p": platforms, "i": ids, "par": parents})
    base = base.group_by("k", use_threads=False).aggregate([("p", "min"), ("i", "min"), ("par", "min")])
    base = base.rename_columns(["k", "platform", "interaction_id", "parent_id"])
    n = base.num_rows
    pkeys = pc.binary_join_element_wise(base["platform"], base["parent_id"], "\x1f")
    pidx = pc.index_in(pkeys, value_set=base["k"]).fill_null(-1).to_numpy(zero_copy_only=False)
    has_parent = base["parent_id"].is_valid().to_numpy(zero_copy_only=False)
    selfref = (pc.equal(base["parent_id"], base["interaction_id"]).fill_null(False)
               .to_numpy(zero_copy_only=False))
    idx = np.arange(n)
    pidx = pidx.astype(np.int64)
    orphan = has_parent & (pidx < 0) & ~selfref
    anc = np.where((pidx >= 0) & ~selfref, pidx, idx)
    anc0 = anc
    depth = (anc != idx).astype(np.int64)
    for _ in range(64):
        nxt = anc[anc]
        if np.array_equal(nxt, anc):
            break
        depth = depth + depth[anc]
        anc = nxt
    is_root = anc0 == idx
    unresolved = (anc[anc] != anc) | ~is_root[anc]  # a cycle can collapse onto one member
    conv = base["interaction_id"].to_numpy(zero_copy_only=False)[anc]
    out = pa.table({"platform": base["platform"], "interaction_id": base["interaction_id"],
                    "conversation_id": pa.array(conv, pa.string()), "depth": pa.array(depth),
                    "orphan": pa.array(orphan), "cycle": pa.array(np.zeros(n, bool))}, schema=SCHEMA)
    if not unresolved.any():
        return out
    # cycles (and everything hanging under them): exact walk in Python
    sub_platform = base["platform"].filter(pa.array(unresolved))
    walked = thread_links(sub_platform.to_pylist(),
                          base["interaction_id"].filter(pa.array(unresolved)).to_pylist(),
                          base["parent_id"].filter(pa.array(unresolved)).to_pylist())
    return pa.concat_tables([out.filter(pa.array(~unresolved)), walked])


def conversations(store: Store) -> pa.Table:
    """Conversation of every interaction in the store (see module docstring)."""
    t = store.table("interaction").select("platform", "interaction_id", "parent_id").to_pyarrow()
    return thread_arrays(t["platform"].combine_chunks(), t["interaction_id"].combine_chunks(),
                         t["parent_id"].combine_chunks())


__all__ = sorted(["SCHEMA", "conversations", "thread_arrays", "thread_links"])
