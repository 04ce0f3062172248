"""One hostile string through the one terminal-safe helper and every CLI path that prints it.

The string carries Rich markup, a bidi override, a zero-width space, an ANSI escape and a
spreadsheet formula. Every path must show the same line: markup literally, the override and
the zero-width space gone, ESC as a space (so ``[31m`` can no longer colour anything)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from rich.console import Console
from rich.table import Table
from typer.testing import CliRunner

from engagelens.cli.main import app, main
from engagelens.cli.safe_text import plain_text, rich_text
from engagelens.store import Store

HOSTILE = "[bold]x\u202e\u200b\x1b[31m=HYPERLINK()"
#: by hand: \u202e and \u200b (format characters) removed, \x1b (a control) → one space
SHOWN = "[bold]x [31m=HYPERLINK()"
FORBIDDEN = ("\u202e", "\u200b", "\x1b", "\\[bold]")


def _clean(output: str) -> None:
    assert SHOWN in output, output
    for bad in FORBIDDEN:
        assert bad not in output, (bad, output)


def _render(markup: str) -> str:
    console = Console(file=io.StringIO(), width=200, color_system=None)
    table = Table("cell")
    table.add_row(markup)
    console.print(table)
    return console.file.getvalue()


def test_plain_and_rich_text_by_hand():
    assert plain_text(HOSTILE) == SHOWN
    assert rich_text(HOSTILE) == "\\" + SHOWN  # Rich's escape of the one tag-like "[bold]"
    assert plain_text("a\nb\tc\u2028d\x85e") == "a b c d e"  # no line can be forged
    assert plain_text("bad\udcff name") == "bad\ufffd name"  # a lone surrogate cannot crash print
    assert plain_text("ok \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645") == (
        "ok \u0645\u06cc\u062e\u0648\u0627\u0647\u0645"  # ZWNJ removed, as listening folds it
    )
    assert plain_text(None) == "" and plain_text(12) == "12"
    assert plain_text("abcdef", 4) == "abc…" and plain_text("abcd", 4) == "abcd"


def test_rich_text_is_shown_as_typed_in_a_table():
    _clean(_render(rich_text(HOSTILE)))
    # a lone closing tag is markup Rich cannot parse: escaped, it is shown, not raised
    assert "x[/]y" in _render(rich_text("x[/]y"))


@pytest.fixture
def runner():
    return CliRunner(env={"COLUMNS": "240"})


@pytest.fixture
def db(tmp_path):
    path = str(tmp_path / "hostile.duckdb")
    with Store.open(path) as s:
        s.insert("account", [{"platform": "instagram", "account_id": "brand", "is_own": True}])
        s.insert(
            "content",
            [
                {
                    "platform": "instagram",
                    "content_id": "p1",
                    "account_id": "brand",
                    "created_at": dt.datetime(2026, 3, 1, 9),
                    "kind": "photo",
                }
            ],
        )
        s.insert(
            "interaction",
            [
                {
                    "platform": "instagram",
                    "interaction_id": str(i),
                    "actor_id": HOSTILE,
                    "kind": kind,
                    "content_id": "p1",
                    "occurred_at": dt.datetime(2026, 3, 1, 12 + i),
                    "text": HOSTILE if kind == "comment" else None,
                }
                for i, kind in enumerate(("share", "comment"))
            ],
        )
        start = dt.datetime(2026, 3, 1, 10)
        s.insert(
            "web_session",
            [{"session_id": "s1", "visitor_id": "v1", "started_at": start,
              "source": "google", "medium": "cpc", "campaign": HOSTILE}],
        )  # fmt: skip
        s.insert(
            "conversion",
            [{"conversion_id": "o1", "session_id": "s1", "customer_id": "c1",
              "occurred_at": start + dt.timedelta(minutes=5), "value": 90.0}],
        )  # fmt: skip
    return path


def test_rich_tables_show_hostile_text_literally(runner, db):
    out = runner.invoke(app, ["audience", "advocates", "--db", db, "--show", "audience"])
    assert out.exit_code == 0, out.output
    _clean(out.output)
    out = runner.invoke(app, ["inbox", "list", "--db", db, "--now", "2026-03-02T00:00"])
    assert out.exit_code == 0, out.output
    _clean(out.output)
    out = runner.invoke(app, ["inbox", "show", "1", "--db", db, "--now", "2026-03-02T00:00"])
    assert out.exit_code == 0, out.output
    _clean(out.output)
    out = runner.invoke(app, ["value", "attribution", "--db", db])  # campaign names
    assert out.exit_code == 0, out.output
    _clean(out.output)


def test_plain_lines_show_hostile_text_literally(runner, db, tmp_path, capsys):
    # typer.echo paths: the same line, and no Rich escape backslash shown to the user
    out = runner.invoke(app, ["inbox", "assign", "instagram", "1", HOSTILE, "--db", db])
    assert out.exit_code == 0, out.output
    _clean(out.output)
    out = runner.invoke(app, ["listen", "test", "x", HOSTILE])
    assert out.exit_code == 0, out.output
    _clean(out.output)

    name = tmp_path / f"{HOSTILE}.csv"  # a file name is user text too
    name.write_text(
        f"platform,interaction_id,kind,occurred_at,text\nx,1,comment,not a date,{HOSTILE}\n",
        encoding="utf-8",
    )
    # the one-line error of an unrecognised file names it: through main's error path
    assert main(["ingest", str(name), "--db", db]) == 2
    _clean(capsys.readouterr().err)
    out = runner.invoke(app, ["ingest", str(name), "--entity", "interaction", "--db", db])
    assert out.exit_code == 0, out.output
    _clean(out.output)
    out = runner.invoke(app, ["batches", "--db", db])  # the file name again
    assert out.exit_code == 0, out.output
    _clean(out.output)
    # the raw row is stored as JSON (ingest already dropped the invisible characters and JSON
    # escapes ESC); what reaches the terminal still has no control, bidi or Rich escape
    out = runner.invoke(app, ["quarantine", "show", "1", "--db", db])
    assert out.exit_code == 0, out.output
    assert '"text":"[bold]x\\u001B[31m=HYPERLINK()"' in out.output, out.output
    for bad in FORBIDDEN:
        assert bad not in out.output, (bad, out.output)
