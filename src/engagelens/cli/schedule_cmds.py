"""``engagelens schedule``: reports delivered every day or week (run ``schedule run`` from cron
or a systemd timer; it sends each complete period once)."""

from __future__ import annotations

import datetime as dt
import json

import typer

from engagelens.errors import ConfigError

from .common import DbOption, open_db
from .safe_text import plain_text

schedule_app = typer.Typer(
    help="Scheduled reports: add, list, remove, run, history.", no_args_is_help=True
)


@schedule_app.command("add")
def schedule_add(
    name: str,
    every: str = typer.Option(..., "--every", help="daily (yesterday) or weekly (last Mon–Mon)."),
    channel: str = typer.Option(
        ..., "--channel", help="http(s):// webhook, mailto:to@x?smtp=host:port, stdout or log."
    ),
    scope: str = typer.Option("own", "--scope", help="own (default), competitor or all."),
    account: list[str] = typer.Option(
        [], "--account", help="Account id (repeat); overrides --scope."
    ),
    fmt: str = typer.Option("pdf", "--format", help="pdf (attached) or html."),
    db: str | None = DbOption,
) -> None:
    """Create or replace a scheduled report."""
    from engagelens.reports.schedule import add_schedule

    from .checks import resolve_accounts

    with open_db(db) as store:
        add_schedule(
            store,
            name,
            every=every,
            channel=channel,
            scope=scope,
            accounts=resolve_accounts(store, account),
            fmt=fmt,
        )
    typer.echo(f"saved schedule {plain_text(name)}: {every} {fmt} to {plain_text(channel)}")


@schedule_app.command("list")
def schedule_list(as_json: bool = typer.Option(False, "--json"), db: str | None = DbOption) -> None:
    """Show the scheduled reports."""
    from engagelens.reports.schedule import list_schedules

    with open_db(db) as store:
        rows = list_schedules(store)
    if as_json:
        typer.echo(json.dumps(rows, default=str, ensure_ascii=False, indent=2))
        return
    if not rows:
        typer.echo(
            "no scheduled reports; add one with "
            "`engagelens schedule add NAME --every weekly --channel URL`"
        )
    for r in rows:
        who = ", ".join(json.loads(r["accounts"] or "[]")) or r["scope"]
        typer.echo(
            f"{plain_text(r['name'])}\t{r['every']}\t{r['format']}\t{plain_text(who)}\t{plain_text(r['channel'])}"
        )


@schedule_app.command("remove")
def schedule_remove(name: str, db: str | None = DbOption) -> None:
    """Delete a scheduled report (its delivery history stays)."""
    from engagelens.reports.schedule import remove_schedule

    with open_db(db) as store:
        remove_schedule(store, name)
    typer.echo(f"removed schedule {plain_text(name)}")


@schedule_app.command("run")
def schedule_run(
    now: str | None = typer.Option(
        None, "--now", help="Pretend it is this UTC time (ISO), e.g. to send last week again."
    ),
    db: str | None = DbOption,
) -> None:
    """Deliver every report whose last complete period has not been sent; exit 1 if any
    delivery failed (it is retried on the next run)."""
    from engagelens.reports.schedule import run_due

    moment = None
    if now is not None:
        try:
            moment = dt.datetime.fromisoformat(now)
        except ValueError:
            raise ConfigError(f"--now {now!r} is not an ISO date-time") from None
        if moment.tzinfo is not None:
            moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    with open_db(db) as store:
        done = run_due(store, now=moment)
    if not done:
        typer.echo("nothing due: every schedule's last complete period was sent")
    for d in done:
        typer.echo(
            f"{plain_text(d.schedule)}\t{d.period_start:%Y-%m-%d} – {d.period_end:%Y-%m-%d}\t"
            f"{d.status}\t{plain_text(d.detail, 200)}"
        )
    if any(d.status != "sent" for d in done):
        raise typer.Exit(1)


@schedule_app.command("history")
def schedule_history(
    name: str | None = typer.Option(None, "--name", help="Only this schedule."),
    as_json: bool = typer.Option(False, "--json"),
    db: str | None = DbOption,
) -> None:
    """Every delivery attempt: period, time, sent or failed and why."""
    from engagelens.reports.schedule import deliveries

    with open_db(db) as store:
        rows = deliveries(store, name)
    if as_json:
        typer.echo(json.dumps(rows, default=str, ensure_ascii=False, indent=2))
        return
    for r in rows:
        typer.echo(
            f"{plain_text(r['schedule'])}\t{r['period_start']:%Y-%m-%d}"
            f"\t{r['attempted_at']:%Y-%m-%d %H:%M}\t{r['status']}\t{plain_text(r['detail'], 200)}"
        )


def register(app: typer.Typer) -> None:
    app.add_typer(schedule_app, name="schedule")


__all__ = ["register"]
