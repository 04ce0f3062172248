"""Threading (branches, missing parents, cycles, duplicates) and the outbound figures on real
"Customer Support on Twitter" rows, checked against an independent pandas computation."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from engagelens.engage.conversations import conversations, thread_links
from engagelens.engage.sample import twcs_rows
from engagelens.metrics import compute

FIX = Path(__file__).parent / "fixtures" / "engage"


def _links(ids, parents):
    t = thread_links(["x"] * len(ids), ids, parents).to_pylist()
    return {r["interaction_id"]: (r["conversation_id"], r["depth"], r["orphan"], r["cycle"]) for r in t}


def test_branches_missing_parents_cycles_duplicates():
    # a ← b ← c, a ← d (branch); e's parent is absent; f ↔ g cycle with h under g; b duplicated
    got = _links(["c", "b", "a", "d", "e", "g", "f", "h", "b"],
                 ["b", "a", None, "a", "zz", "f", "g", "g", "a"])
    assert got["a"] == ("a", 0, False, False)
    assert got["b"] == ("a", 1, False, False) and got["c"] == ("a", 2, False, False)
    assert got["d"] == ("a", 1, False, False)
    assert got["e"] == ("e", 0, True, False)
    assert got["f"] == ("f", 0, False, True)      # smallest id of the cycle becomes the root
    assert got["g"] == ("f", 1, False, False) and got["h"] == ("f", 2, False, False)
    assert len(got) == 8


def test_cycle_break_does_not_depend_on_row_order():
    a = _links(["p", "q", "r"], ["r", "p", "q"])
    b = _links(["r", "q", "p"], ["q", "p", "r"])
    assert a == b and {v[0] for v in a.values()} == {"p"}


def _pandas_figures(path: Path) -> tuple[int, int, float]:
    """Independent: inbound tweets, those answered by a brand tweet, median reply seconds."""
    df = pd.read_csv(path, dtype=str, lineterminator="\n")
    df["ts"] = pd.to_datetime(df.created_at, format="%a %b %d %H:%M:%S %z %Y")
    df["parent"] = df.in_response_to_tweet_id.dropna().astype(float).astype("int64").astype(str)
    inbound = df[df.inbound == "True"]
    brand = df[df.inbound == "False"].dropna(subset=["parent"])
    first = brand.groupby("parent").ts.min()
    j = inbound.set_index("tweet_id").join(first.rename("reply_at"), how="inner")
    secs = ((j.reply_at - j.ts).dt.total_seconds()).clip(lower=0)
    return len(inbound), len(j), float(secs.median())


@pytest.mark.parametrize("which", ["fixture", "shared"])
def test_twcs_reply_figures(store, which, shared_data):
    path = FIX / "twcs_300.csv" if which == "fixture" else (
        shared_data / "customer_support_twitter_sample" / "twcs_5000.csv")
    if not path.exists():
        pytest.skip("shared data not present")
    store.insert("interaction", twcs_rows(path))
    n_in, n_ans, med = _pandas_figures(path)
    df = compute(store, ["inbound_volume", "answered_count", "reply_rate", "reply_time_median"],
                 by="total").to_pandas()
    assert int(df.inbound_volume.iloc[0]) == n_in
    assert int(df.answered_count.iloc[0]) == n_ans
    assert float(df.reply_rate.iloc[0]) == pytest.approx(n_ans / n_in)
    assert float(df.reply_time_median.iloc[0]) == med
    conv = conversations(store).to_pandas()
    assert conv.interaction_id.is_unique and conv.orphan.any()  # some replies point outside


def test_vectorised_threading_matches_the_walk():
    import random

    import pyarrow as pa

    from engagelens.engage.conversations import thread_arrays

    rng = random.Random(3)
    ids = [f"n{i}" for i in range(400)]
    parents = [None if i % 9 == 0 else (f"n{rng.randrange(i)}" if i else None) for i in range(400)]
    parents[5], parents[7] = "n7", "n5"      # a cycle
    parents[8], parents[10] = "absent", "n10"  # a missing parent, a self-reference
    ids, parents = [*ids, "n3"], [*parents, parents[3]]  # a duplicate event
    plats = ["x"] * len(ids)
    a = {r["interaction_id"]: r for r in thread_links(plats, ids, parents).to_pylist()}
    b = {r["interaction_id"]: r for r in thread_arrays(pa.array(plats), pa.array(ids),
                                                      pa.array(parents, pa.string())).to_pylist()}
    assert a == b and len(b) == 400
    assert b["n5"]["cycle"] and b["n8"]["orphan"] and b["n10"]["depth"] == 0
