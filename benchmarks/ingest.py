"""Ingest throughput: EngageLens (validation + quarantine + dedup, one transaction) next to
DuckDB's own ``read_csv`` into a table, on the same CSV file, in one run.

    .venv/bin/python benchmarks/ingest.py --quick          # 200,000 rows (< 1 min)
    .venv/bin/python benchmarks/ingest.py                  # 10,000,000 rows (the issue's size)
    .venv/bin/python benchmarks/ingest.py --rows 2000000 --dir /tmp/bench

The CSV is generated once (by DuckDB's COPY, deterministic) and reused on later runs. One row
in a thousand is broken on purpose (bad date, negative value, unknown kind) so the quarantine
path runs too. Goal: EngageLens ≥ 0.5× DuckDB's raw ``read_csv`` rate.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from engagelens.ingest import ingest_file
from engagelens.store import Store

# Our own constant SQL (no user data): a synthetic interaction export.
_GENERATE = """
COPY (
  SELECT
    CASE WHEN i % 3 = 0 THEN 'instagram' WHEN i % 3 = 1 THEN 'facebook' ELSE 'x' END AS platform,
    'i' || i AS interaction_id,
    'c' || (i % 5000) AS content_id,
    'u' || ((i * 7919) % 1000003) AS actor_id,
    CASE WHEN i % 1000 = 7 THEN 'coment'
         ELSE (['like','comment','share','view','reply','save'])[1 + i % 6] END AS kind,
    CASE WHEN i % 1000 = 3 THEN '2024-02-30 10:00:00'
         ELSE strftime(TIMESTAMP '2024-01-01' + to_seconds(i % 31536000), '%Y-%m-%d %H:%M:%S') END
      AS occurred_at,
    CASE WHEN i % 1000 = 5 THEN -1.0 WHEN i % 4 = 3 THEN (i % 600) / 10.0 ELSE NULL END AS value,
    CASE WHEN i % 6 IN (1, 4) THEN 'great post #' || (i % 97) || ', love it' ELSE NULL END AS text,
    (i % 50 = 0) AS is_brand
  FROM range(?) t(i)
) TO '{path}' (HEADER, DELIMITER ',')
"""


def generate(path: Path, rows: int) -> None:
    with Store.open(":memory:", migrate=False) as s:
        # the path is ours (a temp or --dir file); COPY targets cannot be bound parameters
        if "'" in str(path):
            raise SystemExit("benchmark path must not contain a quote")
        s.sql(_GENERATE.format(path=path), [rows])


def bench_duckdb(path: Path, work: Path) -> float:
    with Store.open(work / "raw.duckdb", migrate=False) as s:
        t = time.perf_counter()
        s.sql("CREATE TABLE raw AS SELECT * FROM read_csv(?)", [str(path)])
        seconds = time.perf_counter() - t
        n = s.sql("SELECT count(*) FROM raw").fetchone()[0]
    return n / seconds


def bench_engagelens(path: Path, work: Path) -> tuple[float, object]:
    with Store.open(work / "engagelens.duckdb") as s:
        t = time.perf_counter()
        summary = ingest_file(s, path, source="canonical", entity="interaction")
        seconds = time.perf_counter() - t
    return summary.rows_read / seconds, summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--quick", action="store_true", help="200,000 rows")
    ap.add_argument("--dir", type=Path, default=None, help="keep the CSV here (reused next run)")
    args = ap.parse_args(argv)
    rows = 200_000 if args.quick else args.rows
    data_dir = args.dir or Path(tempfile.gettempdir()) / "engagelens-bench"
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / f"interaction-{rows}.csv"
    if not path.exists():
        t = time.perf_counter()
        generate(path, rows)
        took = time.perf_counter() - t
        print(f"generated {path} ({path.stat().st_size / 1e6:,.0f} MB) in {took:.1f} s")
    work = Path(tempfile.mkdtemp(prefix="engagelens-bench-"))
    try:
        raw_rate = bench_duckdb(path, work)
        ours_rate, summary = bench_engagelens(path, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"rows: {rows:,}  file: {path.stat().st_size / 1e6:,.0f} MB")
    print(f"duckdb read_csv → table      {raw_rate:>14,.0f} rows/s")
    print(f"engagelens ingest (validated) {ours_rate:>13,.0f} rows/s   {summary.line()}")  # type: ignore[attr-defined]
    print(f"ratio engagelens / read_csv   {ours_rate / raw_rate:>13.2f}×   (goal ≥ 0.5×)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
