"""``engagelens demo``: generate the Lumina Coffee demo, ingest it, analyse its texts and print
a short report (also written as Markdown). A thin wrapper over
:func:`engagelens.demo.pipeline.run_demo`."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer

from engagelens.errors import ConfigError

from .common import DbOption

#: the workspace and user ``--serve-dir`` sets up for the dashboard
DEMO_WORKSPACE = "lumina"
DEMO_USER = "demo"
DEMO_LOGIN_FILE = "login.txt"


@contextlib.contextmanager
def _bars(enabled: bool) -> Iterator[tuple[Any, Any]]:
    """Rich progress bars on stderr: one for generation (rows), one for ingestion (files)."""
    if not enabled:
        yield None, None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description:<28}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        tasks: dict[str, Any] = {}

        def on_rows(table: str, done: int, total: int) -> None:
            if table not in tasks:
                tasks[table] = bar.add_task(f"generate {table}", total=total or None)
            bar.update(tasks[table], completed=done, total=max(total, done) or None)

        def on_file(path: Path, done: int, total: int, summary: object) -> None:
            if "ingest" not in tasks:
                tasks["ingest"] = bar.add_task("ingest files", total=total)
            bar.update(tasks["ingest"], completed=done, description=f"ingest {path.name}"[:28])

        yield on_rows, on_file


def demo(
    db: str | None = DbOption,
    out: Path = typer.Option(
        Path("engagelens-demo-report.md"), "--out", "-o", help="Write the Markdown report here."
    ),
    interactions: int = typer.Option(
        200_000,
        "--interactions",
        "-n",
        min=1_000,
        help="Interaction events to generate (up to 1e9).",
    ),
    seed: int = typer.Option(42, "--seed", help="Same seed, same data, byte for byte."),
    data_dir: Path | None = typer.Option(
        None,
        "--data-dir",
        help="Keep the generated Parquet files here (default: a temporary "
        "folder removed afterwards).",
    ),
    start: str = typer.Option("2026-01-01", "--start", help="First day of the demo (UTC)."),
    days: int = typer.Option(180, "--days", min=14, help="Length of the demo in days."),
    text: bool = typer.Option(True, "--text/--no-text", help="Run text analysis after ingest."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show progress bars."),
    serve_dir: Path | None = typer.Option(
        None,
        "--serve-dir",
        help="Also make this folder a dashboard data folder: the demo becomes its workspace "
        f"{DEMO_WORKSPACE!r} (store DIR/workspaces/{DEMO_WORKSPACE}.duckdb) with a login.",
    ),
) -> None:
    """Generate a synthetic brand, ingest it and print a report (re-runs add nothing)."""
    from engagelens.demo.pipeline import run_demo

    login = None
    if serve_dir is not None:
        db, login = _demo_workspace(serve_dir, db)

    with _bars(progress) as (on_rows, on_file):
        result = run_demo(
            db,
            out=out,
            interactions=interactions,
            seed=seed,
            data_dir=data_dir,
            start=start,
            days=days,
            analyse_text=text,
            generate_progress=on_rows,
            ingest_progress=on_file,
        )
    read, stored, dup, quarantined = result.totals
    typer.echo(
        f"generated {interactions:,} interactions (+ other tables) in "
        f"{result.generate_seconds:.1f} s; ingested {len(result.summaries)} files in "
        f"{result.ingest_seconds:.1f} s"
    )
    typer.echo(
        f"ingest: read {read:,} = stored {stored:,} + duplicates {dup:,} + "
        f"quarantined {quarantined:,}"
    )
    if result.analysed_texts is not None:
        typer.echo(f"text analysis: {result.analysed_texts:,} new texts analysed")
    typer.echo("")
    typer.echo(result.report)
    if result.report_path is not None:
        typer.echo(f"report written to {result.report_path}")
    if serve_dir is not None and login is not None:
        typer.echo(
            f"\ndashboard: engagelens serve --data-dir {serve_dir}\n"
            f"  then open http://127.0.0.1:8000/w/{DEMO_WORKSPACE}/ and log in as "
            f"{login[0]} / {login[1]}  (also in {serve_dir / DEMO_LOGIN_FILE})"
        )


def _demo_workspace(folder: Path, db: str | None) -> tuple[str, tuple[str, str]]:
    """The demo's workspace in ``folder`` (created once) and its login: a random password
    made on the first run, kept in ``folder/login.txt`` (mode 0600) so re-runs can say it."""
    import os
    import secrets

    from engagelens.api.control import Control

    control = Control(folder)
    path = control.workspace_path(DEMO_WORKSPACE)
    if db is not None and Path(db).resolve() != path.resolve():
        raise ConfigError(f"--serve-dir keeps the demo in {path}; drop --db {db}")
    if not any(w["slug"] == DEMO_WORKSPACE for w in control.workspaces()):
        control.create_workspace(DEMO_WORKSPACE, "Lumina Coffee (demo)")
    saved = folder / DEMO_LOGIN_FILE
    if saved.exists():
        user, _, password = saved.read_text(encoding="utf-8").strip().partition(" ")
        return str(path), (user, password)
    password = secrets.token_urlsafe(12)
    control.create_user(DEMO_USER, password)
    control.grant(DEMO_USER, DEMO_WORKSPACE, "admin")
    fd = os.open(saved, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(f"{DEMO_USER} {password}\n")
    return str(path), (DEMO_USER, password)


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
