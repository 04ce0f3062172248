"""``engagelens serve`` (API + dashboard on Uvicorn), ``workspace create|list``,
``user create|grant`` and ``token create|list|revoke``: thin wrappers over
:mod:`engagelens.api`. These commands may run while the server runs (the control database is
opened only for each operation)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer

from engagelens import settings as settings_mod
from engagelens.errors import ConfigError

DataDirOption = typer.Option(
    None,
    "--data-dir",
    envvar="ENGAGELENS_DATA_DIR",
    help="Folder with control.duckdb and one DuckDB file per workspace.",
)

workspace_app = typer.Typer(
    help="Workspaces: one per brand or client, fully separate.", no_args_is_help=True
)
user_app = typer.Typer(help="Dashboard users and their role per workspace.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens (stored hashed; shown once).", no_args_is_help=True)


def _control(data_dir: str | None):
    from engagelens.api.control import Control

    return Control(data_dir or settings_mod.get("data_dir"))


def uvicorn_options(
    *,
    host: str,
    port: int,
    log_level: str = "info",
    proxy_headers: bool = False,
    forwarded_allow_ips: str = "127.0.0.1",
    ssl_certfile: str | None = None,
    ssl_keyfile: str | None = None,
) -> dict[str, Any]:
    """Uvicorn's settings for ``serve``. Proxy headers (``X-Forwarded-For``/``-Proto``) are
    trusted only with ``proxy_headers`` and only from ``forwarded_allow_ips``: trusting them
    from anyone would let a client pick its IP (defeating the log-in throttle) and scheme."""
    if bool(ssl_certfile) != bool(ssl_keyfile):
        raise ConfigError("--ssl-certfile and --ssl-keyfile go together")
    for name, path in (("--ssl-certfile", ssl_certfile), ("--ssl-keyfile", ssl_keyfile)):
        if path and not Path(path).is_file():
            raise ConfigError(f"{name}: no file {path!r}")
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": log_level,
        "server_header": False,
        "proxy_headers": proxy_headers,
        "forwarded_allow_ips": forwarded_allow_ips if proxy_headers else None,
    }
    if ssl_certfile:
        options.update(ssl_certfile=ssl_certfile, ssl_keyfile=ssl_keyfile)
    return options


def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on (loopback by default)."),
    port: int = typer.Option(8000, min=0, max=65535),
    data_dir: str | None = DataDirOption,
    log_level: str = typer.Option("info", help="Uvicorn log level."),
    proxy_headers: bool = typer.Option(
        False,
        "--proxy-headers/--no-proxy-headers",
        help="Behind a reverse proxy: take client IP and scheme from X-Forwarded-For/-Proto.",
    ),
    forwarded_allow_ips: str = typer.Option(
        "127.0.0.1",
        "--forwarded-allow-ips",
        help="Comma-separated proxy addresses whose X-Forwarded-* headers are trusted.",
    ),
    ssl_certfile: str | None = typer.Option(None, help="Serve HTTPS with this certificate."),
    ssl_keyfile: str | None = typer.Option(None, help="The certificate's private key."),
    cookie_secure: str | None = typer.Option(
        None, help="Session cookie Secure flag: auto (HTTPS requests), always or never."
    ),
) -> None:
    """Start the REST API (/api/v1, reference at /docs) and the dashboard."""
    from engagelens.errors import require

    uvicorn = require("uvicorn", "web")
    from engagelens.api import create_app

    if cookie_secure is not None and cookie_secure not in ("auto", "always", "never"):
        raise ConfigError("--cookie-secure must be auto, always or never")
    options = uvicorn_options(
        host=host,
        port=port,
        log_level=log_level,
        proxy_headers=proxy_headers,
        forwarded_allow_ips=forwarded_allow_ips,
        ssl_certfile=ssl_certfile,
        ssl_keyfile=ssl_keyfile,
    )
    folder = data_dir or settings_mod.get("data_dir")
    extra: dict[str, Any] = {"warm_rollups": True}
    if cookie_secure:
        extra["cookie_secure"] = cookie_secure
    app = create_app(folder, settings=extra)
    scheme = "https" if ssl_certfile else "http"
    typer.echo(f"EngageLens on {scheme}://{host}:{port}/ (API reference: /docs; data: {folder})")
    uvicorn.run(app, **options)


def collect(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on (loopback by default)."),
    port: int = typer.Option(8001, min=0, max=65535),
    data_dir: str | None = DataDirOption,
    log_level: str = typer.Option("info", help="Uvicorn log level."),
    proxy_headers: bool = typer.Option(
        False, "--proxy-headers/--no-proxy-headers", help="Trust X-Forwarded-* (see serve)."
    ),
    forwarded_allow_ips: str = typer.Option("127.0.0.1", "--forwarded-allow-ips"),
) -> None:
    """Run only the real-time collector (events and signed webhooks; `serve` includes it)."""
    from engagelens.errors import require

    uvicorn = require("uvicorn", "web")
    from engagelens.api import create_app

    options = uvicorn_options(
        host=host,
        port=port,
        log_level=log_level,
        proxy_headers=proxy_headers,
        forwarded_allow_ips=forwarded_allow_ips,
    )
    folder = data_dir or settings_mod.get("data_dir")
    app = create_app(folder, collector_only=True)
    typer.echo(f"EngageLens collector on http://{host}:{port}/ (data: {folder})")
    uvicorn.run(app, **options)


@workspace_app.command("create")
def workspace_create(
    slug: str = typer.Argument(..., help="lower-case letters, digits, dashes"),
    name: str | None = typer.Option(None, help="Display name."),
    data_dir: str | None = DataDirOption,
) -> None:
    """Create a workspace and its own DuckDB file."""
    row = _control(data_dir).create_workspace(slug, name)
    typer.echo(f"workspace {row['slug']} created")


@workspace_app.command("list")
def workspace_list(
    as_json: bool = typer.Option(False, "--json"), data_dir: str | None = DataDirOption
) -> None:
    """Workspaces of this data folder."""
    rows = _control(data_dir).workspaces()
    if as_json:
        typer.echo(json.dumps(rows, default=str, ensure_ascii=False))
        return
    for r in rows:
        typer.echo(f"{r['slug']}\t{r['name']}")


def _password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\n")
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


@user_app.command("create")
def user_create(
    username: str,
    workspace: str | None = typer.Option(None, help="Grant a role in this workspace."),
    role: str = typer.Option("viewer", help="viewer, analyst or admin."),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from stdin."
    ),
    data_dir: str | None = DataDirOption,
) -> None:
    """Create a dashboard user (argon2 password hash); optionally grant a role."""
    from engagelens.api.control import check_role

    control = _control(data_dir)
    if workspace:
        check_role(role)
        control.workspace(workspace)  # fail before asking for a password
    control.create_user(username, _password(password_stdin))
    if workspace:
        control.grant(username, workspace, role)
    typer.echo(f"user {username} created" + (f" ({role} in {workspace})" if workspace else ""))


@user_app.command("grant")
def user_grant(
    username: str,
    workspace: str = typer.Option(..., help="Workspace."),
    role: str = typer.Option(..., help="viewer, analyst, admin, or none to remove."),
    data_dir: str | None = DataDirOption,
) -> None:
    """Set a user's role in a workspace."""
    _control(data_dir).grant(username, workspace, role)
    typer.echo(f"{username}: {role} in {workspace}")


