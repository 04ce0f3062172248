"""Outbound benchmark: threading and reply-time metrics over synthetic conversations, next to
a hand-written DuckDB SQL of the same figures, in one run.

    .venv/bin/python benchmarks/outbound.py --rows 10000000
    .venv/bin/python benchmarks/outbound.py --quick          # 500k rows

Synthetic threads: audience comments on posts (roots); audience replies under earlier items
(branching, depth grows geometrically rarer); brand replies to ~30% of audience items after a
log-normal delay, a few before them (clock skew), ~1% duplicated events, ~0.5% replies whose
parent is missing; posts (400 items each) spread over 50 accounts. Goal: EngageLens ≤ 1.5× the
hand-written SQL, for the headline figures and for reply rate + median reply time by account.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import ibis
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from engagelens.engage.conversations import conversations
from engagelens.engage.measures import summary
from engagelens.metrics import compute
from engagelens.metrics.cache import auto_cache
from engagelens.store import Store

METRICS = [
    "inbound_volume",
    "answered_count",
    "reply_rate",
    "reply_time_mean",
    "reply_time_median",
    "reply_time_p90",
]


#: accounts the synthetic posts spread over (the per-account race groups by them)
ACCOUNTS = 50


def _ids(prefix: str, nums: np.ndarray) -> pa.Array:
    """``prefix`` + decimal ``nums`` as an Arrow string array (vectorised)."""
    return pc.binary_join_element_wise(prefix, pa.array(nums).cast(pa.string()), "")


def synthesize(rows: int, seed: int = 7) -> pa.Table:
    rng = np.random.default_rng(seed)
    n_aud = int(rows * 0.77)
    start = np.datetime64("2026-01-01T00:00:00", "s")
    t_aud = start + rng.integers(0, 90 * 86400, n_aud).astype("timedelta64[s]")
    is_reply = rng.random(n_aud) < 0.35
    idx = np.arange(n_aud)
    # a reply answers an earlier audience item (recent ones more likely): branching threads
    back = np.minimum(idx, rng.geometric(0.02, n_aud))
    parent_idx = np.where(is_reply & (idx > 0), idx - back, -1)
    missing = rng.random(n_aud) < 0.005
    parent = pc.if_else(
        pa.array(missing),
        _ids("gone", idx),
        pc.if_else(
            pa.array(parent_idx >= 0),
            _ids("a", np.maximum(parent_idx, 0)),
            pa.nulls(n_aud, pa.string()),
        ),
    )
    aud = pa.table(
        {
            "interaction_id": _ids("a", idx),
            "content_id": _ids("p", idx // 400),
            "actor_id": _ids("u", rng.integers(0, n_aud // 3 + 1, n_aud)),
            "kind": pc.if_else(parent.is_null(), "comment", "reply"),
            "occurred_at": pa.array(t_aud.astype("datetime64[us]")),
            "parent_id": parent,
            "is_brand": pa.array(np.zeros(n_aud, bool)),
            "agent": pa.nulls(n_aud, pa.string()),
        }
    )
    n_brand = rows - n_aud - int(rows * 0.01)
    answered = rng.choice(n_aud, size=min(n_brand, n_aud), replace=True)
    delay = rng.lognormal(8, 1.5, answered.size).astype("int64")
    delay[rng.random(answered.size) < 0.01] *= -1  # clock skew
    brand = pa.table(
        {
            "interaction_id": _ids("b", np.arange(answered.size)),
            "content_id": aud["content_id"].take(pa.array(answered)),
            "actor_id": pa.array(np.full(answered.size, "brand")),
            "kind": pa.array(np.full(answered.size, "reply")),
            "occurred_at": pa.array(
                (t_aud[answered] + delay.astype("timedelta64[s]")).astype("datetime64[us]")
            ),
            "parent_id": _ids("a", answered),
            "is_brand": pa.array(np.ones(answered.size, bool)),
            "agent": pa.array(rng.choice(np.array(["ann", "bob", "cy"]), answered.size)),
        }
    )
    both = pa.concat_tables([aud, brand]).combine_chunks()
    dup = rng.choice(both.num_rows, size=rows - both.num_rows, replace=False)
    t = pa.concat_tables([both, both.take(pa.array(dup))]).combine_chunks()
    n = t.num_rows
    # every post belongs to one of ACCOUNTS accounts, and its events carry that account
    post = pc.cast(pc.utf8_slice_codeunits(t["content_id"], 1), pa.int64()).to_numpy()
    account = _ids("acct", post % ACCOUNTS)
    return t.append_column("platform", pa.array(np.full(n, "facebook"))).append_column(
        "account_id", account
    )


HAND_SQL = """
WITH own AS (SELECT DISTINCT platform, account_id FROM account WHERE is_own),
d AS (
  SELECT i.platform, i.interaction_id, min(i.kind) AS kind, min(i.occurred_at) AS occurred_at,
         min(i.parent_id) AS parent_id,
         bool_or(coalesce(i.is_brand, false) OR o.account_id IS NOT NULL) AS is_brand
  FROM interaction i LEFT JOIN own o ON i.platform = o.platform AND i.actor_id = o.account_id
  GROUP BY i.platform, i.interaction_id),
