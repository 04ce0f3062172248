"""The CLI entry point's exit codes: what scripts and CI see after `engagelens …`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import typer

from engagelens.cli.main import exit_code, main, run
from engagelens.errors import MetricError


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.command()
    def leave(code: int = typer.Option(0, "--code")) -> None:
        raise typer.Exit(code)

    @app.command()
    def fail() -> None:
        raise MetricError("first line\nsecond line")

    @app.command()
    def talk() -> str:
        typer.echo("hello")
        return "a value, not an exit code"

    return app


def test_typer_exit_code_propagates():
    # click in non-standalone mode *returns* typer.Exit's code; it used to be dropped (0)
    assert run(_app(), ["leave", "--code", "1"]) == 1
    assert run(_app(), ["leave", "--code", "3"]) == 3
    assert run(_app(), ["leave"]) == 0


def test_engagelens_error_is_one_line_and_exit_2(capsys):
    assert run(_app(), ["fail"]) == 2
    err = capsys.readouterr().err
    assert err == "error[metric]: first line second line\n"


def test_return_value_of_a_command_is_not_an_exit_code(capsys):
    assert run(_app(), ["talk"]) == 0
    assert capsys.readouterr().out == "hello\n"
    assert exit_code(None) == 0 and exit_code(True) == 0 and exit_code(4) == 4


def test_usage_errors_and_version(capsys):
    assert main(["no-such-command"]) == 2
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("engagelens ")


def test_installed_script_exit_code():
    script = Path(sys.executable).with_name("engagelens")
    done = subprocess.run(
        [str(script), "metrics", "explain", "npz"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2
    assert done.stderr.startswith("error[unknown_metric]:") and done.stderr.count("\n") == 1
