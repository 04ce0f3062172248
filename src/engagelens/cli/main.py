"""The ``engagelens`` command. Each command group lives in its own module and registers
itself here; errors are printed as one line (``error[code]: message``) with exit code 2."""

from __future__ import annotations

import importlib
import sys

import typer

from .. import __version__
from ..errors import EngageLensError

app = typer.Typer(
    name="engagelens",
    help="EngageLens: engagement analytics and social listening on your own machine.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

#: command-group modules, in help order; each defines ``register(app)``
GROUPS: tuple[str, ...] = (
    "store_cmds",   # init, batches, quarantine, settings
    "ingest_cmds",  # ingest
    "demo_cmds",    # demo
    "metrics_cmds", # metrics list|explain|compute, report
    "text_cmds",    # text sentiment|analyze
    "listen_cmds",  # listen …, alerts …
    "inbox_cmds",   # inbox …, goals
    "serve_cmds",   # serve, token, workspace
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"engagelens {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """EngageLens command line."""


def _register() -> None:
    for name in GROUPS:
        try:
            module = importlib.import_module(f"{__package__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"{__package__}.{name}":  # group not built in this checkout
                continue
            raise
        module.register(app)


_register()


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app, turning EngageLens errors into one line and exit code 2."""
    try:
        app(args=argv, standalone_mode=False)
    except EngageLensError as exc:
        typer.secho(f"error[{exc.code}]: {exc.message}", err=True, fg=typer.colors.RED)
        return 2
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        typer.echo("aborted", err=True)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # click usage errors and the like
        import click

        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            return exc.exit_code
        raise
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
