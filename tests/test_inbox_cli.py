"""The inbox and goals commands, end to end on the Red Bull fixture (hostile text escaped)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from engagelens.cli.main import app, main
from engagelens.engage.sample import load_interactions_csv
from engagelens.store import Store

FIX = Path(__file__).parent / "fixtures" / "engage"


def test_inbox_commands(tmp_path):
    db = str(tmp_path / "t.duckdb")
    with Store.open(db) as s:
        load_interactions_csv(s, FIX / "redbull.csv", own_accounts=(("facebook", "redbull"),))
        s.insert(
            "interaction",
            [
                {
                    "platform": "facebook",
                    "interaction_id": "evil",
                    "kind": "comment",
                    "occurred_at": __import__("datetime").datetime(2026, 11, 20, 12),
                    "text": "[bold red]x[/] \u202e?",
                    "actor_id": "z",
                }
            ],
        )
    r = CliRunner()
    out = r.invoke(
        app, ["inbox", "list", "--db", db, "--now", "2026-11-20T20:00", "--json", "--limit", "5"]
    )
    assert out.exit_code == 0, out.output
    items = json.loads(out.output)
    assert items[0]["why"]["question"] == 40 and len(items) == 5
    out = r.invoke(app, ["inbox", "show", "evil", "--db", db, "--now", "2026-11-20T20:00"])
    assert out.exit_code == 0, out.output
    assert "[bold red]x[/]" in out.output and "\u202e" not in out.output
    # the score is shown with its parts (why it ranks where it does)
    assert re.search(r"score\s+[\d.]+\s+=\s+question\s+40\s+\+\s+complaint\s+0", out.output), (
        out.output
    )
    out = r.invoke(app, ["inbox", "list", "--db", db, "--now", "2026-11-20T20:00", "--limit", "3"])
    assert out.exit_code == 0 and "question+40" in out.output, out.output
    assert r.invoke(app, ["inbox", "assign", "facebook", "c003", "ann", "--db", db]).exit_code == 0
    assert r.invoke(app, ["inbox", "mark-replied", "facebook", "c013", "--db", db]).exit_code == 0
    assert main(["inbox", "mark-replied", "facebook", "missing", "--db", db]) == 2
    out = r.invoke(app, ["goals", "report", "--db", db, "--json"])
    assert out.exit_code == 0, out.output
    weeks = json.loads(out.output)
    assert weeks[0]["reply_rate"] == 0.0 and weeks[0]["inbound"] == 191