items AS (SELECT * FROM d WHERE NOT is_brand
          AND kind IN ('comment','reply','mention','tag','dm','quote')),
first AS (SELECT platform, parent_id, min(occurred_at) AS reply_at FROM d
          WHERE is_brand AND parent_id IS NOT NULL GROUP BY platform, parent_id),
j AS (SELECT CASE WHEN f.reply_at IS NOT NULL
                  THEN greatest(epoch(f.reply_at) - epoch(i.occurred_at), 0) END AS s,
             f.reply_at IS NOT NULL AS answered
      FROM items i LEFT JOIN first f ON i.platform = f.platform AND i.interaction_id = f.parent_id)
SELECT count(*) AS inbound_volume, count(*) FILTER (answered) AS answered_count,
       (count(*) FILTER (answered))::DOUBLE / count(*) AS reply_rate,
       avg(s) AS reply_time_mean, median(s) AS reply_time_median,
       quantile_disc(s, 0.9) AS reply_time_p90
FROM j
"""

#: reply rate and median first-reply time per account, as a hand-written report would
HAND_ACCOUNT_SQL = """
WITH own AS (SELECT DISTINCT platform, account_id FROM account WHERE is_own),
d AS (
  SELECT i.platform, i.interaction_id, min(i.kind) AS kind, min(i.occurred_at) AS occurred_at,
         min(i.parent_id) AS parent_id, min(i.account_id) AS account_id,
         bool_or(coalesce(i.is_brand, false) OR o.account_id IS NOT NULL) AS is_brand
  FROM interaction i LEFT JOIN own o ON i.platform = o.platform AND i.actor_id = o.account_id
  GROUP BY i.platform, i.interaction_id),
items AS (SELECT * FROM d WHERE NOT is_brand
          AND kind IN ('comment','reply','mention','tag','dm','quote')),
first AS (SELECT platform, parent_id, min(occurred_at) AS reply_at FROM d
          WHERE is_brand AND parent_id IS NOT NULL GROUP BY platform, parent_id),
j AS (SELECT i.platform, i.account_id,
             CASE WHEN f.reply_at IS NOT NULL
                  THEN greatest(epoch(f.reply_at) - epoch(i.occurred_at), 0) END AS s,
             f.reply_at IS NOT NULL AS answered
      FROM items i LEFT JOIN first f ON i.platform = f.platform AND i.interaction_id = f.parent_id)
SELECT platform, account_id, (count(*) FILTER (answered))::DOUBLE / count(*) AS reply_rate,
       median(s) AS reply_time_median
FROM j GROUP BY platform, account_id ORDER BY platform, account_id
"""

HAND_THREAD_SQL = """
WITH RECURSIVE d AS (SELECT DISTINCT platform, interaction_id, parent_id FROM interaction),
roots AS (SELECT c.platform, c.interaction_id FROM d c LEFT JOIN d p
          ON c.platform = p.platform AND c.parent_id = p.interaction_id
          WHERE c.parent_id IS NULL OR p.interaction_id IS NULL),
walk(platform, interaction_id, conversation_id, depth) AS (
  SELECT platform, interaction_id, interaction_id, 0 FROM roots
  UNION ALL
  SELECT c.platform, c.interaction_id, w.conversation_id, w.depth + 1 FROM walk w
  JOIN d c ON c.platform = w.platform AND c.parent_id = w.interaction_id WHERE w.depth < 1000)
SELECT count(*) AS threaded, count(DISTINCT (platform, conversation_id)) AS conversations,
       max(depth) AS max_depth, sum(depth) AS depth_sum,
       sum(hash(platform, interaction_id, conversation_id, depth)) AS fingerprint
FROM walk
"""

#: the same figures from EngageLens's threading output (an Arrow table registered in DuckDB)
THREAD_FIGURES_SQL = """
SELECT count(*) AS threaded, count(DISTINCT (platform, conversation_id)) AS conversations,
       max(depth) AS max_depth, sum(depth) AS depth_sum,
       sum(hash(platform, interaction_id, conversation_id, depth)) AS fingerprint
