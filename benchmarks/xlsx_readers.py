"""Benchmark: reading an XLSX export with python-calamine vs openpyxl (read-only mode).

    .venv/bin/python benchmarks/xlsx_readers.py              # 50,000 rows x 12 columns
    .venv/bin/python benchmarks/xlsx_readers.py --rows 200000

Why: Sprout, Hootsuite, Meta Business Suite and LinkedIn hand out XLSX; ingest reads a sheet
row by row into text. The sheet is shaped like a post export (ids, text with emoji, dates,
counters). Both readers run in this process on the same file; the ratio is what to read.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path


def write_sheet(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("All posts")
    ws.append(
        [
            "Post ID",
            "Network",
            "Text",
            "Published",
            "Impressions",
            "Reach",
            "Likes",
            "Comments",
            "Shares",
            "Clicks",
            "Engagement rate",
            "Tags",
        ]
    )
    start = dt.datetime(2024, 1, 1, 9, 30)
    for i in range(rows):
        ws.append(
            [
                f"1790{i:012d}",
                "Instagram",
                f"Spring drop 🌸 #{i % 97} — “quoted”, ok",
                start + dt.timedelta(minutes=17 * i),
                1000 + i % 5000,
                800 + i % 4000,
                i % 300,
                i % 40,
                i % 25,
                i % 90,
                round((i % 300) / 1000, 4),
                "a;b",
            ]
        )
    wb.save(path)


def read_calamine(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    n = 0
    for _row in wb.get_sheet_by_index(0).iter_rows():
        n += 1
    return n


def read_openpyxl(path: Path) -> int:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    n = 0
    for _row in wb.worksheets[0].iter_rows(values_only=True):
        n += 1
    wb.close()
    return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=50_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.xlsx"
        write_sheet(path, args.rows)
        print(f"sheet: {args.rows:,} rows x 12 columns, {path.stat().st_size / 1e6:.1f} MB")
        times = {}
        for name, fn in (("openpyxl", read_openpyxl), ("calamine", read_calamine)):
            t0 = time.perf_counter()
            n = fn(path)
            times[name] = time.perf_counter() - t0
            print(f"{name:9s} {times[name]:7.2f} s  ({n:,} rows incl. header)")
        print(f"ratio openpyxl / calamine: {times['openpyxl'] / times['calamine']:.1f}x")


if __name__ == "__main__":
    main()
