"""The ``engagelens`` command. Each command group lives in its own module and registers
itself here; errors are printed as one line (``error[code]: message``) with exit code 2."""

from __future__ import annotations

import importlib
import sys

import typer

from engagelens import __version__
from engagelens.errors import EngageLensError

from .safe_text import plain_text

app = typer.Typer(
    name="engagelens",
    help="EngageLens: engagement analytics and social listening on your own machine.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

#: command-group modules, in help order; each defines ``register(app)``
GROUPS: tuple[str, ...] = (
    "store_cmds",  # init, batches, quarantine, settings
    "ingest_cmds",  # ingest
    "demo_cmds",  # demo
    "metrics_cmds",  # metrics list|explain|compute, report
    "text_cmds",  # text sentiment|analyze
    "listen_cmds",  # listen …, alerts …
    "inbox_cmds",  # inbox …, goals
    "audience_cmds",  # audience best-times|hashtags|advocates
    "value_cmds",  # value cltv|attribution
    "schedule_cmds",  # schedule add|list|remove|run|history
    "experiments_cmds",  # experiments compare|sample-size
    "privacy_cmds",  # privacy forget|pseudonymise|ledger
    "serve_cmds",  # serve, token, workspace
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"engagelens {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
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
    """Entry point of the ``engagelens`` command: its exit code (see :func:`run`)."""
    return run(app, argv)


def run(application: typer.Typer, argv: list[str] | None = None) -> int:
    """Run a Typer app and return its exit code.

    Why not click's standalone mode: it would print tracebacks for our own errors. Without it,
    click *returns* the code of ``typer.Exit(n)`` instead of raising it, so the return value is
    the exit code; EngageLens errors become one line ``error[code]: message`` and exit code 2.
    """
    try:
        result = application(args=argv, standalone_mode=False)
    except EngageLensError as exc:
        # one terminal-safe line, whatever the message holds (file names, values from a file)
        message = " ".join(plain_text(exc.message).split())
        typer.secho(f"error[{exc.code}]: {message}", err=True, fg=typer.colors.RED)
        return 2
    except typer.Exit as exc:  # raised outside a command (e.g. an eager callback)
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
    return exit_code(result)


def exit_code(result: object) -> int:
    """The process exit code for what a non-standalone click app returned: click hands back
    ``typer.Exit(n)``'s ``n``; a command's own return value (None, text…) means success."""
    if isinstance(result, int) and not isinstance(result, bool):
        return result
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