FROM __el_conv
"""


def race(contenders: dict[str, Callable[[], object]], repeat: int) -> tuple[dict[str, float], dict]:
    """Median wall time of each contender over ``repeat`` rounds, run *interleaved* (a
    different order each round) so that load from other processes on a shared machine hits
    every side alike. Returns (median seconds, last result) per contender."""
    names = list(contenders)
    times: dict[str, list[float]] = {name: [] for name in names}
    out: dict[str, object] = {}
    for r in range(repeat):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            t0 = time.perf_counter()
            out[name] = contenders[name]()
            times[name].append(time.perf_counter() - t0)
    return {name: statistics.median(ts) for name, ts in times.items()}, out


def check_equal(figures: dict[str, dict[str, float]]) -> None:
    """Every side must give *identical* figures (exact equality, no tolerance): counts are
    integers, the mean is an integer sum ÷ a count, median and p90 are order statistics."""
    ref_name, ref = next(iter(figures.items()))
    for name, got in figures.items():
        bad = {m: (got[m], ref[m]) for m in ref if got[m] != ref[m]}
        if bad:
            raise SystemExit(f"MISMATCH {name} vs {ref_name}: {bad}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--quick", action="store_true", help="500k rows")
    ap.add_argument("--repeat", type=int, default=3, help="rounds per race (median kept)")
    ap.add_argument("--no-threading", action="store_true", help="reply metrics only")
    args = ap.parse_args()
    rows = 500_000 if args.quick else args.rows
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "bench.duckdb")
        t0 = time.perf_counter()
        data = synthesize(rows)
        store.insert("interaction", data)
        store.insert("account", [{"platform": "facebook", "account_id": "brand", "is_own": True}])
        print(f"rows {data.num_rows:,}  (generated and stored in {time.perf_counter() - t0:.1f}s)")
        del data
        con = store.raw()
        t0 = time.perf_counter()
        compiled = str(ibis.to_sql(compute(store, METRICS, by="total")))
        t_py = time.perf_counter() - t0
        best, out = race(
            {
                "hand SQL": lambda: con.execute(HAND_SQL).df(),
                "summary()": lambda: summary(store).to_pandas(),
                "compute()": lambda: compute(store, METRICS, by="total").to_pandas(),
            },
            args.repeat,
        )
        figures = {k: {m: float(v[m].iloc[0]) for m in METRICS} for k, v in out.items()}
        check_equal(figures)
        base = best["hand SQL"]
        print(
            f"reply metrics   hand SQL {base:7.2f}s   summary() {best['summary()']:7.2f}s "
            f"({best['summary()'] / base:.2f}x)   compute() {best['compute()']:7.2f}s "
            f"({best['compute()'] / base:.2f}x)   [compute(): {t_py:.2f}s of it builds and "
            f"compiles {len(compiled):,} chars of SQL]"
        )
        print(
            "   identical on all sides: "
            + "  ".join(f"{m}={figures['hand SQL'][m]:.10g}" for m in METRICS)
        )
        by_account = ["reply_rate", "reply_time_median"]

        def per_account() -> object:
            auto_cache(store).release()  # every round from the events, like the hand SQL
            return compute(store, by_account, by="account").to_pandas()

        best, out = race(
            {
                "hand SQL": lambda: con.execute(HAND_ACCOUNT_SQL).df(),
                "compute()": per_account,
            },
            args.repeat,
        )
        figures = {
            side: {
                f"{m}[{row['platform']}/{row['account_id']}]": repr(row[m])
                for _, row in frame.sort_values(["platform", "account_id"]).iterrows()
                for m in by_account
            }
            for side, frame in out.items()
        }
        check_equal(figures)
        print(
            f"by account      hand SQL {best['hand SQL']:7.2f}s   compute() "
            f"{best['compute()']:7.2f}s ({best['compute()'] / best['hand SQL']:.2f}x)   "
            f"[reply_rate + reply_time_median, {len(out['hand SQL'])} accounts]"
        )
        if args.no_threading:
            store.close()
            return
        best, out = race(
            {
                "hand SQL": lambda: con.execute(HAND_THREAD_SQL).fetchone(),
                "EngageLens": lambda: conversations(store),
            },
            args.repeat,
        )
        con.register("__el_conv", out["EngageLens"])
        mine = con.execute(THREAD_FIGURES_SQL).fetchone()
        con.unregister("__el_conv")
        names = ("threaded", "conversations", "max_depth", "depth_sum", "fingerprint")
        check_equal(
            {
                "hand SQL": dict(zip(names, out["hand SQL"], strict=True)),
                "EngageLens": dict(zip(names, mine, strict=True)),
            }
        )
        print(
            f"threading       hand SQL {best['hand SQL']:7.2f}s   "
            f"EngageLens {best['EngageLens']:7.2f}s ({best['EngageLens'] / best['hand SQL']:.2f}x)"
        )
        print(
            "   identical on both sides: "
            + "  ".join(f"{k}={v:,}" for k, v in zip(names, mine, strict=True))
        )
        store.close()


if __name__ == "__main__":
    main()
