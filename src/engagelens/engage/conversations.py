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
    from engagelens.store import Store

SCHEMA = pa.schema(
    [
        ("platform", pa.string()),
        ("interaction_id", pa.string()),
        ("conversation_id", pa.string()),
        ("depth", pa.int64()),
        ("orphan", pa.bool_()),
        ("cycle", pa.bool_()),
    ]
)


def thread_links(platforms: list[str], ids: list[str], parents: list[str | None]) -> pa.Table:
    """Conversation of every (platform, id): root id, depth below the root, orphan/cycle flags."""
    parent: dict[tuple[str, str], str | None] = {}
    for p, i, par in zip(platforms, ids, parents, strict=False):
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
                members = path[on_path[node] :]
                head = min(members, key=lambda k: k[1])
                cycle.add(head)
                for d, m in enumerate(_cycle_order(members, head)):
                    root[m] = (head[1], d)
                del path[on_path[node] :]
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
    return pa.table(
        {
            "platform": [k[0] for k in keys],
            "interaction_id": [k[1] for k in keys],
            "conversation_id": [root[k][0] for k in keys],
            "depth": [root[k][1] for k in keys],
            "orphan": [k in orphan for k in keys],
            "cycle": [k in cycle for k in keys],
        },
        schema=SCHEMA,
    )


def _cycle_order(members: list[tuple[str, str]], head: tuple[str, str]) -> list[tuple[str, str]]:
    """Cycle members ordered from ``head`` down the reversed links (child after parent)."""
    # path order is child → parent; reversed from head gives parent → child chains
    i = members.index(head)
    rotated = members[i:] + members[:i]
    return [rotated[0], *list(reversed(rotated[1:]))]


def thread_arrays(
    platforms: pa.Array, ids: pa.Array, parents: pa.Array, *, unique: bool = False
) -> pa.Table:
    """Same result as :func:`thread_links`, vectorised: parents become row indexes and each row
    jumps to its ancestor's ancestor (pointer doubling, ⌈log2 depth⌉ rounds). Rows whose final
    ancestor is not a true root sit on or under a cycle; those components go through
    :func:`thread_links`. ``unique``: the (platform, id) pairs are already distinct (the engine
    deduplicated them), which skips the Arrow group-by."""
    import numpy as np
    import pyarrow.compute as pc

    if unique:
        base = pa.table({"platform": platforms, "interaction_id": ids, "parent_id": parents})
    else:
        keys = pc.binary_join_element_wise(
            platforms.cast(pa.string()), ids.cast(pa.string()), "\x1f"
        )
        base = pa.table({"k": keys, "p": platforms, "i": ids, "par": parents})
        base = base.group_by("k", use_threads=False).aggregate(
            [("p", "min"), ("i", "min"), ("par", "min")]
        )
        base = base.drop_columns(["k"]).rename_columns(["platform", "interaction_id", "parent_id"])
    n = base.num_rows
    pidx = _parent_rows(
        base["platform"].combine_chunks(),
        base["interaction_id"].combine_chunks(),
        base["parent_id"].combine_chunks(),
    )
    has_parent = base["parent_id"].is_valid().to_numpy(zero_copy_only=False)
    selfref = (
        pc.equal(base["parent_id"], base["interaction_id"])
        .fill_null(False)
        .to_numpy(zero_copy_only=False)
    )
    idx = np.arange(n)
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
    out = pa.table(
        {
            "platform": base["platform"],
            "interaction_id": base["interaction_id"],
            "conversation_id": base["interaction_id"].take(pa.array(anc)),
            "depth": pa.array(depth),
            "orphan": pa.array(orphan),
            "cycle": pa.array(np.zeros(n, bool)),
        },
        schema=SCHEMA,
    )
    if not unresolved.any():
        return out
    # cycles (and everything hanging under them): exact walk in Python
    mask = pa.array(unresolved)
    walked = thread_links(
        base["platform"].filter(mask).to_pylist(),
        base["interaction_id"].filter(mask).to_pylist(),
        base["parent_id"].filter(mask).to_pylist(),
    )
    return pa.concat_tables([out.filter(pa.array(~unresolved)), walked])


def _parent_rows(platforms: pa.Array, ids: pa.Array, parents: pa.Array):
    """Row index of each row's parent (same platform), -1 when absent. Looked up platform by
    platform (a handful of values) so no composite string keys are built."""
    import numpy as np
    import pyarrow.compute as pc

    out = np.full(len(ids), -1, dtype=np.int64)
    for plat in pc.unique(platforms).to_pylist():
        rows = (
            np.flatnonzero(
                pc.equal(platforms, plat).fill_null(False).to_numpy(zero_copy_only=False)
            )
            if plat is not None
            else np.flatnonzero(platforms.is_null().to_numpy(zero_copy_only=False))
        )
        sel = pa.array(rows)
        local = pc.index_in(parents.take(sel), value_set=ids.take(sel)).fill_null(-1)
        local = local.to_numpy(zero_copy_only=False).astype(np.int64)
        out[rows] = np.where(local >= 0, rows[np.maximum(local, 0)], -1)
    return out


def conversations(store: Store) -> pa.Table:
    """Conversation of every interaction in the store (see module docstring). The engine
    collapses duplicate events (smallest parent other than the item itself, as in
    :func:`thread_links`); only the distinct links travel to Python."""
    t = store.table("interaction")
    d = (
        t.group_by(["platform", "interaction_id"])
        .agg(parent_id=t.parent_id.min(where=t.parent_id != t.interaction_id))
        .to_pyarrow()
    )
    return thread_arrays(
        d["platform"].combine_chunks(),
        d["interaction_id"].combine_chunks(),
        d["parent_id"].combine_chunks(),
        unique=True,
    )


__all__ = sorted(["SCHEMA", "conversations", "thread_arrays", "thread_links"])
