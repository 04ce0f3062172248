"""``engagelens ingest FILE… [--source NAME | --mapping FILE]``: a thin wrapper over
:func:`engagelens.ingest.ingest_file` that prints ``read = stored + duplicates + quarantined``
per file, with a Rich progress bar for large files."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

import typer

from engagelens.errors import IngestError

from .common import DbOption, open_db
from .safe_text import plain_text, rich_text

#: files at least this big get a progress bar
PROGRESS_MIN_BYTES = 20 * 1024 * 1024


@contextlib.contextmanager
def _bar(path: Path, quiet: bool) -> Iterator[Callable[[float], None] | None]:
    if quiet or path.stat().st_size < PROGRESS_MIN_BYTES:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(rich_text(path.name, 40), total=1.0)  # shown as markup
        yield lambda fraction: bar.update(task, completed=fraction)


def ingest(
    files: list[Path] = typer.Argument(
        ..., help="Files or folders (CSV, TSV, JSON, JSON Lines, Parquet)."
    ),
    source: str | None = typer.Option(
        None,
        "--source",
        "-s",
        help="Built-in source: facebook, instagram, x, youtube, tiktok, linkedin, twcs, "
        "canonical; or a connector: airbyte, dlt, graph_insights, instagram_media.",
    ),
    mapping: Path | None = typer.Option(
        None, "--mapping", "-m", help="YAML mapping file (docs/ingest.md)."
    ),
    entity: str | None = typer.Option(None, "--entity", help="Target table for canonical files."),
    encoding: str | None = typer.Option(
        None, "--encoding", help="Force an encoding, e.g. cp1252 (default: sniffed)."
    ),
    analyze: bool = typer.Option(
        False, "--analyze", help="Afterwards, run text analysis on the new rows."
    ),
    on_conflict: str | None = typer.Option(
        None,
        "--on-conflict",
        help="Rows of one file sharing a key with different values: first (default), last "
        "or quarantine (setting on_conflict).",
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Only the total line."),
    db: str | None = DbOption,
) -> None:
    """Ingest export files; each file is one batch (all-or-nothing, re-runs store nothing twice)."""
    from engagelens.ingest import expand_paths, ingest_file

    if source and mapping:
        raise IngestError("give either --source or --mapping, not both")
    paths = expand_paths(files)
    store = open_db(db, create=True)
    try:
        totals = [0, 0, 0, 0]
        for path in paths:
            with _bar(path, quiet) as progress:
                s = ingest_file(
                    store,
                    path,
                    source=source,
                    mapping=mapping,
                    entity=entity,
                    encoding=encoding,
                    progress=progress,
                    on_conflict=on_conflict,
                )
            for i, v in enumerate(
                (s.rows_read, s.rows_stored, s.rows_duplicate, s.rows_quarantined)
            ):
                totals[i] += v
            if not quiet:
                typer.echo(
                    f"{plain_text(path)}: {s.line()}  [batch {s.batch_id}, {s.source} → "
                    f"{s.entity}, {s.seconds:.1f} s]"
                )
                for line in conflict_lines(s.conflicts):
                    typer.echo(line)
                for d in s.suspicious_dates:
                    where = ", ".join(str(n) for n in d["lines"])
                    word = "line" if len(d["lines"]) == 1 else "lines"
                    typer.echo(f"  dates {d['field']}: {plain_text(d['message'])} ({word} {where})")
        if len(paths) > 1 or quiet:
            typer.echo(
                f"total: read {totals[0]:,} = stored {totals[1]:,} + duplicates "
                f"{totals[2]:,} + quarantined {totals[3]:,}"
            )
        if totals[3]:
            typer.echo("see why rows were quarantined: engagelens quarantine list")
        if analyze:
            from engagelens.text import analyze_store

            added = analyze_store(store)
            typer.echo(f"text analysis: {added:,} new rows analysed")
    finally:
        store.close()


def _shown(value: object) -> str:
    text = plain_text(repr(value) if isinstance(value, str) else value)
    return text if len(text) <= 60 else text[:57] + "…"


def conflict_lines(conflicts: list[dict[str, object]]) -> list[str]:
    """One line per example of a key repeated with different values: the table and key, how
    many rows and their first and last line, and each differing field's two values."""
    out = []
    for c in conflicts:
        key = ", ".join(f"{k}={_shown(v)}" for k, v in dict(c["key"]).items())  # type: ignore[call-overload]
        first, last = dict(c["first"]), dict(c["last"])  # type: ignore[call-overload]
        lines = list(c["lines"])  # type: ignore[call-overload]
        values = "; ".join(f"{f}: {_shown(first[f])} | {_shown(last[f])}" for f in first)
        out.append(
            f"  conflict {c['table']} {key} ({c['rows']} rows, lines {lines[0]} and "
            f"{lines[-1]}): {values}"
        )
    return out


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)


__all__ = ["register"]
