"""``engagelens inbox list|show|mark-replied|assign`` and ``engagelens goals report``: thin
wrappers over engagelens.engage. User text is escaped (rich markup) and stripped of control
and bidi characters before it reaches the terminal."""

from __future__ import annotations

import datetime as dt
import json

import typer

from .common import DbOption, open_db
from .safe_text import plain_text, rich_text

inbox_app = typer.Typer(help="Unanswered inbound items, prioritised.", no_args_is_help=True)
goals_app = typer.Typer(
    help="Outbound goals: reply rate and reply time attainment.", no_args_is_help=True
)


def _now(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


@inbox_app.command("list")
def inbox_list(
    limit: int = typer.Option(20, help="Show the top N items."),
    assignee: str | None = typer.Option(None, help="Only items assigned to this agent."),
    now: str | None = typer.Option(None, help="Rank as of this UTC time (ISO), default now."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    db: str | None = DbOption,
) -> None:
    """Unanswered items, highest priority first, with the score's parts."""
    from rich.console import Console
    from rich.table import Table

    from engagelens.engage.inbox import inbox

    with open_db(db) as store:
        items = inbox(store, now=_now(now), assignee=assignee, limit=limit)
    if as_json:
        typer.echo(
            json.dumps([i.to_dict() for i in items], ensure_ascii=False, indent=2, default=str)
        )
        return
    from engagelens.metrics.units import duration

    # 80 columns: short fixed columns never wrap; "why" and the text fold; no empty assignee
    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column("score", justify="right", no_wrap=True)
    table.add_column("platform/id", overflow="fold", max_width=18)
    table.add_column("age", justify="right", no_wrap=True)
    table.add_column("why", overflow="fold", max_width=20)
    table.add_column("text", overflow="fold", ratio=1)
    assigned = any(i.assignee for i in items)
    if assigned:
        table.add_column("assignee", no_wrap=True, max_width=12, overflow="ellipsis")
    for i in items:
        why = " ".join(f"{k}+{v:g}" for k, v in i.why.items() if v)
        cells = [
            f"{i.score:g}",
            f"{rich_text(i.platform)}/{rich_text(i.interaction_id)}",
            duration(i.signals["age_minutes"] * 60),
            why,
            rich_text(i.text, 140),
        ]
        table.add_row(*cells, *([rich_text(i.assignee)] if assigned else []))
    Console().print(table)


@inbox_app.command("show")
def inbox_show(
    interaction_id: str = typer.Argument(..., help="The item's interaction id."),
    platform: str | None = typer.Option(None, help="Platform, when ids collide."),
    now: str | None = typer.Option(None, help="Rank as of this UTC time (ISO)."),
    db: str | None = DbOption,
) -> None:
    """One item with its full text and score breakdown."""
    from rich.console import Console

    from engagelens.engage.inbox import find

    with open_db(db) as store:
        item = find(store, interaction_id, platform, now=_now(now))
    c = Console()
    c.print(
        f"[bold]{rich_text(item.platform)}/{rich_text(item.interaction_id)}[/bold] "
        f"{rich_text(item.kind)} by {rich_text(item.actor_id)} "
        f"at {item.occurred_at:%Y-%m-%d %H:%M} UTC"
    )
    c.print(rich_text(item.text))
    c.print(f"score {item.score:g} = " + " + ".join(f"{k} {v:g}" for k, v in item.why.items()))
    c.print("signals: " + rich_text(json.dumps(item.signals, ensure_ascii=False)))
    if item.assignee:
        c.print(f"assigned to {rich_text(item.assignee)}")


@inbox_app.command("mark-replied")
def inbox_mark_replied(
    platform: str = typer.Argument(...),
    interaction_id: str = typer.Argument(...),
    db: str | None = DbOption,
) -> None:
    """Record an answer given outside the exports; the item leaves the inbox."""
    from engagelens.engage.inbox import mark_replied

    with open_db(db) as store:
        mark_replied(store, platform, interaction_id)
    typer.echo(f"marked {plain_text(platform)}/{plain_text(interaction_id)} as replied")


@inbox_app.command("assign")
def inbox_assign(
    platform: str = typer.Argument(...),
    interaction_id: str = typer.Argument(...),
    assignee: str = typer.Argument(..., help="Agent name."),
    db: str | None = DbOption,
) -> None:
    """Assign an item to an agent (the latest assignment wins)."""
    from engagelens.engage.inbox import assign

    with open_db(db) as store:
        assign(store, platform, interaction_id, assignee)
    typer.echo(
        f"assigned {plain_text(platform)}/{plain_text(interaction_id)} to {plain_text(assignee)}"
    )


@goals_app.command("report")
def goals_report(as_json: bool = typer.Option(False, "--json"), db: str | None = DbOption) -> None:
    """Per-week attainment of reply_rate_goal and reply_target_minutes (business hours)."""
    from rich.console import Console
    from rich.table import Table

    from engagelens.engage.goals import weekly_report
    from engagelens.metrics.units import duration

    with open_db(db) as store:
        weeks = weekly_report(store)
    if as_json:
        typer.echo(json.dumps([w.to_dict() for w in weeks], indent=2, default=str))
        return
    t = Table(box=None, pad_edge=False, header_style="bold")
    for head in ("week", "inbound", "answered", "reply rate", "goal", "met"):
        t.add_column(head, no_wrap=True, justify="left" if head == "week" else "right")
    for head in ("median (business h)", "target", "met"):
        t.add_column(head, justify="right")
    for w in weeks:
        t.add_row(
            w.week,
            str(w.inbound),
            str(w.answered),
            "-" if w.reply_rate is None else f"{w.reply_rate:.1%}",
            f"{w.reply_rate_goal:.1%}",
            "yes" if w.reply_rate_met else "no",
            duration(w.business_median_seconds),
            duration(w.target_seconds),
            "-" if w.reply_time_met is None else ("yes" if w.reply_time_met else "no"),
        )
    Console().print(t)


def register(app: typer.Typer) -> None:
    app.add_typer(inbox_app, name="inbox")
    app.add_typer(goals_app, name="goals")


__all__ = sorted(["goals_app", "inbox_app", "register", "safe"])