@token_app.command("create")
def token_create(
    workspace: str = typer.Option(..., help="The one workspace it can see."),
    role: str = typer.Option(..., help="viewer, analyst or admin."),
    name: str = typer.Option("", help="What the token is for."),
    expires_in_days: float = typer.Option(
        None,
        "--expires-in-days",
        help="Lifetime in days (default: setting token_expiry_days; 0: never expires).",
    ),
    data_dir: str | None = DataDirOption,
) -> None:
    """Create an API token and print it once (only its SHA-256 is stored)."""
    days = (
        float(settings_mod.get("token_expiry_days")) if expires_in_days is None else expires_in_days
    )
    new = _control(data_dir).create_token(workspace, role, name, expires_in_days=days or None)
    until = f", expires in {days:g} days" if days else ", never expires"
    typer.echo(
        f"token {new.token_id} ({new.role} in {new.workspace}{until}); shown once, store it now:",
        err=True,
    )
    typer.echo(new.token)


@token_app.command("list")
def token_list(
    workspace: str | None = typer.Option(None), data_dir: str | None = DataDirOption
) -> None:
    """Token ids, workspaces, roles and names (never the tokens)."""
    for t in _control(data_dir).tokens(workspace):
        state = "revoked" if t["revoked"] else "live"
        until = t["expires_at"].isoformat(timespec="minutes") if t.get("expires_at") else "never"
        typer.echo(
            f"{t['token_id']}\t{t['workspace']}\t{t['role']}\t{state}\t{until}\t{t['name'] or ''}"
        )


@token_app.command("revoke")
def token_revoke(token_id: int, data_dir: str | None = DataDirOption) -> None:
    """Revoke a token (a running server stops accepting it within seconds)."""
    _control(data_dir).revoke_token(token_id)
    typer.echo(f"token {token_id} revoked")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.command("collect")(collect)
    app.add_typer(workspace_app, name="workspace")
    app.add_typer(user_app, name="user")
    app.add_typer(token_app, name="token")


__all__ = ["register"]
