"""``run_demo``: generate → ingest (source="canonical", one batch per file) → text analysis →
report. The library behind ``engagelens demo``; re-runs store nothing new (natural keys)."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .generate import generate
from .report import build_report
from .writer import Progress


@dataclass
class DemoResult:
    summaries: list[Any] = field(default_factory=list)
    generate_seconds: float = 0.0
    ingest_seconds: float = 0.0
    analysed_texts: int | None = None
    report: str = ""
    report_path: Path | None = None

    @property
    def totals(self) -> tuple[int, int, int, int]:
        """(read, stored, duplicates, quarantined) over every ingested file."""
        s = self.summaries
        return (
            sum(x.rows_read for x in s),
            sum(x.rows_stored for x in s),
            sum(x.rows_duplicate for x in s),
            sum(x.rows_quarantined for x in s),
        )


def run_demo(
    db: str | os.PathLike[str] | None,
    *,
    out: str | os.PathLike[str] | None = None,
    interactions: int = 200_000,
    seed: int = 42,
    data_dir: str | os.PathLike[str] | None = None,
    start: str = "2026-01-01",
    days: int = 180,
    analyse_text: bool = True,
    generate_progress: Progress | None = None,
    ingest_progress: Callable[[Path, int, int, Any], None] | None = None,
) -> DemoResult:
    from engagelens.ingest import ingest_file
    from engagelens.store import Store

    result = DemoResult()
    folder = Path(data_dir) if data_dir is not None else Path(tempfile.mkdtemp(prefix="el-demo-"))
    try:
        started = time.perf_counter()
        files = generate(
            folder,
            interactions=interactions,
            seed=seed,
            start=start,
            days=days,
            progress=generate_progress,
        )
        result.generate_seconds = time.perf_counter() - started
        paths = [p for table in sorted(files) for p in files[table]]
        with Store.open(db) as store:
            started = time.perf_counter()
            for n, path in enumerate(paths, 1):
                summary = ingest_file(store, path, source="canonical")
                result.summaries.append(summary)
                if ingest_progress is not None:
                    ingest_progress(path, n, len(paths), summary)
            result.ingest_seconds = time.perf_counter() - started
            if analyse_text:
                from engagelens.text import analyze_store

                result.analysed_texts = analyze_store(store)
            result.report = build_report(
                store, result.summaries, interactions=interactions, seed=seed
            )
    finally:
        if data_dir is None:
            shutil.rmtree(folder, ignore_errors=True)
    if out is not None:
        path = Path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(result.report, encoding="utf-8")
        result.report_path = path
    return result


__all__ = ["DemoResult", "run_demo"]
