"""Benchmark: one plain ``compute()`` asked again and again on a small store (the dashboard's
and the API's case, where Ibis' building and compiling outweigh the engine's work).

    .venv/bin/python benchmarks/metrics_repeat.py

Times (ms, medians of --rounds): the first call, the second (compiled into a view), warm calls
(the view), and calls right after a store version bump (what the API does when an ingest lands:
every view and fact table is dropped; the compiled SQL refills them). Prints the store cache's
hit counts.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

FIXTURE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "metrics" / "small.json"
NAMES = ["interactions", "engagement_rate_by_reach", "engagement_score"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    from engagelens.metrics import all_metrics, compute
    from engagelens.metrics.cache import auto_cache
    from engagelens.metrics.fixtures import load_fixture
    from engagelens.store import Store

    all_metrics()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "bench.duckdb")
        load_fixture(store, FIXTURE)

        def call() -> float:
            t0 = time.perf_counter()
            compute(store, NAMES, by="account_day").to_pyarrow()
            return (time.perf_counter() - t0) * 1000

        first, second = call(), call()
        warm = statistics.median(call() for _ in range(args.rounds))
        after = []
        for _ in range(args.rounds):
            store.generation += 1  # as Workspace.refresh_version after an ingest
            after.append(call())
        cache = auto_cache(store)
        asked = cache.query_hits + cache.query_misses
        print(
            f"first {first:.0f} ms  second {second:.0f} ms  warm {warm:.1f} ms  "
            f"after a write {statistics.median(after):.1f} ms  query cache "
            f"{cache.query_hits}/{asked} hits ({getattr(cache, 'sql_hits', 0)} from compiled SQL)"
        )
        store.close()


if __name__ == "__main__":
    main()
