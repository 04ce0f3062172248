"""``engagelens init``, ``batches``, ``quarantine list|show|export`` and ``settings``: thin
wrappers over the store and :mod:`engagelens.ingest.quarantine`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from .common import DbOption, open_db
from .safe_text import plain_text

quarantine_app = typer.Typer(
    help="Rows rejected by ingestion, with line and reason.", no_args_is_help=True
)


def init(db: str | None = DbOption) -> None:
    """Create the store (or bring it to the current schema)."""
    from engagelens.store import SCHEMA_VERSION

    store = open_db(db, create=True)
    try:
        typer.echo(
            f"store ready: {store.url} (schema version {SCHEMA_VERSION}, "
            f"{len(store.list_tables())} tables)"
        )
    finally:
        store.close()


def batches(
    limit: int = typer.Option(20, help="How many (newest first)."),
    as_json: bool = typer.Option(False, "--json"),
    db: str | None = DbOption,
) -> None:
    """Ingest batches: file, source, and read = stored + duplicates + quarantined."""
    from engagelens.ingest.quarantine import batches as list_batches

    store = open_db(db)
    try:
        data = list_batches(store, limit)
    finally:
        store.close()
    if as_json:
        typer.echo(json.dumps(data, default=str, ensure_ascii=False, indent=1))
        return
    if not data:
        typer.echo("no batches yet: engagelens ingest FILE")
        return
    for b in data:
        typer.echo(
            f"#{b['batch_id']}\t{b['finished_at']:%Y-%m-%d %H:%M}\t{plain_text(b['source'])}"
            f"\t{b['entity']}\tread {b['rows_read']:,} = stored {b['rows_stored']:,} + "
            f"duplicates {b['rows_duplicate']:,} + quarantined {b['rows_quarantined']:,}"
            f"\t{plain_text(b['file'])}"
        )


@quarantine_app.command("list")
def quarantine_list(
    batch: int | None = typer.Option(None, "--batch", help="One batch only."),
    db: str | None = DbOption,
) -> None:
    """Quarantined rows counted by batch and reason."""
    from engagelens.ingest.quarantine import reasons

    store = open_db(db)
    try:
        data = reasons(store, batch)
    finally:
        store.close()
    if not data:
        typer.echo("nothing quarantined")
        return
    for r in data:
        typer.echo(
            f"#{r['batch_id']}\t{r['rows']:,} rows\tfirst line {r['first_line']}\t"
            f"{plain_text(r['reason'], 160)}"
        )


@quarantine_app.command("show")
def quarantine_show(
    batch: int | None = typer.Argument(None, help="Batch id (default: all)."),
    reason: str | None = typer.Option(None, help="Only reasons containing this."),
    limit: int = typer.Option(50, help="At most this many rows."),
    width: int = typer.Option(120, help="Cut raw rows to this many characters."),
    db: str | None = DbOption,
) -> None:
    """Quarantined rows with their line, reason and raw text."""
    from engagelens.ingest.quarantine import rows

    store = open_db(db)
    try:
        data = rows(store, batch, reason=reason, limit=limit)
    finally:
        store.close()
    for r in data:
        record = f" (record {r['record']})" if r.get("record") is not None else ""
        typer.echo(f"#{r['batch_id']} line {r['line']}{record}: {plain_text(r['reason'], 200)}")
        typer.echo(f"    {plain_text(r['raw'], width)}")
    if not data:
        typer.echo("nothing quarantined")


@quarantine_app.command("export")
def quarantine_export(
    out: Path | None = typer.Argument(None, help="File to write (default: stdout)."),
    batch: int | None = typer.Option(None, "--batch"),
    fmt: str = typer.Option("csv", "--format", help="csv or jsonl."),
    db: str | None = DbOption,
) -> None:
    """Export quarantined rows (CSV cells that look like formulas are neutralised)."""
    from engagelens.ingest.quarantine import export

    store = open_db(db)
    try:
        n = export(store, out if out is not None else sys.stdout, batch_id=batch, fmt=fmt)
    finally:
        store.close()
    if out is not None:
        typer.echo(f"wrote {n:,} rows to {plain_text(out)}")


def settings_cmd(
    as_json: bool = typer.Option(False, "--json"),
    markdown: bool = typer.Option(
        False, "--markdown", help="The settings reference page (docs/settings.md), no values."
    ),
) -> None:
    """Every setting with its value, default, environment variable and meaning."""
    from engagelens import settings

    if markdown:
        typer.echo(settings.markdown(), nl=False)
        return
    values = settings.load()
    rows = [
        {
            "name": s.name,
            "value": values[s.name],
            "default": s.default,
            "env": s.env,
            "help": s.help,
        }
        for s in settings.SETTINGS
    ]
    if as_json:
        typer.echo(json.dumps(rows, default=str, indent=1))
        return
    for r in rows:
        shown = "(set)" if r["name"] == "secret_key" and r["value"] else r["value"]
        typer.echo(f"{r['name']} = {shown!r}\t[{r['env']}]\t{r['help']}")


WorkspaceOption = typer.Option(
    None,
    "--workspace",
    "-w",
    help="A server workspace (its file under <data_dir>/workspaces) instead of --db.",
)


DataDirOption = typer.Option(
    None, "--data-dir", help="The server's data folder (default: the data_dir setting)."
)


def _store_path(
    db: str | None, workspace: str | None, data_dir: Path | None, *, must_exist: bool
) -> Path:
    """The store file named by --db or --workspace (one of them), checked before any copy."""
    from engagelens import settings
    from engagelens.errors import ConfigError

    if db and workspace:
        raise ConfigError("give --db or --workspace, not both")
    if workspace:
        from engagelens.api.control import Control

        path = Control(data_dir or settings.get("data_dir")).workspace_path(workspace)
    else:
        raw = db if db is not None else str(settings.get("db"))
        if "://" in raw and not raw.startswith("duckdb://"):
            raise ConfigError(f"backup and restore work on DuckDB store files, not {raw!r}")
        path = Path(raw.removeprefix("duckdb://"))
    if must_exist and not path.is_file():
        raise ConfigError(f"no store at {path}")
    return path


def _echo_counts(verb: str, path: Path, counts: dict[str, int]) -> None:
    typer.echo(f"{verb} {plain_text(path)}: {len(counts)} tables, {sum(counts.values()):,} rows")
    for name, n in sorted(counts.items()):
        if n:
            typer.echo(f"  {name}\t{n:,}")


def backup_cmd(
    dest: Path = typer.Argument(..., help="Backup file to write (a DuckDB file)."),
    force: bool = typer.Option(False, "--force", help="Replace an existing backup file."),
    workspace: str | None = WorkspaceOption,
    data_dir: Path | None = DataDirOption,
    db: str | None = DbOption,
) -> None:
    """Copy a store (or a workspace) to one file, checked table by table."""
    from engagelens.store import Store
    from engagelens.store.backup import backup

    path = _store_path(db, workspace, data_dir, must_exist=True)
    with Store.open(path) as store:
        counts = backup(store, dest, force=force)
    _echo_counts("backed up to", dest, counts)


def restore_cmd(
    source: Path = typer.Argument(..., help="Backup file written by engagelens backup."),
    force: bool = typer.Option(False, "--force", help="Replace the existing store."),
    workspace: str | None = WorkspaceOption,
    data_dir: Path | None = DataDirOption,
    db: str | None = DbOption,
) -> None:
    """Put a backup in place as the store (or workspace); refuses to overwrite without --force."""
    from engagelens.store.backup import restore

    path = _store_path(db, workspace, data_dir, must_exist=False)
    counts = restore(source, path, force=force)
    _echo_counts("restored to", path, counts)


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("backup")(backup_cmd)
    app.command("restore")(restore_cmd)
    app.command("batches")(batches)
    app.add_typer(quarantine_app, name="quarantine")
    app.command("settings")(settings_cmd)


__all__ = ["register"]
