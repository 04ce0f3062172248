"""Generation speed: ``python -m engagelens.demo.bench [N] [--quick] [--full-demo]``.

Prints interaction rows per second (build + write Parquet) and, with ``--full-demo``, the time
of every table and the total row count."""

from __future__ import annotations

import sys
import tempfile
import time

import pyarrow.parquet as pq

from .generate import generate


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    n = 200_000 if "--quick" in args else 4_000_000
    for a in args:
        if a.isdigit():
            n = int(a)
    with tempfile.TemporaryDirectory() as d:
        started = time.perf_counter()
        files = generate(d, interactions=n, seed=1)
        seconds = time.perf_counter() - started
        rows = {t: sum(pq.read_metadata(p).num_rows for p in ps) for t, ps in files.items()}
    total = sum(rows.values())
    print(
        f"{n:,} interactions; all tables {total:,} rows in {seconds:.2f} s "
        f"({total / seconds:,.0f} rows/s)"
    )
    if "--full-demo" in args:
        for t, r in sorted(rows.items()):
            print(f"  {t:<18} {r:>12,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
