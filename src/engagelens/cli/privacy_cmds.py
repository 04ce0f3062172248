"""``engagelens privacy forget|pseudonymise|ledger``: thin wrappers over engagelens.privacy.

``forget`` asks for confirmation unless ``--yes``; the store does the deleting
(``Store.delete_rows``/``update_rows``), never SQL built here."""

from __future__ import annotations

import json
from typing import Any

import typer

from .common import DbOption, open_db

privacy_app = typer.Typer(
    help="GDPR: forget a person everywhere, pseudonymise authors, the privacy ledger.",
    no_args_is_help=True,
)

_KeyFile = typer.Option(
    None, "--key-file", help="Pseudonymisation key (default: setting, else <db>.privacy-key)."
)


def _json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@privacy_app.command("forget")
def forget_cmd(
    author: str = typer.Option(
        ..., "--author", help="PLATFORM:ID of one of the person's accounts."
    ),
    mode: str = typer.Option(
        "delete", "--mode", help="delete their rows, or pseudonymise (keep rows, drop identity)."
    ),
    customer: list[str] = typer.Option(
        [], "--customer", help="Customer id of theirs not linked by audience link (repeatable)."
    ),
    visitor: list[str] = typer.Option([], "--visitor", help="Web visitor id (repeatable)."),
    recipient: list[str] = typer.Option(
        [], "--recipient", help="E-mail recipient id (repeatable)."
    ),
    respondent: list[str] = typer.Option(
        [], "--respondent", help="Survey respondent id (repeatable)."
    ),
    requested_by: str | None = typer.Option(None, "--by", help="Who asked (for the ledger)."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
    key_file: str | None = _KeyFile,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    db: str | None = DbOption,
) -> None:
    """Forget one person in every table (and their linked accounts and customer ids)."""
    from engagelens.privacy import forget_author, key_path, load_key, parse_author

    from .safe_text import plain_text

    parse_author(author)  # a bad id fails before the prompt
    if not yes:
        typer.confirm(
            f"{mode} every row of {plain_text(author, 80)} and their linked ids?", abort=True
        )
    with open_db(db) as store:
        key = load_key(key_path(store, key_file))
        report = forget_author(
            store,
            author,
            key=key,
            mode=mode,
            customers=tuple(customer),
            others={
                "visitor": tuple(visitor),
                "recipient": tuple(recipient),
                "respondent": tuple(respondent),
            },
            requested_by=requested_by,
        )
    out = report.to_dict()
    if as_json:
        _json(out)
        return
    done = ", ".join(f"{t} {n}" for t, n in out["rows"].items()) or "nothing"
    verb = "deleted" if mode == "delete" else "pseudonymised"
    typer.echo(f"request {out['request_id']}: {verb} {done}")


@privacy_app.command("pseudonymise")
def pseudonymise_cmd(
    key_file: str | None = _KeyFile,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    db: str | None = DbOption,
) -> None:
    """Replace every author and customer id by a keyed pseudonym (HMAC-SHA256)."""
    from engagelens.privacy import key_path, load_key, pseudonymise_authors

    with open_db(db) as store:
        path = key_path(store, key_file)
        rows = pseudonymise_authors(store, key=load_key(path), requested_by="cli")
    if as_json:
        _json({"key_file": str(path), "rows": rows})
        return
    done = ", ".join(f"{t} {n}" for t, n in rows.items()) or "nothing new"
    typer.echo(f"pseudonymised with the key in {path}: {done}")


@privacy_app.command("ledger")
def ledger_cmd(
    limit: int = typer.Option(50, "--limit", help="Show the latest N requests."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    db: str | None = DbOption,
) -> None:
    """Forget and pseudonymise requests carried out, newest first."""
    from engagelens.errors import ConfigError
    from engagelens.privacy import ledger

    if limit < 1:
        raise ConfigError(f"--limit must be at least 1, not {limit}")
    with open_db(db) as store:
        rows = ledger(store, limit=limit)
    if as_json:
        _json(rows)
        return
    for r in rows:
        done = ", ".join(f"{t} {n}" for t, n in r["rows"].items()) or "nothing"
        typer.echo(f"{r['performed_at']:%Y-%m-%d %H:%M} {r['action']} {r['mode'] or ''} {done}")


def register(app: typer.Typer) -> None:
    app.add_typer(privacy_app, name="privacy")


__all__ = sorted(["privacy_app", "register"])
